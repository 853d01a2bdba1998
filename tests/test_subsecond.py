"""Sub-second durations: the seconds part of any duration may carry up to three decimals.

The model keeps them to the millisecond, sums never drift, and every backend
writes them at the resolution its readers take (FIT milliseconds; ZWO whole
seconds cut from the exact clock, one W406 per file).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.language.fmt import format_text
from nmdsl.language.values import duration_ms
from nmdsl.language.writer import duration as written
from nmdsl.model import Step, ms_of, seconds_of_ms
from tests.test_fit import decode_both


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("16.8s", 16_800),
        ("0.5s", 500),
        ("0.001s", 1),
        ("1m30.5s", 90_500),
        ("1h0.25s", 3_600_250),
        ("1:30.25", 90_250),
        ("0:00.125", 125),
        ("1:00:00.5", 3_600_500),
        ("30s", 30_000),
        ("1:30", 90_000),
    ],
)
def test_duration_forms(text: str, ms: int) -> None:
    assert duration_ms(text) == ms
    step = nmdsl.parse(f"{text} @50%").steps[0]
    assert isinstance(step, Step)
    assert step.duration_s == seconds_of_ms(ms)
    assert ms_of(step.duration_s) == ms
    # Whole seconds stay ints (the JSON of an integer session is unchanged).
    assert (type(step.duration_s) is int) == (ms % 1000 == 0)


@pytest.mark.parametrize(
    ("text", "code", "hint"),
    [
        ("1.2345s", "E002", "write 1.234s"),
        ("1:30.1234", "E002", "write 1:30.123"),
        ("1.5m", "E002", "only seconds take decimals"),
        ("1.5h", "E002", "only seconds take decimals"),
        ("0.000s", "E201", "longer than zero"),
        ("0:00.0", "E201", "longer than zero"),
        ("1:60.5", "E202", None),
        ("75:00.5", "E202", "1:15:00.5"),
    ],
)
def test_bad_fractions_are_diagnosed_at_the_token(text: str, code: str, hint: str | None) -> None:
    r = nmdsl.check(f"10m @50%\n{text} @50%")
    assert [d.code for d in r.errors] == [code]
    d = r.errors[0]
    assert d.span is not None and (d.span.line, d.span.column) == (2, 1)
    if hint is not None:
        assert d.hint is not None and hint in d.hint, d.hint


def test_cue_offsets_take_fractions_too() -> None:
    step = nmdsl.parse('10.5s @150% "go" at 2.25s').steps[0]
    assert isinstance(step, Step) and step.cues[0].offset_s == 2.25
    r = nmdsl.check('10.5s @150% "go" at 10.5s')
    assert [d.code for d in r.errors] == ["E209"]


# -- exact arithmetic ----------------------------------------------------------------------


@st.composite
def ms_and_text(draw: st.DrawFn) -> tuple[int, str]:
    """A duration in ms and one way to write it."""
    ms = draw(st.one_of(st.integers(1, 120_000), st.integers(1, 7_200_000)))
    whole, frac = divmod(ms, 1000)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    digits = draw(st.integers(len(f"{frac:03d}".rstrip("0")), 3)) if frac else draw(st.integers(0, 3))
    tail = f".{frac:03d}"[: digits + 1] if digits else ""
    forms = [f"{whole}{tail}s", f"{h}:{m:02d}:{s:02d}{tail}"]
    if h == 0:
        forms.append(f"{m}:{s:02d}{tail}")
    forms.append((f"{h}h" if h else "") + (f"{m}m" if m else "") + f"{s}{tail}s")
    return ms, draw(st.sampled_from(forms))


@given(ms_and_text())
def test_every_form_reads_exactly_and_writes_back(case: tuple[int, str]) -> None:
    ms, text = case
    assert duration_ms(text) == ms
    # The writer's spelling reads back as the same milliseconds, and fmt keeps it.
    assert duration_ms(written(seconds_of_ms(ms))) == ms
    formatted = format_text(f"{text} @50%\n").text
    assert formatted is not None and duration_ms(formatted.split()[0]) == ms


@given(st.lists(st.integers(1, 9_999), min_size=1, max_size=400))
def test_totals_are_exact_sums_of_milliseconds(values: list[int]) -> None:
    src = "\n".join(f"{written(seconds_of_ms(v))} @50%" for v in values)
    workout = nmdsl.parse(src)
    total = sum(values)
    assert workout.totals().duration_s == total / 1000
    ends = [seg.end_s for seg in workout.timeline()]
    running = 0
    for v, end in zip(values, ends, strict=True):
        running += v
        assert end == running / 1000


def test_ten_thousand_steps_do_not_drift() -> None:
    workout = nmdsl.parse("5000x 0.1s @150% / 0.2s @50%")
    assert workout.totals().duration_s == 1500.0
    timeline = workout.timeline()
    assert len(timeline) == 10_000
    assert timeline[-1].start_s == 1499.8  # float sums would give 1499.7999999...
    # Each start is the float nearest its exact millisecond: none drifts.
    assert all(seg.start_s == (k // 2 * 300 + k % 2 * 100) / 1000 for k, seg in enumerate(timeline))


def test_json_round_trip_keeps_milliseconds() -> None:
    workout = nmdsl.parse('name: x\n6x 16.8s @150% / 1m0.125s @50% "hold" at 0.5s\n')
    data = nmdsl.compile(workout, "json")
    assert b'"duration_s": 16.8' in data and b'"duration_s": 60.125' in data and b'"offset_s": 0.5' in data
    assert nmdsl.Workout.model_validate_json(data) == workout


def test_hand_built_steps_are_kept_to_the_millisecond() -> None:
    assert Step(duration_s=16.8000000001).duration_s == 16.8
    assert type(Step(duration_s=30.0).duration_s) is int
    assert Step(duration_s=0.1 + 0.2).duration_s == 0.3


# -- the writer and fmt --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (16.8, "16.8s"),
        (0.5, "0.5s"),
        (90.25, "1m30.25s"),
        (3600.5, "1h0.5s"),
        (60.001, "1m0.001s"),
        (90, "1m30s"),
    ],
)
def test_writer_spelling(seconds: float, text: str) -> None:
    assert written(seconds) == text


def test_fmt_keeps_the_fractions() -> None:
    out = format_text("1:30.25 @50%\n2x 16.80s @150% / 0:30.5 @50%\n").text
    assert out == "1m30.25s @50%\n2x 16.8s @150% / 30.5s @50%\n"


# -- backends ------------------------------------------------------------------------------


def _fit_steps(data: bytes) -> list[dict[str, object]]:
    """The workout steps as Garmin's SDK and fitdecode both read them (they must agree)."""
    return [{"duration_value": m[2]} for m in decode_both(data)["workout_step"]]


