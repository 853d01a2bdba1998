"""The ZWO importer (``nmdsl import FILE.zwo``, ``nmdsl.read``).

* Goldens: ``tests/zwo/import/NAME.zwo`` -> ``NAME.nm`` (what ``nmdsl import
  NAME.zwo -o -`` writes) and ``NAME.err`` (its diagnostics), run from that
  folder so file names are relative.  ``pytest --update-goldens`` rewrites
  them: read every one before committing it.
* Each file's second-by-second timeline (read by the test's own ZWO reader,
  :func:`tests.test_zwo.zwo_samples`) equals the import's, and compiling the
  import back gives the file's timeline again: also for the real files in
  ``../shared/corpus/`` when that folder is there.
* Unsafe and broken input: external entities, entity expansion, deep
  nesting, huge files, malformed XML (file and line), non-UTF-8 files.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.cli import main
from nmdsl.diagnostics import CODES, Report
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.zwo.read import MAX_BYTES, ZwoImporter
from nmdsl.language.writer import write
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    MaxTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    Workout,
)

from .conftest import PATHS
from .test_zwo import assert_same, samples, zwo_samples

HERE = PATHS.tests / "zwo" / "import"
IMPORT_CASES = sorted(HERE.glob("*.zwo"))
#: ../shared beside the repository root (absent in a user's clone).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"


def read(
    data: bytes | str, filename: str = "test.zwo"
) -> tuple[Workout | None, list[tuple[str, int | None]]]:
    """The workout and (code, line) of every diagnostic."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    report = Report(file=filename)
    workout = ZwoImporter().read(raw, report, ReadOptions(filename=filename))
    return workout, [(d.code, d.span.line if d.span else None) for d in report.sorted()]


def zwo(segments: str, header: str = "<name>T</name>") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>{header}<workout>\n{segments}\n'
        '</workout></workout_file>\n'
    )


def only_step(data: str) -> Step:
    workout, diags = read(data)
    assert workout is not None, diags
    (step,) = workout.steps
    assert isinstance(step, Step)
    return step


# -- goldens -------------------------------------------------------------------------------------------------


def test_there_are_goldens() -> None:
    assert len(IMPORT_CASES) >= 4


@pytest.mark.parametrize("source", IMPORT_CASES, ids=lambda p: p.stem)
def test_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["import", source.name, "-o", "-"])
    assert result.exit_code == 0, result.output
    for suffix, actual in ((".nm", result.stdout), (".err", result.stderr)):
        expected = source.with_suffix(suffix)
        if update_goldens:
            expected.write_text(actual, encoding="utf-8")
        assert expected.is_file(), f"{expected} is missing; run pytest --update-goldens and read it"
        assert actual == expected.read_text(encoding="utf-8"), expected.name
    data = source.read_bytes()
    workout = nmdsl.read(source)
    # The file, the import, the written text and the compiled import agree second by second.
    assert_same(zwo_samples(data), samples(workout))
    assert_same(zwo_samples(data), samples(nmdsl.parse(result.stdout)))
    assert_same(zwo_samples(data), zwo_samples(nmdsl.compile(workout, "zwo")))


# -- the real files in ../shared/corpus ----------------------------------------------------------------------


