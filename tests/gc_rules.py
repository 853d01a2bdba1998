"""What Golden Cheetah rides: ZWO, ERG and MRC files read by Golden Cheetah's rules.

An independent reader for tests, written from the behaviour of Golden
Cheetah's own code (GoldenCheetah/GoldenCheetah at c0eac1d:
``src/Train/ZwoParser.cpp``, ``src/Train/ErgFile.cpp``), not from nmdsl's
importers: it answers "what does a Golden Cheetah user ride with this
file?".  Round-trip tests use it as their judge: a file that imports and
compiles back to its own format must read, by these rules, as the same
timeline.

API
---
``read(data, fmt, *, cp=None, exact=False) -> Timeline``
    ``fmt`` is the file's extension, as Golden Cheetah chooses its parser by
    it: ``"zwo"``, or ``"erg"``/``"mrc"`` (one parser for both; what the file
    holds, watts or percent, is decided by its ``MINUTES WATTS`` /
    ``MINUTES PERCENT`` line, not by the extension).

    With ``cp=None`` the values are in the file's own unit, as Golden Cheetah
    holds them before it applies the rider's power: ZWO in % of FTP
    (``int(100 * fraction)``, truncated), MRC in percent and ERG in watts
    (both rounded to a whole number, half away from zero; ERG's ``FTP=`` is
    reported, not applied).  With ``cp=250`` they are the watts Golden
    Cheetah asks of a rider whose CP is 250, converted as it converts them
    (truncations, and an ERG's rescaling to its ``FTP=``, included).

    ``exact=True`` applies the same rules to unrounded numbers: ZWO
    ``100 * fraction``, a ``SteadyState`` band's average ``(low + high) / 2``,
    a text event's ``timeoffset`` as a number to the millisecond (where
    Golden Cheetah's ``toInt`` makes ``100.00002`` a 0, as Zwift does not),
    ERG/MRC values as written.  Use it to tell a rule from a rounding.

``Timeline``
    ``points``: ``(ms, value)`` pairs in file order, as Golden Cheetah stores
    them (its ERG-like list; ``ms`` is an int for ZWO, a float for ERG/MRC,
    where Golden Cheetah keeps ``minutes * 60000`` as a double).  Between
    two points the value changes linearly; two points at one time are a
    step.  ``cues``: ``Cue(ms, text, duration_s)``, sorted by time.
    ``laps``: ERG/MRC lap markers ``(ms, name)``.  ``unit``: ``"percent"``,
    ``"watts"`` (or ``"watts"`` for every format when ``cp`` is given).
    ``ftp``: an ERG's ``FTP=`` as Golden Cheetah reads it (an integer; 0 when
    absent or not an integer).  ``valid``: whether Golden Cheetah accepts
    the file.

    ``duration_ms``, ``value_at(ms)`` (Golden Cheetah's interpolation),
    ``per_second()`` (the value in the middle of each second), ``ride()``
    (the points without redundant ones: the same ride always gives the same
    ``ride()``).

``compare(a, b, *, ms=0, value=0, cues=True) -> list[str]``
    The differences between two rides (empty when they are the same within
    the tolerances), in words, for assertion messages.  A step or a bend of
    at most ``value`` changes nothing: Zwift's own files hold float32 noise
    (``0.79999995`` then ``0.80000001``), which Golden Cheetah turns into a
    tiny step, or after truncation into a whole percent (``0.49999997`` is
    49%): compare those with ``exact=True`` and ``value=0.01``.

The rules, each with the place in Golden Cheetah's code it comes from, are
documented on the functions below.  Malformed XML raises (Golden Cheetah
keeps what it parsed before the error); an ERG/MRC distance course
(``DISTANCE GRADE WIND``) is not a workout and raises.
"""

from __future__ import annotations

import bisect
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = ["Cue", "Point", "Timeline", "compare", "read", "read_path"]


class Point(NamedTuple):
    ms: float
    value: float


class Cue(NamedTuple):
    ms: float
    text: str
    duration_s: int


