"""Training numbers for a workout: duration, work, NP, IF, TSS, zones, NM summary.

Everything is computed from the timeline (``workout.timeline()``), so the
numbers describe the session exactly as it unrolls.  The definitions are the
standard ones (Allen & Coggan, *Training and Racing with a Power Meter*):

- the power of a bike session is a second-by-second series; a step's level is
  the middle of its range, a ramp changes linearly (each second takes the
  ramp's value at the middle of that second, so a ramp's mean is exact);
- normalized power (NP): the 30-second trailing rolling average from the 30th
  second on, raised to the 4th power, averaged, 4th root;
- intensity factor IF = NP / FTP; training stress score
  TSS = duration in hours * IF^2 * 100;
- work (kJ) = the sum of the watts of every second / 1000 (needs an FTP).

``max`` and ``free`` steps have no number of their own; :class:`StatsOptions`
says what they are taken to be (by default what ``nmdsl compile`` writes to
ERG/MRC: 200% and 50% of FTP).  docs/stats.md explains every choice.

Run sessions get duration, (estimated) distance and pace, time at or above a
fast threshold and the neuromuscular summary, but no NP/IF/TSS (there is no
power).  Their training load is rTSS, from the planned speed relative to
threshold pace, and hrTSS (any sport), from heart-rate targets relative to
LTHR; both count only the steps that have the number they need and say how
much of the session that is (:func:`training_load`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nmdsl.limits import HR_ZONES_PCT_LTHR, HR_ZONES_PCT_MAX_HR, ZONES
from nmdsl.model import (
    FreeTarget,
    HeartRateEnd,
    HeartRateZoneTarget,
    LapEnd,
    MaxTarget,
    Metadata,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Segment,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    heart_rate_bpm,
    peak_speeds_mps,
    peak_watts,
    share_of_peak,
    step_seconds,
    totals_of,
)

#: Coggan's names for the seven levels (docs/language.md, "Power zones").
ZONE_NAMES: dict[int, str] = {
    1: "active recovery",
    2: "endurance",
    3: "tempo",
    4: "threshold",
    5: "VO2max",
    6: "anaerobic capacity",
    7: "neuromuscular",
}

#: The rolling window of normalized power, in seconds (Coggan's definition).
NP_WINDOW_S = 30

#: Sport defaults for what ``max`` and ``free`` are taken to be, in percent of
#: FTP (bike) or of threshold speed (run).  The bike values are those of
#: ``EmitOptions`` so ``stats`` describes the ERG/MRC file ``compile`` writes.
#: The run values are conventions: a walk or slow jog back is about half of
#: threshold speed (8:20/km for a 4:10/km runner), and 150% (2:47/km there)
#: is a hard sprint for a runner of that level.
DEFAULT_MAX_EFFORT_PCT = {"bike": 200.0, "run": 150.0}
DEFAULT_FREE_RIDE_PCT = {"bike": 50.0, "run": 50.0}
#: "Hard" time: at or above 150% FTP (the neuromuscular / anaerobic border the
#: language draws between Z6 and Z7) or 115% of threshold speed (the bottom of
#: the run strides default, about mile race pace).
DEFAULT_HARD_PCT = {"bike": 150.0, "run": 115.0}
#: "Near-peak" time, when the header knows the athlete's peak (``pmax:`` on a
#: bike, ``vmax:`` on a run): at or above 90% of it, the share that
#: repeated-sprint work keeps an effort above to count it as still maximal
#: (docs/stats.md, "The neuromuscular summary").
DEFAULT_PEAK_PCT = 90.0
#: The easy ceiling for work:recovery: a step at or below it counts as
#: recovery whatever its label.  Bike: the top of Z1 (active recovery).  Run: a
#: jog, 75% of threshold speed (5:33/km for a 4:10/km runner).
DEFAULT_EASY_PCT = {"bike": float(ZONES[1][1]), "run": 75.0}

Unit = Literal["pct_ftp", "watts", "pct_threshold_speed", "speed_mps"]
BlockKind = Literal["steady", "ramp", "max", "free", "unknown"]


@dataclass(frozen=True)
class StatsOptions:
    """The assumptions behind the numbers; None means the sport's default."""

    #: What a ``max`` step is taken to be, in % FTP (bike) or % threshold speed (run).
    max_effort_pct: float | None = None
    #: What a ``free`` step (and a step with only a cadence or heart rate) is taken to be.
    free_ride_pct: float | None = None
    #: FTP in watts for sessions whose header sets none (like ``--ftp``).
    ftp_w: float | None = None
    #: The threshold of "hard" time (150% FTP on a bike, 115% threshold speed on a run).
    hard_pct: float | None = None
    #: At or below this a step counts as recovery in work:recovery ratios.
    easy_pct: float | None = None
    #: The threshold of near-peak time, in % of pmax (bike) or vmax (run).
    peak_pct: float | None = None

    def resolved(self, sport: str) -> ResolvedOptions:
        return ResolvedOptions(
            max_effort_pct=_or(self.max_effort_pct, DEFAULT_MAX_EFFORT_PCT[sport]),
            free_ride_pct=_or(self.free_ride_pct, DEFAULT_FREE_RIDE_PCT[sport]),
            hard_pct=_or(self.hard_pct, DEFAULT_HARD_PCT[sport]),
            easy_pct=_or(self.easy_pct, DEFAULT_EASY_PCT[sport]),
        )


def _or(value: float | None, default: float) -> float:
    return default if value is None else float(value)


@dataclass(frozen=True)
class ResolvedOptions:
    """:class:`StatsOptions` with every default filled in for one sport."""

    max_effort_pct: float
    free_ride_pct: float
    hard_pct: float
    easy_pct: float