def test_fit_writes_milliseconds() -> None:
    data = nmdsl.compile("16.8s @150%\n1m30.125s @50%\n0.5s @60%", "fit", ftp_w=250)
    values = [m["duration_value"] for m in _fit_steps(data)]
    assert values == [16_800, 90_125, 500]


def test_fit_ramp_stairs_add_up_to_the_step() -> None:
    data = nmdsl.compile("10m0.5s ramp 45%-70%", "fit", ftp_w=250)
    steps = _fit_steps(data)
    assert sum(m["duration_value"] for m in steps) == 600_500
    # A whole-second ramp keeps whole-second stairs.
    whole = _fit_steps(nmdsl.compile("10m1s ramp 45%-70%", "fit", ftp_w=250))
    assert sum(m["duration_value"] for m in whole) == 601_000
    assert all(m["duration_value"] % 1000 == 0 for m in whole)


def _zwo_durations(data: bytes) -> list[int]:
    return [int(x) for x in re.findall(rb' Duration="([0-9]+)"', data)]


def test_zwo_whole_seconds_cut_from_the_exact_clock() -> None:
    src = "name: x\n" + "\n".join(["16.8s @150%", "30.3s @50%"] * 60)
    result = nmdsl.check(src)
    assert result.ok
    out = nmdsl.emit(result.workout, "zwo")
    assert [d.code for d in out.diagnostics] == ["W406"]  # once per file, not per step
    durations = _zwo_durations(out.data)
    exact = [0]
    for ms in [16_800, 30_300] * 60:
        exact.append(exact[-1] + ms)
    written_ends = [0]
    for d in durations:
        written_ends.append(written_ends[-1] + d)
    assert len(written_ends) == len(exact)
    # Every boundary within half a second of its exact time, at the end too.
    assert all(abs(w * 1000 - e) <= 500 for w, e in zip(written_ends, exact, strict=True))
    assert written_ends[-1] == round(exact[-1] / 1000)


