"""``-f zwo``: Zwift workout files, also read by Golden Cheetah, QZ, zwo-editor.

ZWO has no official specification; the facts used here, and the readers they
come from, are collected in ``../shared/FORMATS.md`` and docs/format-zwo.md.
The mapping in one breath:

- a steady target is a ``SteadyState`` (``Power``, or ``PowerLow``/``PowerHigh``
  for a range or a zone); ``ramp`` is ``Warmup`` (first element, rising),
  ``Cooldown`` (last, falling) or ``Ramp``; ``max`` is ``MaxEffort``, ``free``
  is ``FreeRide``;
- a repeat of exactly one work step and one recovery step with steady
  one-value targets is an ``IntervalsT``; every other repeat is unrolled,
  and a band (a range or a zone) is a ``SteadyState`` inside a repeat as
  outside (Golden Cheetah rides an ``IntervalsT`` band as a ramp);
- power is a fraction of FTP, watts are divided by the header's ``ftp``;
- runs: ``Power`` is a fraction of *threshold speed* with ``pace="2"`` (the
  10 km pace zone, the race pace closest to a one-hour effort for most
  runners); absolute paces are divided by the header's ``threshold-pace``.

What ZWO cannot carry is reported through ``report`` as a warning naming the
step; what makes the file impossible to write (watts without an FTP) is an
error.  The output is a pure function of the workout: same session, same
bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import assert_never

from nmdsl.diagnostics import Code, Report, Severity, Span, register
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.zwo.paces import THRESHOLD_ZONE
from nmdsl.language.writer import duration as duration_text
from nmdsl.language.writer import end_text, repeat_head
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateEnd,
    LapEnd,
    MaxTarget,
    Metadata,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    iter_steps,
    ms_of,
    peak_speeds_mps,
    peak_watts,
    repeats_until,
    step_seconds,
)

E, W = Severity.ERROR, Severity.WARNING

register(
    Code("E401", E, "watts without an FTP"),
    Code("E402", E, "pace without a threshold pace"),
    Code("E403", E, "distance step whose time is unknown in a session that mixes time and distance"),
    Code("W401", W, "heart-rate target dropped"),
    Code("W402", W, "non-ASCII workout name"),
    Code("W403", W, "cadence target approximated or dropped"),
    Code("W404", W, "distance step written as its estimated time"),
    Code("W405", W, "characters XML cannot carry removed"),
    Code("W406", W, "fractions of a second rounded at the boundaries"),
    Code("E404", E, "lap, until or bike distance step without an estimate"),
    Code("W407", W, "lap, until or bike distance step written as its estimate"),
)


#: Code points XML 1.0 cannot carry (lxml refuses them): C0 controls but tab,
#: LF and CR, the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def power_text(pct: float) -> str:
    """``pct`` percent as ZWO writes it (see :func:`_power_text`), memoized."""
    text = _POWER_TEXT.get(pct)
    if text is None or not pct:  # 0.0 and -0.0 are one key but two texts
        if len(_POWER_TEXT) >= 4096:
            _POWER_TEXT.clear()  # bounded: memory stays flat over a library
        text = _POWER_TEXT[pct] = _power_text(pct)
    return text


_POWER_TEXT: dict[float, str] = {}


def _power_text(pct: float) -> str:
    """A fraction of FTP (or of threshold speed) for ``pct`` percent.

    Golden Cheetah reads power as ``int(100.0 * value)``, truncating, and
    ``1.15 * 100.0`` is 114.99999999999999 in binary floating point: written
    plainly, 115% would come back as 114%.  For the values where the product
    falls short we write the nearest short decimal just above (``1.1500001``,
    0.00001% high), so every reader gets the intended percentage.  Whole
    fractions keep their point (``1.0``, as Zwift writes them): a bare ``2``
    looks like the watts of an ``ftpOverride`` file.
    """
    # Decimal arithmetic: 66.67 / 100 in binary is 0.6667000000000001.
    text = _decimal_text(Decimal(repr(pct)) / 100)
    x = float(text)
    if x * 100.0 >= pct:
        return text
    for digits in range(max(7, len(text.split(".")[1]) + 1), 18):
        nudged = _decimal_text(Decimal(text) + Decimal(10) ** -digits)
        if float(nudged) * 100.0 >= pct:
            return nudged
    return repr(math.nextafter(x, math.inf))  # pragma: no cover - the loop always finds one


def _decimal_text(d: Decimal) -> str:
    """``Decimal('1.150')`` -> ``1.15``; ``Decimal('1')`` -> ``1.0``."""
    text = format(d.normalize(), "f")
    return text if "." in text else text + ".0"


@dataclass(frozen=True)
class _Steady:
    low_pct: float
    high_pct: float


@dataclass(frozen=True)
class _Ramp:
    start_pct: float
    end_pct: float


@dataclass(frozen=True)
class _Max:
    pass


@dataclass(frozen=True)
class _Free:
    pass


_Power = _Steady | _Ramp | _Max | _Free


@dataclass(frozen=True)
class _One:
    """One step, written as one element."""

    step: Step


@dataclass(frozen=True)
class _Intervals:
    """A repeat of one work and one recovery step, written as one ``IntervalsT``."""

    repeat: Repeat
    on: Step
    off: Step


_Block = _One | _Intervals


class _Element:
    """An XML element, written exactly as lxml writes it.

    lxml's ``tostring(..., encoding="UTF-8", pretty_print=True)`` was used to
    write the file; building the small, regular ZWO tree as lxml elements and
    serialising it cost more than all the rest of the backend, so the file is
    written directly, byte for byte the same: attributes in the order they
    were first set, an element without children as ``<Tag .../>``, children
    two spaces further in, one per line.  No element here has both text and
    children.  tests/test_backend_speed_erg_zwo.py compares this with lxml.
    """

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, **attrs: str):
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Element] = []

    def set(self, name: str, value: str) -> None:
        self.attrs[name] = value

    def write(self, out: list[str], indent: str) -> None:
        """Append the element's lines to ``out``."""
        attrs = "".join([f' {name}="{_attribute_text(value)}"' for name, value in self.attrs.items()])
        if not self.children:
            out.append(f"{indent}<{self.tag}{attrs}/>")
            return
        out.append(f"{indent}<{self.tag}{attrs}>")
        inner = indent + "  "
        for child in self.children:
            child.write(out, inner)
        out.append(f"{indent}</{self.tag}>")


