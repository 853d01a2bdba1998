"""whatsonzwift text import (``nmdsl import --from woz FILE|-``): formats/woz/read.py.

* Every form the reader takes, with the Workout's numbers checked exactly.
* Goldens: ``tests/woz/NAME.txt`` -> ``NAME.nm`` (the idiomatic text), each read.
* Every golden compiles to ZWO, ERG, MRC and FIT, and what those files say,
  read back, is the source text's steps, durations and targets.
* Every code of the reader with its line and column.
* A property: a text made of random blocks imports to the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nmdsl
from nmdsl.diagnostics import CODES, Diagnostic, Report, Span
from nmdsl.formats import for_suffix
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.woz.read import WozImporter
from nmdsl.limits import MAX_DURATION_S, MAX_ERRORS, MAX_HEADER_CHARS
from nmdsl.model import (
    CadenceTarget,
    FreeTarget,
    IntensityTarget,
    MaxTarget,
    Pace,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
)

from .conftest import PATHS

WOZ_DIR = PATHS.tests / "woz"
GOLDENS = sorted(WOZ_DIR.glob("*.txt"))


def read(data: str | bytes, filename: str = "<input>") -> tuple[Workout | None, list[Diagnostic]]:
    report = Report(file=filename)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    workout = WozImporter().read(raw, report, ReadOptions(filename=filename))
    return workout, report.sorted()


def ok(text: str) -> Workout:
    workout, diagnostics = read(text)
    assert workout is not None, [d.short() for d in diagnostics]
    assert diagnostics == [], [d.short() for d in diagnostics]
    return workout


def one(text: str) -> Step:
    workout = ok(text)
    (step,) = workout.steps
    assert isinstance(step, Step)
    return step


def pct(value: float) -> PercentTarget:
    return PercentTarget(low_pct=value, high_pct=value)


def watts(value: float) -> WattsTarget:
    return WattsTarget(low_w=value, high_w=value)


def rpm(value: int, high: int | None = None) -> CadenceTarget:
    return CadenceTarget(low_rpm=value, high_rpm=high or value)


def flat(workout: Workout) -> list[tuple[float, IntensityTarget | None, CadenceTarget | None]]:
    """The ridden steps, in order: duration, target and cadence (spans left out)."""
    out = []
    for segment in workout.timeline():
        s = segment.step
        target = None if s.target is None else s.target.model_copy(update={"span": None})
        cadence = None if s.cadence is None else s.cadence.model_copy(update={"span": None})
        out.append((float(s.duration_s or 0), target, cadence))
    return out


# -- the importer's face ------------------------------------------------------------------


def test_the_importer_names_itself() -> None:
    importer = WozImporter()
    assert importer.name == "woz"
    assert importer.suffixes == (".txt",)


# -- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30sec", 30),
        ("10min", 600),
        ("2hr", 7200),
        ("1hr 30min", 5400),
        ("3min 30sec", 210),
        ("1hr 2min 5sec", 3725),
        ("1.5min", 90),
        ("3 min", 180),
        ("45 sec", 45),
        ("2hrs", 7200),
        ("10 mins", 600),
        ("20secs", 20),
        ("1h 30min", 5400),
        ("1hour 5minutes 30seconds", 3930),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    step = one(f"{text} @ 60% FTP\n")
    assert step.duration_s == seconds
    assert step.target == pct(60)


def test_a_fraction_of_a_second_is_kept_to_the_millisecond() -> None:
    assert one("2.5sec @ 60% FTP\n").duration_s == 2.5


# -- targets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "target", "cadence"),
    [
        ("5min @ 95% FTP", pct(95), None),
        ("5min @ 95%", pct(95), None),
        ("5min @ 55 % FTP", pct(55), None),
        ("5min @ 95% ftp", pct(95), None),
        ("5min@95%FTP", pct(95), None),
        ("5min @ 87.5% FTP", pct(87.5), None),
        ("5min @ 109.44999% FTP", pct(109.45), None),
        ("3min @ 90rpm, 77% FTP", pct(77), rpm(90)),
        ("3min @ 90 rpm, 77% FTP", pct(77), rpm(90)),
        ("3min @ 90rpm 77% FTP", pct(77), rpm(90)),
        ("3min @ 85-95rpm, 77% FTP", pct(77), rpm(85, 95)),
        ("3min @ 77% FTP, 90rpm", pct(77), rpm(90)),
        ("3min from 60 to 80% FTP 95 rpm", RampTarget(start=60, end=80), rpm(95)),
        ("1min @ 85rpm, 100W", watts(100), rpm(85)),
        ("1min @ 100W", watts(100), None),
        ("1min @ 100 W", watts(100), None),
        ("1min @ 100w", watts(100), None),
        ("1min @ 212.5W", watts(212.5), None),
        ("10min from 25 to 75% FTP", RampTarget(start=25, end=75), None),
        ("10min from 25% FTP to 75% FTP", RampTarget(start=25, end=75), None),
        ("10min from 25 to 75 % FTP", RampTarget(start=25, end=75), None),
        ("5min @ 85rpm, from 50 to 30% FTP", RampTarget(start=50, end=30), rpm(85)),
        ("10min from 75 to 70W", RampTarget(start=75, end=70, unit="watts"), None),
        ("10min from 75W to 170W", RampTarget(start=75, end=170, unit="watts"), None),
        ("10min from 50.5 to 60.25% FTP", RampTarget(start=50.5, end=60.25), None),
        ("10min from 60 to 60% FTP", pct(60), None),
        ("10min from 150 to 150W", watts(150), None),
        ("1hr free ride", FreeTarget(), None),
        ("1hr Free Ride", FreeTarget(), None),
        ("1hr freeride", FreeTarget(), None),
        ("10min @ 85rpm, free ride", FreeTarget(), rpm(85)),
        ("10min @ 85rpm", FreeTarget(), rpm(85)),
        ("8sec @ MAX", MaxTarget(), None),
        ("8sec @ max", MaxTarget(), None),
        ("15sec @ 120rpm, MAX", MaxTarget(), rpm(120)),
    ],
)
def test_targets(text: str, target: IntensityTarget, cadence: CadenceTarget | None) -> None:
    step = one(text + "\n")
    assert step.target == target
    assert step.cadence == cadence


def run_pct(value: float) -> PercentTarget:
    return PercentTarget(low_pct=value, high_pct=value, of="threshold_speed")


@pytest.mark.parametrize(
    ("text", "target", "duration", "distance"),
    [
        ("10min @ 90% of 10k pace", run_pct(90), 600, None),
        ("10min @ 90 % of 10K Pace", run_pct(90), 600, None),
        # Other zones: x2 ** 0.06 (5 km), x(21097.5 / 10000) ** -0.06 (HM), x(42195 / 10000) ** -0.06 (M).
        ("10min @ 85% of 5k pace", run_pct(88.61), 600, None),
        ("10min @ 95% of HM pace", run_pct(90.84), 600, None),
        ("10min @ 100% of M pace", run_pct(91.72), 600, None),
        ("5min from 60 to 85% of 10k pace", RampTarget(start=60, end=85, of="threshold_speed"), 300, None),
        (
            "5min from 60% of 10k pace to 85% of 10k pace",
            RampTarget(start=60, end=85, of="threshold_speed"),
            300,
            None,
        ),
        ("400 m @ 100% of 10k pace", run_pct(100), None, 400),
        ("1.5 km @ 100% of 10k pace", run_pct(100), None, 1500),
        ("1km @ 100% of 10k pace", run_pct(100), None, 1000),
        ("5min free run", FreeTarget(), 300, None),
        ("800 m free run", FreeTarget(), None, 800),
    ],
)
def test_run_targets(
    text: str, target: IntensityTarget, duration: int | None, distance: float | None
) -> None:
    workout, diagnostics = read(text + "\n")
    assert workout is not None and workout.meta.sport == "run"
    assert [d.code for d in diagnostics] in ([], ["W585"])
    (step,) = workout.steps
    assert isinstance(step, Step)
    assert (step.target, step.duration_s, step.distance_m) == (target, duration, distance)


def test_a_pace_zone_is_converted_with_a_warning_once_per_zone() -> None:
    workout, diagnostics = read("6x 90sec @ 105% of 5k pace, 1min @ 100% of 5k pace\n2min @ 95% of HM pace\n")
    assert workout is not None
    assert [(d.code, d.span.line if d.span else 0) for d in diagnostics] == [("W585", 1), ("W585", 2)]
    assert "x1.042" in diagnostics[0].message and "5 km" in diagnostics[0].message
    assert "x0.956" in diagnostics[1].message
    assert [s.step.target for s in workout.timeline()][:2] == [run_pct(109.46), run_pct(104.25)]


def test_a_walk_is_free_with_its_words_as_a_cue() -> None:
    workout = ok("2min No Incline Walk\n10min @ 90% of 10k pace\n")
    assert workout.meta.sport == "run"
    walk = workout.steps[0]
    assert isinstance(walk, Step)
    assert (walk.duration_s, walk.target) == (120, FreeTarget())
    assert [c.text for c in walk.cues] == ["No Incline Walk"]
    assert nmdsl.write(workout) == 'sport: run\n\n2m free "No Incline Walk"\n10m @90%\n'


def test_a_ride_and_a_run_in_one_text_are_e586() -> None:
    workout, diagnostics = read("5min @ 85% of 10k pace\n10min @ 60% FTP\n")
    assert workout is None
    (d,) = diagnostics
    assert (d.code, d.span) == ("E586", Span.point(2, 1))
    assert d.message == "this line is a ride's, but line 1 is a run's"


def test_no_break_spaces_and_tabs_are_blanks() -> None:
    step = one("\u00a03min\u00a0@\u00a090rpm,\t77\u202f%\u00a0FTP\u00a0\n")
    assert (step.duration_s, step.target, step.cadence) == (180, pct(77), rpm(90))


# -- repeats -----------------------------------------------------------------------------


def test_a_repeat_splits_at_a_comma_followed_by_a_duration() -> None:
    workout = ok("6x 3min @ 90rpm, 77% FTP, 20sec @ 110rpm, 120% FTP\n")
    (repeat,) = workout.steps
    assert isinstance(repeat, Repeat)
    assert repeat.count == 6
    a, b = repeat.steps
    assert isinstance(a, Step) and isinstance(b, Step)
    assert (a.duration_s, a.target, a.cadence) == (180, pct(77), rpm(90))
    assert (b.duration_s, b.target, b.cadence) == (20, pct(120), rpm(110))
    # The harder second part is no recovery: the text says so in a block.
    assert a.intensity == b.intensity == "active"
    assert nmdsl.write(workout) == "6x:\n  3m @77% 90rpm\n  20s @120% 110rpm\n"


def test_an_easier_second_part_is_the_recovery() -> None:
    workout = ok("5x 4min @ 110% FTP, 4min 30sec @ 55% FTP\n")
    assert nmdsl.write(workout) == "5x 4m @110% / 4m30s @55%\n"
    (repeat,) = workout.steps
    assert isinstance(repeat, Repeat)
    assert [s.intensity for s in repeat.steps if isinstance(s, Step)] == ["active", "recovery"]


def test_the_two_line_form_of_a_copied_page() -> None:
    one_line = ok("3x 20sec @ 105% FTP, 40sec @ 55% FTP\n")
    for text in (
        "3x 20sec @ 105% FTP,\n40sec @ 55% FTP\n",
        "3x 20sec @ 105% FTP ,  \n   40sec @ 55% FTP\n",
        "3x 20sec @ 105% FTP,\n\n\n40sec @ 55% FTP\n",
        "3x\n20sec @ 105% FTP,\n40sec @ 55% FTP\n",
        "3x 20sec @ 105% FTP,\r\n40sec @ 55% FTP\r\n",
    ):
        assert ok(text) == one_line, text
    assert nmdsl.write(one_line) == "3x 20s @105% / 40s @55%\n"


def test_a_repeat_of_three_parts() -> None:
    workout = ok("4x 1min @ 120% FTP, 30sec @ 100% FTP,\n2min @ 50% FTP\n")
    (repeat,) = workout.steps
    assert isinstance(repeat, Repeat)
    assert [(s.duration_s, s.target) for s in repeat.steps if isinstance(s, Step)] == [
        (60, pct(120)),
        (30, pct(100)),
        (120, pct(50)),
    ]


def test_1x_is_its_parts() -> None:
    workout = ok("1x 5min @ 88% FTP, 1min @ 52% FTP\n")
    assert [(s.duration_s, s.target) for s in workout.steps if isinstance(s, Step)] == [
        (300, pct(88)),
        (60, pct(52)),
    ]
    assert len(workout.steps) == 2


def test_several_blocks_on_one_line_without_a_count_follow_each_other() -> None:
    workout = ok("5min @ 60% FTP, 5min @ 70% FTP\n")
    assert flat(workout) == [(300.0, pct(60), None), (300.0, pct(70), None)]


def test_bars_spelled_out_one_by_one_are_folded() -> None:
    text = "30sec @ 120% FTP\n30sec @ 50% FTP\n" * 5 + "4min @ 50% FTP\n"
    workout = ok(text)
    assert nmdsl.write(workout) == "5x 30s @120% / 30s @50%\n4m @50%\n"


# -- lines that are not blocks --------------------------------------------------------------


def test_the_title_line_names_the_workout_and_the_next_ones_describe_it() -> None:
    workout = ok("Red Zone Repeats\nShort and sharp.\nBring a fan.\n\n10min @ 60% FTP\n")
    assert workout.meta.name == "Red Zone Repeats"
    assert workout.meta.description == "Short and sharp. Bring a fan."
    assert flat(workout) == [(600.0, pct(60), None)]


TITLES = ["30/30s", "2x20 FTP", "40/20 Intervals", "FTP Builder Week 1", "100% Threshold", "4x4 Over-Unders"]


@pytest.mark.parametrize("title", TITLES)
def test_titles_that_start_like_numbers_are_titles(title: str) -> None:
    workout = ok(f"{title}\n10min @ 60% FTP\n")
    assert workout.meta.name == title


def test_without_a_title_the_file_names_the_workout() -> None:
    workout, diagnostics = read("10min @ 60% FTP\n", filename="/tmp/Hill Repeats.txt")
    assert diagnostics == []
    assert workout is not None and workout.meta.name == "Hill Repeats"
    for name in ("-", "<stdin>", "<input>"):
        stdin, _ = read("10min @ 60% FTP\n", filename=name)
        assert stdin is not None and stdin.meta.name is None, name


def test_prose_after_the_blocks_is_left_out_with_a_warning_naming_its_line() -> None:
    workout, diagnostics = read("Title\n10min @ 60% FTP\n\nZone distribution\n5min @ 70% FTP\n")
    assert workout is not None
    assert [(d.code, d.span) for d in diagnostics] == [("W580", Span.point(4, 1, len("Zone distribution")))]
    assert "line 4" in diagnostics[0].message and "'Zone distribution'" in diagnostics[0].message
    assert flat(workout) == [(600.0, pct(60), None), (300.0, pct(70), None)]


def test_a_long_pasted_description_stops_short_of_the_header_limit() -> None:
    line = "A paragraph of the page, with a # and \"quotes\"." * 10
    text = "Title\n" + (line + "\n") * 30 + "10min @ 60% FTP\n"
    workout, diagnostics = read(text)
    assert workout is not None and workout.meta.description is not None
    assert len(workout.meta.description) <= MAX_HEADER_CHARS // 2
    # Lines 2-11 (10 x 470 characters and their spaces) are the description; 12-31 are left out.
    assert len(line) == 470
    warned = [(d.code, d.span.line if d.span else 0) for d in diagnostics]
    assert warned == [("W580", n) for n in range(12, 32)]
    assert "would pass the description's 5,000 characters" in diagnostics[0].message
    # The imported text is one nmdsl accepts.
    assert nmdsl.check(nmdsl.write(workout)).ok


def test_blank_lines_crlf_and_a_bom_change_nothing() -> None:
    plain = ok("10min @ 60% FTP\n5min @ 95% FTP\n")
    assert ok("\ufeff\r\n\r\n10min @ 60% FTP\r\n\r\n\r\n5min @ 95% FTP\r\n\r\n") == plain
    assert ok("10min @ 60% FTP\r5min @ 95% FTP") == plain


# -- intensities the page implies ---------------------------------------------------------------


def test_a_rising_first_ramp_is_the_warmup_and_a_falling_last_one_the_cooldown() -> None:
    workout = ok("10min from 25 to 75% FTP\n20min @ 90% FTP\n5min from 60 to 30% FTP\n")
    assert nmdsl.write(workout) == "warmup 10m ramp 25%-75%\n20m @90%\ncooldown 5m ramp 60%-30%\n"


def test_a_lone_ramp_is_the_workout() -> None:
    assert one("20min from 50 to 120% FTP\n").intensity == "active"


# -- goldens -----------------------------------------------------------------------------

#: The warnings each golden gives: (code, line).
GOLDEN_WARNINGS: dict[str, list[tuple[str, int]]] = {
    "pasted-page": [("W580", 27), ("W580", 28)],
    "run": [("W585", 4), ("W585", 7)],
    "run-track": [("W585", 2), ("W585", 3)],
}


def test_there_are_goldens() -> None:
    assert {p.stem for p in GOLDENS} >= {"threshold", "watts", "sprints", "pasted-page", "run", "run-track"}


@pytest.mark.parametrize("source", GOLDENS, ids=lambda p: p.stem)
def test_import_golden(source: Path, update_goldens: bool) -> None:
    workout, diagnostics = read(source.read_bytes(), filename=str(source))
    assert workout is not None, [d.short() for d in diagnostics]
    warnings = [(d.code, d.span.line if d.span else 0) for d in diagnostics]
    assert warnings == GOLDEN_WARNINGS.get(source.stem, [])
    expected = source.with_suffix(".nm")
    actual = nmdsl.write(workout)
    if update_goldens:
        expected.write_text(actual, encoding="utf-8")
        return
    assert expected.is_file(), f"{expected} is missing; run pytest --update-goldens and read it"
    assert actual == expected.read_text(encoding="utf-8"), f"{expected.name} differs"


def test_the_threshold_golden_holds_the_source_texts_numbers() -> None:
    """threshold.txt, step by step, as written in the source text (read off it by hand)."""
    workout, _ = read((WOZ_DIR / "threshold.txt").read_bytes())
    assert workout is not None
    assert workout.meta.name == "Over the Top"
    expected = [
        (600.0, RampTarget(start=25, end=75), None),
        (300.0, pct(65), rpm(85)),
        *[(240.0, pct(95), rpm(90)), (120.0, pct(55), rpm(85))] * 4,
        (180.0, pct(55), None),
        *[(90.0, pct(105), rpm(100)), (30.0, pct(95), rpm(85))] * 2,
        *[(120.0, pct(95), None), (60.0, pct(105), None)] * 3,
        (300.0, RampTarget(start=60, end=30), None),
    ]
    assert flat(workout) == expected


# -- compiled, the import means what the source text means -----------------------------------

FTP = 250.0


def _value_at(workout: Workout, t: float) -> float:
    """The power (in %FTP) a workout asks for at time ``t``; free and max as ERG/MRC write them."""
    for segment in workout.timeline():
        d = segment.duration_s or 0
        if segment.start_s <= t < segment.start_s + d:
            target = segment.step.target
            if isinstance(target, PercentTarget):
                return target.low_pct
            if isinstance(target, WattsTarget):
                return target.low_w / FTP * 100
            if isinstance(target, RampTarget):
                value = target.start + (target.end - target.start) * (t - segment.start_s) / d
                return value / FTP * 100 if target.unit == "watts" else value
            if isinstance(target, MaxTarget):
                return 200.0
            return 50.0  # free
    raise AssertionError(f"no step at {t} s")


@pytest.mark.parametrize("source", GOLDENS, ids=lambda p: p.stem)
def test_golden_compiles_cleanly_and_means_the_same(source: Path) -> None:
    workout, _ = read(source.read_bytes())
    assert workout is not None
    # The written text reads back to the imported steps, intensities too.
    again = nmdsl.parse(nmdsl.write(workout))
    assert flat(again) == flat(workout)
    assert [s.step.intensity for s in again.timeline()] == [s.step.intensity for s in workout.timeline()]
    if workout.meta.sport == "run":
        _run_compiles(workout, again)
        return
    total = workout.totals().duration_s
    for fmt in ("zwo", "erg", "mrc", "fit"):
        out = nmdsl.emit(again, fmt, ftp_w=FTP)
        assert not any(d.is_error for d in out.diagnostics), fmt
        report = Report()
        back = for_suffix(out.suffix).read(out.data, report, ReadOptions())
        assert back is not None and not report.has_errors, (fmt, [d.short() for d in report.items])
        assert back.totals().duration_s == pytest.approx(total), fmt
        if fmt in ("erg", "mrc"):
            # Second by second, the same power (ERG and MRC carry power only).
            for second in range(int(total)):
                t = second + 0.5
                assert _value_at(back, t) == pytest.approx(_value_at(workout, t), abs=0.01), (fmt, t)
    zwo = nmdsl.emit(again, "zwo", ftp_w=FTP)
    report = Report()
    back = for_suffix(".zwo").read(zwo.data, report, ReadOptions())
    assert back is not None
    if not any(isinstance(s, (WattsTarget,)) or (isinstance(s, RampTarget) and s.unit == "watts")
               for s in (seg.step.target for seg in workout.timeline())):
        # Percent targets, cadences, free rides and all-outs: ZWO keeps each as it is.
        assert flat(back) == flat(workout)


def _run_compiles(workout: Workout, again: Workout) -> None:
    """A run goes to ZWO (which keeps each step as it is) and FIT (paces, from a threshold pace)."""
    meta = again.meta.model_copy(update={"threshold_pace": Pace(seconds=240)})
    paced = again.model_copy(update={"meta": meta})
    for fmt in ("zwo", "fit"):
        out = nmdsl.emit(paced, fmt)
        assert not any(d.is_error for d in out.diagnostics), fmt
        report = Report()
        back = for_suffix(out.suffix).read(out.data, report, ReadOptions())
        assert back is not None and back.meta.sport == "run" and not report.has_errors, fmt
        if fmt == "zwo":
            assert flat(back) == flat(workout)
        else:
            assert len(back.timeline()) >= len(workout.timeline())  # FIT spells ramps out as stairs


# -- diagnostics -------------------------------------------------------------------------


def woz_codes() -> set[str]:
    return {c for c in CODES if re.fullmatch(r"[EW]58[0-9]", c)}


@dataclass(frozen=True)
class Trigger:
    text: str
    line: int
    column: int


#: Every code of the reader: a text that gives it, and where.
TRIGGERS: dict[str, Trigger] = {
    "E580": Trigger("10min @ 60% FTP\n5mn @ 95% FTP\n", 2, 1),
    "E581": Trigger("Title\n10min @ 60% FTP\n3min @ 90rpm, 77 FTP\n", 3, 15),
    "E582": Trigger("0x 3min @ 95% FTP, 1min @ 50% FTP\n", 1, 1),
    "E583": Trigger("Only a title\nand a description\n", 2, 1),
    "E584": Trigger("6x 3min @ 95% FTP,\n4x 1min @ 50% FTP\n", 2, 1),
    "E585": Trigger("10min @ 1200% FTP\n", 1, 9),
    "E586": Trigger("10min @ 60% FTP\n\n5min @ 85% of 10k pace\n", 3, 1),
    "W580": Trigger("10min @ 60% FTP\nStress points: 40\n", 2, 1),
    "W581": Trigger("10min @ 60% FTP\n6x 3min @ 95% FTP,\n", 2, 1),
    "W582": Trigger("0sec @ 50% FTP\n10min @ 60% FTP\n", 1, 1),
    "W583": Trigger("10min @ 0% FTP\n10min @ 60% FTP\n", 1, 9),
    "W584": Trigger("Caf\xe9 ride\n10min @ 60% FTP\n", 1, 1),
    "W585": Trigger("10min @ 60% of 10k pace\n3x 1min @ 95% of 5k pace, 1min @ 90% of 5k pace\n", 2, 11),
}


def test_every_code_of_the_reader_has_a_trigger() -> None:
    assert set(TRIGGERS) == woz_codes()


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_trigger(code: str) -> None:
    trigger = TRIGGERS[code]
    data = trigger.text.encode("cp1252") if code == "W584" else trigger.text.encode("utf-8")
    workout, diagnostics = read(data, filename="pasted.txt")
    assert [d.code for d in diagnostics] == [code]
    d = diagnostics[0]
    assert d.file == "pasted.txt"
    assert d.span is not None and (d.span.line, d.span.column) == (trigger.line, trigger.column)
    assert d.message and d.hint
    assert (workout is None) == d.is_error


def test_an_unreadable_block_is_an_error_with_its_column_and_a_hint() -> None:
    workout, diagnostics = read("10min @ 60% FTP\n5min @ 95% FTP, 1min @ 50 FTP\n")
    assert workout is None
    (d,) = diagnostics
    assert d.code == "E581"
    assert d.span == Span.point(2, 24, len("50 FTP"))
    assert d.message == "expected a target after the duration"
    assert d.hint is not None and "5min @ 95% FTP" in d.hint


@pytest.mark.parametrize(
    ("text", "code", "column", "hint"),
    [
        ("10min @ 3.5 W/kg\n", "E581", 9, "W/kg"),
        ("10min @ 5:00/km\n", "E581", 9, "of 5k pace"),
        ("10min @ 85% of 3k pace\n", "E581", 13, "of 5k pace"),
        ("10min from 60% FTP to 80% of 10k pace\n", "E581", 12, "both ends"),
        ("10min from 60% of 5k pace to 80% of 10k pace\n", "E581", 12, "both ends"),
        ("10min from 50% FTP to 200W\n", "E581", 12, "both ends"),
        ("10min from 50 at 60% FTP\n", "E581", 12, "5min @ 95% FTP"),
        ("10min from 50 to 60\n", "E581", 18, "5min @ 95% FTP"),
        ("10min @\n", "E581", 8, "5min @ 95% FTP"),
        ("10min @ 95% FTP extra words\n", "E581", 17, "5min @ 95% FTP"),
        ("10min @ 95% FTP, 90rpm, 100rpm\n", "E581", 23, "5min @ 95% FTP"),
        ("10min @ 95% FTP, 20rpm\n", "E585", 18, "low to high"),
        ("10min @ 250rpm, 50% FTP\n", "E585", 9, "low to high"),
        ("10min @ 95-85rpm, 50% FTP\n", "E585", 9, "low to high"),
        ("10min @ 5000W\n", "E585", 9, "number"),
        ("10min from 50 to 1500% FTP\n", "E585", 18, "number"),
        ("@ 95% FTP\n", "E580", 1, "durations"),
        ("5mn 95% FTP\n", "E580", 1, "durations"),
        ("5mn @ 95%\n", "E580", 1, "durations"),
        ("5mn 90rpm\n", "E580", 1, "durations"),
        ("1h30m @ 95% FTP\n", "E581", 1, "a lone 'm' is metres"),
        ("6x\n\nA line of prose\n", "E584", 1, "trailing comma"),
        ("6x\n", "E584", 1, "trailing comma"),
    ],
)
def test_unreadable_forms(text: str, code: str, column: int, hint: str) -> None:
    workout, diagnostics = read(text)
    assert workout is None
    assert [d.code for d in diagnostics] == [code]
    d = diagnostics[0]
    assert d.span is not None and d.span.column == column
    assert d.hint is not None and hint in d.hint


def test_every_error_of_a_text_is_reported() -> None:
    workout, diagnostics = read("5mn @ 95% FTP\n10min @ 60% FTP\n0x 1min @ 50% FTP\n10min @ 60 FTP\n")
    assert workout is None
    assert [(d.code, d.span.line if d.span else 0) for d in diagnostics] == [
        ("E580", 1),
        ("E582", 3),
        ("E581", 4),
    ]


def test_too_many_errors_stop_the_reading() -> None:
    workout, diagnostics = read("5mn @ 95% FTP\n" * (MAX_ERRORS + 20))
    assert workout is None
    assert [d.code for d in diagnostics].count("E580") == MAX_ERRORS
    assert diagnostics[-1].code == "E013"
    assert diagnostics[-1].span is not None and diagnostics[-1].span.line == MAX_ERRORS + 1


def test_watts_and_percent_in_one_text_are_e304() -> None:
    workout, diagnostics = read("10min @ 60% FTP\n\n3x 1min @ 300W, 1min @ 100W\n")
    assert workout is None
    (d,) = diagnostics
    assert (d.code, d.span) == ("E304", Span.point(3, 1))
    assert "line 1" in d.message
    assert d.hint is not None and "one unit" in d.hint


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("10min @ 60% FTP\n10001x 1sec @ 50% FTP\n", 2, "steps"),
        ("20hr @ 50% FTP\n5hr @ 50% FTP\n", 2, "24 hours"),
    ],
)
def test_the_languages_limits_are_e305(text: str, line: int, message: str) -> None:
    workout, diagnostics = read(text)
    assert workout is None
    assert [(d.code, d.span.line if d.span else 0) for d in diagnostics] == [("E305", line)]
    assert message in diagnostics[0].message


@given(st.binary(max_size=300))
def test_any_bytes_give_a_workout_or_diagnostics_never_a_traceback(data: bytes) -> None:
    workout, diagnostics = read(data)
    assert workout is not None or any(d.is_error for d in diagnostics)
    if workout is not None:
        nmdsl.parse(nmdsl.write(workout))


# -- the property: random blocks -> text -> import -> the same numbers ---------------------------

_UNITS = {3600: ("hr", "hrs"), 60: ("min", "mins"), 1: ("sec", "secs")}


@st.composite
def durations(draw: st.DrawFn) -> tuple[str, int]:
    seconds = draw(st.integers(min_value=1, max_value=900) | st.integers(min_value=900, max_value=2 * 3600))
    pieces = []
    rest = seconds
    for unit, names in _UNITS.items():
        n, rest = divmod(rest, unit)
        if n:
            gap = draw(st.sampled_from(["", " "]))
            pieces.append(f"{n}{gap}{draw(st.sampled_from(names))}")
    return " ".join(pieces), seconds


@st.composite
def values(draw: st.DrawFn, high: float) -> float:
    whole = draw(st.integers(min_value=1, max_value=int(high)))
    return round(whole + draw(st.sampled_from([0, 0, 0.5, 0.25, 0.05])), 2)


def _power_text(draw: st.DrawFn, value: float, unit: str) -> str:
    number = f"{value:g}"
    if unit == "watts":
        return number + draw(st.sampled_from(["W", " W"]))
    return number + draw(st.sampled_from(["% FTP", " % FTP", "%"]))


@st.composite
def blocks(draw: st.DrawFn, unit: str) -> tuple[str, tuple[float, IntensityTarget, CadenceTarget | None]]:
    """One block's text and what it means: duration, target, cadence (powers in ``unit``)."""
    duration, seconds = draw(durations())
    kind = draw(st.sampled_from(["steady", "ramp", "free", "max"]))
    cadence = draw(st.none() | st.integers(min_value=40, max_value=130))
    at = "" if cadence is None else f"{cadence}{draw(st.sampled_from(['rpm', ' rpm']))}, "
    target: IntensityTarget
    if kind == "free":
        target = FreeTarget()
        text = f"{duration} @ {at}free ride" if at else f"{duration} free ride"
    elif kind == "max":
        target = MaxTarget()
        text = f"{duration} @ {at}MAX"
    else:
        limit = 300.0 if unit == "percent" else 1500.0
        a = draw(values(limit))
        if kind == "steady":
            target = pct(a) if unit == "percent" else watts(a)
            text = f"{duration} @ {at}{_power_text(draw, a, unit)}"
        else:
            b = draw(values(limit).filter(lambda v: v != a))
            target = RampTarget(start=a, end=b, unit="percent" if unit == "percent" else "watts")
            ramp = f"from {a:g} to {_power_text(draw, b, unit)}"
            text = f"{duration} @ {at}{ramp}" if at else f"{duration} {ramp}"
    return text, (float(seconds), target, None if cadence is None else rpm(cadence))


