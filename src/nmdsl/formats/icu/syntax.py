"""What reading and writing intervals.icu's workout text share: its words and its numbers.

The rules, with how sure each is, are in ``../shared/INTEROP.md`` and
docs/format-icu.md.  ``m`` is always minutes, metres are ``mtr``; heart rate
is ``% HR`` (of max HR), ``% LTHR`` and ``Z2 HR``; pace is ``% Pace`` (of
threshold pace) or ``m:ss/km Pace``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nmdsl.diagnostics import Span

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
    return (
        "".join(part for part in (f"{h}h" if h else "", f"{m}m" if m else "", f"{s}s" if s else "")) or "0s"
    )


def number_text(x: float) -> str:
    """``150``, ``87.5``, ``0.33``: integers without a point, else up to 3 decimals."""
    r = round(x)
    if abs(x - r) < 1e-9:
        return str(int(r))
    return f"{x:.3f}".rstrip("0").rstrip(".")


_NUM = r"[0-9]+(?:\.[0-9]+)?"
_DASH = "[-\u2013]"
_DURATION = re.compile(r"(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)(?:min|m))?(?:(?P<s>[0-9]+)s)?", re.IGNORECASE)
_MINUTES_SECONDS = re.compile(r"(?:(?P<h>[0-9]+)h)?(?P<m>[0-9]+)m(?P<s>[0-9]+)", re.IGNORECASE)
_QUOTES = re.compile(r"(?:(?P<m>[0-9]+)['\u2019])?(?:(?P<s>[0-9]+)[\"\u201d])?")
_DISTANCE = re.compile(rf"(?P<n>{_NUM})(?P<unit>mtr|km|mi)", re.IGNORECASE)
_PERCENT = re.compile(rf"(?:(?P<lo>{_NUM})%?{_DASH})?(?P<hi>{_NUM})%")
_WATTS = re.compile(rf"(?:(?P<lo>{_NUM})w?{_DASH})?(?P<hi>{_NUM})w", re.IGNORECASE)
_ZONE = re.compile(rf"z(?P<lo>[0-9]+)(?:{_DASH}z(?P<hi>[0-9]+))?", re.IGNORECASE)
_CUSTOM_ZONE = re.compile(rf"cz[0-9]+(?:{_DASH}cz[0-9]+)?", re.IGNORECASE)
_PACE_ONE = r"([0-9]{1,2}):([0-5][0-9])(?:/([0-9]*)(km|mi|m|y))?"
_PACE = re.compile(rf"{_PACE_ONE}(?:{_DASH}{_PACE_ONE})?", re.IGNORECASE)
_CADENCE = re.compile(r"(?:(?P<lo>[0-9]+)[-\u2013])?(?P<hi>[0-9]+)rpm", re.IGNORECASE)
_BARE = re.compile(rf"(?:(?P<lo>{_NUM}){_DASH})?(?P<hi>{_NUM})")
_PROMPT = re.compile(r"(?P<at>[0-9]+)\^(?P<show>[0-9]+)?")
OPTION = re.compile(r"(?P<key>[A-Za-z_]+)=(?P<value>\S*)")
TAGS = re.compile(r"</?[A-Za-z][^<>]*>")
#: Punctuation a word may carry in prose (``90rpm,``, ``(50%)``) without changing what it is.
PUNCTUATION = ",;.:!?()[]"

#: The kinds of a value that ends the cue (a number with a unit).
UNIT_KINDS = frozenset({"duration", "distance", "percent", "watts", "pace", "cadence"})
KIND_WORDS = frozenset({"hr", "lthr", "pace", "mmp"})


@dataclass(frozen=True)
class Token:
    text: str
    column: int
    kind: str
    #: The numbers the value holds (seconds, metres, low and high, ...).
    values: tuple[float, ...] = ()
    #: The pace's metres per unit, for pace tokens.
    per_m: float | None = None
    #: False when the pace was written without a unit.
    unit_written: bool = True
    #: What stands before the value in its word (``<`` of ``<40%``): intervals.icu keeps it in the cue.
    lead: str = ""

    def span(self, line: int) -> Span:
        return Span.point(line, self.column, len(self.text))


def classify(text: str, column: int) -> Token:
    """What one word is; punctuation prose puts around a value does not change it.

    intervals.icu finds a value inside a word: ``<40%`` is 40% (the ``<``
    stays in the cue, :attr:`Token.lead`), ``(90rpm),`` is 90 rpm.
    """
    got = _value(text, column)
    if got is not None:
        return got
    # Where a value may start inside the word: after anything but a letter, a digit or a
    # decimal point ('0.33s' is no duration, intervals.icu's parse shows).
    for start, c in enumerate(text):
        if c.isalnum() and (start == 0 or not (text[start - 1].isalnum() or text[start - 1] == ".")):
            trimmed = text[start:].rstrip(PUNCTUATION)
            if trimmed and trimmed != text:
                got = _value(trimmed, column + start)
                if got is not None:
                    lead = text[:start]
                    return Token(text, column, got.kind, got.values, got.per_m, got.unit_written, lead)
    return Token(text, column, "word")


def _value(text: str, column: int) -> Token | None:
    lower = text.lower()
    if lower == "<!>":
        return Token(text, column, "end_prompts")
    if lower == "ramp":
        return Token(text, column, "ramp")
    if lower == "freeride":
        return Token(text, column, "freeride")
    if m := _PROMPT.fullmatch(text):
        return Token(text, column, "prompt", (float(m.group("at")),))
    if m := OPTION.fullmatch(text):
        return Token(text, column, "option")
    for pattern in (_DURATION, _MINUTES_SECONDS, _QUOTES):
        m = pattern.fullmatch(text)
        if m is not None and m.group(0) and any(m.groupdict().values()):
            parts = m.groupdict()
            seconds = (
                int(parts.get("h") or 0) * 3600 + int(parts.get("m") or 0) * 60 + int(parts.get("s") or 0)
            )
            return Token(text, column, "duration", (float(seconds),))
    if m := _DISTANCE.fullmatch(text):
        metres = float(m.group("n")) * {"mtr": 1.0, "km": 1000.0, "mi": 1609.344}[m.group("unit").lower()]
        return Token(text, column, "distance", (metres,))
    if m := _PERCENT.fullmatch(text):
        return Token(text, column, "percent", _pair(m.group("lo"), m.group("hi")))
    if m := _WATTS.fullmatch(text):
        return Token(text, column, "watts", _pair(m.group("lo"), m.group("hi")))
    if m := _CADENCE.fullmatch(text):
        return Token(text, column, "cadence", _pair(m.group("lo"), m.group("hi")))
    if m := _ZONE.fullmatch(text):
        return Token(text, column, "zone", _pair(m.group("lo"), m.group("hi") or m.group("lo")))
    if _CUSTOM_ZONE.fullmatch(text):
        return Token(text, column, "custom_zone")
    if m := _PACE.fullmatch(text):
        g = m.groups()
        first = int(g[0]) * 60 + int(g[1])
        units = [(g[2], g[3]), (g[6], g[7])]
        written = [u for u in units if u[1] is not None]
        per_m = _per_metres(*written[-1]) if written else None
        if len(written) == 2 and _per_metres(*written[0]) != per_m:
            return Token(text, column, "word")
        values = (float(first),) if g[4] is None else (float(first), float(int(g[4]) * 60 + int(g[5])))
        return Token(text, column, "pace", values, per_m, bool(written))
    if m := _BARE.fullmatch(text):
        return Token(text, column, "bare", _pair(m.group("lo"), m.group("hi")))
    return None


def _pair(lo: str | None, hi: str) -> tuple[float, ...]:
    return (float(hi),) if lo is None else (float(lo), float(hi))


def _per_metres(count: str | None, unit: str) -> float:
    n = float(count) if count else 1.0
    return n * {"km": 1000.0, "mi": 1609.344, "m": 1.0, "y": 0.9144}[unit.lower()]