@dataclass(frozen=True)
class Timeline:
    fmt: str
    unit: str
    points: tuple[Point, ...]
    cues: tuple[Cue, ...] = ()
    laps: tuple[tuple[float, str], ...] = ()
    ftp: int = 0
    valid: bool = True
    _times: list[float] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._times.extend(p.ms for p in self.points)

    @property
    def duration_ms(self) -> float:
        """The time of the last point: Golden Cheetah's ``duration()``."""
        return self.points[-1].ms if self.points else 0

    def value_at(self, ms: float) -> float | None:
        """The value at ``ms``, as ``ErgFileQueryAdapter::wattsAt`` computes it.

        Linear between two points; at a step (two points at one time) the new
        value from that time on.  None outside the workout (where Golden
        Cheetah returns -100).  Assumes the points are in time order, as
        Golden Cheetah's bracket walk does.
        """
        if not self.points or ms < self.points[0].ms or ms > self.points[-1].ms:
            return None
        i = bisect.bisect_right(self._times, ms) - 1
        if i >= len(self.points) - 1:
            return self.points[-1].value
        (t0, v0), (t1, v1) = self.points[i], self.points[i + 1]
        if v0 == v1:
            return v1
        return v0 + (v1 - v0) * (ms - t0) / (t1 - t0)

    def per_second(self) -> list[float]:
        """The value in the middle of each whole second of the workout."""
        out = []
        for k in range(math.ceil(self.duration_ms / 1000)):
            v = self.value_at(k * 1000 + 500)
            if v is not None:
                out.append(v)
        return out

    def ride(self) -> tuple[Point, ...]:
        """The points without the ones that change nothing.

        Repeated points, the middle one of three at one time, and a point on
        the straight line between its neighbours go; what is left is the same
        for every point list that rides the same.
        """
        out: list[Point] = []
        for p in self.points:
            if out and out[-1] == p:
                continue
            out.append(p)
            while len(out) >= 3 and _redundant(out[-3], out[-2], out[-1]):
                del out[-2]
        return tuple(out)


def _redundant(a: Point, b: Point, c: Point) -> bool:
    if a.ms == b.ms == c.ms:
        return True
    if a.ms == b.ms or b.ms == c.ms:
        return False  # b is one side of a step
    left = (b.value - a.value) * (c.ms - b.ms)
    right = (c.value - b.value) * (b.ms - a.ms)
    return math.isclose(left, right, rel_tol=1e-12, abs_tol=1e-9)


def _within(points: tuple[Point, ...], ms: float, value: float) -> list[Point]:
    """``points`` without what changes the ride by no more than ``ms`` and ``value``.

    A step of at most ``value`` (two points at one time, or ``ms`` apart) is
    one point; a point within ``value`` of the straight line between its
    neighbours goes.  With no tolerance this is :meth:`Timeline.ride`.
    """
    out: list[Point] = []
    for p in points:
        if out and abs(p.ms - out[-1].ms) <= ms and abs(p.value - out[-1].value) <= value:
            continue
        out.append(p)
        while len(out) >= 3:
            a, b, c = out[-3], out[-2], out[-1]
            if a.ms == b.ms or b.ms == c.ms or a.ms == c.ms:
                break
            line = a.value + (c.value - a.value) * (b.ms - a.ms) / (c.ms - a.ms)
            if abs(b.value - line) > value:
                break
            del out[-2]
    return out


def compare(a: Timeline, b: Timeline, *, ms: float = 0, value: float = 0, cues: bool = True) -> list[str]:
    """How ``b`` rides differently from ``a`` (empty: the same ride, within ``ms`` and ``value``)."""
    problems: list[str] = []
    ra, rb = _within(a.ride(), ms, value), _within(b.ride(), ms, value)
    if len(ra) != len(rb):
        problems.append(f"{len(ra)} points against {len(rb)}")
    for i, (p, q) in enumerate(zip(ra, rb, strict=False)):
        if abs(p.ms - q.ms) > ms or abs(p.value - q.value) > value:
            problems.append(f"point {i}: {tuple(p)} against {tuple(q)}")
            break
    if cues:
        if len(a.cues) != len(b.cues):
            problems.append(f"{len(a.cues)} cues against {len(b.cues)}")
        for x, y in zip(a.cues, b.cues, strict=False):
            if x.text != y.text or abs(x.ms - y.ms) > ms or x.duration_s != y.duration_s:
                problems.append(f"cue {tuple(x)} against {tuple(y)}")
                break
    return problems