@st.composite
def lines(
    draw: st.DrawFn, unit: str
) -> tuple[list[str], list[tuple[float, IntensityTarget, CadenceTarget | None]]]:
    """One bar of the page: a block, or a repeat on one line or two."""
    if draw(st.booleans()):
        text, meaning = draw(blocks(unit))
        return [text], [meaning]
    count = draw(st.integers(min_value=1, max_value=6))
    parts = draw(st.lists(blocks(unit), min_size=2, max_size=3))
    texts = [t for t, _ in parts]
    if draw(st.booleans()):
        out = [f"{count}x " + ", ".join(texts[:-1]) + ",", texts[-1]]  # the two-line form
    else:
        out = [f"{count}x " + ", ".join(texts)]
    return out, [m for _, m in parts] * count


#: A page shows every power in one unit: %FTP, or watts when an FTP is set on it.
PAGES = st.sampled_from(["percent", "watts"]).flatmap(
    lambda unit: st.lists(lines(unit), min_size=1, max_size=6)
)


@given(PAGES, st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_a_random_text_imports_to_its_numbers(
    bars: list[tuple[list[str], list[tuple[float, IntensityTarget, CadenceTarget | None]]]], newline: str
) -> None:
    text = newline.join(line for texts, _ in bars for line in texts) + newline
    expected = [m for _, meanings in bars for m in meanings]
    assume(sum(seconds for seconds, _, _ in expected) <= MAX_DURATION_S)
    workout = ok(text)
    assert flat(workout) == expected
    # The idiomatic text means the same.
    assert flat(nmdsl.parse(nmdsl.write(workout))) == expected


#: What a percentage of each race pace is as a percentage of threshold speed
#: (10 km pace): Riegel's race speed, distance ** -0.06, relative to 10 km.
ZONE_FACTORS = {"5k": 2**0.06, "10k": 1.0, "HM": 2.10975**-0.06, "M": 4.2195**-0.06}

RunMeaning = tuple[float | None, float | None, IntensityTarget]


@st.composite
def run_blocks(draw: st.DrawFn) -> tuple[str, RunMeaning]:
    """A run's block: a time or a distance, and a pace, a ramp of paces, a free run or a walk."""
    if draw(st.booleans()):
        length, seconds = draw(durations())
        meaning_time: float | None = float(seconds)
        metres: float | None = None
    else:
        metres = float(draw(st.integers(min_value=1, max_value=50)) * 100)
        meaning_time = None
        length = f"{metres / 1000:g} km" if metres >= 1000 and draw(st.booleans()) else f"{metres:g} m"
    kind = draw(st.sampled_from(["steady", "ramp", "free", "walk"]))
    zone = draw(st.sampled_from(sorted(ZONE_FACTORS)))
    pace = f"% of {zone} pace"
    target: IntensityTarget
    if kind == "free":
        target, text = FreeTarget(), f"{length} free run"
    elif kind == "walk":
        target, text = FreeTarget(), f"{length} No Incline Walk"
    else:
        factor = ZONE_FACTORS[zone]
        a = draw(values(130))
        if kind == "steady":
            target = run_pct(round(a * factor, 2))
            text = f"{length} @ {a:g}{pace}"
        else:
            b = draw(values(130).filter(lambda v: round(v * factor, 2) != round(a * factor, 2)))
            target = RampTarget(start=round(a * factor, 2), end=round(b * factor, 2), of="threshold_speed")
            text = f"{length} from {a:g} to {b:g}{pace}"
    return text, (meaning_time, metres, target)


def run_flat(workout: Workout) -> list[RunMeaning]:
    out: list[RunMeaning] = []
    for segment in workout.timeline():
        s = segment.step
        assert s.target is not None
        duration = None if s.duration_s is None else float(s.duration_s)
        out.append((duration, s.distance_m, s.target.model_copy(update={"span": None})))
    return out


RUN_BARS = st.tuples(st.integers(min_value=1, max_value=4), st.lists(run_blocks(), min_size=1, max_size=3))


@given(st.lists(RUN_BARS, min_size=1, max_size=6))
def test_a_random_run_imports_to_its_numbers(bars: list[tuple[int, list[tuple[str, RunMeaning]]]]) -> None:
    lines_ = []
    expected: list[RunMeaning] = []
    for count, parts in bars:
        texts = [t for t, _ in parts]
        lines_.append((f"{count}x " if len(parts) > 1 else "") + ", ".join(texts))
        expected += [m for _, m in parts] * (count if len(parts) > 1 else 1)
    assume(sum(t or 0 for t, _, _ in expected) <= MAX_DURATION_S)
    workout, diagnostics = read("\n".join(lines_) + "\n")
    assert workout is not None and workout.meta.sport == "run", [d.short() for d in diagnostics]
    assert {d.code for d in diagnostics} <= {"W585"}
    assert run_flat(workout) == expected
    assert run_flat(nmdsl.parse(nmdsl.write(workout))) == expected


# -- through the CLI and the library ------------------------------------------------------


def test_cli_imports_a_pasted_page_from_stdin() -> None:
    from click.testing import CliRunner

    from nmdsl.cli import main

    page = "Sprint Primer\n15min free ride\n6x 8sec @ MAX, 2min 52sec @ 50% FTP\nZone distribution\n"
    result = CliRunner().invoke(main, ["import", "--from", "woz", "-"], input=page)
    assert result.exit_code == 0, result.output
    assert result.stdout == "name: Sprint Primer\n\n15m free\n6x 8s max / 2m52s @50%\n"
    assert "<stdin>:4:1: warning[W580]" in result.stderr


def test_cli_imports_a_saved_page_next_to_it_and_names_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nmdsl.cli import main

    page = tmp_path / "page.txt"
    page.write_text("10min @ 65% FTP\n3x 5min @ 95% FTP, 2min @ 50% FTP\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--from", "woz", str(page), "--name", "Sweet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "page.nm").read_text(encoding="utf-8") == (
        "name: Sweet\n\n10m @65%\n3x 5m @95% / 2m @50%\n"
    )
    # A .txt is never taken for whatsonzwift (nor intervals.icu) without --from.
    refused = CliRunner().invoke(main, ["import", str(tmp_path / "page.txt"), "-o", "-"])
    assert refused.exit_code == 1 and "--from" in refused.stderr


def test_library_import_text_reads_woz() -> None:
    w = nmdsl.import_text("1hr free ride\n8sec @ MAX\n", "woz").workout
    assert w is not None
    assert [(s.duration_s, type(s.target).__name__) for s in w.steps] == [
        (3600, "FreeTarget"),
        (8, "MaxTarget"),
    ]
