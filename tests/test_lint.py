"""Coaching lints (nmdsl.analysis.lint): each rule fires where it should, and only there.

Every rule has a positive and a negative case for bikes and runs, a test
that its threshold is a setting (changing it changes the result), and span
checks.  Realistic sessions (the shipped examples and a repertoire of
well-known ones) must lint clean with the defaults.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
from hypothesis import assume, given

import nmdsl
from nmdsl.analysis.lint import RULES, LintSettings, declares_repeated_sprint, lint, setting_key
from nmdsl.diagnostics import CODES, Diagnostic, Severity, render

from .conftest import PATHS
from .test_properties import programs, too_large

WARM = "warmup 10m ramp 45%-70%\n"
RUN = "sport: run\nthreshold-pace: 4:10/km\n"
RUN_WARM = "warmup 10m @5:45-6:15/km\n"


def run_lint(src: str, **settings: float) -> list[Diagnostic]:
    return lint(nmdsl.parse(src), LintSettings(**settings))


def found(src: str, **settings: float) -> list[tuple[str, int, int]]:
    """(code, line, column) of every lint."""
    out = []
    for d in run_lint(src, **settings):
        assert d.span is not None, d
        out.append((d.code, d.span.line, d.span.column))
    return out


def codes(src: str, **settings: float) -> list[str]:
    return [d.code for d in run_lint(src, **settings)]


def only(src: str, code: str, **settings: float) -> Diagnostic:
    (d,) = [d for d in run_lint(src, **settings) if d.code == code]
    return d


# -- the catalogue ---------------------------------------------------------------------------


def test_codes_are_registered_warnings_in_the_lint_range() -> None:
    assert RULES, "at least one rule"
    for code, text in RULES.items():
        assert re.fullmatch(r"W6(0\d|1\d)", code), code
        assert CODES[code].severity is Severity.WARNING
        assert text and "\n" not in text
    assert set(RULES) == {c for c in CODES if re.fullmatch(r"W6[01]\d", c)}


def test_every_lint_is_a_one_line_warning_with_a_hint() -> None:
    src = (
        "ftp: 250\npmax: 1000\n6x sprint 30s / 30s @50%\n10m @160%\n8x strides 45s @160%\n"
        "3x 30s @90%pmax / 5m @50%\n4x sprint 10s @50%pmax\n"
    )
    ds = lint(nmdsl.parse(src), filename="lib/s.nm")
    assert {d.code for d in ds} == set(RULES)
    for d in ds:
        assert d.severity is Severity.WARNING and not d.is_error
        assert d.file == "lib/s.nm"
        assert d.message and "\n" not in d.message
        assert d.hint and "\n" not in d.hint


def test_a_session_without_neuromuscular_work_is_clean() -> None:
    assert run_lint("10m @60%\n3x 10m @88-94% / 5m @50%\n") == []


def test_output_is_sorted_and_deterministic() -> None:
    src = "ftp: 250\n10m @160%\n6x sprint 30s / 30s @50%\n8x strides 45s\n"
    first = run_lint(src)
    assert first == run_lint(src)
    keys = [(d.span.line, d.span.column, d.code) for d in first if d.span]
    assert keys == sorted(keys)


# -- W601: all-out effort too long -------------------------------------------------------------


def test_w601_long_sprint() -> None:
    assert found(WARM + "sprint 30s\n") == [("W601", 2, 1)]
    assert "30s" in only(WARM + "sprint 30s\n", "W601").message


def test_w601_long_max_target() -> None:
    assert found(WARM + "3x 25s max / 5m @50%\n") == [("W601", 2, 4)]


@pytest.mark.parametrize("line", ["sprint 20s", "sprint 10s", "20s max", "6x sprint 6s", "30s @150%"])
def test_w601_short_or_not_all_out_is_fine(line: str) -> None:
    assert "W601" not in codes(WARM + line + "\n")


def test_w601_threshold_is_a_setting() -> None:
    assert "W601" not in codes(WARM + "sprint 30s\n", max_all_out_s=30)
    assert "W601" in codes(WARM + "sprint 10s\n", max_all_out_s=8)


def test_w601_back_to_back_all_out_steps_are_one_effort() -> None:
    src = WARM + "sprint 10s\n15s max\n3m @50%\n"
    assert found(src) == [("W601", 2, 1)]
    d = only(src, "W601")
    assert "25s" in d.message and "back to back" in d.message


def test_w601_once_per_source_step_inside_nested_repeats() -> None:
    src = WARM + "2x:\n  3x:\n    4x sprint 30s / 3m @50%\n    5m @50%\n"
    assert found(src) == [("W601", 4, 8)]


def test_w601_run_time_and_distance() -> None:
    assert found(RUN + RUN_WARM + "4x sprint 30s\n") == [("W601", 4, 4)]
    assert found(RUN + RUN_WARM + "4x sprint 300mtr / 5m free\n") == [("W601", 4, 4)]
    assert "300 m" in only(RUN + RUN_WARM + "sprint 300mtr\n", "W601").message
    assert "W601" not in codes(RUN + RUN_WARM + "4x sprint 100mtr / 5m free\n")
    assert "W601" not in codes(RUN + RUN_WARM + "4x sprint 10s\n")
    assert "W601" not in codes(RUN + RUN_WARM + "sprint 300mtr\n", max_all_out_m=400)


# -- W602: too little recovery ----------------------------------------------------------------


def test_w602_short_recovery() -> None:
    src = WARM + "6x sprint 10s / 30s @50%\n"
    assert found(src) == [("W602", 2, 4)]
    d = only(src, "W602")
    assert "30s" in d.message and "each time" in d.message
    assert d.hint and "repeated-sprint" in d.hint


@pytest.mark.parametrize(
    "line",
    [
        "6x sprint 10s",  # the drill's default recovery: 3 minutes
        "6x sprint 10s / 2m @50%",  # exactly the threshold
        "6x sprint 10s / 1m @50% / 1m free",  # recovery in two steps
        "6x 10s max / 5m @Z2",
        "sprint 10s",  # a single effort
        "6x sprint 10s / 3m @100%",  # steady riding below critical power counts
    ],
)
def test_w602_enough_recovery(line: str) -> None:
    assert "W602" not in codes(WARM + line + "\n")


def test_w602_threshold_is_a_setting() -> None:
    assert "W602" in codes(WARM + "6x sprint 10s\n", min_all_out_recovery_s=240)
    assert "W602" not in codes(WARM + "6x sprint 10s / 30s @50%\n", min_all_out_recovery_s=30)


@pytest.mark.parametrize("tags", ["repeated-sprint", "sprint, Repeated Sprints", "RSA, repeated_sprint"])
def test_w602_repeated_sprint_work_declared_by_a_tag(tags: str) -> None:
    src = f"tags: {tags}\n" + WARM + "6x sprint 6s / 24s @50%\n"
    assert codes(src) == []
    assert declares_repeated_sprint(nmdsl.parse(src).meta)


@pytest.mark.parametrize("tags", ["sprint", "repeated", "sprints, repeated"])
def test_w602_other_tags_do_not_declare_it(tags: str) -> None:
    src = f"tags: {tags}\n" + WARM + "6x sprint 6s / 24s @50%\n"
    assert codes(src) == ["W602"]


def test_w602_repeated_sprint_tag_leaves_the_other_rules_on() -> None:
    src = "tags: repeated-sprint\n6x sprint 30s / 30s @50%\n"
    assert sorted(codes(src)) == ["W601", "W603"]


def test_w602_once_per_source_step_inside_nested_repeats() -> None:
    # sprint gaps: 30, 30, 30+5m, 30, 30 (the last sprint has no next): 4 of 5 short.
    src = WARM + "2x:\n  3x sprint 10s / 30s @50%\n  5m @50%\n"
    assert found(src) == [("W602", 3, 6)]
    assert "4 of 5 times" in only(src, "W602").message


def test_w602_recovery_runs_across_block_boundaries() -> None:
    # Within a set the default 3 min is enough; between sets the gap is longer still.
    assert codes(WARM + "3x:\n  4x sprint 10s\n  5m @60%\n") == []
    # One sprint per set, 90 s apart: the gap is made of the end of one
    # repetition and the start of the next.
    src = WARM + "5x:\n  45s @50%\n  sprint 10s\n  45s @50%\n"
    assert found(src) == [("W602", 4, 3)]


def test_w602_reported_at_the_step_whose_recovery_is_short() -> None:
    src = WARM + "4x:\n  sprint 10s\n  30s @50%\n  15s max\n  3m @50%\n"
    assert found(src) == [("W602", 3, 3)]


def test_w602_back_to_back_efforts_reported_at_their_last_step() -> None:
    src = WARM + "4x:\n  sprint 10s\n  10s max\n  1m @50%\n"
    assert found(src) == [("W602", 4, 3)]


def test_w602_hard_riding_between_efforts_is_not_recovery() -> None:
    src = WARM + "4x sprint 10s / 3m @110%\n"
    d = only(src, "W602")
    assert "0s of recovery" in d.message and "3m above 105%" in d.message
    # The line is critical power: raising it makes 110% count as recovery.
    assert "W602" not in codes(src, critical_power_pct=115)
    # Part easy, part hard: only the easy part counts.
    assert "W602" in codes(WARM + "4x sprint 10s / 1m @110% / 1m30s @50%\n")


def test_w602_implicit_recovery_reported_at_the_drill() -> None:
    src = WARM + "2x:\n  6x sprint 10s\n  5m @60%\n"
    assert found(src, min_all_out_recovery_s=240) == [("W602", 3, 6)]


def test_w602_run() -> None:
    assert found(RUN + RUN_WARM + "6x sprint 10s / 1m free\n") == [("W602", 4, 4)]
    assert "W602" not in codes(RUN + RUN_WARM + "6x sprint 10s\n")
    assert "W602" not in codes(RUN + RUN_WARM + "6x sprint 60mtr / 400mtr @6:30/km\n")
    assert "W602" in codes(RUN + RUN_WARM + "6x sprint 60mtr / 100mtr @6:30/km\n")
    # A walk back over a distance has no known time: no judgement.
    assert "W602" not in codes(RUN + RUN_WARM + "6x sprint 60mtr / 100mtr free\n")


# -- W603: no warm-up ------------------------------------------------------------------------


def test_w603_no_warmup() -> None:
    assert found("6x sprint 10s\n") == [("W603", 1, 4)]
    assert "no warm-up" in only("6x sprint 10s\n", "W603").message
    d = only("5m @60%\n2x:\n  6x sprint 10s\n", "W603")
    assert d.span is not None and (d.span.line, d.span.column) == (3, 6)
    assert "5m of riding" in d.message


@pytest.mark.parametrize(
    "src",
    [
        WARM + "6x sprint 10s\n",
        "warmup 5m @50%\n5m @65%\n6x sprint 10s\n",
        "10m @60%\n",  # no all-out effort at all
        "6x 30s @150% / 30s @50%\n",  # hard, not all-out
    ],
)
def test_w603_warmed_up_or_nothing_all_out(src: str) -> None:
    assert "W603" not in codes(src)


def test_w603_only_the_first_effort() -> None:
    assert found("sprint 10s\n10m @60%\n3x sprint 10s\n") == [("W603", 1, 1)]


def test_w603_threshold_is_a_setting() -> None:
    assert "W603" in codes(WARM + "6x sprint 10s\n", min_warmup_s=900)
    assert "W603" not in codes("5m @60%\n6x sprint 10s\n", min_warmup_s=300)
    assert "W603" not in codes("6x sprint 10s\n", min_warmup_s=0)


def test_w603_run() -> None:
    d = only(RUN + "1km @5:45/km\n6x sprint 10s\n", "W603")
    assert "after only 5m45s of running" in d.message
    assert "W603" not in codes(RUN + "2km @5:45/km\n6x sprint 10s\n")  # 11.5 minutes
    # ... a distance whose time is unknown may be a long warm-up: no judgement.
    assert "W603" not in codes("sport: run\n2km free\n6x sprint 10s\n")


# -- W604: a target no one can hold ----------------------------------------------------------

#: Real sessions: VO2max, anaerobic, threshold and sweet-spot work, with
#: their usual targets.  None of them may trigger W604.
BIKE_REPERTOIRE = [
    "13x 30s @120-140% / 15s @60%",  # Rønnestad 30/15s
    "10x 30s @130% / 30s @50%",  # 30/30s
    "8x 40s @120% / 20s @50%",  # 40/20s
    "8x 20s @170% / 10s free",  # Tabata
    "4x 30s @150% / 45s @55%",  # attacks
    "6x 1m @150% / 2m @50%",
    "5x 2m @130-150% / 4m @50%",
    "5x 3m @120-130% / 3m @50%",
    "5x 4m @115-125% / 4m @50%",
    "5x 5m @112-120% / 5m @50%",
    "4x 8m @106-112% / 4m @50%",
    "3x 10m @105-110% / 5m @50%",
    "2x 20m @95-105% / 5m @50%",
    "1h @95-100%",
    "3x 15m @88-94% / 5m @50%",
    "2h @Z2",
    "3x 5m @Z5 / 5m @Z1",
    "6x 2m @Z6 / 3m @Z1",
    "8x 30s @Z7 / 2m @Z1",
    "4x accel 30s",
    "4x accel 20s ramp 80%-250%",
    "20m ramp 50%-110%",  # a ramp test-like build
    "3x 9m @290-310W / 3m @150W",  # FTP 250: 116-124%
]

RUN_REPERTOIRE = [
    "8x 400mtr @3:25/km / 200mtr @6:30/km",
    "6x 800mtr @3:35/km / 400mtr @6:30/km",
    "5x 1km @3:45/km / 2m free",
    "4x 1mi @3:55/km / 3m free",
    "3x 2km @4:00/km / 3m free",
    "2x 20m @4:05-4:10/km / 3m free",
    "10km @4:10/km",
    "21.1km @4:20/km",
    "8x strides 20s",
    "10x 200mtr @120-125% / 200mtr @6:30/km",
    "4x accel 30s",
]


@pytest.mark.parametrize("line", BIKE_REPERTOIRE)
def test_w604_real_bike_sessions_are_holdable(line: str) -> None:
    assert codes("ftp: 250\n" + WARM + line + "\n") == []


@pytest.mark.parametrize("line", RUN_REPERTOIRE)
def test_w604_real_run_sessions_are_holdable(line: str) -> None:
    assert codes(RUN + RUN_WARM + line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        "10m @160%",  # meant 10s? or @106%?
        "5m @250%",
        "3m @200%",
        "20m @Z6",
        "30m @112%",
        "1h @115%",
        "5m @500W",  # FTP 250
        "5m ramp 100%-300%",
        "2m @400%",
    ],
)
def test_w604_impossible_bike_targets(line: str) -> None:
    assert found("ftp: 250\n" + WARM + line + "\n") == [("W604", 3, 1)]


def test_w604_message_names_the_limit() -> None:
    d = only("ftp: 250\n10m @160%\n", "W604")
    # CP 105% + 100 * 120 s / 600 s = 125%
    assert "160%" in d.message and "125%" in d.message and "10m" in d.message
    assert d.hint and "w-prime-s" in d.hint


def test_w604_thresholds_are_settings() -> None:
    assert codes("10m @160%\n", w_prime_s=400) == []
    assert codes("1h @115%\n", critical_power_pct=115) == []
    assert codes("5x 5m @112-120% / 5m @50%\n", w_prime_s=10) == ["W604"]
    run = RUN + "10m @125%\n"
    assert codes(run) == ["W604"]
    assert codes(run, d_prime_s=200) == []
    assert codes(run, critical_speed_pct=125) == []


def test_w604_run() -> None:
    d = only(RUN + "10m @3:00/km\n", "W604")
    assert "3:00/km" in d.message and "threshold speed" in d.message and d.hint and "d-prime-s" in d.hint
    assert found(RUN + "2km @2:50/km\n") == [("W604", 3, 1)]
    # % of threshold speed needs no threshold pace ...
    assert codes("sport: run\n10m @140%\n") == ["W604"]
    # ... a pace does: without one it cannot be judged.
    assert codes("sport: run\n10m @3:00/km\n") == []


def test_w604_needs_an_ftp_for_watts() -> None:
    assert codes("5m @500W\n") == []
    assert codes("ftp: 250\n5m @500W\n") == ["W604"]


def test_w604_judges_a_range_by_its_low_end() -> None:
    assert codes("10m @110-160%\n") == []
    assert codes("10m @130-160%\n") == ["W604"]


def test_w604_once_per_source_step_inside_repeats() -> None:
    src = "3x:\n  2x 10m @160% / 5m @50%\n  5m @50%\n"
    assert found(src) == [("W604", 2, 6)]


def test_w604_run_model_is_above_daniels_gilbert_race_speeds() -> None:
    """The default critical-speed model never flags a race pace a runner can hold.

    Race speeds from the Daniels-Gilbert equations (oxygen cost of running
    and the sustainable fraction of VO2max, as used for Daniels' VDOT
    tables), relative to the speed sustainable for 60 minutes (close to
    threshold speed), for VDOT 30-85 and races of 2-120 minutes.
    """

    def vo2(v: float) -> float:  # ml/kg/min at v m/min
        return -4.60 + 0.182258 * v + 0.000104 * v * v

    def fraction(t: float) -> float:  # of VO2max sustainable for t minutes
        return 0.8 + 0.1894393 * math.exp(-0.012778 * t) + 0.2989558 * math.exp(-0.1932605 * t)

    def speed(vdot: float, t: float) -> float:
        need = vdot * fraction(t)  # solve vo2(v) = need
        a, b, c = 0.000104, 0.182258, -4.60 - need
        return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)

    s = LintSettings()
    for vdot in range(30, 86, 5):
        for minutes in (2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60, 90, 120):
            pct = 100 * speed(vdot, minutes) / speed(vdot, 60)
            limit = s.critical_speed_pct + 100 * s.d_prime_s / (minutes * 60)
            assert pct < limit, (vdot, minutes, pct, limit)


# -- W605 / W606: strides --------------------------------------------------------------------


def test_w605_long_strides_bike_and_run() -> None:
    assert found(WARM + "8x strides 45s\n") == [("W605", 2, 4)]
    assert found(RUN + RUN_WARM + "8x strides 40s\n") == [("W605", 4, 4)]
    assert "40s" in only(RUN + RUN_WARM + "8x strides 40s\n", "W605").message


@pytest.mark.parametrize("line", ["8x strides 20s", "strides 30s", "6x strides 15s / 45s free"])
def test_w605_normal_strides(line: str) -> None:
    assert codes(WARM + line + "\n") == []
    assert codes(RUN + RUN_WARM + line + "\n") == []


def test_w605_run_strides_over_a_distance() -> None:
    # With threshold-pace the time is estimated: 200 m at 120% of 4 m/s ~ 42 s.
    assert codes(RUN + RUN_WARM + "6x strides 200mtr\n") == ["W605"]
    assert codes(RUN + RUN_WARM + "6x strides 100mtr\n") == []
    # Without it, the distance is judged instead.
    assert codes("sport: run\nwarmup 10m free\n6x strides 200mtr\n") == ["W605"]
    assert codes("sport: run\nwarmup 10m free\n6x strides 100mtr\n") == []
    assert codes("sport: run\nwarmup 10m free\n6x strides 200mtr\n", max_stride_m=250) == []


def test_w605_thresholds_are_settings() -> None:
    assert codes(WARM + "8x strides 45s\n", max_stride_s=60) == []
    assert codes(WARM + "8x strides 20s\n", max_stride_s=15) == ["W605"]


def test_w606_too_hard_bike() -> None:
    assert found(WARM + "8x strides 20s @160%\n") == [("W606", 2, 4)]
    assert codes("ftp: 250\n" + WARM + "8x strides 20s @450W\n") == ["W606"]
    # A ramp is judged by its peak.
    assert codes(WARM + "8x strides 20s ramp 100%-200%\n") == ["W606"]


def test_w606_all_out_stride() -> None:
    d = only(WARM + "8x strides 20s max / 3m @50%\n", "W606")
    assert d.hint and "sprint 20s" in d.hint
    assert codes(RUN + RUN_WARM + "8x strides 20s max / 3m free\n") == ["W606"]


def test_w606_too_hard_run() -> None:
    assert found(RUN + RUN_WARM + "8x strides 20s @140%\n") == [("W606", 4, 4)]
    assert "800 m" in only(RUN + RUN_WARM + "8x strides 20s @140%\n", "W606").message
    assert codes(RUN + RUN_WARM + "8x strides 20s @2:55/km\n") == ["W606"]  # ~143%


@pytest.mark.parametrize("line", ["8x strides 20s", "8x strides 20s @140-160%", "8x strides 20s @110%"])
def test_w606_normal_bike_strides(line: str) -> None:
    assert codes(WARM + line + "\n") == []


@pytest.mark.parametrize(
    "line", ["8x strides 20s", "8x strides 20s @3:25-3:35/km", "8x strides 20s @125-135%"]
)
def test_w606_normal_run_strides(line: str) -> None:
    assert codes(RUN + RUN_WARM + line + "\n") == []


def test_w606_thresholds_are_settings() -> None:
    assert codes(WARM + "8x strides 20s @160%\n", max_bike_stride_pct=170) == []
    assert codes(WARM + "8x strides 20s\n", max_bike_stride_pct=110) == ["W606"]
    assert codes(RUN + RUN_WARM + "8x strides 20s @140%\n", max_run_stride_pct=145) == []
    assert codes(RUN + RUN_WARM + "8x strides 20s\n", max_run_stride_pct=110) == ["W606"]


def test_w606_needs_a_threshold_for_watts_and_paces() -> None:
    assert codes("warmup 10m @100W\n8x strides 20s @900W / 1m @100W\n") == []
    assert codes("sport: run\nwarmup 10m free\n8x strides 20s @2:30/km\n") == []


# -- W607, W608: the athlete's own peak ------------------------------------------------------

PMAX = "ftp: 250\npmax: 1000\n"  # a peak of 400% of FTP
VMAX = RUN + "vmax: 2:30/km\n"  # a top speed of 167% of threshold speed

#: Well-known neuromuscular sessions written against the peak: none may warn.
PEAK_BIKE_REPERTOIRE = [
    "6x 8s @95%pmax / 3m @50%",
    "6x 10s @85-95%pmax / 3m free",
    "8x 6s @100%pmax / 4m @50%",
    "5x 15s @80%pmax / 5m @50%",
    "4x 30s @65-70%pmax / 4m @50%",
    "6x sprint 10s @90-100%pmax",
    "4x standing-start 12s @80%pmax",
    "6x 10s @900-1000W / 3m @125W",
]
PEAK_RUN_REPERTOIRE = [
    "6x 10s @95%vmax / 2m free",
    "6x flying 4s @98%vmax",
    "5x 60mtr @90-95%vmax / 3m free",
    "4x 20s @90%vmax / 3m free",
    "6x hill-sprint 10s @70%vmax",  # uphill speed is not the flat vmax: W608 leaves it alone
]


@pytest.mark.parametrize("line", PEAK_BIKE_REPERTOIRE)
def test_w607_w608_real_peak_sessions_are_clean(line: str) -> None:
    assert codes(PMAX + WARM + line + "\n") == []


@pytest.mark.parametrize("line", PEAK_RUN_REPERTOIRE)
def test_w607_w608_real_peak_run_sessions_are_clean(line: str) -> None:
    assert codes(VMAX + RUN_WARM + line + "\n") == []


@pytest.mark.parametrize("pmax", [600, 1000, 1600])
@pytest.mark.parametrize("line", BIKE_REPERTOIRE)
def test_w607_the_bike_repertoire_stays_clean_with_a_pmax(line: str, pmax: int) -> None:
    assert codes(f"ftp: 250\npmax: {pmax}\n" + WARM + line + "\n") == []


@pytest.mark.parametrize("vmax", ["3:00/km", "2:30/km", "2:00/km"])
@pytest.mark.parametrize("line", RUN_REPERTOIRE)
def test_w607_the_run_repertoire_stays_clean_with_a_vmax(line: str, vmax: str) -> None:
    assert codes(RUN + f"vmax: {vmax}\n" + RUN_WARM + line + "\n") == []


@pytest.mark.parametrize(
    "line",
    [
        "6x 20s @95%pmax / 3m @50%",  # ~13 s is what 95% lasts
        "6x 30s @80%pmax / 3m @50%",  # ~25 s
        "3x 1m @60%pmax / 5m @50%",  # ~58 s
        "6x 12s @110%pmax / 3m @50%",  # above the peak: shorter than 10 s
        "6x 20s @900W / 3m @125W",  # watts count as the share they are
        "6x 20s @360% / 3m @50%",  # and so does %FTP: 90% of pmax
    ],
)
def test_w607_held_too_long(line: str) -> None:
    assert found(PMAX + WARM + line + "\n") == [("W607", 4, 4)]


def test_w607_message_and_hint() -> None:
    d = only(PMAX + WARM + "6x 20s @95%pmax / 3m @50%\n", "W607")
    assert d.message.startswith("95% of pmax for 20s is longer than a maximal effort at that share lasts")
    assert "about 13s for a pmax of 400% of FTP" in d.message
    assert d.hint and "peak-hold-s or w-prime-s" in d.hint


def test_w607_run() -> None:
    assert found(VMAX + RUN_WARM + "6x 1m @95%vmax / 3m free\n") == [("W607", 5, 4)]
    assert codes(VMAX + RUN_WARM + "4x 400mtr @2:40/km / 3m free\n") == ["W607"]  # 94% of vmax for 64 s
    assert "d-prime-s" in (only(VMAX + RUN_WARM + "6x 1m @95%vmax / 3m free\n", "W607").hint or "")


def test_w607_the_model_is_anchored_at_the_peak() -> None:
    from nmdsl.analysis.lint import peak_time_limit_s

    s = LintSettings()
    assert peak_time_limit_s(100, 400, s, "bike") == pytest.approx(s.peak_hold_s)
    # Morton's 3-parameter curve: shorter as the share rises, infinite at or below CP.
    limits = [peak_time_limit_s(share, 400, s, "bike") for share in (50, 70, 90, 100, 110)]
    assert limits == sorted(limits, reverse=True)
    assert peak_time_limit_s(105 / 4, 400, s, "bike") == math.inf
    assert peak_time_limit_s(90, 400, s, "bike") == pytest.approx(
        12000 / (360 - 105) - 12000 / (400 - 105) + 10
    )


def test_w607_needs_the_peak_and_the_threshold() -> None:
    line = "6x 20s @95%pmax / 3m @50%\n"
    assert codes("pmax: 1000\n" + WARM + line) == []  # no FTP: no CP to anchor the model
    assert codes(WARM + "6x 20s @380% / 3m @50%\n") == []  # no pmax: W604 alone, which allows it
    assert codes(RUN + RUN_WARM + "6x 1m @2:38/km / 3m free\n") == []  # no vmax


def test_w607_is_not_said_beside_w604() -> None:
    # 5m at 95% of pmax is beyond W604's generous limit too: one warning, W604's.
    assert codes(PMAX + WARM + "5m @95%pmax\n") == ["W604"]


def test_w607_skips_all_out_steps_and_ramps() -> None:
    assert codes(PMAX + WARM + "6x sprint 15s\n") == []
    assert codes(PMAX + WARM + "4x 30s ramp 150%-400% / 3m @50%\n") == []


def test_w607_thresholds_are_settings() -> None:
    line = PMAX + WARM + "6x 20s @95%pmax / 3m @50%\n"
    assert codes(line, peak_hold_s=20) == []
    assert codes(line, w_prime_s=600) == []
    assert codes(PMAX + WARM + "6x 8s @95%pmax / 3m @50%\n", peak_hold_s=2) == ["W607"]


@pytest.mark.parametrize(
    ("line", "share"),
    [
        ("6x sprint 10s @60%pmax", "60%"),
        ("6x sprint 10s @200%", "50%"),  # 500 W of a 1000 W pmax
        ("6x standing-start 12s @500-700W", "70%"),  # a range by its upper end
        ("6x sprint 10s @Z6", "37.5%"),
    ],
)
def test_w608_sprint_below_peak(line: str, share: str) -> None:
    d = only(PMAX + WARM + line + "\n", "W608")
    assert (d.span.line, d.span.column) == (4, 4) if d.span else False
    assert f"at {share} of pmax is not neuromuscular work" in d.message
    assert d.hint and "@75%pmax" in d.hint


def test_w608_run() -> None:
    d = only(VMAX + RUN_WARM + "6x flying 30mtr @3:30/km / 3m free\n", "W608")
    assert "a flying sprint at 71.4% of vmax" in d.message
    assert codes(VMAX + RUN_WARM + "6x sprint 10s @80%vmax / 3m free\n") == ["W608"]
    assert codes(VMAX + RUN_WARM + "6x sprint 10s @90%vmax / 3m free\n") == []


def test_w608_leaves_other_steps_alone() -> None:
    # Not a sprint by name: a short step at a low share may be anything (spin-ups, torque).
    assert codes(PMAX + WARM + "6x 10s @50%pmax / 3m @50%\n") == []
    assert codes(PMAX + WARM + "4x torque 5m\n") == []
    # Without the peak a sprint's target cannot be judged against it.
    assert codes("ftp: 250\n" + WARM + "6x sprint 10s @200%\n") == []


def test_w608_thresholds_are_settings() -> None:
    assert codes(PMAX + WARM + "6x sprint 10s @60%pmax\n", min_sprint_pmax_pct=50) == []
    assert codes(PMAX + WARM + "6x sprint 10s @80%pmax\n", min_sprint_pmax_pct=85) == ["W608"]
    assert codes(VMAX + RUN_WARM + "6x sprint 10s @90%vmax / 3m free\n", min_sprint_vmax_pct=95) == ["W608"]


# -- examples and properties ------------------------------------------------------------------


def examples() -> list[Path]:
    return sorted(PATHS.examples.glob("*.nm"))


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_examples_lint_clean(path: Path) -> None:
    ds = lint(nmdsl.parse_file(path), filename=str(path))
    assert ds == [], "\n".join(d.short() for d in ds)


@given(programs())
def test_lint_never_raises_and_reports_once_per_step(
    program: tuple[str, float, int, dict[str, object]],
) -> None:
    src, seconds, steps, _ = program
    assume(not too_large(seconds, steps))
    result = nmdsl.check(src)
    assert result.workout is not None
    ds = lint(result.workout)
    n_lines = len(src.splitlines())
    seen = set()
    for d in ds:
        assert d.code in RULES and d.severity is Severity.WARNING
        assert d.span is not None and 1 <= d.span.line <= n_lines
        key = (d.code, d.span.line, d.span.column)
        assert key not in seen, d.short()
        seen.add(key)


# -- settings --------------------------------------------------------------------------------


def test_settings_from_config() -> None:
    s = LintSettings.from_config({"max-all-out-s": 30, "min-warmup-s": 300.5})
    assert s == LintSettings(max_all_out_s=30, min_warmup_s=300.5)
    assert LintSettings.from_config({}) == LintSettings()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"max-all-out": 30}, "did you mean max-all-out-s"),
        ({"max_all_out_s": 30}, "unknown lint setting"),
        ({"max-all-out-s": "30"}, "must be a number"),
        ({"max-all-out-s": True}, "must be a number"),
        ({"max-all-out-s": -1}, "more than 0"),
        ({"max-all-out-s": float("nan")}, "must be a number"),
        ({"critical-power-pct": 0}, "more than 0"),
    ],
)
def test_settings_from_config_rejects(table: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LintSettings.from_config(table)


def test_settings_are_frozen_and_hashable() -> None:
    s = LintSettings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.max_all_out_s = 1  # type: ignore[misc]
    assert hash(s) == hash(LintSettings())


# -- docs ------------------------------------------------------------------------------------


def _doc() -> str:
    path = PATHS.docs / "lints.md"
    assert path.is_file(), f"{path} is missing"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_docs_section(code: str) -> None:
    assert re.search(rf"^## {code} — \S", _doc(), re.MULTILINE), (
        f"docs/lints.md has no '## {code} — ' heading"
    )


def test_docs_settings_table_matches_the_defaults() -> None:
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| ([0-9.]+) \|", _doc(), re.MULTILINE))
    expected = {setting_key(f.name): f.default for f in dataclasses.fields(LintSettings)}
    assert set(rows) == set(expected), "docs/lints.md settings table and LintSettings differ"
    for key, value in expected.items():
        assert float(rows[key]) == value, key


def _section(code: str) -> str:
    return re.split(r"^## ", _doc().split(f"## {code} — ", 1)[1], maxsplit=1, flags=re.MULTILINE)[0]


@pytest.mark.parametrize("code", sorted(RULES))
def test_docs_example_triggers_its_code_with_the_output_shown(code: str) -> None:
    """Each section's example (its ```nm block) gives exactly the output its ```text block shows."""
    m = re.search(r"```nm\n(.*?)```\s*```text\n(.*?)```", _section(code), re.DOTALL)
    assert m, f"the {code} section has no nm example followed by its output"
    source, shown = m.group(1), m.group(2)
    ds = lint(nmdsl.parse(source), filename="session.nm")
    assert [d.code for d in ds] == [code]
    assert render(ds[0], source) == shown.rstrip("\n")


