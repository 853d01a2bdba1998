"""``-f fit``: Garmin FIT workout files, for watches and bike computers.

A FIT workout file is three message types (``file_id``, ``workout``, one
``workout_step`` per step) in FIT's binary framing (:mod:`nmdsl.formats.fit.codec`).
The mapping, what is lost and why is in docs/format-fit.md; in short:

- Repeats stay repeats: a FIT repeat step follows the steps it repeats and
  points back at the first one's ``message_index`` with the total count, so
  ``13x 30s / 15s`` is three messages, not 26.  Nested repeats point further
  back.
- Steps end on a time (ms), a distance (cm, runs and bikes), the lap button
  (``lap``: open) or a heart rate (``until <130bpm``: hr_less_than, bpm +
  100).  An estimate (``~3m``) has no FIT field and is not written.
- Targets are custom ranges: power 0-1000 = %FTP and watts + 1000, heart rate
  bpm + 100 (``%lthr`` turned into bpm) or 0-100 = % of max heart rate
  (``%maxhr``), cadence rpm, pace as speed in mm/s (slower pace = low); or
  zones: ``@Zn`` and ``@Znhr`` are the device's power and heart-rate zone n
  (``target_value`` n).  ``max``, ``free`` and a step with no intensity
  target are open; the step name says "all-out" or "free".  Cadence or heart
  rate beside an intensity target goes in the secondary target fields.
- Ramps have no FIT equivalent: a staircase of 2-5 steps named
  ``ramp 1/5`` ... ``ramp 5/5``, each a custom range covering its part of the
  ramp (W460).  The names let ``nmdsl import`` rebuild the ramp.
- Cues go into the step's ``notes``, one per line; a cue at an offset is
  written ``at 4m: text`` because FIT shows notes when the step starts (W463).
- Output is deterministic: ``time_created`` and ``serial_number`` come from a
  hash of the workout's records, or from ``SOURCE_DATE_EPOCH``; never from the
  clock.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple, NoReturn, assert_never

from nmdsl.diagnostics import Code, Report, Severity, Span, register
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit import names
from nmdsl.language.writer import duration as duration_text
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    Item,
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
    end_bpm,
    ms_of,
    seconds_of_ms,
)

_E, _W = Severity.ERROR, Severity.WARNING
register(
    Code("E460", _E, "value out of range for its FIT field"),
    Code("E461", _E, "invalid SOURCE_DATE_EPOCH"),
    Code("W460", _W, "ramp approximated by FIT steps"),
    Code("W461", _W, "value rounded to FIT's resolution"),
    Code("W462", _W, "text cut to the size devices use"),
    Code("W463", _W, "cue offset not timed in FIT"),
    Code("W464", _W, "target not carried by FIT"),
    Code("W465", _W, "more steps than some devices accept"),
    Code("W466", _W, "heart rate above 100% of max written in bpm"),
)

#: String field sizes (bytes, NUL included) seen in a workout exported by
#: Garmin Connect (../shared/FORMATS.md; one file, not documentation).
WKT_NAME_BYTES = 32
STEP_NAME_BYTES = 16
NOTES_BYTES = 200
#: Not seen in any export: nmdsl's choice, the same as notes.
DESCRIPTION_BYTES = 200
#: A "50 steps per workout" rule circulates without a source; nmdsl warns past
#: it rather than refuse (W465).  Repeat steps count: they are messages.
DEVICE_STEP_LIMIT = 50
#: message_index and num_valid_steps are uint16s, whose 0xFFFF means "invalid".
MAX_MESSAGES = 0xFFFE

#: Ramps: at most this many stairs, about one per minute (or per 200 m) of
#: ramp, at least two so the direction survives a round trip.
MAX_RAMP_STAIRS = 5
RAMP_STAIR_S = 60
RAMP_STAIR_M = 200.0

#: Where a content-derived time_created starts: 2020-01-01T00:00:00Z.
_CONTENT_TIME_BASE = 1_577_836_800 - fc.FIT_EPOCH_UNIX
#: FIT manufacturer 255 = "development".
_MANUFACTURER_DEVELOPMENT = 255

_INTENSITY = {
    "active": fc.Intensity.ACTIVE,
    "rest": fc.Intensity.REST,
    "warmup": fc.Intensity.WARMUP,
    "cooldown": fc.Intensity.COOLDOWN,
    # "recovery" (4) came later than 0-3 in the profile; which older devices
    # do not know it is unverified (docs/format-fit.md).
    "recovery": fc.Intensity.RECOVERY,
}



class _Slot(NamedTuple):
    """A target: ``target_type`` and a custom range's raw low/high values, or a zone.

    A zone (``zone`` set) is written as ``target_value`` = the zone and no
    custom values, as Garmin's sample ``WorkoutIndividualSteps.fit`` does; a
    custom range as ``target_value`` 0 and the two custom values.
    """

    type: int
    low: int
    high: int
    zone: int | None = None


@dataclass
class _StepMsg:
    name: str | None = None
    notes: str | None = None
    duration_type: int = fc.Duration.TIME
    #: None for ``open`` (the lap button): the profile gives it no value.
    duration_value: int | None = 0
    primary: _Slot | None = None
    secondary: _Slot | None = None
    intensity: int | None = None
    #: For repeat steps: the count (target_value), or a repeat-until's heart rate.
    repeat_count: int | None = None
    #: ... and its target_type: open, or heart_rate for a repeat-until-heart-rate.
    repeat_target: int = fc.Target.OPEN
    span: Span | None = None


class FitBackend:
    name = "fit"
    suffix = ".fit"
    description = "Garmin FIT workout file (watches, bike computers)"

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes:
        return _Emitter(workout, report, options).run()


class _Abort(Exception):
    """An error was reported; stop emitting."""


@dataclass
class _Emitter:
    workout: Workout
    report: Report
    options: EmitOptions
    steps: list[_StepMsg] = field(default_factory=list)
    said: set[tuple[Span | None, str]] = field(default_factory=set)

    @property
    def meta(self) -> Metadata:
        return self.workout.meta

    def run(self) -> bytes:
        try:
            self._items(self.workout.steps)
            records = self._records()
            time_created = self._source_date_epoch()
        except _Abort:
            return b""
        if len(self.steps) > DEVICE_STEP_LIMIT:
            self.report.add(
                "W465",
                f"the FIT file has {len(self.steps)} steps (repeat steps included); some devices are "
                f"said to accept at most {DEVICE_STEP_LIMIT}",
                None,
                "if a device refuses it, split the session or use fewer distinct steps",
            )
        digest = hashlib.sha256(records).digest()
        serial = int.from_bytes(digest[:4], "little") or 1  # uint32z: 0 is invalid
        if time_created is None:
            # Derived from the content, so two different workouts get
            # different file ids and the same workout the same bytes.
            time_created = _CONTENT_TIME_BASE + int.from_bytes(digest[4:7], "little")
        file_id = fc.Message(
            fc.Mesg.FILE_ID,
            (
                fc.Field(0, fc.ENUM, fc.FileType.WORKOUT, "type"),
                fc.Field(1, fc.UINT16, _MANUFACTURER_DEVELOPMENT, "manufacturer"),
                fc.Field(3, fc.UINT32Z, serial, "serial_number"),
                fc.Field(4, fc.UINT32, time_created, "time_created"),
            ),
        )
        head = fc.RecordWriter(local_types=(0,)).write_all([file_id])
        return fc.wrap(head + records)

    # -- records ---------------------------------------------------------

    def _records(self) -> bytes:
        writer = fc.RecordWriter(local_types=tuple(range(1, 16)))
        writer.write(self._workout_message())
        for index, msg in enumerate(self.steps):
            try:
                _write_step(writer, index, msg)
            except fc.FitEncodeError as exc:
                self.report.add("E460", f"step {index + 1}: {exc}", msg.span, "FIT cannot hold this value")
                raise _Abort from None
        return bytes(writer.out)

    def _workout_message(self) -> fc.Message:
        fields = [
            fc.Field(4, fc.ENUM, fc.Sport.RUNNING if self.meta.sport == "run" else fc.Sport.CYCLING, "sport"),
            fc.Field(6, fc.UINT16, len(self.steps), "num_valid_steps"),
        ]
        name = self._cut(
            self.meta.name or _fallback_name(self.report.file),
            WKT_NAME_BYTES,
            "the workout name",
            self.meta.span_of("name"),
        )
        if name:
            fields.append(fc.Field(8, fc.STRING, name, "wkt_name"))
        # sub_sport generic: nmdsl does not know whether a session is indoors.
        fields.append(fc.Field(11, fc.ENUM, fc.SubSport.GENERIC, "sub_sport"))
        if self.meta.description:
            description = " ".join(self.meta.description.split())
            text = self._cut(
                description, DESCRIPTION_BYTES, "the description", self.meta.span_of("description")
            )
            if text:
                fields.append(fc.Field(17, fc.STRING, text, "wkt_description"))
        return fc.Message(fc.Mesg.WORKOUT, tuple(fields))

    def _source_date_epoch(self) -> int | None:
        raw = self.options.extra.get("source_date_epoch", os.environ.get("SOURCE_DATE_EPOCH"))
        if raw is None or raw == "":
            return None
        try:
            unix = int(str(raw).strip())
        except ValueError:
            unix = -1
        fit_time = unix - fc.FIT_EPOCH_UNIX
        if not fc.DATE_TIME_MIN <= fit_time < 0xFFFFFFFF:
            self.report.add(
                "E461",
                f"SOURCE_DATE_EPOCH={raw!r} is not a time FIT can hold as a date",
                None,
                "give Unix seconds after 1998-07-30 (FIT dates start at 1989-12-31; smaller values are "
                "relative)",
            )
            raise _Abort
        return fit_time

    # -- steps -------------------------------------------------------------

    def _items(self, items: Sequence[Item]) -> None:
        for item in items:
            if isinstance(item, Repeat):
                first = len(self.steps)
                self._items(item.steps)
                if len(self.steps) == first:
                    continue  # an empty body repeats nothing
                if item.until is not None:
                    # repeat_until_hr_*: target_value is a workout_hr, as a step's end is.
                    end = item.until
                    self._append(_StepMsg(
                        duration_type=fc.Duration.REPEAT_UNTIL_HR_LESS_THAN
                        if end.below
                        else fc.Duration.REPEAT_UNTIL_HR_GREATER_THAN,
                        duration_value=first,
                        repeat_count=self._workout_hr(end, item.span),
                        repeat_target=fc.Target.HEART_RATE,  # as Garmin's sample writes it
                        span=item.span,
                    ))
                    continue
                self._append(_StepMsg(
                    duration_type=fc.Duration.REPEAT_UNTIL_STEPS_CMPLT,
                    duration_value=first,
                    repeat_count=item.count,
                    span=item.span,
                ))
            else:
                self._step(item)

    def _append(self, msg: _StepMsg) -> None:
        if len(self.steps) >= MAX_MESSAGES:
            self.report.add(
                "E460",
                f"more than {MAX_MESSAGES:,} FIT steps: message_index is a 16-bit number",
                msg.span,
                "use repeats instead of spelling steps out",
            )
            raise _Abort
        self.steps.append(msg)

    def _step(self, step: Step) -> None:
        if isinstance(step.target, RampTarget):
            self._ramp(step, step.target)
            return
        msg = _StepMsg(intensity=_INTENSITY[step.intensity], span=step.span)
        self._amount(step, msg)
        intensity_slot = self._intensity_slot(step)
        msg.primary, msg.secondary = self._slots(step, intensity_slot)
        msg.name = _label(step, None)
        msg.notes = self._notes(step, step.cues)
        self._append(msg)

    def _amount(self, step: Step, msg: _StepMsg) -> None:
        # An estimate (~D) is not written: FIT has no field for it.
        if step.duration_s is not None:
            msg.duration_type = fc.Duration.TIME
            msg.duration_value = ms_of(step.duration_s)  # FIT times are milliseconds
        elif step.distance_m is not None:
            msg.duration_type = fc.Duration.DISTANCE  # runs and bikes alike
            msg.duration_value = _cm(step.distance_m)
        elif isinstance(step.until, LapEnd):
            msg.duration_type, msg.duration_value = fc.Duration.OPEN, None
        elif isinstance(step.until, HeartRateEnd):
            end = step.until
            msg.duration_type = fc.Duration.HR_LESS_THAN if end.below else fc.Duration.HR_GREATER_THAN
            msg.duration_value = self._workout_hr(end, step.span)
        else:
            # A step with neither is not something the parser makes.
            self.report.add("E460", "a step without a duration, a distance, 'lap' or 'until'", step.span)
            raise _Abort

    def _workout_hr(self, end: HeartRateEnd, span: Span | None) -> int:
        """A heart-rate end as FIT's workout_hr: 0-100 is % of max HR, above 100 bpm + 100."""
        if end.of == "max_hr" and end.pct is not None and end.pct <= 100 and end.pct == int(end.pct):
            return int(end.pct)  # the device's own max heart rate, as FIT means it
        bpm = end.bpm if end.bpm is not None else math.floor((end_bpm(end, self.meta) or 0) + 0.5)
        if end.of == "max_hr":
            self.report.add(
                "W466",
                f"FIT's % of max heart rate is whole percents up to 100%: until {end.pct:g}% of max-hr "
                f"is written as {bpm} bpm, from the header's max-hr",
                span,
                "the device uses these bpm, not its own max heart rate",
            )
        if bpm < 1:  # a model built by hand: the language's heart rates are 30 bpm or more
            message = f"until {bpm} bpm does not fit FIT: FIT heart rates are 1 bpm or more"
            self.report.add("E460", message, span)
            raise _Abort
        return bpm + fc.HR_BPM_OFFSET

    def _slots(self, step: Step, intensity: _Slot | None) -> tuple[_Slot | None, _Slot | None]:
        if step.cadence is None and step.heart_rate is None:
            return intensity, None  # most steps: nothing to rank or leave out
        slots: list[tuple[str, _Slot]] = []
        if intensity is not None:
            slots.append(("the intensity target", intensity))
        if step.cadence is not None:
            slots.append(("the cadence target", self._cadence(step, step.cadence)))
        if step.heart_rate is not None:
            slots.append(("the heart-rate target", self._heart_rate(step, step.heart_rate)))
        for what, _ in slots[2:]:
            self.report.add(
                "W464",
                f"FIT steps have two targets; {what} is left out",
                step.span,
                "FIT keeps a primary and a secondary target: power or pace, then cadence",
            )
        primary = slots[0][1] if slots else None
        secondary = slots[1][1] if len(slots) > 1 else None
        return primary, secondary

    def _intensity_slot(self, step: Step) -> _Slot | None:
        t = step.target
        match t:
            case None | MaxTarget() | FreeTarget():
                return None
            case ZoneTarget():
                # The device's power zone n, as @Znhr is its heart-rate zone n
                # (nmdsl's Coggan range is used only where a number is needed).
                return _Slot(fc.Target.POWER, 0, 0, t.zone)
            case PercentTarget(of="ftp"):
                lo, hi = (t.low_pct, t.high_pct)
                return _Slot(fc.Target.POWER, self._pct(step, lo), self._pct(step, hi))
            case PercentTarget():
                speed = self._threshold_speed(step)
                if speed is None:
                    return None
                return _Slot(
                    fc.Target.SPEED,
                    self._speed(step, speed * t.low_pct / 100),
                    self._speed(step, speed * t.high_pct / 100),
                )
            case WattsTarget():
                return _Slot(fc.Target.POWER, self._watts(step, t.low_w), self._watts(step, t.high_w))
            case PaceTarget():
                # FIT speeds: the slower pace is the lower speed.
                return _Slot(
                    fc.Target.SPEED, self._speed(step, t.slow.speed_mps), self._speed(step, t.fast.speed_mps)
                )
            case PeakPercentTarget():
                # In the device's units: %pmax as watts, %vmax as a speed.
                if t.of == "pmax" and self.meta.pmax_w is not None:
                    pmax = self.meta.pmax_w
                    low_w, high_w = pmax * t.low_pct / 100, pmax * t.high_pct / 100
                    return _Slot(fc.Target.POWER, self._watts(step, low_w), self._watts(step, high_w))
                if t.of == "vmax" and self.meta.vmax is not None:
                    vmax = self.meta.vmax.speed_mps
                    low, high = vmax * t.low_pct / 100, vmax * t.high_pct / 100
                    return _Slot(fc.Target.SPEED, self._speed(step, low), self._speed(step, high))
                self.report.add(
                    "E215",
                    f"a %{t.of} target is a share of the header's {t.of}, which this workout does not set",
                    t.span or step.span,
                )
                raise _Abort
            case RampTarget():  # pragma: no cover - ramps go through _ramp
                raise AssertionError("ramp")
            case _:
                assert_never(t)

    def _threshold_speed(self, step: Step) -> float | None:
        if self.meta.threshold_pace is None:
            self.report.add(
                "W464",
                "a % of threshold speed needs the threshold pace; the step's target is left open",
                step.span,
                "add 'threshold-pace: 4:10/km' to the header so FIT gets a speed range",
            )
            return None
        return self.meta.threshold_pace.speed_mps

    # -- values (each checked: never wrapped) ----------------------------------

    def _round(self, value: float, step: Step, what: str, unit: str) -> int:
        n = math.floor(value + 0.5)
        if abs(value - n) <= 1e-6:
            return n
        message = f"{what} {value:g}{unit} is rounded to {n}{unit} (FIT stores whole numbers)"
        if (step.span, message) not in self.said:
            # Once per step and value: a single value is both ends of a range.
            self.said.add((step.span, message))
            self.report.add("W461", message, step.span)
        return n

    def _pct(self, step: Step, pct: float) -> int:
        n = self._round(pct, step, "the power", "%")
        if not 0 <= n <= fc.POWER_WATTS_OFFSET:
            self._range(step, f"{pct:g}% FTP", "FIT power percentages are 0-1000% (larger values mean watts)")
        return n

    def _watts(self, step: Step, watts: float) -> int:
        n = self._round(watts, step, "the power", " W")
        if n < 1:
            self._range(step, f"{watts:g} W", "FIT watts are 1 W or more")
        return n + fc.POWER_WATTS_OFFSET

    def _speed(self, step: Step, mps: float) -> int:
        # mm/s: 1 mm/s is 0.07 s/km at 4:00/km, below what a pace can say.
        n = math.floor(mps * 1000 + 0.5)
        if n < 1:
            self._range(step, f"{mps:g} m/s", "FIT speeds are 1 mm/s or more")
        return n

    def _cadence(self, step: Step, c: CadenceTarget) -> _Slot:
        if c.low_rpm < 0:
            self._range(step, f"{c.low_rpm} rpm", "cadence cannot be negative")
        return _Slot(fc.Target.CADENCE, c.low_rpm, c.high_rpm)

    def _heart_rate(
        self, step: Step, h: HeartRateTarget | HeartRateZoneTarget | HeartRatePercentTarget
    ) -> _Slot:
        if isinstance(h, HeartRateZoneTarget):
            return _Slot(fc.Target.HEART_RATE, 0, 0, h.zone)  # the device's zone n
        if isinstance(h, HeartRatePercentTarget) and h.of == "max_hr" and h.high_pct <= fc.HR_BPM_OFFSET:
            # workout_hr 0-100: FIT's own % of max heart rate.
            lo = self._round(h.low_pct, step, "the heart rate", "% of max")
            hi = self._round(h.high_pct, step, "the heart rate", "% of max")
            return _Slot(fc.Target.HEART_RATE, lo, hi)
        if isinstance(h, HeartRatePercentTarget):
            base = self.meta.lthr_bpm if h.of == "lthr" else self.meta.max_hr_bpm
            key = "lthr" if h.of == "lthr" else "max-hr"
            if base is None:
                self._range(step, f"{h.low_pct:g}-{h.high_pct:g}% of {key}", f"the header sets no {key}")
            if h.of == "max_hr":
                self.report.add(
                    "W466",
                    f"FIT's % of max heart rate ends at 100%: {h.high_pct:g}% of max-hr is written as bpm "
                    f"from the header's max-hr ({base} bpm)",
                    step.span,
                    "the device uses these bpm, not its own max heart rate",
                )
            # Whole bpm, as FIT stores them: the rounding (under 0.5 bpm) is
            # below what a heart-rate strap resolves, so it is not reported.
            low, high = math.floor(base * h.low_pct / 100 + 0.5), math.floor(base * h.high_pct / 100 + 0.5)
        else:
            low, high = h.low_bpm, h.high_bpm
        if low < 1:
            # 0-100 mean % of max heart rate: bpm are written + 100.
            self._range(step, f"{low} bpm", "FIT heart rates are 1 bpm or more")
        return _Slot(fc.Target.HEART_RATE, low + fc.HR_BPM_OFFSET, high + fc.HR_BPM_OFFSET)

    def _range(self, step: Step, value: str, why: str) -> NoReturn:
        self.report.add("E460", f"{value} does not fit FIT: {why}", step.span)
        raise _Abort

    # -- ramps -----------------------------------------------------------------

    def _ramp(self, step: Step, ramp: RampTarget) -> None:
        # Stairs split the ramp into equal parts: of whole seconds when the
        # step is whole seconds (stairs 0:30, 0:31, ... read as the ramp did),
        # else of milliseconds, so the stairs always add up to the step.
        # A ramp that ends on the lap button or a heart rate is split over its
        # estimate (~D), and its last stair ends as the step does; without an
        # estimate it is one step covering the whole ramp.
        tick = 1  # the unit of `parts` and `total`, in FIT's (ms or cm)
        timed = step.duration_s if step.duration_s is not None else None
        if timed is None and step.distance_m is None and step.until is not None:
            timed = step.estimate_s
        if timed is not None:
            total = ms_of(timed)
            tick = 1000 if total % 1000 == 0 else 1
            ticks = total // tick
            n = min(MAX_RAMP_STAIRS, max(2, total // (RAMP_STAIR_S * 1000)), ticks)
        elif step.distance_m is not None:
            total = ticks = _cm(step.distance_m)
            n = min(MAX_RAMP_STAIRS, max(2, int(step.distance_m // RAMP_STAIR_M)), max(total, 1))
        else:
            total = ticks = n = 1
        base, extra = divmod(ticks, n)
        parts = [(base + (1 if k < extra else 0)) * tick for k in range(n)]
        unit = "%" if ramp.unit == "percent" else "W"
        self.report.add(
            "W460",
            f"FIT has no ramps: ramp {ramp.start:g}{unit}-{ramp.end:g}{unit} becomes {n} steps"
            + (", each a range covering its part of the ramp" if n > 1 else ""),
            ramp.span or step.span,
            "the stairs are named 'ramp 1/n' ... 'ramp n/n', so nmdsl import rebuilds the ramp",
        )
        threshold: float | None = None
        if ramp.unit == "percent" and ramp.of == "threshold_speed":
            threshold = self._threshold_speed(step)
        for value, what in ((ramp.start, "the ramp's start"), (ramp.end, "the ramp's end")):
            self._round(value, step, what, unit)  # warn once for fractional ends
        cues = _split_cues(step.cues, parts, by_time=timed is not None)
        done = 0
        for k, part in enumerate(parts):
            a = ramp.start + (ramp.end - ramp.start) * done / total
            b = ramp.start + (ramp.end - ramp.start) * (done + part) / total
            done += part
            lo, hi = sorted((a, b))
            slot: _Slot | None
            if ramp.unit == "watts":
                slot = _Slot(fc.Target.POWER, self._watts_quiet(step, lo), self._watts_quiet(step, hi))
            elif ramp.of == "ftp":
                slot = _Slot(fc.Target.POWER, self._pct_quiet(step, lo), self._pct_quiet(step, hi))
            elif threshold is not None:
                slot = _Slot(
                    fc.Target.SPEED,
                    self._speed(step, threshold * lo / 100),
                    self._speed(step, threshold * hi / 100),
                )
            else:
                slot = None
            msg = _StepMsg(intensity=_INTENSITY[step.intensity], span=step.span)
            if step.until is not None and k == n - 1:
                self._amount(step, msg)  # the last stair ends as the step does
            elif timed is not None:
                msg.duration_type, msg.duration_value = fc.Duration.TIME, part
            else:
                msg.duration_type, msg.duration_value = fc.Duration.DISTANCE, part
            msg.primary, msg.secondary = self._slots(step, slot) if k == 0 else self._slots_quiet(step, slot)
            msg.name = _label(step, names.ramp_part(k + 1, n))
            msg.notes = self._notes(step, cues[k])
            self._append(msg)

    def _slots_quiet(self, step: Step, slot: _Slot | None) -> tuple[_Slot | None, _Slot | None]:
        # Later stairs: the same slots as the first, without repeating its warnings.
        mark = len(self.report.items)
        result = self._slots(step, slot)
        del self.report.items[mark:]
        return result

    def _pct_quiet(self, step: Step, pct: float) -> int:
        n = math.floor(pct + 0.5)
        if not 0 <= n <= fc.POWER_WATTS_OFFSET:
            self._range(step, f"{pct:g}% FTP", "FIT power percentages are 0-1000% (larger values mean watts)")
        return n

    def _watts_quiet(self, step: Step, watts: float) -> int:
        n = math.floor(watts + 0.5)
        if n < 1:
            self._range(step, f"{watts:g} W", "FIT watts are 1 W or more")
        return n + fc.POWER_WATTS_OFFSET

    # -- text ------------------------------------------------------------------

    def _notes(self, step: Step, cues: Sequence[Cue]) -> str | None:
        if not cues:
            return None
        lines = []
        for cue in cues:
            text = " ".join(cue.text.split())
            if cue.offset_s:
                self.report.add(
                    "W463",
                    f"FIT shows a step's notes when it starts: the cue at {duration_text(cue.offset_s)} "
                    f"is written 'at {duration_text(cue.offset_s)}: ...'",
                    cue.span or step.span,
                    "to time it, split the step at the cue",
                )
                text = names.cue_note(duration_text(cue.offset_s), text)
            if text:
                lines.append(text)
        if not lines:
            return None
        # One cue per line: a cue cannot contain a line break, so the lines
        # read back as the cues.
        return self._cut("\n".join(lines), NOTES_BYTES, "the step's notes (its cues)", step.span)

    def _cut(self, text: str, size: int, what: str, span: Span | None) -> str:
        raw = text.replace("\x00", "").encode("utf-8")
        if len(raw) <= size - 1:
            return raw.decode("utf-8")
        # Cut at a character boundary, leaving room for the NUL.
        cut = raw[: size - 1].decode("utf-8", errors="ignore").rstrip()
        self.report.add(
            "W462",
            f"{what} is {len(raw)} bytes; devices use {size - 1}: cut to {cut!r}",
            span,
            "shorten it",
        )
        return cut


def _cm(metres: float) -> int:
    # Whole centimetres: a mile is 160934.4 cm, and 4 mm is below anything a
    # device measures, so this rounding is not reported.
    return math.floor(metres * 100 + 0.5)


def _fallback_name(filename: str) -> str:
    if filename.startswith("<"):
        return "nmdsl workout"
    return PurePath(filename).stem or "nmdsl workout"


def _label(step: Step, ramp_part: str | None) -> str | None:
    """The step name: drill, then what an open or ramp step is.  At most 16 bytes.

    ``strides ramp 5/5`` is the longest (16): a ramp has at most 5 stairs,
    and a drill whose name and marker do not fit is written by its short
    name (``stand all-out``, ``hill ramp 5/5``; ``names.SHORT_DRILLS``).
    """
    words: list[str] = []
    if ramp_part is not None:
        words.append(ramp_part)
    elif isinstance(step.target, MaxTarget):
        words.append(names.ALL_OUT)
    elif isinstance(step.target, FreeTarget):
        words.append(names.FREE)
    if step.drill is not None:
        drill: str = step.drill
        if words and len(drill) + 1 + len(words[0]) > STEP_NAME_BYTES:
            drill = names.SHORT_DRILLS[drill]
        words.insert(0, drill)
    return " ".join(words) or None


def _split_cues(cues: Sequence[Cue], parts: Sequence[int], by_time: bool) -> list[list[Cue]]:
    """Each stair's cues, offsets made relative to the stair.

    Distance stairs are metres while cue offsets are seconds: there every cue
    stays on the first stair, where it is shown.
    """
    out: list[list[Cue]] = [[] for _ in parts]
    if not cues:
        return out
    if not by_time:
        out[0] = list(cues)
        return out
    bounds = list(itertools.accumulate(parts[:-1], initial=0))  # milliseconds
    for cue in cues:
        at = ms_of(cue.offset_s)
        k = max(i for i, b in enumerate(bounds) if b <= at)
        # A cue on the first stair keeps its offset: no copy (a model copy
        # costs more than the rest of the stair).
        out[k].append(
            cue if bounds[k] == 0 else cue.model_copy(update={"offset_s": seconds_of_ms(at - bounds[k])})
        )
    return out


def _step_message(index: int, m: _StepMsg) -> fc.Message:
    fields = [fc.Field(254, fc.UINT16, index, "message_index")]
    if m.name:
        fields.append(fc.Field(0, fc.STRING, m.name, "wkt_step_name"))
    fields.append(fc.Field(1, fc.ENUM, m.duration_type, "duration_type"))
    if m.duration_value is not None:
        fields.append(fc.Field(2, fc.UINT32, m.duration_value, "duration_value"))
    if m.repeat_count is not None:
        # Garmin's sample repeat step: target open, target_value = total count.
        fields.append(fc.Field(3, fc.ENUM, m.repeat_target, "target_type"))
        fields.append(fc.Field(4, fc.UINT32, m.repeat_count, "target_value (repeat count)"))
    elif m.primary is None:
        fields.append(fc.Field(3, fc.ENUM, fc.Target.OPEN, "target_type"))
    elif m.primary.zone is not None:
        fields.append(fc.Field(3, fc.ENUM, m.primary.type, "target_type"))
        fields.append(fc.Field(4, fc.UINT32, m.primary.zone, "target_value (zone)"))
    else:
        fields.append(fc.Field(3, fc.ENUM, m.primary.type, "target_type"))
        # target_value 0 = custom: the range is in the custom low/high fields.
        fields.append(fc.Field(4, fc.UINT32, 0, "target_value"))
        fields.append(fc.Field(5, fc.UINT32, m.primary.low, "custom_target_value_low"))
        fields.append(fc.Field(6, fc.UINT32, m.primary.high, "custom_target_value_high"))
    if m.intensity is not None:
        fields.append(fc.Field(7, fc.ENUM, m.intensity, "intensity"))
    if m.notes:
        fields.append(fc.Field(8, fc.STRING, m.notes, "notes"))
    if m.secondary is not None and m.secondary.zone is not None:
        fields.append(fc.Field(19, fc.ENUM, m.secondary.type, "secondary_target_type"))
        fields.append(fc.Field(20, fc.UINT32, m.secondary.zone, "secondary_target_value (zone)"))
    elif m.secondary is not None:
        fields.append(fc.Field(19, fc.ENUM, m.secondary.type, "secondary_target_type"))
        fields.append(fc.Field(20, fc.UINT32, 0, "secondary_target_value"))
        fields.append(fc.Field(21, fc.UINT32, m.secondary.low, "secondary_custom_target_value_low"))
        fields.append(fc.Field(22, fc.UINT32, m.secondary.high, "secondary_custom_target_value_high"))
    return fc.Message(fc.Mesg.WORKOUT_STEP, tuple(fields))



# -- the fast path for workout steps ---------------------------------------------
#
# A workout has dozens of steps in a handful of shapes: which optional fields
# a step has and how long its two strings are.  Each shape gets one
# precompiled fc.Layout (definition, layout key, struct); a step is then a
# list of values and one struct call.  _step_message stays the reference:
# anything the fast path does not plainly accept is written through it, so
# the errors are its errors, and tests/test_fit_speed.py checks that both
# give the same bytes.

#: Target field kinds, in _step_message's order (_NONE: no secondary target).
_REPEAT, _OPEN, _CUSTOM, _ZONE, _NONE = 0, 1, 2, 3, 4

_Shape = tuple[int, bool, int, bool, int, int]

#: Layouts by shape: (name size, has duration_value, target kind, has
#: intensity, notes size, secondary kind), sizes 0 when the string is absent.
#: A library uses a few hundred; the bound only keeps a long-running
#: process's memory in check.
_STEP_LAYOUTS: dict[_Shape, fc.Layout] = {}
_MAX_STEP_LAYOUTS = 4096


def _step_layout(shape: _Shape) -> fc.Layout:
    name_size, has_value, kind, intensity, notes_size, secondary = shape
    U16, U32, ENUM, STRING = fc.UINT16, fc.UINT32, fc.ENUM, fc.STRING
    fields: list[tuple[int, fc.BaseType, int]] = [(254, U16, 2)]
    if name_size:
        fields.append((0, STRING, name_size))
    fields.append((1, ENUM, 1))
    if has_value:
        fields.append((2, U32, 4))
    if kind in (_REPEAT, _ZONE):
        fields += [(3, ENUM, 1), (4, U32, 4)]
    elif kind == _OPEN:
        fields.append((3, ENUM, 1))
    else:
        fields += [(3, ENUM, 1), (4, U32, 4), (5, U32, 4), (6, U32, 4)]
    if intensity:
        fields.append((7, ENUM, 1))
    if notes_size:
        fields.append((8, STRING, notes_size))
    if secondary == _ZONE:
        fields += [(19, ENUM, 1), (20, U32, 4)]
    elif secondary == _CUSTOM:
        fields += [(19, ENUM, 1), (20, U32, 4), (21, U32, 4), (22, U32, 4)]
    if len(_STEP_LAYOUTS) >= _MAX_STEP_LAYOUTS:
        _STEP_LAYOUTS.clear()
    layout = _STEP_LAYOUTS[shape] = fc.Layout(fc.Mesg.WORKOUT_STEP, fields)
    return layout


def _write_step(writer: fc.RecordWriter, index: int, m: _StepMsg) -> None:
    """Write ``_step_message(index, m)``: the same bytes, or the same error."""
    name: bytes | None
    notes: bytes | None
    try:
        name = m.name.encode("utf-8") if m.name else b""
        notes = m.notes.encode("utf-8") if m.notes else b""
    except (UnicodeEncodeError, AttributeError):  # not text: the checked path says what
        name = notes = None
    if name is not None and notes is not None:
        values: list[int | bytes] = [index]
        if name:
            values.append(name)
        values.append(m.duration_type)
        if m.duration_value is not None:
            values.append(m.duration_value)
        if m.repeat_count is not None:
            kind = _REPEAT
            values += (m.repeat_target, m.repeat_count)
        elif m.primary is None:
            kind = _OPEN
            values.append(fc.Target.OPEN)
        elif m.primary.zone is not None:
            kind = _ZONE
            values += (m.primary.type, m.primary.zone)
        else:
            kind = _CUSTOM
            values += (m.primary.type, 0, m.primary.low, m.primary.high)
        if m.intensity is not None:
            values.append(m.intensity)
        if notes:
            values.append(notes)
        secondary = _NONE
        if m.secondary is not None and m.secondary.zone is not None:
            secondary = _ZONE
            values += (m.secondary.type, m.secondary.zone)
        elif m.secondary is not None:
            secondary = _CUSTOM
            values += (m.secondary.type, 0, m.secondary.low, m.secondary.high)
        # Sizes as the checked path declares them: the bytes and a NUL.
        shape = (
            len(name) + 1 if name else 0, m.duration_value is not None, kind, m.intensity is not None,
            len(notes) + 1 if notes else 0, secondary,
        )
        layout = _STEP_LAYOUTS.get(shape) or _step_layout(shape)
        payload = layout.pack(values)
        if payload is not None:
            writer.write_packed(layout, payload)
            return
    writer.write(_step_message(index, m))
