"""Reading ERG and MRC course files into the model.

Files as they exist in the wild: CRLF, LF or CR line endings, tabs or
spaces, ``KEY = value`` or ``KEY=value``, decimal minutes, ``;`` comment
lines, ``[COURSE TEXT]`` cues, Golden Cheetah's ``LAP`` rows.  The rules
follow Golden Cheetah's reader (``src/Train/ErgFile.cpp``,
``ErgFile::parseComputrainer``), which accepts most of what is out there,
except where it stays silent about a broken file: a row it cannot read is
an error here, with its line, and nothing is written.

Points become steps: two points at the same time mark a step boundary, a
flat stretch is a steady step, a slope a ramp, and points on one straight
line without a boundary between them are one step.  Then
:func:`nmdsl.model.compress.compress` folds the repetitions back into ``Nx``
repeats.  ERG with ``FTP`` gives %FTP targets (Golden Cheetah scales such a
file to the rider's FTP: the watts are relative to it), ERG without it
watts, MRC percent.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from nmdsl.diagnostics import Code, Report, Severity, Span, register, unread_lines
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.erg.lines import LAP, SECTION_MARKER
from nmdsl.limits import MAX_DURATION_S, MAX_EXPANDED_CUES, MAX_EXPANDED_STEPS, MAX_PERCENT, MAX_WATTS
from nmdsl.model import (
    Cue,
    FreeTarget,
    Item,
    Metadata,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
    ms_of,
    seconds_of_ms,
)
from nmdsl.model.compress import compress
from nmdsl.source import decode_text, iter_lines, lines_after

E, W = Severity.ERROR, Severity.WARNING

register(
    Code("E520", E, "no course data"),
    Code("E521", E, "section without its END marker"),
    Code("E522", E, "time goes backwards"),
    Code("E523", E, "malformed data row"),
    Code("E524", E, "malformed cue row"),
    Code("E525", E, "distance course, not a workout"),
    Code("E526", E, "percent point in a watts file without FTP"),
    Code("E527", E, "implausible power"),
    Code("W521", W, "lap marker dropped"),
    Code("W522", W, "no MINUTES line"),
    Code("W523", W, "cue outside the workout dropped"),
    Code("W524", W, "zero power read as free ride"),
    Code("W525", W, "FTP not understood"),
    Code("W526", W, "line not understood, ignored"),
    Code("W527", W, "file is not UTF-8"),
)

Unit = Literal["watts", "percent"]


# Blanks are spaces and tabs, as in Golden Cheetah's [ \t]: a no-break
# space or a form feed is text, not a separator.
_BLANKS = " \t"
_FORMAT = re.compile(r"MINUTES[ \t]+(WATTS|PERCENT|FTP)\b", re.IGNORECASE)
_DISTANCE_FORMAT = re.compile(r"DISTANCE[ \t]+GRADE\b", re.IGNORECASE)
_SETTING = re.compile(r"([^=]*)=(.*)")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
#: A data row as most are: two plain numbers (the value perhaps with '%').
_ROW = re.compile(rf"({_NUMBER.pattern})[ \t]+({_NUMBER.pattern})(%?)")
# seconds, text, optional duration (seconds): the last number is the duration,
# as in Golden Cheetah's ^([0-9\.]+)[ \t]*(.*)[ \t]([0-9]+)[ \t\n]*$.
_CUE = re.compile(r"(?P<at>[^ \t]+)[ \t]+(?P<text>.*?)(?:[ \t]+(?P<duration>[0-9]+))?")


@dataclass(slots=True)
class _Point:
    line: int
    minutes: float
    value: float
    #: True for a ``50%`` row (Golden Cheetah's relative-watts form).
    percent: bool


@dataclass
class _Course:
    settings: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: "watts" / "percent" from the MINUTES line, None without one.
    unit: Unit | None = None
    points: list[_Point] = field(default_factory=list)
    #: (line, seconds, text)
    cues: list[tuple[int, float, str]] = field(default_factory=list)
    saw_data_section: bool = False
    #: Where a MINUTES line belongs: the [END COURSE HEADER] line, or 1.
    header_end_line: int = 1


class _CourseImporter:
    name: str
    suffixes: tuple[str, ...]
    #: What the values are when the file has no MINUTES line.
    default_unit: Unit

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        text = _decode(data, report)
        course = _parse(text, report)
        if course is None:
            return None
        unit, ftp = self._unit(course, report)
        steps = _steps(course, unit, ftp, report)
        if steps is None:
            return None
        steps = _attach_cues(steps, course.cues, report)
        # Fold, join equal neighbours the folding left apart, fold again:
        # joining can make a longer pattern repeat (L345Pyramid.erg's sets).
        items = _label(compress(_join(compress(steps))))
        meta = _metadata(course, ftp, options)
        return Workout(meta=meta, steps=tuple(items))

    def _unit(self, course: _Course, report: Report) -> tuple[Unit, float | None]:
        """The unit of the file's values (and so of the imported targets), and the file's FTP.

        Values stay in the file's own unit, so that compiled back they are
        the file's own numbers (228 W, not 227.99 W); an ERG's FTP is kept
        in the header, and the compiled ERG writes the same FTP line back
        (Golden Cheetah scales such a file to the rider's own FTP).
        """
        ftp = _ftp(course, report)
        unit = course.unit or self.default_unit
        if course.unit is None and unit == "percent":
            report.add(
                "W522",
                "the header has no 'MINUTES PERCENT' line: the values are read as %FTP because the "
                "file is .mrc (Golden Cheetah would read them as watts)",
                Span.point(course.header_end_line, 1),
                "add 'MINUTES PERCENT' to the header",
            )
        return unit, ftp


class ErgImporter(_CourseImporter):
    name = "erg"
    suffixes = (".erg",)
    default_unit: Unit = "watts"


class MrcImporter(_CourseImporter):
    name = "mrc"
    suffixes = (".mrc",)
    default_unit: Unit = "percent"


# -- text -> course -------------------------------------------------------------


def _decode(data: bytes, report: Report) -> str:
    text, not_utf8 = decode_text(data)
    if not_utf8 is not None:
        report.add(
            "W527",
            "the file is not UTF-8: it is read as Windows-1252",
            Span.point(not_utf8, 1),
            "check the accented letters in the imported names and cues",
        )
    return text


def _parse(text: str, report: Report) -> _Course | None:
    course = _Course()
    section: str | None = None
    #: The last section marker: (line, is_end, name).
    last_marker: tuple[int, bool, str] | None = None
    # One line at a time (Golden Cheetah splits what Qt's readLine gives on
    # '\r' too, for old Macintosh files; CRLF counts as one line break), and
    # no further than the file is certain to be refused: past 24 hours, past
    # the cue limit, after MAX_ERRORS errors.
    number, raw = 0, ""
    points = course.points
    for number, raw in enumerate(iter_lines(text), start=1):
        line = raw.strip(_BLANKS)
        if report.full and line:
            report.stop(number, unread_lines(number, number + lines_after(text, number)))
            return None
        if section == "DATA":
            row = _ROW.fullmatch(line)
            if row is not None:
                # The common case at once (a file can hold 400,000 rows): two
                # plain numbers, in time order, within 24 hours.
                minutes = float(row.group(1))
                in_order = not points or minutes >= points[-1].minutes
                if in_order and minutes * 60_000 <= MAX_DURATION_S * 1000:
                    points.append(_Point(number, minutes, float(row.group(2)), row.group(3) == "%"))
                    continue
        if line.startswith(";"):
            # A comment, except that Golden Cheetah's format pattern
            # ^[;]*(MINUTES[ \t]+WATTS) takes ';MINUTES WATTS' all the same.
            _format(line.lstrip(";"), course)
            continue
        if not line:
            continue
        marker = SECTION_MARKER.search(line)
        if marker is not None:
            is_end = marker.group("end") is not None
            name = marker.group("name").upper()
            last_marker = (number, is_end, name)
            section = None if is_end else name
            course.saw_data_section = course.saw_data_section or name == "DATA"
            if is_end and name == "HEADER":
                course.header_end_line = number
            continue
        if section == "DATA":
            _data_row(line, raw, number, course, report)
            if course.points and round(course.points[-1].minutes * 60_000) > MAX_DURATION_S * 1000:
                report.add("E305", "the workout lasts more than 24 hours", Span.point(number, 1))
                return None
        elif section == "TEXT":
            _cue_row(line, raw, number, course, report)
            if len(course.cues) > MAX_EXPANDED_CUES:
                message = f"the workout has more than {MAX_EXPANDED_CUES:,} cues"
                report.add("E305", message, Span.point(number, 1))
                return None
        elif not _header_row(line, number, course, report):
            return None
    if report.has_errors:
        return None
    end = Span.point(max(number - (1 if raw == "" else 0), 1), 1)
    if not course.saw_data_section:
        report.add(
            "E520",
            "the file has no [COURSE DATA] section",
            end,
            "an ERG/MRC file lists its points in [COURSE DATA]",
        )
        return None
    if last_marker is not None and not last_marker[1]:
        at, _, name = last_marker
        report.add(
            "E521",
            f"[COURSE {name}] is never closed: the file ends without [END COURSE {name}]",
            Span.point(at, 1),
            "the file may be cut short; Golden Cheetah refuses it too",
        )
        return None
    if len(course.points) < 2 or course.points[-1].minutes == course.points[0].minutes:
        at = course.points[0].line if course.points else end.line
        report.add(
            "E520",
            "the course data has no duration: it needs at least two points at different times",
            Span.point(at, 1),
        )
        return None
    return course


def _header_row(line: str, number: int, course: _Course, report: Report) -> bool:
    """Read a line outside the data and text sections; False: stop reading the file."""
    if _format(line, course):
        return True
    if _DISTANCE_FORMAT.match(line):
        report.add(
            "E525",
            "this is a distance course (DISTANCE GRADE WIND), not a workout: it sets slopes, not power",
            Span.point(number, 1),
        )
        return False
    setting = _SETTING.fullmatch(line)
    if setting is None:
        report.add("W526", f"line {line!r} is not a setting: ignored", Span.point(number, 1))
    else:
        key = " ".join(_split(setting.group(1))).upper()
        course.settings[key] = (setting.group(2).strip(_BLANKS), number)
    return True


def _format(line: str, course: _Course) -> bool:
    """Read a ``MINUTES WATTS|PERCENT|FTP`` line; False if it is not one."""
    fmt = _FORMAT.match(line)
    if fmt is not None:
        course.unit = "watts" if fmt.group(1).upper() == "WATTS" else "percent"
    return fmt is not None


_SEPARATOR = re.compile(r"[ \t]+")


def _split(text: str) -> list[str]:
    return [t for t in _SEPARATOR.split(text) if t]


def _column(raw: str, token: str) -> int:
    return raw.find(token) + 1


def _data_row(line: str, raw: str, number: int, course: _Course, report: Report) -> None:
    if LAP.fullmatch(line):
        report.add(
            "W521",
            "a LAP marker is dropped: nmdsl has no laps (the steps around it are kept)",
            Span.point(number, 1),
        )
        return
    tokens = _split(line)
    if len(tokens) != 2:
        report.add(
            "E523",
            f"a data row is 'minutes value', got {line!r}",
            Span.point(number, 1, len(raw.rstrip(_BLANKS))),
            "points are two numbers separated by a tab or spaces, e.g. '6.5 150'",
        )
        return
    time_text, value_text = tokens
    percent = value_text.endswith("%")
    value_number = value_text[:-1] if percent else value_text
    for token, what in ((time_text, "time in minutes"), (value_number, "value")):
        if not _NUMBER.fullmatch(token):
            report.add(
                "E523",
                f"the {what} {token!r} is not a plain number",
                Span.point(number, _column(raw, token), len(token)),
                "numbers are written with digits and a '.', without sign or exponent",
            )
            return
    point = _Point(number, float(time_text), float(value_number), percent)
    if course.points and point.minutes < course.points[-1].minutes:
        before = course.points[-1]
        report.add(
            "E522",
            f"time goes backwards: {time_text} min after {before.minutes:g} min (line {before.line})",
            Span.point(number, _column(raw, time_text), len(time_text)),
            "points are listed in time order",
        )
    course.points.append(point)


def _cue_row(line: str, raw: str, number: int, course: _Course, report: Report) -> None:
    first = _SEPARATOR.split(line, maxsplit=1)[0]  # the line is stripped: not empty
    if not _NUMBER.fullmatch(first):
        report.add(
            "E524",
            f"a cue row is 'seconds text duration'; {first!r} is not a number of seconds",
            Span.point(number, _column(raw, first), len(first)),
        )
        return
    match = _CUE.fullmatch(line)
    if match is None:
        report.add("W526", f"cue row {line!r} has no text: ignored", Span.point(number, 1))
        return
    # A tab inside the text would be a column separator to most readers.
    course.cues.append((number, float(match.group("at")), match.group("text").replace("\t", " ")))


def _ftp(course: _Course, report: Report) -> float | None:
    if "FTP" not in course.settings:
        return None
    text, line = course.settings["FTP"]
    m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)[ \t]*W?", text, re.IGNORECASE)
    ftp = float(m.group(1)) if m else 0.0
    if ftp <= 0:
        report.add(
            "W525",
            f"FTP {text!r} is not a number of watts: ignored, the values are read as written",
            Span.point(line, 1),
        )
        return None
    return ftp


# -- course -> steps --------------------------------------------------------------


def _value(point: _Point, unit: Unit, ftp: float | None, report: Report) -> float:
    """The point's value in the file's unit, to the 2 decimals the writer keeps.

    Beyond the language's limits (E527) the imported text would not compile.
    """
    if point.percent and unit == "watts" and ftp is not None:
        # Golden Cheetah's relative row ('50%') in a watts file with FTP: its watts.
        value = point.value * ftp / 100
    else:
        if point.percent and unit == "watts":
            report.add(
                "E526",
                f"'{point.value:g}%' is a percentage, but this is a watts file without FTP",
                Span.point(point.line, 1),
                "add 'FTP = 250' (the FTP the file was written for) to the header, or 'MINUTES PERCENT'",
            )
        value = point.value
    value = round(value, 2)
    limit, sign = (MAX_PERCENT, "%") if unit == "percent" else (MAX_WATTS, " W")
    if value > limit:
        report.add(
            "E527",
            f"{value:g}{sign} is more than nmdsl's limit of {limit:g}{sign}",
            Span.point(point.line, 1),
            "check the MINUTES line: WATTS or PERCENT" if unit == "percent" else None,
        )
    return value


def _seconds(points: list[_Point]) -> array[int]:
    """Each point's time in whole milliseconds (nmdsl's finest time): ``15.69`` min is 941,400 ms.

    A time between two milliseconds (``0.33334`` min, as nmdsl itself
    writes 20 s, is 20,000.4 ms) goes to the nearest one: it moves by at
    most half a millisecond, which no reader can tell, so nothing is said.
    An array: a file can hold 400,000 points.
    """
    return array("q", (round(p.minutes * 60_000) for p in points))


def _collinear(times: Sequence[int], values: Sequence[float], a: int, b: int, c: int) -> bool:
    """Whether point c lies on the line through points a and b."""
    cross = (values[c] - values[a]) * (times[b] - times[a]) - (values[b] - values[a]) * (times[c] - times[a])
    return abs(cross) < 1e-6 * (times[c] - times[a])


def _steps(course: _Course, unit: Unit, ftp: float | None, report: Report) -> list[Step] | None:
    # Arrays: a file can hold 400,000 points.
    values = array("d", (_value(p, unit, ftp, report) for p in course.points))
    if report.has_errors:
        return None
    times = _seconds(course.points)
    # The language's limits (nmdsl.limits), reported where the file passes them.
    too_long = next((i for i, t in enumerate(times) if t > MAX_DURATION_S * 1000), None)
    if too_long is not None:  # pragma: no cover - _parse stops at the row past 24 hours
        report.add(
            "E305", "the workout lasts more than 24 hours", Span.point(course.points[too_long].line, 1)
        )
        return None
    # A step is (first point, last point).  Two points at one time are a
    # boundary, as nmdsl writes them; segments sharing a point merge while
    # they lie on one straight line, so 0 50 / 5 50 / 10 50 is one step.
    bounds: list[tuple[int, int]] = []
    for i in range(len(times) - 1):
        if times[i + 1] == times[i]:
            continue
        if bounds and bounds[-1][1] == i and _collinear(times, values, bounds[-1][0], i, i + 1):
            bounds[-1] = (bounds[-1][0], i + 1)
        elif len(bounds) > MAX_EXPANDED_STEPS:
            break  # too many already (E305 below)
        else:
            bounds.append((i, i + 1))
    if len(bounds) > MAX_EXPANDED_STEPS:
        at = course.points[bounds[MAX_EXPANDED_STEPS][0]].line
        report.add("E305", f"the workout has more than {MAX_EXPANDED_STEPS:,} steps", Span.point(at, 1))
        return None
    return [
        _step(times[a], times[b], values[a], values[b], unit, course.points[a].line, report)
        for a, b in bounds
    ]


def _step(t0: int, t1: int, v0: float, v1: float, unit: Unit, line: int, report: Report) -> Step:
    """The step from ``t0`` to ``t1`` (ms)."""
    seconds = seconds_of_ms(t1 - t0)
    if v0 != v1:
        return Step(duration_s=seconds, target=RampTarget(start=v0, end=v1, unit=unit))
    if v0 == 0:
        # nmdsl has no steady 0 (@0W is an error): no power is ERG off.
        report.add("W524", "a steady 0 is read as 'free' (no target)", Span.point(line, 1))
        return Step(duration_s=seconds, target=FreeTarget())
    if unit == "percent":
        return Step(duration_s=seconds, target=PercentTarget(low_pct=v0, high_pct=v0))
    return Step(duration_s=seconds, target=WattsTarget(low_w=v0, high_w=v0))


def _attach_cues(steps: list[Step], cues: list[tuple[int, float, str]], report: Report) -> list[Step]:
    """Each cue on the step it falls in, at its offset within that step."""
    starts: list[int] = []  # ms
    total = 0
    for step in steps:
        starts.append(total)
        total += ms_of(step.duration_s or 0)
    extra: dict[int, list[Cue]] = {}
    for line, at, text in cues:
        at_ms = ms_of(at)
        if at_ms >= total:
            report.add(
                "W523",
                f"the cue at {at:g} s comes after the workout's end ({seconds_of_ms(total)} s): dropped",
                Span.point(line, 1),
            )
            continue
        i = bisect.bisect_right(starts, at_ms) - 1
        extra.setdefault(i, []).append(Cue(text=text, offset_s=seconds_of_ms(at_ms - starts[i])))
    out = list(steps)
    for i, added in extra.items():
        # sorted() is stable: cues at one offset keep the file's order.
        out[i] = steps[i].model_copy(update={"cues": tuple(sorted(added, key=lambda c: c.offset_s))})
    return out


def _join(items: list[Item]) -> list[Item]:
    """Join neighbouring steady steps of one value, inside and outside repeats.

    A boundary between two equal steady steps is nothing the rider feels, and
    files have them by accident (Golden Cheetah's WarmUp.erg repeats a point:
    ``2x 2m30s @60%`` is ``5m @60%``).  This runs after :func:`compress`, so
    the boundaries that make a repeat (``3x 10s @110% / 50s @55%`` then
    ``4m @55%``) stay where nmdsl wrote them.
    """
    out: list[Item] = []
    for item in items:
        if isinstance(item, Repeat):
            body = _join(list(item.steps))
            only = body[0]
            if len(body) == 1 and isinstance(only, Step) and not only.cues and _steady(only):
                item = only.model_copy(update={"duration_s": (only.duration_s or 0) * item.count})
            else:
                item = item.model_copy(update={"steps": tuple(body)})
        before = out[-1] if out else None
        if (
            isinstance(before, Step)
            and isinstance(item, Step)
            and _steady(item)
            and item.target == before.target
        ):
            shift = before.duration_s or 0
            moved = tuple(c.model_copy(update={"offset_s": c.offset_s + shift}) for c in item.cues)
            out[-1] = before.model_copy(
                update={"duration_s": shift + (item.duration_s or 0), "cues": before.cues + moved}
            )
        else:
            out.append(item)
    return out


def _steady(step: Step) -> bool:
    return isinstance(step.target, (PercentTarget, WattsTarget, FreeTarget))


def _effort(step: Step) -> float:
    t = step.target
    if isinstance(t, PercentTarget):
        return t.low_pct
    if isinstance(t, WattsTarget):
        return t.low_w
    if isinstance(t, RampTarget):
        return (t.start + t.end) / 2
    return -1.0  # free: the easiest


def _label(items: list[Item]) -> list[Item]:
    """Intensities the file implies: warmup, cooldown, recoveries in repeats.

    ERG has no intensities; these make the imported text idiomatic
    (``6x 30s @150% / 30s @50%``) without changing what is ridden.
    """
    out = [_label_repeat(i) if isinstance(i, Repeat) else i for i in items]
    if len(out) < 2:
        return out  # a lone ramp is the workout (a ramp test), not its warmup
    first, last = out[0], out[-1]
    if (
        isinstance(first, Step)
        and isinstance(first.target, RampTarget)
        and first.target.end > first.target.start
    ):
        out[0] = first.model_copy(update={"intensity": "warmup"})
    if isinstance(last, Step) and isinstance(last.target, RampTarget) and last.target.end < last.target.start:
        out[-1] = last.model_copy(update={"intensity": "cooldown"})
    return out


def _label_repeat(repeat: Repeat) -> Repeat:
    inner = [_label_repeat(i) if isinstance(i, Repeat) else i for i in repeat.steps]
    plain = [s for s in inner if isinstance(s, Step)]
    if len(plain) == len(inner) >= 2 and all(_effort(s) < _effort(plain[0]) for s in plain[1:]):
        inner = [plain[0], *(s.model_copy(update={"intensity": "recovery"}) for s in plain[1:])]
    return repeat.model_copy(update={"steps": tuple(inner)})


def _metadata(course: _Course, ftp: float | None, options: ReadOptions) -> Metadata:
    """``FILE NAME`` (without its suffix) is the name, ``DESCRIPTION`` the description.

    nmdsl writes them so; Golden Cheetah's own files do the same
    (``FILE NAME = 260WFTPRider_WarmUp.erg``).  Without a file name, the name
    is the imported file's.
    """
    file_name = course.settings.get("FILE NAME", ("", 0))[0]
    file_name = re.sub(r"\.(erg|mrc)$", "", file_name, flags=re.IGNORECASE).strip(_BLANKS)
    description = course.settings.get("DESCRIPTION", ("", 0))[0] or None
    stem = PurePath(options.filename).stem if options.filename != "<input>" else ""
    name = file_name or stem or description
    return Metadata(
        name=name or None,
        description=description if description != name else None,
        ftp_w=ftp,
    )