def read(data: bytes, fmt: str, *, cp: int | None = None, exact: bool = False) -> Timeline:
    """The timeline Golden Cheetah rides for ``data`` (see the module's docs)."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "zwo":
        return _read_zwo(data, cp, exact)
    if fmt in ("erg", "mrc"):
        return _read_course(data, fmt, cp, exact)
    raise ValueError(f"Golden Cheetah rules for {fmt!r} files are not written here")


def read_path(path: str | Path, **options: object) -> Timeline:
    """:func:`read` for a file, the format from its extension."""
    path = Path(path)
    return read(path.read_bytes(), path.suffix, **options)  # type: ignore[arg-type]


# -- Qt's conversions ----------------------------------------------------------------------------------------

_DOUBLE = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*")
_INT = re.compile(r"\s*([+-]?\d+)\s*")


def _to_double(text: str | None) -> float:
    """``QString::toDouble``: a C-locale number, surrounding white space allowed; 0 when it is not one."""
    m = _DOUBLE.fullmatch(text or "")
    return float(m.group(1)) if m else 0.0


def _to_int(text: str | None) -> int:
    """``QString::toInt``: a decimal integer ("10.5" is not one: 0)."""
    m = _INT.fullmatch(text or "")
    if not m:
        return 0
    n = int(m.group(1))
    return n if -(2**31) <= n < 2**31 else 0


def _qround(d: float) -> int:
    """``qRound`` for the values seen here: ``int(d + 0.5)`` when ``d >= 0``."""
    return int(d + 0.5) if d >= 0.0 else int(d - 0.5)


def _c_round(d: float) -> float:
    """C's ``round``: half away from zero (Python's ``round`` rounds half to even)."""
    r = math.floor(abs(d))
    r = r + 1 if abs(d) - r >= 0.5 else r
    return math.copysign(r, d)


def _c_div(a: int, b: int) -> int:
    """C++ integer division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


# -- ZWO: ZwoParser.cpp --------------------------------------------------------------------------------------

#: The elements ZwoParser::startElement turns into points (line 71); any other
#: name, MaxEffort and lower-case spellings included, adds nothing and no time.
_SEGMENTS = ("Warmup", "SteadyState", "Cooldown", "Ramp", "FreeRide", "Freeride")


