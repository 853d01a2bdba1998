"""The language's numbers: power zones and every limit, in one place.

Importers use these too (a FIT or ZWO file must not smuggle in a step the
language itself would refuse), so this module imports nothing heavy.
docs/language.md explains each number.
"""

from __future__ import annotations

#: Coggan's power zones as %FTP ranges.  Z1 and Z7 are open-ended in
#: Coggan's table; as *targets* they need two ends: Z1 starts at 40% (an easy
#: spin still worth holding in ERG), Z7 is capped at 200% (all-out work is
#: better written ``max``).
ZONES: dict[int, tuple[float, float]] = {
    1: (40.0, 55.0),
    2: (56.0, 75.0),
    3: (76.0, 90.0),
    4: (91.0, 105.0),
    5: (106.0, 120.0),
    6: (121.0, 150.0),
    7: (151.0, 200.0),
}

CADENCE_LIMITS_RPM = (30, 200)
HEART_RATE_LIMITS_BPM = (30, 240)
MAX_PERCENT = 1000.0
MAX_WATTS = 3000.0
#: Faster than 1:30/km is beyond any human (the 100 m world record is ~1:36/km).
FASTEST_PACE_S_PER_KM = 90
#: A ``vmax:`` (top sprint speed) may be faster than that: elite sprinters reach
#: about 12.5 m/s (Bolt's peak, 2009, was ~12.4 m/s), which is 1:20/km.
FASTEST_VMAX_S_PER_KM = 80
#: The highest ``pmax:`` is the watts limit of a target.
MAX_PMAX_W = MAX_WATTS
#: The highest ``@P%pmax`` / ``@P%vmax``: a little above the athlete's peak
#: (a fresh day's best); more is a typo.
PEAK_PERCENT_LIMIT = 120

#: A workout may expand to at most this many steps ...
MAX_EXPANDED_STEPS = 10_000
#: ... and last at most this long.
MAX_DURATION_S = 24 * 3600
#: Deepest nesting of ``Nx:`` blocks (also keeps recursion bounded).
MAX_DEPTH = 16
#: Longest cue text, and longest header value, in characters (E210).
#: Devices show a few dozen characters of a cue and ZWO descriptions run to
#: a few paragraphs; these only stop a runaway paste or a fuzzer.
MAX_CUE_CHARS = 2000
MAX_HEADER_CHARS = 10_000
#: Source files larger than this are refused before they are read whole.
MAX_FILE_BYTES = 5 * 1024 * 1024

# What the largest file costs (docs/guarantees.md): these keep checking any
# file up to MAX_FILE_BYTES linear and small, and stop it as soon as a limit
# is certain to be exceeded.

#: Cues after unrolling every repeat: two for every step at the step limit
#: (each output format spends about as much on a cue as on a step).
MAX_EXPANDED_CUES = 2 * MAX_EXPANDED_STEPS
#: Longest item outside a cue (E210): the longest word of the language,
#: ``@4:20-4:30/km``, has 13 characters.
MAX_ITEM_CHARS = 100
#: Items on one line (E305): more than a line within the limits can hold,
#: 10,000 steps of seven items (a word, the amount, a ramp's two, a cadence,
#: a heart rate, the '/') and 20,000 cues of three (``"..." at 1m``).
MAX_LINE_ITEMS = 7 * MAX_EXPANDED_STEPS + 3 * MAX_EXPANDED_CUES + 1
#: Checking a file stops after this many errors (E013 says where) ...
MAX_ERRORS = 100
#: ... and at most this many of its warnings are shown (W104 counts the rest).
MAX_WARNINGS = 100

#: The highest ``@P%lthr`` / ``@P%maxhr``: above threshold heart rate is
#: possible (a VO2max effort reaches about 105-110% of LTHR), above 120% of
#: either is a typo.
HR_PERCENT_LIMIT = 120

#: Heart-rate zones 1-5 in numbers, where a number is needed (stats, lints,
#: charts, formats that carry bpm): the device's own zones are the athlete's,
#: and FIT writes the zone number itself.  From ``lthr:`` when the header sets
#: it (Joe Friel's zones by lactate-threshold heart rate, run version: Z1 under
#: 85%, Z2 85-89%, Z3 90-94%, Z4 95-99%, Z5 100% and up; Z1's floor and Z5's
#: ceiling are ours, so that a zone has two ends), else from ``max-hr:``
#: (Garmin's default zones: 50-60-70-80-90-100% of max HR); with neither the
#: numbers are unknown, never guessed.  docs/language.md gives the sources.
HR_ZONES_PCT_LTHR: dict[int, tuple[int, int]] = {
    1: (65, 85),
    2: (85, 90),
    3: (90, 95),
    4: (95, 100),
    5: (100, 106),
}
HR_ZONES_PCT_MAX_HR: dict[int, tuple[int, int]] = {
    1: (50, 60),
    2: (60, 70),
    3: (70, 80),
    4: (80, 90),
    5: (90, 100),
}
