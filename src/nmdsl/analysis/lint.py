"""Coaching lints: valid sessions that are unlikely to train what they mean to.

The language checks (:mod:`nmdsl.language.checks`) ask "can this be compiled?"; the
lints ask "does this make sense as neuromuscular training?".  Each rule is a
warning with its own code (W601-W608), a threshold in :class:`LintSettings`,
and a section in docs/lints.md giving the reasoning and the sources.  Keep
the three in step: a test compares the docs' settings table with the
defaults here.

The caller (the check pipeline) decides severities and honours silencing
comments; this module only finds the problems.  It works on a validated
:class:`~nmdsl.model.Workout` and never raises for one.

All intensities are compared as percent of the athlete's threshold: % of FTP
on a bike, % of threshold *speed* on a run (``threshold-pace``), because
both the physiology (critical power / critical speed) and the language's
``%`` targets are expressed that way.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import ClassVar

from nmdsl.diagnostics import Code, Diagnostic, Report, Severity, Span, register
from nmdsl.language.writer import duration
from nmdsl.model import (
    FreeTarget,
    IntensityTarget,
    Item,
    MaxTarget,
    Metadata,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Segment,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    peak_speeds_mps,
    peak_watts,
    share_of_peak,
    step_seconds,
)

# -- codes -----------------------------------------------------------------------------------

_CODES = (
    Code("W601", Severity.WARNING, "all-out effort too long"),
    Code("W602", Severity.WARNING, "too little recovery between all-out efforts"),
    Code("W603", Severity.WARNING, "all-out effort without a warm-up"),
    Code("W604", Severity.WARNING, "target no one can hold for that long"),
    Code("W605", Severity.WARNING, "stride too long"),
    Code("W606", Severity.WARNING, "stride too hard"),
    Code("W607", Severity.WARNING, "share of peak held longer than a maximal effort lasts"),
    Code("W608", Severity.WARNING, "sprint too far below peak to be neuromuscular"),
)
register(*_CODES)

#: code -> one-line explanation, for docs and listings.
RULES: dict[str, str] = {
    "W601": "an all-out effort (max or sprint) lasts longer than an effort stays neuromuscular (about 20 s)",
    "W602": "all-out efforts follow each other with too little recovery for the next to be of the same "
    "quality (phosphocreatine needs minutes); tag the file 'repeated-sprint' when that is the point",
    "W603": "the first all-out effort comes without a warm-up of several minutes before it",
    "W604": "a target above threshold held for longer than anyone can (by a generous critical-power "
    "model), most often a typo",
    "W605": "strides longer than a relaxed stride (about 20-30 s)",
    "W606": "strides faster than a relaxed stride (all-out, or above about 800 m race pace / 150% FTP)",
    "W607": "with pmax: (vmax: on a run) known, a target held longer than the athlete can hold that share "
    "of their peak (by a generous 3-parameter critical-power model anchored at the peak)",
    "W608": "with pmax: (vmax: on a run) known, a sprint drill whose written target is too low a share of "
    "the peak to be neuromuscular work",
}

#: Header tags (compared after :func:`_normal_tag`) that declare a file as
#: repeated-sprint work, where short recoveries are the point (W602 is off).
REPEATED_SPRINT_TAGS = frozenset({"repeated-sprint", "repeated-sprints"})


# -- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintSettings:
    """Every threshold of the lints; docs/lints.md gives each one's source.

    Field names are the ``[tool.nmdsl.lint]`` keys with ``_`` for ``-``
    (``max_all_out_s`` is ``max-all-out-s``); the unit is the last part of
    the name: ``_s`` seconds, ``_m`` metres, ``_pct`` percent of FTP (bike)
    or of threshold speed (run).
    """

    #: W601: longest all-out effort, in seconds.
    max_all_out_s: float = 20
    #: W601: longest all-out run effort given as a distance (its time is unknown).
    max_all_out_m: float = 150
    #: W602: shortest recovery between two all-out efforts, in seconds.
    min_all_out_recovery_s: float = 120
    #: W603: shortest time of riding or running before the first all-out effort.
    min_warmup_s: float = 600
    #: W604 (bike): critical power as % of FTP; also the line above which
    #: time between all-out efforts does not count as recovery (W602).
    critical_power_pct: float = 105
    #: W604 (bike): W' as seconds of riding at FTP (W' in joules / FTP in watts).
    w_prime_s: float = 120
    #: W604 (run): critical speed as % of threshold speed; also W602's line on runs.
    critical_speed_pct: float = 105
    #: W604 (run): D' as seconds of running at threshold speed (D' in metres / threshold speed).
    d_prime_s: float = 60
    #: W605: longest stride, in seconds ...
    max_stride_s: float = 30
    #: ... and in metres, for run strides given as a distance whose time is unknown.
    max_stride_m: float = 150
    #: W606 (bike): fastest stride, % of FTP (the lower end of a range, the peak of a ramp).
    max_bike_stride_pct: float = 150
    #: W606 (run): fastest stride, % of threshold speed.
    max_run_stride_pct: float = 130
    #: W607: how long the athlete's peak (pmax:, vmax:) can be held, in seconds,
    #: where the 3-parameter model is anchored.
    peak_hold_s: float = 10
    #: W608 (bike): lowest sprint target, % of pmax.
    min_sprint_pmax_pct: float = 75
    #: W608 (run): lowest sprint target, % of vmax.
    min_sprint_vmax_pct: float = 85

    #: Fields that divide or define a scale: zero would make no sense.
    _POSITIVE: ClassVar[frozenset[str]] = frozenset({"critical_power_pct", "critical_speed_pct"})

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            # bool is an int; "max-all-out-s = true" in a config file is a mistake, not 1 s.
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"lint setting {setting_key(f.name)} must be a number, not {value!r}")
            if value < 0 or (value == 0 and f.name in self._POSITIVE):
                raise ValueError(f"lint setting {setting_key(f.name)} must be more than 0, not {value!r}")

    @classmethod
    def from_config(cls, table: Mapping[str, object]) -> LintSettings:
        """Settings from a ``[tool.nmdsl.lint]`` table (kebab-case keys).

        Raises ValueError naming the key for an unknown key or a bad value,
        so the config reader can turn it into a diagnostic.
        """
        known = {setting_key(f.name): f.name for f in fields(cls)}
        values: dict[str, float] = {}
        for key, value in table.items():
            name = known.get(key)
            if name is None:
                import difflib

                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise ValueError(f"unknown lint setting {key!r}{hint}")
            values[name] = value  # type: ignore[assignment]  # checked in __post_init__
        return cls(**values)


def setting_key(field_name: str) -> str:
    """The config-file key of a :class:`LintSettings` field: ``max_all_out_s`` -> ``max-all-out-s``."""
    return field_name.replace("_", "-")


# -- intensities -----------------------------------------------------------------------------


def _threshold_w(meta: Metadata) -> float | None:
    return meta.ftp_w if meta.ftp_w else None


def _pace_pct(seconds_per_km: float, meta: Metadata) -> float | None:
    """A pace as % of threshold speed (a faster pace is a higher %)."""
    if meta.threshold_pace is None or seconds_per_km <= 0:
        return None
    return 100.0 * meta.threshold_pace.s_per_km / seconds_per_km


def _ends(target: IntensityTarget | None, meta: Metadata) -> tuple[float, float] | None:
    """The target's two ends in % of threshold, as written (a ramp's start and end).

    None when the target has no level (``free``, heart rate or cadence only)
    or when the level cannot be related to threshold (watts without FTP, a
    pace without ``threshold-pace``).  ``max`` is infinite.
    """
    if target is None or isinstance(target, FreeTarget):
        return None
    if isinstance(target, MaxTarget):
        return math.inf, math.inf
    if isinstance(target, (PercentTarget, ZoneTarget)):
        return target.low_pct, target.high_pct
    if isinstance(target, WattsTarget):
        ftp = _threshold_w(meta)
        return None if ftp is None else (100 * target.low_w / ftp, 100 * target.high_w / ftp)
    if isinstance(target, RampTarget):
        if target.unit == "percent":
            return target.start, target.end
        ftp = _threshold_w(meta)
        return None if ftp is None else (100 * target.start / ftp, 100 * target.end / ftp)
    if isinstance(target, PeakPercentTarget):  # %pmax via watts and FTP, %vmax via speed and threshold
        watts = peak_watts(target, meta)
        speeds = peak_speeds_mps(target, meta)
        ftp = _threshold_w(meta)
        if watts is not None and ftp is not None:
            return 100 * watts[0] / ftp, 100 * watts[1] / ftp
        if speeds is not None and speeds[0] > 0:
            low, high = _pace_pct(1000 / speeds[0], meta), _pace_pct(1000 / speeds[1], meta)
            return None if low is None or high is None else (low, high)
        return None
    # A pace range: the slow end is the low intensity.
    slow = _pace_pct(target.slow.s_per_km, meta)
    fast = _pace_pct(target.fast.s_per_km, meta)
    return None if slow is None or fast is None else (slow, fast)


def _low(target: IntensityTarget | None, meta: Metadata) -> float | None:
    """The least the target asks for: a range's low end, a ramp's lower end.

    The lints judge a range by its easy end, so that a target an athlete
    *can* satisfy reasonably is never flagged.
    """
    ends = _ends(target, meta)
    return None if ends is None else min(ends)


#: The drills that are all-out by name (docs/lints.md).
ALL_OUT_DRILLS = frozenset({"sprint", "standing-start", "hill-sprint", "flying"})


def _is_all_out(step: Step) -> bool:
    # An all-out drill is all-out even when a target was written on it: the
    # drill's name says what the athlete will do.
    return isinstance(step.target, MaxTarget) or (step.drill in ALL_OUT_DRILLS and not step.implicit)


def _critical_pct(meta: Metadata, settings: LintSettings) -> float:
    return settings.critical_power_pct if meta.sport == "bike" else settings.critical_speed_pct


def _capacity_s(meta: Metadata, settings: LintSettings) -> float:
    return settings.w_prime_s if meta.sport == "bike" else settings.d_prime_s


# -- words -----------------------------------------------------------------------------------


def _dur(seconds: float) -> str:
    """A duration the way nmdsl writes one, to the second: 45s, 2m, 1m30s, 1h5m."""
    return duration(round(seconds))


def _pct(value: float) -> str:
    return f"{round(value, 1):g}%"


def _of(meta: Metadata) -> str:
    return "FTP" if meta.sport == "bike" else "threshold speed"


def _moving(meta: Metadata) -> str:
    return "riding" if meta.sport == "bike" else "running"


def _key(field_name: str) -> str:
    return f"{setting_key(field_name)} in [tool.nmdsl.lint]"


# -- walking the session ---------------------------------------------------------------------


def _source_steps(items: Sequence[Item], outer: Span | None = None) -> Iterator[tuple[Step, Span | None]]:
    """Every step as written (repeats not unrolled), with the span to report it at.

    A drill's implicit recovery has no span of its own; it is reported at
    the step before it (the drill), or at the enclosing repeat.
    """
    previous = outer
    for item in items:
        if item.kind == "step":
            span = item.span or previous
            yield item, span
            previous = span
        else:
            yield from _source_steps(item.steps, item.span or previous)
            previous = item.span or previous


def _span_at(segments: Sequence[Segment], i: int) -> Span | None:
    """The span of segment ``i``; for an implicit step, the nearest written one before it."""
    for j in range(i, -1, -1):
        if segments[j].step.span is not None:
            return segments[j].step.span
    return None


@dataclass(frozen=True)
class _Effort:
    """One all-out effort: consecutive all-out segments ``first``..``last`` of the timeline."""

    first: int
    last: int
    #: Total seconds, or None when a part's time is unknown (a run sprint over a distance).
    seconds: float | None
    #: Seconds of the parts whose time is known, and metres of the distance parts.
    known_s: float
    metres: float


def _efforts(segments: Sequence[Segment]) -> list[_Effort]:
    # Back-to-back all-out steps are one effort for the athlete: `sprint 10s`
    # then `20s max` is 30 s all-out, so they are joined before any rule runs.
    out: list[_Effort] = []
    i, n = 0, len(segments)
    while i < n:
        if not _is_all_out(segments[i].step):
            i += 1
            continue
        j = i
        while j + 1 < n and _is_all_out(segments[j + 1].step):
            j += 1
        part = segments[i : j + 1]
        known = sum(s.duration_s for s in part if s.duration_s is not None)
        unknown = any(s.duration_s is None for s in part)
        metres = sum(s.step.distance_m or 0.0 for s in part)
        out.append(_Effort(i, j, None if unknown else known, known, metres))
        i = j + 1
    return out


# -- the rules -------------------------------------------------------------------------------


def lint(
    workout: Workout, settings: LintSettings = LintSettings(), *, filename: str = "<input>"
) -> list[Diagnostic]:
    """The coaching warnings for ``workout``, sorted by position.

    Every diagnostic has the code's default severity (warning); the caller
    applies configured severities and silencing comments.
    """
    report = Report(file=filename)
    meta = workout.meta
    segments = workout.timeline()
    efforts = _efforts(segments)
    _w601_too_long(segments, efforts, meta, settings, report)
    _w602_short_recovery(segments, efforts, meta, settings, report)
    _w603_no_warmup(segments, efforts, meta, settings, report)
    for step, span in _source_steps(workout.steps):
        # W607 is the stricter model (it knows the athlete's peak): said only
        # where W604, the generous one, has not already spoken.
        if not _w604_unsustainable(step, span, meta, settings, report):
            _w607_beyond_peak(step, span, meta, settings, report)
        _w608_sprint_below_peak(step, span, meta, settings, report)
        if step.drill == "strides" and not step.implicit:
            _w605_stride_too_long(step, span, meta, settings, report)
            _w606_stride_too_hard(step, span, meta, settings, report)
    return report.sorted()


def _w601_too_long(
    segments: Sequence[Segment],
    efforts: Sequence[_Effort],
    meta: Metadata,
    settings: LintSettings,
    report: Report,
) -> None:
    # Inside repeats one source step makes many efforts: keep the longest
    # per first step and report it once.
    worst: dict[int, tuple[_Effort, str]] = {}
    for e in efforts:
        if e.seconds is not None:
            if e.seconds <= settings.max_all_out_s:
                continue
            size, what = e.seconds, f"{_dur(e.seconds)} all-out"
        elif e.metres > settings.max_all_out_m:
            size, what = e.metres, f"{e.metres:g} m all-out"
        elif e.known_s > settings.max_all_out_s:
            size, what = e.known_s, f"more than {_dur(e.known_s)} all-out"
        else:
            continue
        key = id(segments[e.first].step)
        if key not in worst or size > _size(worst[key][0]):
            worst[key] = (e, what)
    for e, what in worst.values():
        joined = " (this step and the next, back to back)" if e.last > e.first else ""
        limit = (
            f"{_dur(settings.max_all_out_s)}"
            if e.seconds is not None or e.known_s > settings.max_all_out_s
            else f"{settings.max_all_out_m:g} m"
        )
        target = "a % target (e.g. @150%)" if meta.sport == "bike" else "a pace or % target"
        setting = "max_all_out_s" if e.seconds is not None else "max_all_out_m"
        report.add(
            "W601",
            f"{what}{joined} is past the ~{limit} an all-out effort stays neuromuscular; "
            "beyond it the effort trains anaerobic capacity",
            _span_at(segments, e.first),
            f"for neuromuscular work keep all-out efforts to {limit} or less; for anaerobic-capacity "
            f"work write {target} instead of max; or set {_key(setting)}",
        )


def _size(e: _Effort) -> float:
    return e.seconds if e.seconds is not None else max(e.metres, e.known_s)


def _normal_tag(tag: str) -> str:
    return "-".join(tag.lower().replace("_", " ").replace("-", " ").split())


def declares_repeated_sprint(meta: Metadata) -> bool:
    """True when the header's tags declare repeated-sprint work (W602 does not apply)."""
    return any(_normal_tag(t) in REPEATED_SPRINT_TAGS for t in meta.tags)


