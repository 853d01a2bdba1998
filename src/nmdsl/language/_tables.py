"""LALR tables of grammar/nmdsl.lark, for nmdsl.language._lalr.  Generated: do not edit.

Regenerate with ``python -m nmdsl.language._grammar`` after editing the grammar.
"""
# fmt: off
# ruff: noqa

GRAMMAR_SHA256 = '60dea8c9dcba0603bf163d86b54355172c5b458af583ee3b614b1ee1045cffb7'
LARK_VERSION = '1.3.1'
START = 0
ACCEPT = 14

#: (name, 'str' or 're', literal or regular expression)
TERMINALS: tuple[tuple[str, str, str], ...] = (
    ('INTENSITY', 're', '(?:cooldown|recovery|warmup|rest)'),
    ('DRILL', 're', '(?:standing\\-start|hill\\-sprint|strides|sprint|spinup|torque|flying|accel)'),
    ('RAMP', 'str', 'ramp'),
    ('MAX', 'str', 'max'),
    ('FREE', 'str', 'free'),
    ('AT', 'str', 'at'),
    ('LAP', 'str', 'lap'),
    ('UNTIL', 'str', 'until'),
    ('REPEAT', 're', '[0-9]+x'),
    ('REPEAT_ESTIMATE', 're', '~[0-9]+x'),
    ('DURATION', 're', '(?:[0-9]+:[0-9][0-9](:[0-9][0-9])?(\\.[0-9]{1,3})?|(?=[0-9])([0-9]+h)?([0-9]+(min|m))?([0-9]+(\\.[0-9]{1,3})?s)?)'),
    ('DISTANCE', 're', '[0-9]+(\\.[0-9]+)?(mtr|km|mi)'),
    ('ESTIMATE', 're', '(?:~[0-9]+:[0-9][0-9](:[0-9][0-9])?(\\.[0-9]{1,3})?|~(?=[0-9])([0-9]+h)?([0-9]+(min|m))?([0-9]+(\\.[0-9]{1,3})?s)?)'),
    ('HR_BOUND', 're', '(?:[<>][0-9]+(\\.[0-9]+)?%(maxhr|lthr)|[<>][0-9]+bpm)'),
    ('POWER_PCT', 're', '(?:@[0-9]+(\\.[0-9]+)?%?-[0-9]+(\\.[0-9]+)?%|@[0-9]+(\\.[0-9]+)?%)'),
    ('WATTS', 're', '(?:@[0-9]+(\\.[0-9]+)?W?-[0-9]+(\\.[0-9]+)?W|@[0-9]+(\\.[0-9]+)?W)'),
    ('ZONE', 're', '@Z[0-9]+'),
    ('PACE', 're', '(?:@[0-9]+:[0-9][0-9](\\/(km|mi))?-[0-9]+:[0-9][0-9]\\/(km|mi)|@[0-9]+:[0-9][0-9]\\/(km|mi))'),
    ('BPM', 're', '(?:@[0-9]+(bpm)?-[0-9]+bpm|@[0-9]+bpm)'),
    ('HR_ZONE', 're', '@Z[0-9]+hr'),
    ('HR_PCT', 're', '(?:@[0-9]+(\\.[0-9]+)?%?-[0-9]+(\\.[0-9]+)?%(lthr|maxhr)|@[0-9]+(\\.[0-9]+)?%(lthr|maxhr))'),
    ('PEAK_PCT', 're', '(?:@[0-9]+(\\.[0-9]+)?%?-[0-9]+(\\.[0-9]+)?%(pmax|vmax)|@[0-9]+(\\.[0-9]+)?%(pmax|vmax))'),
    ('CADENCE', 're', '(?:[0-9]+(rpm)?-[0-9]+rpm|[0-9]+rpm)'),
    ('RAMP_RANGE', 're', '(?:[0-9]+(\\.[0-9]+)?%?-[0-9]+(\\.[0-9]+)?%|[0-9]+(\\.[0-9]+)?W?-[0-9]+(\\.[0-9]+)?W)'),
    ('STRING', 're', '"[^"]*"'),
    ('HEADER_KEY', 're', '[A-Za-z][A-Za-z0-9_-]*'),
    ('HEADER_VALUE', 're', '.+'),
    ('COLON', 'str', ':'),
    ('SLASH', 'str', '/'),
)