def test_zwo_whole_second_sessions_are_unchanged_and_quiet() -> None:
    out = nmdsl.emit(nmdsl.parse("10m @50%\n6x 30s @150% / 30s @50%"), "zwo")
    assert out.diagnostics == [] and b"IntervalsT" in out.data


def test_zwo_fractional_repeat_is_unrolled_not_an_intervals_block() -> None:
    out = nmdsl.emit(nmdsl.parse("3x 16.8s @150% / 30s @50%"), "zwo")
    assert b"IntervalsT" not in out.data
    assert _zwo_durations(out.data) == [17, 30, 17, 30, 16, 30]


def test_zwo_cue_offsets_are_cut_from_the_clock() -> None:
    out = nmdsl.emit(nmdsl.parse('0.6s @50%\n10s @60% "go" at 4.5s'), "zwo")
    # The second element starts at 0.6 s (written 1 s); the cue is at 5.1 s (written 5 s): 4 s in.
    assert b'timeoffset="4"' in out.data


def test_zwo_a_fractional_cue_offset_alone_is_said_once() -> None:
    out = nmdsl.emit(nmdsl.parse('10s @60% "go" at 4.5s\n10s @60% "again" at 2.5s'), "zwo")
    assert b'timeoffset="5"' in out.data and b'timeoffset="3"' in out.data
    assert [(d.code, d.span.line if d.span else None) for d in out.diagnostics] == [("W406", 1)]


# -- importers -----------------------------------------------------------------------------


def _import(data: bytes, suffix: str) -> nmdsl.Workout:
    from nmdsl.diagnostics import Report
    from nmdsl.formats import for_suffix
    from nmdsl.formats.base import ReadOptions

    report = Report(file=f"x{suffix}")
    workout = for_suffix(suffix).read(data, report, ReadOptions(filename=f"x{suffix}"))
    assert workout is not None, [d.short() for d in report.sorted()]
    assert not [d for d in report.sorted() if d.code in ("W504", "W545")], [
        d.short() for d in report.sorted()
    ]
    return workout


def _exact_bounds(workout: nmdsl.Workout) -> list[int]:
    """Every boundary of the timeline in ms, the start and end included."""
    out = [0]
    for seg in workout.timeline():
        assert seg.duration_s is not None
        out.append(out[-1] + ms_of(seg.duration_s))
    return out


steps_ms = st.lists(
    st.tuples(st.integers(1, 600_000), st.sampled_from([50, 75, 150])), min_size=1, max_size=40
)


def _session(steps: list[tuple[int, int]]) -> str:
    return "name: x\n" + "\n".join(f"{written(seconds_of_ms(ms))} @{pct}%" for ms, pct in steps) + "\n"


@given(steps_ms)
def test_fit_import_gives_back_every_millisecond(steps: list[tuple[int, int]]) -> None:
    workout = nmdsl.parse(_session(steps))
    back = _import(nmdsl.compile(workout, "fit", ftp_w=250), ".fit")
    assert _exact_bounds(back) == _exact_bounds(workout)