def _corpus() -> list[Path]:
    return sorted(CORPUS.rglob("*.zwo")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("name", ["FTPTest.zwo", "Mayfield.zwo"])
def test_corpus_file(name: str) -> None:
    path = CORPUS / "goldencheetah" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    result = nmdsl.load(path)
    assert result.workout is not None, [d.short() for d in result.diagnostics]
    assert result.diagnostics == []
    data = path.read_bytes()
    assert_same(zwo_samples(data), samples(result.workout))
    assert result.source is not None
    assert_same(zwo_samples(data), samples(nmdsl.parse(result.source)))
    assert_same(zwo_samples(data), zwo_samples(nmdsl.compile(result.workout, "zwo")))


def test_every_corpus_zwo_imports_and_round_trips() -> None:
    files = _corpus()
    if not files:
        pytest.skip(f"{CORPUS} has no .zwo files (../shared is not available here)")
    for path in files:
        workout = nmdsl.read(path)
        assert_same(zwo_samples(path.read_bytes()), samples(workout))
        assert_same(zwo_samples(path.read_bytes()), zwo_samples(nmdsl.compile(workout, "zwo")))


def test_ftp_test_reads_as_zwift_means_it() -> None:
    path = CORPUS / "goldencheetah" / "FTPTest.zwo"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    text = nmdsl.load(path).source
    assert text is not None
    lines = text.splitlines()
    assert lines[0] == "name: FTP Test"
    assert 'warmup 20m ramp 30%-70% "Welcome to the FTP test" at 20s' in text
    assert "3x:\n  20s @80-100%\n  20s @100-120%\n  20s @120-140%\n" in text
    assert lines[-2].startswith('20m free "Bring your power up')  # Freeride ftptest
    assert lines[-1] == "cooldown 10m ramp 70%-30%"


def test_mayfield_reads_as_zwift_means_it() -> None:
    path = CORPUS / "goldencheetah" / "Mayfield.zwo"
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    text = nmdsl.load(path).source
    assert text is not None
    # IntervalsT with PowerOnLow/PowerOnHigh/PowerOffLow/PowerOffHigh.
    assert "2x 1m @140-160% / 30s @50-80%\n" in text
    assert "2x 10s @300% / 1m @60-90%\n" in text


# -- what is read, element by element ------------------------------------------------------------------------


def test_steady() -> None:
    step = only_step(zwo('<SteadyState Duration="300" Power="0.75"/>'))
    assert (step.duration_s, step.target, step.intensity) == (
        300,
        PercentTarget(low_pct=75, high_pct=75),
        "active",
    )
    assert step.span is not None and step.span.line == 3


@pytest.mark.parametrize(
    ("attrs", "low", "high"),
    [
        ('PowerLow="0.88" PowerHigh="0.94"', 88, 94),
        ('PowerLow="0.88"', 88, 88),  # PowerHigh defaults to PowerLow
        ('PowerHigh="0.9"', 90, 90),
        ('Power="0.7" PowerLow="0.5" PowerHigh="0.6"', 70, 70),  # Power wins (Golden Cheetah)
        ('power="0.7"', 70, 70),  # any case
        ('Power="1.1500001"', 115, 115),
        ('Power="0.75449997"', 75.45, 75.45),
    ],
)
def test_power_forms(attrs: str, low: float, high: float) -> None:
    step = only_step(zwo(f'<SteadyState Duration="60" {attrs}/>'))
    assert step.target == PercentTarget(low_pct=low, high_pct=high)


@pytest.mark.parametrize(
    ("tag", "intensity"),
    [("Warmup", "warmup"), ("Cooldown", "cooldown"), ("Ramp", "active"), ("ramp", "active")],
)
def test_ramps(tag: str, intensity: str) -> None:
    step = only_step(zwo(f'<{tag} Duration="600" PowerLow="0.7" PowerHigh="0.4"/>'))
    assert step.target == RampTarget(start=70, end=40)  # PowerLow is the start
    assert step.intensity == intensity
    flat = only_step(zwo(f'<{tag} Duration="600" PowerLow="0.5" PowerHigh="0.5"/>'))
    assert flat.target == PercentTarget(low_pct=50, high_pct=50)
    power = only_step(zwo(f'<{tag} Duration="600" Power="0.5"/>'))
    assert power.target == PercentTarget(low_pct=50, high_pct=50)


@pytest.mark.parametrize("tag", ["FreeRide", "Freeride", "freeride"])
def test_free_ride(tag: str) -> None:
    step = only_step(zwo(f'<{tag} Duration="60" FlatRoad="1" Cadence="90"/>'))
    assert step.target == FreeTarget() and step.cadence == CadenceTarget(low_rpm=90, high_rpm=90)


def test_max_effort() -> None:
    assert only_step(zwo('<MaxEffort Duration="10"/>')).target == MaxTarget()


def test_cadence_forms() -> None:
    step = only_step(zwo('<SteadyState Duration="60" Power="0.8" CadenceLow="85" CadenceHigh="95"/>'))
    assert step.cadence == CadenceTarget(low_rpm=85, high_rpm=95)
    step = only_step(zwo('<SteadyState Duration="60" Power="0.8" Cadence="0"/>'))  # zwo-editor's "none"
    assert step.cadence is None


def test_intervals() -> None:
    workout, diags = read(
        zwo(
            '<IntervalsT Repeat="6" OnDuration="30" OffDuration="30" OnPower="1.5" OffPower="0.5" '
            'Cadence="100" CadenceResting="85"/>'
        )
    )
    assert workout is not None and diags == []
    (rep,) = workout.steps
    assert isinstance(rep, Repeat) and rep.count == 6
    on, off = rep.steps
    assert isinstance(on, Step) and isinstance(off, Step)
    assert (on.intensity, off.intensity) == ("active", "recovery")
    assert on.target == PercentTarget(low_pct=150, high_pct=150) and off.target == PercentTarget(
        low_pct=50, high_pct=50
    )
    assert on.cadence == CadenceTarget(low_rpm=100, high_rpm=100)
    assert off.cadence == CadenceTarget(low_rpm=85, high_rpm=85)
    assert write(workout).endswith("6x 30s @150% 100rpm / 30s @50% 85rpm\n")


def test_intervals_repeat_once_or_missing() -> None:
    workout, _ = read(zwo('<IntervalsT OnDuration="30" OffDuration="30" OnPower="1.5" OffPower="0.5"/>'))
    assert workout is not None and [type(s).__name__ for s in workout.steps] == ["Step", "Step"]


def test_intervals_cues_repeat_into_the_body() -> None:
    workout, diags = read(
        zwo(
            '<IntervalsT Repeat="3" OnDuration="30" OffDuration="60" OnPower="1.5" OffPower="0.5">'
            + "".join(
                f'<textevent timeoffset="{k * 90}" message="On"/><textevent timeoffset="{k * 90 + 40}" '
                'message="Off"/>'
                for k in range(3)
            )
            + "</IntervalsT>"
        )
    )
    assert workout is not None and diags == []
    assert write(workout).endswith('3x 30s @150% "On" / 1m @50% "Off" at 10s\n')


def test_textevent_spellings() -> None:
    step = only_step(
        zwo(
            '<SteadyState Duration="300" Power="0.6"><textevent timeoffset="10" message="a"/>'
            '<TextEvent TimeOffset="20" message="b"/><TextNotification timeOffset="30" text="c"/>'
            '<textevent message="d"/><textevent timeoffset="40" message=""/></SteadyState>'
        )
    )
    assert step.cues == (
        Cue(text="a", offset_s=10),
        Cue(text="b", offset_s=20),
        Cue(text="c", offset_s=30),
        Cue(text="d", offset_s=0),
    )


def test_tags_both_forms() -> None:
    workout, _ = read(
        zwo(
            '<SteadyState Duration="60" Power="0.5"/>',
            '<name>T</name><tags><tag name="A"/><tag>B C</tag><tag name="A"/><tag/></tags>',
        )
    )
    assert workout is not None and workout.meta.tags == ("A", "B C")


def test_name_falls_back_to_the_file_stem() -> None:
    workout, _ = read(zwo('<SteadyState Duration="60" Power="0.5"/>', ""), filename="/x/My ride.zwo")
    assert workout is not None and workout.meta.name == "My ride"


def test_work_then_easier_step_reads_as_recovery() -> None:
    workout, _ = read(zwo(('<MaxEffort Duration="10"/><SteadyState Duration="180" Power="0.5"/>') * 4))
    assert workout is not None and write(workout).endswith("4x 10s max / 3m @50%\n")
    # Harder after easier is two active steps: a block.
    workout, _ = read(
        zwo(('<SteadyState Duration="60" Power="0.5"/><SteadyState Duration="60" Power="1.2"/>') * 3)
    )
    assert workout is not None and write(workout).endswith("3x:\n  1m @50%\n  1m @120%\n")


def test_run() -> None:
    workout, diags = read((HERE / "run.zwo").read_bytes())
    assert workout is not None
    assert workout.meta.sport == "run" and workout.meta.threshold_pace is not None
    assert str(workout.meta.threshold_pace) == "4:10/km"
    assert diags == [("W503", 9)]
    steady = workout.steps[2]
    assert isinstance(steady, Step) and steady.target == PercentTarget(
        low_pct=85, high_pct=85, of="threshold_speed"
    )


def test_run_threshold_in_miles_and_rounded() -> None:
    header = "<sportType>run</sportType><thresholdSecPerKm>{}</thresholdSecPerKm>"
    body = '<SteadyState Duration="60" Power="0.8"/>'
    workout, _ = read(zwo(body, header.format("248.548")))
    assert workout is not None and str(workout.meta.threshold_pace) == "6:40/mi"
    workout, diags = read(zwo(body, header.format("250.3")))
    assert workout is not None and str(workout.meta.threshold_pace) == "4:10/km"
    assert diags == [("W504", 2)]


def test_W504_durations_finer_than_a_millisecond_said_once_per_file() -> None:
    # Single-precision exporters (the INEOS files): nearly every element is a hair off.
    body = "".join(
        f'<SteadyState Duration="{d}" Power="0.5"/>' for d in ("480.00003", "110.00001", "10", "30.000002")
    )
    report = Report(file="t.zwo")
    workout = ZwoImporter().read(zwo(body).encode(), report, ReadOptions(filename="t.zwo"))
    w504 = [d for d in report.sorted() if d.code == "W504"]
    assert workout is not None and len(w504) == 1
    assert w504[0].message == (
        "<SteadyState> Duration='480.00003' is rounded to the millisecond, 480 s; 2 more durations too"
    )
    assert [getattr(s, "duration_s", None) for s in workout.steps] == [480, 110, 10, 30]


def test_a_cue_past_its_block_keeps_its_time_in_a_later_step() -> None:
    # "Four down" at 320 s of a 270 s block (written for a four-interval one):
    # Golden Cheetah shows it 320 s after the block's start, 50 s into the next step.
    body = (
        '<IntervalsT Repeat="3" OnDuration="60" OffDuration="30" OnPower="1" OffPower="0.5">'
        '<textevent timeoffset="0" message="Go"/>'
        '<textevent timeoffset="320" message="Four down"/></IntervalsT>'
        '<SteadyState Duration="60" Power="0.6"><textevent timeoffset="0" message="Easy"/></SteadyState>'
    )
    workout, diags = read(zwo(body))
    assert workout is not None and diags == [("W506", 3)]
    assert write(workout) == (
        'name: T\n\n1m @100% "Go" / 30s @50%\n2x 1m @100% / 30s @50%\n1m @60% "Easy" "Four down" at 50s\n'
    )


def test_a_cue_carried_into_a_repeat_unrolls_it_and_comes_first_at_its_time() -> None:
    body = (
        '<SteadyState Duration="60" Power="0.6"><textevent timeoffset="60" message="Carried"/></SteadyState>'
        '<IntervalsT Repeat="3" OnDuration="30" OffDuration="30" OnPower="1.2" OffPower="0.5">'
        '<textevent timeoffset="0" message="On"/></IntervalsT>'
    )
    workout, diags = read(zwo(body))
    assert workout is not None and diags == [("W506", 3)]
    # The block's cue is at its start; the carried one comes first at that time.
    assert (
        write(workout) == 'name: T\n\n1m @60%\n30s @120% "Carried" "On" / 30s @50%\n2x 30s @120% / 30s @50%\n'
    )


def test_a_loose_cue_inside_a_repeat_unrolls_it() -> None:
    body = (
        '<IntervalsT Repeat="3" OnDuration="30" OffDuration="30" OnPower="1.2" OffPower="0.5"/>'
        '<textevent timeoffset="100" message="Last one"/>'
    )
    workout, diags = read(zwo(body))
    assert workout is not None and diags == []
    # 100 s is 10 s into the second repetition's recovery.
    assert write(workout) == (
        'name: T\n\n30s @120% / 30s @50%\n30s @120% / 30s @50% "Last one" at 10s\n30s @120% / 30s @50%\n'
    )


def test_a_cue_past_the_end_of_the_workout_goes_on_its_last_second() -> None:
    body = (
        '<SteadyState Duration="60" Power="0.6"/><SteadyState Duration="30" Power="1">'
        '<textevent timeoffset="90" message="Late"/></SteadyState>'
    )
    workout, diags = read(zwo(body))
    assert workout is not None and diags == [("W506", 3)]
    assert write(workout).endswith('30s @100% "Late" at 29s\n')


def test_run_pace_zones() -> None:
    def pct(zone: str) -> float:
        step = only_step(
            zwo(f'<SteadyState Duration="60" Power="1.0" pace="{zone}"/>', "<sportType>run</sportType>")
        )
        assert isinstance(step.target, PercentTarget)
        return step.target.low_pct

    # Faster zones are faster than threshold, by Riegel's exponent.
    assert pct("0") > pct("1") > pct("2") == 100 > pct("3") > pct("4")
    workout, diags = read(
        zwo('<SteadyState Duration="60" Power="1.0" pace="8268"/>', "<sportType>run</sportType>")
    )
    assert workout is not None and diags == [("W503", 3)]


def test_bike_ignores_duration_type() -> None:
    step = only_step(zwo('<SteadyState Duration="60" Power="0.8"/>', "<durationType>distance</durationType>"))
    assert step.duration_s == 60 and step.distance_m is None


# -- diagnostics ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # E501: malformed, with the line.
        (
            "<workout_file>\n<workout>\n<SteadyState Duration='60' Power='1'>\n</workout>\n</workout_file>\n",
            [("E501", 4)],
        ),
        ("", [("E501", 1)]),
        ("<workout_file><name>&nbsp;</name><workout/></workout_file>", [("E501", 1)]),  # no entity is defined
        # E504: not a workout nmdsl can read.
        ("<html><body/></html>", [("E504", 1)]),
        ("<workout_file>\n<name>x</name>\n</workout_file>", [("E504", 1)]),
        (zwo('<SteadyState Duration="60" Power="1"/>', "<sportType>swim</sportType>"), [("E504", 2)]),
        # E505: durations.
        (zwo('<SteadyState Power="1"/>'), [("E505", 3)]),
        (zwo('<SteadyState Duration="-60" Power="1"/>'), [("E505", 3)]),
        (zwo('<SteadyState Duration="1 min" Power="1"/>'), [("E505", 3)]),
        (zwo('<IntervalsT Repeat="2" OnDuration="30" OnPower="1" OffPower="0.5"/>'), [("E505", 3)]),
        # E506: values.
        (zwo('<SteadyState Duration="60"/>'), [("E506", 3)]),
        (zwo('<SteadyState Duration="60" Power="high"/>'), [("E506", 3)]),
        (zwo('<SteadyState Duration="60" Power="-0.5"/>'), [("E506", 3)]),
        (zwo('<SteadyState Duration="60" Power="11"/>'), [("E506", 3)]),
        (
            zwo('<IntervalsT Repeat="2.5" OnDuration="30" OffDuration="30" OnPower="1" OffPower="0.5"/>'),
            [("E506", 3)],
        ),
        (
            zwo('<SteadyState Duration="60" Power="1"><textevent timeoffset="x" message="m"/></SteadyState>'),
            [("E506", 3)],
        ),
        (
            zwo(
                '<SteadyState Duration="60" Power="1"/>',
                "<sportType>run</sportType><thresholdSecPerKm>fast</thresholdSecPerKm>",
            ),
            [("E506", 2)],
        ),
        # E507: nothing to import.
        (zwo(""), [("E507", 2)]),
        (zwo('<SteadyState Duration="0" Power="1"/>'), [("W505", 3), ("E507", 2)]),
        # E305 (the language's limit): more than nmdsl would ever unroll.
        (
            zwo('<IntervalsT Repeat="100000" OnDuration="30" OffDuration="30" OnPower="1" OffPower="0.5"/>'),
            [("E305", 3)],
        ),
    ],
)
def test_errors(data: str, expected: list[tuple[str, int]]) -> None:
    workout, diags = read(data)
    assert workout is None
    assert sorted(diags, key=str) == sorted(expected, key=str)