def _read_zwo(data: bytes, cp: int | None, exact: bool) -> Timeline:
    """ZwoParser::startElement, element by element in document order.

    * ``Duration`` is ``qRound(toDouble())``, per element (line 52): 16.8 s
      is 17 s, 0.5 s is 1 s, and the roundings add up along the workout.
    * ``Power`` > 0 wins; otherwise ``PowerLow``, with ``PowerHigh`` = low when
      it is 0 or missing (lines 62-66).
    * Power is ``int(100.0 * fraction)``, truncated: 1.15 is 114 (lines 73-74).
    * ``Cooldown`` always descends: a rising one is swapped (lines 76-78).
    * ``SteadyState`` rides the integer average of its two ends,
      ``(from + to) / 2`` truncated (lines 81-84): 55-60% is 57%.
    * ``FreeRide``/``Freeride``: 100% with ``ftptest``, 70% at the start of
      the workout, otherwise the last value held (lines 86-90).
    * A start point is added only at time 0 or when the value changes
      (line 93); every element adds its end point (line 99).
    * ``IntervalsT``: ``Repeat`` (0 or missing: 1), ``OnDuration`` and
      ``OffDuration`` rounded like ``Duration``, ``OnPower`` > 0 wins over
      ``PowerOnLow``/``PowerOnHigh`` (and ``OffPower`` likewise), and every
      repetition rides its on part as a *ramp* from ``PowerOnLow`` to
      ``PowerOnHigh`` and its off part from ``PowerOffLow`` to
      ``PowerOffHigh``; an off part of 0 s is left out (lines 103-161).
    * ``MaxEffort`` is not read: its time vanishes.
    * ``textevent`` (this spelling only): at ``(start + timeoffset + y) * 1000``
      ms, where start is the start of the last element read (of the whole
      block for an ``IntervalsT``; of the element *before* a MaxEffort,
      which sets none), ``timeoffset`` and ``duration`` are integers
      (``toInt``: "10.5" is 0), and a ``y`` of 240 or more counts only
      its excess over 240 (lines 165-172).
    * With a ``cp``, each value becomes ``int(value * cp / 100.0)`` watts
      (ErgFile.cpp line 198).
    """
    root = ET.fromstring(data)
    pct = (lambda x: 100.0 * x) if exact else (lambda x: int(100.0 * x))
    secs = 0  # ZwoParser::secs
    s_secs = 0  # ZwoParser::sSecs, the start of the last segment
    watts: float = 0
    points: list[Point] = []
    texts: list[Cue] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        a = el.attrib
        if tag in _SEGMENTS:
            duration = _qround(_to_double(a.get("Duration")))
            low, high, power = (_to_double(a.get(k)) for k in ("PowerLow", "PowerHigh", "Power"))
            if power > 0:
                low = high = power
            elif high == 0.0:
                high = low
            start, end = pct(low), pct(high)
            if tag == "Cooldown" and start < end:
                start, end = end, start
            if tag == "SteadyState":
                start = end = (start + end) / 2 if exact else _c_div(int(start) + int(end), 2)
            if tag in ("FreeRide", "Freeride"):
                if _to_int(a.get("ftptest")):
                    start = end = 100
                elif watts == 0:
                    start = end = 70
                else:
                    start = end = watts
            if secs == 0 or watts != start:
                points.append(Point(secs * 1000, start))
                watts = start
            s_secs = secs
            secs += duration
            points.append(Point(secs * 1000, end))
            watts = end
        elif tag == "IntervalsT":
            count = _to_int(a.get("Repeat")) or 1
            on_s = _qround(_to_double(a.get("OnDuration")))
            off_s = _qround(_to_double(a.get("OffDuration")))
            on_low, on_high, on_power = (
                pct(_to_double(a.get(k))) for k in ("PowerOnLow", "PowerOnHigh", "OnPower")
            )
            off_low, off_high, off_power = (
                pct(_to_double(a.get(k))) for k in ("PowerOffLow", "PowerOffHigh", "OffPower")
            )
            if on_power > 0:
                on_low = on_high = on_power
            elif on_high == 0:
                on_high = on_low
            if off_power > 0:
                off_low = off_high = off_power
            elif off_high == 0:
                off_high = off_low
            s_secs = secs
            for _ in range(count):
                if watts != on_low:
                    points.append(Point(secs * 1000, on_low))
                    watts = on_low
                secs += on_s
                points.append(Point(secs * 1000, on_high))
                watts = on_high
                if off_s > 0:
                    if watts != off_low:
                        points.append(Point(secs * 1000, off_low))
                        watts = off_low
                    secs += off_s
                    points.append(Point(secs * 1000, off_high))
                    watts = off_high
        elif tag == "textevent":
            y = _to_int(a.get("y"))
            if y >= 240:
                y -= 240
            if exact:
                offset_ms = round(_to_double(a.get("timeoffset") or "") * 1000)
            else:
                offset_ms = _to_int(a.get("timeoffset")) * 1000
            texts.append(
                Cue((s_secs + y) * 1000 + offset_ms, a.get("message", ""), _to_int(a.get("duration")))
            )
    if cp is not None:
        points = [Point(p.ms, p.value * cp / 100.0 if exact else int(p.value * cp / 100.0)) for p in points]
    return Timeline(
        fmt="zwo",
        unit="percent" if cp is None else "watts",
        points=tuple(points),
        cues=_sorted_cues(texts),
        valid=bool(points),
    )


