"""The writer (model -> nmdsl text) and repeat compression.

Property: for any workout, ``parse(write(w))`` does the same thing second by
second (same steps, same targets, same cues, same intensities where the text
can say them), and ``compress`` of the unrolled steps describes the same
timeline as the original.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.language.writer import distance, duration, header_text, number, write
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateTarget,
    MaxTarget,
    Metadata,
    Pace,
    PaceTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    iter_steps,
)
from nmdsl.model.compress import compress

from .helpers import without_spans


def _plain(step: Step) -> dict[str, Any]:
    """A step without source positions or the implicit flag, for comparison."""
    plain: dict[str, Any] = without_spans(step, exclude=frozenset({"implicit"}))
    return plain


def steps_of(w: Workout) -> list[dict[str, Any]]:
    return [_plain(s.step) for s in w.timeline()]


# -- strategies: models, not text -------------------------------------------

pct = st.integers(min_value=30, max_value=300).map(float)
cues = st.lists(
    st.builds(Cue, text=st.text(alphabet="abc XYZ!#'.,", min_size=1, max_size=12).filter(str.strip)),
    max_size=2,
)


@st.composite
def bike_target(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["pct", "range", "watts", "zone", "ramp", "max", "free"]))
    if kind == "pct":
        v = draw(pct)
        return PercentTarget(low_pct=v, high_pct=v)
    if kind == "range":
        lo, hi = sorted((draw(pct), draw(pct)))
        return PercentTarget(low_pct=lo, high_pct=hi)
    if kind == "watts":
        lo = float(draw(st.integers(100, 400)))
        return WattsTarget(low_w=lo, high_w=lo + draw(st.sampled_from([0, 10, 20])))
    if kind == "zone":
        from nmdsl.language.builder import ZONES

        z = draw(st.integers(1, 7))
        return ZoneTarget(zone=z, low_pct=ZONES[z][0], high_pct=ZONES[z][1])
    if kind == "ramp":
        return RampTarget(start=draw(pct), end=draw(pct))
    return MaxTarget() if kind == "max" else FreeTarget()


@st.composite
def bike_step(draw: st.DrawFn, intensity: str | None = None) -> Step:
    target = draw(bike_target())
    return Step(
        intensity=intensity or draw(st.sampled_from(["active", "warmup", "cooldown", "rest", "recovery"])),
        duration_s=draw(st.integers(1, 900)),
        target=target,
        cadence=draw(
            st.none() | st.builds(CadenceTarget, low_rpm=st.just(90), high_rpm=st.sampled_from([90, 100]))
        ),
        heart_rate=draw(st.none() | st.just(HeartRateTarget(low_bpm=140, high_bpm=150))),
        cues=tuple(draw(cues)),
    )


@st.composite
def items(draw: st.DrawFn, depth: int = 0) -> list[Any]:
    out: list[Any] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["step", "pair", "block"] if depth < 2 else ["step", "pair"]))
        if kind == "step":
            out.append(draw(bike_step()))
        elif kind == "pair":
            body = [draw(bike_step("active")), draw(bike_step("recovery"))]
            out.append(Repeat(count=draw(st.integers(1, 8)), steps=tuple(body)))
        else:
            out.append(Repeat(count=draw(st.integers(1, 4)), steps=tuple(draw(items(depth + 1))), block=True))
    return out


def _short_enough(w: Workout) -> bool:
    # Stay inside the language's 24-hour / 10,000-step limits (checks.py).
    steps = [s for s, _ in iter_steps(w.steps)]
    return len(steps) <= 10_000 and sum(s.duration_s or 0 for s in steps) <= 24 * 3600


workouts = st.builds(
    Workout,
    meta=st.builds(
        Metadata,
        name=st.none() | st.text(alphabet="abc #\"'&<>", min_size=1, max_size=10).filter(str.strip),
        ftp_w=st.just(250.0),
        tags=st.just(("a", "b")),
    ),
    steps=items().map(tuple),
).filter(_short_enough)


@given(workouts)
def test_written_text_reads_back_to_the_same_timeline(w: Workout) -> None:
    back = nmdsl.parse(write(w))
    assert steps_of(back) == steps_of(w)


@given(workouts)
def test_compressing_the_unrolled_steps_keeps_the_timeline(w: Workout) -> None:
    flat = [s for s, _ in iter_steps(w.steps)]
    folded = Workout(meta=w.meta, steps=tuple(compress(flat)))
    assert steps_of(folded) == steps_of(w)
    assert len(folded.steps) <= len(flat)
    # What compress folds, the writer writes and the parser reads back.
    assert steps_of(nmdsl.parse(write(folded))) == steps_of(w)


def test_compress_finds_nested_sets() -> None:
    a = Step(duration_s=30, target=PercentTarget(low_pct=150, high_pct=150))
    b = Step(intensity="recovery", duration_s=15, target=PercentTarget(low_pct=50, high_pct=50))
    c = Step(duration_s=180, target=PercentTarget(low_pct=50, high_pct=50))
    flat = ([a, b] * 13 + [c]) * 3
    (outer,) = compress(flat)
    assert isinstance(outer, Repeat) and outer.count == 3
    inner, rest = outer.steps
    assert isinstance(inner, Repeat) and inner.count == 13 and inner.steps == (a, b)
    assert rest == c
    text = write(Workout(steps=(outer,)))
    assert text == "3x:\n  13x 30s @150% / 15s @50%\n  3m @50%\n"


def test_compress_keeps_repetitions_with_different_cues_apart() -> None:
    a = Step(duration_s=30, target=PercentTarget(low_pct=150, high_pct=150))
    a2 = a.model_copy(update={"cues": (Cue(text="last one"),)})
    assert compress([a, a, a2]) == [Repeat(count=2, steps=(a,)), a2]


def test_idiomatic_output_for_a_drill_with_its_default_recovery() -> None:
    w = nmdsl.parse("8x strides 20s\n8x sprint 10s / 4m @45%\nsprint 8s\n")
    assert write(w) == "8x strides 20s\n8x sprint 10s / 4m @45%\nsprint 8s\n"


def test_run_session_with_paces_and_distances() -> None:
    src = (
        "name: Track\nsport: run\nthreshold-pace: 4:10/km\n\n"
        "warmup 2km @5:30/km\n6x 400mtr @3:50-4:00/km / 200mtr free\n8x strides 20s\ncooldown 1.5km @70%\n"
    )
    w = nmdsl.parse(src)
    assert write(w) == src
    assert steps_of(nmdsl.parse(write(w))) == steps_of(w)


def test_header_values_that_need_quotes_or_cannot_be_quoted() -> None:
    assert header_text("Interval #3") == '"Interval #3"'
    assert header_text('Tom & "Jerry"') == 'Tom & "Jerry"'
    # A value with both '#' and '"' has no exact spelling: '#' is spelled out.
    assert header_text('say "hi" #1') == 'say "hi" No.1'
    assert header_text("two\nlines") == "two lines"
    w = Workout(meta=Metadata(name="Interval #3", description='Tom & "Jerry" <test>'), steps=(
        Step(duration_s=60, target=FreeTarget()),))
    back = nmdsl.parse(write(w))
    assert back.meta.name == "Interval #3"
    assert back.meta.description == 'Tom & "Jerry" <test>'


def test_number_duration_distance_spellings() -> None:
    assert [number(x) for x in (150.0, 87.5, 114.99999999999999, 0.333333)] == ["150", "87.5", "115", "0.33"]
    assert [duration(s) for s in (30, 600, 90, 5400, 3661)] == ["30s", "10m", "1m30s", "1h30m", "1h1m1s"]
    assert [distance(m) for m in (400.0, 5000.0, 1500.0, 1609.344, 250.5)] == [
        "400mtr",
        "5km",
        "1.5km",
        "1mi",
        "250.5mtr",
    ]


def test_pace_ranges_are_written_with_one_unit() -> None:
    t = PaceTarget(fast=Pace(seconds=260), slow=Pace(seconds=270))
    from nmdsl.language.writer import target_text

    assert target_text(t) == "@4:20-4:30/km"


def test_header_values_without_an_exact_spelling_still_read_back() -> None:
    # '"a"' as a whole would read back as a; empty values and comma-only tags are left out.
    assert header_text('"a"') == "'a'"
    w = Workout(
        meta=Metadata(name='"a"', author="", tags=(",", "x, y")),
        steps=(Step(duration_s=60, target=FreeTarget()),),
    )
    text = write(w)
    assert "author" not in text
    back = nmdsl.parse(text).meta
    assert back.name == "'a'" and back.tags == ("x y",)


@pytest.mark.parametrize(
    "value",
    [
        'Say "go" at #1 ' + "#" * 20_000,  # every "#" becomes "No.": longer than the limit allows
        "x" * 9_990 + ' "a" #2 #3 #4 #5',  # spelled past the limit right at its end
        "#" * 20_000,  # quoted, and cut
    ],
)
def test_long_header_values_stay_within_the_limit(value: str) -> None:
    from nmdsl.limits import MAX_HEADER_CHARS

    w = Workout(meta=Metadata(description=value), steps=(Step(duration_s=60, target=FreeTarget()),))
    result = nmdsl.check(write(w))
    assert result.ok, [d.short() for d in result.diagnostics]
    assert result.workout is not None and result.workout.meta.description is not None
    assert 0 < len(result.workout.meta.description) <= MAX_HEADER_CHARS


def test_recoveries_share_a_line_only_with_an_active_step() -> None:
    w = nmdsl.parse("warmup 10m @50%\nrecovery 3m @45%\n30s @150% / 30s @50%\ncooldown 5m @40%\n")
    assert [s.intensity for s in w.steps if isinstance(s, Step)] == [
        "warmup", "recovery", "active", "recovery", "cooldown"
    ]
    assert write(w).splitlines()[-4:] == [
        "warmup 10m @50%",
        "recovery 3m @45%",
        "30s @150% / 30s @50%",
        "cooldown 5m @40%",
    ]