#: state -> terminal -> shift to state (>= 0) or reduce by rule ~n (< 0)
ACTIONS: tuple[dict[str, int], ...] = (
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'HEADER_KEY': 4, 'INTENSITY': 5, 'LAP': 6, 'REPEAT': 7, 'UNTIL': 8},  # 0
    {'$END': -27, 'BPM': -27, 'CADENCE': -27, 'DISTANCE': -27, 'DURATION': -27, 'ESTIMATE': -27, 'FREE': -27, 'HR_PCT': -27, 'HR_ZONE': -27, 'LAP': -27, 'MAX': -27, 'PACE': -27, 'PEAK_PCT': -27, 'POWER_PCT': -27, 'RAMP': -27, 'SLASH': -27, 'STRING': -27, 'UNTIL': -27, 'WATTS': -27, 'ZONE': -27},  # 1
    {'DISTANCE': 1, 'DURATION': 3, 'LAP': 6, 'UNTIL': 17},  # 2
    {'$END': -26, 'BPM': -26, 'CADENCE': -26, 'DISTANCE': -26, 'DURATION': -26, 'ESTIMATE': -26, 'FREE': -26, 'HR_PCT': -26, 'HR_ZONE': -26, 'LAP': -26, 'MAX': -26, 'PACE': -26, 'PEAK_PCT': -26, 'POWER_PCT': -26, 'RAMP': -26, 'SLASH': -26, 'STRING': -26, 'UNTIL': -26, 'WATTS': -26, 'ZONE': -26},  # 3
    {'COLON': 19},  # 4
    {'DISTANCE': 1, 'DURATION': 3, 'LAP': 6, 'UNTIL': 17},  # 5
    {'$END': -28, 'BPM': -28, 'CADENCE': -28, 'DISTANCE': -28, 'DURATION': -28, 'ESTIMATE': -28, 'FREE': -28, 'HR_PCT': -28, 'HR_ZONE': -28, 'LAP': -28, 'MAX': -28, 'PACE': -28, 'PEAK_PCT': -28, 'POWER_PCT': -28, 'RAMP': -28, 'SLASH': -28, 'STRING': -28, 'UNTIL': -28, 'WATTS': -28, 'ZONE': -28},  # 6
    {'COLON': 21, 'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 17},  # 7
    {'HR_BOUND': 23},  # 8
    {'$END': -25, 'BPM': -25, 'CADENCE': -25, 'DISTANCE': 1, 'DURATION': 3, 'ESTIMATE': 24, 'FREE': -25, 'HR_PCT': -25, 'HR_ZONE': -25, 'LAP': 6, 'MAX': -25, 'PACE': -25, 'PEAK_PCT': -25, 'POWER_PCT': -25, 'RAMP': -25, 'SLASH': -25, 'STRING': -25, 'UNTIL': 17, 'WATTS': -25, 'ZONE': -25},  # 9
    {'$END': -23, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -23, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 10
    {'$END': -2},  # 11
    {'$END': -50, 'BPM': -50, 'CADENCE': -50, 'DISTANCE': -50, 'DURATION': -50, 'ESTIMATE': -50, 'FREE': -50, 'HR_PCT': -50, 'HR_ZONE': -50, 'LAP': -50, 'MAX': -50, 'PACE': -50, 'PEAK_PCT': -50, 'POWER_PCT': -50, 'RAMP': -50, 'SLASH': -50, 'STRING': -50, 'UNTIL': -50, 'WATTS': -50, 'ZONE': -50},  # 12
    {'$END': -1},  # 13
    {},  # 14
    {'$END': -11, 'SLASH': 43},  # 15
    {'$END': -3},  # 16
    {'HR_BOUND': 45},  # 17
    {'$END': -19, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -19, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 18
    {'HEADER_VALUE': 48},  # 19
    {'$END': -15, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -15, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 20
    {'$END': -5},  # 21
    {'$END': -9, 'SLASH': 43},  # 22
    {'$END': -29, 'BPM': -29, 'CADENCE': -29, 'COLON': 52, 'DISTANCE': -29, 'DURATION': -29, 'ESTIMATE': -29, 'FREE': -29, 'HR_PCT': -29, 'HR_ZONE': -29, 'LAP': -29, 'MAX': -29, 'PACE': -29, 'PEAK_PCT': -29, 'POWER_PCT': -29, 'RAMP': -29, 'REPEAT_ESTIMATE': 53, 'SLASH': -29, 'STRING': -29, 'UNTIL': -29, 'WATTS': -29, 'ZONE': -29},  # 23
    {'$END': -24, 'BPM': -24, 'CADENCE': -24, 'FREE': -24, 'HR_PCT': -24, 'HR_ZONE': -24, 'MAX': -24, 'PACE': -24, 'PEAK_PCT': -24, 'POWER_PCT': -24, 'RAMP': -24, 'SLASH': -24, 'STRING': -24, 'WATTS': -24, 'ZONE': -24},  # 24
    {'$END': -51, 'BPM': -51, 'CADENCE': -51, 'DISTANCE': -51, 'DURATION': -51, 'ESTIMATE': -51, 'FREE': -51, 'HR_PCT': -51, 'HR_ZONE': -51, 'LAP': -51, 'MAX': -51, 'PACE': -51, 'PEAK_PCT': -51, 'POWER_PCT': -51, 'RAMP': -51, 'SLASH': -51, 'STRING': -51, 'UNTIL': -51, 'WATTS': -51, 'ZONE': -51},  # 25
    {'$END': -34, 'BPM': -34, 'CADENCE': -34, 'FREE': -34, 'HR_PCT': -34, 'HR_ZONE': -34, 'MAX': -34, 'PACE': -34, 'PEAK_PCT': -34, 'POWER_PCT': -34, 'RAMP': -34, 'SLASH': -34, 'STRING': -34, 'WATTS': -34, 'ZONE': -34},  # 26
    {'$END': -38, 'BPM': -38, 'CADENCE': -38, 'FREE': -38, 'HR_PCT': -38, 'HR_ZONE': -38, 'MAX': -38, 'PACE': -38, 'PEAK_PCT': -38, 'POWER_PCT': -38, 'RAMP': -38, 'SLASH': -38, 'STRING': -38, 'WATTS': -38, 'ZONE': -38},  # 27
    {'$END': -41, 'BPM': -41, 'CADENCE': -41, 'FREE': -41, 'HR_PCT': -41, 'HR_ZONE': -41, 'MAX': -41, 'PACE': -41, 'PEAK_PCT': -41, 'POWER_PCT': -41, 'RAMP': -41, 'SLASH': -41, 'STRING': -41, 'WATTS': -41, 'ZONE': -41},  # 28
    {'$END': -36, 'BPM': -36, 'CADENCE': -36, 'FREE': -36, 'HR_PCT': -36, 'HR_ZONE': -36, 'MAX': -36, 'PACE': -36, 'PEAK_PCT': -36, 'POWER_PCT': -36, 'RAMP': -36, 'SLASH': -36, 'STRING': -36, 'WATTS': -36, 'ZONE': -36},  # 29
    {'$END': -35, 'BPM': -35, 'CADENCE': -35, 'FREE': -35, 'HR_PCT': -35, 'HR_ZONE': -35, 'MAX': -35, 'PACE': -35, 'PEAK_PCT': -35, 'POWER_PCT': -35, 'RAMP': -35, 'SLASH': -35, 'STRING': -35, 'WATTS': -35, 'ZONE': -35},  # 30
    {'$END': -40, 'BPM': -40, 'CADENCE': -40, 'FREE': -40, 'HR_PCT': -40, 'HR_ZONE': -40, 'MAX': -40, 'PACE': -40, 'PEAK_PCT': -40, 'POWER_PCT': -40, 'RAMP': -40, 'SLASH': -40, 'STRING': -40, 'WATTS': -40, 'ZONE': -40},  # 31
    {'$END': -33, 'BPM': -33, 'CADENCE': -33, 'FREE': -33, 'HR_PCT': -33, 'HR_ZONE': -33, 'MAX': -33, 'PACE': -33, 'PEAK_PCT': -33, 'POWER_PCT': -33, 'RAMP': -33, 'SLASH': -33, 'STRING': -33, 'WATTS': -33, 'ZONE': -33},  # 32
    {'$END': -37, 'BPM': -37, 'CADENCE': -37, 'FREE': -37, 'HR_PCT': -37, 'HR_ZONE': -37, 'MAX': -37, 'PACE': -37, 'PEAK_PCT': -37, 'POWER_PCT': -37, 'RAMP': -37, 'SLASH': -37, 'STRING': -37, 'WATTS': -37, 'ZONE': -37},  # 33
    {'$END': -30, 'BPM': -30, 'CADENCE': -30, 'FREE': -30, 'HR_PCT': -30, 'HR_ZONE': -30, 'MAX': -30, 'PACE': -30, 'PEAK_PCT': -30, 'POWER_PCT': -30, 'RAMP': -30, 'SLASH': -30, 'STRING': -30, 'WATTS': -30, 'ZONE': -30},  # 34
    {'RAMP_RANGE': 54},  # 35
    {'$END': -43, 'AT': 55, 'SLASH': -43, 'STRING': -43},  # 36
    {'$END': -31, 'BPM': -31, 'CADENCE': -31, 'FREE': -31, 'HR_PCT': -31, 'HR_ZONE': -31, 'MAX': -31, 'PACE': -31, 'PEAK_PCT': -31, 'POWER_PCT': -31, 'RAMP': -31, 'SLASH': -31, 'STRING': -31, 'WATTS': -31, 'ZONE': -31},  # 37
    {'$END': -32, 'BPM': -32, 'CADENCE': -32, 'FREE': -32, 'HR_PCT': -32, 'HR_ZONE': -32, 'MAX': -32, 'PACE': -32, 'PEAK_PCT': -32, 'POWER_PCT': -32, 'RAMP': -32, 'SLASH': -32, 'STRING': -32, 'WATTS': -32, 'ZONE': -32},  # 38
    {'$END': -21, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -21, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 39
    {'$END': -22, 'SLASH': -22, 'STRING': 36},  # 40
    {'$END': -48, 'SLASH': -48, 'STRING': -48},  # 41
    {'$END': -46, 'BPM': -46, 'CADENCE': -46, 'FREE': -46, 'HR_PCT': -46, 'HR_ZONE': -46, 'MAX': -46, 'PACE': -46, 'PEAK_PCT': -46, 'POWER_PCT': -46, 'RAMP': -46, 'SLASH': -46, 'STRING': -46, 'WATTS': -46, 'ZONE': -46},  # 42
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 17},  # 43
    {'$END': -10, 'SLASH': 60},  # 44
    {'$END': -29, 'BPM': -29, 'CADENCE': -29, 'DISTANCE': -29, 'DURATION': -29, 'ESTIMATE': -29, 'FREE': -29, 'HR_PCT': -29, 'HR_ZONE': -29, 'LAP': -29, 'MAX': -29, 'PACE': -29, 'PEAK_PCT': -29, 'POWER_PCT': -29, 'RAMP': -29, 'SLASH': -29, 'STRING': -29, 'UNTIL': -29, 'WATTS': -29, 'ZONE': -29},  # 45
    {'$END': -17, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -17, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 46
    {'$END': -18, 'SLASH': -18, 'STRING': 36},  # 47
    {'$END': -4},  # 48
    {'$END': -13, 'BPM': 26, 'CADENCE': 27, 'FREE': 28, 'HR_PCT': 29, 'HR_ZONE': 30, 'MAX': 31, 'PACE': 32, 'PEAK_PCT': 33, 'POWER_PCT': 34, 'RAMP': 35, 'SLASH': -13, 'STRING': 36, 'WATTS': 37, 'ZONE': 38},  # 49
    {'$END': -14, 'SLASH': -14, 'STRING': 36},  # 50
    {'$END': -8, 'SLASH': 60},  # 51
    {'$END': -7},  # 52
    {'COLON': 63},  # 53
    {'$END': -39, 'BPM': -39, 'CADENCE': -39, 'FREE': -39, 'HR_PCT': -39, 'HR_ZONE': -39, 'MAX': -39, 'PACE': -39, 'PEAK_PCT': -39, 'POWER_PCT': -39, 'RAMP': -39, 'SLASH': -39, 'STRING': -39, 'WATTS': -39, 'ZONE': -39},  # 54
    {'DURATION': 64},  # 55
    {'$END': -20, 'SLASH': -20, 'STRING': 36},  # 56
    {'$END': -47, 'BPM': -47, 'CADENCE': -47, 'FREE': -47, 'HR_PCT': -47, 'HR_ZONE': -47, 'MAX': -47, 'PACE': -47, 'PEAK_PCT': -47, 'POWER_PCT': -47, 'RAMP': -47, 'SLASH': -47, 'STRING': -47, 'WATTS': -47, 'ZONE': -47},  # 57
    {'$END': -49, 'SLASH': -49, 'STRING': -49},  # 58
    {'$END': -44, 'SLASH': -44},  # 59
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 17},  # 60
    {'$END': -16, 'SLASH': -16, 'STRING': 36},  # 61
    {'$END': -12, 'SLASH': -12, 'STRING': 36},  # 62
    {'$END': -6},  # 63
    {'$END': -42, 'SLASH': -42, 'STRING': -42},  # 64
    {'$END': -45, 'SLASH': -45},  # 65
)

#: state -> rule -> state after reducing it
GOTO: tuple[dict[str, int], ...] = (
    {'__amount_plus_3': 9, 'amount': 10, 'block_head': 11, 'end': 12, 'header': 13, 'start': 14, 'step': 15, 'step_line': 16},  # 0
    {},  # 1
    {'__amount_plus_3': 9, 'amount': 18, 'end': 12},  # 2
    {},  # 3
    {},  # 4
    {'__amount_plus_3': 9, 'amount': 20, 'end': 12},  # 5
    {},  # 6
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 22},  # 7
    {},  # 8
    {'end': 25},  # 9
    {'__step_star_1': 39, '__step_star_2': 40, 'cue': 41, 'target': 42},  # 10
    {},  # 11
    {},  # 12
    {},  # 13
    {},  # 14
    {'__step_line_star_0': 44},  # 15
    {},  # 16
    {},  # 17
    {'__step_star_1': 46, '__step_star_2': 47, 'cue': 41, 'target': 42},  # 18
    {},  # 19
    {'__step_star_1': 49, '__step_star_2': 50, 'cue': 41, 'target': 42},  # 20
    {},  # 21
    {'__step_line_star_0': 51},  # 22
    {},  # 23
    {},  # 24
    {},  # 25
    {},  # 26
    {},  # 27
    {},  # 28
    {},  # 29
    {},  # 30
    {},  # 31
    {},  # 32
    {},  # 33
    {},  # 34
    {},  # 35
    {},  # 36
    {},  # 37
    {},  # 38
    {'__step_star_2': 56, 'cue': 41, 'target': 57},  # 39
    {'cue': 58},  # 40
    {},  # 41
    {},  # 42
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 59},  # 43
    {},  # 44
    {},  # 45
    {'__step_star_2': 61, 'cue': 41, 'target': 57},  # 46
    {'cue': 58},  # 47
    {},  # 48
    {'__step_star_2': 62, 'cue': 41, 'target': 57},  # 49
    {'cue': 58},  # 50
    {},  # 51
    {},  # 52
    {},  # 53
    {},  # 54
    {},  # 55
    {'cue': 58},  # 56
    {},  # 57
    {},  # 58
    {},  # 59
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 65},  # 60
    {'cue': 58},  # 61
    {'cue': 58},  # 62
    {},  # 63
    {},  # 64
    {},  # 65
)

