"""``-f erg`` and ``-f mrc``: trainer course files.

ERG (watts) and MRC (percent of FTP) are the plain-text files of TrainerRoad's
"Creating Custom Workouts: ERG/MRC format" article, read by Golden Cheetah,
TrainerRoad, PerfPRO, Wahoo, intervals.icu and many trainer apps.  A file is
a header, then ``minutes value`` points joined by straight lines, then
optional text cues::

    [COURSE DATA]
    0.00    50          a steady step is two points with the same value,
    6.00    50
    6.00    100         a step change two points at the same time,
    7.50    140         a ramp a slope between two points.
    [END COURSE DATA]

Every step writes exactly two points, so a boundary is always a pair of
points at the same time; :mod:`nmdsl.formats.erg.read` relies on that to find
the steps again.  The reference reader is Golden Cheetah's
``src/Train/ErgFile.cpp`` (``ErgFile::parseComputrainer``); its quirks are
cited where they shape what is written.  docs/format-erg-mrc.md has the
mapping and what is lost.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Literal, assert_never

from nmdsl.diagnostics import Code, Report, Severity, Span, register
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.erg.lines import LAP, SECTION_MARKER
from nmdsl.language.writer import duration as duration_text
from nmdsl.language.writer import end_text as step_end_text
from nmdsl.language.writer import repeat_head
from nmdsl.model import (
    AnyHeartRateTarget,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    LapEnd,
    MaxTarget,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    ms_of,
    repeats_until,
)

E, W = Severity.ERROR, Severity.WARNING

register(
    Code("E450", E, "FTP needed to convert between watts and %FTP"),
    Code("E451", E, "run sessions cannot be written as ERG/MRC"),
    Code("E452", E, "distance step cannot be written as ERG/MRC"),
    Code("E453", E, "pace target cannot be written as ERG/MRC"),
    Code("E454", E, "negative power cannot be written as ERG/MRC"),
    Code("W450", W, "max effort written as a fixed target"),
    Code("W451", W, "free ride written as a fixed target"),
    Code("W452", W, "cadence target dropped"),
    Code("W453", W, "heart-rate target dropped"),
    Code("W454", W, "range written as its middle"),
    Code("W455", W, "text adjusted so that readers don't misread it"),
    Code("W456", W, "FTP written as a whole number"),
    Code("E455", E, "lap or until step without an estimate"),
    Code("W457", W, "lap, until or distance step written as its estimate"),
)

Unit = Literal["watts", "percent"]

#: Decimals of the minutes column.  Golden Cheetah turns minutes into
#: milliseconds (``minutes * 60000``, a double) and never rounds them, so
#: two decimals put a 20 s boundary at 19.8 s.  An error below half a
#: millisecond needs 30000 * 10**-d < 0.5 ms, i.e. d >= 5; and rounding *up*
#: (see :func:`minutes_text`) keeps the error in [0, 0.4 ms], so readers that
#: round and readers that truncate (to the millisecond or the second) all land
#: on the exact second (binary floating point adds a sixth decimal to about
#: 1% of them: see :func:`minutes_text`).  tests/test_erg.py checks every
#: second of 24 hours.
MINUTE_DECIMALS = 5

#: How long a cue stays on screen, in seconds: the model has no duration for
#: a cue, and the third column is required by Golden Cheetah's cue pattern
#: ``^([0-9\.]+)[ \t]*(.*)[ \t]([0-9]+)[ \t\n]*$``.  TrainerRoad's example uses 10.
CUE_DURATION_S = 10


def minutes_text(seconds: int) -> str:
    """The text of ``seconds`` in the minutes column (see :func:`_minutes_text`)."""
    text = _MINUTES.get(seconds)
    if text is None:
        if len(_MINUTES) >= _MEMO_SIZE:
            _MINUTES.clear()
        text = _MINUTES[seconds] = _minutes_text(seconds)
    return text


#: Memos of the two column formatters: a library's files share most of their
#: times and values.  Bounded, so memory stays flat however many files.
_MEMO_SIZE = 4096
_MINUTES: dict[int, str] = {}
_VALUES: dict[float, str] = {}


def _minutes_text(seconds: int) -> str:
    """``0.00``, ``0.50``, ``0.33334`` (20 s), ``10.00``: at least 2 decimals, usually at most 5.

    Computed with integers.  A time that is no exact decimal of a minute is
    rounded up at 5 decimals (0.2 or 0.4 ms late).  An exact one is written
    as it is, unless its double falls a hair short once multiplied:
    ``2.05 * 60`` is 122.99999999999999 in binary floating point, which a
    reader that truncates takes for 122 s.  Those (about 1% of all seconds)
    get a sixth decimal, one unit up: ``2.050001``, 0.06 ms late.

    The decimals of ``60 m + s`` seconds are those of ``s`` seconds, so they
    come from :data:`_SECOND_DECIMALS`; only the float check needs the whole.
    """
    if seconds < 0:
        raise ValueError(f"negative time {seconds}")
    whole, second = divmod(seconds, 60)
    decimals, nudged = _SECOND_DECIMALS[second]
    text = f"{whole}.{decimals}"
    if nudged is None:
        return text
    minutes = float(text)
    if minutes * 60 >= seconds and minutes * 60000 >= seconds * 1000:
        return text
    return f"{whole}.{nudged}"


def _minutes_text_ms(ms: int) -> str:
    """The minutes column for a time in ms: as :func:`_minutes_text` for whole seconds.

    A time with a fraction of a second gets the fewest decimals (2 to 5) whose
    value, rounded up, is less than 1 ms late: a reader that truncates
    ``minutes * 60000`` and one that rounds both land within a millisecond
    of the exact time (0.6 ms is the step at 5 decimals).  When those
    decimals are the time exactly (``32.98`` is 1978.8 s) they are written as
    they are, even where binary floating point falls a hair short: that is
    the text a file that says this time has, and every reader reads it as it
    reads that file (a truncating one 1 ms early, a rounding one exactly).
    """
    whole_s, rest = divmod(ms, 1000)
    if rest == 0:
        return _minutes_text(whole_s)
    for decimals in range(2, MINUTE_DECIMALS + 1):
        scale = 10**decimals
        units = -(-ms * scale // 60000)  # rounded up: never early
        if units * 60000 - ms * scale < scale:  # less than 1 ms late
            break
    return _decimal(units, decimals)


def _second_decimals(second: int) -> tuple[str, str | None]:
    """The decimals of ``second`` seconds (0-59) in minutes, and the nudged form of an exact one."""
    units, rest = divmod(second * 10**MINUTE_DECIMALS, 60)
    if rest:
        return _decimal(units + 1, MINUTE_DECIMALS).split(".")[1], None
    nudged = _decimal(second * 10 ** (MINUTE_DECIMALS + 1) // 60 + 1, MINUTE_DECIMALS + 1)
    return _decimal(units, MINUTE_DECIMALS).split(".")[1], nudged.split(".")[1]


def _decimal(units: int, decimals: int) -> str:
    """``units / 10**decimals`` written with at least two decimals."""
    whole, frac = divmod(units, 10**decimals)
    return f"{whole}.{f'{frac:0{decimals}d}'.rstrip('0').ljust(2, '0')}"


#: Per second of the minute: its decimals, and for the exact ones (every third
#: second) the nudged form (see :func:`_minutes_text`).
_SECOND_DECIMALS = [_second_decimals(second) for second in range(60)]


def value_text(x: float) -> str:
    """The text of ``x`` in the value column (see :func:`_value_text`)."""
    text = _VALUES.get(x)
    if text is None:
        if len(_VALUES) >= _MEMO_SIZE:
            _VALUES.clear()
        text = _VALUES[x] = _value_text(x)
    return text


def _value_text(x: float) -> str:
    """``150``, ``87.5``, ``227.99``: integers without a point, else at most 2 decimals.

    Never an exponent or a minus sign: Golden Cheetah's data pattern is
    ``([0-9\\.]+)``.
    """
    r = round(x, 2)
    if r == int(r):
        return str(int(r))
    return f"{r:.2f}".rstrip("0")


# -- text the readers won't misread -------------------------------------------

_NUMERIC_ONLY = re.compile(r"[-0-9.]+")


def reader_safe(text: str, *, cue: bool) -> tuple[str, list[str]]:
    """:func:`_reader_safe`, memoized (a library's cues repeat)."""
    key = (text, cue)
    found = _SAFE.get(key)
    if found is None:
        if len(_SAFE) >= _MEMO_SIZE:
            _SAFE.clear()
        found = _SAFE[key] = _reader_safe(text, cue=cue)
    return found[0], list(found[1])


_SAFE: dict[tuple[str, bool], tuple[str, list[str]]] = {}


def _reader_safe(text: str, *, cue: bool) -> tuple[str, list[str]]:
    """``text`` adjusted so that Golden Cheetah reads it back as text, and why.

    Golden Cheetah tries its other patterns on every line before the cue
    pattern, in any section (ErgFile.cpp, ``parseComputrainer``):

    * a section marker such as ``[COURSE DATA]`` is matched anywhere in a line;
    * a line containing ``=`` is a ``KEY = value`` setting, and a setting's
      value stops at a tab or a second ``=``;
    * ``<number> LAP ...`` (any case) is a lap marker, so a cue starting with "lap";
    * ``<number> <number> <number>`` is a distance/grade/wind row, so a cue made
      only of digits, ``.`` and ``-``.

    Tabs are column separators for every reader.  Returns the adjusted text
    (empty when nothing is left to show) and the reasons, empty when unchanged.
    """
    reasons: list[str] = []
    out = text
    if re.search(r"[\t\r\n]", out):
        out = re.sub(r"[\t\r\n]+", " ", out)
        reasons.append("a tab or line break would split the line into columns")
    out = out.strip(" ")
    if "=" in out:
        out = out.replace("=", ":")
        reasons.append("Golden Cheetah reads a line with '=' as a setting")
    if SECTION_MARKER.search(out):
        out = SECTION_MARKER.sub(r"(\g<inner>)", out)
        reasons.append("Golden Cheetah reads [COURSE ...] anywhere in a line as a section marker")
    if cue and LAP.fullmatch(f"0\t{out}"):  # as the cue's line would read
        out = "- " + out
        reasons.append("Golden Cheetah reads a cue starting with 'LAP' as a lap marker")
    if cue and _NUMERIC_ONLY.fullmatch(out):
        out = "- " + out
        reasons.append("Golden Cheetah reads a cue made only of digits as a data row")
    return out, reasons


def _heart_rate_text(h: AnyHeartRateTarget) -> str:
    """``150bpm``, ``140-150bpm``, ``Z2hr``, ``80%lthr``, ``65-75%maxhr``: the target without ``@``."""
    low: float
    high: float
    match h:
        case HeartRateTarget():
            low, high, unit = h.low_bpm, h.high_bpm, "bpm"
        case HeartRateZoneTarget():
            return f"Z{h.zone}hr"
        case HeartRatePercentTarget():
            low, high, unit = h.low_pct, h.high_pct, "%lthr" if h.of == "lthr" else "%maxhr"
        case _:
            assert_never(h)
    if low == high:
        return f"{value_text(low)}{unit}"
    return f"{value_text(low)}-{value_text(high)}{unit}"


def _end_what(step: Step) -> str:
    """What a course file lacks to end ``step`` as written."""
    match step.until:
        case LapEnd():
            return "lap button"
        case HeartRateEnd():
            return "heart-rate end"
        case None:
            return "distance"
        case _:
            assert_never(step.until)


# -- emitting -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """What ERG and MRC share of one workout: the times of its points and its cues.

    Only the value column differs between the two formats, and ``check``
    writes both from the same workout in a row: the timeline is walked and
    the times and cues are formatted once (see :func:`_plan`).
    """

    #: The distinct (step, span to report at) pairs, in the order first met: a
    #: step inside ``12x`` is one entry, its values worked out once.
    steps: tuple[tuple[Step, Span | None], ...]
    #: One per timed step of the timeline: the minutes texts of its start and
    #: end (its two points) and its index in ``steps``.
    segments: tuple[tuple[str, str, int], ...]
    #: The [COURSE TEXT] lines in time order, each with the W455 message that
    #: goes with it (None when the cue is written as it is) and its span; an
    #: empty cue has no line (None).
    cues: tuple[tuple[str | None, str | None, Span | None], ...]


@dataclass
class _Course:
    """What the values of the steps found missing."""

    #: Where the steps that need an FTP nobody gave are, and the first one's unit.
    ftp_missing: list[Span | None] = field(default_factory=list)
    ftp_missing_from: Unit = "percent"
    #: The header's pmax (W), which a %pmax target is a share of.
    pmax_w: float | None = None


class _Diagnostics:
    """The report, with each message given once per source step.

    A step inside ``12x`` appears twelve times in the timeline; the user
    wrote it once and wants to hear about it once.
    """

    def __init__(self, report: Report):
        self.report = report
        self._seen: set[tuple[str, str, Span | None]] = set()

    def add(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        key = (code, message, span)
        if key not in self._seen:
            self._seen.add(key)
            self.report.add(code, message, span, hint)


class _CourseBackend:
    """ERG and MRC differ only in the unit of the value column."""

    name: str
    suffix: str
    description: str
    unit: Unit

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes:
        diags = _Diagnostics(report)
        fmt = self.name.upper()
        if workout.meta.sport != "bike":
            report.add(
                "E451",
                f"{fmt} files are for the bike: a {workout.meta.sport} session cannot be written",
                None,
                "use -f zwo or -f fit for runs",
            )
            return b""
        for repeat in repeats_until(workout.steps):
            head = repeat_head(repeat)
            if not repeat.estimated:
                report.add(
                    "E455",
                    f"{fmt} files are timed, with no heart-rate end, and '{head}:' gives no estimate "
                    "of how many times it runs",
                    repeat.span,
                    f"add an estimate: '{head} ~3x:' is written as 3 times",
                )
                return b""
            report.add(
                "W457",
                f"{fmt} files are timed, with no heart-rate end: '{head}:' is written {repeat.count} times, "
                "its estimate",
                repeat.span,
                "FIT keeps how the repeat ends",
            )
        plan = _plan(workout)
        course = _Course(pmax_w=workout.meta.pmax_w)
        values = [self._values(course, step, span, diags, options) for step, span in plan.steps]
        if course.ftp_missing:
            self._ftp_missing(course, report)
        if report.has_errors:
            return b""
        # Every step that cannot be written (None) has reported an error.
        assert None not in values
        return self._render(workout, plan, values, diags, options)  # type: ignore[arg-type]

    # -- one step -----------------------------------------------------------

    def _values(
        self, course: _Course, step: Step, span: Span | None, diags: _Diagnostics, options: EmitOptions
    ) -> tuple[float, float] | None:
        """The step's values at its start and end in this format's unit; None when it cannot be written."""
        fmt = self.name.upper()
        if step.duration_s is None:
            written = step_end_text(step)
            if step.estimate_s is not None:
                diags.add(
                    "W457",
                    f"{fmt} files are timed, with no {_end_what(step)}: '{written}' is written as its "
                    f"estimate, {duration_text(step.estimate_s)}",
                    span,
                    "FIT keeps how the step ends",
                )
            elif step.until is not None:
                diags.add(
                    "E455",
                    f"{fmt} files are timed, with no {_end_what(step)}, and '{written}' gives no estimate "
                    "of how long it lasts",
                    span,
                    f"add an estimate: '{written} ~3m' is written as 3 minutes",
                )
                return None
            else:
                diags.add(
                    "E452",
                    f"{fmt} files are timed: the distance step '{written}' cannot be written without "
                    "an estimate of its time",
                    span,
                    f"add an estimate ('{written} ~3m' is written as 3 minutes), or give a duration instead",
                )
                return None
        if step.cadence is not None:
            c = step.cadence
            rpm = f"{c.low_rpm}rpm" if c.low_rpm == c.high_rpm else f"{c.low_rpm}-{c.high_rpm}rpm"
            diags.add(
                "W452", f"the cadence target {rpm} is dropped: {fmt} files carry power only", c.span or span
            )
        if step.heart_rate is not None:
            h = step.heart_rate
            diags.add(
                "W453",
                f"the heart-rate target {_heart_rate_text(h)} is dropped: {fmt} files carry power only",
                h.span or span,
            )
        level = self._level(step, span, diags, options, course.pmax_w)
        if level is None:
            return None
        first, last, unit = level
        values = self._convert(course, (first, last), unit, span, options)
        if values is None:
            return None
        if min(values) < 0:
            diags.add(
                "E454",
                f"a power of {value_text(min(values))} cannot be written: {fmt} values are positive",
                span,
            )
            return None
        return values

    def _level(
        self, step: Step, span: Span | None, diags: _Diagnostics, options: EmitOptions, pmax_w: float | None
    ) -> tuple[float, float, Unit] | None:
        """The step's power at its start and end, in the unit it is written in."""
        fmt = self.name.upper()
        t = step.target
        match t:
            case None | FreeTarget():
                what = "'free'" if t is not None else "this step has no power target: it"
                diags.add(
                    "W451",
                    f"{what} is written as {value_text(options.free_ride_pct)}% of FTP: "
                    f"{fmt} files have no free-ride (ERG off) step",
                    (t.span if t is not None else None) or span,
                    "choose the value with --free-ride PCT",
                )
                return options.free_ride_pct, options.free_ride_pct, "percent"
            case MaxTarget():
                diags.add(
                    "W450",
                    f"'max' is written as {value_text(options.max_effort_pct)}% of FTP: "
                    f"{fmt} files have no all-out step",
                    t.span or span,
                    "choose the value with --max-effort PCT",
                )
                return options.max_effort_pct, options.max_effort_pct, "percent"
            case PercentTarget():
                if t.of != "ftp":
                    diags.add(
                        "E453",
                        f"a % of threshold speed is a running target: {fmt} files carry power",
                        t.span or span,
                    )
                    return None
                mid = self._middle(t.low_pct, t.high_pct, "%", t.span or span, diags)
                return mid, mid, "percent"
            case WattsTarget():
                mid = self._middle(t.low_w, t.high_w, "W", t.span or span, diags)
                return mid, mid, "watts"
            case ZoneTarget():
                mid = self._middle(t.low_pct, t.high_pct, "%", t.span or span, diags, f"@Z{t.zone}")
                return mid, mid, "percent"
            case RampTarget():
                if t.of != "ftp":
                    diags.add(
                        "E453",
                        f"a % of threshold speed is a running target: {fmt} files carry power",
                        t.span or span,
                    )
                    return None
                return t.start, t.end, t.unit
            case PaceTarget():
                diags.add("E453", f"a pace target cannot be written: {fmt} files carry power", t.span or span)
                return None
            case PeakPercentTarget():
                # %pmax is watts (the header's pmax); MRC then needs an FTP, like watts (E450).
                if t.of == "vmax":
                    diags.add(
                        "E453", f"a %vmax target is a running target: {fmt} files carry power", t.span or span
                    )
                    return None
                if pmax_w is None:
                    diags.add(
                        "E215", f"a %pmax target needs the header's pmax: {fmt} files carry power",
                        t.span or span,
                    )
                    return None
                low, high = pmax_w * t.low_pct / 100, pmax_w * t.high_pct / 100
                mid = self._middle(low, high, "W", t.span or span, diags)
                return mid, mid, "watts"
            case _:
                assert_never(t)

    def _middle(
        self,
        low: float,
        high: float,
        unit: str,
        span: Span | None,
        diags: _Diagnostics,
        label: str | None = None,
    ) -> float:
        mid = (low + high) / 2
        if low != high:
            written = f"@{value_text(low)}-{value_text(high)}{unit}"
            what = f"{label} ({written[1:]})" if label else written
            diags.add(
                "W454",
                f"{what} is written as its middle, {value_text(mid)}{unit}: "
                f"{self.name.upper()} files carry one value per point",
                span,
            )
        return mid

    def _convert(
        self,
        course: _Course,
        values: tuple[float, float],
        unit: Unit,
        span: Span | None,
        options: EmitOptions,
    ) -> tuple[float, float] | None:
        if unit == self.unit:
            return values
        ftp = options.ftp_w
        if ftp is None:
            if not course.ftp_missing:
                course.ftp_missing_from = unit
            course.ftp_missing.append(span)
            return None
        if self.unit == "watts":
            return values[0] * ftp / 100, values[1] * ftp / 100
        return values[0] * 100 / ftp, values[1] * 100 / ftp

    def _ftp_missing(self, course: _Course, report: Report) -> None:
        fmt = self.name.upper()
        have = "%FTP" if course.ftp_missing_from == "percent" else "watts"
        want = "watts" if self.unit == "watts" else "%FTP"
        first = course.ftp_missing[0]
        lines = {span.line for span in course.ftp_missing if span is not None}
        more = len(lines - {first.line}) if first is not None else len(lines)
        report.add(
            "E450",
            f"{fmt} files are in {want} and this step is in {have}, but the session has no FTP"
            + (f" ({more} more line{'s' if more != 1 else ''} too)" if more > 0 else ""),
            first,
            "add 'ftp: 250' (your FTP in watts) to the header, or pass --ftp 250",
        )

    # -- the file ---------------------------------------------------------------

    def _render(
        self,
        workout: Workout,
        plan: _Plan,
        values: list[tuple[float, float]],
        diags: _Diagnostics,
        options: EmitOptions,
    ) -> bytes:
        meta = workout.meta
        lines = ["[COURSE HEADER]", "VERSION = 2", "UNITS = METRIC"]
        key = "description" if meta.description else "name"
        description = meta.description or meta.name
        if description:
            text = self._header_text(key, description, diags, meta.span_of(key))
            lines.append(f"DESCRIPTION = {text}")
        if meta.name:
            name = self._header_text("name", meta.name, diags, meta.span_of("name"))
            lines.append(f"FILE NAME = {name}{self.suffix}")
        if self.unit == "watts" and options.ftp_w is not None:
            ftp = round(options.ftp_w)
            if ftp != options.ftp_w:
                diags.add(
                    "W456",
                    f"ftp {value_text(options.ftp_w)} W is written as FTP = {ftp}: Golden Cheetah reads FTP "
                    "as a whole number (a decimal one becomes 0); the watts are computed from the exact FTP",
                    meta.span_of("ftp"),
                )
            lines.append(f"FTP = {ftp}")
        lines.append("MINUTES WATTS" if self.unit == "watts" else "MINUTES PERCENT")
        lines.append("[END COURSE HEADER]")
        lines.append("[COURSE DATA]")
        newline = "\r\n" if options.crlf else "\n"
        # The value texts once per distinct step; a step's two points go in
        # one string (two lines).
        first = [value_text(v[0]) for v in values]
        last = [value_text(v[1]) for v in values]
        # Where a ramp meets the step before or after it at the same time
        # and value (a flat step into a ramp from that value), the point is
        # written once: the slope change is the boundary, and an import gets
        # the file's own points back.  Between two flat steps of one value
        # both points stay: they are the boundary (a repeat's last recovery
        # and the steady step after it).
        previous = ("", "", True)
        for start, end, k in plan.segments:
            flat = first[k] == last[k]
            if (start, first[k]) == previous[:2] and not (flat and previous[2]):
                lines.append(f"{end}\t{last[k]}")
            else:
                lines.append(f"{start}\t{first[k]}{newline}{end}\t{last[k]}")
            previous = (end, last[k], flat)
        lines.append("[END COURSE DATA]")
        cue_lines = []
        for line, warning, span in plan.cues:
            if warning is not None:
                diags.add("W455", warning, span)
            if line is not None:
                cue_lines.append(line)
        if cue_lines:
            # Golden Cheetah accepts the file only if the *last* section
            # marker is an END marker: [END COURSE TEXT] closes it.
            lines += ["[COURSE TEXT]", *cue_lines, "[END COURSE TEXT]"]
        return (newline.join(lines) + newline).encode("utf-8")

    def _header_text(self, key: str, text: str, diags: _Diagnostics, span: Span | None) -> str:
        safe, reasons = reader_safe(text, cue=False)
        if reasons:
            diags.add("W455", f"the {key} {text!r} is written {safe!r}: {'; '.join(reasons)}", span)
        return safe



#: The last workout's plan: ``check`` writes ERG and MRC from one workout in a
#: row.  A workout is frozen, so its plan never changes; the weak reference
#: keeps the cache from holding the workout alive.
_last_plan: tuple[weakref.ref[Workout], _Plan] | None = None


def _plan(workout: Workout) -> _Plan:
    """The workout's :class:`_Plan`, made once for ERG and MRC."""
    global _last_plan
    last = _last_plan
    if last is not None and last[0]() is workout:
        return last[1]
    plan = _make_plan(workout)
    _last_plan = (weakref.ref(workout), plan)
    return plan


def _make_plan(workout: Workout) -> _Plan:
    """Walk the timeline once: each step with its start in whole seconds and the span to report at.

    A drill's default recovery has no span of its own; it is reported at the
    drill just before it.
    """
    index: dict[tuple[int, int], int] = {}
    steps: list[tuple[Step, Span | None]] = []
    segments: list[tuple[str, str, int]] = []
    cues: list[tuple[int, str, Span | None]] = []
    last_span: Span | None = None
    # A step starts where the one before it ends: the text of its start is
    # that of the end before (unless a distance step came between).  The
    # times are computed, not memoized: they add up over a session, so a
    # library's are spread over hours and a bounded memo missed 3 times in 4.
    end, end_text = 0, _minutes_text(0)  # ms
    for seg in workout.timeline():
        step = seg.step
        span = last_span = step.span or last_span
        key = (id(step), id(span))
        k = index.get(key)
        if k is None:
            k = index[key] = len(steps)
            steps.append((step, span))
        # A lap, until or distance step is written as its ~D estimate (W457);
        # without one it is an error (E452, E455) and has no points.
        seconds = step.duration_s if step.duration_s is not None else step.estimate_s
        if seconds is None:
            continue
        # Times in ms: a session's durations are kept to the millisecond.
        start = ms_of(seg.start_s)
        start_text = end_text if start == end else _minutes_text_ms(start)
        end = start + ms_of(seconds)
        end_text = _minutes_text_ms(end)
        segments.append((start_text, end_text, k))
        for cue in step.cues:
            cues.append((start + ms_of(cue.offset_s), cue.text, cue.span or span))
    # sorted() is stable: cues at the same second keep their written order.
    cues.sort(key=lambda c: c[0])
    return _Plan(tuple(steps), tuple(segments), tuple(_cue_line(*cue) for cue in cues))


def _cue_line(at_ms: int, text: str, span: Span | None) -> tuple[str | None, str | None, Span | None]:
    """A cue's line in [COURSE TEXT] (None to leave it out) and the W455 message for it (None if none)."""
    safe, reasons = reader_safe(text, cue=True)
    if not safe:
        return None, "an empty cue is left out: Golden Cheetah would read its line as a data row", span
    warning = f"the cue {text!r} is written {safe!r}: {'; '.join(reasons)}" if reasons else None
    whole, ms = divmod(at_ms, 1000)
    at = f"{whole}.{ms:03d}".rstrip("0") if ms else str(whole)  # the cue column is seconds
    return f"{at}\t{safe}\t{CUE_DURATION_S}", warning, span


class ErgBackend(_CourseBackend):
    name = "erg"
    suffix = ".erg"
    description = "ERG course file: minutes and watts (Golden Cheetah, TrainerRoad, PerfPRO, ...)"
    unit: Unit = "watts"


class MrcBackend(_CourseBackend):
    name = "mrc"
    suffix = ".mrc"
    description = "MRC course file: minutes and percent of FTP (Golden Cheetah, TrainerRoad, ...)"
    unit: Unit = "percent"