@given(
    st.lists(st.tuples(st.integers(500, 600_000), st.sampled_from([50, 75, 150])), min_size=1, max_size=40)
)
def test_zwo_compile_then_import_stays_within_half_a_second(steps: list[tuple[int, int]]) -> None:
    # (From 0.5 s up: a shorter step may be cut to Duration="0", which a
    # reader skips; see the next test.)
    workout = nmdsl.parse(_session(steps))
    back = _import(nmdsl.compile(workout, "zwo"), ".zwo")
    exact, whole = _exact_bounds(workout), _exact_bounds(back)
    # ZWO is whole seconds; consecutive steps of one target may fold, so
    # compare every boundary of the import with the exact clock.
    assert all(b % 1000 == 0 for b in whole)
    assert set(whole) <= {(e + 500) // 1000 * 1000 for e in exact}
    assert whole[-1] == (exact[-1] + 500) // 1000 * 1000
    assert all(abs(b - min(exact, key=lambda e: abs(e - b))) <= 500 for b in whole)


def test_zwo_a_step_shorter_than_half_a_second_may_last_zero() -> None:
    out = nmdsl.emit(nmdsl.parse("10s @50%\n0.3s @150%\n10s @50%"), "zwo")
    assert _zwo_durations(out.data) == [10, 0, 10]


@given(st.lists(st.integers(1, 600_000), min_size=1, max_size=40))
def test_zwo_fractional_durations_import_exactly(values: list[int]) -> None:
    body = "\n".join(
        f'<SteadyState Duration="{v / 1000:.3f}" Power="{0.5 + (i % 3) * 0.25}"/>'
        for i, v in enumerate(values)
    )
    data = f'<workout_file><name>x</name><workout>{body}</workout></workout_file>'.encode()
    workout = _import(data, ".zwo")
    # Equal neighbours may fold into a repeat or one step: the boundaries of
    # the import are the file's exact boundaries, less those that vanished.
    exact = [0]
    for v in values:
        exact.append(exact[-1] + v)
    got = _exact_bounds(workout)
    assert got[-1] == exact[-1]
    assert set(got) <= set(exact)


@given(st.lists(st.tuples(st.integers(1, 600_000), st.sampled_from([50, 75, 150])), min_size=1, max_size=40))
def test_erg_and_mrc_points_land_within_a_millisecond(steps: list[tuple[int, int]]) -> None:
    workout = nmdsl.parse(_session(steps))
    exact = _exact_bounds(workout)
    for fmt in ("erg", "mrc"):
        text = nmdsl.compile(workout, fmt, ftp_w=250).decode()
        data = text.split("[COURSE DATA]")[1].split("[END COURSE DATA]")[0].split()
        times = [float(t) for t in data[::2]]
        # Points in pairs: each boundary is written once or twice, in order.
        bounds = sorted(set(times))
        assert len(bounds) == len(exact)
        for minutes, ms in zip(bounds, exact, strict=True):
            # A truncating reader: never early, less than 1 ms late, except
            # where the text is the exact time and binary falls a hair short.
            exact_text = Decimal(str(minutes)) * 60_000 == ms
            assert int(minutes * 60_000) == ms or (exact_text and int(minutes * 60_000) == ms - 1)
            assert abs(round(minutes * 60_000) - ms) <= 1  # rounding reader
            assert minutes * 60_000 - ms < 1


def test_erg_cue_times_keep_milliseconds() -> None:
    text = nmdsl.compile('16.8s @50% "a" at 0.25s\n10s @60% "b" at 2s', "erg", ftp_w=250).decode()
    assert "0.25\ta\t10" in text and "18.8\tb\t10" in text
    assert "0.28\t125" in text  # 16.8 s is 0.28 minutes, exactly