def _w602_short_recovery(
    segments: Sequence[Segment],
    efforts: Sequence[_Effort],
    meta: Metadata,
    settings: LintSettings,
    report: Report,
) -> None:
    if declares_repeated_sprint(meta):
        return
    line = _critical_pct(meta, settings)
    # Per source step that ends an effort: (shortest recovery, its hard
    # seconds, short gaps, all gaps).  The recovery *after* a step is what a
    # coach changes, so that step is where the warning goes.
    seen: dict[int, tuple[float, float, int, int, int, bool]] = {}
    for before, after in itertools.pairwise(efforts):
        easy = hard = 0.0
        known = True
        estimated = False
        for seg in segments[before.last + 1 : after.first]:
            if seg.duration_s is None:
                # A walk back over a distance, a recovery until the heart rate
                # is down (until <130bpm) or until the lap button: it lasts as
                # long as the athlete needs, which is the coach's choice.
                known = False
                break
            # With ~D (rest until <130bpm ~3m) the estimate is the recovery.
            estimated = estimated or (seg.estimated and seg.step.estimate_s is not None)
            low = _low(seg.step.target, meta)
            # Above critical power/speed PCr keeps falling instead of being
            # rebuilt (Jones et al. 2008), so that time is not recovery.
            if low is not None and low > line:
                hard += seg.duration_s
            else:
                easy += seg.duration_s
        if not known:
            continue
        key = id(segments[before.last].step)
        best, best_hard, short, total, index, guess = seen.get(key, (math.inf, 0.0, 0, 0, before.last, False))
        is_short = easy < settings.min_all_out_recovery_s
        if is_short and easy < best:
            best, best_hard, guess = easy, hard, estimated
        seen[key] = (best, best_hard, short + is_short, total + 1, index, guess)
    for best, hard, short, total, index, guess in seen.values():
        if not short:
            continue
        how_often = "" if total == 1 else (", each time" if short == total else f", {short} of {total} times")
        hard_note = (
            f" (the {_dur(hard)} above {_pct(line)} of {_of(meta)} in between does not count)" if hard else ""
        )
        report.add(
            "W602",
            f"only {'about ' if guess else ''}{_dur(best)} of recovery before the next all-out effort"
            f"{' (by its ~ estimate)' if guess else ''}{how_often}{hard_note}; "
            "phosphocreatine needs minutes, so the next effort will be weaker",
            _span_at(segments, index),
            f"recover at least {_dur(settings.min_all_out_recovery_s)} easy between all-out efforts; "
            "if short recoveries are the point, add the tag repeated-sprint to the header's tags",
        )