def _whole_seconds(ms: int) -> int:
    """The second nearest ``ms`` (halves round up: one rule for every boundary)."""
    return (ms + 500) // 1000


def _leaf(tag: str, text: str, indent: str = "  ") -> str:
    """The line of an element holding only text (``<name></name>`` when empty, as lxml writes it)."""
    return f"{indent}<{tag}>{_escape(text, _TEXT_ESCAPES)}</{tag}>"


def _attribute_text(value: str) -> str:
    return _escape(value, _ATTRIBUTE_ESCAPES)


def _escape(value: str, escapes: dict[int, str]) -> str:
    # Most values are numbers: look for a character to escape before translating.
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(escapes)


#: What libxml2 escapes in text, and in attribute values (quoted with ").
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_NEEDS_ESCAPE = re.compile('[&<>"\t\n\r]')


class ZwoBackend:
    name = "zwo"
    suffix = ".zwo"
    description = "Zwift workout file (also Golden Cheetah, QZ, zwo-editor, intervals.icu)"

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes:
        return _Emitter(workout, report, options).emit()


def _end_what(step: Step) -> str:
    """What ZWO lacks to end ``step`` as written."""
    match step.until:
        case LapEnd():
            return "no lap button"
        case HeartRateEnd():
            return "no heart-rate end"
        case None:
            return "no distance on a bike"
        case _:
            assert_never(step.until)


def _band(step: Step) -> bool:
    """Whether ``step``'s target is a band: a range or a zone with two different ends."""
    t = step.target
    match t:
        case PercentTarget() | ZoneTarget() | PeakPercentTarget():
            return t.low_pct != t.high_pct
        case WattsTarget():
            return t.low_w != t.high_w
        case PaceTarget():
            return t.fast != t.slow
        case _:
            return False


