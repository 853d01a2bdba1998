"""The flattened timeline: what the athlete does, step after step.

Backends, totals and statistics read the workout through this one function
instead of each walking repeats themselves.  A distance step's time is
estimated from its pace target (the middle of a pace range) or from a
percent-of-threshold-speed target when the header sets ``threshold-pace``;
without either its time is unknown (``duration_s is None``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Metadata, Repeat, Step, Workout


def ms_of(seconds: float) -> int:
    """Seconds as whole milliseconds, as :func:`nmdsl.model.ms_of` (this module sits below the model)."""
    return round(seconds * 1000)


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
    if step.distance_m is None:
        return None, False
    speed = _speed_mps(step, meta)
    if speed is None or speed <= 0:
        return None, False
    return step.distance_m / speed, True


def _speed_mps(step: Step, meta: Metadata) -> float | None:
    from .model import PaceTarget, PercentTarget, RampTarget

    t = step.target
    if isinstance(t, PaceTarget):
        return 1000.0 / t.middle_s_per_km
    if meta.threshold_pace is None:
        return None
    threshold = meta.threshold_pace.speed_mps
    if isinstance(t, PercentTarget) and t.of == "threshold_speed":
        return threshold * (t.low_pct + t.high_pct) / 200.0
    if isinstance(t, RampTarget) and t.unit == "percent" and t.of == "threshold_speed":
        return threshold * (t.start + t.end) / 200.0
    return None


def iter_steps(
    items: Sequence[Step | Repeat], iteration: tuple[int, ...] = ()
) -> Iterator[tuple[Step, tuple[int, ...]]]:
    """Every step in order, repeats unrolled, with its iteration path."""
    for item in items:
        if item.kind == "step":
            yield item, iteration
        else:
            for i in range(item.count):
                yield from iter_steps(item.steps, iteration + (i,))


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
    for step, iteration in iter_steps(workout.steps):
        t = exact_ms / 1000 + estimate if estimate else exact_ms / 1000
        if step.duration_s is not None:
            duration = step.duration_s
            out.append(Segment(t, float(duration), step, iteration, False))
            exact_ms += duration * 1000 if type(duration) is int else ms_of(duration)
            continue
        seconds, estimated = step_seconds(step, meta)
        out.append(Segment(t, seconds, step, iteration, estimated))
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