def _w603_no_warmup(
    segments: Sequence[Segment],
    efforts: Sequence[_Effort],
    meta: Metadata,
    settings: LintSettings,
    report: Report,
) -> None:
    if not efforts:
        return
    first = efforts[0].first
    before = segments[:first]
    if any(s.duration_s is None for s in before):
        return  # a distance step of unknown time: it may well be a long warm-up
    warm = sum(s.duration_s or 0.0 for s in before)
    if warm >= settings.min_warmup_s:
        return
    what = "with no warm-up" if warm == 0 else f"after only {_dur(warm)} of {_moving(meta)}"
    example = "warmup 10m ramp 45%-70%" if meta.sport == "bike" else "warmup 10m free (an easy jog)"
    report.add(
        "W603",
        f"the first all-out effort comes {what}; muscles need several minutes of work to be ready for it",
        _span_at(segments, first),
        f"start with at least {_dur(settings.min_warmup_s)} of easy to moderate {_moving(meta)}, "
        f"e.g. {example}",
    )


def _excess_s(start: float, end: float, seconds: float, line: float) -> float:
    """Seconds-at-threshold spent above ``line`` by a linear ramp ``start`` -> ``end`` % over ``seconds``.

    The critical-power model's W' budget: only what is above CP depletes it.
    A constant target is the ramp with ``start == end``.
    """
    lo, hi = min(start, end), max(start, end)
    if hi <= line:
        return 0.0
    if hi == lo:
        return (hi - line) * seconds / 100
    # The part of the ramp above the line is a triangle (or a trapezoid when
    # the whole ramp is above it).
    above = seconds * (hi - max(lo, line)) / (hi - lo)
    return (hi - line + max(lo, line) - line) / 2 * above / 100