@pytest.mark.parametrize(
    ("body", "expected", "text"),
    [
        # W501: not read.
        (
            '<SteadyState Duration="60" Power="1"/><SolidState Duration="60" Power="1"/>',
            [("W501", 3)],
            "1m @100%",
        ),
        ('<SteadyState Duration="60" Power="1"><cue at="1"/></SteadyState>', [("W501", 3)], "1m @100%"),
        ('<SteadyState Duration="60" Power="1"/>stray', [("W501", 3)], "1m @100%"),
        # W504: fractional seconds.
        ('<SteadyState Duration="30.6" Power="1"/>', [], "30.6s @100%"),  # milliseconds are kept
        ('<SteadyState Duration="30.6004" Power="1"/>', [("W504", 3)], "30.6s @100%"),
        ('<SteadyState Duration="0.0004" Power="1"/>', [("W504", 3)], "0.001s @100%"),
        # W505: zero-length.
        (
            '<SteadyState Duration="60" Power="1"/><SteadyState Duration="0" Power="1"/>',
            [("W505", 3)],
            "1m @100%",
        ),
        (
            '<IntervalsT Repeat="3" OnDuration="30" OffDuration="0" OnPower="1.5" OffPower="0.5"/>',
            [("W505", 3)],
            "3x 30s @150%",
        ),
        # W506: cues moved.
        (
            '<SteadyState Duration="60" Power="1"><textevent timeoffset="90" message="m"/></SteadyState>',
            [("W506", 3)],
            '1m @100% "m" at 59s',
        ),
        (
            '<SteadyState Duration="60" Power="1"><textevent distoffset="90" message="m"/></SteadyState>',
            [("W506", 3)],
            '1m @100% "m"',
        ),
        (
            '<SteadyState Duration="60" Power="1"/><textevent timeoffset="90" message="m"/>',
            [("W506", 3)],
            "1m @100%",
        ),
        (
            (
                '<IntervalsT Repeat="2" OnDuration="30" OffDuration="30" OnPower="1.5" OffPower="0.5">'
                '<textevent timeoffset="500" message="m"/></IntervalsT>'
            ),
            [("W506", 3)],
            '30s @150% / 30s @50%\n30s @150% / 30s @50% "m" at 29s',
        ),
        # W507: what nmdsl cannot say.
        ('<SteadyState Duration="60" Power="0"/>', [("W507", 3)], "1m free"),
        # W508: a Cooldown that rises (Golden Cheetah rides it falling).
        (
            '<Cooldown Duration="180" PowerLow=".3" PowerHigh=".45"/>',
            [("W508", 3)],
            "cooldown 3m ramp 30%-45%",
        ),
        ('<Cooldown Duration="180" PowerLow=".45" PowerHigh=".3"/>', [], "cooldown 3m ramp 45%-30%"),
        ('<SteadyState Duration="60" PowerLow="0.9" PowerHigh="0.8"/>', [("W507", 3)], "1m @80-90%"),
        ('<SteadyState Duration="60" PowerLow="0" PowerHigh="0.8"/>', [("W507", 3)], "1m @1-80%"),
        ('<SteadyState Duration="60" Power="0.8" Cadence="250"/>', [("W507", 3)], "1m @80%"),
    ],
)
def test_warnings(body: str, expected: list[tuple[str, int]], text: str) -> None:
    workout, diags = read(zwo(body))
    assert diags == expected
    assert workout is not None
    assert write(workout) == f"name: T\n\n{text}\n"


