"""intervals.icu's workout text: import (``nmdsl import --from icu``) and export (``-f icu``).

* ``tests/icu/import/NAME.txt`` -> ``NAME.nm`` and ``NAME.err``: what
  ``nmdsl import --from icu NAME.txt -o -`` prints (run from that folder).
* ``tests/icu/export/NAME.nm`` -> ``NAME.txt`` and ``NAME.err``: what
  ``nmdsl compile NAME.nm -f icu -o -`` prints.

``pytest --update-goldens`` rewrites them; read every one before committing it.
The inputs were written from the rules in ../shared/INTEROP.md, one file per
group of rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

import nmdsl
from nmdsl import formats
from nmdsl.cli import main
from nmdsl.diagnostics import Report
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.icu.read import IcuImporter
from nmdsl.model import Workout, iter_steps

from .conftest import PATHS
from .helpers import without_spans

HERE = PATHS.tests / "icu"
IMPORTS = sorted((HERE / "import").glob("*.txt"))
EXPORTS = sorted((HERE / "export").glob("*.nm"))


def _compare(expected_path: Path, actual: str, update: bool) -> None:
    if update:
        expected_path.write_text(actual, encoding="utf-8")
        return
    assert expected_path.is_file(), f"{expected_path} is missing; run pytest --update-goldens and read it"
    assert actual == expected_path.read_text(encoding="utf-8"), f"{expected_path.name} differs"


def _import(text: str | bytes, name: str | None = None) -> nmdsl.Result:
    return nmdsl.import_text(text, "icu", name=name)


def _codes(text: str | bytes) -> list[str]:
    return [d.code for d in _import(text).diagnostics]


def _steps(workout: Workout) -> list[object]:
    """Every step as done, without what the text does not carry (spans, drills' names)."""
    return [
        without_spans(step, exclude=frozenset({"drill", "implicit"})) for step, _ in iter_steps(workout.steps)
    ]


def test_there_are_goldens() -> None:
    assert len(IMPORTS) >= 8 and len(EXPORTS) >= 4


# -- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", IMPORTS, ids=lambda p: p.stem)
def test_import_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["import", "--from", "icu", source.name, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    _compare(source.with_suffix(".nm"), result.stdout, update_goldens)
    _compare(source.with_suffix(".err"), result.stderr, update_goldens)
    # The imported text is nmdsl that checks: the same model, no errors (an FTP for mixed units).
    checked = nmdsl.check(result.stdout, ftp_w=250)
    assert checked.ok, checked.errors
    assert checked.workout is not None
    assert _steps(checked.workout) == _steps(nmdsl.read(source, format="icu"))
    # ZWO wants a time for a bike's distance step; FIT and JSON carry everything.
    distances = any(s.distance_m is not None for s, _ in iter_steps(checked.workout.steps))
    for fmt in ("fit", "json", *(() if distances else ("zwo",))):
        assert nmdsl.emit(checked.workout, fmt, ftp_w=250).data


@pytest.mark.parametrize("source", EXPORTS, ids=lambda p: p.stem)
def test_export_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["compile", source.name, "-f", "icu", "-o", "-"])
    assert result.exit_code == 0, result.output
    _compare(source.with_suffix(".txt"), result.stdout, update_goldens)
    _compare(source.with_suffix(".err"), result.stderr, update_goldens)
    again = CliRunner().invoke(main, ["compile", source.name, "-f", "icu", "-o", "-"])
    assert again.stdout_bytes == result.stdout_bytes  # byte-deterministic


@pytest.mark.parametrize("name", ["attacks", "nested"])
def test_exports_that_lose_nothing_import_back_to_the_same_steps(name: str) -> None:
    source = HERE / "export" / f"{name}.nm"
    out = nmdsl.emit(nmdsl.parse_file(source), "icu", strict=True)
    assert out.diagnostics == [] and out.suffix == ".txt"
    back = _import(out.data)
    assert back.workout is not None
    assert _steps(back.workout) == _steps(nmdsl.parse_file(source))


def test_the_attacks_export_reads_as_intervals_icu_writes() -> None:
    text = (HERE / "export" / "attacks.txt").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    # Warmup section, then each repeat with a blank line before and after it.
    assert blocks[1].splitlines() == ["Warmup", "- 10m ramp 45-70% 85-95rpm", "- 5m Z2"]
    assert blocks[2].splitlines()[0] == "4x"
    assert "- Settle in 300^ Last minute 6m 88-94%" in text
    assert "5m Z2 Z2 HR Press lap" in text and "10m 60% 80% LTHR" in text
    assert blocks[-1].splitlines() == ["Cooldown", "- 5m ramp 60-40%"]
    assert not re.search(r"[0-9]m(?!tr)[^ 0-9]", text)  # no 'm' for metres


def test_nested_repeats_are_unrolled_to_the_shorter_text() -> None:
    text = (HERE / "export" / "nested.txt").read_text(encoding="utf-8")
    # 3x (2x a / b, c): the inner repeat unrolled (5 lines under one 3x) beats 3 x (2x + c).
    assert text.startswith("3x\n- 1m 110%\n- 1m 50% intensity=recovery\n- 1m 110%\n")
    # 10x (2x a, b) is 20x a, b.
    assert "\n20x\n- 10s 150%\n- 20s 50%\n" in text
    assert text.count("x\n") == 2  # no nesting in the text


# -- the rules, one by one ------------------------------------------------------------------


def _one(text: str) -> nmdsl.Step:
    result = _import(text)
    assert result.workout is not None, result.diagnostics
    steps = [s for s, _ in iter_steps(result.workout.steps)]
    assert len(steps) == 1, steps
    return steps[0]


def test_a_blank_line_ends_a_repeat_and_a_section() -> None:
    result = _import("Warmup\n- 5m 50%\n\nMain Set 3x\n- 1m 100%\n- 1m 50%\n\n- 5m 60%\n")
    assert result.workout is not None
    first, repeat, last = result.workout.steps
    assert isinstance(first, nmdsl.Step) and first.intensity == "warmup"
    assert isinstance(repeat, nmdsl.Repeat) and repeat.count == 3 and len(repeat.steps) == 2
    assert isinstance(last, nmdsl.Step) and last.intensity == "active" and last.duration_s == 300


def test_a_text_pasted_from_a_web_page_reads_the_same() -> None:
    pasted = "\u00a0Warmup\r\n\u00a0- 10m\u00a0ramp 50-75%\r\n\r\n\t5x\r\n  -30s 120%\r\n"
    assert _import(pasted).source == _import("Warmup\n- 10m ramp 50-75%\n\n5x\n- 30s 120%\n").source


def test_a_cue_that_says_warmup_is_not_a_section() -> None:
    assert _one("- Warmup 5m 60%").intensity == "active"
    assert _one("- Warmup 5m 60%").cues[0].text == "Warmup"


@pytest.mark.parametrize(
    ("line", "cue"),
    [
        ("- Build 1 30s 355w", "Build 1"),
        ("- Easy Z2 - optional 45m", None),  # a zone before the duration clears the cue
        ("- Cooldown 10m Z1", "Cooldown"),
        ("- Ramp to failure 1m 140w", "Ramp to failure"),
        ("- lap time 0.33s here 5m 60%", "lap time 0.33s here"),
    ],
)
def test_the_cue_is_the_text_before_the_first_number_with_a_unit(line: str, cue: str | None) -> None:
    step = _one(line)
    assert [c.text for c in step.cues] == ([cue] if cue else [])


def test_a_value_inside_a_word_ends_the_cue_and_the_last_duration_wins() -> None:
    step = _one("- Easy only, <40% MAP. Do not add load. 30m 150w")
    assert [c.text for c in step.cues] == ["Easy only, <"]
    assert step.duration_s == 1800 and isinstance(step.target, nmdsl.WattsTarget)
    step = _one("- Spin, if legs feel heavy in the first 10min, stop. 45m 120w-150w")
    assert [c.text for c in step.cues] == ["Spin, if legs feel heavy in the first"]
    assert step.duration_s == 45 * 60
    assert _one("- 20min effort 20m 280w").cues == ()


def test_the_word_ramp_in_the_cue_makes_no_ramp() -> None:
    assert isinstance(_one("- Ramp to failure 1m 140w").target, nmdsl.WattsTarget)


def test_the_last_target_of_a_kind_wins() -> None:
    target = _one("- Z6 1m 113-138%").target
    assert isinstance(target, nmdsl.PercentTarget) and (target.low_pct, target.high_pct) == (113, 138)


@pytest.mark.parametrize(
    ("amount", "seconds"),
    [("30s", 30), ("10m", 600), ("1h", 3600), ("1h2m30s", 3750), ("5m30s", 330), ("1m30", 90),
     ("0m10s", 10), ("5'", 300), ('30"', 30), ("1'30\"", 90)],
)  # fmt: skip
def test_durations(amount: str, seconds: int) -> None:
    assert _one(f"- {amount} 60%").duration_s == seconds


@pytest.mark.parametrize(
    ("amount", "metres"), [("500mtr", 500), ("2km", 2000), ("0.4km", 400), ("1mi", 1609.344)]
)
def test_distances_and_m_is_minutes(amount: str, metres: float) -> None:
    step = _one(f"- {amount} 60%")
    assert step.distance_m == pytest.approx(metres) and step.duration_s is None
    assert _one("- 500m 60%").duration_s == 500 * 60


def test_a_range_without_ramp_is_a_band_and_ramp_goes_either_way() -> None:
    band = _one("- 5m 60-47%").target
    assert isinstance(band, nmdsl.PercentTarget) and (band.low_pct, band.high_pct) == (47, 60)
    ramp = _one("- 5m ramp 60-47%").target
    assert isinstance(ramp, nmdsl.RampTarget) and (ramp.start, ramp.end) == (60, 47)
    watts = _one("- 5m ramp 130w-220w").target
    assert isinstance(watts, nmdsl.RampTarget) and watts.unit == "watts" and watts.end == 220


def test_heart_rate_targets_map_to_the_languages() -> None:
    hr = _one("- 5m 70% HR").heart_rate
    assert isinstance(hr, nmdsl.HeartRatePercentTarget) and hr.of == "max_hr" and hr.low_pct == 70
    lthr = _one("- 5m 90-95% LTHR").heart_rate
    assert isinstance(lthr, nmdsl.HeartRatePercentTarget) and lthr.of == "lthr" and lthr.high_pct == 95
    zone = _one("- 5m Z2 HR").heart_rate
    assert isinstance(zone, nmdsl.HeartRateZoneTarget) and zone.zone == 2
    assert _one("- 5m Z2 HR").target == nmdsl.FreeTarget() or _one("- 5m Z2 HR").target is None


def test_heart_rate_shares_set_placeholders_with_w565() -> None:
    result = _import("- 5m 70% HR\n- 5m 95% LTHR\n")
    assert result.workout is not None
    assert (result.workout.meta.max_hr_bpm, result.workout.meta.lthr_bpm) == (190, 165)
    assert [d.code for d in result.diagnostics] == ["W565", "W565"]


def test_press_lap_is_a_lap_step_with_the_duration_as_its_estimate() -> None:
    for line in ("- Climb 8m 90% press lap", "- 8m Press Lap 90%", "- PRESS LAP 8m 90%"):
        step = _one(line)
        assert isinstance(step.until, nmdsl.LapEnd) and step.estimate_s == 480 and step.duration_s is None


def test_pace_targets_make_a_run() -> None:
    result = _import("- 10m 80% Pace\n- 400mtr 7:15-7:00/km Pace\n")
    assert result.workout is not None and result.workout.meta.sport == "run"
    first, second = result.workout.steps
    assert isinstance(first, nmdsl.Step) and isinstance(first.target, nmdsl.PercentTarget)
    assert first.target.of == "threshold_speed"
    assert isinstance(second, nmdsl.Step) and isinstance(second.target, nmdsl.PaceTarget)
    assert (second.target.fast.seconds, second.target.slow.seconds) == (420, 435)


def test_paces_per_100m_become_paces_per_km() -> None:
    target = _one("- 10m 1:30/100m Pace").target
    assert isinstance(target, nmdsl.PaceTarget) and target.fast == nmdsl.Pace(seconds=900)


def test_zones_and_freeride_and_cadence() -> None:
    zone = _one("- 20m Z2").target
    assert isinstance(zone, nmdsl.ZoneTarget) and zone.zone == 2
    assert isinstance(_one("- 20m freeride").target, nmdsl.FreeTarget)
    for line in ("- 5m 70% 90-100rpm", "- 5m 70% 90-100 rpm"):
        cadence = _one(line).cadence
        assert cadence is not None and (cadence.low_rpm, cadence.high_rpm) == (90, 100)


def test_timed_prompts_are_cues_at_offsets() -> None:
    step = _one("- First 60^30 Second 120^30 Third 10m 65%")
    assert [(c.text, c.offset_s) for c in step.cues] == [("First", 0), ("Second", 60), ("Third", 120)]
    step = _one("- Go 30^ Push <!> 5m 90%")
    assert [(c.text, c.offset_s) for c in step.cues] == [("Go", 0), ("Push", 30)]


def test_options_set_the_intensity() -> None:
    assert _one("- 5m 50% intensity=rest").intensity == "rest"
    assert _one("- 5m 50% intensity=recovery").intensity == "recovery"


def test_the_name_comes_from_the_file_or_the_name_given(tmp_path: Path) -> None:
    path = tmp_path / "Sweet spot.txt"
    path.write_text("- 10m 90%\n", encoding="utf-8")
    assert nmdsl.read(path, format="icu").meta.name == "Sweet spot"
    assert nmdsl.read(path, format="icu", name="Mine").meta.name == "Mine"
    assert _import("- 10m 90%\n").workout.meta.name is None  # type: ignore[union-attr]
    assert _import("- 10m 90%\n", name="Pasted").source == "name: Pasted\n\n10m @90%\n"


def test_prose_before_the_first_step_is_the_description() -> None:
    result = _import("Threshold builder\nfor the winter\n\n- 10m 90%\n")
    assert result.workout is not None
    assert result.workout.meta.description == "Threshold builder for the winter"


# -- every code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("- 0s 200w\n- 5m 60%\n", "W560"),
        ("- MAX standing start\n- 5m 60%\n", "W560"),
        ("0x\n- 1m 60%\n\n- 5m 60%\n", "W560"),
        ("- 4m 100% power is secondary\n", "W561"),
        ("- 5m CZ2\n", "W562"),
        ("- 3m 60% MMP 5m\n", "W562"),
        ("- 10m Z2 Pace\n- 5m 80% Pace\n", "W562"),
        ("- 5m ramp 60-70% HR\n", "W562"),
        ("- 1m 2000%\n", "W563"),
        ("- 1m Z9\n", "W563"),
        ("- 1m 60% 250rpm\n", "W563"),
        ("- 5m Z6 HR\n", "W563"),
        ("- 5m 1:00/km Pace\n", "W563"),
        ("- 5m 75%\n- 5m 80% Pace\n", "W564"),
        ("- 5m 80% Pace 90rpm\n", "W564"),
        ("- 5m 70% HR\n", "W565"),
        ("- 5m Z3-Z4\n", "W566"),
        ("- 5m Z2-Z3 HR\n", "W566"),
        ("- 5m 60% power=3s\n", "W567"),
        ("- 5m 60% intensity=interval\n", "W567"),
        ("- 5m 60% colour=red\n", "W567"),
        ("2x\n\n- 5m 60%\n", "W568"),
        ("- 5m 5:00 Pace\n", "W569"),
        ("- 5m 4:30/km\n", "W569"),
        ("- 5m ramp 60%\n", "W569"),
        ("- press lap 2km 60%\n", "W569"),
        ("- 5m 1:47/100y Pace\n", "W569"),
        ("- 5m 60%\n- 5m 200w\n", "W570"),
        (b"- Caf\xe9 5m 60%\n", "W571"),
        ("- Go 90^ Late 1m 80%\n", "W572"),
    ],
)
def test_each_import_warning(text: str | bytes, code: str) -> None:
    result = _import(text)
    assert code in [d.code for d in result.diagnostics]
    assert result.workout is not None and result.source is not None
    assert nmdsl.check(result.source, ftp_w=250).ok
    assert all(d.severity.value == "warning" for d in result.diagnostics)


