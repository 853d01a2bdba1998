"""LALR tables of grammar/nmdsl.lark, for nmdsl.language._lalr.  Generated: do not edit.

Regenerate with ``python -m nmdsl.language._grammar`` after editing the grammar.
"""
# fmt: off
# ruff: noqa

GRAMMAR_SHA256 = '25383e9c7215aa0ce23172f8aa5faafef4ed4e148ef9d8dba612fdf0b0f878eb'
LARK_VERSION = '1.3.1'
START = 0
ACCEPT = 10

#: (name, 'str' or 're', literal or regular expression)
TERMINALS: tuple[tuple[str, str, str], ...] = (
    ('INTENSITY', 're', '(?:cooldown|recovery|warmup|rest)'),
    ('DRILL', 're', '(?:strides|sprint|spinup|accel)'),
    ('RAMP', 'str', 'ramp'),
    ('MAX', 'str', 'max'),
    ('FREE', 'str', 'free'),
    ('AT', 'str', 'at'),
    ('REPEAT', 're', '[0-9]+x'),
    ('DURATION', 're', '(?:[0-9]+:[0-9][0-9](:[0-9][0-9])?(\\.[0-9]{1,3})?|(?=[0-9])([0-9]+h)?([0-9]+(min|m))?([0-9]+(\\.[0-9]{1,3})?s)?)'),
    ('DISTANCE', 're', '[0-9]+(\\.[0-9]+)?(mtr|km|mi)'),
    ('POWER_PCT', 're', '(?:@[0-9]+(\\.[0-9]+)?%?-[0-9]+(\\.[0-9]+)?%|@[0-9]+(\\.[0-9]+)?%)'),
    ('WATTS', 're', '(?:@[0-9]+(\\.[0-9]+)?W?-[0-9]+(\\.[0-9]+)?W|@[0-9]+(\\.[0-9]+)?W)'),
    ('ZONE', 're', '@Z[0-9]+'),
    ('PACE', 're', '(?:@[0-9]+:[0-9][0-9](\\/(km|mi))?-[0-9]+:[0-9][0-9]\\/(km|mi)|@[0-9]+:[0-9][0-9]\\/(km|mi))'),
    ('BPM', 're', '(?:@[0-9]+(bpm)?-[0-9]+bpm|@[0-9]+bpm)'),
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
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'HEADER_KEY': 4, 'INTENSITY': 5, 'REPEAT': 6},  # 0
    {'$END': -23, 'BPM': -23, 'CADENCE': -23, 'FREE': -23, 'MAX': -23, 'PACE': -23, 'POWER_PCT': -23, 'RAMP': -23, 'SLASH': -23, 'STRING': -23, 'WATTS': -23, 'ZONE': -23},  # 1
    {'DISTANCE': 1, 'DURATION': 3},  # 2
    {'$END': -22, 'BPM': -22, 'CADENCE': -22, 'FREE': -22, 'MAX': -22, 'PACE': -22, 'POWER_PCT': -22, 'RAMP': -22, 'SLASH': -22, 'STRING': -22, 'WATTS': -22, 'ZONE': -22},  # 3
    {'COLON': 14},  # 4
    {'DISTANCE': 1, 'DURATION': 3},  # 5
    {'COLON': 16, 'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5},  # 6
    {'$END': -21, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -21, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 7
    {'$END': -2},  # 8
    {'$END': -1},  # 9
    {},  # 10
    {'$END': -9, 'SLASH': 32},  # 11
    {'$END': -3},  # 12
    {'$END': -17, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -17, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 13
    {'HEADER_VALUE': 36},  # 14
    {'$END': -13, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -13, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 15
    {'$END': -5},  # 16
    {'$END': -7, 'SLASH': 32},  # 17
    {'$END': -28, 'BPM': -28, 'CADENCE': -28, 'FREE': -28, 'MAX': -28, 'PACE': -28, 'POWER_PCT': -28, 'RAMP': -28, 'SLASH': -28, 'STRING': -28, 'WATTS': -28, 'ZONE': -28},  # 18
    {'$END': -29, 'BPM': -29, 'CADENCE': -29, 'FREE': -29, 'MAX': -29, 'PACE': -29, 'POWER_PCT': -29, 'RAMP': -29, 'SLASH': -29, 'STRING': -29, 'WATTS': -29, 'ZONE': -29},  # 19
    {'$END': -32, 'BPM': -32, 'CADENCE': -32, 'FREE': -32, 'MAX': -32, 'PACE': -32, 'POWER_PCT': -32, 'RAMP': -32, 'SLASH': -32, 'STRING': -32, 'WATTS': -32, 'ZONE': -32},  # 20
    {'$END': -31, 'BPM': -31, 'CADENCE': -31, 'FREE': -31, 'MAX': -31, 'PACE': -31, 'POWER_PCT': -31, 'RAMP': -31, 'SLASH': -31, 'STRING': -31, 'WATTS': -31, 'ZONE': -31},  # 21
    {'$END': -27, 'BPM': -27, 'CADENCE': -27, 'FREE': -27, 'MAX': -27, 'PACE': -27, 'POWER_PCT': -27, 'RAMP': -27, 'SLASH': -27, 'STRING': -27, 'WATTS': -27, 'ZONE': -27},  # 22
    {'$END': -24, 'BPM': -24, 'CADENCE': -24, 'FREE': -24, 'MAX': -24, 'PACE': -24, 'POWER_PCT': -24, 'RAMP': -24, 'SLASH': -24, 'STRING': -24, 'WATTS': -24, 'ZONE': -24},  # 23
    {'RAMP_RANGE': 40},  # 24
    {'$END': -34, 'AT': 41, 'SLASH': -34, 'STRING': -34},  # 25
    {'$END': -25, 'BPM': -25, 'CADENCE': -25, 'FREE': -25, 'MAX': -25, 'PACE': -25, 'POWER_PCT': -25, 'RAMP': -25, 'SLASH': -25, 'STRING': -25, 'WATTS': -25, 'ZONE': -25},  # 26
    {'$END': -26, 'BPM': -26, 'CADENCE': -26, 'FREE': -26, 'MAX': -26, 'PACE': -26, 'POWER_PCT': -26, 'RAMP': -26, 'SLASH': -26, 'STRING': -26, 'WATTS': -26, 'ZONE': -26},  # 27
    {'$END': -19, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -19, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 28
    {'$END': -20, 'SLASH': -20, 'STRING': 25},  # 29
    {'$END': -39, 'SLASH': -39, 'STRING': -39},  # 30
    {'$END': -37, 'BPM': -37, 'CADENCE': -37, 'FREE': -37, 'MAX': -37, 'PACE': -37, 'POWER_PCT': -37, 'RAMP': -37, 'SLASH': -37, 'STRING': -37, 'WATTS': -37, 'ZONE': -37},  # 31
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5},  # 32
    {'$END': -8, 'SLASH': 46},  # 33
    {'$END': -15, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -15, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 34
    {'$END': -16, 'SLASH': -16, 'STRING': 25},  # 35
    {'$END': -4},  # 36
    {'$END': -11, 'BPM': 18, 'CADENCE': 19, 'FREE': 20, 'MAX': 21, 'PACE': 22, 'POWER_PCT': 23, 'RAMP': 24, 'SLASH': -11, 'STRING': 25, 'WATTS': 26, 'ZONE': 27},  # 37
    {'$END': -12, 'SLASH': -12, 'STRING': 25},  # 38
    {'$END': -6, 'SLASH': 46},  # 39
    {'$END': -30, 'BPM': -30, 'CADENCE': -30, 'FREE': -30, 'MAX': -30, 'PACE': -30, 'POWER_PCT': -30, 'RAMP': -30, 'SLASH': -30, 'STRING': -30, 'WATTS': -30, 'ZONE': -30},  # 40
    {'DURATION': 49},  # 41
    {'$END': -18, 'SLASH': -18, 'STRING': 25},  # 42
    {'$END': -38, 'BPM': -38, 'CADENCE': -38, 'FREE': -38, 'MAX': -38, 'PACE': -38, 'POWER_PCT': -38, 'RAMP': -38, 'SLASH': -38, 'STRING': -38, 'WATTS': -38, 'ZONE': -38},  # 43
    {'$END': -40, 'SLASH': -40, 'STRING': -40},  # 44
    {'$END': -35, 'SLASH': -35},  # 45
    {'DISTANCE': 1, 'DRILL': 2, 'DURATION': 3, 'INTENSITY': 5},  # 46
    {'$END': -14, 'SLASH': -14, 'STRING': 25},  # 47
    {'$END': -10, 'SLASH': -10, 'STRING': 25},  # 48
    {'$END': -33, 'SLASH': -33, 'STRING': -33},  # 49
    {'$END': -36, 'SLASH': -36},  # 50
)

#: state -> rule -> state after reducing it
GOTO: tuple[dict[str, int], ...] = (
    {'amount': 7, 'block_head': 8, 'header': 9, 'start': 10, 'step': 11, 'step_line': 12},  # 0
    {},  # 1
    {'amount': 13},  # 2
    {},  # 3
    {},  # 4
    {'amount': 15},  # 5
    {'amount': 7, 'step': 17},  # 6
    {'__step_star_1': 28, '__step_star_2': 29, 'cue': 30, 'target': 31},  # 7
    {},  # 8
    {},  # 9
    {},  # 10
    {'__step_line_star_0': 33},  # 11
    {},  # 12
    {'__step_star_1': 34, '__step_star_2': 35, 'cue': 30, 'target': 31},  # 13
    {},  # 14
    {'__step_star_1': 37, '__step_star_2': 38, 'cue': 30, 'target': 31},  # 15
    {},  # 16
    {'__step_line_star_0': 39},  # 17
    {},  # 18
    {},  # 19
    {},  # 20
    {},  # 21
    {},  # 22
    {},  # 23
    {},  # 24
    {},  # 25
    {},  # 26
    {},  # 27
    {'__step_star_2': 42, 'cue': 30, 'target': 43},  # 28
    {'cue': 44},  # 29
    {},  # 30
    {},  # 31
    {'amount': 7, 'step': 45},  # 32
    {},  # 33
    {'__step_star_2': 47, 'cue': 30, 'target': 43},  # 34
    {'cue': 44},  # 35
    {},  # 36
    {'__step_star_2': 48, 'cue': 30, 'target': 43},  # 37
    {'cue': 44},  # 38
    {},  # 39
    {},  # 40
    {},  # 41
    {'cue': 44},  # 42
    {},  # 43
    {},  # 44
    {},  # 45
    {'amount': 7, 'step': 50},  # 46
    {'cue': 44},  # 47
    {'cue': 44},  # 48
    {},  # 49
    {},  # 50
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
    ('amount', 1, 'amount', False, None, 0),  # 21
    ('amount', 1, 'amount', False, None, 0),  # 22
    ('target', 1, 'target', False, None, 0),  # 23
    ('target', 1, 'target', False, None, 0),  # 24
    ('target', 1, 'target', False, None, 0),  # 25
    ('target', 1, 'target', False, None, 0),  # 26
    ('target', 1, 'target', False, None, 0),  # 27
    ('target', 1, 'target', False, None, 0),  # 28
    ('target', 2, 'ramp', False, None, 0),  # 29
    ('target', 1, 'max_effort', False, None, 0),  # 30
    ('target', 1, 'free_ride', False, None, 0),  # 31
    ('cue', 3, 'cue', False, None, 0),  # 32
    ('cue', 1, 'cue', False, None, 0),  # 33
    ('__step_line_star_0', 2, '__step_line_star_0', False, ((1, False, 0),), 0),  # 34
    ('__step_line_star_0', 3, '__step_line_star_0', False, ((0, True, 0), (2, False, 0)), 0),  # 35
    ('__step_star_1', 1, '__step_star_1', False, None, 0),  # 36
    ('__step_star_1', 2, '__step_star_1', False, ((0, True, 0), (1, False, 0)), 0),  # 37
    ('__step_star_2', 1, '__step_star_2', False, None, 0),  # 38
    ('__step_star_2', 2, '__step_star_2', False, ((0, True, 0), (1, False, 0)), 0),  # 39
)