def test_quiet_header_elements() -> None:
    header = (
        "<name>T</name><category>c</category><categoryIndex>1</categoryIndex><ShowCP20>1</ShowCP20>"
        "<subcategory>s</subcategory><uniqueId>u</uniqueId>"
    )
    assert read(zwo('<SteadyState Duration="60" Power="1"/>', header))[1] == []
    assert read(zwo('<SteadyState Duration="60" Power="1"/>', "<ftpOverride>200</ftpOverride>"))[1] == [
        ("W501", 2)
    ]


def test_every_importer_code_is_triggered_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    mine = sorted(c for c in CODES if c.startswith(("E50", "W50", "E51", "W51")))
    assert mine and all(f'"{c}"' in source for c in mine), mine


# -- encodings -----------------------------------------------------------------------------------------------


def test_cp1252_with_a_warning() -> None:
    data = zwo(
        '<SteadyState Duration="60" Power="1">'
        '<textevent timeoffset="0" message="Allez, vite !"/></SteadyState>',
        "<name>Côte</name>",
    ).encode("cp1252")
    workout, diags = read(data)
    assert workout is not None and workout.meta.name == "Côte"
    assert diags == [("W502", 2)]


def test_declared_latin1_without_warning() -> None:
    data = (
        zwo('<SteadyState Duration="60" Power="1"/>', "<name>Côte</name>")
        .replace("UTF-8", "ISO-8859-1")
        .encode("latin-1")
    )
    workout, diags = read(data)
    assert workout is not None and workout.meta.name == "Côte" and diags == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom(encoding: str) -> None:
    data = zwo('<SteadyState Duration="60" Power="1"/>', "<name>Côte</name>").encode(encoding)
    workout, diags = read(data)
    assert workout is not None and workout.meta.name == "Côte" and diags == []


