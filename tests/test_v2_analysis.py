"""Language v2 (issue 15) in the analyses, the chart, the site and JSON.

Lap, until-heart-rate and bike-distance steps, with and without a ``~D``
estimate; heart-rate zone, %LTHR and %max-HR targets.  A step whose time is
unknown makes every total "at least" the known part; an estimate counts and
is shown as one; nothing crashes.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import nmdsl
from nmdsl.analysis.lint import lint
from nmdsl.analysis.metrics import csv_row, format_table, ratio_text, stats
from nmdsl.analysis.plot import render_svg
from nmdsl.cli import main
from nmdsl.model import HeartRateEnd, HeartRatePercentTarget, HeartRateZoneTarget, LapEnd

WITHOUT = (
    "ftp: 250\nlthr: 165\nwarmup lap @Z2\n6x sprint 10s / rest until <130bpm\n30m @Z2hr\n"
    "3x 2km @Z4 / 2m @50%\ncooldown lap ~5m @Z1\n"
)
WITH = (
    "ftp: 250\nlthr: 165\nwarmup lap ~10m @Z2\n6x sprint 10s / rest until <130bpm ~3m\n30m @Z2hr\n"
    "3x 2km ~3m @Z4 / 2m @50%\n10m @Z2 @80%lthr\ncooldown lap ~5m @Z1\n"
)
RUN = "sport: run\nmax-hr: 190\nwarmup lap @65-75%maxhr\n20m @Z3hr\nrest until <120bpm ~2m\n1km ~4m @Z4hr\n"


# -- totals and stats -------------------------------------------------------------------------


def test_unknown_times_make_the_totals_at_least() -> None:
    s = stats(nmdsl.parse(WITHOUT))
    # Known: 6 x 10 s, 30 min, 3 x 2 min, and the cool-down's 5 min estimate.
    assert s.duration_s == 60 + 1800 + 360 + 300
    assert s.duration_at_least and s.duration_estimated
    assert s.unknown_duration_steps == 10
    assert s.unknown_steps_by_end == {"lap": 1, "until": 6, "distance": 3}
    (note,) = [n for n in s.notes if "no known time" in n]
    assert "1 until the lap button, 6 until a heart rate, 3 a distance" in note and "at least" in note
    table = format_table(s)
    assert "duration       at least 42:00 (partly estimated)" in table
    # The repeat label says how the recovery ends; its ratio is unknown, not "no recovery".
    sprints, kms = s.neuromuscular.repeats
    assert sprints.label == "6x 10s / until <130bpm" and ratio_text(sprints) == "time unknown"
    assert kms.label == "3x 2km / 2m" and ratio_text(kms) == "time unknown"
    assert "no recovery" not in table
    assert csv_row(s, "x.nm")["duration_at_least"] == "True"


def test_estimates_count_and_are_shown_as_estimates() -> None:
    s = stats(nmdsl.parse(WITH))
    assert s.duration_s == 600 + 6 * 190 + 1800 + 3 * 300 + 600 + 300
    assert s.duration_estimated and not s.duration_at_least and s.unknown_steps_by_end == {}
    sprints, kms = s.neuromuscular.repeats
    assert (sprints.work_s, sprints.recovery_s, sprints.estimated) == (10, 180, True)
    assert ratio_text(sprints) == "1:18 (estimated)"
    assert kms.label == "3x 2km ~3m / 2m" and ratio_text(kms) == "1.5:1 (estimated)"
    assert "(estimated)" in format_table(s).splitlines()[2]


def test_time_in_heart_rate_zones_from_lthr() -> None:
    s = stats(nmdsl.parse(WITH))
    assert s.hr_zone_basis == "lthr"
    zones = {z.zone: z for z in s.hr_zones}
    # 30m @Z2hr in Z2; 10m @80%lthr (132 bpm) under Z1's top (85% of 165 = 140.25 bpm).
    assert zones[2].seconds == 1800 and zones[1].seconds == 600
    assert zones[1].low_bpm is None and zones[1].high_bpm == pytest.approx(140.25)
    assert zones[5].high_bpm is None and zones[5].low_bpm == pytest.approx(165)
    assert sum(z.seconds for z in s.hr_zones) == 2400 and s.hr_unzoned_s == 0
    assert "hr zones       Z1hr      <=140bpm    10:00  25.0%" in format_table(s)
    row = csv_row(s, "x.nm")
    assert (row["hr_z1_s"], row["hr_z2_s"], row["hr_z3_s"]) == ("600.0", "1800.0", "0.0")


def test_time_in_heart_rate_zones_from_max_hr_on_a_run() -> None:
    s = stats(nmdsl.parse(RUN))
    assert s.hr_zone_basis == "max_hr" and s.unknown_steps_by_end == {"lap": 1}
    zones = {z.zone: z.seconds for z in s.hr_zones}
    # The lap warm-up has no time; 20m @Z3hr; 1km ~4m @Z4hr (the estimate).
    assert zones == {1: 0, 2: 0, 3: 1200, 4: 240, 5: 0}
    assert s.duration_s == 1200 + 120 + 240 and s.duration_at_least


def test_heart_rate_without_a_header_value_is_in_no_zone() -> None:
    s = stats(nmdsl.parse("10m @140-150bpm\n20m @Z2hr\n"))
    # A zone target is its zone, even without numbers; bpm needs lthr or max-hr.
    assert s.hr_zone_basis is None and s.hr_unzoned_s == 600
    assert {z.zone: z.seconds for z in s.hr_zones}[2] == 1200
    assert all(z.low_bpm is None and z.high_bpm is None for z in s.hr_zones)
    assert any("in no zone" in n for n in s.notes)
    assert stats(nmdsl.parse("10m @60%\n")).hr_zones == ()


@pytest.mark.parametrize("source", [WITHOUT, WITH, RUN, "lap @50%\n", "rest until <120bpm\n", "2km @60%\n"])
def test_stats_plot_and_table_never_crash(source: str) -> None:
    workout = nmdsl.parse(source)
    s = stats(workout)
    assert format_table(s)
    json.dumps(s.to_dict())
    svg = render_svg(workout).decode("utf-8")
    assert "<svg" in svg


def test_the_chart_marks_estimates_and_unknown_steps() -> None:
    svg = render_svg(nmdsl.parse(WITHOUT)).decode("utf-8")
    assert "at least 42:00 (partly estimated)" in svg
    assert svg.count('class="unknown-time"') == 10 + 1  # one line per step, and the heading's note
    assert "10 steps of unknown time not drawn" in svg
    assert "until &lt;130bpm: time unknown, not drawn" in svg
    svg = render_svg(nmdsl.parse(WITH)).decode("utf-8")
    assert 'class="unknown-time"' not in svg
    assert svg.count('class="estimate"') == 1 + 6 + 3 + 1
    assert "~D estimate" in svg and "(estimated: lap ~10m)" in svg
    # A session without either draws neither (the docs' charts are unchanged).
    assert 'class="estimates"' not in render_svg(nmdsl.parse("10m @60%\n")).decode("utf-8")


def test_stats_cli(tmp_path: Path) -> None:
    (tmp_path / "a.nm").write_text(WITHOUT, encoding="utf-8")
    (tmp_path / "b.nm").write_text(WITH, encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["stats", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert "at least 42:00" in out.output and "hr zones" in out.output
    out = runner.invoke(main, ["stats", "--format", "json", str(tmp_path / "a.nm")])
    (d,) = json.loads(out.stdout)
    assert d["duration_at_least"] is True and d["unknown_steps_by_end"] == {
        "lap": 1,
        "until": 6,
        "distance": 3,
    }
    assert [z["zone"] for z in d["hr_zones"]] == [1, 2, 3, 4, 5]


def test_site(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.nm").write_text(WITHOUT, encoding="utf-8")
    (lib / "b.nm").write_text(WITH, encoding="utf-8")
    (lib / "c.nm").write_text(RUN, encoding="utf-8")
    out = CliRunner().invoke(main, ["site", str(lib), "-o", str(tmp_path / "site")])
    assert out.exit_code in (0, 1), out.output
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "≥ 42:00" in index
    a = (tmp_path / "site" / "a" / "index.html").read_text(encoding="utf-8")
    assert "at least 42:00 (partly estimated)" in a and "time unknown" in a
    b = (tmp_path / "site" / "b" / "index.html").read_text(encoding="utf-8")
    assert "Time in heart-rate zones" in b and "1:18 (estimated)" in b and "(from lthr)" in b


# -- lints ------------------------------------------------------------------------------------


def test_an_until_heart_rate_recovery_is_the_coachs_choice() -> None:
    warm = "warmup 10m @60%\n"
    assert lint(nmdsl.parse(warm + "6x sprint 10s / rest until <130bpm\n")) == []
    assert lint(nmdsl.parse(warm + "6x sprint 10s / rest lap\n")) == []
    assert lint(nmdsl.parse(warm + "6x sprint 10s / rest until <130bpm ~3m\n")) == []
    # With ~D the estimate is the recovery, and the warning says it is one.
    (d,) = lint(nmdsl.parse(warm + "6x sprint 10s / rest until <130bpm ~40s\n"))
    assert d.code == "W602" and "about 40s" in d.message and "estimate" in d.message


def test_a_lap_warm_up_and_estimates_in_the_other_lints() -> None:
    assert lint(nmdsl.parse("warmup lap @60%\n6x sprint 10s / 3m @50%\n")) == []
    assert [d.code for d in lint(nmdsl.parse("warmup lap ~2m @60%\n6x sprint 10s / 3m @50%\n"))] == ["W603"]
    assert [d.code for d in lint(nmdsl.parse("10m @50%\n2km ~10m @130%\n"))] == ["W604"]
    assert lint(nmdsl.parse("10m @50%\nuntil >170bpm @130%\n")) == []


# -- JSON and the schema -------------------------------------------------------------------------


def test_the_schema_validates_every_new_construct_and_json_round_trips() -> None:
    schema = nmdsl.Workout.model_json_schema()
    workout = nmdsl.parse(
        WITH
        + "3m @Z4 @75-85%lthr\n20m @65-75%maxhr\nrecovery until >150bpm @50%\n".replace(
            "@65-75%maxhr", "@65-75%lthr"
        )
    )
    data = json.loads(nmdsl.compile(workout, "json"))
    jsonschema.validate(data, schema)
    back = nmdsl.Workout.model_validate_json(nmdsl.compile(workout, "json"))
    assert back == workout
    steps = [s for s, _ in nmdsl.model.iter_steps(back.steps)]
    assert any(isinstance(s.until, LapEnd) and s.estimate_s == 600 for s in steps)
    assert any(isinstance(s.until, HeartRateEnd) and s.until.below and s.until.bpm == 130 for s in steps)
    assert any(isinstance(s.until, HeartRateEnd) and not s.until.below for s in steps)
    assert any(isinstance(s.heart_rate, HeartRateZoneTarget) for s in steps)
    assert any(isinstance(s.heart_rate, HeartRatePercentTarget) and s.heart_rate.of == "lthr" for s in steps)
    assert any(s.distance_m == 2000 and s.estimate_s == 180 for s in steps)
    defs = schema["$defs"]
    for name in ("LapEnd", "HeartRateEnd", "HeartRateZoneTarget", "HeartRatePercentTarget"):
        assert name in defs, name
    assert {"until", "estimate_s"} <= set(defs["Step"]["properties"])
    # A run with %max-HR and a run distance with an estimate.
    run = nmdsl.parse(RUN)
    jsonschema.validate(json.loads(nmdsl.compile(run, "json")), schema)
    assert nmdsl.Workout.model_validate_json(nmdsl.compile(run, "json")) == run


def test_the_schema_command_carries_the_new_fields() -> None:
    out = CliRunner().invoke(main, ["schema"])
    assert out.exit_code == 0
    defs = json.loads(out.stdout)["$defs"]
    assert "HeartRateEnd" in defs and "estimate_s" in defs["Step"]["properties"]
