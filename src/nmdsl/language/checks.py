"""Whole-workout checks that run on the model after it is built.

Limits are computed without expanding repeats, so ``1000000x:`` is refused
in microseconds instead of being unrolled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from nmdsl.diagnostics import Fix, Report, Span
from nmdsl.limits import MAX_DURATION_S, MAX_EXPANDED_CUES, MAX_EXPANDED_STEPS  # re-exported
from nmdsl.model import (
    Item,
    Metadata,
    PercentTarget,
    RampTarget,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    step_seconds,
)


def run_checks(workout: Workout, report: Report) -> None:
    _limits(workout, report)
    _ftp_scale(workout, report)
    _unknown_times(workout, report)


def _expanded(items: Sequence[Item], meta: Metadata) -> tuple[int, float, int]:
    """(steps, seconds, cues) of ``items`` with every repeat unrolled, counted without unrolling."""
    steps, seconds, cues = 0, 0.0, 0
    for item in items:
        if item.kind == "step":
            steps += 1
            seconds += step_seconds(item, meta)[0] or 0.0
            cues += len(item.cues)
        else:
            n, s, c = _expanded(item.steps, meta)
            steps += item.count * n
            seconds += item.count * s
            cues += item.count * c
    return steps, seconds, cues


def _limits(workout: Workout, report: Report) -> None:
    # Walk top-down so the span points at the outermost item that breaks it.
    steps = seconds = cues = 0.0
    for item in workout.steps:
        n, s, c = _expanded([item], workout.meta)
        steps += n
        seconds += s
        cues += c
        if steps > MAX_EXPANDED_STEPS:
            report.add(
                "E305",
                f"the workout expands to more than {MAX_EXPANDED_STEPS:,} steps",
                item.span,
                "use fewer repetitions; nmdsl refuses larger sessions rather than unroll them",
            )
            return
        if seconds > MAX_DURATION_S:
            report.add(
                "E305",
                f"the workout lasts more than 24 hours ({seconds / 3600:.1f} h so far)",
                item.span,
                "check the repeat counts and durations (m is minutes, h hours)",
            )
            return
        if cues > MAX_EXPANDED_CUES:
            report.add(
                "E305",
                f"the workout has more than {MAX_EXPANDED_CUES:,} cues once its repeats are unrolled",
                item.span,
                "use fewer cues, or fewer repetitions of the steps that have them",
            )
            return


def _walk(items: Sequence[Item]) -> Iterator[Step]:
    for item in items:
        if item.kind == "step":
            yield item
        else:
            yield from _walk(item.steps)


def _ftp_scale(workout: Workout, report: Report) -> None:
    if workout.meta.ftp_w is not None or workout.meta.sport != "bike":
        return
    first_watts: Span | None = None
    first_pct: Step | None = None
    for step in _walk(workout.steps):
        t = step.target
        if isinstance(t, WattsTarget) or (isinstance(t, RampTarget) and t.unit == "watts"):
            first_watts = first_watts or t.span or step.span
        elif isinstance(t, (PercentTarget, ZoneTarget, RampTarget)):
            first_pct = first_pct or step
    if first_watts is not None and first_pct is not None:
        where = f"line {first_pct.span.line}" if first_pct.span else "a drill's default"
        report.add(
            "E304",
            f"this session mixes watts (here) and %FTP ({where}) without an FTP to relate them",
            first_watts,
            "add 'ftp: 250' (your FTP in watts) to the header, or pass --ftp 250",
            # An insertion at the top of the file: the header's lines may come in any order.
            fix=Fix(Span(line=1, column=1, end_line=1, end_column=1), "ftp: 250\n", _ADD_FTP),
        )


_ADD_FTP = "Add 'ftp: 250' to the header (then make it your FTP)"


def _unknown_times(workout: Workout, report: Report) -> None:
    for step in _walk(workout.steps):
        if step.distance_m is not None and step_seconds(step, workout.meta)[0] is None:
            report.add(
                "W102",
                "this distance step's time is unknown, so totals leave it out",
                step.span,
                "give it a pace target (@4:30/km), or set 'threshold-pace:' for % targets"
                if workout.meta.sport == "run"
                else "give it an estimate after the distance: 2km ~3m",
            )