def test_warnings_name_the_line_and_column() -> None:
    (d,) = _import("- 5m 60%\n\n- 4m 100% power is secondary\n").diagnostics
    assert d.code == "W561" and d.span is not None
    assert (d.span.line, d.span.column, d.span.end_column) == (3, 11, 29)
    (d,) = _import("- 5m 60%\n- xx\n").diagnostics
    assert d.code == "W560" and d.span is not None and d.span.line == 2 and "line 2" in d.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "E560"),
        ("Just a note, no steps\n", "E560"),
        ("- no duration here\n", "E560"),
        ("10001x\n- 1s 60%\n", "E305"),
        ("- 25h 60%\n", "E305"),
        ("20x\n- 2h 60%\n", "E305"),
    ],
)
def test_import_errors(text: str, code: str) -> None:
    result = _import(text)
    assert result.workout is None and result.source is None
    assert code in [d.code for d in result.errors]


def test_strict_makes_import_warnings_errors() -> None:
    result = nmdsl.import_text("- 5m 60% power=3s\n", "icu", strict=True)
    assert result.workout is None and [d.code for d in result.errors] == ["W567"]


def test_an_unknown_format_and_a_too_large_text_are_diagnostics() -> None:
    result = nmdsl.import_text("- 5m 60%\n", "nope")
    assert [d.code for d in result.errors] == ["E008"] and "icu" in result.errors[0].message
    huge = "- 5m 60%\n" * (nmdsl.api.MAX_FILE_BYTES // 9 + 1)
    assert [d.code for d in nmdsl.import_text(huge, "icu").errors] == ["E009"]


def test_the_export_says_what_it_cannot() -> None:
    source = (HERE / "export" / "lossy.nm").read_text(encoding="utf-8")
    out = nmdsl.emit(nmdsl.parse(source), "icu")
    codes = {d.code for d in out.diagnostics}
    assert {"W480", "W481", "W482", "W483", "W484", "W485", "W486", "W487"} <= codes
    with pytest.raises(nmdsl.NmdslError):
        nmdsl.emit(nmdsl.parse(source), "icu", strict=True)


def test_bpm_without_lthr_or_max_hr_is_dropped_with_w483() -> None:
    out = nmdsl.emit(nmdsl.parse("10m @60% @140bpm\n"), "icu")
    assert out.data == b"- 10m 60%\n" and [d.code for d in out.diagnostics] == ["W483"]


def test_distance_estimates_and_lap_steps_without_one_say_w486() -> None:
    out = nmdsl.emit(nmdsl.parse("sport: run\n2km ~9m @Z2hr\nlap @Z1hr\n"), "icu")
    assert out.data == b"- 2km Z2 HR\n- 1m Z1 HR Press lap\n"
    assert [d.code for d in out.diagnostics] == ["W486", "W486"]


# -- registry, API, CLI ---------------------------------------------------------------------


def test_the_registry_finds_importers_by_name_and_txt_only_by_name() -> None:
    assert "icu" in formats.readers() and "icu" in formats.names()
    assert isinstance(formats.reader("icu"), IcuImporter)
    assert ".txt" not in formats.suffixes() and ".zwo" in formats.suffixes()
    with pytest.raises(KeyError, match="--from icu"):
        formats.for_suffix(".txt")
    with pytest.raises(KeyError, match="known: erg"):
        formats.reader("docx")
    # whatsonzwift's text is read, by name only, and never written.
    from nmdsl.formats.woz.read import WozImporter

    assert isinstance(formats.reader("woz"), WozImporter) and "woz" not in formats.names()


def test_cli_import_from_a_file_writes_the_nm_next_to_it(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("Main Set 3x\n- 1m 120%\n- 1m 50%\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--from", "icu", str(tmp_path / "plan.txt")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.nm").read_text(encoding="utf-8") == "name: plan\n\n3x:\n  1m @120%\n  1m @50%\n"


def test_cli_import_from_stdin_with_a_name() -> None:
    result = CliRunner().invoke(
        main, ["import", "--from", "icu", "-", "--name", "Pasted"], input="- 10m 60%\n- oops\n"
    )
    assert result.exit_code == 0
    assert result.stdout == "name: Pasted\n\n10m @60%\n"
    assert "<stdin>:2:1: warning[W560]" in result.stderr and "    2 | - oops" in result.stderr


def test_cli_import_refuses_what_it_cannot_know(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("- 10m 60%\n", encoding="utf-8")
    runner = CliRunner()
    no_from = runner.invoke(main, ["import", str(tmp_path / "plan.txt")])
    assert no_from.exit_code == 1 and "--from icu" in no_from.stderr and not (tmp_path / "plan.nm").exists()
    stdin = runner.invoke(main, ["import", "-"], input="- 10m 60%\n")
    assert stdin.exit_code == 2 and "give --from" in stdin.output
    unknown = runner.invoke(main, ["import", "--from", "docx", str(tmp_path / "plan.txt")])
    assert unknown.exit_code == 2 and "icu" in unknown.output
    twice = runner.invoke(main, ["import", "--from", "icu", "-", "-"], input="- 10m 60%\n")
    assert twice.exit_code == 2 and "only once" in twice.output
    strict = runner.invoke(main, ["import", "--from", "icu", "--strict", "-"], input="- 5m 60% power=3s\n")
    assert strict.exit_code == 1 and strict.stdout == "" and "error[W567]" in strict.stderr


def test_cli_import_keeps_the_suffix_rule_for_the_other_formats(tmp_path: Path) -> None:
    zwo = nmdsl.compile("10m @60%\n", "zwo")
    (tmp_path / "a.zwo").write_bytes(zwo)
    result = CliRunner().invoke(main, ["import", str(tmp_path / "a.zwo"), "-o", "-"])
    assert result.exit_code == 0 and "10m @60%" in result.stdout
    named = CliRunner().invoke(main, ["import", "--from", "zwo", str(tmp_path / "a.zwo"), "-o", "-"])
    assert named.stdout == result.stdout


def test_cli_compile_writes_a_txt(tmp_path: Path) -> None:
    (tmp_path / "s.nm").write_text("warmup 10m ramp 45%-70%\n4x 1m @120% / 1m @50%\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compile", str(tmp_path / "s.nm"), "-f", "icu"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.txt").read_text(encoding="utf-8") == (
        "Warmup\n- 10m ramp 45-70%\n\n4x\n- 1m 120%\n- 1m 50% intensity=recovery\n"
    )
    strict = CliRunner().invoke(main, ["compile", str(tmp_path / "s.nm"), "-f", "icu", "--strict", "-o", "-"])
    assert strict.exit_code == 0
    (tmp_path / "m.nm").write_text("10s max\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["compile", str(tmp_path / "m.nm"), "-f", "icu", "--strict"])
    assert refused.exit_code == 1 and "W480" in refused.output and not (tmp_path / "m.txt").exists()


# -- properties -----------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["Go", "Easy", "Hold", "it", "Stay", "seated", "Push", "ramp", "HR", "Pace", "lap", "x", "Warmup"]
)


@st.composite
def _cue(draw: st.DrawFn, seconds: int | None) -> str:
    text = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
    if seconds is not None and seconds >= 2 and draw(st.booleans()):
        return f'"{text}" at {draw(st.integers(1, seconds - 1))}s'
    return f'"{text}"'


@st.composite
def _value(draw: st.DrawFn, lo: int, hi: int) -> str:
    n = draw(st.integers(lo, hi))
    return f"{n}.5" if draw(st.booleans()) and n < hi else str(n)


@st.composite
def _range(draw: st.DrawFn, lo: int, hi: int, unit: str) -> str:
    a, b = draw(_value(lo, hi)), draw(_value(lo, hi))
    a, b = sorted((a, b), key=float)
    return f"{a}{unit}" if draw(st.booleans()) else f"{a}-{b}{unit}"


@st.composite
def _step(draw: st.DrawFn, sport: str) -> str:
    keyword = draw(st.sampled_from(["", "", "", "warmup ", "cooldown ", "rest ", "recovery "]))
    seconds: int | None = draw(st.integers(1, 5400))
    amount = f"{seconds}s"
    kind = draw(st.sampled_from(["time", "time", "lap", "distance"] if sport == "run" else ["time", "lap"]))
    if kind == "lap":
        amount = f"lap ~{seconds}s"
    elif kind == "distance":
        amount = draw(st.sampled_from([f"{draw(st.integers(50, 5000))}mtr", f"{draw(_value(1, 20))}km"]))
        seconds = None
    targets = []
    if sport == "bike":
        options = ["pct", "watts", "zone", "ramp", "ramp_w", "free"]
    else:
        options = ["pct", "pace", "ramp", "free"]
    choice = draw(st.sampled_from(options))
    if choice == "pct":
        targets.append("@" + draw(_range(1, 400, "%")))
    elif choice == "watts":
        targets.append("@" + draw(_range(1, 1500, "W")))
    elif choice == "zone":
        targets.append(f"@Z{draw(st.integers(1, 7))}")
    elif choice in ("ramp", "ramp_w"):
        unit, hi = ("%", 400) if choice == "ramp" else ("W", 1500)
        targets.append(f"ramp {draw(_value(1, hi))}{unit}-{draw(_value(1, hi))}{unit}")
    elif choice == "pace":
        per = draw(st.sampled_from(["km", "mi"]))
        a, b = sorted(draw(st.integers(150, 720)) for _ in range(2))
        clock = [f"{x // 60}:{x % 60:02d}" for x in (a, b)]
        targets.append(f"@{clock[0]}/{per}" if a == b else f"@{clock[0]}-{clock[1]}/{per}")
    else:
        targets.append("free")
    if sport == "bike" and draw(st.booleans()):
        targets.append(draw(_range(30, 200, "rpm")).replace(".5", ""))
    hr = draw(st.sampled_from(["", "zone", "lthr", "maxhr"]))
    if hr == "zone":
        targets.append(f"@Z{draw(st.integers(1, 5))}hr")
    elif hr:
        targets.append("@" + draw(_range(50, 110, f"%{hr}")))
    cues = [draw(_cue(seconds if kind == "time" else None)) for _ in range(draw(st.integers(0, 2)))]
    return " ".join([keyword + amount, *targets, *cues])


@st.composite
def _session(draw: st.DrawFn) -> str:
    sport = draw(st.sampled_from(["bike", "run"]))
    lines = [f"sport: {sport}", "ftp: 250", "lthr: 170", "max-hr: 190", ""] if sport == "bike" else [
        "sport: run", "lthr: 170", "max-hr: 190", ""
    ]  # fmt: skip
    for _ in range(draw(st.integers(1, 5))):
        form = draw(st.sampled_from(["step", "step", "line", "block", "nested"]))
        if form == "step":
            lines.append(draw(_step(sport)))
        elif form == "line":
            steps = [draw(_step(sport)).split(" ", 1) for _ in range(draw(st.integers(1, 3)))]
            # One-line repeats: no keyword on the first step, so it stays active.
            body = [" ".join(s).removeprefix("warmup ").removeprefix("cooldown ") for s in steps]
            lines.append(f"{draw(st.integers(1, 6))}x " + " / ".join(body))
        else:
            lines.append(f"{draw(st.integers(1, 5))}x:")
            for _ in range(draw(st.integers(1, 3))):
                if form == "nested" and draw(st.booleans()):
                    lines.append(f"  {draw(st.integers(1, 4))}x:")
                    lines.extend(f"    {draw(_step(sport))}" for _ in range(draw(st.integers(1, 2))))
                else:
                    lines.append(f"  {draw(_step(sport))}")
    return "\n".join(lines) + "\n"


@given(_session())
def test_export_then_import_gives_the_same_steps(source: str) -> None:
    """Generated sessions -> -f icu -> import: the same steps in the same order, exactly."""
    checked = nmdsl.check(source)
    assert {d.code for d in checked.errors} <= {"E305"}, checked.errors  # only: longer than 24 hours
    assume(checked.workout is not None)
    workout = nmdsl.parse(source)
    out = nmdsl.emit(workout, "icu", strict=True)  # nothing lost: no warning at all
    assert out.diagnostics == []
    back = _import(out.data)
    assert back.workout is not None, (out.data, back.diagnostics)
    assert _steps(back.workout) == _steps(workout), out.data.decode()
    assert nmdsl.emit(nmdsl.parse(source), "icu").data == out.data


@given(st.text(max_size=300) | st.binary(max_size=300))
def test_any_text_imports_or_is_refused_with_diagnostics(data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    report = Report(file="x.txt")
    workout = IcuImporter().read(raw, report, ReadOptions(filename="x.txt"))
    lines = raw.count(b"\n") + raw.count(b"\r") + 1
    for d in report.items:
        assert d.span is None or 1 <= d.span.line <= lines
    if workout is None:
        assert report.has_errors


@given(st.lists(st.sampled_from([
    "- ", "-", "5x", "Warmup", "Cooldown", "\n", "\n", " ", "10m", "30s", "1m30", "5'", "2km", "400mtr",
    "60%", "95-105%", "220w", "Z2", "Z3-Z4", "HR", "LTHR", "Pace", "5:00/km", "ramp", "freeride", "90rpm",
    "90", "rpm", "press", "lap", "60^30", "<!>", "intensity=rest", "power=3s", "MMP", "CZ2", "Go", "-",
]), max_size=60))  # fmt: skip
def test_text_made_of_its_own_words_never_breaks_the_importer(words: list[str]) -> None:
    result = _import(" ".join(words))
    if result.workout is not None:
        assert result.source is not None
        checked = nmdsl.check(result.source, ftp_w=250)
        assert checked.ok, (words, checked.errors)


@pytest.mark.parametrize("example", sorted(PATHS.examples.glob("*.nm")), ids=lambda p: p.stem)
def test_every_example_exports_and_imports_back(example: Path) -> None:
    """Each shipped example: its icu text imports and checks; with no warning, to the same steps."""
    workout = nmdsl.parse_file(example, ftp_w=250)
    out = nmdsl.emit(workout, "icu")
    back = _import(out.data)
    assert back.workout is not None and back.source is not None, back.diagnostics
    assert nmdsl.check(back.source, ftp_w=250).ok
    if not out.diagnostics:
        assert _steps(back.workout) == _steps(workout)


def test_the_docs_example_is_the_golden() -> None:
    """docs/format-icu.md's example session and its text are tests/icu/export/attacks.*."""
    page = (PATHS.docs / "format-icu.md").read_text(encoding="utf-8")
    example = page[page.index("## An example") : page.index("## Import")]
    session, text = re.findall(r"^```\n(.*?)^```", example, re.S | re.M)
    assert session == (HERE / "export" / "attacks.nm").read_text(encoding="utf-8")
    assert text == (HERE / "export" / "attacks.txt").read_text(encoding="utf-8")


def test_every_code_of_the_format_has_a_heading_on_its_page() -> None:
    from nmdsl.formats.icu import read, write  # noqa: F401  (they register the codes)

    page = (PATHS.docs / "format-icu.md").read_text(encoding="utf-8")
    codes = [c for c in nmdsl.CODES if c[1:3] in ("56", "57", "48")]
    assert len(codes) == 22
    for code in codes:
        assert re.search(rf"^### {code} — ", page, re.M), code