def _sorted_cues(cues: Iterable[Cue]) -> tuple[Cue, ...]:
    """ErgFile::sortTexts: by time, then by duration."""
    return tuple(sorted(cues, key=lambda c: (c.ms, c.duration_s)))


# -- ERG and MRC: ErgFile::parseComputrainer -----------------------------------------------------------------


def _rx(pattern: str) -> re.Pattern[str]:
    # QRegExp: '.' matches any character, the newline too; exactMatch is a full match.
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


_START_HEADER = _rx(r".*\[COURSE HEADER\].*")
_END_HEADER = _rx(r".*\[END COURSE HEADER\].*")
_START_DATA = _rx(r".*\[COURSE DATA\].*")
_END_DATA = _rx(r".*\[END COURSE DATA\].*")
_START_TEXT = _rx(r".*\[COURSE TEXT\].*")
_END_TEXT = _rx(r".*\[END COURSE TEXT\].*")
_IGNORE = _rx(r"(;.*|[ \t\n]*)")
_SETTING = _rx(r"([^=]*)=[ \t]*([^=\n\r\t]*).*")
_ERG_FORMAT = _rx(r"[;]*(MINUTES[ \t]+WATTS).*")
_MRC_FORMAT = _rx(r"[;]*(MINUTES[ \t]+(PERCENT|FTP)).*")
_CRS_FORMAT = _rx(r"[;]*(DISTANCE[ \t]+GRADE[ \t]+WIND).*")
_ABSOLUTE = _rx(r"[ \t]*([0-9.]+)[ \t]*([0-9.]+)[ \t\n]*")
_RELATIVE = _rx(r"[ \t]*([0-9.]+)[ \t]*([0-9.]+)%[ \t\n]*")
_SLOPE = _rx(r"[ \t]*([0-9.]+)[ \t]*([-0-9.]+)[ \t\n]*([-0-9.]+)[ \t\n]*")
_LAP = _rx(r"[ \t]*([0-9.]+)[ \t]*LAP[ \t\n]*(.*)")
_CRS_LAP = _rx(r"[ \t]*LAP[ \t\n]*(.*)")
_TEXT_CUE = _rx(r"([0-9.]+)[ \t]*(.*)[ \t]([0-9]+)[ \t\n]*")


def _lines(data: bytes) -> list[str]:
    """The lines as parseComputrainer sees them.

    ``readLine`` in text mode ends each line with its "\\n" (a CR LF
    becomes "\\n"), and each is then split at "\\r" for old Macintosh files
    (ErgFile.cpp line 558).
    """
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    raw = [line + "\n" for line in text.split("\n")]
    raw[-1] = raw[-1][:-1]
    return [part for line in raw if line for part in line.split("\r")]


