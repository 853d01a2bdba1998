"""nmdsl.stats and ``nmdsl stats``: the numbers against hand computations.

Each expected value below is worked out on paper from the definitions in
docs/stats.md (30 s rolling average, 4th-power mean, IF = NP/FTP,
TSS = hours * IF^2 * 100), not by calling the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.analysis.metrics import (
    StatsOptions,
    WorkoutStats,
    format_duration,
    format_ratio,
    normalized,
    stats,
    zone_of,
)
from nmdsl.cli.report import stats_cmd

from .conftest import PATHS


def _stats(source: str, **options: float) -> WorkoutStats:
    return stats(nmdsl.parse(source), StatsOptions(**options))


# -- hand-computed cases ---------------------------------------------------------------


def test_an_hour_at_ftp_is_if_1_and_tss_100() -> None:
    s = _stats("ftp: 250\n1h @100%\n")
    assert s.duration_s == 3600
    assert s.average_power_w == pytest.approx(250)
    assert s.normalized_power_w == pytest.approx(250)
    assert s.intensity_factor == pytest.approx(1.0)
    assert s.tss == pytest.approx(100.0)
    assert s.work_kj == pytest.approx(900.0)  # 250 W * 3600 s
    assert [z.seconds for z in s.zones] == [0, 0, 0, 3600, 0, 0, 0]


def test_a_30_30_session_by_hand() -> None:
    # 10 x (30 s at 150%, 30 s at 50%) with FTP 200: ten minutes, mean 100%.
    s = _stats("ftp: 200\n10x 30s @150% / 30s @50%\n")
    assert s.duration_s == 600
    assert s.average_power_w == pytest.approx(200)
    assert s.work_kj == pytest.approx(120.0)  # 200 W * 600 s
    # The 30 s rolling average is a triangle wave. The window ending at
    # second 30 is all 150%; then 19 half-periods of 30 windows each, 10
    # falling (150 - 10k/3 for k = 1..30) and 9 rising (50 + 10k/3).
    falling = sum((150 - 10 * k / 3) ** 4 for k in range(1, 31))
    rising = sum((50 + 10 * k / 3) ** 4 for k in range(1, 31))
    np_pct = ((150**4 + 10 * falling + 9 * rising) / 571) ** 0.25
    assert 110 < np_pct < 111  # about the 4th-power mean of a uniform 50-150%
    assert s.normalized_pct_ftp == pytest.approx(np_pct)
    assert s.normalized_power_w == pytest.approx(np_pct * 2)
    assert s.intensity_factor == pytest.approx(np_pct / 100)
    assert s.tss == pytest.approx(600 / 3600 * (np_pct / 100) ** 2 * 100)
    # 150% is the top of Z6 (121-150%), 50% is Z1.
    zones = {z.zone: z.seconds for z in s.zones}
    assert zones == {1: 300, 2: 0, 3: 0, 4: 0, 5: 0, 6: 300, 7: 0}
    nm = s.neuromuscular
    assert nm.hard_s == 300  # at or above 150%
    assert nm.all_out_efforts == 0
    (repeat,) = nm.repeats
    assert (repeat.line, repeat.count, repeat.label) == (2, 10, "10x 30s / 30s")
    assert (repeat.work_s, repeat.recovery_s, repeat.ratio) == (30, 30, 1.0)


def test_np_of_an_interval_session_by_hand() -> None:
    # 5 min at 100% then 5 min at 50%: 271 windows all at 100%, 29 mixed
    # windows (k seconds of 50% and 30-k of 100%: 100 - 5k/3), 271 at 50%.
    s = _stats("5m @100%\n5m @50%\n")
    mixed = sum((100 - 5 * k / 3) ** 4 for k in range(1, 30))
    np_pct = ((271 * 100**4 + mixed + 271 * 50**4) / 571) ** 0.25
    assert s.normalized_pct_ftp == pytest.approx(np_pct)
    assert s.average_pct_ftp == pytest.approx(75)
    assert s.normalized_pct_ftp > s.average_pct_ftp
    # No FTP: %FTP, IF and TSS are known, watts and kJ are not.
    assert s.normalized_power_w is None and s.work_kj is None
    assert s.tss == pytest.approx(10 / 60 * (np_pct / 100) ** 2 * 100)
    assert any("no FTP" in n for n in s.notes)


def test_ramps_are_linear_and_exact_on_average() -> None:
    # 10 min from 50% to 150% with FTP 200: mean 100%, so 120 kJ exactly.
    s = _stats("ftp: 200\n10m ramp 50%-150%\n")
    assert s.work_kj == pytest.approx(120.0)
    assert s.average_pct_ftp == pytest.approx(100.0)
    # Second i is at 50 + 100 (i + 0.5) / 600 %: 30 seconds at or below 55%,
    # none at 150% (the last second is at 149.92%).
    zones = {z.zone: z.seconds for z in s.zones}
    assert zones[1] == 30
    assert zones[2] == 120  # 55% < level <= 75%: i = 30..149
    assert sum(zones.values()) == 600
    assert s.neuromuscular.hard_s == 0


def test_max_and_free_follow_the_assumptions() -> None:
    source = "ftp: 300\nsprint 10s\n50s free\n"
    # Defaults: max = 200% (600 W), free = 50% (150 W): 6 + 7.5 kJ.
    s = _stats(source)
    assert s.work_kj == pytest.approx(13.5)
    assert (s.max_effort_pct, s.free_ride_pct, s.has_max, s.has_free) == (200, 50, True, True)
    assert s.neuromuscular.all_out_efforts == 1
    assert s.neuromuscular.all_out_s == 10
    assert s.neuromuscular.hard_s == 10
    assert s.neuromuscular.drills == {"sprint": 1}
    s = _stats(source, max_effort_pct=300, free_ride_pct=40)
    assert s.work_kj == pytest.approx(15.0)  # 900 W * 10 s + 120 W * 50 s
    s = _stats(source, max_effort_pct=140)
    assert s.neuromuscular.hard_s == 0  # an all-out taken as 140% is not "at or above 150%"


def test_a_step_with_only_a_cadence_counts_as_free() -> None:
    s = _stats("ftp: 200\n1m 90rpm\n")
    assert s.has_free and s.average_pct_ftp == pytest.approx(50)


def test_watts_only_without_ftp() -> None:
    s = _stats("1h @250W\n")
    assert s.average_power_w == pytest.approx(250)
    assert s.normalized_power_w == pytest.approx(250)
    assert s.work_kj == pytest.approx(900)
    assert s.intensity_factor is None and s.tss is None and s.zones == ()
    assert s.neuromuscular.hard_s is None
    assert any("IF, TSS and zones need one" in n for n in s.notes)


def test_ftp_option_fills_a_missing_header() -> None:
    s = _stats("1h @250W\n", ftp_w=250)
    assert s.tss == pytest.approx(100)


def test_shorter_than_the_window_np_is_the_average() -> None:
    s = _stats("ftp: 100\n10s @100%\n10s @200%\n")
    assert s.normalized_pct_ftp == pytest.approx(150)  # one window, the whole session
    assert s.tss == pytest.approx(20 / 3600 * 1.5**2 * 100)


def test_zone_edges() -> None:
    # A zone holds (top of the zone below, its own top]; Z1 and Z7 are open.
    assert [zone_of(p) for p in (0, 40, 55, 55.01, 75, 76, 90, 91, 105, 120, 150, 150.01, 999)] == [
        1,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        6,
        7,
        7,
    ]


def test_work_recovery_of_nested_repeats() -> None:
    s = stats(nmdsl.parse_file(PATHS.examples / "30-30s.nm"))
    ratios = [(r.line, r.block, r.label, r.work_s, r.recovery_s) for r in s.neuromuscular.repeats]
    assert ratios == [
        (13, False, "2x 30s / 30s", 30, 30),
        # 10 x (30 s on, 30 s off) + 5 min at 50%: the 5 min is labelled
        # active by the language but is at or below the easy ceiling.
        (16, True, "3x: 10x (30s / 30s) + 5m", 300, 600),
        (17, False, "10x 30s / 30s", 30, 30),
    ]
    assert [format_ratio(r.ratio, r.work_s) for r in s.neuromuscular.repeats] == ["1:1", "1:2", "1:1"]


def test_a_repeat_with_no_recovery() -> None:
    (r,) = _stats("ftp: 250\n6x 30s @150%\n").neuromuscular.repeats
    assert r.ratio is None and format_ratio(r.ratio, r.work_s) == "no recovery"


def test_run_numbers() -> None:
    s = stats(nmdsl.parse_file(PATHS.examples / "run-strides.nm"))
    # threshold 4:10/km = 4 m/s. Warm-up and cool-down 10 min at 6:00/km
    # (1666.7 m each), 25 min at 5:20/km (4687.5 m), 8 x 20 s at 120% (4.8
    # m/s: 768 m) and 8 x 1 min free, taken as 50% (2 m/s: 960 m).
    expected = 2 * 600 / 360 * 1000 + 1500 / 320 * 1000 + 768 + 960
    assert s.distance_m == pytest.approx(expected)
    assert s.distance_estimated
    assert s.duration_s == 10 * 60 + 25 * 60 + 8 * 80 + 10 * 60
    assert s.average_speed_mps == pytest.approx(expected / s.duration_s)
    assert s.tss is None and s.normalized_power_w is None and s.zones == ()
    assert s.neuromuscular.hard_s == pytest.approx(160)  # 8 x 20 s at or above 115%
    assert s.neuromuscular.drills == {"strides": 1 * 8}
    (r,) = s.neuromuscular.repeats
    assert format_ratio(r.ratio, r.work_s) == "1:3"


def test_run_distance_steps_with_unknown_time() -> None:
    s = _stats("sport: run\n1km @4:00/km\n400mtr @80%\n")
    assert s.unknown_duration_steps == 1
    assert s.duration_s == pytest.approx(240)
    assert s.distance_m == pytest.approx(1400)
    assert any("no known time" in n for n in s.notes)


def test_every_example_has_numbers() -> None:
    for path in sorted(PATHS.examples.glob("*.nm")):
        s = stats(nmdsl.parse_file(path))
        assert s.duration_s > 0
        if s.sport == "bike":
            assert s.tss is not None and s.tss > 0, path
            assert sum(z.seconds for z in s.zones) == s.duration_s, path
        json.dumps(s.to_dict())


def test_format_helpers() -> None:
    assert format_duration(3600) == "1:00:00"
    assert format_duration(59.6) == "1:00"
    assert format_ratio(2.0) == "2:1"
    assert format_ratio(1 / 1.5) == "1:1.5"
    assert format_ratio(None, 0) == "—"


def test_nmdsl_stats_is_the_function_in_any_import_order() -> None:
    # The module is nmdsl.analysis.metrics, so importing it cannot shadow nmdsl.stats.
    import nmdsl.analysis.metrics as module

    workout = nmdsl.parse("ftp: 250\n1h @100%\n")
    assert nmdsl.stats is stats is module.stats
    assert nmdsl.stats(workout) == stats(workout)


# -- properties --------------------------------------------------------------------------

levels = st.integers(min_value=1, max_value=300)
durations = st.integers(min_value=1, max_value=400)
steps = st.one_of(
    st.builds(lambda d, p: f"{d}s @{p}%", durations, levels),
    st.builds(lambda d, a, b: f"{d}s ramp {a}%-{b}%", durations, levels, levels),
    st.builds(lambda d: f"{d}s max", durations),
    st.builds(lambda d: f"{d}s free", durations),
)


@given(st.lists(steps, min_size=1, max_size=12))
def test_time_in_zones_is_the_duration(lines: list[str]) -> None:
    s = _stats("ftp: 250\n" + "\n".join(lines) + "\n")
    assert sum(z.seconds for z in s.zones) == s.duration_s


@given(durations, levels)
def test_tss_of_a_constant_session_is_the_closed_form(seconds: int, pct: int) -> None:
    s = _stats(f"ftp: 250\n{seconds}s @{pct}%\n")
    assert s.normalized_pct_ftp == pytest.approx(pct)
    assert s.tss == pytest.approx(seconds / 3600 * (pct / 100) ** 2 * 100)
    assert s.work_kj == pytest.approx(2.5 * pct * seconds / 1000)


@given(
    st.lists(st.tuples(durations, levels), min_size=1, max_size=10),
    st.integers(min_value=30, max_value=300),
    st.integers(min_value=30, max_value=300),
)
def test_np_is_at_least_the_average_with_easy_ends(body: list[tuple[int, int]], head: int, tail: int) -> None:
    # The standard algorithm weights the first and last 29 seconds less than
    # the rest, so NP >= average holds when the session starts and ends with
    # 30 s or more at a level no higher than its average (docs/stats.md): a
    # warm-up and a cool-down do that.
    easy = min(p for _, p in body)
    lines = [f"{head}s @{easy}%", *(f"{d}s @{p}%" for d, p in body), f"{tail}s @{easy}%"]
    s = _stats("ftp: 250\n" + "\n".join(lines) + "\n")
    assert s.normalized_pct_ftp is not None and s.average_pct_ftp is not None
    assert s.normalized_pct_ftp >= s.average_pct_ftp - 1e-9


@given(st.lists(st.floats(min_value=0, max_value=2000), min_size=1, max_size=200))
def test_normalized_of_a_constant_series_is_the_constant(values: list[float]) -> None:
    c = values[0]
    assert normalized([c] * len(values)) == pytest.approx(c)
    assert normalized(values) <= max(values) + 1e-6


# -- the command -----------------------------------------------------------------------------


def test_cli_table_for_every_example() -> None:
    result = CliRunner().invoke(stats_cmd, [str(PATHS.examples)])
    assert result.exit_code == 0, result.output
    for path in PATHS.examples.glob("*.nm"):
        assert nmdsl.parse_file(path).meta.name in result.output
    assert "TSS" in result.output and "work:recovery" in result.output


def test_cli_json_and_csv_agree() -> None:
    files = [str(PATHS.examples / "attacks.nm"), str(PATHS.examples / "run-strides.nm")]
    out = CliRunner().invoke(stats_cmd, [*files, "--format", "json"])
    assert out.exit_code == 0, out.output
    records = json.loads(out.output)
    assert [r["name"] for r in records] == ["Attacks", "Easy run with strides"]
    attacks = records[0]
    assert attacks["neuromuscular"]["hard_s"] == 360.0  # 12 attacks x 30 s at 150%
    assert attacks["tss"] == round(attacks["tss"], 1)
    out = CliRunner().invoke(stats_cmd, [*files, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert rows[0]["tss"] == str(attacks["tss"])
    assert rows[1]["tss"] == "" and rows[1]["sport"] == "run"


def test_cli_assumption_options() -> None:
    path = str(PATHS.examples / "bike-sprints.nm")
    base = json.loads(CliRunner().invoke(stats_cmd, [path, "--format", "json"]).output)[0]
    more = json.loads(
        CliRunner().invoke(stats_cmd, [path, "--format", "json", "--max-effort", "300%"]).output
    )[0]
    assert (base["max_effort_pct"], more["max_effort_pct"]) == (200.0, 300.0)
    # 10 sprints of 10 s, 100% FTP (250 W) more each: 250 J/s * 100 s = 25 kJ.
    assert more["work_kj"] - base["work_kj"] == pytest.approx(25.0, abs=0.11)
    bad = CliRunner().invoke(stats_cmd, [path, "--max-effort", "lots"])
    assert bad.exit_code == 2 and "not a percentage" in bad.output


def test_cli_hard_and_easy_thresholds(tmp_path: Path) -> None:
    path = tmp_path / "s.nm"
    # In a block both steps are labelled active: 50% is recovery by the easy ceiling.
    path.write_text("ftp: 250\n10m @50%\n3x:\n  30s @120%\n  30s @50%\n", encoding="utf-8")

    def nm(*options: str) -> dict[str, Any]:
        r = CliRunner().invoke(stats_cmd, [str(path), "--format", "json", *options])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)[0]["neuromuscular"]  # type: ignore[no-any-return]

    base, changed = nm(), nm("--hard", "110%", "--easy", "45")
    assert (base["hard_pct"], base["hard_s"]) == (150.0, 0.0)
    assert (changed["hard_pct"], changed["hard_s"]) == (110.0, 90.0)  # the three 30 s at 120%
    assert (base["repeats"][0]["work_s"], base["repeats"][0]["recovery_s"]) == (30.0, 30.0)
    # At --easy 45, 50% is no longer recovery: all of the repeat is work.
    assert (changed["repeats"][0]["work_s"], changed["repeats"][0]["recovery_s"]) == (60.0, 0.0)
    bad = CliRunner().invoke(stats_cmd, [str(path), "--hard", "lots"])
    assert bad.exit_code == 2 and "not a percentage" in bad.output


def test_cli_reports_errors_and_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nm"
    broken.write_text("5m @94-88%\n")
    result = CliRunner().invoke(stats_cmd, [str(broken), str(PATHS.examples / "attacks.nm")])
    assert result.exit_code == 1
    assert "E204" in result.output and "Attacks" in result.output


def test_cli_finds_files_as_check_does(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nmdsl]\nftp = 300\nexclude = ["drafts/**"]\n', encoding="utf-8"
    )
    (tmp_path / "a.nm").write_text("name: A\n60m @100%\n", encoding="utf-8")
    (tmp_path / "drafts" / "b.nm").write_text("name: B\n10m @50%\n", encoding="utf-8")
    result = CliRunner().invoke(stats_cmd, [str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [Path(r["file"]).name for r in records] == ["a.nm"]
    assert records[0]["ftp_w"] == 300 and round(records[0]["work_kj"]) == 1080  # 300 W for an hour
    (tmp_path / "pyproject.toml").write_text("[tool.nmdsl]\nftp = -1\n", encoding="utf-8")
    broken = CliRunner().invoke(stats_cmd, [str(tmp_path)])
    assert broken.exit_code == 1 and "E011" in broken.output


def test_check_does_not_import_the_report_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nmdsl.cli.report\n"
        "heavy = {'jinja2', 'lxml', 'nmdsl.analysis.metrics', 'nmdsl.analysis.plot', 'nmdsl.library.site', "
        "'nmdsl.api'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_docs_examples_run() -> None:
    """docs/stats.md: its Python examples are doctests, its table is real output."""
    import doctest

    path = PATHS.docs / "stats.md"
    failures, tried = doctest.testfile(
        str(path), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert tried > 5 and failures == 0
    text = path.read_text(encoding="utf-8")
    shown = text.split("`nmdsl stats examples/bike-sprints.nm` prints:\n\n```text\n", 1)[1].split("```", 1)[0]
    out = CliRunner().invoke(stats_cmd, [str(PATHS.examples / "bike-sprints.nm")]).output
    assert shown == out.replace(str(PATHS.examples / "bike-sprints.nm"), "examples/bike-sprints.nm")


# -- training load for runs: rTSS and hrTSS (docs/stats.md, "Training load") ---------------

RUN_HEAD = "name: R\nsport: run\nthreshold-pace: 4:00/km\nlthr: 170\n"


@pytest.mark.parametrize("step", ["60m @4:00/km", "60m @100%", "15km @4:00/km", "2x 30m @4:00/km"])
def test_an_hour_at_threshold_pace_is_rtss_100(step: str) -> None:
    s = _stats(RUN_HEAD + step + "\n")
    assert s.rtss == pytest.approx(100, abs=0.5)
    assert s.rtss_s == pytest.approx(3600)
    assert s.tss is None  # a run has no power TSS


@pytest.mark.parametrize("step", ["60m @170bpm", "60m @100%lthr", "60m @165-175bpm", "60m @85%maxhr"])
def test_an_hour_at_lthr_is_hrtss_100(step: str) -> None:
    s = _stats(RUN_HEAD + "max-hr: 200\n" + step + "\n")
    assert s.hrtss == pytest.approx(100, abs=0.5)
    assert s.hrtss_s == 3600


def test_rtss_by_hand() -> None:
    # 30 min at 90% of threshold speed: 0.5 h x 0.81 x 100 = 40.5 (4:00/km / 0.9 = 4:26.7/km).
    assert _stats(RUN_HEAD + "30m @90%\n").rtss == pytest.approx(40.5)
    # A ramp 80% -> 100% over 60 min: the mean of IF^2 is (0.64 + 0.8 + 1) / 3.
    assert _stats(RUN_HEAD + "60m ramp 80%-100%\n").rtss == pytest.approx(244 / 3)
    # Pace ranges count at their middle pace (4:00-4:20 -> 4:10/km, IF = 240/250 = 0.96).
    assert _stats(RUN_HEAD + "60m @4:00-4:20/km\n").rtss == pytest.approx(96**2 / 100)


def test_hrtss_by_hand() -> None:
    # 30 min at 153 bpm (90% of LTHR 170): 0.5 x 0.81 x 100; Z2hr is 85-90% of LTHR: 87.5%.
    assert _stats(RUN_HEAD + "30m @153bpm\n").hrtss == pytest.approx(40.5)
    assert _stats(RUN_HEAD + "60m @Z2hr\n").hrtss == pytest.approx(87.5**2 / 100)


def test_load_counts_only_the_steps_it_can_judge() -> None:
    s = _stats(RUN_HEAD + "warmup 10m @Z2hr\n6x 3m @100% / 2m free\n10m @4:00/km\n")
    # rTSS: the 30 min of intervals (free at the stated 50%) and the 10 min pace; not the warm-up.
    assert s.rtss_s == 2400
    assert s.rtss == pytest.approx((18 + 12 * 0.25 + 10) / 60 * 100)
    # hrTSS: the warm-up only.
    assert s.hrtss_s == 600
    assert any("rTSS counts the 40:00" in n for n in s.notes)
    assert any("hrTSS counts the 10:00" in n for n in s.notes)
    table = nmdsl_table(s)
    assert "rTSS   " in table and "(over 40:00 of 50:00)" in table


def nmdsl_table(s: WorkoutStats) -> str:
    from nmdsl.analysis.metrics import format_table

    return format_table(s)


def test_load_unknown_is_said() -> None:
    # No threshold-pace: paces cannot be judged; no lthr: heart rates cannot be.
    s = _stats("sport: run\n30m @4:00/km\n30m @150bpm\n")
    assert s.rtss is None and s.hrtss is None and s.rtss_s == 0 and s.hrtss_s == 0
    assert any("rTSS unknown" in n for n in s.notes)
    assert any("hrTSS unknown" in n for n in s.notes)
    table = nmdsl_table(s)
    assert any(line.split() == ["rTSS", "unknown"] for line in table.splitlines())
    # No heart-rate target at all: hrTSS is unknown, and says why.
    assert "unknown (no heart-rate targets)" in nmdsl_table(_stats(RUN_HEAD + "30m @100%\n"))


def test_bikes_get_hrtss_beside_tss() -> None:
    s = _stats("ftp: 250\nlthr: 160\n60m @80% @160bpm\n")
    assert s.tss == pytest.approx(64)
    assert s.hrtss == pytest.approx(100)
    assert s.rtss is None
    assert "hrTSS" in nmdsl_table(s)
    # No heart-rate target: no hrTSS row on a bike.
    assert "hrTSS" not in nmdsl_table(_stats("ftp: 250\n60m @80%\n"))


def test_load_in_json_and_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.nm"
    path.write_text(RUN_HEAD + "60m @4:00/km\n30m @170bpm\n", encoding="utf-8")
    data = json.loads(CliRunner().invoke(stats_cmd, [str(path), "--format", "json"]).output)[0]
    assert data["rtss"] == 100.0 and data["rtss_s"] == 3600.0
    assert data["hrtss"] == 50.0 and data["hrtss_s"] == 1800.0
    out = CliRunner().invoke(stats_cmd, [str(path), "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["rtss"] == "100.0" and rows[0]["hrtss"] == "50.0" and rows[0]["hrtss_s"] == "1800.0"
    bike = tmp_path / "b.nm"
    bike.write_text("ftp: 250\n60m @100%\n", encoding="utf-8")
    data = json.loads(CliRunner().invoke(stats_cmd, [str(bike), "--format", "json"]).output)[0]
    assert data["rtss"] is None and data["hrtss"] is None
