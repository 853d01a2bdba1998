"""Reading the text of a whatsonzwift.com workout page into the model.

whatsonzwift shows a Zwift workout as one bar per block, each with one line
of text; copying the bars gives one block per line::

    10min from 25 to 75% FTP
    6x 3min @ 90rpm, 77% FTP,
    20sec @ 110rpm, 120% FTP
    1hr free ride

The forms read (docs/format-woz.md has the whole list): durations
``30sec``, ``10min``, ``2hr`` and their sums (``1hr 30min``); steady
``@ 95% FTP`` or ``@ 100W``, with a cadence before the power
(``@ 90rpm, 77% FTP``) or after it; ramps ``from 25 to 75% FTP`` / ``from 75 to 70W``;
``free ride``; all-out ``@ MAX``; repeats ``6x a, b`` whose parts are split
at a comma followed by a duration, on one line or continued on the next
after a trailing comma, as a copy of the page gives them.  Run workouts:
``@ 85% of 5k pace`` (converted to % of threshold speed), distances
``400 m`` / ``1.5 km``, ``free run``, ``No Incline Walk``.

A line that starts like a block and cannot be read is an error with its
line and column, and nothing is returned.  Other lines are prose: the first
one before any block is the workout's name (a copied page starts with its
title), later ones before the first block its description, and prose after
the first block is reported (W580) and left out.

Repeats the page spells out bar by bar are folded by
:func:`nmdsl.model.compress.compress`; a first rising ramp becomes the
warm-up, a last falling one the cool-down, and a repeat's later parts, when
easier than its first, its recoveries (Zwift's on/off intervals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal, NamedTuple

from nmdsl.diagnostics import Code, Report, Severity, Span, register, unread_lines
from nmdsl.formats.base import ReadOptions
from nmdsl.limits import (
    CADENCE_LIMITS_RPM,
    MAX_DURATION_S,
    MAX_EXPANDED_STEPS,
    MAX_HEADER_CHARS,
    MAX_PERCENT,
    MAX_WATTS,
)
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    IntensityTarget,
    Item,
    MaxTarget,
    Metadata,
    PercentTarget,
    RampTarget,
    Repeat,
    Sport,
    Step,
    WattsTarget,
    Workout,
    seconds_of_ms,
)
from nmdsl.model.compress import compress
from nmdsl.source import decode_text, iter_lines, lines_after

E, W = Severity.ERROR, Severity.WARNING
Unit = Literal["percent", "watts"]
#: What a block says of its sport: a %FTP or watts target is a ride, a pace or a distance a run.
Kind = Literal["bike", "run"]

register(
    Code("E580", E, "block without a duration"),
    Code("E581", E, "block not understood"),
    Code("E582", E, "repeat of zero times"),
    Code("E583", E, "no workout blocks"),
    Code("E584", E, "repeat continued by a line that is not its part"),
    Code("E585", E, "value beyond nmdsl's limits"),
    Code("E586", E, "bike and run blocks in one text"),
    Code("W580", W, "prose line left out"),
    Code("W581", W, "trailing comma at the end of the text"),
    Code("W582", W, "block of no duration dropped"),
    Code("W583", W, "zero power read as free ride"),
    Code("W584", W, "text is not UTF-8"),
    Code("W585", W, "run pace converted to threshold speed"),
)

# Blanks: spaces, tabs and the no-break spaces a web page's copy brings.
_BLANKS = " \t\u00a0\u202f"
_WS = f"[{_BLANKS}]*"
_NUM = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
#: A word ends where no letter follows ("5min", but not the "m" of "5mn").
_END = "(?![a-z])"
#: A duration's part (``10min``), or a run's distance (``400 m``, ``1.5 km``): whatsonzwift
#: writes minutes ``min``, so a lone ``m`` is metres, as on its run workouts' bars.
_PIECE = re.compile(rf"({_NUM}){_WS}(hours?|hrs?|h|minutes?|mins?|seconds?|secs?|s|km|m){_END}", re.I)
_FREE_RUN = re.compile(rf"free{_WS}run{_END}", re.I)
_WALK = re.compile(rf"no{_WS}incline{_WS}walk{_END}", re.I)
_REPEAT = re.compile(rf"([0-9]+){_WS}[x×]{_END}", re.I)
_FREE = re.compile(rf"free{_WS}ride{_END}", re.I)
_FROM = re.compile(rf"from{_END}", re.I)
_TO = re.compile(rf"to{_END}", re.I)
_AT = re.compile("@")
_MAX = re.compile(rf"max{_END}", re.I)
_COMMA = re.compile(",")
_CADENCE = re.compile(rf"([0-9]+)(?:{_WS}[-–]{_WS}([0-9]+))?{_WS}rpm{_END}", re.I)
_NUMBER = re.compile(_NUM)
#: A power unit: ``%`` (``FTP`` after it optional, or ``of 5k pace`` on a run), or ``W`` (not ``W/kg``).
_POWER_UNIT = re.compile(
    rf"(%)(?:{_WS}FTP{_END}|{_WS}of{_WS}(5k|10k|hm|m){_WS}pace{_END})?|(W)(?![a-z/])", re.I
)
#: The race distance of each pace zone a run's bar names; nmdsl's run
#: percentages are of threshold speed, taken as 10 km race pace (as the ZWO
#: format takes it: docs/format-zwo.md, W503).
_ZONE_M = {"5k": 5000.0, "10k": 10000.0, "hm": 21097.5, "m": 42195.0}
_ZONE_NAMES = {"5k": "5 km", "10k": "10 km", "hm": "half marathon", "m": "marathon"}
#: Riegel's endurance exponent: race speed goes as distance ** (1 - 1.06).
_RIEGEL = 1.06
#: What makes a line that starts with a number, but not with a duration, a
#: block all the same (``5mn @ 95% FTP``); a title such as ``100% Threshold`` is not.
_BLOCKISH = re.compile(rf"@|rpm|%{_WS}FTP", re.I)

#: The longest description made of a page's prose: half the language's header
#: limit, so that a pasted page never makes a header nmdsl refuses (E210).
_MAX_DESCRIPTION = MAX_HEADER_CHARS // 2

_FORMS = "blocks read '5min @ 95% FTP', '3min @ 90rpm, 77% FTP', '10min from 25 to 75% FTP', '1hr free ride'"


@dataclass
class _Cursor:
    """A place in one line of the text, for reading it left to right."""

    text: str
    line: int
    pos: int
    end: int

    def skip(self) -> None:
        while self.pos < self.end and self.text[self.pos] in _BLANKS:
            self.pos += 1

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        self.skip()
        m = pattern.match(self.text, self.pos, self.end)
        if m is not None:
            self.pos = m.end()
        return m

    @property
    def at_end(self) -> bool:
        self.skip()
        return self.pos >= self.end

    def span(self, width: int | None = None) -> Span:
        self.skip()
        if width is None:
            rest = self.text[self.pos : self.end].rstrip(_BLANKS)
            width = len(rest.split(",")[0].rstrip(_BLANKS)) or 1
        return Span.point(self.line, self.pos + 1, width)


@dataclass
class _Block:
    """One line's block (or a repeat continued over lines)."""

    line: int
    #: The ``Nx`` count; None for a line that is no repeat.
    count: int | None
    steps: list[Step] = field(default_factory=list)
    #: What each step says of the sport (None: a free ride or an all-out says nothing).
    kinds: list[Kind | None] = field(default_factory=list)
    #: The line ended with a comma (or was a bare ``Nx``): the next line continues it.
    open: bool = False