# -- the profile: each step's level, in one unit ---------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One step on the time axis with its level in the profile's unit."""

    start_s: float
    duration_s: float
    #: Level at the start and at the end of the step (equal unless a ramp);
    #: None when it cannot be known in this unit (``kind == "unknown"``).
    start: float | None
    end: float | None
    kind: BlockKind
    segment: Segment

    @property
    def mean(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Profile:
    """The workout as levels over time: what the chart draws and stats sample.

    ``unit`` is ``pct_ftp`` for bike sessions (``reference`` is the FTP in
    watts when known), ``watts`` for a watts-only bike session without FTP,
    ``pct_threshold_speed`` for runs (``reference`` is the threshold speed in
    m/s when known) and ``speed_mps`` for pace-only runs without threshold.
    """

    sport: str
    unit: Unit
    reference: float | None
    blocks: tuple[Block, ...]
    duration_s: float
    #: Steps whose time is unknown (a lap or until step without ``~D``, a
    #: distance without a usable pace or ``~D``): not placed.
    unplaced_steps: int
    options: ResolvedOptions
    #: Those steps' segments: where each would begin (what the chart marks).
    unplaced: tuple[Segment, ...] = ()


def profile(
    workout: Workout, options: StatsOptions | None = None, segments: Sequence[Segment] | None = None
) -> Profile:
    """Every timed step of ``workout`` with its level (see :class:`Profile`)."""
    options = options or StatsOptions()
    meta = workout.meta
    opts = options.resolved(meta.sport)
    segments = workout.timeline() if segments is None else segments
    ctx = _context(workout, options, segments)
    blocks: list[Block] = []
    unplaced: list[Segment] = []
    end = 0.0
    for seg in segments:
        if seg.duration_s is None:
            unplaced.append(seg)
            continue
        start, stop, kind = _level(seg.step, ctx, opts)
        blocks.append(Block(seg.start_s, seg.duration_s, start, stop, kind, seg))
        end = seg.start_s + seg.duration_s
    return Profile(
        meta.sport, ctx.unit, ctx.reference, tuple(blocks), end, len(unplaced), opts, tuple(unplaced)
    )


@dataclass(frozen=True)
class _Context:
    sport: str
    unit: Unit
    #: FTP (W) or threshold speed (m/s), to convert absolute targets to percent.
    reference: float | None
    #: The header, for targets relative to its pmax or vmax.
    meta: Metadata


def _context(workout: Workout, options: StatsOptions, segments: Sequence[Segment]) -> _Context:
    meta = workout.meta
    targets = [seg.step.target for seg in segments]
    if meta.sport == "bike":
        ftp = meta.ftp_w if meta.ftp_w is not None else options.ftp_w
        if ftp is not None:
            return _Context("bike", "pct_ftp", float(ftp), meta)
        watts = any(_is_watts(t) for t in targets)
        relative = any(isinstance(t, PercentTarget | ZoneTarget) or _is_pct_ramp(t) for t in targets)
        # Without an FTP a watts-only session stays in watts (its max/free
        # steps, which are assumed in %FTP, then have no level).
        return _Context("bike", "watts" if watts and not relative else "pct_ftp", None, meta)
    if meta.threshold_pace is not None:
        return _Context("run", "pct_threshold_speed", meta.threshold_pace.speed_mps, meta)
    paces = any(isinstance(t, PaceTarget) for t in targets)
    relative = any(isinstance(t, PercentTarget) or _is_pct_ramp(t) for t in targets)
    return _Context("run", "speed_mps" if paces and not relative else "pct_threshold_speed", None, meta)


def _is_watts(t: object) -> bool:
    return isinstance(t, WattsTarget) or (isinstance(t, RampTarget) and t.unit == "watts")


def _is_pct_ramp(t: object) -> bool:
    return isinstance(t, RampTarget) and t.unit == "percent"


def _level(step: Step, ctx: _Context, opts: ResolvedOptions) -> tuple[float | None, float | None, BlockKind]:
    """The step's level at its start and end, in ``ctx.unit``, and its kind."""
    t = step.target
    ref = ctx.reference
    percent_unit = ctx.unit in ("pct_ftp", "pct_threshold_speed")
    if isinstance(t, MaxTarget) or t is None or isinstance(t, FreeTarget):
        kind: BlockKind = "max" if isinstance(t, MaxTarget) else "free"
        pct = opts.max_effort_pct if kind == "max" else opts.free_ride_pct
        if percent_unit:
            return pct, pct, kind
        if ref is not None:  # pragma: no cover - absolute units are used only without a reference
            return pct * ref / 100, pct * ref / 100, kind
        return None, None, "unknown"
    if isinstance(t, PercentTarget | ZoneTarget):
        mid = (t.low_pct + t.high_pct) / 2
        return (mid, mid, "steady") if percent_unit else (None, None, "unknown")
    if isinstance(t, WattsTarget):
        mid = (t.low_w + t.high_w) / 2
        return _absolute(mid, mid, ctx, "steady")
    if isinstance(t, RampTarget):
        if t.unit == "percent":
            return (t.start, t.end, "ramp") if percent_unit else (None, None, "unknown")
        return _absolute(t.start, t.end, ctx, "ramp")
    if isinstance(t, PeakPercentTarget):  # %pmax in watts, %vmax in m/s (None without the header)
        meta = ctx.meta
        both = peak_watts(t, meta) if t.of == "pmax" else peak_speeds_mps(t, meta)
        if both is None:
            return None, None, "unknown"
        mid = (both[0] + both[1]) / 2
        return _absolute(mid, mid, ctx, "steady")
    # A pace: its speed is linear in the profile (the middle of the two paces
    # in s/km, as the timeline estimates time, turned into a speed).
    speed = 1000.0 / t.middle_s_per_km
    return _absolute(speed, speed, ctx, "steady")


def _absolute(
    start: float, end: float, ctx: _Context, kind: BlockKind
) -> tuple[float | None, float | None, BlockKind]:
    """Watts or m/s in the profile's unit (percent of the reference when there is one)."""
    if ctx.unit in ("watts", "speed_mps"):
        return start, end, kind
    if ctx.reference is None:
        return None, None, "unknown"
    return start * 100 / ctx.reference, end * 100 / ctx.reference, kind


# -- the numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneTime:
    """Time spent in one power zone; the zone holds levels in (low_pct, high_pct]."""

    zone: int
    name: str
    #: Exclusive lower edge (None: open, for Z1) and inclusive upper edge (None: open, Z7).
    low_pct: float | None
    high_pct: float | None
    seconds: float


@dataclass(frozen=True)
class HeartRateZoneTime:
    """Time with a heart-rate target in one heart-rate zone (1-5).

    A zone holds the heart rates above the top of the zone below, up to and
    including its own top (Z1 has no floor, Z5 no ceiling), in bpm from the
    header's ``lthr:`` (else ``max-hr:``); the edges are None without either.
    """

    zone: int
    low_bpm: float | None
    high_bpm: float | None
    seconds: float


@dataclass(frozen=True)
class RepeatStats:
    """One repeat as written, with the work and recovery of one repetition."""

    line: int | None
    count: int
    #: True for an ``Nx:`` block, False for a one-line ``Nx a / b``.
    block: bool
    #: A short description: ``10x 30s / 30s``, ``3x: 10x (30s / 30s) + 5m``.
    label: str
    #: Seconds of work and recovery in one repetition (None: a step's time is unknown).
    work_s: float | None
    recovery_s: float | None
    #: True when a time in it is an estimate (``until <130bpm ~3m``, ``lap ~5m``, a run's pace).
    estimated: bool = False

    @property
    def ratio(self) -> float | None:
        """work / recovery; None when there is no recovery or a time is unknown."""
        if self.work_s is None or self.recovery_s is None or self.recovery_s == 0:
            return None
        return self.work_s / self.recovery_s


@dataclass(frozen=True)
class NeuromuscularStats:
    #: Steps with the target ``max`` (sprints included), and their total time.
    all_out_efforts: int
    all_out_s: float
    #: Time at or above ``hard_pct`` (% FTP on a bike, % threshold speed on a
    #: run); None when the session's levels are not in percent.
    hard_s: float | None
    hard_pct: float
    #: Drill steps done, by drill name (implicit recoveries not counted).
    drills: dict[str, int]
    repeats: tuple[RepeatStats, ...]
    #: What near-peak time is relative to: ``pmax`` (bike) or ``vmax`` (run);
    #: None when the header sets neither, and then the two below are None.
    peak_of: str | None = None
    #: The share of the peak that counts, in %.
    peak_pct: float = DEFAULT_PEAK_PCT
    #: Efforts that reach ``peak_pct`` of the peak (back-to-back steps are one
    #: effort; ``max`` counts, being meant to reach it), and the time at or above it.
    peak_efforts: int | None = None
    peak_s: float | None = None


@dataclass(frozen=True)
class WorkoutStats:
    """Everything ``nmdsl stats`` reports for one workout.

    Power numbers are None when they cannot be known (a run; a watts-only
    session without FTP has no IF, TSS or zones; no FTP means no watts or
    kJ); ``notes`` says why.
    """

    name: str | None
    sport: str
    duration_s: float
    #: True when some of the duration is estimated (run distance steps).
    duration_estimated: bool
    #: Steps whose time is unknown, left out of every number.
    unknown_duration_steps: int
    #: Runs: distance steps plus the estimated distance of timed steps.
    distance_m: float | None
    distance_estimated: bool
    #: Run steps whose distance could not be estimated (left out of distance_m).
    unknown_distance_steps: int
    ftp_w: float | None
    average_power_w: float | None
    average_pct_ftp: float | None
    normalized_power_w: float | None
    normalized_pct_ftp: float | None
    intensity_factor: float | None
    tss: float | None
    work_kj: float | None
    #: Runs: average speed over the steps whose time and distance are known.
    average_speed_mps: float | None
    average_pct_threshold_speed: float | None
    zones: tuple[ZoneTime, ...]
    neuromuscular: NeuromuscularStats
    max_effort_pct: float
    free_ride_pct: float
    #: Whether the session has max / free steps (the assumptions matter).
    has_max: bool
    has_free: bool
    notes: tuple[str, ...] = field(default=())
    #: True when some step's time is unknown: ``duration_s`` (and work, TSS,
    #: zones) is then the known part, a lower bound.
    duration_at_least: bool = False
    #: The steps of unknown time by how they end: ``lap``, ``until`` (heart
    #: rate), ``distance`` (no pace and no ``~D``); every repetition counts.
    unknown_steps_by_end: dict[str, int] = field(default_factory=dict)
    #: Time with a heart-rate target in each heart-rate zone, Z1-Z5 (empty
    #: when no step has one); see docs/stats.md.
    hr_zones: tuple[HeartRateZoneTime, ...] = ()
    #: What the zones' bpm edges come from: ``lthr``, ``max_hr``, or None.
    hr_zone_basis: str | None = None
    #: Seconds with a heart-rate target that no zone can hold (bpm without
    #: ``lthr:`` or ``max-hr:``, or a %-target whose header value is missing).
    hr_unzoned_s: float = 0.0
    #: Runs: rTSS over the steps with a speed level (``rtss_s`` seconds of
    #: them); None when no step has one.  See :func:`training_load`.
    rtss: float | None = None
    rtss_s: float = 0.0
    #: hrTSS over the steps with a heart-rate target that LTHR can judge
    #: (``hrtss_s`` seconds of them); None when none can be.
    hrtss: float | None = None
    hrtss_s: float = 0.0

    @property
    def average_pace_s_per_km(self) -> float | None:
        return None if not self.average_speed_mps else 1000.0 / self.average_speed_mps

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary, rounded to sensible precision, in a fixed order."""
        d = asdict(self)
        nm = d["neuromuscular"]
        nm["repeats"] = [{**r, "ratio": _round(RepeatStats(**r).ratio, 3)} for r in nm["repeats"]]
        d["average_pace_s_per_km"] = self.average_pace_s_per_km
        rounded: dict[str, Any] = _rounded(d)
        return rounded


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


_DIGITS = {"intensity_factor": 3, "ratio": 3}


def _rounded(x: Any, key: str = "") -> Any:
    if isinstance(x, dict):
        return {k: _rounded(v, k) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_rounded(v, key) for v in x]
    if isinstance(x, float):
        r = round(x, _DIGITS.get(key, 1))
        return r + 0.0  # never -0.0
    return x


def stats(workout: Workout, options: StatsOptions | None = None) -> WorkoutStats:
    """The training numbers of ``workout`` (see the module docstring and docs/stats.md)."""
    options = options or StatsOptions()
    segments = workout.timeline()
    prof = profile(workout, options, segments)
    opts = prof.options
    totals = totals_of(segments)
    notes: list[str] = []
    has_max = any(isinstance(s.step.target, MaxTarget) for s in segments)
    has_free = any(s.step.target is None or isinstance(s.step.target, FreeTarget) for s in segments)
    by_end = _unknown_by_end(segments)
    if by_end:
        notes.append(_unknown_time_note(by_end, workout.meta.sport))
    if any(b.kind == "unknown" for b in prof.blocks):
        notes.append(_unknown_note(prof))
    power = _bike_power(prof, notes) if prof.sport == "bike" else None
    run = _run_numbers(prof, segments) if prof.sport == "run" else None
    if prof.sport == "run":
        notes.append("runs have no power: no NP, IF, TSS or zones; rTSS and hrTSS instead")
    load = training_load(prof, segments, workout.meta)
    notes.extend(load.notes)
    nm = NeuromuscularStats(
        all_out_efforts=sum(1 for s in segments if isinstance(s.step.target, MaxTarget)),
        all_out_s=math.fsum(s.duration_s or 0.0 for s in segments if isinstance(s.step.target, MaxTarget)),
        hard_s=_hard_seconds(prof, power.series if power else None),
        hard_pct=opts.hard_pct,
        drills=_drill_counts(segments),
        repeats=tuple(_repeats(workout, prof)),
        **_near_peak(segments, workout.meta, options),
    )
    hr_zones, basis, unzoned = _heart_rate_zones(segments, workout.meta)
    if unzoned:
        notes.append(
            f"{format_duration(unzoned)} with a heart-rate target is in no zone "
            "(heart-rate zones in bpm need lthr: or max-hr:)"
        )
    return WorkoutStats(
        name=workout.meta.name,
        sport=workout.meta.sport,
        duration_s=totals.duration_s,
        duration_estimated=totals.estimated,
        unknown_duration_steps=totals.unknown_duration_steps,
        distance_m=run.distance_m if run else None,
        distance_estimated=run.estimated if run else False,
        unknown_distance_steps=run.unknown_steps if run else 0,
        ftp_w=prof.reference if prof.unit == "pct_ftp" else None,
        average_power_w=power.average_w if power else None,
        average_pct_ftp=power.average_pct if power else None,
        normalized_power_w=power.np_w if power else None,
        normalized_pct_ftp=power.np_pct if power else None,
        intensity_factor=power.intensity_factor if power else None,
        tss=power.tss if power else None,
        work_kj=power.work_kj if power else None,
        average_speed_mps=run.average_speed_mps if run else None,
        average_pct_threshold_speed=run.average_pct if run else None,
        zones=power.zones if power else (),
        neuromuscular=nm,
        max_effort_pct=opts.max_effort_pct,
        free_ride_pct=opts.free_ride_pct,
        has_max=has_max,
        has_free=has_free,
        notes=tuple(notes),
        duration_at_least=totals.unknown_duration_steps > 0,
        unknown_steps_by_end=by_end,
        hr_zones=hr_zones,
        hr_zone_basis=basis,
        hr_unzoned_s=unzoned,
        rtss=load.rtss,
        rtss_s=load.rtss_s,
        hrtss=load.hrtss,
        hrtss_s=load.hrtss_s,
    )


def _unknown_by_end(segments: Sequence[Segment]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seg in segments:
        if seg.duration_s is None:
            match seg.step.until:
                case LapEnd():
                    key = "lap"
                case HeartRateEnd():
                    key = "until"
                case _:
                    key = "distance"
            counts[key] = counts.get(key, 0) + 1
    return {k: counts[k] for k in ("lap", "until", "distance") if k in counts}


def _unknown_time_note(by_end: dict[str, int], sport: str) -> str:
    words = {"lap": "until the lap button", "until": "until a heart rate", "distance": "a distance"}
    kinds = ", ".join(f"{n} {words[k]}" for k, n in by_end.items())
    how = "give each an estimate (lap ~10m, until <130bpm ~3m, 2km ~4m)"
    if sport == "run" and "distance" in by_end:
        how += "; a run distance also gets one from a pace target or threshold-pace"
    return (
        f"{sum(by_end.values())} step(s) have no known time ({kinds}): left out, so the duration "
        f"and every number are at least what is shown; {how}"
    )


def hr_zone_edges(meta: Metadata) -> tuple[str | None, list[tuple[int, float | None, float | None]]]:
    """The basis (``lthr``, ``max_hr`` or None) and (zone, exclusive low, inclusive high) bpm of Z1..Z5."""
    if meta.lthr_bpm is not None:
        base, table, basis = float(meta.lthr_bpm), HR_ZONES_PCT_LTHR, "lthr"
    elif meta.max_hr_bpm is not None:
        base, table, basis = float(meta.max_hr_bpm), HR_ZONES_PCT_MAX_HR, "max_hr"
    else:
        return None, [(z, None, None) for z in range(1, 6)]
    tops = {z: base * table[z][1] / 100 for z in range(1, 6)}
    return basis, [(z, None if z == 1 else tops[z - 1], None if z == 5 else tops[z]) for z in range(1, 6)]


def _heart_rate_zones(
    segments: Sequence[Segment], meta: Metadata
) -> tuple[tuple[HeartRateZoneTime, ...], str | None, float]:
    """Time with a heart-rate target in each zone: a zone target in its own zone, a bpm or %
    target by the middle of its range in bpm; the rest is in no zone."""
    basis, edges = hr_zone_edges(meta)
    seconds = [0.0] * 6
    unzoned = 0.0
    any_target = False
    for seg in segments:
        target = seg.step.heart_rate
        if target is None or seg.duration_s is None:
            continue
        any_target = True
        if isinstance(target, HeartRateZoneTarget):
            seconds[target.zone] += seg.duration_s
            continue
        bpm = heart_rate_bpm(target, meta)
        if bpm is None or basis is None:
            unzoned += seg.duration_s
            continue
        middle = (bpm[0] + bpm[1]) / 2
        zone = next((z for z, _, high in edges if high is None or middle <= high), 5)
        seconds[zone] += seg.duration_s
    if not any_target:
        return (), basis, 0.0
    return tuple(HeartRateZoneTime(z, lo, hi, seconds[z]) for z, lo, hi in edges), basis, unzoned


def _unknown_note(prof: Profile) -> str:
    n = sum(1 for b in prof.blocks if b.kind == "unknown")
    if prof.unit == "watts":
        why = "max/free steps are assumed in %FTP, and the session sets no FTP"
    elif prof.unit == "speed_mps":
        why = "%/max/free steps need threshold-pace to become a speed"
    elif prof.sport == "run":
        why = "pace targets need threshold-pace to become % of threshold speed"
    else:
        why = "watts targets need an FTP to become %FTP"
    return f"{n} step(s) have no level ({why}): left out of the power/speed numbers"


# -- bike power ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Power:
    #: One value a second in the profile's unit (None: unknown level).
    series: list[float | None]
    average_w: float | None
    average_pct: float | None
    np_w: float | None
    np_pct: float | None
    intensity_factor: float | None
    tss: float | None
    work_kj: float | None
    zones: tuple[ZoneTime, ...]


def per_second(prof: Profile) -> list[float | None]:
    """The profile as one level a second: ramps sampled at each second's middle."""
    out: list[float | None] = []
    for b in prof.blocks:
        # Bike durations are whole seconds by the language; round defensively
        # so a fractional duration cannot shift every later second.
        n = round(b.start_s + b.duration_s) - len(out)
        if b.start is None or b.end is None:
            out.extend([None] * n)
        elif b.start == b.end:
            out.extend([b.start] * n)
        else:
            out.extend(b.start + (b.end - b.start) * (i + 0.5) / n for i in range(n))
    return out


def normalized(values: Sequence[float]) -> float:
    """Coggan's normalized value of a 1 Hz series: 4th-power mean of 30 s rolling averages.

    A series shorter than the window has a single window, the whole series
    (so its NP is its average).
    """
    n = len(values)
    if n == 0:
        return 0.0
    w = min(NP_WINDOW_S, n)
    # A running sum keeps this O(n); fsum over the first window keeps it exact
    # for the common whole-number levels.
    window = math.fsum(values[:w])
    fourth = [(window / w) ** 4]
    for i in range(w, n):
        window += values[i] - values[i - w]
        fourth.append((max(window, 0.0) / w) ** 4)
    return float((math.fsum(fourth) / len(fourth)) ** 0.25)


def zone_of(pct: float) -> int:
    """The zone (1-7) of a level in %FTP: zone n holds (top of n-1, top of n]."""
    for zone in range(1, 7):
        if pct <= ZONES[zone][1]:
            return zone
    return 7


def zone_edges() -> list[tuple[int, float | None, float | None]]:
    """(zone, exclusive low edge, inclusive high edge) for Z1..Z7."""
    return [
        (z, None if z == 1 else float(ZONES[z - 1][1]), None if z == 7 else float(ZONES[z][1]))
        for z in range(1, 8)
    ]


def _bike_power(prof: Profile, notes: list[str]) -> _Power | None:
    series = per_second(prof)
    known = [v for v in series if v is not None]
    if not known:
        return _Power(series, None, None, None, None, None, None, None, ())
    avg = math.fsum(known) / len(known)
    # NP over a series with holes would glue unrelated seconds together.
    np_value = normalized(known) if len(known) == len(series) else None
    ftp = prof.reference
    pct = prof.unit == "pct_ftp"
    # Watts: the series itself (a watts-only session) or %FTP times the FTP.
    scale: float | None = 1.0 if not pct else (ftp / 100 if ftp is not None else None)
    average_w = avg * scale if scale is not None else None
    np_w = np_value * scale if scale is not None and np_value is not None else None
    work_kj = math.fsum(known) * scale / 1000 if scale is not None else None
    np_pct = np_value if pct else None
    intensity = None if np_pct is None else np_pct / 100
    hours = len(series) / 3600
    tss = None if intensity is None else hours * intensity**2 * 100
    if pct and ftp is None:
        notes.append("no FTP: watts and work (kJ) unknown; %FTP, IF and TSS do not need one")
    if not pct:
        notes.append("no FTP: IF, TSS and zones need one (give ftp: or --ftp)")
    zones: tuple[ZoneTime, ...] = ()
    if pct:
        seconds = [0.0] * 8
        for v in known:
            seconds[zone_of(v)] += 1.0
        zones = tuple(ZoneTime(z, ZONE_NAMES[z], lo, hi, seconds[z]) for z, lo, hi in zone_edges())
    return _Power(
        series,
        average_w,
        avg if pct else None,
        np_w,
        np_pct,
        intensity,
        tss,
        work_kj,
        zones,
    )


def _hard_seconds(prof: Profile, series: list[float | None] | None) -> float | None:
    if prof.unit not in ("pct_ftp", "pct_threshold_speed"):
        return None
    limit = prof.options.hard_pct
    if series is not None:  # bike: second by second, like every other bike number
        return float(sum(1 for v in series if v is not None and v >= limit))
    # Runs have fractional (estimated) durations: measure each step exactly,
    # a ramp by where it crosses the limit.
    total = 0.0
    for b in prof.blocks:
        if b.start is None or b.end is None:
            continue
        total += b.duration_s * _fraction_at_or_above(b.start, b.end, limit)
    return total


def _near_peak(segments: Sequence[Segment], meta: Metadata, options: StatsOptions) -> dict[str, Any]:
    """``peak_of``, ``peak_pct``, ``peak_efforts`` and ``peak_s`` of :class:`NeuromuscularStats`."""
    of = "pmax" if meta.sport == "bike" else "vmax"
    pct = _or(options.peak_pct, DEFAULT_PEAK_PCT)
    if (meta.pmax_w if of == "pmax" else meta.vmax) is None:
        return {"peak_pct": pct}
    efforts, seconds, inside = 0, 0.0, False
    for seg in segments:
        ends = share_of_peak(seg.step.target, meta, options.ftp_w)
        # A level in the middle of a range, as every other number takes it.
        share = 0.0
        if ends is not None:
            start, end = ends
            if not isinstance(seg.step.target, RampTarget):
                start = end = (start + end) / 2
            share = _fraction_at_or_above(start, end, pct)
        if share > 0 and not inside:
            efforts += 1
        inside = share > 0
        seconds += share * (seg.duration_s or 0.0)
    return {"peak_of": of, "peak_pct": pct, "peak_efforts": efforts, "peak_s": seconds}


def _fraction_at_or_above(start: float, end: float, limit: float) -> float:
    """The fraction of a linear change from start to end spent at or above limit."""
    if start == end:
        return 1.0 if start >= limit else 0.0
    lo, hi = min(start, end), max(start, end)
    if limit <= lo:
        return 1.0
    if limit > hi:
        return 0.0
    return (hi - limit) / (hi - lo)


def _drill_counts(segments: Sequence[Segment]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in segments:
        if s.step.drill is not None and not s.step.implicit:
            counts[s.step.drill] = counts.get(s.step.drill, 0) + 1
    return dict(sorted(counts.items()))


# -- runs -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    distance_m: float
    estimated: bool
    unknown_steps: int
    average_speed_mps: float | None
    average_pct: float | None


def _run_numbers(prof: Profile, segments: Sequence[Segment]) -> _Run:
    distance = 0.0
    estimated = False
    unknown = 0
    timed_distance = timed_seconds = 0.0
    by_segment = {id(b.segment): b for b in prof.blocks}
    for seg in segments:
        block = by_segment.get(id(seg))
        speed = _speed(block, prof) if block else None
        if seg.step.distance_m is not None:
            distance += seg.step.distance_m
            if seg.duration_s is not None:
                timed_distance += seg.step.distance_m
                timed_seconds += seg.duration_s
        elif seg.duration_s is not None and speed is not None:
            distance += seg.duration_s * speed
            estimated = True
            timed_distance += seg.duration_s * speed
            timed_seconds += seg.duration_s
        else:
            unknown += 1
    average_speed = timed_distance / timed_seconds if timed_seconds else None
    average_pct = None
    if prof.unit == "pct_threshold_speed":
        known = [b for b in prof.blocks if b.mean is not None]
        seconds = math.fsum(b.duration_s for b in known)
        if seconds:
            average_pct = math.fsum(b.duration_s * (b.mean or 0.0) for b in known) / seconds
    return _Run(distance, estimated, unknown, average_speed, average_pct)


def _speed(block: Block, prof: Profile) -> float | None:
    """A run block's mean speed in m/s (linear ramps: the mean of the ends)."""
    mean = block.mean
    if mean is None:
        return None
    if prof.unit == "speed_mps":
        return mean
    if prof.reference is None:
        return None
    return mean * prof.reference / 100


# -- training load for runs (rTSS) and from heart rate (hrTSS) ------------------------------


@dataclass(frozen=True)
class TrainingLoad:
    """rTSS and hrTSS with the seconds they cover (docs/stats.md, "Training load")."""

    rtss: float | None
    rtss_s: float
    hrtss: float | None
    hrtss_s: float
    notes: tuple[str, ...] = ()


def _mean_square(start: float, end: float) -> float:
    """The mean of x^2 over a linear change from start to end."""
    return (start * start + start * end + end * end) / 3


def training_load(prof: Profile, segments: Sequence[Segment], meta: Metadata) -> TrainingLoad:
    """rTSS (runs) and hrTSS (any sport with heart-rate targets).

    Both follow TSS: hours x IF^2 x 100, so an hour at threshold is 100.

    - rTSS: IF is the planned speed over threshold speed (threshold-pace:).
      A prescription has no terrain, so graded pace is the pace itself, and
      the normalized pace is the time-weighted quadratic mean of the speed:
      rTSS = sum over steps of hours x (speed / threshold speed)^2 x 100
      (a ramp by the exact mean of its square).  Steps without a speed level
      (only a heart rate or a cadence; a pace without threshold-pace) are left
      out; ``max`` and ``free`` count at their stated assumption.
    - hrTSS: each step's heart-rate target (the middle of its range in bpm,
      ``heart_rate_bpm``) over LTHR is its IF; hrTSS = sum of hours x IF^2 x
      100 over those steps.  It needs ``lthr:``.
    """
    notes: list[str] = []
    rtss: float | None = None
    rtss_s = 0.0
    if prof.sport == "run":
        total = 0.0
        for b in prof.blocks:
            if b.segment.step.target is None or b.start is None or b.end is None:
                continue
            if prof.unit != "pct_threshold_speed":
                continue
            total += b.duration_s / 3600 * _mean_square(b.start / 100, b.end / 100) * 100
            rtss_s += b.duration_s
        rtss = total if rtss_s else None
        if rtss is None:
            notes.append("rTSS unknown: no step has a pace relative to threshold-pace (set threshold-pace:)")
        elif rtss_s < prof.duration_s - 1e-9 or prof.unplaced_steps:
            notes.append(
                f"rTSS counts the {format_duration(rtss_s)} with a pace or % of threshold speed: "
                "steps without one (or without threshold-pace) are left out, so it is a lower bound"
            )
    hr_total = 0.0
    hrtss_s = 0.0
    hr_steps = False
    for seg in segments:
        target = seg.step.heart_rate
        if target is None or seg.duration_s is None:
            continue
        hr_steps = True
        bpm = heart_rate_bpm(target, meta)
        if bpm is None or meta.lthr_bpm is None:
            continue
        ratio = (bpm[0] + bpm[1]) / 2 / meta.lthr_bpm
        hr_total += seg.duration_s / 3600 * ratio * ratio * 100
        hrtss_s += seg.duration_s
    hrtss = hr_total if hrtss_s else None
    if hr_steps and hrtss is None:
        notes.append("hrTSS unknown: heart-rate targets need lthr: to be judged")
    elif hrtss is not None and hrtss_s < prof.duration_s - 1e-9:
        notes.append(
            f"hrTSS counts the {format_duration(hrtss_s)} with a heart-rate target LTHR can judge: "
            "a lower bound"
        )
    return TrainingLoad(rtss, rtss_s, hrtss, hrtss_s, tuple(notes))


def load_text(load: float | None, covered_s: float, st: WorkoutStats) -> str:
    """``62.3``, ``40.1 (over 30:00 of 45:00)`` or ``unknown``."""
    if load is None:
        return "unknown"
    if covered_s < st.duration_s - 1e-9 or st.duration_at_least:
        return f"{load:.1f} (over {format_duration(covered_s)} of {format_duration(st.duration_s)})"
    return f"{load:.1f}"


def load_short(st: WorkoutStats) -> list[str]:
    """The loads for a title or a list: ``rTSS 62``, ``hrTSS ≥ 13`` (≥: over part of the session)."""
    out = []
    for label, load, covered in (("rTSS", st.rtss, st.rtss_s), ("hrTSS", st.hrtss, st.hrtss_s)):
        if load is not None:
            partial = covered < st.duration_s - 1e-9 or st.duration_at_least
            out.append(f"{label} {'≥ ' if partial else ''}{load:.0f}")
    return out


# -- work:recovery of each repeat ------------------------------------------------------


def _repeats(workout: Workout, prof: Profile) -> Iterator[RepeatStats]:
    meta = workout.meta
    ctx = _Context(prof.sport, prof.unit, prof.reference, meta)

    def visit(items: Sequence[Step | Repeat]) -> Iterator[RepeatStats]:
        for item in items:
            if isinstance(item, Repeat):
                work, recovery, estimated = _split(item.steps, ctx, prof.options, meta)
                line = item.span.line if item.span else None
                yield RepeatStats(line, item.count, item.block, repeat_label(item), work, recovery, estimated)
                yield from visit(item.steps)

    yield from visit(workout.steps)


def _split(
    items: Sequence[Step | Repeat], ctx: _Context, opts: ResolvedOptions, meta: Any
) -> tuple[float | None, float | None, bool]:
    """Seconds of work and of recovery in one pass over ``items`` (None: unknown), and whether estimated."""
    work: float | None = 0.0
    recovery: float | None = 0.0
    estimated = False
    for item in items:
        if isinstance(item, Repeat):
            w, r, e = _split(item.steps, ctx, opts, meta)
            work = None if work is None or w is None else work + item.count * w
            recovery = None if recovery is None or r is None else recovery + item.count * r
            estimated = estimated or e
            continue
        seconds, guessed = step_seconds(item, meta)
        estimated = estimated or guessed
        if is_work(item, ctx, opts):
            work = None if work is None or seconds is None else work + seconds
        else:
            recovery = None if recovery is None or seconds is None else recovery + seconds
    return work, recovery, estimated


def is_work(step: Step, ctx: _Context, opts: ResolvedOptions) -> bool:
    """Work or recovery, for work:recovery ratios (docs/stats.md).

    Drills and ``max`` are work; ``warmup``, ``cooldown``, ``recovery``,
    ``rest`` and ``free`` are recovery; an ``active`` step is work unless its
    level is at or below the easy ceiling (so ``5m @50%`` inside a block, which
    the language labels active, counts as the recovery it is).
    """
    if (step.drill is not None and not step.implicit) or isinstance(step.target, MaxTarget):
        return True
    if step.intensity != "active" or step.target is None or isinstance(step.target, FreeTarget):
        return False
    start, end, _ = _level(step, ctx, opts)
    if start is None or end is None or ctx.unit not in ("pct_ftp", "pct_threshold_speed"):
        return True  # no way to compare: trust the label
    return (start + end) / 2 > opts.easy_pct


def repeat_label(repeat: Repeat) -> str:
    """``10x 30s / 30s``; a block: ``3x: 10x (30s / 30s) + 5m``."""
    from nmdsl.language.writer import end_text

    def part(item: Step | Repeat) -> str:
        if isinstance(item, Repeat):
            return f"{item.count}x ({inner(item)})"
        return end_text(item)  # 30s, 2km, lap ~5m, until <130bpm

    def inner(r: Repeat) -> str:
        return (" + " if r.block else " / ").join(part(s) for s in r.steps)

    text = f"{repeat.count}x{':' if repeat.block else ''} {inner(repeat)}"
    return text if len(text) <= 60 else text[:59] + "…"


# -- presentation helpers shared by the CLI, the chart and the site ---------------------


def format_duration(seconds: float) -> str:
    """``1:05:00``, ``45:00``, ``0:30`` (h:mm:ss or m:ss, rounded to the second)."""
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def ratio_text(r: RepeatStats) -> str:
    """A repeat's work:recovery as shown.

    ``1:18``, ``1:18 (estimated)``, ``time unknown`` or ``no recovery``.
    """
    if r.work_s is None or r.recovery_s is None:
        return "time unknown"
    text = format_ratio(r.ratio, r.work_s)
    return text + " (estimated)" if r.estimated and r.ratio is not None else text


def format_total(seconds: float, estimated: bool, at_least: bool) -> str:
    """A total duration as shown: ``45:00``, ``45:00 (estimated)``, ``at least 45:00``."""
    text = format_duration(seconds)
    if at_least:
        return f"at least {text}" + (" (partly estimated)" if estimated else "")
    return text + (" (estimated)" if estimated else "")


def format_ratio(ratio: float | None, work_s: float | None = None) -> str:
    """A work:recovery ratio as people write it: ``1:1``, ``2:1``, ``1:1.5``."""
    if ratio is None:
        return "no recovery" if work_s else "—"
    if ratio == 0:
        return "0:1"
    if ratio >= 1:
        return f"{_short(ratio)}:1"
    return f"1:{_short(1 / ratio)}"


def _short(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def format_pace(s_per_km: float) -> str:
    s = round(s_per_km)
    return f"{s // 60}:{s % 60:02d}/km"


def nm_summary(st: WorkoutStats) -> str:
    """One line for the neuromuscular side: ``10 all-out (1:40) · 4:00 ≥150%``."""
    nm = st.neuromuscular
    parts = []
    if nm.all_out_efforts:
        parts.append(f"{nm.all_out_efforts} all-out ({format_duration(nm.all_out_s)})")
    for drill, n in nm.drills.items():
        if drill != "sprint":  # sprints are the all-out efforts above
            parts.append(f"{n} {drill}")
    if nm.hard_s:
        parts.append(f"{format_duration(nm.hard_s)} ≥{_short(nm.hard_pct)}%")
    if nm.peak_efforts:
        parts.append(
            f"{nm.peak_efforts} ≥{_short(nm.peak_pct)}% {nm.peak_of} ({format_duration(nm.peak_s or 0.0)})"
        )
    # The ratios of the one-line repeats (the intervals themselves), once each.
    ratios: dict[str, None] = {}
    for r in nm.repeats:
        if not r.block and r.work_s:
            ratios.setdefault(ratio_text(r), None)
    if ratios:
        parts.append("W:R " + ", ".join(ratios))
    return " · ".join(parts) if parts else "none"


# -- reports: a table for people, rows for CSV -------------------------------------------


def format_table(st: WorkoutStats, file: str | None = None) -> str:
    """``nmdsl stats`` for people: one block of aligned lines per workout."""
    rows: list[tuple[str, str]] = []
    if st.sport == "bike":
        rows.append(("sport", "bike" + (f", FTP {st.ftp_w:g} W" if st.ftp_w else ", no FTP")))
    else:
        rows.append(("sport", "run"))
    rows.append(("duration", format_total(st.duration_s, st.duration_estimated, st.duration_at_least)))
    if st.distance_m is not None:
        rows.append(
            ("distance", f"{st.distance_m / 1000:.2f} km" + (" (estimated)" if st.distance_estimated else ""))
        )
    if st.average_speed_mps:
        pace = format_pace(1000 / st.average_speed_mps)
        pct = st.average_pct_threshold_speed
        rows.append(("average", pace + (f" ({pct:.0f}% of threshold speed)" if pct is not None else "")))
    if st.work_kj is not None:
        rows.append(("work", f"{st.work_kj:.0f} kJ"))
    if st.average_power_w is not None or st.average_pct_ftp is not None:
        rows.append(("avg power", _power(st.average_power_w, st.average_pct_ftp)))
    if st.normalized_power_w is not None or st.normalized_pct_ftp is not None:
        rows.append(("NP", _power(st.normalized_power_w, st.normalized_pct_ftp)))
    if st.intensity_factor is not None and st.tss is not None:
        rows.append(("IF", f"{st.intensity_factor:.2f}"))
        rows.append(("TSS", f"{st.tss:.1f}"))
    if st.sport == "run":
        rows.append(("rTSS", load_text(st.rtss, st.rtss_s, st)))
    if st.sport == "run" or st.hr_zones:
        why = "" if st.hr_zones else " (no heart-rate targets)"
        rows.append(("hrTSS", load_text(st.hrtss, st.hrtss_s, st) + (why if st.hrtss is None else "")))
    total = sum(z.seconds for z in st.zones)
    for z in st.zones:
        share = 100 * z.seconds / total if total else 0.0
        edges = _edge_text(z)
        bar = "█" * round(share / 5)
        rows.append(
            (
                "zones" if z.zone == 1 else "",
                f"Z{z.zone} {z.name:<18} {edges:>9} {format_duration(z.seconds):>8} {share:5.1f}% {bar}",
            )
        )
    hr_total = sum(z.seconds for z in st.hr_zones)
    for hz in st.hr_zones:
        share = 100 * hz.seconds / hr_total if hr_total else 0.0
        rows.append(
            (
                "hr zones" if hz.zone == 1 else "",
                f"Z{hz.zone}hr {_bpm_edge_text(hz):>13} {format_duration(hz.seconds):>8} {share:5.1f}% "
                + "█" * round(share / 5),
            )
        )
    nm = st.neuromuscular
    unit = "FTP" if st.sport == "bike" else "threshold speed"
    rows.append(
        (
            "all-out",
            f"{nm.all_out_efforts} effort{'s' if nm.all_out_efforts != 1 else ''}, "
            f"{format_duration(nm.all_out_s)}",
        )
    )
    if nm.hard_s is not None:
        rows.append((f">= {nm.hard_pct:g}% {unit}", format_duration(nm.hard_s)))
    if nm.peak_efforts is not None:
        rows.append(
            (
                f">= {nm.peak_pct:g}% {nm.peak_of}",
                f"{nm.peak_efforts} effort{'s' if nm.peak_efforts != 1 else ''}, "
                f"{format_duration(nm.peak_s or 0.0)}",
            )
        )
    if nm.drills:
        rows.append(("drills", ", ".join(f"{d} x {n}" for d, n in nm.drills.items())))
    for i, r in enumerate(nm.repeats):
        where = f"line {r.line}: " if r.line else ""
        times = ""
        if r.work_s is not None and r.recovery_s is not None:
            times = f" ({format_duration(r.work_s)} work, {format_duration(r.recovery_s)} recovery)"
        rows.append(("work:recovery" if i == 0 else "", f"{where}{r.label}  {ratio_text(r)}{times}"))
    assumed = []
    if st.has_max:
        assumed.append(f"max = {st.max_effort_pct:g}% {unit}")
    if st.has_free:
        assumed.append(f"free = {st.free_ride_pct:g}% {unit}")
    if assumed:
        rows.append(("assumed", ", ".join(assumed)))
    for note in st.notes:
        rows.append(("note", note))
    width = max(len(k) for k, _ in rows)
    head = (f"{file}: " if file else "") + (st.name or "(no name)")
    return "\n".join([head] + [f"  {k:<{width}}  {v}".rstrip() for k, v in rows]) + "\n"


def _power(watts: float | None, pct: float | None) -> str:
    if watts is not None and pct is not None:
        return f"{watts:.0f} W ({pct:.0f}% FTP)"
    if watts is not None:
        return f"{watts:.0f} W"
    return f"{pct:.0f}% FTP"


def _bpm_edge_text(z: HeartRateZoneTime) -> str:
    if z.low_bpm is None and z.high_bpm is None:
        return ""
    if z.low_bpm is None:
        return f"<={z.high_bpm:.0f}bpm"
    if z.high_bpm is None:
        return f">{z.low_bpm:.0f}bpm"
    return f"{z.low_bpm:.0f}-{z.high_bpm:.0f}bpm"


def _edge_text(z: ZoneTime) -> str:
    if z.low_pct is None:
        return f"<={z.high_pct:g}%"
    if z.high_pct is None:
        return f">{z.low_pct:g}%"
    return f"{z.low_pct:g}-{z.high_pct:g}%"


CSV_COLUMNS = (
    "file",
    "name",
    "sport",
    "duration_s",
    "distance_m",
    "work_kj",
    "average_power_w",
    "normalized_power_w",
    "normalized_pct_ftp",
    "intensity_factor",
    "tss",
    *(f"z{z}_s" for z in range(1, 8)),
    "all_out_efforts",
    "all_out_s",
    "hard_pct",
    "hard_s",
    "peak_of",
    "peak_pct",
    "peak_efforts",
    "peak_s",
    "work_recovery",
    "max_effort_pct",
    "free_ride_pct",
    "duration_at_least",
    *(f"hr_z{z}_s" for z in range(1, 6)),
    "rtss",
    "rtss_s",
    "hrtss",
    "hrtss_s",
)


def csv_row(st: WorkoutStats, file: str) -> dict[str, str]:
    """One CSV row (columns :data:`CSV_COLUMNS`); unknown values are empty."""
    d = st.to_dict()
    nm = d["neuromuscular"]
    zones = {f"z{z['zone']}_s": z["seconds"] for z in d["zones"]}
    hr_zones = {f"hr_z{z['zone']}_s": z["seconds"] for z in d["hr_zones"]}
    values: dict[str, Any] = {
        **{k: d.get(k) for k in CSV_COLUMNS},
        **zones,
        **hr_zones,
        "file": file,
        "all_out_efforts": nm["all_out_efforts"],
        "all_out_s": nm["all_out_s"],
        "hard_pct": nm["hard_pct"],
        "hard_s": nm["hard_s"],
        **{k: nm[k] for k in ("peak_of", "peak_pct", "peak_efforts", "peak_s")},
        # One cell for all repeats: "line 13 4x 30s / 45s 1:1.5; ..."
        "work_recovery": "; ".join(
            f"line {r.line} {r.label} {ratio_text(r)}" for r in st.neuromuscular.repeats
        ),
    }
    return {k: "" if values.get(k) is None else str(values[k]) for k in CSV_COLUMNS}
