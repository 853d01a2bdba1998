"""Hypothesis strategies for the FIT tests: workouts FIT can carry whole.

Generated sessions use every target kind, drills, cues (offsets too), ramps,
distances (on bikes too), ``lap`` and ``until <Nbpm`` / ``>Nbpm`` ends with
or without an estimate, heart-rate zones, ``%lthr`` and ``%maxhr``, and
nested repeats, but never what FIT is documented to lose (a third target on
a step, a ramp of paces, ``%maxhr`` above 100), so that ``import(compile(S))``
must give back S's timeline exactly (estimates aside: FIT has no field for
them).  No tests live here.
"""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from nmdsl.language import drills
from nmdsl.limits import ZONES
from nmdsl.model import (
    AnyHeartRateTarget,
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
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
    step_seconds,
)

INTENSITIES = ("active", "recovery", "rest", "warmup", "cooldown")
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéAZ,.!", min_size=1, max_size=8)


@st.composite
def ranges(draw: st.DrawFn, low: int, high: int) -> tuple[int, int]:
    a = draw(st.integers(low, high))
    b = draw(st.integers(low, high))
    return min(a, b), max(a, b)


@st.composite
def cues(draw: st.DrawFn, duration_s: int | None) -> tuple[Cue, ...]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        text = " ".join(draw(st.lists(WORDS, min_size=1, max_size=4)))
        offset = 0
        if duration_s is not None and duration_s > 1 and draw(st.booleans()):
            offset = draw(st.integers(1, duration_s - 1))
        out.append(Cue(text=text, offset_s=offset))
    return tuple(out)


@st.composite
def paces(draw: st.DrawFn) -> PaceTarget:
    per = draw(st.sampled_from(["km", "mi"]))
    lo, hi = (150, 600) if per == "km" else (240, 960)
    fast, slow = draw(ranges(lo, hi))
    return PaceTarget(fast=Pace(seconds=fast, per=per), slow=Pace(seconds=slow, per=per))


@st.composite
def intensity_targets(draw: st.DrawFn, sport: Sport, ramp_ok: bool) -> IntensityTarget | None:
    if sport == "bike":
        kinds = ["percent", "watts", "zone", "max", "free", "none"] + (["ramp"] if ramp_ok else [])
    else:
        kinds = ["pace", "threshold", "max", "free", "none"]
    kind = draw(st.sampled_from(kinds))
    if kind == "percent":
        lo, hi = draw(ranges(1, 400))
        return PercentTarget(low_pct=lo, high_pct=hi)
    if kind == "threshold":
        lo, hi = draw(ranges(50, 130))
        return PercentTarget(low_pct=lo, high_pct=hi, of="threshold_speed")
    if kind == "watts":
        lo, hi = draw(ranges(1, 1500))
        return WattsTarget(low_w=lo, high_w=hi)
    if kind == "zone":
        zone = draw(st.integers(1, 7))
        return ZoneTarget(zone=zone, low_pct=ZONES[zone][0], high_pct=ZONES[zone][1])
    if kind == "ramp":
        if draw(st.booleans()):
            return RampTarget(start=draw(st.integers(20, 300)), end=draw(st.integers(20, 300)))
        return RampTarget(start=draw(st.integers(50, 600)), end=draw(st.integers(50, 600)), unit="watts")
    if kind == "pace":
        return draw(paces())
    if kind == "max":
        return MaxTarget()
    if kind == "free":
        return FreeTarget()
    return None


@st.composite
def heart_rates(draw: st.DrawFn) -> AnyHeartRateTarget:
    kind = draw(st.sampled_from(["bpm", "zone", "lthr", "max_hr"]))
    if kind == "zone":
        return HeartRateZoneTarget(zone=draw(st.integers(1, 5)))
    if kind == "lthr":
        lo, hi = draw(ranges(60, 110))
        return HeartRatePercentTarget(low_pct=lo, high_pct=hi, of="lthr")
    if kind == "max_hr":
        lo, hi = draw(ranges(40, 100))  # FIT's own % of max HR ends at 100
        return HeartRatePercentTarget(low_pct=lo, high_pct=hi, of="max_hr")
    lo, hi = draw(ranges(60, 200))
    return HeartRateTarget(low_bpm=lo, high_bpm=hi)