def _w604_unsustainable(
    step: Step, span: Span | None, meta: Metadata, settings: LintSettings, report: Report
) -> bool:
    """W604; True when it reported the step."""
    target = step.target
    if target is None or isinstance(target, (MaxTarget, FreeTarget)):
        return False
    seconds = step_seconds(step, meta)[0]
    ends = _ends(target, meta)
    if seconds is None or ends is None:
        return False
    line = _critical_pct(meta, settings)
    budget = _capacity_s(meta, settings)
    if isinstance(target, RampTarget):
        if _excess_s(ends[0], ends[1], seconds, line) <= budget:
            return False
        what = (
            f"a ramp to {_pct(max(ends))} of {_of(meta)} over {_dur(seconds)} is beyond what anyone can hold"
        )
    else:
        low = min(ends)
        if _excess_s(low, low, seconds, line) <= budget:
            return False
        cap = line + 100 * budget / seconds
        level = f"{_pct(low)} of {_of(meta)}"
        shown = f"{target.slow} ({level})" if isinstance(target, PaceTarget) else level
        what = (
            f"{shown} for {_dur(seconds)} is beyond what anyone can hold "
            f"(nmdsl's generous limit for {_dur(seconds)} is about {_pct(cap)})"
        )
    key = "w_prime_s" if meta.sport == "bike" else "d_prime_s"
    report.add(
        "W604",
        f"{what}; is it a typo?",
        span,
        f"check the duration and the target (5m for 5s? @150% for @105%?); if it is right, raise {_key(key)}",
    )
    return True