# -- safety --------------------------------------------------------------------------------------------------


XXE = """<?xml version="1.0"?>
<!DOCTYPE workout_file [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<workout_file><name>&xxe;</name><workout><SteadyState Duration="60" Power="1"/></workout></workout_file>
"""

REMOTE = """<?xml version="1.0"?>
<!DOCTYPE workout_file SYSTEM "http://127.0.0.1:9/evil.dtd">
<workout_file><workout><SteadyState Duration="60" Power="1"/></workout></workout_file>
"""

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
    )
    + "]>\n<workout_file><name>&lol9;</name><workout/></workout_file>\n"
)


@pytest.mark.parametrize(
    "data", [XXE, REMOTE, LAUGHS], ids=["external-entity", "remote-dtd", "billion-laughs"]
)
def test_document_types_are_refused(data: str) -> None:
    workout, diags = read(data)
    assert workout is None and diags == [("E502", 2)]


def test_entities_are_never_resolved_even_past_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Defence in depth: with the DOCTYPE check disabled, the parser itself
    # still neither reads the file nor expands the entity.
    import nmdsl.formats.zwo.read as module

    class Never:
        def search(self, text: str) -> None:
            return None

    monkeypatch.setattr(module, "_UNSAFE", Never())
    workout, _ = read(XXE)
    assert workout is not None and workout.meta.name == "test"  # the entity stays unexpanded: no name
    workout, _ = read(LAUGHS)
    assert workout is None or len(workout.meta.name or "") < 100