@st.composite
def steps(draw: st.DrawFn, sport: Sport) -> Step:
    drill = draw(
        st.sampled_from(
            [
                *(None, None, None, "sprint", "strides", "accel", "spinup"),
                *("standing-start", "torque", "hill-sprint", "flying"),
            ]
        )
    )
    if drill is not None and (drills.defaults(drill, sport) is None or (sport == "run" and drill == "accel")):
        drill = None  # a run accel is a ramp of paces: not carried whole
    distance_m: float | None = None
    duration_s: int | None = None
    until: StepEnd | None = None
    estimate_s: int | None = None
    end = draw(st.sampled_from(["time", "time", "distance", "lap", "until"]))
    if drill is not None or end == "time":
        duration_s = draw(st.integers(1, 900))
    elif end == "distance":
        distance_m = float(draw(st.integers(50, 20000)))
    elif end == "lap":
        until = LapEnd()
    else:
        until = HeartRateEnd(below=draw(st.booleans()), bpm=draw(st.integers(80, 200)))
    if duration_s is None and draw(st.booleans()):
        estimate_s = draw(st.integers(1, 900))
    intensity = draw(st.sampled_from(INTENSITIES))
    cadence: CadenceTarget | None = None
    heart_rate: AnyHeartRateTarget | None = None
    if drill is not None:
        d = drills.defaults(drill, sport)
        assert d is not None
        target: IntensityTarget | None = d.target
        cadence = d.cadence
        if isinstance(target, RampTarget):
            duration_s = max(duration_s or 2, 2)
    else:
        target = draw(intensity_targets(sport, ramp_ok=duration_s is not None and duration_s >= 2))
    # FIT carries two targets: an intensity one and one more, or cadence and heart rate.
    has_slot = not isinstance(target, (MaxTarget, FreeTarget, type(None)))
    room = 1 if has_slot else 2
    if drill is None and sport == "bike" and room and draw(st.booleans()):
        lo, hi = draw(ranges(40, 150))
        cadence = CadenceTarget(low_rpm=lo, high_rpm=hi)
    room -= cadence is not None
    if room and draw(st.booleans()):
        heart_rate = draw(heart_rates())
    if target is None and cadence is None and heart_rate is None:
        target = FreeTarget()
    return Step(
        intensity=intensity,
        duration_s=duration_s,
        distance_m=distance_m,
        until=until,
        estimate_s=estimate_s,
        target=target,
        cadence=cadence,
        heart_rate=heart_rate,
        drill=drill,
        cues=draw(cues(duration_s)),
    )


@st.composite
def items(draw: st.DrawFn, sport: Sport, depth: int) -> Item:
    if depth >= 2 or draw(st.integers(0, 2)):
        return draw(steps(sport))
    body = draw(st.lists(items(sport, depth + 1), min_size=1, max_size=3))
    return Repeat(count=draw(st.integers(1, 6)), steps=tuple(body))


@st.composite
def workouts(draw: st.DrawFn) -> Workout:
    sport: Sport = draw(st.sampled_from(["bike", "run"]))
    meta = Metadata(
        name=draw(st.sampled_from(["Session", "30/30s", "Rønnestad"])),
        sport=sport,
        ftp_w=250.0 if sport == "bike" else None,
        threshold_pace=Pace(seconds=draw(st.integers(200, 330))) if sport == "run" else None,
        lthr_bpm=draw(st.integers(140, 185)),
        max_hr_bpm=190,
    )
    workout = Workout(meta=meta, steps=tuple(draw(st.lists(items(sport, 0), min_size=1, max_size=5))))
    timeline = workout.timeline()
    assume(len(timeline) <= 5000 and workout.totals().duration_s <= 20 * 3600)
    # FIT carries no ~D estimate: the file's own time (a distance at its pace)
    # must stay inside the importer's limits too.
    without_estimates = sum(
        step_seconds(seg.step.model_copy(update={"estimate_s": None}), meta)[0] or 0.0 for seg in timeline
    )
    assume(without_estimates <= 20 * 3600)
    return workout