class WozImporter:
    name = "woz"
    suffixes = (".txt",)

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        text = _decode(data, report)
        reader = _Reader(report)
        if not reader.read(text):
            return None
        if not any(b.steps for b in reader.blocks):
            report.add(
                "E583",
                "the text has no workout blocks",
                Span.point(max(reader.last_line, 1), 1),
                "paste the lines of the workout's bars, one block per line: " + _FORMS,
            )
            return None
        read = _items(reader.blocks, report)
        if read is None:
            return None
        items, sport = read
        # Standard input ('-', '<stdin>') and a text without a file ('<input>') give no name.
        named = options.filename != "-" and not re.fullmatch(r"<.*>", options.filename)
        stem = PurePath(options.filename).stem if named else ""
        description = " ".join(reader.description) or None
        meta = Metadata(name=reader.title or stem or None, description=description, sport=sport)
        return Workout(meta=meta, steps=tuple(_label(compress(items))))


def _decode(data: bytes, report: Report) -> str:
    text, not_utf8 = decode_text(data)
    if not_utf8 is not None:
        report.add(
            "W584",
            "the text is not UTF-8: it is read as Windows-1252",
            Span.point(not_utf8, 1),
            "check the accented letters of the imported name",
        )
    return text


class _Reader:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.context = _Context(report)
        self.blocks: list[_Block] = []
        self.title: str | None = None
        self.description: list[str] = []
        self.last_line = 0
        #: The block the next line continues (its line ended with a comma).
        self.pending: _Block | None = None

    def read(self, text: str) -> bool:
        """Read every line; False when there were errors."""
        report = self.report
        for number, raw in enumerate(iter_lines(text), start=1):
            stripped = raw.strip(_BLANKS)
            if not stripped:
                continue
            self.last_line = number
            if report.full:
                report.stop(number, unread_lines(number, number + lines_after(text, number)))
                return False
            start = len(raw) - len(raw.lstrip(_BLANKS))
            cursor = _Cursor(raw, number, start, start + len(stripped))
            if _is_block(cursor):
                self._block_line(cursor)
            else:
                self._prose(stripped, number, start)
        pending = self.pending
        if pending is not None:
            if pending.steps:
                what = "repeat" if pending.count is not None else "block"
                report.add(
                    "W581",
                    f"the text ends with a comma after the {what} on line {pending.line}: "
                    f"the {what} is read as it is",
                    Span.point(pending.line, 1),
                    "a copy that stops short of a repeat's last part loses that part: check the page",
                )
            else:
                self._unfinished(pending, Span.point(pending.line, 1), "the text ends")
        return not report.has_errors

    def _prose(self, stripped: str, number: int, start: int) -> None:
        pending = self.pending
        if pending is not None:
            self._unfinished(pending, Span.point(number, start + 1, len(stripped)), "this line is prose")
            if pending.count is not None:
                return  # reported (E584)
        described = sum(len(d) + 1 for d in self.description) + len(stripped)
        if self.blocks or (self.title is not None and described > _MAX_DESCRIPTION):
            why = (
                "is not a block"
                if self.blocks
                else f"would pass the description's {_MAX_DESCRIPTION:,} characters"
            )
            hint = "a block starts with its duration: " + _FORMS if self.blocks else "shorten the description"
            self.report.add(
                "W580",
                f"line {number} {why}: {_quoted(stripped)} is left out",
                Span.point(number, start + 1, len(stripped)),
                hint,
            )
        elif self.title is None:
            self.title = stripped
        else:
            self.description.append(stripped)

    def _unfinished(self, pending: _Block, span: Span, why: str) -> None:
        self.pending = None
        if pending.count is None:
            return  # a plain line's trailing comma: nothing is lost
        what = "has no part" if not pending.steps else "ends with a comma"
        self.report.add(
            "E584",
            f"the repeat on line {pending.line} {what}, but {why}",
            span,
            "a repeat's parts follow its 'Nx' on the same line or, after a trailing comma, on the next",
        )

    def _block_line(self, cursor: _Cursor) -> None:
        line = _line(cursor, self.context)
        pending = self.pending
        if line is None:
            self.pending = None
            return
        count, read, open_ = line
        steps = [step for step, _ in read]
        kinds = [kind for _, kind in read]
        if pending is not None and pending.count is not None:
            if count is None:
                pending.steps.extend(steps)
                pending.kinds.extend(kinds)
                pending.open = open_
                self.pending = pending if open_ else None
                return
            self._unfinished(pending, Span.point(cursor.line, 1), f"line {cursor.line} starts a new repeat")
        block = _Block(cursor.line, count, steps, kinds, open_)
        self.blocks.append(block)
        self.pending = block if open_ else None