def test_deep_nesting_is_refused() -> None:
    inner = "<a>" * 20 + "</a>" * 20
    workout, diags = read(zwo(f'<SteadyState Duration="60" Power="1">{inner}</SteadyState>'))
    assert workout is None and [c for c, _ in diags] == ["E503"]
    inner = "<a>" * 5000 + "</a>" * 5000
    workout, diags = read(zwo(f'<SteadyState Duration="60" Power="1">{inner}</SteadyState>'))
    assert workout is None and [c for c, _ in diags] == ["E503"]


def test_huge_file_is_refused_before_parsing() -> None:
    data = b"<workout_file>" + b" " * MAX_BYTES + b"</workout_file>"
    workout, diags = read(data)
    assert workout is None and diags == [("E503", None)]


# -- library and CLI -----------------------------------------------------------------------------------------


def test_read_and_load(tmp_path: Path) -> None:
    path = tmp_path / "w.zwo"
    path.write_text(zwo('<SteadyState Duration="60" Power="1"/><Bogus/>'), encoding="utf-8")
    workout = nmdsl.read(path)
    (step,) = workout.steps
    assert isinstance(step, Step) and step.duration_s == 60
    result = nmdsl.load(path)
    assert result.source == "name: T\n\n1m @100%\n"
    assert [d.short() for d in result.diagnostics] == [
        f"{path}:3:1: warning[W501]: <Bogus> is not something nmdsl reads; it is skipped"
    ]
    with pytest.raises(nmdsl.NmdslError):
        nmdsl.read(path, strict=True)


