"""The neuromuscular drills: default targets and default recoveries.

The reasoning and sources for each number are in docs/drills.md; keep the
two in step.  A drill step may override any part of its default (its
intensity target, its cadence, its heart rate) by writing it, and its
recovery by writing ``/ recovery-step``.
"""

from __future__ import annotations

from dataclasses import dataclass

from nmdsl.model import (
    CadenceTarget,
    Drill,
    FreeTarget,
    IntensityTarget,
    MaxTarget,
    PercentTarget,
    RampTarget,
    Sport,
    Step,
)


@dataclass(frozen=True)
class DrillDefaults:
    target: IntensityTarget
    cadence: CadenceTarget | None
    #: The recovery after each repetition of ``Nx drill D`` (no ``/``).
    recovery: Step
    summary: str


def _easy_spin(seconds: int) -> Step:
    return Step(
        intensity="recovery",
        duration_s=seconds,
        target=PercentTarget(low_pct=50.0, high_pct=50.0),
        implicit=True,
    )


def _walk_jog(seconds: int) -> Step:
    return Step(intensity="recovery", duration_s=seconds, target=FreeTarget(), implicit=True)


_BIKE: dict[str, DrillDefaults] = {
    "sprint": DrillDefaults(MaxTarget(), None, _easy_spin(180), "all-out; 3m @50% after each"),
    "strides": DrillDefaults(
        PercentTarget(low_pct=120.0, high_pct=130.0),
        CadenceTarget(low_rpm=100, high_rpm=110),
        _easy_spin(60),
        "@120-130% 100-110rpm, seated; 1m @50% after each",
    ),
    "accel": DrillDefaults(
        RampTarget(start=80.0, end=180.0),
        None,
        _easy_spin(120),
        "seated, ramp 80%-180%; 2m @50% after each",
    ),
    "spinup": DrillDefaults(
        PercentTarget(low_pct=50.0, high_pct=60.0),
        CadenceTarget(low_rpm=120, high_rpm=140),
        _easy_spin(60),
        "@50-60% 120-140rpm; 1m @50% after each",
    ),
    "standing-start": DrillDefaults(
        MaxTarget(), None, _easy_spin(300), "all-out from a near standstill, big gear; 5m @50% after each"
    ),
    "torque": DrillDefaults(
        PercentTarget(low_pct=85.0, high_pct=95.0),
        CadenceTarget(low_rpm=50, high_rpm=60),
        _easy_spin(180),
        "@85-95% 50-60rpm, seated; 3m @50% after each",
    ),
}

_RUN: dict[str, DrillDefaults] = {
    "sprint": DrillDefaults(MaxTarget(), None, _walk_jog(180), "all-out; 3m free (walk back) after each"),
    "strides": DrillDefaults(
        PercentTarget(low_pct=115.0, high_pct=125.0, of="threshold_speed"),
        None,
        _walk_jog(60),
        "@115-125% of threshold speed (about mile pace), relaxed; 1m free after each",
    ),
    "accel": DrillDefaults(
        RampTarget(start=80.0, end=125.0, of="threshold_speed"),
        None,
        _walk_jog(90),
        "build-up, ramp 80%-125% of threshold speed; 1m30s free after each",
    ),
    "hill-sprint": DrillDefaults(
        MaxTarget(), None, _walk_jog(180), "all-out up a steep hill; 3m free (walk back down) after each"
    ),
    "flying": DrillDefaults(
        MaxTarget(), None, _walk_jog(240), "top speed after a run-in; 4m free (walk back, stand) after each"
    ),
}

DEFAULTS: dict[str, dict[str, DrillDefaults]] = {"bike": _BIKE, "run": _RUN}


def defaults(drill: Drill, sport: Sport) -> DrillDefaults | None:
    """The defaults of ``drill`` for ``sport``, or None when it has none there."""
    return DEFAULTS[sport].get(drill)
