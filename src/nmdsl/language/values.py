"""Reading the values inside tokens: durations, distances, ranges, paces.

Each function takes the text of one token (already known to match its
terminal) and returns plain numbers, or raises :class:`Problem` with a
diagnostic code, message and hint; the builder turns that into a diagnostic
at the token's span.
"""

from __future__ import annotations

import re

from nmdsl.model import METRES_PER_MILE, Pace, seconds_of_ms


class Problem(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None, fix: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        #: The whole item as it should be written, when the hint names it exactly.
        self.fix = fix


_COMPOUND = re.compile(r"(?:([0-9]+)h)?(?:([0-9]+)(min|m))?(?:([0-9]+)(?:\.([0-9]{1,3}))?s)?")


def duration_s(text: str, *, allow_zero: bool = False) -> int | float:
    """``30s``, ``10m``, ``1h30m``, ``1:30``, ``1:00:00``, ``16.8s``, ``1:30.25`` -> seconds.

    Whole seconds come back as an ``int``; a duration with a fraction as the
    ``float`` nearest its exact millisecond value (:func:`nmdsl.model.seconds_of_ms`).
    """
    return seconds_of_ms(duration_ms(text, allow_zero=allow_zero))


def duration_ms(text: str, *, allow_zero: bool = False) -> int:
    """The duration ``text`` in whole milliseconds (exact: no float is involved)."""
    if ":" in text:
        whole, _, fraction = text.partition(".")
        parts = [int(p) for p in whole.split(":")]
        if len(parts) == 2:
            m, s = parts
            if m > 59:
                tail = f".{fraction}" if fraction else ""
                raise Problem(
                    "E202",
                    f"{text!r}: minutes must be 0-59 in m:ss",
                    f"write {m // 60}:{m % 60:02d}:{s:02d}{tail} (h:mm:ss) or "
                    f"{m}m{f'{s}{tail}s' if s or tail else ''}",
                )
            _check_seconds(text, s)
            total = (m * 60 + s) * 1000
        else:
            h, m, s = parts
            if m > 59:
                raise Problem("E202", f"{text!r}: minutes must be 00-59 in h:mm:ss")
            _check_seconds(text, s)
            total = (h * 3600 + m * 60 + s) * 1000
        total += _milliseconds(fraction)
    else:
        match = _COMPOUND.fullmatch(text)
        assert match is not None, text
        hours, minutes, _, seconds, fraction = match.groups()
        total = (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)) * 1000
        total += _milliseconds(fraction)
    if total <= 0 and not allow_zero:
        raise Problem("E201", f"the duration {text!r} is zero", "a step lasts longer than zero: 30s, 0.5s")
    return total


def _milliseconds(fraction: str | None) -> int:
    """``"8"`` -> 800, ``"25"`` -> 250, ``"125"`` -> 125: the decimals of a second."""
    return int(fraction.ljust(3, "0")) if fraction else 0


def _check_seconds(text: str, s: int) -> None:
    if s > 59:
        raise Problem("E202", f"{text!r}: seconds must be 00-59", "write 1:30 for ninety seconds")


def minutes_written_bare(text: str) -> int | None:
    """For ``400m`` (minutes with a bare ``m``) the number, else None."""
    m = re.fullmatch(r"([0-9]+)m", text)
    return int(m.group(1)) if m else None


_DISTANCE_UNITS = {"mtr": 1.0, "km": 1000.0, "mi": METRES_PER_MILE}


def distance_m(text: str) -> float:
    """``400mtr``, ``1.5km``, ``1mi`` -> metres."""
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(mtr|km|mi)", text)
    assert m is not None, text
    metres = float(m.group(1)) * _DISTANCE_UNITS[m.group(2)]
    if metres <= 0:
        raise Problem("E201", f"the distance {text!r} is zero")
    return metres


def number_range(text: str, unit: str) -> tuple[float, float]:
    """``@88-94%``, ``@88%-94%``, ``@150%``, ``100-110rpm``, ``45%-70%`` -> (low, high).

    The order is not checked here: ramps go either way; targets check it.
    """
    body = text.lstrip("@")
    assert body.endswith(unit), (text, unit)
    body = body[: -len(unit)]
    if "-" in body:
        lo, hi = body.split("-", 1)
        lo = lo[: -len(unit)] if lo.endswith(unit) else lo
        return float(lo), float(hi)
    return float(body), float(body)


def ordered(text: str, low: float, high: float, unit: str, of: str = "") -> None:
    """E204 when ``low`` is above ``high``; ``of`` is what a share is of (``lthr``, ``pmax``)."""
    if low > high:
        fixed = f"{text[0] if text.startswith('@') else ''}{_fmt(high)}-{_fmt(low)}{unit}{of}"
        raise Problem(
            "E204",
            f"range low {_fmt(low)}{unit} is above high {_fmt(high)}{unit}",
            f"write the smaller number first: {fixed}",
            fixed,
        )


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def pace(text: str) -> Pace:
    """``4:10/km``, ``6:40/mi`` -> Pace."""
    m = re.fullmatch(r"([0-9]+):([0-9][0-9])/(km|mi)", text)
    if m is None:
        raise Problem("E106", f"{text!r} is not a pace", "write it as m:ss/km or m:ss/mi, e.g. 4:10/km")
    minutes, seconds = int(m.group(1)), int(m.group(2))
    if seconds > 59:
        raise Problem("E202", f"{text!r}: seconds must be 00-59")
    total = minutes * 60 + seconds
    if total <= 0:
        raise Problem("E208", f"the pace {text!r} is zero")
    return Pace(seconds=total, per=m.group(3))  # type: ignore[arg-type]


def pace_range(text: str) -> tuple[Pace, Pace]:
    """``@4:20-4:30/km``, ``@4:20/km-4:30/km``, ``@4:30/km`` -> (fast, slow)."""
    body = text.lstrip("@")
    per = body[-2:]
    if "-" in body:
        lo, hi = body.split("-", 1)
        if "/" not in lo:
            lo = f"{lo}/{per}"
        elif not lo.endswith(per):
            raise Problem("E002", f"the two ends of {text!r} have different units")
        fast, slow = pace(lo), pace(hi)
        if fast.seconds > slow.seconds:
            fixed = f"@{str(slow)[:-len(per)-1]}-{fast}"
            hint = f"write the smaller number first: {fixed}"
            raise Problem("E204", f"range low {fast} is above high {slow}", hint, fixed)
        return fast, slow
    p = pace(body)
    return p, p