# -- W607, W608: the athlete's own peak ------------------------------------------------------


def _peak_name(meta: Metadata) -> str:
    return "pmax" if meta.sport == "bike" else "vmax"


def peak_time_limit_s(
    share_pct: float, peak_pct_of_threshold: float, settings: LintSettings, sport: str
) -> float:
    """How long a share of the peak can be held, by the anchored 3-parameter critical-power model.

    Everything is in % of threshold (FTP, or threshold speed): the peak is
    ``peak_pct_of_threshold``, the target ``share_pct`` of it.  Morton's
    (1996) model gives the time to exhaustion at P as
    ``W'/(P - CP) - W'/(Pmax - CP)``, where Pmax is the power that can be
    held for no time at all; the header's peak is a best over a few seconds,
    so the model's Pmax is placed where the header's peak lasts
    ``peak_hold_s``: ``t(P) = W'/(P - CP) - W'/(peak - CP) + peak_hold_s``.
    Infinite at or below CP (the model says nothing there); may be negative
    far above the peak.
    """
    cp = settings.critical_power_pct if sport == "bike" else settings.critical_speed_pct
    reserve = 100 * (settings.w_prime_s if sport == "bike" else settings.d_prime_s)
    level = share_pct * peak_pct_of_threshold / 100
    if level <= cp:
        return math.inf
    if peak_pct_of_threshold <= cp:  # a peak below CP: the header is wrong, not the step
        return math.inf
    return reserve / (level - cp) - reserve / (peak_pct_of_threshold - cp) + settings.peak_hold_s


