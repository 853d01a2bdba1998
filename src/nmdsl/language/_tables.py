"""LALR tables of grammar/nmdsl.lark, for nmdsl.language._lalr.  Generated: do not edit.

Regenerate with ``python -m nmdsl.language._grammar`` after editing the grammar.
"""
# fmt: off
# ruff: noqa

GRAMMAR_SHA256 = '76c94e41a446d5277086cdba6d8ad0907317445427ff1212562988d41d9109ce'
LARK_VERSION = '1.3.1'
START = 0
ACCEPT = 14

#: (name, 'str' or 're', literal or regular expression)
TERMINALS: tuple[tuple[str, str, str], ...] = (
    ('INTENSITY', 're', '(?:cooldown|recovery|warmup|rest)'),
    ('DRILL', 're', '(?:strides|sprint|spinup|accel)'),
    ('RAMP', 'str', 'ramp'),
    ('MAX', 'str', 'max'),
    ('FREE', 'str', 'free'),
    ('AT', 'str', 'at'),
    ('LAP', 'str', 'lap'),
    ('UNTIL', 'str', 'until'),
    ('REPEAT', 're', '[0-9]+x'),
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
    {'$END': -25, 'BPM': -25, 'CADENCE': -25, 'DISTANCE': -25, 'DURATION': -25, 'ESTIMATE': -25, 'FREE': -25, 'HR_PCT': -25, 'HR_ZONE': -25, 'LAP': -25, 'MAX': -25, 'PACE': -25, 'POWER_PCT': -25, 'RAMP': -25, 'SLASH': -25, 'STRING': -25, 'UNTIL': -25, 'WATTS': -25, 'ZONE': -25},  # 1
    {'DISTANCE': 1, 'DURATION': 3, 'LAP': 6, 'UNTIL': 8},  # 2
    {'$END': -24, 'BPM': -24, 'CADENCE': -24, 'DISTANCE': -24, 'DURATION': -24, 'ESTIMATE': -24, 'FREE': -24, 'HR_PCT': -24, 'HR_ZONE': -24, 'LAP': -24, 'MAX': -24, 'PACE': -24, 'POWER_PCT': -24, 'RAMP': -24, 'SLASH': -24, 'STRING': -24, 'UNTIL': -24, 'WATTS': -24, 'ZONE': -24},  # 3
    {'COLON': 18},  # 4
    {'DISTANCE': 1, 'DURATION': 3, 'LAP': 6, 'UNTIL': 8},  # 5
    {'$END': -26, 'BPM': -26, 'CADENCE': -26, 'DISTANCE': -26, 'DURATION': -26, 'ESTIMATE': -26, 'FREE': -26, 'HR_PCT': -26, 'HR_ZONE': -26, 'LAP': -26, 'MAX': -26, 'PACE': -26, 'POWER_PCT': -26, 'RAMP': -26, 'SLASH': -26, 'STRING': -26, 'UNTIL': -26, 'WATTS': -26, 'ZONE': -26},  # 6
    {'COLON': 20, 'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 8},  # 7
    {'HR_BOUND': 22},  # 8
    {'$END': -23, 'BPM': -23, 'CADENCE': -23, 'DISTANCE': 1, 'DURATION': 3, 'ESTIMATE': 23, 'FREE': -23, 'HR_PCT': -23, 'HR_ZONE': -23, 'LAP': 6, 'MAX': -23, 'PACE': -23, 'POWER_PCT': -23, 'RAMP': -23, 'SLASH': -23, 'STRING': -23, 'UNTIL': 8, 'WATTS': -23, 'ZONE': -23},  # 9
    {'$END': -21, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -21, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 10
    {'$END': -2},  # 11
    {'$END': -47, 'BPM': -47, 'CADENCE': -47, 'DISTANCE': -47, 'DURATION': -47, 'ESTIMATE': -47, 'FREE': -47, 'HR_PCT': -47, 'HR_ZONE': -47, 'LAP': -47, 'MAX': -47, 'PACE': -47, 'POWER_PCT': -47, 'RAMP': -47, 'SLASH': -47, 'STRING': -47, 'UNTIL': -47, 'WATTS': -47, 'ZONE': -47},  # 12
    {'$END': -1},  # 13
    {},  # 14
    {'$END': -9, 'SLASH': 41},  # 15
    {'$END': -3},  # 16
    {'$END': -17, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -17, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 17
    {'HEADER_VALUE': 45},  # 18
    {'$END': -13, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -13, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 19
    {'$END': -5},  # 20
    {'$END': -7, 'SLASH': 41},  # 21
    {'$END': -27, 'BPM': -27, 'CADENCE': -27, 'DISTANCE': -27, 'DURATION': -27, 'ESTIMATE': -27, 'FREE': -27, 'HR_PCT': -27, 'HR_ZONE': -27, 'LAP': -27, 'MAX': -27, 'PACE': -27, 'POWER_PCT': -27, 'RAMP': -27, 'SLASH': -27, 'STRING': -27, 'UNTIL': -27, 'WATTS': -27, 'ZONE': -27},  # 22
    {'$END': -22, 'BPM': -22, 'CADENCE': -22, 'FREE': -22, 'HR_PCT': -22, 'HR_ZONE': -22, 'MAX': -22, 'PACE': -22, 'POWER_PCT': -22, 'RAMP': -22, 'SLASH': -22, 'STRING': -22, 'WATTS': -22, 'ZONE': -22},  # 23
    {'$END': -48, 'BPM': -48, 'CADENCE': -48, 'DISTANCE': -48, 'DURATION': -48, 'ESTIMATE': -48, 'FREE': -48, 'HR_PCT': -48, 'HR_ZONE': -48, 'LAP': -48, 'MAX': -48, 'PACE': -48, 'POWER_PCT': -48, 'RAMP': -48, 'SLASH': -48, 'STRING': -48, 'UNTIL': -48, 'WATTS': -48, 'ZONE': -48},  # 24
    {'$END': -32, 'BPM': -32, 'CADENCE': -32, 'FREE': -32, 'HR_PCT': -32, 'HR_ZONE': -32, 'MAX': -32, 'PACE': -32, 'POWER_PCT': -32, 'RAMP': -32, 'SLASH': -32, 'STRING': -32, 'WATTS': -32, 'ZONE': -32},  # 25
    {'$END': -35, 'BPM': -35, 'CADENCE': -35, 'FREE': -35, 'HR_PCT': -35, 'HR_ZONE': -35, 'MAX': -35, 'PACE': -35, 'POWER_PCT': -35, 'RAMP': -35, 'SLASH': -35, 'STRING': -35, 'WATTS': -35, 'ZONE': -35},  # 26
    {'$END': -38, 'BPM': -38, 'CADENCE': -38, 'FREE': -38, 'HR_PCT': -38, 'HR_ZONE': -38, 'MAX': -38, 'PACE': -38, 'POWER_PCT': -38, 'RAMP': -38, 'SLASH': -38, 'STRING': -38, 'WATTS': -38, 'ZONE': -38},  # 27
    {'$END': -34, 'BPM': -34, 'CADENCE': -34, 'FREE': -34, 'HR_PCT': -34, 'HR_ZONE': -34, 'MAX': -34, 'PACE': -34, 'POWER_PCT': -34, 'RAMP': -34, 'SLASH': -34, 'STRING': -34, 'WATTS': -34, 'ZONE': -34},  # 28
    {'$END': -33, 'BPM': -33, 'CADENCE': -33, 'FREE': -33, 'HR_PCT': -33, 'HR_ZONE': -33, 'MAX': -33, 'PACE': -33, 'POWER_PCT': -33, 'RAMP': -33, 'SLASH': -33, 'STRING': -33, 'WATTS': -33, 'ZONE': -33},  # 29
    {'$END': -37, 'BPM': -37, 'CADENCE': -37, 'FREE': -37, 'HR_PCT': -37, 'HR_ZONE': -37, 'MAX': -37, 'PACE': -37, 'POWER_PCT': -37, 'RAMP': -37, 'SLASH': -37, 'STRING': -37, 'WATTS': -37, 'ZONE': -37},  # 30
    {'$END': -31, 'BPM': -31, 'CADENCE': -31, 'FREE': -31, 'HR_PCT': -31, 'HR_ZONE': -31, 'MAX': -31, 'PACE': -31, 'POWER_PCT': -31, 'RAMP': -31, 'SLASH': -31, 'STRING': -31, 'WATTS': -31, 'ZONE': -31},  # 31
    {'$END': -28, 'BPM': -28, 'CADENCE': -28, 'FREE': -28, 'HR_PCT': -28, 'HR_ZONE': -28, 'MAX': -28, 'PACE': -28, 'POWER_PCT': -28, 'RAMP': -28, 'SLASH': -28, 'STRING': -28, 'WATTS': -28, 'ZONE': -28},  # 32
    {'RAMP_RANGE': 49},  # 33
    {'$END': -40, 'AT': 50, 'SLASH': -40, 'STRING': -40},  # 34
    {'$END': -29, 'BPM': -29, 'CADENCE': -29, 'FREE': -29, 'HR_PCT': -29, 'HR_ZONE': -29, 'MAX': -29, 'PACE': -29, 'POWER_PCT': -29, 'RAMP': -29, 'SLASH': -29, 'STRING': -29, 'WATTS': -29, 'ZONE': -29},  # 35
    {'$END': -30, 'BPM': -30, 'CADENCE': -30, 'FREE': -30, 'HR_PCT': -30, 'HR_ZONE': -30, 'MAX': -30, 'PACE': -30, 'POWER_PCT': -30, 'RAMP': -30, 'SLASH': -30, 'STRING': -30, 'WATTS': -30, 'ZONE': -30},  # 36
    {'$END': -19, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -19, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 37
    {'$END': -20, 'SLASH': -20, 'STRING': 34},  # 38
    {'$END': -45, 'SLASH': -45, 'STRING': -45},  # 39
    {'$END': -43, 'BPM': -43, 'CADENCE': -43, 'FREE': -43, 'HR_PCT': -43, 'HR_ZONE': -43, 'MAX': -43, 'PACE': -43, 'POWER_PCT': -43, 'RAMP': -43, 'SLASH': -43, 'STRING': -43, 'WATTS': -43, 'ZONE': -43},  # 40
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 8},  # 41
    {'$END': -8, 'SLASH': 55},  # 42
    {'$END': -15, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -15, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 43
    {'$END': -16, 'SLASH': -16, 'STRING': 34},  # 44
    {'$END': -4},  # 45
    {'$END': -11, 'BPM': 25, 'CADENCE': 26, 'FREE': 27, 'HR_PCT': 28, 'HR_ZONE': 29, 'MAX': 30, 'PACE': 31, 'POWER_PCT': 32, 'RAMP': 33, 'SLASH': -11, 'STRING': 34, 'WATTS': 35, 'ZONE': 36},  # 46
    {'$END': -12, 'SLASH': -12, 'STRING': 34},  # 47
    {'$END': -6, 'SLASH': 55},  # 48
    {'$END': -36, 'BPM': -36, 'CADENCE': -36, 'FREE': -36, 'HR_PCT': -36, 'HR_ZONE': -36, 'MAX': -36, 'PACE': -36, 'POWER_PCT': -36, 'RAMP': -36, 'SLASH': -36, 'STRING': -36, 'WATTS': -36, 'ZONE': -36},  # 49
    {'DURATION': 58},  # 50
    {'$END': -18, 'SLASH': -18, 'STRING': 34},  # 51
    {'$END': -44, 'BPM': -44, 'CADENCE': -44, 'FREE': -44, 'HR_PCT': -44, 'HR_ZONE': -44, 'MAX': -44, 'PACE': -44, 'POWER_PCT': -44, 'RAMP': -44, 'SLASH': -44, 'STRING': -44, 'WATTS': -44, 'ZONE': -44},  # 52
    {'$END': -46, 'SLASH': -46, 'STRING': -46},  # 53
    {'$END': -41, 'SLASH': -41},  # 54
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5, 'LAP': 6, 'UNTIL': 8},  # 55
    {'$END': -14, 'SLASH': -14, 'STRING': 34},  # 56
    {'$END': -10, 'SLASH': -10, 'STRING': 34},  # 57
    {'$END': -39, 'SLASH': -39, 'STRING': -39},  # 58
    {'$END': -42, 'SLASH': -42},  # 59
)

#: state -> rule -> state after reducing it
GOTO: tuple[dict[str, int], ...] = (
    {'__amount_plus_3': 9, 'amount': 10, 'block_head': 11, 'end': 12, 'header': 13, 'start': 14, 'step': 15, 'step_line': 16},  # 0
    {},  # 1
    {'__amount_plus_3': 9, 'amount': 17, 'end': 12},  # 2
    {},  # 3
    {},  # 4
    {'__amount_plus_3': 9, 'amount': 19, 'end': 12},  # 5
    {},  # 6
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 21},  # 7
    {},  # 8
    {'end': 24},  # 9
    {'__step_star_1': 37, '__step_star_2': 38, 'cue': 39, 'target': 40},  # 10
    {},  # 11
    {},  # 12
    {},  # 13
    {},  # 14
    {'__step_line_star_0': 42},  # 15
    {},  # 16
    {'__step_star_1': 43, '__step_star_2': 44, 'cue': 39, 'target': 40},  # 17
    {},  # 18
    {'__step_star_1': 46, '__step_star_2': 47, 'cue': 39, 'target': 40},  # 19
    {},  # 20
    {'__step_line_star_0': 48},  # 21
    {},  # 22
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
    {'__step_star_2': 51, 'cue': 39, 'target': 52},  # 37
    {'cue': 53},  # 38
    {},  # 39
    {},  # 40
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 54},  # 41
    {},  # 42
    {'__step_star_2': 56, 'cue': 39, 'target': 52},  # 43
    {'cue': 53},  # 44
    {},  # 45
    {'__step_star_2': 57, 'cue': 39, 'target': 52},  # 46
    {'cue': 53},  # 47
    {},  # 48
    {},  # 49
    {},  # 50
    {'cue': 53},  # 51
    {},  # 52
    {},  # 53
    {},  # 54
    {'__amount_plus_3': 9, 'amount': 10, 'end': 12, 'step': 59},  # 55
    {'cue': 53},  # 56
    {'cue': 53},  # 57
    {},  # 58
    {},  # 59
)

#: (origin, size, tree name, expand single child, kept children or None, trailing Nones)
#: kept children: (position, inline its children, Nones before it)
RULES: tuple[tuple[str, int, str, bool, tuple[tuple[int, bool, int], ...] | None, int], ...] = (
    ('start', 1, 'start', False, None, 0),  # 0
    ('start', 1, 'start', False, None, 0),  # 1
    ('start', 1, 'start', False, None, 0),  # 2
    ('header', 3, 'header', False, ((0, False, 0), (2, False, 0)), 0),  # 3
    ('block_head', 2, 'block_head', False, ((0, False, 0),), 0),  # 4
    ('step_line', 3, 'step_line', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 5
    ('step_line', 2, 'step_line', False, None, 0),  # 6
    ('step_line', 2, 'step_line', False, ((0, False, 0), (1, True, 0)), 0),  # 7
    ('step_line', 1, 'step_line', False, None, 0),  # 8
    ('step', 4, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0), (3, True, 0)), 0),  # 9
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 10
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 11
    ('step', 2, 'step', False, None, 0),  # 12
    ('step', 4, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0), (3, True, 0)), 0),  # 13
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 14
    ('step', 3, 'step', False, ((0, False, 0), (1, False, 0), (2, True, 0)), 0),  # 15
    ('step', 2, 'step', False, None, 0),  # 16
    ('step', 3, 'step', False, ((0, False, 0), (1, True, 0), (2, True, 0)), 0),  # 17
    ('step', 2, 'step', False, ((0, False, 0), (1, True, 0)), 0),  # 18
    ('step', 2, 'step', False, ((0, False, 0), (1, True, 0)), 0),  # 19
    ('step', 1, 'step', False, None, 0),  # 20
    ('amount', 2, 'amount', False, ((0, True, 0), (1, False, 0)), 0),  # 21
    ('amount', 1, 'amount', False, ((0, True, 0),), 0),  # 22
    ('end', 1, 'end', False, None, 0),  # 23
    ('end', 1, 'end', False, None, 0),  # 24
    ('end', 1, 'end', False, None, 0),  # 25
    ('end', 2, 'end', False, None, 0),  # 26
    ('target', 1, 'target', False, None, 0),  # 27
    ('target', 1, 'target', False, None, 0),  # 28
    ('target', 1, 'target', False, None, 0),  # 29
    ('target', 1, 'target', False, None, 0),  # 30
    ('target', 1, 'target', False, None, 0),  # 31
    ('target', 1, 'target', False, None, 0),  # 32
    ('target', 1, 'target', False, None, 0),  # 33
    ('target', 1, 'target', False, None, 0),  # 34
    ('target', 2, 'ramp', False, None, 0),  # 35
    ('target', 1, 'max_effort', False, None, 0),  # 36
    ('target', 1, 'free_ride', False, None, 0),  # 37
    ('cue', 3, 'cue', False, None, 0),  # 38
    ('cue', 1, 'cue', False, None, 0),  # 39
    ('__step_line_star_0', 2, '__step_line_star_0', False, ((1, False, 0),), 0),  # 40
    ('__step_line_star_0', 3, '__step_line_star_0', False, ((0, True, 0), (2, False, 0)), 0),  # 41
    ('__step_star_1', 1, '__step_star_1', False, None, 0),  # 42
    ('__step_star_1', 2, '__step_star_1', False, ((0, True, 0), (1, False, 0)), 0),  # 43
    ('__step_star_2', 1, '__step_star_2', False, None, 0),  # 44
    ('__step_star_2', 2, '__step_star_2', False, ((0, True, 0), (1, False, 0)), 0),  # 45
    ('__amount_plus_3', 1, '__amount_plus_3', False, None, 0),  # 46
    ('__amount_plus_3', 2, '__amount_plus_3', False, ((0, True, 0), (1, False, 0)), 0),  # 47
)
