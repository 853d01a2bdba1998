"""What nmdsl writes into a FIT step's name and notes, and reads back.

A FIT workout step has a 16-byte name and a notes field, and nothing else
for what nmdsl knows of a step beyond its targets: its drill, that it is
all-out or free, that it is one stair of a ramp, and its cues at an offset.
``write.py`` writes them with these words and ``read.py`` reads the same
words back, so an import of nmdsl's own file gives the session again.
"""

from __future__ import annotations

import re

#: A step name: ``[drill] [all-out | free | ramp K/N]`` (``strides ramp 5/5``
#: is the longest, 16 bytes).
ALL_OUT = "all-out"
FREE = "free"
RAMP = "ramp"
MARKERS = (ALL_OUT, FREE)

#: The step name holds 16 bytes: a drill whose name and marker do not fit
#: (``standing-start all-out`` is 22) is written by its short name
#: (``stand all-out``).  Alone, the full name fits and is written.
SHORT_DRILLS = {"standing-start": "stand", "hill-sprint": "hill"}


def ramp_part(k: int, n: int) -> str:
    """The name of stair ``k`` of ``n`` (from 1): ``ramp 2/5``."""
    return f"{RAMP} {k}/{n}"


RAMP_PART = re.compile(rf"{RAMP} ([1-9])/([1-9])")


def cue_note(offset_text: str, text: str) -> str:
    """A cue at an offset into the step, as a line of the step's notes: ``at 1m30s: Go``."""
    return f"at {offset_text}: {text}"


#: A notes line written by :func:`cue_note` (the offset in nmdsl's duration form).
CUE_NOTE = re.compile(r"at ((?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+(?:\.[0-9]{1,3})?s)?): (.*)", re.DOTALL)
