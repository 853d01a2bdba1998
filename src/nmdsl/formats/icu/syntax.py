"""What reading and writing intervals.icu's workout text share: its words and its numbers.

The rules, with how sure each is, are in ``../shared/INTEROP.md`` and
docs/format-icu.md.  ``m`` is always minutes, metres are ``mtr``; heart rate
is ``% HR`` (of max HR), ``% LTHR`` and ``Z2 HR``; pace is ``% Pace`` (of
threshold pace) or ``m:ss/km Pace``.
"""

from __future__ import annotations

import re

#: The header line of a warm-up or a cool-down section (any case, with or without a space or a hyphen).
SECTION_WORDS: dict[str, str] = {
    "warmup": "warmup",
    "warm up": "warmup",
    "warm-up": "warmup",
    "cooldown": "cooldown",
    "cool down": "cooldown",
    "cool-down": "cooldown",
}

#: Where the writer writes each section's header.
SECTION_HEADERS: dict[str, str] = {"warmup": "Warmup", "cooldown": "Cooldown"}

#: ``Nx`` as the last word of a header line: a repeat.
REPEAT = re.compile(r"([0-9]+)[xX]")

#: The placeholders the importer puts in the header for shares of max HR and LTHR,
#: which the text does not carry (intervals.icu takes them from the athlete's settings).
PLACEHOLDER_MAX_HR = 190
PLACEHOLDER_LTHR = 165

#: The intensities ``intensity=`` takes (the model's own names).
INTENSITIES = ("warmup", "active", "rest", "cooldown", "recovery")


def duration_text(seconds: int) -> str:
    """Whole seconds as intervals.icu writes them: ``30s``, ``10m``, ``1m30s``, ``1h2m30s``."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "".join(part for part in (f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s else "")) or "0s"


def number_text(x: float) -> str:
    """``150``, ``87.5``, ``0.33``: integers without a point, else up to 3 decimals."""
    r = round(x)
    if abs(x - r) < 1e-9:
        return str(int(r))
    return f"{x:.3f}".rstrip("0").rstrip(".")