#: (origin, size, tree name, expand single child, kept children or None, trailing Nones)
#: kept children: (position, inline its children, Nones before it)
RULES: tuple[tuple[str, int, str, bool, tuple[tuple[int, bool, int], ...] | None, int], ...] = (
    ('start', 1, 'start', False, None, 0),  # 0
    ('start', 1, 'start', False, None, 0),  # 1
    ('start', 1, 'start', False, None, 0),  # 2
    ('header', 3, 'header', False, ((0, False, 0), (2, False, 0)), 0),  # 3
    ('block_head', 2, 'block_head', False, ((0, False, 0),), 0),  # 4
    ('block_head', 4, 'block_head', False, ((0, False, 0), (1, False, 0), (2, False, 0)), 0),  # 5
    ('block_head', 3, 'block_head', False, ((0, False, 0), (1, False, 0)), 0),  # 6
    ('step_line', 3, 'step_line', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 7
    ('step_line', 2, 'step_line', False, None, 0),  # 8
    ('step_line', 2, 'step_line', False, ((0, False, 0), (1, True, 0)), 0),  # 9
    ('step_line', 1, 'step_line', False, None, 0),  # 10
    ('step', 4, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0), (3, True, 0)), 0),  # 11
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 12
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 13
    ('step', 2, 'step', False, None, 0),  # 14
    ('step', 4, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0), (3, True, 0)), 0),  # 15
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 16
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 17
    ('step', 2, 'step', False, None, 0),  # 18
    ('step', 3, 'step', False, ((0, False, 0), (1, True, 0), (2, True, 0)), 0),  # 19
    ('step', 2, 'step', False, ((0, False, 0), (1, True, 0)), 0),  # 20
    ('step', 2, 'step', False, ((0, False, 0), (1, True, 0)), 0),  # 21
    ('step', 1, 'step', False, None, 0),  # 22
    ('amount', 2, 'amount', False, ((0, True, 0), (1, False, 0)), 0),  # 23
    ('amount', 1, 'amount', False, ((0, True, 0),), 0),  # 24
    ('end', 1, 'end', False, None, 0),  # 25
    ('end', 1, 'end', False, None, 0),  # 26
    ('end', 1, 'end', False, None, 0),  # 27
    ('end', 2, 'end', False, None, 0),  # 28
    ('target', 1, 'target', False, None, 0),  # 29
    ('target', 1, 'target', False, None, 0),  # 30
    ('target', 1, 'target', False, None, 0),  # 31
    ('target', 1, 'target', False, None, 0),  # 32
    ('target', 1, 'target', False, None, 0),  # 33
    ('target', 1, 'target', False, None, 0),  # 34
    ('target', 1, 'target', False, None, 0),  # 35
    ('target', 1, 'target', False, None, 0),  # 36
    ('target', 1, 'target', False, None, 0),  # 37
    ('target', 2, 'ramp', False, None, 0),  # 38
    ('target', 1, 'max_effort', False, None, 0),  # 39
    ('target', 1, 'free_ride', False, None, 0),  # 40
    ('cue', 3, 'cue', False, None, 0),  # 41
    ('cue', 1, 'cue', False, None, 0),  # 42
    ('__step_line_star_0', 2, '__step_line_star_0', False, ((1, False, 0),), 0),  # 43
    ('__step_line_star_0', 3, '__step_line_star_0', False, ((0, True, 0), (2, False, 0)), 0),  # 44
    ('__step_star_1', 1, '__step_star_1', False, None, 0),  # 45
    ('__step_star_1', 2, '__step_star_1', False, ((0, True, 0), (1, False, 0)), 0),  # 46
    ('__step_star_2', 1, '__step_star_2', False, None, 0),  # 47
    ('__step_star_2', 2, '__step_star_2', False, ((0, True, 0), (1, False, 0)), 0),  # 48
    ('__amount_plus_3', 1, '__amount_plus_3', False, None, 0),  # 49
    ('__amount_plus_3', 2, '__amount_plus_3', False, ((0, True, 0), (1, False, 0)), 0),  # 50
)