def _peak_of_threshold(meta: Metadata) -> float | None:
    """The header's peak in % of threshold: pmax / FTP, or vmax / threshold speed."""
    if meta.sport == "bike":
        ftp = _threshold_w(meta)
        return None if meta.pmax_w is None or ftp is None else 100 * meta.pmax_w / ftp
    if meta.vmax is None or meta.threshold_pace is None:
        return None
    return 100 * meta.vmax.speed_mps / meta.threshold_pace.speed_mps


def _w607_beyond_peak(
    step: Step, span: Span | None, meta: Metadata, settings: LintSettings, report: Report
) -> None:
    target = step.target
    if target is None or isinstance(target, (MaxTarget, FreeTarget, RampTarget)):
        return  # all-out steps are W601's; a ramp passes through its peak share for an instant
    peak = _peak_of_threshold(meta)
    ends = share_of_peak(target, meta)
    seconds = step_seconds(step, meta)[0]
    if peak is None or ends is None or seconds is None:
        return
    share = min(ends)
    limit = peak_time_limit_s(share, peak, settings, meta.sport)
    if seconds <= limit:
        return
    name = _peak_name(meta)
    held = "no time at all" if limit <= 0 else f"about {_dur(limit) if limit >= 1 else f'{limit:.1f}s'}"
    report.add(
        "W607",
        f"{_pct(share)} of {name} for {_dur(seconds)} is longer than a maximal effort at that share lasts "
        f"({held} for a {name} of {_pct(peak)} of {_of(meta)}, by nmdsl's generous model); "
        "the athlete will fade, not hold it",
        span,
        f"shorten the effort or lower the share of {name}; if the athlete really holds it, "
        f"raise peak-hold-s or {setting_key('w_prime_s' if meta.sport == 'bike' else 'd_prime_s')} "
        "in [tool.nmdsl.lint]",
    )


