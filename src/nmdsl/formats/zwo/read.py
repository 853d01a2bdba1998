"""Reading Zwift workout files (.zwo) into the model.

Accepts what is found in the wild (docs/format-zwo.md has the list):
``SteadyState``, ``Warmup``, ``Cooldown``, ``Ramp``, ``IntervalsT``,
``FreeRide``/``Freeride``, ``MaxEffort``, ``textevent``/``TextEvent``, both
tag forms, ``Power`` or ``PowerLow``/``PowerHigh``, cadence attributes.
Element and attribute names are matched without regard to case, as QZ does.

The XML parser is told never to load a DTD, resolve an entity or touch the
network, and a document type declaration is refused before parsing: a ZWO
file never needs one, and refusing it is what defuses external-entity and
"billion laughs" files.  Oversized or deeply nested files are refused too.

An ``IntervalsT`` becomes a :class:`Repeat`; runs of identical segments
spelled out one by one are folded by :func:`nmdsl.model.compress.compress`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from nmdsl.diagnostics import Code, Report, Severity, Span, register
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.zwo.paces import PACE_ZONE_M, PACE_ZONE_NAMES, RIEGEL, THRESHOLD_ZONE
from nmdsl.language.checks import run_checks
from nmdsl.language.writer import number
from nmdsl.limits import (
    CADENCE_LIMITS_RPM,
    MAX_EXPANDED_CUES,
    MAX_EXPANDED_STEPS,
    MAX_FILE_BYTES,
    MAX_PERCENT,
)
from nmdsl.model import (
    METRES_PER_MILE,
    CadenceTarget,
    Cue,
    FreeTarget,
    Intensity,
    IntensityTarget,
    Item,
    MaxTarget,
    Metadata,
    Pace,
    PercentTarget,
    RampTarget,
    Repeat,
    Sport,
    Step,
    Workout,
    ms_of,
    seconds_of_ms,
    step_seconds,
)
from nmdsl.model.compress import compress

E, W = Severity.ERROR, Severity.WARNING

register(
    Code("E501", E, "malformed XML"),
    Code("E502", E, "document type or entity declaration refused"),
    Code("E503", E, "file too large or nested too deeply"),
    Code("E504", E, "not a Zwift workout nmdsl can read"),
    Code("E505", E, "missing, negative or invalid duration"),
    Code("E506", E, "missing or invalid value"),
    Code("E507", E, "workout without segments"),
    Code("W501", W, "element not read"),
    Code("W502", W, "file not UTF-8, read as Windows-1252"),
    Code("W503", W, "run pace zone converted to threshold speed"),
    Code("W504", W, "value rounded"),
    Code("W505", W, "zero-length segment skipped"),
    Code("W506", W, "cue moved or dropped"),
    Code("W507", W, "value nmdsl cannot say replaced"),
    Code("W508", W, "Cooldown that rises"),
)

#: Larger files are refused (the same limit as nmdsl's own files).
MAX_BYTES = MAX_FILE_BYTES
#: A ZWO file is four levels deep (workout_file/workout/SteadyState/textevent).
MAX_DEPTH = 16
#: Elements in all: a segment for each step and a textevent for each cue the
#: language allows, and as many again of the rest; real files have a few hundred.
MAX_ELEMENTS = 2 * (MAX_EXPANDED_STEPS + MAX_EXPANDED_CUES)
#: Attributes of one element (IntervalsT has the most, about a dozen); lxml
#: lists an element's attributes in time that grows with their number squared.
MAX_ATTRIBUTES = 64
#: The parser is fed this many bytes at a time, and the limits checked between.
_FEED_BYTES = 64 * 1024

#: Header elements of Zwift's own files (h4l/zwift-workout-file-reference)
#: and of zwo-editor and QZ that carry nothing nmdsl keeps: skipped quietly.
QUIET_HEADER = frozenset(
    s.lower()
    for s in [
        "activitySaveName",
        "author_alias",
        "authorIcon",
        "category",
        "categoryIndex",
        "categoryOverride",
        "entid",
        "legacyIdHash",
        "overrideHash",
        "painIndex",
        "ShowCP20",
        "Skippable",
        "subcategory",
        "test_details",
        "uniqueId",
        "visibleAfterTime",
        "visibleOutsidePlan",
        "workoutLength",
        "WorkoutPlan",
    ]
)


_LINE_COLUMN = re.compile(r", line \d+, column \d+$")
#: A ZWO file never needs a document type; refusing it (and entity
#: declarations) defuses external entities and entity expansion bombs.
_UNSAFE = re.compile(r"<!(DOCTYPE|ENTITY)")
#: Longest tag read: a textevent with the longest cue, every character of it
#: escaped, fits.  libxml2 reads a whole tag before any limit can be checked
#: (with a million attributes in it, hundreds of megabytes).
MAX_TAG_CHARS = 20_000
_LONG_TAG = re.compile(rf"<[^<>]{{{MAX_TAG_CHARS}}}")


class ZwoImporter:
    name = "zwo"
    suffixes = (".zwo",)

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        return _Reader(report, options).read(data)


@dataclass
class _TextEvent:
    line: int
    #: From the start of its segment (of its block, in an IntervalsT) ...
    position: float
    #: ... in seconds (timeoffset) or metres (distoffset).
    unit: Literal["s", "m"]
    text: str
    #: For an event past the end of its element ("segment", "IntervalsT
    #: block"), carried on: ``position`` then counts from the workout's start.
    #: The element and the event's own timeoffset.
    carried: tuple[str, float] | None = None


@dataclass
class _Header:
    sport: Sport = "bike"
    by_distance: bool = False
    text: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    threshold_pace: Pace | None = None


def _local(el: etree._Element) -> str:
    return str(etree.QName(el).localname).lower()


def _elements(el: etree._Element) -> list[etree._Element]:
    """Child elements, without comments and processing instructions."""
    return [c for c in el if isinstance(c.tag, str)]


class _Reader:
    def __init__(self, report: Report, options: ReadOptions):
        self.report = report
        self.options = options
        self.header = _Header()
        self.zones_warned: set[int] = set()
        #: Durations finer than a millisecond: the first (span, what, text,
        #: ms) and how many, said once per file (W504, _say_rounded).
        self.finer: tuple[Span | None, str, str, int] | None = None
        self.finer_count = 0
        #: Where the element being read starts, in ms (None once unknown:
        #: a run by distance), and the text events past its end, carried
        #: on to their time from the workout's start (_place_loose).
        self.block_start: int | None = 0
        self.carried: list[_TextEvent] = []

    # -- bytes -> tree ----------------------------------------------------------

    def read(self, data: bytes) -> Workout | None:
        if len(data) > MAX_BYTES:
            self.report.add(
                "E503",
                f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}",
                None,
                "a workout file is a few kilobytes: is this really a ZWO file?",
            )
            return None
        text = self._decode(data)
        root = self._parse(text)
        if root is None:
            return None
        workout = self._workout(root)
        return None if workout is None or self.report.has_errors else workout

    def _decode(self, data: bytes) -> str:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16", errors="replace")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            declared = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", data)
            if declared is not None:
                name = declared.group(1).decode("ascii").lower()
                if name.replace("-", "").replace("_", "") not in ("utf8",):
                    try:
                        return data.decode(name)
                    except (LookupError, UnicodeDecodeError):
                        pass
            line = data.count(b"\n", 0, exc.start) + 1
            # Files that are not UTF-8 are, in practice, Windows-1252 (written
            # by Windows editors); its five undefined bytes become U+FFFD.
            self.report.add(
                "W502",
                f"the file is not UTF-8 (byte 0x{data[exc.start]:02X} on line {line}); "
                "it was read as Windows-1252",
                Span.point(line, 1),
                "save it as UTF-8 to be sure of accented letters",
            )
            return data.decode("cp1252", errors="replace")

    def _parse(self, text: str) -> etree._Element | None:
        unsafe = _UNSAFE.search(text)
        if unsafe is not None:
            line = text.count("\n", 0, unsafe.start()) + 1
            column = unsafe.start() - (text.rfind("\n", 0, unsafe.start()) + 1) + 1
            self.report.add(
                "E502",
                f"the file declares a {unsafe.group(1)}; ZWO files never need one, and nmdsl "
                "does not read them (they can pull in other files or expand without bound)",
                Span.point(line, column, len(unsafe.group(0))),
                "remove the <!DOCTYPE ...> declaration",
            )
            return None
        long_tag = _LONG_TAG.search(text)
        if long_tag is not None:
            self.report.add(
                "E503",
                f"a tag is longer than {MAX_TAG_CHARS:,} characters",
                Span.point(text.count("\n", 0, long_tag.start()) + 1, 1),
                "a ZWO element has a few short attributes: Duration, Power, Cadence and the like",
            )
            return None
        parser = etree.XMLPullParser(
            events=("start", "end"),
            encoding="utf-8",  # we decoded the bytes ourselves
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        # Fed a piece at a time, with each element counted as it opens: a
        # file past a limit is refused there, before the rest of it is
        # parsed into a tree (which costs far more memory than the file).
        data = text.encode("utf-8")
        depth = elements = segments = 0
        workout: etree._Element | None = None
        try:
            for at in range(0, len(data), _FEED_BYTES):
                parser.feed(data[at : at + _FEED_BYTES])
                for event, el in parser.read_events():
                    if event == "end":
                        depth -= 1
                        continue
                    depth += 1
                    elements += 1
                    if depth == 2 and workout is None and _local(el) == "workout":
                        workout = el
                    elif depth == 3 and workout is not None and el.getparent() is workout:
                        segments += 1
                    problem = self._too_much(el, depth, elements, segments)
                    if problem is not None:
                        self.report.add(*problem)
                        return None
            root: etree._Element = parser.close()
        except etree.XMLSyntaxError as exc:
            message = _LINE_COLUMN.sub("", str(exc.msg or exc))
            line, column = exc.position if exc.position else (exc.lineno or 1, 1)
            if "Excessive depth" in message:  # libxml2's own limit, met inside one piece fed
                self.report.add(
                    "E503",
                    f"the XML is nested too deeply (libxml2: {message})",
                    Span.point(max(line, 1), max(column, 1)),
                    f"a ZWO file is 4 levels deep; nmdsl refuses more than {MAX_DEPTH}",
                )
            else:
                self.report.add(
                    "E501",
                    f"the file is not well-formed XML: {message}",
                    Span.point(max(line, 1), max(column, 1)),
                    "check the tags around this line (every <X> needs </X>, or write <X/>)",
                )
            return None
        return root

    def _too_much(
        self, el: etree._Element, depth: int, elements: int, segments: int
    ) -> tuple[str, str, Span, str] | None:
        """What is wrong with the file at the element ``el`` just opened, if it passes a limit."""
        where = Span.point(el.sourceline or 1, 1)
        if depth > MAX_DEPTH:
            return (
                "E503",
                f"the XML is nested more than {MAX_DEPTH} levels deep",
                where,
                "a ZWO file is 4 levels deep: workout_file, workout, a segment, its textevents",
            )
        if segments > MAX_EXPANDED_STEPS:
            # The language's own size limit; refused before 10,000 models are built for nothing.
            return (
                "E305",
                f"the workout has more than {MAX_EXPANDED_STEPS:,} segments",
                where,
                "nmdsl refuses larger sessions",
            )
        if elements > MAX_ELEMENTS:
            return (
                "E503",
                f"the file has more than {MAX_ELEMENTS:,} elements",
                where,
                "a workout has a few hundred: a segment for each step and a textevent for each cue",
            )
        if len(el.attrib) > MAX_ATTRIBUTES:
            return (
                "E503",
                (
                    f"<{_local(el)}> has {len(el.attrib):,} attributes; "
                    f"nmdsl reads elements of at most {MAX_ATTRIBUTES}"
                ),
                where,
                "a ZWO element has a few: Duration, Power, Cadence and the like",
            )
        return None

    # -- tree -> model -------------------------------------------------------------

    def _workout(self, root: etree._Element) -> Workout | None:
        if _local(root) != "workout_file":
            self.report.add(
                "E504",
                f"the root element is <{etree.QName(root).localname}>; a ZWO file's is <workout_file>",
                self._span(root),
                "is this a Zwift workout file?",
            )
            return None
        segments: etree._Element | None = None
        for child in _elements(root):
            tag = _local(child)
            if tag == "workout":
                if segments is None:
                    segments = child
                else:
                    self._skip(child, "a second <workout>")
            else:
                self._header_element(child, tag)
        if self.report.has_errors:
            return None
        if segments is None:
            self.report.add(
                "E504",
                "the file has no <workout> element",
                self._span(root),
                "a ZWO file lists its segments in <workout>",
            )
            return None
        items = self._segments(segments)
        self._say_rounded()
        if self.report.has_errors:
            return None
        if not items:
            self.report.add(
                "E507", "the workout has no segments", self._span(segments), "there is nothing to import"
            )
            return None
        meta = self._metadata()
        # The language's whole-session checks (size, 24 hours, distance
        # steps without a time) first, on the flat list: a 5 MB file of
        # tiny segments is refused before folding spends time on it.
        run_checks(Workout(meta=meta, steps=tuple(items)), self.report)
        if self.report.has_errors:
            return None
        folded = _mark_recoveries(compress(items))
        return Workout(meta=meta, steps=tuple(folded))

    def _metadata(self) -> Metadata:
        h = self.header
        name = h.text.get("name")
        if not name and not self.options.filename.startswith("<"):
            name = PurePath(self.options.filename).stem
        return Metadata(
            name=name,
            author=h.text.get("author"),
            description=h.text.get("description"),
            sport=h.sport,
            tags=h.tags,
            threshold_pace=h.threshold_pace,
        )

    def _header_element(self, el: etree._Element, tag: str) -> None:
        text = " ".join((el.text or "").split())
        if tag in ("name", "author", "description"):
            # A value of nothing but quotes (`""`) cannot be written as an
            # nmdsl header value (it reads back empty): it is dropped.
            if text.strip('" '):
                self.header.text[tag] = text
        elif tag == "sporttype":
            sport = text.lower()
            if "run" in sport:
                self.header.sport = "run"
            elif sport in ("", "bike", "cycling", "ride", "biking"):
                self.header.sport = "bike"
            else:
                self.report.add(
                    "E504",
                    f"this is a {text!r} workout; nmdsl writes bike and run sessions",
                    self._span(el),
                    None,
                )
        elif tag == "durationtype":
            # Only runs go by distance (QZ: durationAsDistance).
            self.header.by_distance = text.lower() == "distance"
        elif tag == "tags":
            tags: list[str] = []
            for t in _elements(el):
                if _local(t) != "tag":
                    self._skip(t)
                    continue
                # Zwift writes <tag name="X"/>; Golden Cheetah <tag>X</tag>.
                # nmdsl's tags are comma-separated: a comma inside one is a space.
                value = " ".join((t.get("name") or t.text or "").replace(",", " ").split())
                if value.strip('" ') and value not in tags:
                    tags.append(value)
            self.header.tags = tuple(tags)
        elif tag == "thresholdsecperkm":
            self.header.threshold_pace = self._threshold(el, text)
        elif tag not in QUIET_HEADER:
            self._skip(el)

    def _threshold(self, el: etree._Element, text: str) -> Pace | None:
        try:
            s_per_km = float(text)
        except ValueError:
            s_per_km = math.nan
        if not (math.isfinite(s_per_km) and s_per_km > 0):
            self.report.add(
                "E506", f"thresholdSecPerKm {text!r} is not a number of seconds", self._span(el), None
            )
            return None
        # The compiler writes a mile pace as its (inexact) seconds per km.
        per_mile = s_per_km * METRES_PER_MILE / 1000.0
        if abs(s_per_km - round(s_per_km)) < 0.01:
            return Pace(seconds=round(s_per_km), per="km")
        if abs(per_mile - round(per_mile)) < 0.01:
            return Pace(seconds=round(per_mile), per="mi")
        self.report.add(
            "W504",
            f"threshold pace {s_per_km:g} s/km is rounded to {round(s_per_km)} s/km",
            self._span(el),
            "nmdsl paces are whole seconds",
        )
        return Pace(seconds=max(round(s_per_km), 1), per="km")

    # -- segments ---------------------------------------------------------------------

    def _segments(self, workout: etree._Element) -> list[Item]:
        if self.header.sport != "run":
            self.header.by_distance = False
        items: list[Item] = []
        loose: list[_TextEvent] = []
        if (workout.text or "").strip():
            self._stray(workout, workout.text or "")
        meta = Metadata(sport=self.header.sport, threshold_pace=self.header.threshold_pace)
        for el in _elements(workout):  # at most MAX_EXPANDED_STEPS (_too_much)
            tag = _local(el)
            read = len(items)
            if tag in ("steadystate", "warmup", "cooldown", "ramp", "freeride", "free ride", "maxeffort"):
                step = self._step(el, tag)
                if step is not None:
                    items.append(step)
            elif tag == "intervalst":
                items.extend(self._intervals(el))
            elif tag in ("textevent", "textnotification"):
                event = self._text_event(el, "s")
                if event is not None:
                    loose.append(event)
            elif tag != "gameplayevent":  # camera moves and the like: nothing to keep
                self._skip(el)
            for item in items[read:]:
                seconds = _item_seconds(item, meta)
                if self.block_start is not None:
                    self.block_start = None if seconds is None else self.block_start + ms_of(seconds)
            if (el.tail or "").strip():
                self._stray(workout, el.tail or "", el)
        return self._place_loose(items, loose + self.carried)

    def _step(self, el: etree._Element, tag: str) -> Step | None:
        amount = self._amount(el, "Duration")
        if amount is None:
            return None
        intensity: Intensity = "warmup" if tag == "warmup" else "cooldown" if tag == "cooldown" else "active"
        target: IntensityTarget | None
        if tag in ("freeride", "free ride"):
            target = FreeTarget()
        elif tag == "maxeffort":
            target = MaxTarget()
        elif tag == "steadystate":
            target = self._steady(el, "Power", "PowerLow", "PowerHigh")
        else:
            target = self._ramp(el)
        if target is None:
            return None
        cadence = None if tag == "maxeffort" else self._cadence(el, "Cadence", "CadenceLow", "CadenceHigh")
        step = self._make(el, amount, intensity, target, cadence)
        cues = tuple(c for e in self._events(el, "s") if (c := self._cue_in(e, step.duration_s)) is not None)
        return step.model_copy(update={"cues": cues})

    def _make(
        self,
        el: etree._Element,
        amount: float,
        intensity: Intensity,
        target: IntensityTarget,
        cadence: CadenceTarget | None,
    ) -> Step:
        if self.header.by_distance:
            return Step(
                intensity=intensity, distance_m=amount, target=target, cadence=cadence, span=self._span(el)
            )
        return Step(
            intensity=intensity, duration_s=amount, target=target, cadence=cadence, span=self._span(el)
        )

    def _intervals(self, el: etree._Element) -> list[Item]:
        """An IntervalsT: a Repeat of its on and off parts, with their cues."""
        count = self._count(el)
        on_amount = self._amount(el, "OnDuration", skip_zero=False)
        off_amount = self._amount(el, "OffDuration", skip_zero=False)
        on_target = self._steady(el, "OnPower", "PowerOnLow", "PowerOnHigh")
        off_target = self._steady(el, "OffPower", "PowerOffLow", "PowerOffHigh")
        if (
            count is None
            or on_amount is None
            or off_amount is None
            or on_target is None
            or off_target is None
        ):
            return []
        on_cadence = self._cadence(el, "Cadence", "CadenceLow", "CadenceHigh")
        off_cadence = self._cadence(el, "CadenceResting", None, None)
        on = self._make(el, on_amount, "active", on_target, on_cadence)
        off = self._make(el, off_amount, "recovery", off_target, off_cadence)
        parts = [(on, on_amount), (off, off_amount)]
        for i, (_, amount) in enumerate(parts):
            if amount == 0:
                self.report.add(
                    "W505",
                    f"this IntervalsT has a zero {'On' if i == 0 else 'Off'}Duration; that part is skipped",
                    self._span(el),
                    None,
                )
        parts = [(s, a) for s, a in parts if a > 0]
        if not parts:
            return []
        # Cue positions count from the start of the whole block, in the
        # block's own unit.
        period = sum(a for _, a in parts)
        unit: Literal["s", "m"] = "m" if self.header.by_distance else "s"
        per_rep: dict[int, list[list[Cue]]] = {}
        for e in self._events(el, unit):
            position = e.position
            if e.unit != unit:
                self._moved(
                    e, "is placed in another unit than its IntervalsT; it is put at the block's start"
                )
                position = 0.0
            elif position >= period * count and unit == "s" and self._carry(e, "IntervalsT block"):
                continue
            elif not 0 <= position < period * count:
                self._moved(e, f"at {position:g} is outside its IntervalsT block; it is put at its last part")
                position = min(max(position, 0.0), period * count - 1)
            k, rest = divmod(position, period)
            part = 0 if rest < parts[0][1] else 1
            offset = rest - (parts[0][1] if part == 1 else 0)
            if unit == "m":
                if offset:
                    self._moved(
                        e,
                        "is placed by distance; nmdsl places cues by time, so it is shown at the start of "
                        "its step",
                    )
                cue = Cue(text=e.text, offset_s=0)
            else:
                # Rounding may reach the part's end: nmdsl wants it inside.
                last = ms_of(parts[part][1]) - 1
                cue = Cue(text=e.text, offset_s=seconds_of_ms(min(ms_of(offset), last)))
            per_rep.setdefault(int(k), [[] for _ in parts])[part].append(cue)
        if not per_rep:
            uniform = True
        elif len(per_rep) == count:
            uniform = all(per_rep[k] == per_rep[0] for k in range(count))
        else:
            uniform = False
        if uniform or count * len(parts) > MAX_EXPANDED_STEPS:
            cues = per_rep.get(0, [[] for _ in parts]) if uniform else [[] for _ in parts]
            body = [s.model_copy(update={"cues": tuple(c)}) for (s, _), c in zip(parts, cues, strict=True)]
            if count == 1:
                return list(body)
            return [Repeat(count=count, steps=tuple(body), span=self._span(el))]
        # Cues differ between repetitions: unroll, and let compress fold what repeats.
        out: list[Item] = []
        for k in range(count):
            cues = per_rep.get(k, [[] for _ in parts])
            out.extend(s.model_copy(update={"cues": tuple(c)}) for (s, _), c in zip(parts, cues, strict=True))
        return out

    # -- values -------------------------------------------------------------------------

    def _attr(self, el: etree._Element, name: str) -> str | None:
        """The attribute ``name``, whatever its case in the file (TimeOffset, timeoffset)."""
        wanted = name.lower()
        for key, value in el.attrib.items():
            if str(key).lower() == wanted:
                return str(value)
        return None

    def _number(self, el: etree._Element, name: str, code: str = "E506") -> float | None:
        """The attribute as a finite number; None when absent (``code`` when not a number)."""
        text = self._attr(el, name)
        if text is None:
            return None
        try:
            value = float(text.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.report.add(
                code,
                f"<{etree.QName(el).localname}> {name}={text!r} is not a number",
                self._span(el),
                None,
            )
            raise _Bad
        return value

    def _amount(self, el: etree._Element, name: str, skip_zero: bool = True) -> float | None:
        """A duration in whole seconds (or metres for a run by distance); None to skip."""
        what = f"<{etree.QName(el).localname}>"
        try:
            value = self._number(el, name, "E505")
        except _Bad:
            return None
        if value is None:
            self.report.add(
                "E505",
                f"{what} has no {name}",
                self._span(el),
                "every segment needs a Duration in seconds",
            )
            return None
        if value < 0:
            self.report.add("E505", f"{what} has a negative duration, {value:g}", self._span(el), None)
            return None
        if value == 0:
            if skip_zero:
                self.report.add("W505", f"{what} lasts 0 s; it is skipped", self._span(el), None)
                return None
            return 0.0
        if self.header.by_distance:
            return value
        # nmdsl keeps durations to the millisecond: 16.8 stays 16.8 s; only
        # a finer value is rounded (and said so).
        ms = max(ms_of(value), 1)
        if abs(ms - value * 1000) > 1e-6:  # (32.767 * 1000 is 32766.999999999996)
            # Said once per file: exporters that write single-precision floats
            # put such a value on nearly every element (480.00003, 30.000002).
            self.finer_count += 1
            if self.finer is None:
                self.finer = (self._span(el), what, (self._attr(el, name) or "").strip(), ms)
        return seconds_of_ms(ms)

    def _say_rounded(self) -> None:
        """W504 once for every duration finer than a millisecond."""
        if self.finer is None:
            return
        span, what, text, ms = self.finer
        others = self.finer_count - 1
        more = f"; {others} more duration{'s' if others != 1 else ''} too" if others else ""
        self.report.add(
            "W504",
            f"{what} Duration={text!r} is rounded to the millisecond, {seconds_of_ms(ms)} s{more}",
            span,
            "nmdsl counts milliseconds: a boundary moves by at most half a millisecond",
        )

    def _count(self, el: etree._Element) -> int | None:
        try:
            value = self._number(el, "Repeat")
        except _Bad:
            return None
        if value is None or value == 0:
            # Golden Cheetah and QZ read a missing or zero Repeat as 1.
            return 1
        if value < 0 or value != int(value):
            self.report.add(
                "E506", f"IntervalsT Repeat={value:g} is not a number of repetitions", self._span(el), None
            )
            return None
        return int(value)

    def _pct(self, el: etree._Element, fraction: float) -> float:
        """A ZWO fraction as nmdsl's percent (of FTP, or of threshold speed)."""
        if fraction < 0 or fraction * 100 > MAX_PERCENT:
            self.report.add(
                "E506",
                f"power {fraction:g} ({fraction * 100:g}%) is outside 0-{MAX_PERCENT:g}%",
                self._span(el),
                None,
            )
            raise _Bad
        # Two decimals: what nmdsl's text keeps, and past readers' precision.
        return round(fraction * 100.0 * self._zone_factor(el), 2)

    def _zone_factor(self, el: etree._Element) -> float:
        """Run power is a fraction of a pace zone's speed; nmdsl's is of threshold speed."""
        if self.header.sport != "run":
            return 1.0
        text = self._attr(el, "pace")
        if text is None:
            return 1.0
        try:
            zone = int(float(text))
        except ValueError:
            zone = -1
        if zone == THRESHOLD_ZONE:
            return 1.0
        if zone not in range(len(PACE_ZONE_M)):
            if zone not in self.zones_warned:
                self.zones_warned.add(zone)
                self.report.add(
                    "W503",
                    f"pace={text!r} is not a known pace zone; it is read as 10 km pace (threshold)",
                    self._span(el),
                    "zones are 0 (1 mile) to 4 (marathon)",
                )
            return 1.0
        factor: float = (PACE_ZONE_M[zone] / PACE_ZONE_M[THRESHOLD_ZONE]) ** (1.0 - RIEGEL)
        if zone not in self.zones_warned:
            self.zones_warned.add(zone)
            self.report.add(
                "W503",
                f"targets at {PACE_ZONE_NAMES[zone]} pace (pace={zone}) are converted to % of threshold "
                f"speed with Riegel's formula: x{factor:.3f}",
                self._span(el),
                "nmdsl takes threshold pace as 10 km race pace; check the converted targets",
            )
        return factor

    def _steady(self, el: etree._Element, one: str, low: str, high: str) -> IntensityTarget | None:
        """``Power``, or ``PowerLow``/``PowerHigh`` (either alone meaning both)."""
        try:
            p = self._number(el, one)
            lo = self._number(el, low)
            hi = self._number(el, high)
            if p is not None:
                # Golden Cheetah: Power wins over PowerLow/PowerHigh.
                lo_pct = hi_pct = self._pct(el, p)
            elif lo is not None or hi is not None:
                lo_pct = self._pct(el, lo if lo is not None else hi)  # type: ignore[arg-type]
                hi_pct = self._pct(el, hi if hi is not None else lo)  # type: ignore[arg-type]
            else:
                self.report.add(
                    "E506",
                    f"<{etree.QName(el).localname}> has no power ({one}, or {low} and {high})",
                    self._span(el),
                    f'give it a power as a fraction of FTP, e.g. {one}="0.75"',
                )
                return None
        except _Bad:
            return None
        return self._flat(el, lo_pct, hi_pct)

    def _flat(self, el: etree._Element, lo_pct: float, hi_pct: float) -> IntensityTarget:
        if hi_pct == 0 and lo_pct == 0:
            self.report.add(
                "W507",
                "a power of 0 is written as 'free' (no target): nmdsl has no 0% target",
                self._span(el),
                None,
            )
            return FreeTarget()
        if lo_pct > hi_pct:
            self.report.add(
                "W507",
                f"the range {number(lo_pct)}-{number(hi_pct)}% is reversed; nmdsl writes it "
                f"{number(hi_pct)}-{number(lo_pct)}%",
                self._span(el),
                None,
            )
            lo_pct, hi_pct = hi_pct, lo_pct
        if lo_pct == 0:
            lo_pct = min(hi_pct, 1.0)
            self.report.add(
                "W507",
                f"a range from 0% is read as {number(lo_pct)}-{number(hi_pct)}%: nmdsl has no 0% target",
                self._span(el),
                None,
            )
        return PercentTarget(low_pct=lo_pct, high_pct=hi_pct, of=self._of())

    def _of(self) -> Literal["ftp", "threshold_speed"]:
        return "threshold_speed" if self.header.sport == "run" else "ftp"

    def _ramp(self, el: etree._Element) -> IntensityTarget | None:
        try:
            lo = self._number(el, "PowerLow")
            hi = self._number(el, "PowerHigh")
            if lo is None or hi is None:
                return self._steady(el, "Power", "PowerLow", "PowerHigh")
            # PowerLow is where the ramp starts, PowerHigh where it ends, even
            # when that is lower (Zwift's own cooldowns: PowerLow="0.7" PowerHigh="0.3").
            start, end = self._pct(el, lo), self._pct(el, hi)
        except _Bad:
            return None
        if start == end:
            return self._flat(el, start, end)
        if start < end and _local(el) == "cooldown":
            self.report.add(
                "W508",
                f"this Cooldown rises, from {start:g}% to {end:g}%: Zwift rides it rising, "
                "Golden Cheetah from the higher to the lower; it is imported rising",
                self._span(el),
                "if the session means to ease off, swap PowerLow and PowerHigh in the source",
            )
        return RampTarget(start=start, end=end, of=self._of())

    def _cadence(
        self, el: etree._Element, one: str, low: str | None, high: str | None
    ) -> CadenceTarget | None:
        try:
            lo = self._number(el, low) if low else None
            hi = self._number(el, high) if high else None
            single = self._number(el, one)
        except _Bad:
            return None
        if lo is not None or hi is not None:
            a, b = sorted(
                round(v)
                for v in (lo if lo is not None else hi, hi if hi is not None else lo)
                if v is not None
            )
        elif single is not None:
            a = b = round(single)
        else:
            return None
        if a == 0 and b == 0:
            return None  # zwo-editor writes no cadence as 0
        if self.header.sport == "run":
            self.report.add(
                "W507",
                f"cadence {a}-{b} on a run is dropped: nmdsl's cadence targets are for bike sessions",
                self._span(el),
                None,
            )
            return None
        if a < CADENCE_LIMITS_RPM[0] or b > CADENCE_LIMITS_RPM[1]:
            self.report.add(
                "W507",
                f"cadence {a}-{b} rpm is outside {CADENCE_LIMITS_RPM[0]}-{CADENCE_LIMITS_RPM[1]} rpm; it is "
                "dropped",
                self._span(el),
                None,
            )
            return None
        return CadenceTarget(low_rpm=a, high_rpm=b)

    # -- cues -----------------------------------------------------------------------------

    def _events(self, el: etree._Element, unit: Literal["s", "m"]) -> list[_TextEvent]:
        out: list[_TextEvent] = []
        if (el.text or "").strip():
            self._stray(el, el.text or "")
        for child in _elements(el):
            tag = _local(child)
            if tag in ("textevent", "textnotification"):
                event = self._text_event(child, unit)
                if event is not None:
                    out.append(event)
            elif tag != "gameplayevent":
                self._skip(child)
            if (child.tail or "").strip():
                self._stray(el, child.tail or "", child)
        return out

    def _text_event(self, el: etree._Element, unit: Literal["s", "m"]) -> _TextEvent | None:
        """A cue: ``message`` (``text`` in TextNotification) at ``timeoffset`` or ``distoffset``."""
        text = self._attr(el, "message") or self._attr(el, "text") or ""
        if not text.strip():
            return None
        try:
            time = self._number(el, "timeoffset")
            distance = self._number(el, "distoffset")
        except _Bad:
            return None
        line = el.sourceline or 1
        if unit == "m" and distance is not None:
            return _TextEvent(line, distance, "m", text)
        if time is not None:
            return _TextEvent(line, time, "s", text)
        if distance is not None:
            return _TextEvent(line, distance, "m", text)
        return _TextEvent(line, 0.0, "s", text)

    def _carry(self, e: _TextEvent, what: str) -> bool:
        """Carry a text event past the end of its element on to its time from the workout's
        start, where Golden Cheetah shows it (the element's start + timeoffset); False when
        that time is unknown."""
        if self.block_start is None:
            return False
        at_ms = self.block_start + ms_of(e.position)
        self.carried.append(_TextEvent(e.line, seconds_of_ms(at_ms), "s", e.text, carried=(what, e.position)))
        return True

    def _cue_in(self, e: _TextEvent, duration_s: float | None) -> Cue | None:
        """The cue of a one-segment step, inside the step (as nmdsl requires); None when carried on."""
        if e.unit == "m":
            if e.position:
                self._moved(
                    e,
                    "is placed by distance; nmdsl places cues by time, so it is shown at the start of its "
                    "step",
                )
            return Cue(text=e.text, offset_s=0)
        offset = ms_of(e.position)  # text offsets are kept to the millisecond too
        end = ms_of(duration_s) if duration_s is not None else None
        if end is not None and offset >= end and self._carry(e, "segment"):
            return None
        if offset < 0 or (end is not None and offset >= end):
            # Outside: at the step's last whole second (or its start).
            moved = max(min(offset, ((end or 1000) - 1) // 1000 * 1000), 0)
            self._moved(
                e,
                f"at {e.position:g} s is outside its {duration_s} s segment; it is put at "
                f"{seconds_of_ms(moved)} s",
            )
            offset = moved
        return Cue(text=e.text, offset_s=seconds_of_ms(offset))

    def _moved(self, e: _TextEvent, what: str) -> None:
        self.report.add("W506", f"the cue {e.text!r} {what}", Span.point(e.line, 1), None)

    def _place_loose(self, items: list[Item], loose: Sequence[_TextEvent]) -> list[Item]:
        """Text events directly in <workout>, and those carried past their element's end:
        their offset counts from the workout's start.

        One that falls inside a repeat unrolls it (compress folds again what
        still repeats), so the cue is on the one repetition it is meant for.
        """
        if not loose:
            return items
        out = list(items)
        meta = Metadata(sport=self.header.sport, threshold_pace=self.header.threshold_pace)
        starts = self._starts(out, meta)
        for e in loose:
            if e.unit == "s":
                at = ms_of(e.position)
                found = self._find(out, at, starts, meta)
                if found is None and e.carried is not None and starts and starts[-1] > 0:
                    at = (starts[-1] - 1) // 1000 * 1000  # the workout's last whole second
                    found = self._find(out, at, starts, meta)
                if found is not None:
                    i, start = found
                    step = out[i]
                    assert isinstance(step, Step)
                    cue = Cue(text=e.text, offset_s=seconds_of_ms(at - start))
                    if e.carried is not None:
                        self._said_carried(e, step, start, cue)
                    # In time order among the step's own cues (sorted is stable);
                    # at one time a carried cue first, as its element came before.
                    rank = 0 if e.carried is not None else 2
                    ordered = sorted((*step.cues, cue), key=lambda c: (c.offset_s, rank if c is cue else 1))
                    out[i] = step.model_copy(update={"cues": tuple(ordered)})
                    continue
            self._moved(e, f"at {e.position:g} {e.unit} does not fall in a single step; it is dropped")
        return out

    def _find(self, out: list[Item], at: int, starts: list[int], meta: Metadata) -> tuple[int, int] | None:
        """The step of ``out`` that ``at`` ms falls in, and its start; a repeat there is unrolled.

        ``starts``: each item's start in ms and, last, the end (empty when a
        length is unknown); kept up to date as repeats are unrolled.
        """
        i = bisect.bisect_right(starts, at) - 1
        if not starts or i < 0 or i >= len(out):
            return None
        item = out[i]
        if isinstance(item, Step):
            return i, starts[i]
        steps = _unrolled(item)
        out[i : i + 1] = steps
        t, inner = starts[i], []
        for step in steps:
            inner.append(t)
            t += ms_of(_item_seconds(step, meta) or 0)  # known: the repeat's length was
        starts[i : i + 1] = inner
        return self._find(out, at, starts, meta)

    def _starts(self, out: list[Item], meta: Metadata) -> list[int]:
        """Each item's start in ms and the workout's end; empty when a length is unknown."""
        starts, t = [], 0
        for item in out:
            seconds = _item_seconds(item, meta)
            if seconds is None:
                return []
            starts.append(t)
            t += ms_of(seconds)
        starts.append(t)
        return starts

    def _said_carried(self, e: _TextEvent, step: Step, start: int, cue: Cue) -> None:
        assert e.carried is not None
        what, offset = e.carried
        at = seconds_of_ms(start) + cue.offset_s
        if ms_of(e.position) >= start + ms_of(step.duration_s or 0):
            where = f"past the end of the workout; it is put at {_clock(at)}, the last second"
        else:
            where = (
                f"past the end of its {what}; it is kept at its time, {_clock(at)} from the start, in a "
                "later step"
            )
        self._moved(e, f"at {offset:g} s is {where}")

    # -- reporting helpers ----------------------------------------------------------------------

    def _span(self, el: etree._Element) -> Span:
        return Span.point(el.sourceline or 1, 1, len(etree.QName(el).localname) + 1)

    def _skip(self, el: etree._Element, what: str | None = None) -> None:
        name = etree.QName(el).localname
        self.report.add(
            "W501",
            f"{what or f'<{name}>'} is not something nmdsl reads; it is skipped",
            self._span(el),
            None,
        )

    def _stray(self, parent: etree._Element, text: str, after: etree._Element | None = None) -> None:
        where = after if after is not None else parent
        self.report.add(
            "W501",
            f"stray text {' '.join(text.split())[:40]!r} in <{etree.QName(parent).localname}> is skipped",
            self._span(where),
            "Zwift is reported to reject text between segments: remove it",
        )


class _Bad(Exception):
    """A value was reported as invalid; the element is skipped."""


def _unrolled(item: Item) -> list[Item]:
    """Every repetition of a repeat spelled out (its own repeats too)."""
    if isinstance(item, Step):
        return [item]
    return [s for _ in range(item.count) for inner in item.steps for s in _unrolled(inner)]


def _clock(seconds: float) -> str:
    """``1:05:20`` or ``5:20``, with the milliseconds when there are any."""
    whole, ms = divmod(ms_of(seconds), 1000)
    h, rest = divmod(whole, 3600)
    m, sec = divmod(rest, 60)
    text = f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
    return f"{text}.{ms:03d}".rstrip("0") if ms else text


def _item_seconds(item: Item, meta: Metadata) -> float | None:
    if isinstance(item, Step):
        return step_seconds(item, meta)[0]
    total = 0.0
    for s in item.steps:
        seconds = _item_seconds(s, meta)
        if seconds is None:
            return None
        total += seconds
    return total * item.count


def _effort(step: Step) -> float | None:
    """How hard a step is, to tell work from recovery; None when unknown."""
    t = step.target
    match t:
        case MaxTarget():
            return math.inf
        case FreeTarget():
            return 0.0
        case PercentTarget():
            return (t.low_pct + t.high_pct) / 2
        case RampTarget():
            return (t.start + t.end) / 2
        case _:
            return None


def _mark_recoveries(items: list[Item]) -> list[Item]:
    """In ``Nx a b``, the steps after an easier-than-``a`` step are recoveries.

    A flat file cannot say which step of a repeated pair is the recovery; a
    step easier than the one it follows is read as one, so the writer can
    say ``6x 10s max / 3m @50%`` instead of a block.
    """
    out: list[Item] = []
    for item in items:
        if isinstance(item, Repeat):
            body: list[Item] = _mark_recoveries(list(item.steps))
            steps = [s for s in body if isinstance(s, Step)]
            if len(steps) == len(body) >= 2 and all(s.intensity == "active" for s in steps):
                first = _effort(steps[0])
                rest = [_effort(s) for s in steps[1:]]
                if first is not None and all(r is not None and r < first for r in rest):
                    body = [steps[0], *(s.model_copy(update={"intensity": "recovery"}) for s in steps[1:])]
            item = item.model_copy(update={"steps": tuple(body)})
        out.append(item)
    return out
