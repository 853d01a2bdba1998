"""The validated workout model.

One tree that every backend reads (the sqlglot idea: one tree, many
generators).  Nodes are frozen, slotted dataclasses; each carries the
:class:`~nmdsl.diagnostics.Span` of the source text it came from.  Units are
part of field names: ``duration_s``, ``low_pct``, ``cadence``'s ``low_rpm``.

Targets form a tagged union on ``kind``.  An *intensity* target (percent,
watts, zone, ramp, max, free, pace) says how hard; cadence and heart rate are
separate, optional fields because a step may carry them beside one.

Why dataclasses and not pydantic models: a workout is built once per file,
and the builder has already validated every value against the source with a
diagnostic that points at it, so validating again on construction only cost
time (pydantic's import alone was 65 ms of a 200 ms ``nmdsl compile``, and
construction a tenth of ``nmdsl check``'s CPU).  pydantic still does what it
is good at, at the boundary: :meth:`Node.model_validate_json` and
:meth:`Node.model_validate` validate untrusted data, :meth:`Node.model_json_schema`
gives the JSON Schema and :meth:`Node.model_dump_json` the ``-f json``
output.  Those methods import pydantic on first use and build its
``TypeAdapter`` for the class from the annotations below, which is why the
constraints are written as pydantic ``Field(...)`` inside string annotations
(``from __future__ import annotations``): they are read only then.  The few
constraints that keep a hand-built model meaningful (a repeat count of at
least 1, a zone from 1 to 7, a positive pace) are also checked on
construction, in ``__post_init__``.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nmdsl.diagnostics import Span

if TYPE_CHECKING:
    from typing import Annotated, Self

    from pydantic import Field, TypeAdapter

METRES_PER_MILE = 1609.344

Sport = Literal["bike", "run"]
Intensity = Literal["warmup", "active", "recovery", "rest", "cooldown"]
Drill = Literal[
    "sprint", "strides", "accel", "spinup", "standing-start", "torque", "hill-sprint", "flying"
]
PaceUnit = Literal["km", "mi"]

_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def ms_of(seconds: float) -> int:
    """Seconds as whole milliseconds, exact for every duration the model holds
    (the float nearest ``16.8`` gives ``16800``): sums of durations are made in these."""
    return round(seconds * 1000)


def seconds_of_ms(ms: int) -> int | float:
    """Milliseconds as seconds: an ``int`` when whole, else the nearest ``float`` (``16800`` -> ``16.8``)."""
    whole, rest = divmod(ms, 1000)
    return whole if rest == 0 else ms / 1000


def _exact_seconds(node: Any, name: str) -> None:
    """Store the float field ``name`` as :func:`seconds_of_ms` gives it: whole ms, an int when whole."""
    value = getattr(node, name)
    if value is not None and type(value) is not int:
        object.__setattr__(node, name, seconds_of_ms(round(value * 1000)))


def _adapter(cls: type) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        # The string annotations name ``Field`` and ``Annotated``; pydantic
        # resolves them in this module's namespace.
        from typing import Annotated

        from pydantic import Field, TypeAdapter

        globals().setdefault("Field", Field)
        globals().setdefault("Annotated", Annotated)
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


class Node:
    """What every model class shares: pydantic's model methods, built on demand.

    Every node is a ``@dataclass(frozen=True, slots=True, kw_only=True)``:
    immutable and hashable, small and quick to build, keyword-only.
    """

    __slots__ = ()

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with the fields in ``update`` replaced (not validated)."""
        return dataclasses.replace(self, **update) if update else self  # type: ignore[type-var]

    def model_dump(self, **kwargs: Any) -> Any:
        """The node as plain data (pydantic's ``dump_python``; ``mode="json"`` for JSON types)."""
        return _adapter(type(self)).dump_python(self, **kwargs)

    def model_dump_json(self, *, indent: int | None = None, **kwargs: Any) -> str:
        """The node as JSON text, as ``-f json`` writes it."""
        return _adapter(type(self)).dump_json(self, indent=indent, **kwargs).decode("utf-8")

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """Validate plain data (e.g. parsed JSON) into this class; raises pydantic's ``ValidationError``."""
        return _adapter(cls).validate_python(obj)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        """Validate JSON text (e.g. ``-f json`` output) into this class."""
        return _adapter(cls).validate_json(data)  # type: ignore[no-any-return]

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of this class (``nmdsl schema`` prints the Workout's)."""
        schema: dict[str, Any] = _adapter(cls).json_schema()
        return schema

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of the fields, in order."""
        return tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]


def as_data(node: Any, *, drop: frozenset[str] = frozenset()) -> Any:
    """A node as plain data (dicts, lists, scalars), without the keys in ``drop``.

    The same data as ``model_dump()`` with tuples as lists, without importing
    pydantic: quick enough for ``nmdsl fmt``'s meaning check on every file.
    """
    if isinstance(node, (Node, Span)):
        return {
            f.name: as_data(getattr(node, f.name), drop=drop)
            for f in dataclasses.fields(node)  # type: ignore[arg-type]
            if f.name not in drop
        }
    if isinstance(node, (tuple, list)):
        return [as_data(x, drop=drop) for x in node]
    return node


@dataclass(frozen=True, slots=True, kw_only=True)
class Pace(Node):
    """A running pace as written: ``seconds`` per ``per`` (km or mile)."""

    seconds: Annotated[int, Field(gt=0)]
    per: PaceUnit = "km"

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError(f"a pace must be positive, not {self.seconds} s")

    @property
    def s_per_km(self) -> float:
        return self.seconds if self.per == "km" else self.seconds * 1000 / METRES_PER_MILE

    @property
    def speed_mps(self) -> float:
        return 1000.0 / self.s_per_km

    def __str__(self) -> str:
        return f"{self.seconds // 60}:{self.seconds % 60:02d}/{self.per}"


@dataclass(frozen=True, slots=True, kw_only=True)
class PercentTarget(Node):
    """``@150%``, ``@88-94%``: percent of FTP (bike) or of threshold speed (run)."""

    kind: Literal["percent"] = "percent"
    low_pct: float
    high_pct: float
    of: Literal["ftp", "threshold_speed"] = "ftp"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WattsTarget(Node):
    """``@250W``, ``@240-260W`` (bike)."""

    kind: Literal["watts"] = "watts"
    low_w: float
    high_w: float
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneTarget(Node):
    """``@Z2``: a Coggan power zone, resolved to its %FTP range (bike)."""

    kind: Literal["zone"] = "zone"
    zone: Annotated[int, Field(ge=1, le=7)]
    low_pct: float
    high_pct: float
    span: Span | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.zone <= 7:
            raise ValueError(f"power zones are Z1 to Z7, not Z{self.zone}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RampTarget(Node):
    """``ramp 45%-70%``: linear change from ``start`` to ``end`` over the step."""

    kind: Literal["ramp"] = "ramp"
    start: float
    end: float
    unit: Literal["percent", "watts"] = "percent"
    of: Literal["ftp", "threshold_speed"] = "ftp"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MaxTarget(Node):
    """``max``: an all-out effort; no ERG target, the athlete goes as hard as possible."""

    kind: Literal["max"] = "max"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FreeTarget(Node):
    """``free``: free ride / free running: no target, ERG off."""

    kind: Literal["free"] = "free"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaceTarget(Node):
    """``@4:30/km``, ``@4:20-4:30/km`` (run).  ``fast`` is the smaller number."""

    kind: Literal["pace"] = "pace"
    fast: Pace
    slow: Pace
    span: Span | None = None

    @property
    def middle_s_per_km(self) -> float:
        return (self.fast.s_per_km + self.slow.s_per_km) / 2


@dataclass(frozen=True, slots=True, kw_only=True)
class PeakPercentTarget(Node):
    """``@95%pmax``, ``@85-95%pmax`` (bike), ``@95%vmax`` (run): a share of the header's peak.

    ``pmax`` is the athlete's peak power (``pmax:``, best ~5 s), ``vmax`` their
    top sprint speed (``vmax:``, written as a pace).  A class of its own, not a
    :class:`PercentTarget`, so that no consumer can take it for %FTP.
    """

    kind: Literal["peak_pct"] = "peak_pct"
    low_pct: float
    high_pct: float
    of: Literal["pmax", "vmax"]
    span: Span | None = None


#: Any intensity target.  (The model's own fields name the union with
#: pydantic's discriminator on ``kind``, read only when pydantic builds.)
IntensityTarget = (
    PercentTarget
    | WattsTarget
    | ZoneTarget
    | RampTarget
    | MaxTarget
    | FreeTarget
    | PaceTarget
    | PeakPercentTarget
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CadenceTarget(Node):
    """``110rpm``, ``100-110rpm`` (bike)."""

    low_rpm: int
    high_rpm: int
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateTarget(Node):
    """``@150bpm``, ``@140-150bpm``."""

    kind: Literal["bpm"] = "bpm"
    low_bpm: int
    high_bpm: int
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateZoneTarget(Node):
    """``@Z2hr``: heart-rate zone 1-5, the athlete's own zones where the device has them."""

    kind: Literal["hr_zone"] = "hr_zone"
    zone: Annotated[int, Field(ge=1, le=5)]
    span: Span | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.zone <= 5:
            raise ValueError(f"a heart-rate zone is 1 to 5, not {self.zone}")


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRatePercentTarget(Node):
    """``@80%lthr``, ``@65-75%maxhr``: a share of the header's ``lthr:`` or ``max-hr:``."""

    kind: Literal["hr_pct"] = "hr_pct"
    low_pct: float
    high_pct: float
    of: Literal["lthr", "max_hr"]
    span: Span | None = None


#: A heart-rate target: bpm, a zone, or a share of LTHR or max HR.
AnyHeartRateTarget = HeartRateTarget | HeartRateZoneTarget | HeartRatePercentTarget


@dataclass(frozen=True, slots=True, kw_only=True)
class LapEnd(Node):
    """``lap``: the step lasts until the athlete presses the lap button."""

    kind: Literal["lap"] = "lap"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class HeartRateEnd(Node):
    """``until <130bpm`` (``below``), ``until >165bpm``, ``until <70%maxhr``, ``until >95%lthr``.

    The step lasts until heart rate crosses ``bpm``, or ``pct`` percent of the
    header's ``max-hr`` or ``lthr`` (``of``): exactly one of the two is set.
    """

    kind: Literal["heart_rate"] = "heart_rate"
    below: bool
    bpm: int | None = None
    pct: float | None = None
    of: Literal["max_hr", "lthr"] | None = None
    span: Span | None = None

    def __post_init__(self) -> None:
        if (self.bpm is None) == (self.pct is None) or (self.pct is None) != (self.of is None):
            raise ValueError("a heart-rate end has a bpm, or a pct with what it is a share of")


#: How a step ends when it is neither a time nor a distance.
StepEnd = LapEnd | HeartRateEnd


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue(Node):
    """Text shown to the athlete ``offset_s`` seconds into its step."""

    text: str
    #: Seconds, to the millisecond (an ``int`` when whole).
    offset_s: int | float = 0
    span: Span | None = None

    def __post_init__(self) -> None:
        if type(self.offset_s) is not int:
            _exact_seconds(self, "offset_s")


@dataclass(frozen=True, slots=True, kw_only=True)
class Step(Node):
    """One step: an amount (time or distance), targets, cues."""

    kind: Literal["step"] = "step"
    intensity: Intensity = "active"
    #: Seconds, to the millisecond: an ``int`` when whole (``30``), else the
    #: float nearest the exact value (``16.8``); sums are made in whole
    #: milliseconds (:func:`ms_of`), so they never drift.
    duration_s: int | float | None = None
    distance_m: float | None = None
    #: ``lap`` or ``until <130bpm``: the step ends on an event (then neither
    #: ``duration_s`` nor ``distance_m`` is set).
    until: Annotated[StepEnd, Field(discriminator="kind")] | None = None
    #: ``~D`` after ``lap``, ``until ...`` or a distance: how long it is
    #: expected to last (seconds, to the millisecond), for totals and for
    #: formats that cannot end a step so.
    estimate_s: int | float | None = None
    target: Annotated[IntensityTarget, Field(discriminator="kind")] | None = None
    cadence: CadenceTarget | None = None
    heart_rate: Annotated[AnyHeartRateTarget, Field(discriminator="kind")] | None = None
    drill: Drill | None = None
    #: True for a step nmdsl added (a drill's default recovery), not written.
    implicit: bool = False
    cues: tuple[Cue, ...] = ()
    span: Span | None = None

    def __post_init__(self) -> None:
        if self.duration_s is not None and type(self.duration_s) is not int:
            _exact_seconds(self, "duration_s")
        if self.estimate_s is not None and type(self.estimate_s) is not int:
            _exact_seconds(self, "estimate_s")


@dataclass(frozen=True, slots=True, kw_only=True)
class Repeat(Node):
    """``6x a / b`` or an indented ``6x:`` block: ``steps`` done ``count`` times."""

    kind: Literal["repeat"] = "repeat"
    count: Annotated[int, Field(ge=1)]
    steps: tuple[Annotated[Step | Repeat, Field(discriminator="kind")], ...]
    #: True for the ``Nx:`` block form, False for the one-line form.
    block: bool = False
    #: ``until >80%maxhr:``: repeated until heart rate crosses the value (a
    #: block).  ``count`` is then how many times it is expected to run:
    #: ``~3x`` when written (``estimated``), else 1.
    until: HeartRateEnd | None = None
    estimated: bool = False
    span: Span | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a repeat count must be at least 1, not {self.count}")


#: A step or a repeat: what a workout and a repeat hold.
Item = Step | Repeat


@dataclass(frozen=True, slots=True, kw_only=True)
class HeaderSpan(Node):
    """Where a header value was written: ``key`` as in the source (``name``, ``threshold-pace``)."""

    key: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata(Node):
    """The header: ``key: value`` lines before the first step."""

    name: str | None = None
    author: str | None = None
    description: str | None = None
    sport: Sport = "bike"
    tags: tuple[str, ...] = ()
    ftp_w: float | None = None
    threshold_pace: Pace | None = None
    lthr_bpm: int | None = None
    max_hr_bpm: int | None = None
    #: ``pmax:``, the athlete's peak power in watts (bike).
    pmax_w: float | None = None
    #: ``vmax:``, the athlete's top sprint speed, written as a pace (run).
    vmax: Pace | None = None
    #: Where each value was written, in source order (empty for a model
    #: built by hand or imported): what a diagnostic about the name, an FTP
    #: or a description points at.
    header_spans: tuple[HeaderSpan, ...] = ()

    def span_of(self, key: str) -> Span | None:
        """The span of the value of header line ``key`` (``name``, ``ftp``, ...), if it was written."""
        for h in self.header_spans:
            if h.key == key:
                return h.span
        return None


@dataclass(frozen=True, slots=True, kw_only=True, weakref_slot=True)
class Workout(Node):
    """A whole session: its header and its steps."""

    meta: Metadata = Metadata()
    steps: tuple[Annotated[Step | Repeat, Field(discriminator="kind")], ...] = ()

    def timeline(self) -> list[Segment]:
        """The flattened timeline: every step in the order it is done."""
        return timeline(self)

    def totals(self) -> Totals:
        """Total duration and distance, from the timeline."""
        return totals(self)

# -- the timeline ----------------------------------------------------------------------
#
# The flattened timeline: what the athlete does, step after step.
#
# Backends, totals and statistics read the workout through this one function
# instead of each walking repeats themselves.  A distance step's time is
# estimated from its pace target (the middle of a pace range) or from a
# percent-of-threshold-speed target when the header sets ``threshold-pace``;
# without either its time is unknown (``duration_s is None``).
#
# The timeline lives with the model: ``Workout.timeline()`` and
# ``Workout.totals()`` are the model's own methods, and one module keeps the
# two from importing each other.


@dataclass(frozen=True, slots=True)
class Segment:
    """One step as it happens: where it starts and how long it lasts."""

    start_s: float
    #: Seconds; for a distance step, an estimate (``estimated``) or None.
    duration_s: float | None
    step: Step
    #: The repetition number (0-based) in each enclosing repeat, outermost first.
    iteration: tuple[int, ...] = ()
    estimated: bool = False

    @property
    def end_s(self) -> float | None:
        if self.duration_s is None:
            return None
        end = self.start_s + self.duration_s
        # A timed step ends on a millisecond: the float nearest it, not the
        # float sum (0.002 + 0.007 is 0.009000000000000001).
        return end if self.estimated else ms_of(end) / 1000


@dataclass(frozen=True, slots=True)
class Totals:
    duration_s: float
    distance_m: float
    #: Distance steps whose time could not be estimated (not in duration_s).
    unknown_duration_steps: int
    #: True when some of duration_s comes from estimated distance steps.
    estimated: bool

    @property
    def exact(self) -> bool:
        return not self.estimated and self.unknown_duration_steps == 0


def step_seconds(step: Step, meta: Metadata) -> tuple[float | None, bool]:
    """The step's time in seconds and whether it is an estimate."""
    if step.duration_s is not None:
        return float(step.duration_s), False
    if step.estimate_s is not None:  # ~D: the writer's own estimate wins over a pace's
        return float(step.estimate_s), True
    if step.distance_m is None:
        return None, False
    speed = _speed_mps(step, meta)
    if speed is None or speed <= 0:
        return None, False
    return step.distance_m / speed, True


def _speed_mps(step: Step, meta: Metadata) -> float | None:
    t = step.target
    if isinstance(t, PaceTarget):
        return 1000.0 / t.middle_s_per_km
    if isinstance(t, PeakPercentTarget):
        if t.of == "vmax" and meta.vmax is not None:
            return meta.vmax.speed_mps * (t.low_pct + t.high_pct) / 200.0
        return None
    if meta.threshold_pace is None:
        return None
    threshold = meta.threshold_pace.speed_mps
    if isinstance(t, PercentTarget) and t.of == "threshold_speed":
        return threshold * (t.low_pct + t.high_pct) / 200.0
    if isinstance(t, RampTarget) and t.unit == "percent" and t.of == "threshold_speed":
        return threshold * (t.start + t.end) / 200.0
    return None


def peak_watts(t: PeakPercentTarget, meta: Metadata) -> tuple[float, float] | None:
    """A ``%pmax`` target in watts (low, high), from the header's ``pmax:``; None without it."""
    if t.of != "pmax" or meta.pmax_w is None:
        return None
    return meta.pmax_w * t.low_pct / 100.0, meta.pmax_w * t.high_pct / 100.0


def peak_speeds_mps(t: PeakPercentTarget, meta: Metadata) -> tuple[float, float] | None:
    """A ``%vmax`` target as speeds in m/s (low, high), from the header's ``vmax:``; None without it."""
    if t.of != "vmax" or meta.vmax is None:
        return None
    return meta.vmax.speed_mps * t.low_pct / 100.0, meta.vmax.speed_mps * t.high_pct / 100.0


def share_of_peak(
    target: IntensityTarget | None, meta: Metadata, ftp_w: float | None = None
) -> tuple[float, float] | None:
    """The target's two ends as % of the athlete's peak: ``pmax:`` on a bike, ``vmax:`` on a run.

    The ends as written: a range's low and high, a ramp's start and end, a
    pace range's slow and fast end.  ``max`` is 100%: an all-out effort is
    meant to reach the peak.  None when the header has no peak, when the
    target has no level (``free``, heart rate or cadence only), or when it
    cannot be related to the peak (%FTP without an FTP -- ``ftp_w`` stands
    in for a header without one --, % of threshold speed without
    ``threshold-pace:``).
    """
    if target is None or isinstance(target, FreeTarget):
        return None
    if meta.sport == "bike":
        peak = meta.pmax_w
        ftp = meta.ftp_w if meta.ftp_w is not None else ftp_w
        scale = None if ftp is None or peak is None else ftp / peak  # %FTP -> %pmax
        per_w = None if peak is None else 100.0 / peak
    else:
        peak = None if meta.vmax is None else meta.vmax.speed_mps
        threshold = None if meta.threshold_pace is None else meta.threshold_pace.speed_mps
        scale = None if threshold is None or peak is None else threshold / peak
        per_w = None
    if peak is None:
        return None
    if isinstance(target, MaxTarget):
        return 100.0, 100.0
    if isinstance(target, PeakPercentTarget):
        own = "pmax" if meta.sport == "bike" else "vmax"
        return (target.low_pct, target.high_pct) if target.of == own else None
    if isinstance(target, PaceTarget):
        if meta.sport == "bike":
            return None
        return 100.0 * target.slow.speed_mps / peak, 100.0 * target.fast.speed_mps / peak
    if isinstance(target, WattsTarget):
        return None if per_w is None else (target.low_w * per_w, target.high_w * per_w)
    if isinstance(target, RampTarget):
        if target.unit == "watts":
            return None if per_w is None else (target.start * per_w, target.end * per_w)
        return None if scale is None else (target.start * scale, target.end * scale)
    # A percentage or a power zone: of FTP on a bike, of threshold speed on a run.
    return None if scale is None else (target.low_pct * scale, target.high_pct * scale)


def iter_steps(
    items: Sequence[Step | Repeat], iteration: tuple[int, ...] = ()
) -> Iterator[tuple[Step, tuple[int, ...]]]:
    """Every step in order, repeats unrolled, with its iteration path."""
    for item in items:
        if item.kind == "step":
            yield item, iteration
        else:
            for i in range(item.count):
                yield from iter_steps(item.steps, (*iteration, i))


def _walk(
    items: Sequence[Step | Repeat], iteration: tuple[int, ...], guessed: bool
) -> Iterator[tuple[Step, tuple[int, ...], bool]]:
    """:func:`iter_steps`, and whether the step's repetition is a guess (inside a repeat-until)."""
    for item in items:
        if item.kind == "step":
            yield item, iteration, guessed
        else:
            inner = guessed or item.until is not None
            for i in range(item.count):
                yield from _walk(item.steps, (*iteration, i), inner)


#: The last workout's timeline: ``check`` compiles one workout to several
#: formats (and lints it) in a row, and each asks for the same timeline.  A
#: workout is frozen, so its timeline never changes; the weak reference keeps
#: the cache from holding the workout alive.
_last: tuple[weakref.ref[Workout], tuple[Segment, ...]] | None = None


def timeline(workout: Workout) -> list[Segment]:
    global _last
    last = _last
    if last is not None and last[0]() is workout:
        return list(last[1])
    out: list[Segment] = []
    # Timed steps add up in whole milliseconds (exact: 10,000 steps of 0.1 s
    # end at 1000 s, not 999.9999999998); estimated distance steps, which are
    # not exact anyway, add up as floats beside them.
    exact_ms = 0
    estimate = 0.0
    meta = workout.meta
    for step, iteration, guessed in _walk(workout.steps, (), False):
        t = exact_ms / 1000 + estimate if estimate else exact_ms / 1000
        if step.duration_s is not None:
            duration = step.duration_s
            out.append(Segment(t, float(duration), step, iteration, guessed))
            exact_ms += duration * 1000 if type(duration) is int else ms_of(duration)
            continue
        seconds, estimated = step_seconds(step, meta)
        out.append(Segment(t, seconds, step, iteration, estimated or guessed))
        if seconds is not None:
            estimate += seconds
    _last = (weakref.ref(workout), tuple(out))
    return out


def totals(workout: Workout) -> Totals:
    return totals_of(timeline(workout))


def totals_of(segments: Sequence[Segment]) -> Totals:
    """The totals of a timeline already at hand (timed steps summed in whole milliseconds)."""
    exact_ms = 0
    duration = distance = 0.0
    unknown = 0
    estimated = False
    for seg in segments:
        if seg.duration_s is None:
            unknown += 1
        elif seg.estimated:
            duration += seg.duration_s
            estimated = True
        else:
            exact_ms += ms_of(seg.duration_s)
        if seg.step.distance_m is not None:
            distance += seg.step.distance_m
    return Totals(exact_ms / 1000 + duration, distance, unknown, estimated)


def repeats_until(items: Sequence[Step | Repeat]) -> Iterator[Repeat]:
    """Every repeat-until (``until >80%maxhr:``) of ``items``, outermost first."""
    for item in items:
        if item.kind == "repeat":
            if item.until is not None:
                yield item
            yield from repeats_until(item.steps)


def end_bpm(end: HeartRateEnd, meta: Metadata) -> float | None:
    """The heart rate that ends the step, in bpm; None when the header lacks the number it needs."""
    if end.bpm is not None:
        return float(end.bpm)
    base = meta.max_hr_bpm if end.of == "max_hr" else meta.lthr_bpm
    return None if base is None or end.pct is None else base * end.pct / 100


def heart_rate_bpm(target: AnyHeartRateTarget, meta: Metadata) -> tuple[float, float] | None:
    """The target as (low, high) bpm; None when the header lacks the number it needs.

    A zone is taken from ``lthr:`` when set, else from ``max-hr:``
    (:data:`nmdsl.limits.HR_ZONES_PCT_LTHR`, ``HR_ZONES_PCT_MAX_HR``).
    """
    from nmdsl.limits import HR_ZONES_PCT_LTHR, HR_ZONES_PCT_MAX_HR

    if isinstance(target, HeartRateTarget):
        return float(target.low_bpm), float(target.high_bpm)
    if isinstance(target, HeartRatePercentTarget):
        base = meta.lthr_bpm if target.of == "lthr" else meta.max_hr_bpm
        if base is None:
            return None
        return base * target.low_pct / 100, base * target.high_pct / 100
    if meta.lthr_bpm is not None:
        lo, hi = HR_ZONES_PCT_LTHR[target.zone]
        return meta.lthr_bpm * lo / 100, meta.lthr_bpm * hi / 100
    if meta.max_hr_bpm is not None:
        lo, hi = HR_ZONES_PCT_MAX_HR[target.zone]
        return meta.max_hr_bpm * lo / 100, meta.max_hr_bpm * hi / 100
    return None
