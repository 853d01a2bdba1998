"""``nmdsl import FILE.fit``: FIT workout files into the model.

nmdsl reads FIT with its own decoder (:mod:`nmdsl.formats.fit.codec`), not Garmin's
SDK: the SDK is under Garmin's FIT Protocol License, which is not an OSI
licence, so it stays a test-only dependency; and a workout file needs three
message types, which a small decoder that checks every length against the
bytes really present reads in bounded time and memory.

The importer reads what nmdsl writes (docs/format-fit.md) and what other
tools write: repeat steps (nested too) become repeats; custom power, pace,
heart-rate and cadence ranges become targets; power and heart-rate zones
become ``@Zn`` and ``@Znhr``, FIT's % of max heart rate ``@P%maxhr``; steps
that end on the lap button or a heart rate become ``lap`` and ``until
<Nbpm`` / ``>Nbpm``, distances are distances on bikes too; the step names
nmdsl writes (``sprint``, ``all-out``, ``free``, ``ramp 2/5``) give back
drills, ``max``/``free`` and ramps; other names and the notes become cues.
What the model cannot hold (steps that end on calories or a power,
conditional repeats) is mapped to the nearest thing and reported as a
warning; a file that is not a readable FIT workout is an error and nothing
is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal, get_args

from nmdsl.diagnostics import Code, Report, Severity, register
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit import names
from nmdsl.language import drills
from nmdsl.language.values import duration_s as parse_duration_s
from nmdsl.language.writer import duration as duration_text
from nmdsl.limits import (
    CADENCE_LIMITS_RPM,
    FASTEST_PACE_S_PER_KM,
    HEART_RATE_LIMITS_BPM,
    MAX_DEPTH,
    MAX_DURATION_S,
    MAX_EXPANDED_STEPS,
    MAX_WATTS,
    ZONES,
)
from nmdsl.model import (
    METRES_PER_MILE,
    AnyHeartRateTarget,
    CadenceTarget,
    Cue,
    Drill,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    Intensity,
    IntensityTarget,
    Item,
    LapEnd,
    MaxTarget,
    Metadata,
    Pace,
    PaceTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Sport,
    Step,
    StepEnd,
    WattsTarget,
    Workout,
    ZoneTarget,
    ms_of,
    seconds_of_ms,
    step_seconds,
)

_E, _W = Severity.ERROR, Severity.WARNING
register(
    Code("E540", _E, "not a FIT file"),
    Code("E541", _E, "FIT file cut short"),
    Code("E542", _E, "FIT checksum mismatch"),
    Code("E543", _E, "malformed FIT record"),
    Code("E544", _E, "FIT file is not a workout"),
    Code("E545", _E, "invalid FIT repeat step"),
    Code("E546", _E, "FIT workout too large"),
    Code("E547", _E, "FIT workout without steps"),
    Code("W540", _W, "num_valid_steps disagrees with the steps"),
    Code("W541", _W, "step end condition read as the lap button"),
    Code("W542", _W, "conditional repeat read as one pass"),
    Code("W543", _W, "target not supported"),
    Code("W545", _W, "value rounded"),
    Code("W546", _W, "bytes after the FIT file ignored"),
    Code("W547", _W, "sport not bike or run"),
    Code("W548", _W, "watts and %FTP mixed"),
    Code("W549", _W, "ramp steps read as separate steps"),
    Code("W550", _W, "max-hr set for % of max heart rate"),
)

#: FIT workout files are small (a 10,000-step file is about 0.5 MB).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Step messages, repeat steps included; more is refused before building anything.
MAX_STEP_MESSAGES = MAX_EXPANDED_STEPS
#: Messages of any kind (an activity has thousands; a workout a few dozen).
MAX_MESSAGES = 50_000
#: The header's ``max-hr:`` when the file has targets in % of max heart rate
#: (FIT's own, relative to the device's max HR, which the file does not
#: carry): the language needs one to read ``@P%maxhr``.  It changes nothing in
#: the FIT file nmdsl writes back (the percentages are written as such); it
#: gives stats a number, and W550 says to set the athlete's own.
PLACEHOLDER_MAX_HR = 190

# The language's own limits (nmdsl.limits): an imported target outside them
# is dropped with a warning so the imported text always checks.
_INTENSITY: dict[int, Intensity] = {
    fc.Intensity.ACTIVE: "active",
    fc.Intensity.REST: "rest",
    fc.Intensity.WARMUP: "warmup",
    fc.Intensity.COOLDOWN: "cooldown",
    fc.Intensity.RECOVERY: "recovery",
    fc.Intensity.INTERVAL: "active",
    fc.Intensity.OTHER: "active",
}

_POWER_TYPES = {
    fc.Target.POWER,
    fc.Target.POWER_3S,
    fc.Target.POWER_10S,
    fc.Target.POWER_30S,
    fc.Target.POWER_LAP,
}
_SPEED_TYPES = {fc.Target.SPEED, fc.Target.SPEED_LAP}
_HR_TYPES = {fc.Target.HEART_RATE, fc.Target.HEART_RATE_LAP}
_TIME_TYPES = {fc.Duration.TIME, fc.Duration.REPETITION_TIME, fc.Duration.TIME_ONLY}

_DRILLS: tuple[Drill, ...] = get_args(Drill)
#: The short names of long drills, read only before a marker or a ramp part
#: (where nmdsl writes them; alone the full name fits).
_SHORT_DRILLS: dict[str, Drill] = {
    short: full for full, short in names.SHORT_DRILLS.items()  # type: ignore[misc]
}


@dataclass
class _Label:
    drill: Drill | None = None
    marker: Literal["all-out", "free"] | None = None
    ramp: tuple[int, int] | None = None
    #: A name nmdsl did not write: kept as a cue.
    text: str | None = None


@dataclass
class _StepNode:
    start: int
    step: Step
    label: _Label
    #: The primary target's kind and native range, for rebuilding ramps.
    ramp_kind: Literal["percent", "watts", "speed"] | None = None
    ramp_range: tuple[float, float] = (0.0, 0.0)
    depth: int = 0
    steps: int = 1
    seconds: float = 0.0


@dataclass
class _RepeatNode:
    start: int
    count: int
    body: list[_Node]
    until: HeartRateEnd | None = None
    depth: int = 1
    steps: int = 0
    seconds: float = 0.0


_Node = _StepNode | _RepeatNode


class _Fail(Exception):
    """An error was reported; the file cannot be read."""


class FitImporter:
    name = "fit"
    suffixes = (".fit",)

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        try:
            return _Reader(data, report, options).run()
        except _Fail:
            return None


@dataclass
class _Reader:
    data: bytes
    report: Report
    options: ReadOptions
    sport: Sport = "bike"
    pace_per: Literal["km", "mi"] = "km"
    mixed_units: set[str] = field(default_factory=set)
    #: Set when a target is in % of max heart rate (the header needs a max-hr).
    percent_of_max_hr: bool = False
    #: What the steps read so far expand to (repeats multiplied out, capped).
    expanded_steps: int = 0
    expanded_s: float = 0.0

    # -- file ------------------------------------------------------------

    def fail(self, code: str, message: str, hint: str | None = None) -> _Fail:
        self.report.add(code, message, None, hint)
        return _Fail()

    def run(self) -> Workout:
        if len(self.data) > MAX_FILE_BYTES:
            raise self.fail(
                "E546",
                f"the file is {len(self.data):,} bytes; FIT workouts nmdsl reads are at most "
                f"{MAX_FILE_BYTES:,}",
            )
        file_id, workout, steps = self._messages()
        ftype = file_id.get_int(0)
        if ftype != fc.FileType.WORKOUT:
            kind = fc.FileType.NAMES.get(ftype, f"type {ftype}") if ftype is not None else "of no type"
            raise self.fail(
                "E544",
                f"this FIT file is {'an' if kind[0] in 'aeiou' else 'a'} {kind} file, not a workout",
                "nmdsl imports workout files (file type 5), such as the ones it writes with -f fit",
            )
        if not steps:
            raise self.fail("E547", "the workout has no steps")
        declared = workout.get_int(6) if workout is not None else None
        if declared is not None and declared != len(steps):
            self.report.add(
                "W540",
                f"the workout declares {declared} steps (num_valid_steps) but has {len(steps)}; all "
                f"{len(steps)} are read",
            )
        self.sport = self._sport(workout, steps)
        self.pace_per = self._pace_unit(steps)
        items = self._tree(steps)
        meta = Metadata(
            name=(workout.get_str(8) if workout is not None else None) or _name_from(self.options.filename),
            description=workout.get_str(17) if workout is not None else None,
            sport=self.sport,
            max_hr_bpm=PLACEHOLDER_MAX_HR if self.percent_of_max_hr else None,
        )
        if self.percent_of_max_hr:
            self.report.add(
                "W550",
                f"the workout has heart rates in % of max heart rate, which FIT does not carry: "
                f"the header says 'max-hr: {PLACEHOLDER_MAX_HR}'",
                None,
                "set the athlete's max heart rate; the FIT file keeps the percentages whatever it says",
            )
        result = Workout(meta=meta, steps=tuple(self._items(items)))
        if {"percent", "watts"} <= self.mixed_units:
            self.report.add(
                "W548",
                "the workout mixes watts and %FTP targets, and FIT carries no FTP",
                None,
                "add 'ftp: 250' (the athlete's FTP) to the imported header before compiling it",
            )
        return result

    def _messages(self) -> tuple[fc.DecodedMessage, fc.DecodedMessage | None, list[fc.DecodedMessage]]:
        try:
            header, trailing = fc.check_file(self.data)
            file_id: fc.DecodedMessage | None = None
            workout: fc.DecodedMessage | None = None
            steps: list[fc.DecodedMessage] = []
            for count, m in enumerate(fc.iter_messages(self.data, header)):
                if count >= MAX_MESSAGES:
                    raise self.fail(
                        "E546", f"the file has more than {MAX_MESSAGES:,} messages; a workout has a few dozen"
                    )
                if m.number == fc.Mesg.FILE_ID and file_id is None:
                    file_id = m
                    if m.get_int(0) != fc.FileType.WORKOUT:
                        break  # not a workout: said below, without reading the rest
                elif m.number == fc.Mesg.WORKOUT and workout is None:
                    workout = m
                elif m.number == fc.Mesg.WORKOUT_STEP:
                    steps.append(m)
                    if len(steps) > MAX_STEP_MESSAGES:
                        raise self.fail("E546", f"the workout has more than {MAX_STEP_MESSAGES:,} steps")
        except fc.FitDecodeError as exc:
            code = {"not_fit": "E540", "truncated": "E541", "crc": "E542", "malformed": "E543"}[exc.kind]
            hint = {
                "not_fit": "nmdsl imports FIT workout files (.fit), such as the ones it writes with -f fit",
                "truncated": "the file was probably cut short while copying or downloading: copy it again",
                "crc": "the file was damaged after it was written: copy it again from its source",
                "malformed": "the file is damaged, or was written by a broken tool",
            }[exc.kind]
            raise self.fail(code, str(exc), hint) from None
        if file_id is None:
            raise self.fail("E544", "the FIT file has no file_id message, so it is not a workout file")
        if trailing:
            self.report.add("W546", f"{trailing:,} bytes after the end of the FIT data are ignored")
        return file_id, workout, steps

    def _sport(self, workout: fc.DecodedMessage | None, steps: Sequence[fc.DecodedMessage]) -> Sport:
        code = workout.get_int(4) if workout is not None else None
        if code == fc.Sport.RUNNING:
            return "run"
        if code == fc.Sport.CYCLING:
            return "bike"
        # No sport (Garmin's own samples have none), or another one: guess
        # from the targets, as the language ties them to a sport.
        kinds = {m.get_int(3) for m in steps} | {m.get_int(19) for m in steps}
        if kinds & _SPEED_TYPES:
            guess: Sport = "run"
        elif kinds & (_POWER_TYPES | {fc.Target.CADENCE}):
            guess = "bike"
        elif any(m.get_int(1) == fc.Duration.DISTANCE for m in steps):
            guess = "run"
        else:
            guess = "bike"
        if code not in (None, fc.Sport.GENERIC):
            self.report.add(
                "W547",
                f"the workout's sport is FIT sport {code}; nmdsl has bike and run sessions: read as {guess}",
            )
        return guess

    def _pace_unit(self, steps: Sequence[fc.DecodedMessage]) -> Literal["km", "mi"]:
        """Speeds carry no unit: pick the one in which every pace is whole seconds."""
        speeds = []
        for m in steps:
            for kind_field, low_field, high_field in ((3, 5, 6), (19, 21, 22)):
                if m.get_int(kind_field) in _SPEED_TYPES:
                    speeds += [v for v in (m.get_int(low_field), m.get_int(high_field)) if v]
        if not speeds:
            return "km"

        def whole(per_m: float) -> bool:
            # 1 mm/s of rounding moves a pace by up to 1e6 * 0.5 / v^2 s per km.
            return all(
                abs(per_m / v * 1e3 - round(per_m / v * 1e3)) <= 0.5e6 * per_m / 1e3 / v**2 + 1e-6
                for v in speeds
            )

        if whole(1000.0):
            return "km"
        if whole(METRES_PER_MILE):
            return "mi"
        return "km"

    # -- the tree of repeats ---------------------------------------------------

    def _tree(self, messages: Sequence[fc.DecodedMessage]) -> list[_Node]:
        """Fold repeat steps over the steps before them, checking every reference."""
        index_of: dict[int, int] = {}
        for pos, m in enumerate(messages):
            mi = m.get_int(254)
            key = pos if mi is None else mi
            if key in index_of:
                raise self.fail(
                    "E545",
                    f"two steps have message_index {key}",
                    "a workout's message_index values are distinct",
                )
            index_of[key] = pos
        seq: list[_Node] = []
        for pos, m in enumerate(messages):
            dtype = m.get_int(1)
            if dtype in fc.Duration.REPEATS:
                self._repeat(pos, m, dtype, seq, index_of)
            else:
                node = self._step(pos, m)
                seq.append(node)
                self.expanded_steps += 1
                self.expanded_s += node.seconds
            if self.expanded_s > MAX_DURATION_S:
                raise self.fail(
                    "E546", "the workout lasts more than 24 hours", "nmdsl refuses larger sessions"
                )
        return seq

    def _repeat_until_hr(self, dtype: int | None, value: int | None) -> HeartRateEnd | None:
        """repeat_until_hr_less/greater_than as ``until <N:``; None when the language cannot say it."""
        if dtype not in (fc.Duration.REPEAT_UNTIL_HR_LESS_THAN, fc.Duration.REPEAT_UNTIL_HR_GREATER_THAN):
            return None
        return self._hr_end(dtype == fc.Duration.REPEAT_UNTIL_HR_LESS_THAN, value)

    def _hr_end(self, below: bool, value: int | None) -> HeartRateEnd | None:
        """A workout_hr (a step's or a repeat's end) as a heart-rate end; None if the language cannot say it.

        Above 100 it is bpm + 100; 1-100 is % of max heart rate, which needs a
        max-hr in the header (W550).
        """
        if value is None:
            return None
        lo, hi = HEART_RATE_LIMITS_BPM
        if value > fc.HR_BPM_OFFSET and lo <= value - fc.HR_BPM_OFFSET <= hi:
            return HeartRateEnd(below=below, bpm=value - fc.HR_BPM_OFFSET)
        if 0 < value <= 100:
            self.percent_of_max_hr = True
            return HeartRateEnd(below=below, pct=float(value), of="max_hr")
        return None

    def _repeat(
        self, pos: int, m: fc.DecodedMessage, dtype: int | None, seq: list[_Node], index_of: dict[int, int]
    ) -> None:
        where = f"step {pos + 1} (a repeat)"
        ref = m.get_int(2)
        if ref is None:
            raise self.fail("E545", f"{where} does not say where its repetition starts")
        first = index_of.get(ref)
        if first is None:
            raise self.fail("E545", f"{where} repeats from message_index {ref}, which no step has")
        if first >= pos:
            direction = "itself" if first == pos else f"a later step (step {first + 1})"
            raise self.fail("E545", f"{where} points at {direction}; a repeat step repeats steps before it")
        i = len(seq)
        while i > 0 and seq[i - 1].start > first:
            i -= 1
        if i == 0 or seq[i - 1].start != first:
            raise self.fail(
                "E545",
                f"{where} repeats from step {first + 1}, which is not where a step or a repeat begins "
                "(it points into the middle of an earlier repeat)",
            )
        i -= 1
        body = seq[i:]
        until: HeartRateEnd | None = None
        if dtype == fc.Duration.REPEAT_UNTIL_STEPS_CMPLT:
            count = m.get_int(4)
            if count is None or count < 1:
                raise self.fail("E545", f"{where} repeats {count or 0} times", "a repeat count is at least 1")
        elif (until := self._repeat_until_hr(dtype, m.get_int(4))) is not None:
            count = 1  # until >80%maxhr: (no ~Nx: FIT says nothing of how many times)
        else:
            count = 1
            what = _until_text(dtype, m.get_int(4))
            self.report.add(
                "W542",
                f"{where} repeats {what}; nmdsl repeats a number of times, so it is read as 1x",
                None,
                "set the count in the imported file",
            )
            head = body[0]
            if isinstance(head, _StepNode):
                head.step = head.step.model_copy(
                    update={"cues": (Cue(text=f"repeat {what}"), *head.step.cues)}
                )
        node = _RepeatNode(first, count, body, until)
        node.depth = 1 + max(b.depth for b in body)
        if node.depth > MAX_DEPTH:
            raise self.fail("E546", f"repeats nest more than {MAX_DEPTH} deep (at step {pos + 1})")
        inner_steps = sum(b.steps for b in body)
        inner_seconds = sum(b.seconds for b in body)
        node.steps = min(count * inner_steps, MAX_EXPANDED_STEPS + 1)
        node.seconds = min(count * inner_seconds, MAX_DURATION_S + 1.0)
        seq[i:] = [node]
        # Running totals, so a file of many repeats is folded in linear time.
        self.expanded_steps += node.steps - inner_steps
        self.expanded_s += node.seconds - inner_seconds
        if self.expanded_steps > MAX_EXPANDED_STEPS or self.expanded_s > MAX_DURATION_S:
            raise self.fail(
                "E546",
                f"{where} repeats {count:,} times: the workout would expand to more than "
                f"{MAX_EXPANDED_STEPS:,} steps or 24 hours",
                "nmdsl refuses larger sessions rather than unroll them",
            )

    # -- one step --------------------------------------------------------------

    def _step(self, pos: int, m: fc.DecodedMessage) -> _StepNode:
        where = f"step {pos + 1}"
        label = self._label(m.get_str(0))
        cues: list[Cue] = []
        if label.text:
            cues.append(Cue(text=label.text))
        duration_s, distance_m, until, condition = self._amount(where, m)
        if condition:
            cues.append(Cue(text=condition))
        cues += _cues(m.get_str(8), duration_s)

        target: IntensityTarget | None = None
        cadence: CadenceTarget | None = None
        heart_rate: AnyHeartRateTarget | None = None
        ramp_kind: Literal["percent", "watts", "speed"] | None = None
        ramp_range = (0.0, 0.0)
        for slot, (tf, vf, lf, hf) in enumerate(((3, 4, 5, 6), (19, 20, 21, 22))):
            got = self._target(where, m.get_int(tf), m.get_int(vf), m.get_int(lf), m.get_int(hf))
            if got is None:
                continue
            if isinstance(got, CadenceTarget):
                if cadence is None:
                    cadence = got
                    continue
            elif isinstance(got, (HeartRateTarget, HeartRateZoneTarget, HeartRatePercentTarget)):
                if heart_rate is None:
                    heart_rate = got
                    continue
            elif target is None:
                target = got
                if isinstance(got, (PercentTarget, ZoneTarget)):
                    self.mixed_units.add("percent")
                elif isinstance(got, WattsTarget):
                    self.mixed_units.add("watts")
                if slot == 0:
                    ramp_kind, ramp_range = _native(got)
                continue
            self.report.add("W543", f"{where} has two targets of one kind; the second is left out")
        if target is None:
            if label.marker == "all-out":
                target = MaxTarget()
            elif label.marker == "free" or (cadence is None and heart_rate is None):
                # An open step: FIT's "no target" is nmdsl's free ride.
                target = FreeTarget()
        # No intensity, or one nmdsl lacks (interval, other): an active step.
        intensity = _INTENSITY.get(m.get_int(7) or 0, "active")
        step = Step(
            intensity=intensity,
            duration_s=duration_s,
            distance_m=distance_m,
            until=until,
            target=target,
            cadence=cadence,
            heart_rate=heart_rate,
            drill=label.drill,
            cues=tuple(cues),
        )
        seconds = step_seconds(step, Metadata(sport=self.sport))[0] or 0.0
        return _StepNode(pos, step, label, ramp_kind if label.ramp else None, ramp_range, seconds=seconds)

    def _label(self, name: str | None) -> _Label:
        """Read back the step names nmdsl writes; anything else becomes a cue."""
        if not name:
            return _Label()
        words = name.split(" ")
        label = _Label()
        i = 0
        drill = _SHORT_DRILLS.get(words[0]) if len(words) > 1 else None
        drill = drill or (words[0] if words[0] in _DRILLS else None)
        if drill is not None and drills.defaults(drill, self.sport) is not None:
            label.drill = drill
            i = 1
        rest = " ".join(words[i:])
        if rest in names.MARKERS:
            label.marker = rest  # type: ignore[assignment]
        elif (match := names.RAMP_PART.fullmatch(rest)) and 1 <= int(match[1]) <= int(match[2]):
            label.ramp = (int(match[1]), int(match[2]))
        elif rest:
            return _Label(text=" ".join(name.split()))
        return label

    def _amount(
        self, where: str, m: fc.DecodedMessage
    ) -> tuple[int | float | None, float | None, StepEnd | None, str | None]:
        """(seconds, metres, end, condition text): exactly one of the first three is set.

        The text is set when the step ends on something nmdsl cannot say: it
        is read as the lap button, with the condition as a cue (W541).
        """
        dtype, value = m.get_int(1), m.get_int(2)
        if dtype in _TIME_TYPES and value is not None:
            if value == 0:
                self.report.add("W545", f"{where} lasts 0 s; nmdsl steps last longer than zero: read as 1 s")
                return 1, None, None, None
            return seconds_of_ms(value), None, None, None  # FIT's milliseconds, kept exactly
        if dtype == fc.Duration.DISTANCE and value is not None:
            # Centimetres, on runs and bikes alike.
            if value == 0:
                self.report.add("W545", f"{where} is 0 m long; read as 1 cm")
            return None, max(value, 1) / 100, None, None
        if dtype == fc.Duration.OPEN:
            return None, None, LapEnd(), None
        if dtype in (fc.Duration.HR_LESS_THAN, fc.Duration.HR_GREATER_THAN):
            end = self._hr_end(dtype == fc.Duration.HR_LESS_THAN, value)
            if end is not None:
                return None, None, end, None
        condition = _condition_text(dtype, value)
        self.report.add(
            "W541",
            f"{where} lasts {condition}, which nmdsl cannot say: read as 'lap' (the lap button) "
            "with the condition as a cue",
            None,
            "press lap when the condition is met, or give the step a duration in the imported file",
        )
        return None, None, LapEnd(), condition

    def _target(
        self, where: str, kind: int | None, value: int | None, low: int | None, high: int | None
    ) -> IntensityTarget | CadenceTarget | AnyHeartRateTarget | None:
        if kind is None or kind == fc.Target.OPEN:
            return None
        name = fc.Target.NAMES.get(kind, f"target type {kind}")
        custom = not value and low is not None and high is not None
        if low is not None and high is not None and low > high:
            low, high = high, low

        def drop(why: str) -> IntensityTarget | CadenceTarget | AnyHeartRateTarget | None:
            self.report.add("W543", f"{where}: its {name} target {why}; it is left out")
            return None

        if kind in _POWER_TYPES:
            if self.sport == "run":
                return drop("is power, which nmdsl run sessions do not take")
            if kind != fc.Target.POWER:
                self.report.add(
                    "W543", f"{where}: its {name} target is read as plain power (the averaging is lost)"
                )
            if not custom:
                if value is not None and 1 <= value <= 7:
                    # The device's power zone n is @Zn, as nmdsl writes @Zn
                    # (Coggan's range is used only where a number is needed).
                    lo, hi = ZONES[value]
                    return ZoneTarget(zone=value, low_pct=lo, high_pct=hi)
                return drop(f"is zone {value}, not a custom range" if value else "has no range")
            assert low is not None and high is not None
            if high <= fc.POWER_WATTS_OFFSET:
                if low < 1:
                    return drop(f"starts at {low}% FTP")
                return PercentTarget(low_pct=float(low), high_pct=float(high))
            if low > fc.POWER_WATTS_OFFSET:
                lo_w, hi_w = low - fc.POWER_WATTS_OFFSET, high - fc.POWER_WATTS_OFFSET
                if hi_w > MAX_WATTS:
                    return drop(f"reaches {hi_w} W (nmdsl's limit is {MAX_WATTS} W)")
                return WattsTarget(low_w=float(lo_w), high_w=float(hi_w))
            return drop(f"mixes %FTP ({low}) and watts ({high - fc.POWER_WATTS_OFFSET} W) in one range")
        if kind in _SPEED_TYPES:
            if self.sport != "run":
                return drop("is a speed, which nmdsl bike sessions do not take")
            if not custom:
                return drop(f"is speed zone {value}, which has no nmdsl form" if value else "has no range")
            assert low is not None and high is not None
            if low < 1:
                return drop("has a speed of 0")
            slow, fast = self._pace(low), self._pace(high)
            if fast.s_per_km < FASTEST_PACE_S_PER_KM:
                return drop(f"is faster than any human runs ({fast})")
            if kind != fc.Target.SPEED:
                self.report.add(
                    "W543", f"{where}: its {name} target is read as plain speed (the averaging is lost)"
                )
            return PaceTarget(fast=fast, slow=slow)
        if kind in _HR_TYPES:
            if kind != fc.Target.HEART_RATE:
                self.report.add(
                    "W543", f"{where}: its {name} target is read as plain heart rate (the averaging is lost)"
                )
            if not custom:
                if value is not None and 1 <= value <= 5:
                    return HeartRateZoneTarget(zone=value)
                return drop(f"is heart-rate zone {value}; nmdsl's are Z1hr-Z5hr" if value else "has no range")
            assert low is not None and high is not None
            if high <= fc.HR_BPM_OFFSET:
                # workout_hr 0-100: FIT's own % of max heart rate.
                if low < 1:
                    return drop(f"starts at {low}% of max heart rate")
                self.percent_of_max_hr = True
                return HeartRatePercentTarget(low_pct=float(low), high_pct=float(high), of="max_hr")
            if low <= fc.HR_BPM_OFFSET:
                bpm = high - fc.HR_BPM_OFFSET
                return drop(f"mixes % of max heart rate ({low}) and bpm ({bpm}) in one range")
            lo_b, hi_b = low - fc.HR_BPM_OFFSET, high - fc.HR_BPM_OFFSET
            if lo_b < HEART_RATE_LIMITS_BPM[0] or hi_b > HEART_RATE_LIMITS_BPM[1]:
                return drop(
                    f"is {lo_b}-{hi_b} bpm, outside {HEART_RATE_LIMITS_BPM[0]}-{HEART_RATE_LIMITS_BPM[1]} bpm"
                )
            return HeartRateTarget(low_bpm=lo_b, high_bpm=hi_b)
        if kind == fc.Target.CADENCE:
            if self.sport == "run":
                return drop("is a cadence, which nmdsl run sessions do not take")
            if not custom:
                return drop(f"is cadence zone {value}, which has no nmdsl form" if value else "has no range")
            assert low is not None and high is not None
            if low < CADENCE_LIMITS_RPM[0] or high > CADENCE_LIMITS_RPM[1]:
                return drop(
                    f"is {low}-{high} rpm, outside {CADENCE_LIMITS_RPM[0]}-{CADENCE_LIMITS_RPM[1]} rpm"
                )
            return CadenceTarget(low_rpm=low, high_rpm=high)
        return drop("has no nmdsl form")

    def _pace(self, mm_per_s: int) -> Pace:
        per_m = 1000.0 if self.pace_per == "km" else METRES_PER_MILE
        seconds = max(1, round(per_m * 1000 / mm_per_s))
        return Pace(seconds=seconds, per=self.pace_per)

    # -- nodes -> model --------------------------------------------------------

    def _items(self, nodes: Sequence[_Node]) -> list[Item]:
        out: list[Item] = []
        nodes = self._ramps(nodes)
        for node in nodes:
            if isinstance(node, _StepNode):
                out.append(node.step)
            else:
                body = self._items(node.body)
                steps = tuple(_implicit_recovery(body, self.sport))
                block = node.until is not None  # a repeat-until is a block: until >80%maxhr:
                out.append(Repeat(count=node.count, steps=steps, until=node.until, block=block))
        return out

    def _ramps(self, nodes: Sequence[_Node]) -> list[_Node]:
        """Fold ``ramp 1/n`` ... ``ramp n/n`` stairs back into one ramp step."""
        out: list[_Node] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if not isinstance(node, _StepNode) or node.label.ramp is None:
                out.append(node)
                i += 1
                continue
            k, n = node.label.ramp
            group = [x for x in nodes[i : i + n] if isinstance(x, _StepNode)]
            broken = _ramp_broken(group, k, n)
            if broken is not None:
                self.report.add(
                    "W549", f"step {node.start + 1} is named 'ramp {k}/{n}' but {broken}: read as a step"
                )
                out.append(node)
                i += 1
                continue
            why = _ramp_problem(group)
            if why is not None:
                self.report.add(
                    "W549", f"the ramp at step {node.start + 1} {why}: its {n} stairs are read as steps"
                )
                out.extend(group)
            else:
                out.append(self._ramp_step(group))
            i += n
        return out

    def _ramp_step(self, group: Sequence[_StepNode]) -> _StepNode:
        first, last = group[0], group[-1]
        kind = first.ramp_kind
        f_lo, f_hi = first.ramp_range
        l_lo, l_hi = last.ramp_range
        if len(group) == 1 or (l_lo + l_hi) >= (f_lo + f_hi):
            start, end = f_lo, l_hi
        else:
            start, end = f_hi, l_lo
        cues: list[Cue] = []
        offset = 0  # ms
        for stair in group:
            cues += [
                c.model_copy(update={"offset_s": seconds_of_ms(ms_of(c.offset_s) + offset)})
                for c in stair.step.cues
            ]
            offset += ms_of(stair.step.duration_s or 0)
        s = first.step
        until, estimate = last.step.until, None
        if until is not None and len(group) > 1:
            # The stairs split the estimate: the last lasted what the
            # shortest timed stair did (the first ones take the remainder).
            offset += min(ms_of(x.step.duration_s or 0) for x in group[:-1])
            estimate = seconds_of_ms(offset)
        step = s.model_copy(
            update={
                "target": RampTarget(
                    start=float(start), end=float(end), unit="watts" if kind == "watts" else "percent"
                ),
                "until": until,
                "estimate_s": estimate,
                "duration_s": seconds_of_ms(offset) if s.duration_s is not None and until is None else None,
                "distance_m": round(sum(x.step.distance_m or 0 for x in group), 2)
                if s.distance_m is not None
                else None,
                "cues": tuple(cues),
            }
        )
        return _StepNode(first.start, step, _Label(drill=first.label.drill))


def _ramp_broken(group: Sequence[_StepNode], k: int, n: int) -> str | None:
    """Why ``ramp k/n`` does not start n stairs in a row, or None."""
    if k != 1:
        return "it is not the first stair of a ramp"
    if len(group) != n or any(x.label.ramp != (j + 1, n) for j, x in enumerate(group)):
        return f"the {n} stairs of the ramp do not follow each other"
    return None


def _ramp_problem(group: Sequence[_StepNode]) -> str | None:
    """Why the stairs cannot be one nmdsl ramp, or None."""
    first = group[0]
    if first.ramp_kind is None:
        return "has no power target"
    if first.ramp_kind == "speed":
        return "is a ramp of paces (nmdsl ramps are % or W)"
    last = group[-1]
    if any(x.step.until is not None for x in group[:-1]) or (
        last.step.until is not None and any(x.step.duration_s is None for x in group[:-1])
    ):
        return "has stairs that differ in more than their power"
    for x in group[1:]:
        # The last stair may end on the lap button or a heart rate (a ramp
        # that ends so, split over its estimate).
        ends_as_step = x is last and x.step.until is not None
        same = (
            x.ramp_kind == first.ramp_kind
            and x.label.drill == first.label.drill
            and x.step.intensity == first.step.intensity
            and (ends_as_step or (x.step.duration_s is None) == (first.step.duration_s is None))
            and x.step.cadence == first.step.cadence
            and x.step.heart_rate == first.step.heart_rate
        )
        if not same:
            return "has stairs that differ in more than their power"
    return None


def _native(t: IntensityTarget) -> tuple[Literal["percent", "watts", "speed"] | None, tuple[float, float]]:
    if isinstance(t, PercentTarget):
        return "percent", (t.low_pct, t.high_pct)
    if isinstance(t, WattsTarget):
        return "watts", (t.low_w, t.high_w)
    if isinstance(t, PaceTarget):
        return "speed", (t.slow.speed_mps, t.fast.speed_mps)
    return None, (0.0, 0.0)


def _implicit_recovery(body: list[Item], sport: Sport) -> list[Item]:
    """``Nx drill`` + its default recovery: mark the recovery as the default, so it
    is written ``Nx drill D``."""
    if len(body) == 2 and isinstance(body[0], Step) and isinstance(body[1], Step) and body[0].drill:
        d = drills.defaults(body[0].drill, sport)
        if d is not None and body[1].model_copy(update={"implicit": True}) == d.recovery:
            return [body[0], d.recovery]
    return body


def _cues(notes: str | None, seconds: float | None) -> list[Cue]:
    """The notes nmdsl writes: one cue per line, ``at 4m: text`` for an offset."""
    if not notes:
        return []
    out = []
    for line in notes.splitlines():
        text = " ".join(line.split())
        if not text:
            continue
        match = names.CUE_NOTE.fullmatch(text)
        if match and match[1]:
            offset = _seconds(match[1])
            if seconds is not None and 0 < offset < seconds:
                out.append(Cue(text=match[2], offset_s=offset))
                continue
        out.append(Cue(text=text))
    return out


def _seconds(text: str) -> int | float:
    return parse_duration_s(text, allow_zero=True)


def _hr_text(value: int | None) -> str:
    if value is None:
        return "a heart rate"
    if value > fc.HR_BPM_OFFSET:
        return f"{value - fc.HR_BPM_OFFSET} bpm"
    return f"{value}% of max heart rate"


def _power_text(value: int | None) -> str:
    if value is None:
        return "a power"
    if value > fc.POWER_WATTS_OFFSET:
        return f"{value - fc.POWER_WATTS_OFFSET} W"
    return f"{value}% FTP"


def _condition_text(dtype: int | None, value: int | None) -> str:
    """How a step that ends on a condition ends, in words (also its cue)."""
    d = fc.Duration
    if dtype == d.OPEN or dtype is None:
        return "until the lap button"
    if dtype == d.HR_LESS_THAN:
        return f"until heart rate is below {_hr_text(value)}"
    if dtype == d.HR_GREATER_THAN:
        return f"until heart rate is above {_hr_text(value)}"
    if dtype == d.CALORIES:
        return f"until {value} kcal"
    if dtype in (d.POWER_LESS_THAN, 19, 20, 21, 25):
        return f"until power is below {_power_text(value)}"
    if dtype in (d.POWER_GREATER_THAN, 22, 23, 24, 26):
        return f"until power is above {_power_text(value)}"
    if dtype == d.REPS:
        return f"for {value} reps"
    return f"until '{d.NAMES.get(dtype, f'end condition {dtype}')}'"


def _until_text(dtype: int | None, value: int | None) -> str:
    d = fc.Duration
    if dtype == d.REPEAT_UNTIL_TIME:
        return f"until {duration_text(seconds_of_ms(value or 0))} have passed"
    if dtype == d.REPEAT_UNTIL_DISTANCE:
        return f"until {(value or 0) / 100:g} m"
    if dtype == d.REPEAT_UNTIL_CALORIES:
        return f"until {value} kcal"
    if dtype == d.REPEAT_UNTIL_HR_LESS_THAN:
        return f"until heart rate is below {_hr_text(value)}"
    if dtype == d.REPEAT_UNTIL_HR_GREATER_THAN:
        return f"until heart rate is above {_hr_text(value)}"
    if dtype == d.REPEAT_UNTIL_POWER_LESS_THAN:
        return f"until power is below {_power_text(value)}"
    if dtype == d.REPEAT_UNTIL_POWER_GREATER_THAN:
        return f"until power is above {_power_text(value)}"
    return f"until '{d.NAMES.get(dtype or 0, 'a condition')}'"


def _name_from(filename: str) -> str | None:
    if filename.startswith("<"):
        return None
    return PurePath(filename).stem or None