def test_cli_import(tmp_path: Path) -> None:
    path = tmp_path / "w.zwo"
    path.write_text(zwo('<SteadyState Duration="60" Power="1"/>'), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert path.with_suffix(".nm").read_text(encoding="utf-8") == "name: T\n\n1m @100%\n"
    result = CliRunner().invoke(main, ["import", str(path), "-o", "-"])
    assert result.stdout == "name: T\n\n1m @100%\n"


def test_cli_malformed_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.zwo"
    path.write_text("<workout_file>\n<workout>\n<SteadyState Duration='60'>\n</workout>\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(tmp_path / "out.nm")])
    assert result.exit_code == 1
    assert f"{path}:4:" in result.stderr and "error[E501]" in result.stderr
    assert "Opening and ending tag mismatch" in result.stderr
    assert not (tmp_path / "out.nm").exists()


def test_cli_strict_unknown_element(tmp_path: Path) -> None:
    path = tmp_path / "w.zwo"
    path.write_text(zwo('<SteadyState Duration="60" Power="1"/><Bogus/>'), encoding="utf-8")
    ok = CliRunner().invoke(main, ["import", str(path), "-o", "-"])
    assert ok.exit_code == 0 and "warning[W501]" in ok.stderr
    strict = CliRunner().invoke(main, ["import", str(path), "-o", "-", "--strict"])
    assert strict.exit_code == 1 and "error[W501]" in strict.stderr and strict.stdout == ""


def test_imported_text_compiles_back_to_the_same_file() -> None:
    # For nmdsl's own output, importing and compiling again is a fixed point.
    for source in sorted((PATHS.tests / "zwo" / "compile").glob("*.nm")):
        data = nmdsl.compile(nmdsl.parse_file(source), "zwo")
        again = nmdsl.compile(nmdsl.parse(write(ZwoImporter().read(data, Report(), ReadOptions()))), "zwo")  # type: ignore[arg-type]
        assert_same(zwo_samples(data), zwo_samples(again))


def test_step_spans_point_at_the_element() -> None:
    workout, _ = read(zwo('<SteadyState Duration="60" Power="1"/>\n<SteadyState Duration="60" Power="0.5"/>'))
    assert workout is not None
    assert [s.span.line for s in workout.steps if isinstance(s, Step) and s.span] == [3, 4]


def test_free_and_max_carry_no_power() -> None:
    workout, _ = read(zwo('<FreeRide Duration="60" Power="0.5"/><MaxEffort Duration="10" Cadence="100"/>'))
    assert workout is not None
    assert [s.target for s in workout.steps if isinstance(s, Step)] == [FreeTarget(), MaxTarget()]


# -- fuzzing: any file gives diagnostics or a workout whose text parses back ---------------------------------

_BAD = st.sampled_from(["0", "-1", "abc", "", "1e3", "nan", "0.0", "2.5"])
_KINDS = {
    "duration": st.sampled_from(["30", "60", "90.5", "600", "1"]),
    "power": st.sampled_from(["1", "0.5", "1.15", "0.75449997", "3.0", "0.55"]),
    "cadence": st.sampled_from(["90", "100", "0", "250"]),
    "count": st.sampled_from(["1", "3", "10"]),
    "pace": st.sampled_from(["0", "1", "2", "4", "9"]),
}
_ATTRS = {
    "Duration": "duration",
    "OnDuration": "duration",
    "OffDuration": "duration",
    "timeoffset": "duration",
    "Power": "power",
    "PowerLow": "power",
    "PowerHigh": "power",
    "OnPower": "power",
    "OffPower": "power",
    "PowerOnLow": "power",
    "PowerOffHigh": "power",
    "Cadence": "cadence",
    "CadenceLow": "cadence",
    "CadenceHigh": "cadence",
    "CadenceResting": "cadence",
    "Repeat": "count",
    "pace": "pace",
}
_TAGS = st.sampled_from(
    [
        "SteadyState",
        "Warmup",
        "Cooldown",
        "Ramp",
        "IntervalsT",
        "FreeRide",
        "Freeride",
        "MaxEffort",
        "textevent",
        "SolidState",
        "gameplayevent",
    ]
)
_TEXT = st.text(alphabet="ab #\"'<>&,é\t\n:", max_size=12)


def _value(draw: st.DrawFn, name: str) -> str:
    return draw(_BAD) if draw(st.integers(0, 19)) == 0 else draw(_KINDS[_ATTRS[name]])


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_TAGS)
    names = draw(st.lists(st.sampled_from(sorted(_ATTRS)), max_size=4, unique=True))
    if tag == "IntervalsT":
        names += ["OnDuration", "OffDuration", "OnPower", "OffPower"]
    elif draw(st.integers(0, 9)):
        names += ["Duration", "Power"]
    attrs = {n: _value(draw, n) for n in names}
    text = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    children = ""
    if depth == 0 and draw(st.booleans()):
        children = "".join(
            f"<textevent timeoffset={quoteattr(_value(draw, 'timeoffset'))} "
            f"message={quoteattr(draw(_TEXT))}/>"
            for _ in range(draw(st.integers(0, 3)))
        )
    return f"<{tag}{text}>{children}</{tag}>"


@st.composite
def _file(draw: st.DrawFn) -> str:
    header = "".join(
        f"<{k}>{escape(draw(_TEXT))}</{k}>"
        for k in draw(st.lists(st.sampled_from(["name", "author", "description"]), unique=True))
    )
    if draw(st.booleans()):
        header += f"<sportType>{draw(st.sampled_from(['bike', 'run', 'swim', '']))}</sportType>"
    if draw(st.booleans()):
        header += "<tags>" + "".join(f"<tag name={quoteattr(draw(_TEXT))}/>" for _ in range(2)) + "</tags>"
    body = "\n".join(draw(st.lists(_element(), max_size=6)))
    return zwo(body, header)


@given(_file())
def test_any_file_imports_or_explains(data: str) -> None:
    workout, diags = read(data)
    if workout is None:
        assert any(code.startswith("E") for code, _ in diags), diags
        return
    text = write(workout)
    again = nmdsl.parse(text)  # the written text is valid nmdsl
    assert_same(samples(workout), samples(again))
    # ... and compiles to a file with the same timeline.
    assert_same(samples(workout), zwo_samples(nmdsl.compile(workout, "zwo")))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    workout, diags = read(data)
    assert workout is not None or diags


def test_what_the_text_cannot_say_is_adjusted() -> None:
    # nmdsl's cadence targets are for bikes: dropped on a run (W507).
    workout, diags = read(
        zwo('<SteadyState Duration="60" Power="0.8" Cadence="180"/>', "<sportType>run</sportType>")
    )
    assert workout is not None and diags == [("W507", 3)]
    # Tags are comma-separated; a value of nothing but quotes reads back empty.
    workout, diags = read(
        zwo(
            '<SteadyState Duration="60" Power="0.8"/>',
            '<name>""</name><tags><tag name="a,b"/><tag name=\'""\'/></tags>',
        )
    )
    assert workout is not None and diags == []
    assert workout.meta.tags == ("a b",) and workout.meta.name == "test"
    nmdsl.parse(write(workout))


def test_too_many_segments_are_refused_quickly() -> None:
    import time

    body = "\n".join(f'<SteadyState Duration="1" Power="0.{i % 9 + 1}"/>' for i in range(50_000))
    start = time.perf_counter()
    workout, diags = read(zwo(body))
    assert workout is None and diags == [("E305", 3 + 10_000)]
    assert time.perf_counter() - start < 5  # refused before building 50,000 steps (about 0.3 s)