class _Emitter:
    def __init__(self, workout: Workout, report: Report, options: EmitOptions):
        self.workout = workout
        self.meta: Metadata = workout.meta
        self.report = report
        self.ftp_w = options.ftp_w if options.ftp_w is not None else workout.meta.ftp_w
        self.run = workout.meta.sport == "run"
        self.by_distance = self._by_distance()
        # Unrolled repeats hand us the same Step object many times: say each
        # thing once per source step, not once per repetition.
        self._said: set[tuple[str, int]] = set()
        #: The exact time the next element starts, in ms (the clock that
        #: whole-second Durations are cut from).
        self._clock_ms = 0
        self._rounded_fraction = False
        self._rounded_span: Span | None = None

    # -- the file -----------------------------------------------------------

    def emit(self) -> bytes:
        for repeat in repeats_until(self.workout.steps):
            head = repeat_head(repeat)
            if not repeat.estimated:
                self.report.add(
                    "E404",
                    f"ZWO has no heart-rate end, and '{head}:' gives no estimate of how many times it runs",
                    repeat.span,
                    f"add an estimate: '{head} ~3x:' is written as 3 times",
                )
            else:
                self.report.add(
                    "W407",
                    f"ZWO has no heart-rate end: '{head}:' is written {repeat.count} times, its estimate",
                    repeat.span,
                    "FIT keeps how the repeat ends",
                )
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<workout_file>"]
        name = self._name()
        lines.append(self._text("name", name, what="the name", key="name"))
        if any(ord(c) > 127 for c in name):
            self.report.add(
                "W402",
                f"the name {name!r} has non-ASCII characters; Zwift is reported to mishandle them",
                self.meta.span_of("name"),
                "keep 'name:' plain ASCII if Zwift lists the workout wrongly",
            )
        if self.meta.author:
            lines.append(self._text("author", self.meta.author, what="the author", key="author"))
        if self.meta.description:
            lines.append(
                self._text("description", self.meta.description, what="the description", key="description")
            )
        lines.append(_leaf("sportType", self.meta.sport))
        if self.run:
            # QZ reads a run's Duration as metres unless durationType says
            # "time" (zwiftworkout.cpp, durationAsDistance): always say which.
            lines.append(_leaf("durationType", "distance" if self.by_distance else "time"))
            if self.meta.threshold_pace is not None:
                # QZ reads this (speed = threshold speed x Power), and it lets
                # the importer give distance steps their time back.
                text = f"{self.meta.threshold_pace.s_per_km:.3f}".rstrip("0").rstrip(".")
                lines.append(_leaf("thresholdSecPerKm", text))
        if self.meta.tags:
            tags = _Element("tags")
            for tag in self.meta.tags:
                # Zwift's own form; Golden Cheetah reads only <tag>X</tag> and
                # so sees no tags, which costs nothing in a trainer.
                tags.children.append(
                    _Element("tag", name=self._clean(tag, "a tag", self.meta.span_of("tags")))
                )
            tags.write(lines, "  ")
        blocks = list(self._blocks(self.workout.steps))
        if not blocks:
            lines.append("  <workout/>")
        else:
            lines.append("  <workout>")
            # Unrolled repeats hand us the same step many times: its lines are
            # written once and reused (when building it said nothing: what is
            # said once per step is said the first time, as it would be).
            # A step's element depends on where in a second it starts (its
            # whole-second Duration is cut from the exact clock), hence the
            # key's last part; whole-second sessions always start at 0.
            built: dict[tuple[int, bool, bool, int], tuple[list[str], int]] = {}
            for i, block in enumerate(blocks):
                match block:
                    case _One():
                        key = (id(block.step), i == 0, i == len(blocks) - 1, self._clock_ms % 1000)
                        done = built.get(key)
                        if done is not None:
                            lines += done[0]
                            self._clock_ms += done[1]
                            continue
                        said, start = len(self.report.items), self._clock_ms
                        el = self._one(block.step, first=key[1], last=key[2])
                        written: list[str] = []
                        el.write(written, "    ")
                        if len(self.report.items) == said:
                            built[key] = (written, self._clock_ms - start)
                        lines += written
                    case _Intervals():
                        self._intervals(block).write(lines, "    ")
                    case _:
                        assert_never(block)
            lines.append("  </workout>")
        if self._rounded_fraction:
            self.report.add(
                "W406",
                "ZWO readers take whole seconds (QZ reads 30.5 as 0, Zwift truncates, Golden Cheetah "
                "rounds each element): the fractions of a second in this session are rounded where "
                "elements begin and end, so every boundary is within half a second of its exact time",
                self._rounded_span,
                "FIT, ERG and MRC keep the exact times",
            )
        lines.append("</workout_file>")
        lines.append("")
        return "\n".join(lines).encode("utf-8")

    def _name(self) -> str:
        if self.meta.name:
            return self.meta.name
        # Zwift lists workouts by name: fall back to the file's stem.
        if not self.report.file.startswith("<"):
            return PurePath(self.report.file).stem
        return "nmdsl workout"

    def _text(self, tag: str, value: str, what: str, key: str) -> str:
        """A header element; ``key`` is the header line the value came from (for the diagnostic's place)."""
        return _leaf(tag, self._clean(value, what, self.meta.span_of(key)))

    def _clean(self, value: str, what: str, span: Span | None) -> str:
        cleaned = _NOT_XML.sub("", value)
        if cleaned != value:
            self.report.add(
                "W405",
                f"{what} has control characters XML cannot carry; they were removed",
                span,
                "remove them from the source",
            )
        return cleaned

    # -- structure ------------------------------------------------------------

    def _by_distance(self) -> bool:
        """Whether a run is written by distance: ZWO has one unit per file."""
        if not self.run:
            return False
        steps = [s for s, _ in iter_steps(self.workout.steps)]
        return bool(steps) and all(s.distance_m is not None for s in steps)

    def _blocks(self, items: tuple[Step | Repeat, ...]) -> list[_Block]:
        out: list[_Block] = []
        for item in items:
            if isinstance(item, Step):
                out.append(_One(item))
                continue
            pair = self._interval_pair(item)
            if pair is not None:
                out.append(_Intervals(item, *pair))
                continue
            # ZWO has no general repeat: unroll (the core's limits keep this
            # under 10,000 steps).
            body = self._blocks(item.steps)
            for _ in range(item.count):
                out.extend(body)
        return out

    def _interval_pair(self, repeat: Repeat) -> tuple[Step, Step] | None:
        """(on, off) when ``repeat`` can be one IntervalsT without losing anything."""
        if repeat.count < 2 or len(repeat.steps) != 2:
            return None
        on, off = repeat.steps
        if not isinstance(on, Step) or not isinstance(off, Step):
            return None
        # Importers read the off part as a recovery: keep the intensities true.
        if on.intensity != "active" or off.intensity not in ("recovery", "rest"):
            return None
        if not (self._steady(on) and self._steady(off)):
            return None
        # A band (a range or a zone) is a SteadyState, inside a repeat as
        # outside: Golden Cheetah rides an IntervalsT band as a ramp from low
        # to high in every repetition but a SteadyState band as its middle,
        # as Zwift does; QZ reads no PowerOnLow/PowerOnHigh at all
        # (docs/format-zwo.md, "Bands").
        if _band(on) or _band(off):
            return None
        if self.by_distance:
            # Cue offsets are seconds; an IntervalsT by distance cannot place them.
            if on.cues or off.cues:
                return None
        elif on.duration_s is None or off.duration_s is None:
            return None
        elif type(on.duration_s) is not int or type(off.duration_s) is not int:
            # IntervalsT repeats one whole-second period: with a fraction
            # its repetitions would drift from the exact times.  Unrolled,
            # every boundary is rounded on its own.
            return None
        # CadenceResting is one number: a recovery cadence range needs its own element.
        if off.cadence is not None and off.cadence.low_rpm != off.cadence.high_rpm:
            return None
        return on, off

    @staticmethod
    def _steady(step: Step) -> bool:
        steady = (PercentTarget, WattsTarget, ZoneTarget, PaceTarget, PeakPercentTarget)
        return isinstance(step.target, steady)

    # -- values ---------------------------------------------------------------

    def _once(self, code: str, step: Step) -> bool:
        key = (code, id(step))
        if key in self._said:
            return False
        self._said.add(key)
        return True

    def _power(self, step: Step) -> _Power:
        t = step.target
        match t:
            case None:
                # A step with only a cadence (or heart-rate) target: no ERG.
                return _Free()
            case PercentTarget():
                return _Steady(t.low_pct, t.high_pct)
            case ZoneTarget():
                return _Steady(t.low_pct, t.high_pct)
            case WattsTarget():
                return _Steady(self._watts(t.low_w, step), self._watts(t.high_w, step))
            case RampTarget():
                if t.unit == "watts":
                    return _Ramp(self._watts(t.start, step), self._watts(t.end, step))
                return _Ramp(t.start, t.end)
            case PaceTarget():
                # The slow end is the low fraction of threshold speed.
                return _Steady(self._pace(t.slow.s_per_km, step), self._pace(t.fast.s_per_km, step))
            case PeakPercentTarget():
                return self._peak(t, step)
            case MaxTarget():
                return _Max()
            case FreeTarget():
                return _Free()
            case _:
                assert_never(t)

    def _peak(self, t: PeakPercentTarget, step: Step) -> _Power:
        """%pmax as watts over FTP (E401 without one); %vmax as a speed over threshold speed (E402)."""
        if t.of == "pmax":
            watts = peak_watts(t, self.meta)
            if watts is None:
                self._no_peak(t, step)
                return _Free()
            return _Steady(self._watts(watts[0], step), self._watts(watts[1], step))
        speeds = peak_speeds_mps(t, self.meta)
        if speeds is None:
            self._no_peak(t, step)
            return _Free()
        return _Steady(self._pace(1000 / speeds[0], step), self._pace(1000 / speeds[1], step))

    def _no_peak(self, t: PeakPercentTarget, step: Step) -> None:
        if self._once("E215", step):
            self.report.add(
                "E215",
                f"a %{t.of} target is a share of the header's {t.of}, which this workout does not set",
                t.span or step.span,
            )

    def _watts(self, watts: float, step: Step) -> float:
        if self.ftp_w is None:
            if self._once("E401", step):
                self.report.add(
                    "E401",
                    "ZWO power is a fraction of FTP, and this session gives watts without an FTP"
                    + (
                        " (a share of pmax is watts: pmax is in watts)"
                        if isinstance(step.target, PeakPercentTarget)
                        else ""
                    ),
                    step.target.span if step.target is not None and step.target.span else step.span,
                    "add the header line 'ftp: 250' (your FTP in watts), or pass --ftp 250",
                )
            return 100.0
        return round(watts / self.ftp_w * 100.0, 2)

    def _pace(self, s_per_km: float, step: Step) -> float:
        threshold = self.meta.threshold_pace
        if threshold is None:
            if self._once("E402", step):
                self.report.add(
                    "E402",
                    "ZWO run targets are a fraction of threshold speed, and this session gives "
                    "a pace without a threshold pace",
                    step.target.span if step.target is not None and step.target.span else step.span,
                    "add the header line 'threshold-pace: 4:10/km' (your threshold pace)",
                )
            return 100.0
        return round(threshold.s_per_km / s_per_km * 100.0, 2)

    def _amount(self, step: Step) -> int:
        """Duration in whole seconds, or in whole metres for a run by distance; moves the clock.

        QZ reads Duration with toUInt ("30.5" becomes 0): integers only.  A
        duration with a fraction of a second is cut from the exact clock:
        the element lasts from its start, rounded to the second, to its end,
        rounded, so boundaries never drift (rounding each element would).
        """
        if self.by_distance:
            assert step.distance_m is not None
            return round(step.distance_m)
        if step.duration_s is not None:
            if type(step.duration_s) is int and self._clock_ms % 1000 == 0:
                self._clock_ms += step.duration_s * 1000
                return step.duration_s
            start = self._clock_ms
            end = start + ms_of(step.duration_s)
            self._clock_ms = end
            if self._rounded_span is None:
                self._rounded_fraction, self._rounded_span = True, step.span
            return _whole_seconds(end) - _whole_seconds(start)
        if step.until is not None or not self.run:
            # lap, until <130bpm, a bike distance: ZWO has no lap button, no
            # heart-rate end and no distance on a bike; only a time.
            return self._estimate(step)
        seconds, _ = step_seconds(step, self.meta)
        if seconds is None:
            if self._once("E403", step):
                self.report.add(
                    "E403",
                    "a ZWO file is timed either by duration or by distance; this session mixes them, "
                    "and this distance step's time is unknown",
                    step.span,
                    "give it a pace target (@4:30/km), set 'threshold-pace:', or write it as a duration",
                )
            return 1
        if self._once("W404", step):
            self.report.add(
                "W404",
                f"this session mixes durations and distances; ZWO has one unit per file, so this "
                f"step is written as its estimated time, {round(seconds)} s",
                step.span,
                "write every step of a run by duration, or every step by distance",
            )
        written = max(round(seconds), 1)
        self._clock_ms += written * 1000
        return written

    def _estimate(self, step: Step) -> int:
        """A step that ends on an event (or a bike distance): its ``~D`` estimate, in whole seconds."""
        what = _end_what(step)
        written = end_text(step)
        if step.estimate_s is None:
            if self._once("E404", step):
                self.report.add(
                    "E404",
                    f"ZWO has {what}, and '{written}' gives no estimate of how long it lasts",
                    step.span,
                    f"add an estimate: '{written} ~3m' is written as 3 minutes",
                )
            return 1
        seconds = _whole_seconds(self._clock_ms + ms_of(step.estimate_s)) - _whole_seconds(self._clock_ms)
        if self._once("W407", step):
            self.report.add(
                "W407",
                f"ZWO has {what}: '{written}' is written as its estimate, "
                f"{duration_text(step.estimate_s)}",
                step.span,
                "FIT keeps how the step ends",
            )
        if type(step.estimate_s) is not int and self._rounded_span is None:
            self._rounded_fraction, self._rounded_span = True, step.span
        self._clock_ms += ms_of(step.estimate_s)
        return max(seconds, 1)

    def _offset(self, start_ms: int, cue: Cue) -> int:
        """The cue's whole-second offset in an element starting at exact ``start_ms``, cut from the clock."""
        if type(cue.offset_s) is int and start_ms % 1000 == 0:
            return cue.offset_s
        if self._rounded_span is None:
            self._rounded_fraction, self._rounded_span = True, cue.span
        return _whole_seconds(start_ms + ms_of(cue.offset_s)) - _whole_seconds(start_ms)

    def _heart_rate(self, step: Step) -> None:
        if step.heart_rate is not None and self._once("W401", step):
            self.report.add(
                "W401",
                "ZWO has no heart-rate targets: this step's heart-rate target is dropped",
                step.heart_rate.span or step.span,
                "the step keeps its other targets"
                if step.target is not None
                else "with no other target the step is a free ride (ERG off)",
            )

    def _cadence_attrs(
        self,
        el: _Element,
        step: Step,
        cadence: CadenceTarget | None,
        ranged: bool,
        kind: str,
    ) -> None:
        """``Cadence``, or ``CadenceLow``/``CadenceHigh`` where the element takes them.

        In Zwift's own files (h4l/zwift-workout-file-reference) the range
        attributes appear on SteadyState, Warmup, Cooldown and IntervalsT only.
        """
        if cadence is None:
            return
        if cadence.low_rpm == cadence.high_rpm:
            el.set("Cadence", str(cadence.low_rpm))
        elif ranged:
            el.set("CadenceLow", str(cadence.low_rpm))
            el.set("CadenceHigh", str(cadence.high_rpm))
        else:
            middle = (cadence.low_rpm + cadence.high_rpm + 1) // 2
            el.set("Cadence", str(middle))
            if self._once("W403", step):
                self.report.add(
                    "W403",
                    f"a {kind} element takes one cadence: {cadence.low_rpm}-{cadence.high_rpm}rpm "
                    f"is written as {middle}rpm",
                    cadence.span or step.span,
                    "give one cadence to keep it exact",
                )

    def _pace_zone(self, el: _Element) -> None:
        if self.run:
            el.set("pace", str(THRESHOLD_ZONE))

    # -- elements -------------------------------------------------------------

    def _one(self, step: Step, first: bool, last: bool) -> _Element:
        self._heart_rate(step)
        power = self._power(step)
        start_ms = self._clock_ms
        duration = str(self._amount(step))
        el: _Element
        match power:
            case _Steady():
                el = _Element("SteadyState", Duration=duration)
                self._power_attrs(el, "Power", "PowerLow", "PowerHigh", power)
                self._cadence_attrs(el, step, step.cadence, True, "SteadyState")
                self._pace_zone(el)
            case _Ramp():
                # Zwift re-serialises ramps this way, and Golden Cheetah makes
                # every Cooldown descend: a rising ramp at the end is a Ramp.
                rising, falling = power.end_pct > power.start_pct, power.end_pct < power.start_pct
                tag = "Warmup" if first and rising else "Cooldown" if last and falling else "Ramp"
                el = _Element(tag, Duration=duration)
                # PowerLow is the start and PowerHigh the end, whichever is larger.
                el.set("PowerLow", power_text(power.start_pct))
                el.set("PowerHigh", power_text(power.end_pct))
                self._cadence_attrs(el, step, step.cadence, tag != "Ramp", tag)
                self._pace_zone(el)
            case _Max():
                el = _Element("MaxEffort", Duration=duration)
                if step.cadence is not None and self._once("W403", step):
                    self.report.add(
                        "W403",
                        "a MaxEffort element has no cadence: this step's cadence target is dropped",
                        step.cadence.span or step.span,
                        "the athlete rides the sprint at a self-chosen cadence",
                    )
            case _Free():
                el = _Element("FreeRide", Duration=duration)
                self._cadence_attrs(el, step, step.cadence, False, "FreeRide")
            case _:
                assert_never(power)
        for cue in step.cues:
            self._cue(el, self._offset(start_ms, cue), cue)
        return el

    def _power_attrs(self, el: _Element, one: str, low: str, high: str, power: _Steady) -> None:
        if power.low_pct == power.high_pct:
            el.set(one, power_text(power.low_pct))
        else:
            el.set(low, power_text(power.low_pct))
            el.set(high, power_text(power.high_pct))

    def _intervals(self, block: _Intervals) -> _Element:
        on, off = block.on, block.off
        self._heart_rate(on)
        self._heart_rate(off)
        on_power, off_power = self._power(on), self._power(off)
        assert isinstance(on_power, _Steady) and isinstance(off_power, _Steady)
        # Whole seconds (see _interval_pair): the period is exact, and the
        # clock moves by every repetition.
        on_amount, off_amount = self._amount(on), self._amount(off)
        self._clock_ms += (
            (block.repeat.count - 1) * (on_amount + off_amount) * 1000 if not self.by_distance else 0
        )
        el = _Element(
            "IntervalsT",
            Repeat=str(block.repeat.count),
            OnDuration=str(on_amount),
            OffDuration=str(off_amount),
        )
        # One value each: a band is never an IntervalsT (see _interval_pair).
        el.set("OnPower", power_text(on_power.low_pct))
        el.set("OffPower", power_text(off_power.low_pct))
        self._cadence_attrs(el, on, on.cadence, True, "IntervalsT")
        if off.cadence is not None:
            el.set("CadenceResting", str(off.cadence.low_rpm))
        self._pace_zone(el)
        # Text offsets inside IntervalsT count from the start of the whole
        # block (Golden Cheetah: sSecs + timeoffset), so each repetition
        # gets its own copy of the body's cues.
        period = on_amount + off_amount
        for k in range(block.repeat.count):
            for cue in on.cues:
                self._cue(el, k * period + self._offset(0, cue), cue)
            for cue in off.cues:
                self._cue(el, k * period + on_amount + self._offset(0, cue), cue)
        return el

    def _cue(self, el: _Element, offset_s: float, cue: Cue) -> None:
        # Lowercase textevent: Golden Cheetah reads no other spelling.
        message = self._clean(cue.text, "a cue", cue.span)
        el.children.append(_Element("textevent", timeoffset=str(offset_s), message=message))