def _read_course(data: bytes, fmt: str, cp: int | None, exact: bool) -> Timeline:
    """ErgFile::parseComputrainer (ErgFile.cpp lines 483-767), line by line.

    Each line is tried against these, in this order, the first match wins:
    section markers, anywhere in the line and in any case (lines 508-513);
    ``MINUTES WATTS``/``MINUTES PERCENT`` (or ``FTP``), which set the unit:
    without one the file is watts, whatever its extension (lines 520-521,
    491); a lap marker ``MINUTES LAP name`` (line 533); a setting, any line
    with an ``=`` (line 517: ``FTP`` read with ``toInt``, line 642); a data
    row of two numbers (line 525: minutes, value; in any section); a row
    with a ``%`` (line 526: percent of CP, whatever the unit); a row of three
    numbers, a distance course's (line 529); blank and ``;`` lines (line
    515); and only then, in ``[COURSE TEXT]``, a cue ``SECONDS text
    DURATION`` (lines 544, 708).  So a cue with ``=`` is a setting, one
    starting with ``LAP`` a lap, one of only numbers a data row.

    A row's time is ``minutes * 60000`` ms, a double; its value is rounded
    to a whole number, half away from zero (line 649).  With a ``cp``, as
    the row is read (by the unit and ``FTP`` read so far): an ERG with an
    ``FTP`` other than ``cp`` is rescaled, ``round(w * (cp / ftp))`` (line
    657), an MRC's percent becomes ``int(pct * cp / 100)`` (line 662), and
    a ``%`` row ``int(pct / 100 * cp)`` in either.  The file is valid when
    the last section marker read is an END marker and there is a point
    (line 725); a first point after time 0 gets
    a point at 0 with its value before it (line 751).  Cue times are
    ``seconds * 1000`` ms; their durations whole seconds.
    """
    section = "none"
    unit = "watts"  # format(ErgFileFormat::erg), line 491
    ftp = 0
    points: list[Point] = []
    cues: list[Cue] = []
    laps: list[tuple[float, str]] = []
    rdist = 0.0
    metric = True

    def value(text: str) -> float:
        v = _to_double(text)
        return v if exact else _c_round(v)

    # The section markers, tried first and in Golden Cheetah's order.
    sections = (
        (_START_HEADER, "header"),
        (_END_HEADER, "none"),
        (_START_DATA, "data"),
        (_END_DATA, "end"),
        (_START_TEXT, "texts"),
        (_END_TEXT, "end"),
    )
    for line in _lines(data):
        marker = next((name for rx, name in sections if rx.fullmatch(line)), None)
        if marker is not None:
            section = marker
        elif _ERG_FORMAT.fullmatch(line):
            unit = "watts"
        elif _MRC_FORMAT.fullmatch(line):
            unit = "percent"
        elif _CRS_FORMAT.fullmatch(line):
            raise ValueError("a distance course (DISTANCE GRADE WIND) is not a workout")
        elif m := _LAP.fullmatch(line):
            laps.append((_to_double(m.group(1)) * 60000, " ".join(m.group(2).split())))
        elif _CRS_LAP.fullmatch(line):
            laps.append((rdist, ""))
        elif m := _SETTING.fullmatch(line):
            key, setting = m.group(1), m.group(2)
            if re.fullmatch(r"FTP *", key, re.IGNORECASE):
                ftp = _to_int(setting)
            elif re.fullmatch(r"UNITS *", key, re.IGNORECASE):
                metric = not re.fullmatch(" ENGLISH", setting, re.IGNORECASE)
        elif m := _ABSOLUTE.fullmatch(line):
            v = value(m.group(2))
            if cp is not None:
                v = _with_cp(v, unit, ftp, cp, exact)
            points.append(Point(_to_double(m.group(1)) * 60000, v))
        elif m := _RELATIVE.fullmatch(line):
            if cp is None:
                raise ValueError(f"the row {line.strip()!r} is in % of CP: read it with a cp")
            w = _to_double(m.group(2)) / 100.00 * cp
            points.append(Point(_to_double(m.group(1)) * 60000, w if exact else int(w)))
        elif m := _SLOPE.fullmatch(line):
            # A distance course's row (distance, grade, wind) in a workout:
            # Golden Cheetah appends it all the same, at the running distance,
            # with the grade as its value.
            points.append(Point(rdist, _to_double(m.group(2))))
            rdist += _to_double(m.group(1)) * 1000.0 * (1.0 if metric else 1.609344)
        elif _IGNORE.fullmatch(line):
            pass
        elif section == "texts" and (m := _TEXT_CUE.fullmatch(line)):
            cues.append(Cue(_to_double(m.group(1)) * 1000.0, m.group(2).strip(), _to_int(m.group(3))))
    valid = section == "end" and bool(points)
    if valid and points[0].ms > 0:
        points.insert(0, Point(0, points[0].value))
    return Timeline(
        fmt=fmt,
        unit=unit if cp is None else "watts",
        points=tuple(points),
        cues=_sorted_cues(cues),
        laps=tuple(laps),
        ftp=ftp,
        valid=valid,
    )


def _with_cp(v: float, unit: str, ftp: int, cp: int, exact: bool) -> float:
    """A data row's value for a rider of ``cp``, by the unit and FTP read so far (lines 651-668)."""
    if unit == "percent":
        w = v * cp / 100.00
        return w if exact else int(w)
    if ftp and ftp != cp:
        w = v * (cp / float(ftp))
        return w if exact else int(_c_round(w))
    return v