def test_docs_repeated_sprint_example_is_clean() -> None:
    section = _doc().split("## Repeated-sprint work", 1)[1]
    m = re.search(r"```nm\n(.*?)```", section, re.DOTALL)
    assert m
    w = nmdsl.parse(m.group(1))
    assert declares_repeated_sprint(w.meta) and lint(w) == []
    untagged = w.model_copy(update={"meta": w.meta.model_copy(update={"tags": ()})})
    assert [d.code for d in lint(untagged)] == ["W602"]


def test_the_all_out_drills_are_all_out_even_with_a_target() -> None:
    # standing-start, hill-sprint and flying are all-out by name, like sprint:
    # back to back with 30 s between them they are a short recovery (W602).
    assert "W602" in codes("ftp: 250\nwarmup 15m @60%\n4x standing-start 10s @300% / 30s @50%\n")
    assert "W602" in codes("sport: run\nwarmup 15m free\n4x hill-sprint 10s @130% / 30s free\n")
    assert "W602" in codes("sport: run\nwarmup 15m free\n4x flying 4s @130% / 30s free\n")
    # torque is not all-out; the defaults are lint-clean.
    assert codes("ftp: 250\nwarmup 15m @60%\n4x torque 5m\n6x standing-start 12s\n") == []
    assert codes("sport: run\nwarmup 15m free\n8x hill-sprint 10s\n4x flying 4s\n") == []