def _quoted(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _is_block(cursor: _Cursor) -> bool:
    """Whether a line is meant as a block: it starts with a duration or ``Nx``, or looks like one.

    A title such as ``30/30s`` or ``2x20 FTP`` is prose; ``5mn @ 95% FTP`` is
    a block (an unreadable one, so an error rather than a line left out).
    """
    text, pos, end = cursor.text, cursor.pos, cursor.end
    if _PIECE.match(text, pos, end):
        return True
    head = _REPEAT.match(text, pos, end)
    if head is not None:
        rest = _Cursor(text, cursor.line, head.end(), end)
        if rest.at_end or _PIECE.match(text, rest.pos, end):
            return True
    return text[pos] in "0123456789.@" and _BLOCKISH.search(text, pos, end) is not None


class _Context:
    """The report, and the pace zones already warned of (W585 is said once per zone)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.zones_warned: set[str] = set()

    def add(self, code: str, message: str, span: Span, hint: str) -> None:
        self.report.add(code, message, span, hint)


#: One line's reading: its ``Nx`` count, its steps with what each says of
#: the sport, and whether it ends with a comma.
_Line = tuple[int | None, list[tuple[Step, Kind | None]], bool]


def _line(cursor: _Cursor, report: _Context) -> _Line | None:
    """A block line (None: errors, reported)."""
    count: int | None = None
    head = cursor.take(_REPEAT)
    if head is not None:
        count = int(head.group(1))
        if count == 0:
            report.add(
                "E582",
                "a repeat of 0 times",
                Span.point(cursor.line, head.start() + 1, len(head.group(0))),
                "write the number of times, 1x or more, or leave the line out",
            )
            return None
    steps: list[tuple[Step, Kind | None]] = []
    ok = True
    parts = _parts(cursor)
    for start, end in parts:
        if start == end:
            continue
        read = _part(_Cursor(cursor.text, cursor.line, start, end), report)
        if read is None:
            ok = False
        elif read[0].duration_s == 0 or read[0].distance_m == 0:
            report.add(
                "W582",
                "a block of no duration is dropped",
                Span.point(cursor.line, start + 1, end - start),
                "the block is left out: nothing is done in no time",
            )
        else:
            steps.append(read)
    if not ok:
        return None
    tail = cursor.text[: cursor.end].rstrip(_BLANKS)
    bare = all(start == end for start, end in parts)  # a lone 'Nx': its parts follow
    return count, steps, tail.endswith(",") or (count is not None and bare)


def _parts(cursor: _Cursor) -> list[tuple[int, int]]:
    """The parts of a line after its ``Nx``: split at each comma followed by a duration.

    The comma between a cadence and a power (``@ 90rpm, 77% FTP``) is no
    split; a trailing comma ends the last part.
    """
    text, end = cursor.text, cursor.end
    cuts = [cursor.pos]
    for m in _COMMA.finditer(text, cursor.pos, end):
        after = _Cursor(text, cursor.line, m.end(), end)
        if after.at_end or _PIECE.match(text, after.pos, end):
            cuts.append(m.start())
            cuts.append(m.end())
    cuts.append(end)
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]


def _length(cursor: _Cursor, report: _Context) -> tuple[float | None, float | None] | None:
    """A block's duration (ms) or distance (m): ``1hr 30min``, ``3min 30sec``, ``400 m``."""
    ms = 0.0
    metres = 0.0
    first = cursor.span()
    times = distances = 0
    while (piece := cursor.take(_PIECE)) is not None:
        value, unit = float(piece.group(1)), piece.group(2).lower()
        if unit in ("m", "km"):
            distances += 1
            metres += value * (1000 if unit == "km" else 1)
        else:
            times += 1
            ms += value * (60_000 if unit.startswith("min") else 3_600_000 if unit[0] == "h" else 1000)
    if times == 0 and distances == 0:
        report.add(
            "E580",
            "a block starts with its duration",
            first,
            "durations read '30sec', '10min', '2hr', '1hr 30min', '3min 30sec' (a run's distance '400 m')",
        )
        return None
    if times and distances:
        report.add(
            "E581",
            "a block lasts a time or a distance, not both",
            Span.point(first.line, first.column, cursor.pos - first.column + 1),
            "minutes are 'min'; a lone 'm' is metres",
        )
        return None
    return (float(round(ms)), None) if times else (None, round(metres, 2))


def _part(cursor: _Cursor, report: _Context) -> tuple[Step, Kind | None] | None:
    """One block: ``DURATION [@ [CADENCE,]] TARGET``; None when it cannot be read (reported)."""
    length = _length(cursor, report)
    if length is None:
        return None
    ms, metres = length
    cadence: CadenceTarget | None = None
    target: IntensityTarget | None
    kind: Kind | None = None if ms is not None else "run"
    cue: str | None = None
    if cursor.take(_AT) is not None:
        cad = cursor.take(_CADENCE)
        if cad is not None:
            cadence = _cadence(cad, cursor, report)
            if cadence is None:
                return None
            cursor.take(_COMMA)
        if cad is not None and cursor.at_end:
            target = FreeTarget()  # a cadence alone: no power target
        elif cursor.take(_MAX) is not None:
            target = MaxTarget()
        else:
            read = _target(cursor, report)
            target, kind = (None, kind) if read is None else (read[0], read[1] or kind)
    else:
        at = cursor.pos
        walk = cursor.take(_WALK)
        if walk is not None:
            target, kind, cue = FreeTarget(), "run", cursor.text[at : cursor.pos].strip(_BLANKS)
        else:
            read = _target(cursor, report)
            target, kind = (None, kind) if read is None else (read[0], read[1] or kind)
    if target is None:
        return None
    if cadence is None and not cursor.at_end:
        # A cadence after the target (``3min @ 77% FTP, 90rpm``), as some copies have it.
        at = cursor.pos
        cursor.take(_COMMA)
        cad = cursor.take(_CADENCE)
        if cad is None:
            cursor.pos = at
        else:
            cadence = _cadence(cad, cursor, report)
            if cadence is None:
                return None
    if not cursor.at_end:
        rest = _quoted(cursor.text[cursor.pos : cursor.end])
        report.add("E581", f"{rest} is not understood", cursor.span(), _hint(cursor))
        return None
    step = Step(
        duration_s=None if ms is None else seconds_of_ms(int(ms)),
        distance_m=metres,
        target=target,
        cadence=cadence,
        cues=() if cue is None else (Cue(text=cue),),
    )
    return step, kind


def _target(cursor: _Cursor, report: _Context) -> tuple[IntensityTarget, Kind | None] | None:
    """``free ride``, ``free run``, ``from A to B UNIT``, or ``VALUE UNIT``."""
    if cursor.take(_FREE) is not None:
        return FreeTarget(), "bike"
    if cursor.take(_FREE_RUN) is not None:
        return FreeTarget(), "run"
    if cursor.take(_FROM) is not None:
        return _ramp(cursor, report)
    span = cursor.span()
    power = _power(cursor, report, span)
    if power is None:
        report.add("E581", "expected a target after the duration", span, _hint(cursor))
        return None
    value, unit, kind, _ = power
    if not _in_limits(value, unit, span, report):
        return None
    if value == 0:
        report.add("W583", "a power of 0 is read as 'free' (no target)", span, "nmdsl has no steady 0")
        return FreeTarget(), kind
    return _steady(value, unit, kind), kind


def _steady(value: float, unit: Unit, kind: Kind) -> IntensityTarget:
    if unit == "watts":
        return WattsTarget(low_w=value, high_w=value)
    return PercentTarget(low_pct=value, high_pct=value, of="threshold_speed" if kind == "run" else "ftp")


def _ramp(cursor: _Cursor, report: _Context) -> tuple[IntensityTarget, Kind] | None:
    span = cursor.span()
    first = cursor.take(_NUMBER)
    first_unit = cursor.take(_POWER_UNIT) if first is not None else None
    if first is None or cursor.take(_TO) is None:
        report.add("E581", "a ramp reads 'from A to B% FTP' or 'from A to BW'", span, _hint(cursor))
        return None
    end_span = cursor.span()
    power = _power(cursor, report, end_span)
    if power is None:
        report.add("E581", "a ramp's end is a power: '75% FTP' or '200W'", end_span, _hint(cursor))
        return None
    end, unit, kind, zone = power
    first_zone = None if first_unit is None or first_unit.group(2) is None else first_unit.group(2).lower()
    if first_unit is not None and (_unit_of(first_unit), first_zone) != (unit, zone):
        report.add(
            "E581",
            "a ramp's two ends are in different units",
            span,
            "both ends are % FTP, both watts, or both % of one pace",
        )
        return None
    start = round(float(first.group(0)) * _factor(zone), 2)
    if not (_in_limits(start, unit, span, report) and _in_limits(end, unit, end_span, report)):
        return None
    if start == end:
        if start == 0:
            report.add("W583", "a power of 0 is read as 'free' (no target)", span, "nmdsl has no steady 0")
            return FreeTarget(), kind
        return _steady(start, unit, kind), kind
    of: Literal["ftp", "threshold_speed"] = "threshold_speed" if kind == "run" else "ftp"
    return RampTarget(start=start, end=end, unit=unit, of=of), kind


def _factor(zone: str | None) -> float:
    """What a percentage of ``zone``'s pace is as a percentage of threshold speed."""
    if zone is None:
        return 1.0
    factor: float = (_ZONE_M[zone] / _ZONE_M["10k"]) ** (1.0 - _RIEGEL)
    return factor


class _Power(NamedTuple):
    value: float
    unit: Unit
    kind: Kind
    #: The pace zone (``5k``, ``10k``, ``hm``, ``m``) of a run's target.
    zone: str | None


def _power(cursor: _Cursor, report: _Context, span: Span) -> _Power | None:
    """``77% FTP``, ``55 % FTP``, ``109.45%``, ``100W``, ``85% of 5k pace`` (the value to 2 decimals)."""
    at = cursor.pos
    value = cursor.take(_NUMBER)
    unit = cursor.take(_POWER_UNIT) if value is not None else None
    if value is None or unit is None:
        cursor.pos = at
        return None
    zone = None if unit.group(2) is None else unit.group(2).lower()
    if zone is not None and zone != "10k" and zone not in report.zones_warned:
        report.zones_warned.add(zone)
        report.add(
            "W585",
            f"targets at {_ZONE_NAMES[zone]} pace are converted to % of threshold speed with Riegel's "
            f"formula: x{_factor(zone):.3f}",
            span,
            "nmdsl takes threshold pace as 10 km race pace; check the converted targets",
        )
    kind: Kind = "run" if zone is not None else "bike"
    return _Power(round(float(value.group(0)) * _factor(zone), 2), _unit_of(unit), kind, zone)


def _unit_of(m: re.Match[str]) -> Unit:
    return "percent" if m.group(1) else "watts"


def _in_limits(value: float, unit: Unit, span: Span, report: _Context) -> bool:
    limit, sign = (MAX_PERCENT, "%") if unit == "percent" else (MAX_WATTS, "W")
    if value > limit:
        report.add(
            "E585",
            f"{value:g}{sign} is more than nmdsl's limit of {limit:g}{sign}",
            span,
            "check the number: a copy can join two numbers",
        )
        return False
    return True


def _cadence(m: re.Match[str], cursor: _Cursor, report: _Context) -> CadenceTarget | None:
    low = int(m.group(1))
    high = int(m.group(2) or low)
    lo, hi = CADENCE_LIMITS_RPM
    if not (lo <= low <= high <= hi):
        report.add(
            "E585",
            f"a cadence of {m.group(0).strip()} is outside nmdsl's {lo}-{hi} rpm",
            Span.point(cursor.line, m.start() + 1, len(m.group(0))),
            "a cadence range goes from low to high",
        )
        return None
    return CadenceTarget(low_rpm=low, high_rpm=high)


def _hint(cursor: _Cursor) -> str:
    rest = cursor.text[cursor.pos : cursor.end]
    if re.search(r"W\s*/\s*kg", rest, re.I):
        return "nmdsl has no W/kg targets: switch the page to show % FTP, and copy it again"
    if re.search(r"/\s*(km|mi)\b|pace|km/h|mph", rest, re.I):
        return "a run's bars read '5min @ 85% of 5k pace' (5k, 10k, HM or M pace)"
    return _FORMS


def _items(blocks: Sequence[_Block], report: Report) -> tuple[list[Item], Sport] | None:
    """The blocks as model items (a ``1x`` is its parts), and the sport they say.

    Within the language's limits (E305), in one sport (E586) and, for a ride,
    in one unit (E304).
    """
    items: list[Item] = []
    steps = 0
    ms = 0
    #: The first line with a %FTP target, and with a watts one.
    first: dict[Unit, int] = {}
    #: The first line of each sport.
    sports: dict[Kind, int] = {}
    for block in blocks:
        if not block.steps:
            continue
        for kind in block.kinds:
            if kind is not None:
                sports.setdefault(kind, block.line)
        if len(sports) == 2:
            other: Kind = "bike" if sports["run"] == block.line else "run"
            report.add(
                "E586",
                f"this line is a {'run' if other == 'bike' else 'ride'}'s, but line {sports[other]} is a "
                f"{'ride' if other == 'bike' else 'run'}'s",
                Span.point(block.line, 1),
                "a ride's bars are in % FTP or watts, a run's in % of a race pace or metres: "
                "import one workout at a time",
            )
            return None
        for step in block.steps:
            step_unit = _unit_of_target(step.target)
            if step_unit is not None:
                first.setdefault(step_unit, block.line)
        if len(first) == 2:
            unit: Unit = "percent" if first["watts"] == block.line else "watts"
            report.add(
                "E304",
                f"this text mixes watts and %FTP (line {first[unit]}) without an FTP to relate them",
                Span.point(block.line, 1),
                "whatsonzwift shows watts when an FTP is set on the page: copy the page with one unit",
            )
            return None
        count = block.count or 1
        steps += count * len(block.steps)
        ms += count * sum(round((s.duration_s or 0) * 1000) for s in block.steps)
        if steps > MAX_EXPANDED_STEPS:
            report.add("E305", f"the workout has more than {MAX_EXPANDED_STEPS:,} steps",
                       Span.point(block.line, 1))
            return None
        if ms > MAX_DURATION_S * 1000:
            report.add("E305", "the workout lasts more than 24 hours", Span.point(block.line, 1))
            return None
        if count == 1:
            items.extend(block.steps)
        else:
            items.append(Repeat(count=count, steps=tuple(block.steps)))
    return items, "run" if "run" in sports else "bike"


def _unit_of_target(target: IntensityTarget | None) -> Unit | None:
    if isinstance(target, (PercentTarget, RampTarget)) and target.of != "ftp":
        return None  # a run's
    if isinstance(target, PercentTarget):
        return "percent"
    if isinstance(target, WattsTarget):
        return "watts"
    if isinstance(target, RampTarget):
        return target.unit
    return None


def _effort(step: Step) -> float:
    t = step.target
    if isinstance(t, PercentTarget):
        return t.low_pct
    if isinstance(t, WattsTarget):
        return t.low_w
    if isinstance(t, RampTarget):
        return (t.start + t.end) / 2
    if isinstance(t, MaxTarget):
        return float("inf")
    return -1.0  # free: the easiest


def _label(items: list[Item]) -> list[Item]:
    """Intensities the page implies: warm-up, cool-down, recoveries in repeats.

    The text has no intensities; these make the imported text idiomatic
    (``3x 20s @105% / 40s @55%``, the second part being the easier one)
    without changing what is ridden.
    """
    out = [_label_repeat(i) if isinstance(i, Repeat) else i for i in items]
    if len(out) < 2:
        return out  # a lone ramp is the workout (a ramp test), not its warm-up
    first, last = out[0], out[-1]
    if isinstance(first, Step) and _slope(first) > 0:
        out[0] = first.model_copy(update={"intensity": "warmup"})
    if isinstance(last, Step) and _slope(last) < 0:
        out[-1] = last.model_copy(update={"intensity": "cooldown"})
    return out


def _slope(step: Step) -> float:
    """A ramp's rise (negative: falling); 0 for any other step."""
    t = step.target
    return t.end - t.start if isinstance(t, RampTarget) else 0.0


def _label_repeat(repeat: Repeat) -> Repeat:
    inner = [_label_repeat(i) if isinstance(i, Repeat) else i for i in repeat.steps]
    plain = [s for s in inner if isinstance(s, Step)]
    if len(plain) == len(inner) >= 2 and all(_effort(s) < _effort(plain[0]) for s in plain[1:]):
        inner = [plain[0], *(s.model_copy(update={"intensity": "recovery"}) for s in plain[1:])]
    return repeat.model_copy(update={"steps": tuple(inner)})