#: The all-out drills W608 judges, by the words its message uses for them.
_SPRINT_DRILL_WORDS = {"sprint": "sprint", "standing-start": "standing start", "flying": "flying sprint"}


def _w608_sprint_below_peak(
    step: Step, span: Span | None, meta: Metadata, settings: LintSettings, report: Report
) -> None:
    # Uphill, top speed is not the flat vmax: a hill sprint's speed says
    # nothing about how hard it is.
    if step.implicit or step.drill not in _SPRINT_DRILL_WORDS or isinstance(step.target, MaxTarget):
        return
    ends = share_of_peak(step.target, meta)
    if ends is None:
        return
    # A range by its upper end: the sprint is not neuromuscular only when
    # even the hardest the target allows is far below the peak.
    share = max(ends)
    bike = meta.sport == "bike"
    floor = settings.min_sprint_pmax_pct if bike else settings.min_sprint_vmax_pct
    if share >= floor:
        return
    name = _peak_name(meta)
    report.add(
        "W608",
        f"a {_SPRINT_DRILL_WORDS[step.drill]} at {_pct(share)} of {name} is not neuromuscular work: "
        f"it asks for less than {_pct(floor)} of the athlete's peak"
        + (", what a 30-s all-out effort averages" if bike else ""),
        span,
        f"drop the target to keep the drill all-out, or write at least @{floor:g}%{name}; for "
        f"{'anaerobic-capacity' if bike else 'speed-endurance'} work write the step without the drill's "
        f"name; or set {_key('min_sprint_pmax_pct' if bike else 'min_sprint_vmax_pct')}",
    )


def _w605_stride_too_long(
    step: Step, span: Span | None, meta: Metadata, settings: LintSettings, report: Report
) -> None:
    seconds = step_seconds(step, meta)[0]
    if seconds is not None:
        if seconds <= settings.max_stride_s:
            return
        what, limit, key = _dur(seconds), _dur(settings.max_stride_s), "max_stride_s"
    elif step.distance_m is not None and step.distance_m > settings.max_stride_m:
        what, limit, key = f"{step.distance_m:g} m", f"{settings.max_stride_m:g} m", "max_stride_m"
    else:
        return
    report.add(
        "W605",
        f"a {what} stride is longer than the ~{limit} a stride stays quick and relaxed",
        span,
        f"keep strides to {limit} or less and do more of them; for longer efforts write a target "
        f"instead of strides, or set {_key(key)}",
    )


def _w606_stride_too_hard(
    step: Step, span: Span | None, meta: Metadata, settings: LintSettings, report: Report
) -> None:
    if isinstance(step.target, MaxTarget):
        report.add(
            "W606",
            "a stride is fast but relaxed, never all-out; with max it is a sprint",
            span,
            f"write sprint {_dur(step.duration_s)} for an all-out effort, or drop max to keep the stride "
            "default"
            if step.duration_s is not None
            else "write sprint for an all-out effort, or drop max to keep the stride default",
        )
        return
    ends = _ends(step.target, meta)
    if ends is None:
        return
    # A range is judged by its easy end (the athlete may stay there); a
    # ramp by its peak (the athlete must reach it).
    level = max(ends) if isinstance(step.target, RampTarget) else min(ends)
    bike = meta.sport == "bike"
    limit = settings.max_bike_stride_pct if bike else settings.max_run_stride_pct
    if level <= limit:
        return
    like = "sprint power" if bike else "faster than 800 m race pace"
    shown = f"{_pct(level)} of {_of(meta)}"
    if isinstance(step.target, PaceTarget):
        shown = f"{step.target.slow} ({shown})"
    report.add(
        "W606",
        f"a stride at {shown} is {like}; form stops being relaxed above about {_pct(limit)}",
        span,
        f"keep strides at or below {_pct(limit)} (the default is "
        f"{'120-130% of FTP' if bike else '115-125% of threshold speed'}), or set "
        f"{_key('max_bike_stride_pct' if bike else 'max_run_stride_pct')}",
    )
