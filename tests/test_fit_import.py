"""The FIT importer (``nmdsl import FILE.fit``).

* Garmin's sample workout files (``../shared/corpus/fit``; skipped when absent).
* Round trips: for generated sessions S, ``import(compile(S))`` has S's
  timeline (same amounts, targets, intensities, drills, cues), and the text
  ``nmdsl import`` writes checks and reads back the same.
* Hostile files, each built here with nmdsl's own codec: cut short, bad
  header or file CRC, an activity instead of a workout, random bytes, repeat
  steps pointing forward, at themselves or into another repeat, absurd
  counts, a data size larger than the file.  Each is a clear error, read in
  bounded time and memory, and ``nmdsl import`` writes nothing.
* Every importer diagnostic code is triggered here.
"""

from __future__ import annotations

import math
import os
import re
import struct
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.cli import main
from nmdsl.diagnostics import Diagnostic, Report
from nmdsl.formats.base import EmitOptions, ReadOptions
from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit import read as fit_importer
from nmdsl.formats.fit.read import FitImporter
from nmdsl.formats.fit.write import FitBackend
from nmdsl.language.writer import write
from nmdsl.model import (
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    IntensityTarget,
    LapEnd,
    MaxTarget,
    Metadata,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
)

from .test_fit import COMPILE_CASES, examples, heart_rate_slot
from .test_fit_samples import garmin_steps
from .test_fit_strategies import workouts

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "fit"


def read(data: bytes, filename: str = "x.fit") -> tuple[Workout | None, list[Diagnostic]]:
    report = Report(file=filename)
    workout = FitImporter().read(data, report, ReadOptions(filename=filename))
    return workout, report.items


def codes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return sorted(d.code for d in diagnostics)


def compile_fit(workout: Workout) -> bytes:
    report = Report()
    data = FitBackend().emit(workout, report, EmitOptions())
    assert not report.has_errors
    return data


# -- comparing timelines ------------------------------------------------------------------------------------


def _target(t: IntensityTarget | None, meta: Metadata) -> tuple[Any, ...] | None:
    threshold = meta.threshold_pace
    match t:
        case None:
            return None
        case ZoneTarget():
            return ("zone", t.zone)
        case PercentTarget(of="ftp"):
            return ("%", t.low_pct, t.high_pct)
        case PercentTarget():
            assert threshold is not None
            v = threshold.speed_mps
            return ("speed", v * t.low_pct / 100, v * t.high_pct / 100)
        case WattsTarget():
            return ("W", t.low_w, t.high_w)
        case PaceTarget():
            return ("speed", t.slow.speed_mps, t.fast.speed_mps)
        case RampTarget():
            return ("ramp", t.unit, t.of, t.start, t.end)
        case MaxTarget():
            return ("max",)
        case FreeTarget():
            return ("free",)
        case PeakPercentTarget(of="pmax"):
            # FIT has no share of peak power: whole watts, and watts they come back as.
            assert meta.pmax_w is not None
            return ("W", *(int(meta.pmax_w * p / 100 + 0.5) for p in (t.low_pct, t.high_pct)))
        case PeakPercentTarget():
            assert meta.vmax is not None
            v = meta.vmax.speed_mps
            return ("speed", v * t.low_pct / 100, v * t.high_pct / 100)
    raise AssertionError(t)


def timeline(workout: Workout, *, intensity: bool = True, drill: bool = True) -> list[tuple[Any, ...]]:
    """What each step of the timeline asks for; speeds as floats (compared with a tolerance).

    Heart rate as FIT has it (a zone, % of max HR, bpm: %lthr is its bpm).
    An estimate (~D) is not compared: FIT does not carry it.
    """
    out = []
    for seg in workout.timeline():
        s = seg.step
        amount: tuple[Any, ...]
        if s.duration_s is not None:
            amount = ("s", s.duration_s)
        elif s.distance_m is not None:
            amount = ("m", round(s.distance_m, 2))
        elif isinstance(s.until, HeartRateEnd):
            amount = ("until", s.until.below, s.until.bpm)
        else:
            assert isinstance(s.until, LapEnd)
            amount = ("lap",)
        out.append((
            amount,
            s.intensity if intensity else None,
            _target(s.target, workout.meta),
            (s.cadence.low_rpm, s.cadence.high_rpm) if s.cadence else None,
            heart_rate_slot(s, workout.meta),
            s.drill if drill else None,
            tuple(sorted((c.offset_s, c.text) for c in s.cues)),
        ))
    return out


def same(a: Any, b: Any) -> bool:
    """Equal, with floats within 0.5% (a pace is whole seconds per km or mile)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=5e-3)
        )
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def assert_same_timeline(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> None:
    assert len(a) == len(b)
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        assert same(x, y), f"segment {i}: {x} != {y}"


# -- round trips --------------------------------------------------------------------------------------------


@given(workouts())
def test_round_trip_generated_sessions(workout: Workout) -> None:
    data = compile_fit(workout)
    imported, diagnostics = read(data)
    assert imported is not None, [d.short() for d in diagnostics]
    assert not [d for d in diagnostics if d.is_error]
    assert_same_timeline(timeline(imported), timeline(workout))
    assert imported.meta.sport == workout.meta.sport and imported.meta.name == workout.meta.name
    assert set(codes(diagnostics)) <= {"W548", "W550"}
    if workout.meta.sport == "bike":
        # Nothing to round (paces are whole seconds): the same file, byte for byte.
        assert compile_fit(imported) == data
    # The text nmdsl import writes checks, and means the same (the writer
    # cannot put a lone recovery or a warmup drill back: intensity and drill
    # are compared above, on the model).
    if "W548" in codes(diagnostics):
        return
    result = nmdsl.check(write(imported))
    assert result.workout is not None, [d.short() for d in result.diagnostics]
    assert_same_timeline(
        timeline(result.workout, intensity=False, drill=False),
        timeline(imported, intensity=False, drill=False),
    )


def _sources() -> list[Path]:
    return examples() + COMPILE_CASES


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_round_trip_examples_and_goldens(path: Path) -> None:
    workout = nmdsl.parse_file(path)
    imported, diagnostics = read(compile_fit(workout))
    assert imported is not None
    expected = {"W549"} if any(isinstance(s.step.target, RampTarget) and workout.meta.sport == "run"
                               for s in workout.timeline()) else set()
    assert set(codes(diagnostics)) <= expected | {"W548", "W550"}
    if not expected:
        assert_same_timeline(timeline(imported), timeline(workout))
    text = write(imported)
    assert nmdsl.check(text).ok or "W548" in codes(diagnostics)


def test_import_of_an_example_reads_like_its_source() -> None:
    workout = nmdsl.parse(
        'name: 30/30s\nftp: 250\nwarmup 10m ramp 45%-70%\n3x:\n'
        '  10x 30s @120-130% 95-105rpm "On!" / 30s @50%\n  5m @50%\n6x sprint 10s\n'
    )
    imported, _ = read(compile_fit(workout))
    assert imported is not None
    assert write(imported) == (
        "name: 30/30s\n\n"
        "warmup 10m ramp 45%-70%\n"
        "3x:\n"
        "  10x 30s @120-130% 95-105rpm \"On!\" / 30s @50%\n"
        "  5m @50%\n"
        "6x sprint 10s\n"
    )


def test_run_ramp_comes_back_as_steps_W549() -> None:
    workout = nmdsl.parse("sport: run\nthreshold-pace: 4:00/km\n5m ramp 80%-120%\n")
    imported, diagnostics = read(compile_fit(workout))
    assert imported is not None and codes(diagnostics) == ["W549"]
    assert [type(s.target) for s in imported.steps] == [PaceTarget] * 5
    assert sum(s.duration_s or 0 for s in imported.steps if isinstance(s, Step)) == 300


# -- Garmin's sample files ----------------------------------------------------------------------------------

CORPUS_EXPECTED = {
    "WorkoutIndividualSteps.fit": (
        ('name: Example 1\n\nwarmup 1m @Z2hr "_A_"\n500mtr @Z5 "B1_"\n500mtr @Z3 "B2_"\n'
         'cooldown until <125bpm @Z1 "_C_"\n'),
        [],
    ),
    "WorkoutCustomTargetValues.fit": (
        ('name: Example 1\nmax-hr: 190\n\nwarmup 1m @50-60%maxhr "_A_"\n500mtr @300-310W "B1_"\n'
         '500mtr @260-270W "B2_"\ncooldown until <125bpm @220-230W "_C_"\n'),
        ["W550"],
    ),
    "WorkoutRepeatSteps.fit": (
        ('name: Example 2\n\nwarmup 1m @Z2hr "_A_"\n3x:\n  500mtr @Z5 "B1_"\n  500mtr @Z3 "B2_"\n'
         'cooldown until <125bpm @Z1 "_C_"\n'),
        ["W540"],
    ),
    "WorkoutRepeatGreaterThanStep.fit": (
        ('name: Example 2\nmax-hr: 190\n\nwarmup 1m @Z2hr "_A_"\nuntil >80%maxhr:\n'
         '  500mtr @Z5 "B1_"\n'
         '  500mtr @Z3 "B2_"\ncooldown until <125bpm @Z1 "_C_"\n'),
        ["W540", "W550"],
    ),
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_garmin_sample_files(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    workout, diagnostics = read(path.read_bytes(), str(path))
    assert workout is not None
    text, expected_codes = CORPUS_EXPECTED[name]
    assert write(workout) == text
    assert codes(diagnostics) == expected_codes
    assert nmdsl.check(text).ok, "the imported text checks"


def test_sample_repeat_file_declares_one_step_too_few() -> None:
    path = CORPUS / "WorkoutRepeatSteps.fit"
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not available here)")
    decoded = fc.decode_file(path.read_bytes())
    steps = [m for m in decoded.messages if m.number == fc.Mesg.WORKOUT_STEP]
    workout = next(m for m in decoded.messages if m.number == fc.Mesg.WORKOUT)
    assert workout.fields[6] == len(steps) - 1 == 4
    _, diagnostics = read(path.read_bytes())
    w540 = [d for d in diagnostics if d.code == "W540"]
    assert w540 and "all 5 are read" in w540[0].message


# -- building FIT files by hand -----------------------------------------------------------------------------

STEP_TYPES = {
    254: fc.UINT16,
    0: fc.STRING,
    1: fc.ENUM,
    2: fc.UINT32,
    3: fc.ENUM,
    4: fc.UINT32,
    5: fc.UINT32,
    6: fc.UINT32,
    7: fc.ENUM,
    8: fc.STRING,
    19: fc.ENUM,
    20: fc.UINT32,
    21: fc.UINT32,
    22: fc.UINT32,
}


def step(**fields: int | str) -> dict[int, int | str]:
    """A workout_step by field name: step(duration_type=0, duration_value=60000, ...)."""
    return {fit_field(name): value for name, value in fields.items()}


def fit_field(name: str) -> int:
    return {v: k for k, v in fc.FIELD_NAMES[fc.Mesg.WORKOUT_STEP].items()}[name]


def timed(seconds: int = 60, **more: int | str) -> dict[int, int | str]:
    return step(duration_type=0, duration_value=seconds * 1000, target_type=2, **more)


def repeat(first: int, count: int, duration_type: int = 6) -> dict[int, int | str]:
    return step(duration_type=duration_type, duration_value=first, target_value=count)


def make_fit(
    steps: Sequence[dict[int, int | str]],
    *,
    file_type: int = 5,
    sport: int | None = 2,
    num_valid: int | None = None,
    indexes: bool = True,
) -> bytes:
    messages = [fc.Message(fc.Mesg.FILE_ID, (fc.Field(0, fc.ENUM, file_type), fc.Field(3, fc.UINT32Z, 1)))]
    workout = [
        fc.Field(6, fc.UINT16, len(steps) if num_valid is None else num_valid),
        fc.Field(8, fc.STRING, "T"),
    ]
    if sport is not None:
        workout.append(fc.Field(4, fc.ENUM, sport))
    messages.append(fc.Message(fc.Mesg.WORKOUT, tuple(workout)))
    for i, s in enumerate(steps):
        fields = dict(s)
        if indexes:
            fields.setdefault(254, i)
        messages.append(fc.Message(
            fc.Mesg.WORKOUT_STEP, tuple(fc.Field(n, STEP_TYPES[n], v) for n, v in sorted(fields.items()))
        ))
    return fc.encode_file(messages)


def with_crcs(data: bytearray) -> bytes:
    """Recompute both CRCs after editing a file (so the edit reaches the parser)."""
    data[12:14] = struct.pack("<H", fc.crc16(data[:12]))
    end = data[0] + struct.unpack_from("<I", data, 4)[0]
    data[end : end + 2] = struct.pack("<H", fc.crc16(data[:end]))
    return bytes(data)


def activity() -> bytes:
    """A small activity file (file type 4: records, a session), built with nmdsl's codec."""
    start = 1_000_000_000
    messages = [fc.Message(fc.Mesg.FILE_ID, (fc.Field(0, fc.ENUM, 4), fc.Field(1, fc.UINT16, 1),
                                             fc.Field(3, fc.UINT32Z, 42), fc.Field(4, fc.UINT32, start)))]
    for t in range(30):
        messages.append(fc.Message(fc.Mesg.RECORD, (
            fc.Field(253, fc.UINT32, start + t, "timestamp"),
            fc.Field(3, fc.UINT8, 120 + t, "heart_rate"),
            fc.Field(7, fc.UINT16, 200 + 5 * t, "power"),
        )))
    messages.append(
        fc.Message(fc.Mesg.SESSION, (fc.Field(253, fc.UINT32, start + 30), fc.Field(5, fc.ENUM, 2)))
    )
    messages.append(
        fc.Message(fc.Mesg.ACTIVITY, (fc.Field(253, fc.UINT32, start + 30), fc.Field(1, fc.UINT16, 1)))
    )
    return fc.encode_file(messages)


# -- hostile files ------------------------------------------------------------------------------------------

GOOD = make_fit([timed(60), timed(30), repeat(0, 3)])


def expect_error(data: bytes, code: str, words: str = "") -> list[Diagnostic]:
    """Reading fails with ``code`` (and only errors of that code), quickly and in little memory."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        workout, diagnostics = read(data)
    finally:
        elapsed = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert workout is None
    errors = [d for d in diagnostics if d.is_error]
    assert [d.code for d in errors] == [code], [d.short() for d in diagnostics]
    assert words in errors[0].message
    assert elapsed < 5.0 and peak < 64 * 1024 * 1024
    return diagnostics


def test_the_good_file_reads() -> None:
    workout, diagnostics = read(GOOD)
    assert workout is not None and diagnostics == []
    assert isinstance(workout.steps[0], Repeat) and workout.steps[0].count == 3


@pytest.mark.parametrize("cut", [0, 1, 5, 11, 13])
def test_E540_or_E541_cut_inside_the_header(cut: int) -> None:
    expect_error(GOOD[:cut], "E541" if cut > 0 and cut >= 12 else "E540" if cut < 1 else "E541")


@pytest.mark.parametrize("cut", [14, 20, 40, len(GOOD) - 1])
def test_E541_truncated(cut: int) -> None:
    expect_error(GOOD[:cut], "E541", "cut short")


def test_E541_data_size_larger_than_the_file() -> None:
    data = bytearray(GOOD)
    data[4:8] = struct.pack("<I", 0xFFFFFFF0)
    data[12:14] = struct.pack("<H", fc.crc16(data[:12]))
    expect_error(bytes(data), "E541", "4,294,967,280 bytes")


def test_E542_bad_header_crc() -> None:
    data = bytearray(GOOD)
    data[12] ^= 0xFF
    expect_error(bytes(data), "E542", "header CRC")


def test_E542_bad_file_crc() -> None:
    data = bytearray(GOOD)
    data[20] ^= 0x01
    expect_error(bytes(data), "E542", "file CRC")


def test_a_zero_header_crc_means_not_computed() -> None:
    data = bytearray(GOOD)
    data[12:14] = b"\x00\x00"
    end = 14 + struct.unpack_from("<I", data, 4)[0]
    data[end:] = struct.pack("<H", fc.crc16(data[:end]))
    workout, _ = read(bytes(data))
    assert workout is not None


def test_E540_random_bytes() -> None:
    expect_error(os.urandom(4000), "E540")
    expect_error(b"<workout_file/>\n" * 10, "E540", "not a FIT file")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    workout, diagnostics = read(data)
    assert (workout is None) == any(d.is_error for d in diagnostics)


@given(st.data())
def test_damaged_files_with_valid_crcs_never_raise(data: st.DataObject) -> None:
    # Flip bytes inside the records, then fix the CRCs so the damage gets
    # past the checksum and into the record parser and the repeat folding.
    raw = bytearray(make_fit([timed(60, wkt_step_name="ramp 1/2", intensity=2),
                              step(duration_type=0, duration_value=30000, target_type=4, target_value=0,
                                   custom_target_value_low=120, custom_target_value_high=1250),
                              repeat(0, 3), timed(10, notes="at 5s: hi"), repeat(3, 2)]))
    end = 14 + struct.unpack_from("<I", raw, 4)[0]
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(14, end - 1))
        raw[at] = data.draw(st.integers(0, 255))
    workout, diagnostics = read(with_crcs(raw))
    assert (workout is None) == any(d.is_error for d in diagnostics)
    if workout is not None:
        write(workout)  # the writer copes with whatever was read


def test_E543_data_before_its_definition() -> None:
    records = b"\x00\x05"  # a data record for local type 0, never defined
    expect_error(fc.wrap(records), "E543", "before defining it")


def test_E543_record_runs_past_the_end() -> None:
    definition = struct.pack("<BBBHB", 0x40, 0, 0, 0, 1) + struct.pack("<BBB", 0, 200, 0x0D)
    expect_error(fc.wrap(definition + b"\x00" + b"\x01" * 10), "E543", "past the end")


def test_E544_an_activity_is_not_a_workout() -> None:
    data = activity()
    decoded = fc.decode_file(data)
    assert [m.number for m in decoded.messages].count(fc.Mesg.RECORD) == 30
    expect_error(data, "E544", "activity file, not a workout")


def test_E544_no_file_id() -> None:
    data = fc.encode_file(
        [fc.Message(fc.Mesg.WORKOUT_STEP, (fc.Field(1, fc.ENUM, 0), fc.Field(2, fc.UINT32, 1000)))]
    )
    expect_error(data, "E544", "no file_id")


def test_E545_repeat_pointing_forward() -> None:
    expect_error(make_fit([timed(), repeat(2, 3), timed()]), "E545", "a later step")


def test_E545_repeat_pointing_at_itself() -> None:
    expect_error(make_fit([timed(), repeat(1, 3)]), "E545", "itself")


def test_E545_repeat_into_the_middle_of_a_repeat() -> None:
    expect_error(
        make_fit([timed(), timed(), repeat(0, 2), repeat(1, 2)]), "E545", "middle of an earlier repeat"
    )


def test_E545_repeat_to_a_missing_index_zero_count_duplicate_indexes() -> None:
    expect_error(make_fit([timed(), repeat(7, 2)]), "E545", "no step has")
    expect_error(make_fit([timed(), repeat(0, 0)]), "E545", "0 times")
    expect_error(make_fit([timed(message_index=0), timed(message_index=0)]), "E545", "two steps")
    expect_error(make_fit([timed(), step(duration_type=6, target_value=2)]), "E545", "does not say")


def test_repeats_follow_message_index_not_file_position() -> None:
    workout, _ = read(make_fit([timed(60, message_index=10), timed(30, message_index=11), repeat(10, 4)]))
    assert workout is not None and isinstance(workout.steps[0], Repeat) and workout.steps[0].count == 4


@pytest.mark.parametrize("count", [10_001, 0xFFFFFFFE])
def test_E546_absurd_repeat_count(count: int) -> None:
    expect_error(make_fit([timed(1), repeat(0, count)]), "E546", "expand")


def test_E546_nested_counts_multiply() -> None:
    # 1000 x 1000 x 1000 one-second steps: refused without unrolling anything.
    expect_error(make_fit([timed(1), repeat(0, 1000), repeat(0, 1000), repeat(0, 1000)]), "E546")


def test_E546_nested_too_deep() -> None:
    steps = [timed(1)] + [repeat(0, 1) for _ in range(fit_importer.MAX_DEPTH + 1)]
    expect_error(make_fit(steps), "E546", "nest")


def test_E546_too_many_steps_and_too_long() -> None:
    expect_error(make_fit([timed(1)] * (fit_importer.MAX_STEP_MESSAGES + 1)), "E546", "steps")
    expect_error(make_fit([timed(50_000), timed(50_000)]), "E546", "24 hours")
    expect_error(b"\x0e" * (fit_importer.MAX_FILE_BYTES + 1), "E546", "bytes")


def test_E546_too_many_messages() -> None:
    messages = [fc.Message(fc.Mesg.FILE_ID, (fc.Field(0, fc.ENUM, 5),))]
    messages += [fc.Message(fc.Mesg.RECORD, (fc.Field(3, fc.UINT8, 1),))] * (fit_importer.MAX_MESSAGES + 1)
    expect_error(fc.encode_file(messages), "E546", "messages")


def test_E547_no_steps() -> None:
    expect_error(make_fit([]), "E547")


def test_cli_writes_nothing_for_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.fit"
    bad.write_bytes(GOOD[:30])
    result = CliRunner().invoke(main, ["import", str(bad)])
    assert result.exit_code == 1 and "E541" in result.output
    assert not (tmp_path / "bad.nm").exists()
    act = tmp_path / "ride.fit"
    act.write_bytes(activity())
    result = CliRunner().invoke(main, ["import", str(act), "-o", str(tmp_path / "out.nm")])
    assert result.exit_code == 1 and "E544" in result.output
    assert not (tmp_path / "out.nm").exists()


def _hostile() -> dict[str, tuple[bytes, str]]:
    big_header = bytearray(GOOD)
    big_header[4:8] = struct.pack("<I", 10**9)
    big_header[12:14] = struct.pack("<H", fc.crc16(big_header[:12]))
    return {
        "random": (bytes(range(256)) * 4, "E540"),
        "truncated": (GOOD[:-5], "E541"),
        "data-size": (bytes(big_header), "E541"),
        "file-crc": (GOOD[:-1] + bytes([GOOD[-1] ^ 1]), "E542"),
        "activity": (activity(), "E544"),
        "forward": (make_fit([timed(), repeat(2, 3), timed()]), "E545"),
        "itself": (make_fit([timed(), repeat(1, 3)]), "E545"),
        "absurd": (make_fit([timed(1), repeat(0, 0xFFFFFFFE)]), "E546"),
    }


@pytest.mark.parametrize("case", sorted(_hostile()))
def test_cli_writes_nothing_for_any_hostile_file(case: str, tmp_path: Path) -> None:
    data, code = _hostile()[case]
    path = tmp_path / f"{case}.fit"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 1 and f"error[{code}]" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_many_repeats_fold_in_linear_time() -> None:
    steps: list[dict[int, int | str]] = []
    for i in range(4999):
        steps += [timed(1), repeat(2 * i, 1)]
    began = time.perf_counter()
    workout, diagnostics = read(make_fit(steps))
    assert workout is not None and diagnostics == []
    assert time.perf_counter() - began < 5.0


def test_cli_import_writes_nm_next_to_the_file(tmp_path: Path) -> None:
    src = tmp_path / "s.nm"
    src.write_text("name: S\n4x 30s @150% 100rpm / 30s @50%\n", encoding="utf-8")
    runner = CliRunner()
    assert (
        runner.invoke(main, ["compile", str(src), "-f", "fit", "-o", str(tmp_path / "w.fit")]).exit_code == 0
    )
    result = runner.invoke(main, ["import", str(tmp_path / "w.fit")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w.nm").read_text(encoding="utf-8") == "name: S\n\n4x 30s @150% 100rpm / 30s @50%\n"
    assert nmdsl.read(tmp_path / "w.fit") == nmdsl.load(tmp_path / "w.fit").workout


# -- what the model cannot hold: warnings -----------------------------------------------------------------


def expect_warnings(data: bytes, *expected: str) -> Workout:
    workout, diagnostics = read(data)
    assert workout is not None, [d.short() for d in diagnostics]
    assert codes(diagnostics) == sorted(expected), [d.short() for d in diagnostics]
    return workout


def test_W540_num_valid_steps_disagrees() -> None:
    expect_warnings(make_fit([timed(), timed()], num_valid=1), "W540")


def test_lap_heart_rate_ends_and_bike_distances_are_read_as_such() -> None:
    workout = expect_warnings(make_fit([
        step(duration_type=5, target_type=2),
        step(duration_type=2, duration_value=230, target_type=2),
        step(duration_type=3, duration_value=265, target_type=4, target_value=4),
        step(duration_type=1, duration_value=200000, target_type=2),
    ]))
    ends = [(s.until, s.distance_m) for s in workout.steps if isinstance(s, Step)]
    assert ends == [
        (LapEnd(), None),
        (HeartRateEnd(below=True, bpm=130), None),
        (HeartRateEnd(below=False, bpm=165), None),
        (None, 2000.0),
    ]
    assert write(workout) == "name: T\n\nlap free\nuntil <130bpm free\nuntil >165bpm @Z4\n2km free\n"


@pytest.mark.parametrize(("duration_type", "value", "below"), [(3, 90, False), (2, 65, True), (2, 1, True)])
def test_heart_rate_ends_in_percent_of_max_are_read_as_until_maxhr(
    duration_type: int, value: int, below: bool
) -> None:
    # workout_hr: 1-100 is % of max heart rate; the header gets a max-hr to check (W550).
    data = make_fit([step(duration_type=duration_type, duration_value=value, target_type=2)])
    workout = expect_warnings(data, "W550")
    only = workout.steps[0]
    assert isinstance(only, Step) and only.duration_s is None
    assert only.until == HeartRateEnd(below=below, pct=float(value), of="max_hr")
    text = write(workout)
    assert f"until {'<' if below else '>'}{value}%maxhr" in text and nmdsl.check(text).ok
    # ... and written back as FIT wrote it.
    (back,) = garmin_steps(nmdsl.compile(nmdsl.parse(text), "fit"))
    name = "hr_less_than" if below else "hr_greater_than"
    assert (back["duration_type"], back["duration_value"]) == (name, value)


@pytest.mark.parametrize(
    ("duration_type", "value", "cue"),
    [
        (2, 120, "until heart rate is below 20 bpm"),  # below the language's heart rates
        (2, None, "until heart rate is below a heart rate"),
        (4, 300, "until 300 kcal"),
        (15, 1250, "until power is above 250 W"),
        (14, 80, "until power is below 80% FTP"),
        (29, 12, "for 12 reps"),
        (16, 50, "until 'training_peaks_tss'"),
    ],
)
def test_W541_other_end_conditions_are_read_as_the_lap_button_with_a_cue(
    duration_type: int, value: int | None, cue: str
) -> None:
    fields: dict[str, int | str] = {"duration_type": duration_type, "target_type": 2}
    if value is not None:
        fields["duration_value"] = value
    workout = expect_warnings(make_fit([step(**fields)]), "W541")
    only = workout.steps[0]
    assert isinstance(only, Step) and only.until == LapEnd() and only.duration_s is None
    assert [c.text for c in only.cues] == [cue]
    assert nmdsl.check(write(workout)).ok


@pytest.mark.parametrize(
    ("duration_type", "value", "until"),
    [
        (10, 230, HeartRateEnd(below=True, bpm=130)),
        (11, 80, HeartRateEnd(below=False, pct=80.0, of="max_hr")),
    ],
)
def test_repeats_until_a_heart_rate_are_read_as_such(
    duration_type: int, value: int, until: HeartRateEnd
) -> None:
    data = make_fit([timed(60), timed(30), repeat(0, value, duration_type)])
    workout = expect_warnings(data, *(["W550"] if until.pct is not None else []))
    rep = workout.steps[0]
    assert isinstance(rep, Repeat) and rep.count == 1 and rep.block and rep.until == until
    assert nmdsl.check(write(workout)).ok


@pytest.mark.parametrize(
    ("duration_type", "value", "words"),
    [
        (7, 600000, "10m have passed"),
        (8, 500000, "5000 m"),
        (13, 1300, "above 300 W"),
        (12, 90, "below 90% FTP"),
        (9, 500, "500 kcal"),
        (27, 5, "repeat_until_training_peaks_tss"),
    ],
)
def test_W542_conditional_repeats_run_once(duration_type: int, value: int, words: str) -> None:
    workout = expect_warnings(make_fit([timed(60), timed(30), repeat(0, value, duration_type)]), "W542")
    rep = workout.steps[0]
    assert isinstance(rep, Repeat) and rep.count == 1
    first = rep.steps[0]
    assert isinstance(first, Step) and words in first.cues[0].text


def custom(kind: int, low: int, high: int, value: int = 0, secondary: bool = False) -> dict[int, int | str]:
    if secondary:
        return step(duration_type=0, duration_value=60000, target_type=2, secondary_target_type=kind,
                    secondary_target_value=value, secondary_custom_target_value_low=low,
                    secondary_custom_target_value_high=high)
    return step(duration_type=0, duration_value=60000, target_type=kind, target_value=value,
                custom_target_value_low=low, custom_target_value_high=high)


@pytest.mark.parametrize(
    ("sport", "fields"),
    [
        (2, step(duration_type=0, duration_value=60000, target_type=1, target_value=6)),  # HR zone 6
        (2, custom(1, 0, 70)),  # 0% of max HR
        (2, custom(1, 60, 250)),  # % of max HR and bpm in one range
        (2, custom(1, 120, 500)),  # 20-400 bpm: implausible
        (2, custom(4, 0, 50)),  # 0% FTP
        (2, custom(4, 100, 1200)),  # % and watts in one range
        (2, custom(4, 1100, 5000)),  # 4000 W
        (2, step(duration_type=0, duration_value=60000, target_type=4, target_value=9)),  # zone 9
        (2, custom(0, 3000, 4000)),  # speed on a bike
        (2, custom(3, 5, 10)),  # 5-10 rpm
        (2, step(duration_type=0, duration_value=60000, target_type=3, target_value=2)),  # cadence zone
        (2, custom(5, 1, 5)),  # grade
        (1, custom(3, 170, 180)),  # cadence on a run
        (1, custom(4, 100, 120)),  # power on a run
        (1, step(duration_type=0, duration_value=60000, target_type=0, target_value=2)),  # speed zone
        (1, custom(0, 0, 4000)),  # speed 0
        (1, custom(0, 15000, 16000)),  # faster than any human
        (2, step(duration_type=0, duration_value=60000, target_type=4)),  # power without a range
    ],
)
def test_W543_targets_nmdsl_cannot_hold_are_dropped(sport: int, fields: dict[int, int | str]) -> None:
    workout = expect_warnings(make_fit([fields], sport=sport), "W543")
    only = workout.steps[0]
    assert isinstance(only, Step) and isinstance(only.target, FreeTarget)


@pytest.mark.parametrize(("kind", "sport"), [(7, 2), (10, 2), (12, 1), (13, 2)])
def test_W543_averaged_targets_read_plain(kind: int, sport: int) -> None:
    low, high = {7: (200, 250), 10: (1200, 1250), 12: (3000, 3500), 13: (240, 250)}[kind]
    workout = expect_warnings(make_fit([custom(kind, low, high)], sport=sport), "W543")
    only = workout.steps[0]
    assert isinstance(only, Step) and (only.target is not None or only.heart_rate is not None)


def test_W543_two_targets_of_a_kind() -> None:
    fields = custom(4, 100, 120)
    fields.update(custom(4, 1200, 1300, secondary=True))
    fields[3] = 4
    workout = expect_warnings(make_fit([fields]), "W543")
    assert isinstance(workout.steps[0], Step) and workout.steps[0].target == PercentTarget(
        low_pct=100, high_pct=120
    )


def test_zones_are_read_as_zones() -> None:
    # The device's zone n, both ways: nmdsl writes @Zn and @Znhr as FIT zones.
    fields = step(duration_type=0, duration_value=60000, target_type=4, target_value=4,
                  secondary_target_type=1, secondary_target_value=3)
    workout = expect_warnings(make_fit([fields]))
    only = workout.steps[0]
    assert isinstance(only, Step)
    assert only.target == ZoneTarget(zone=4, low_pct=91, high_pct=105)
    assert only.heart_rate == HeartRateZoneTarget(zone=3)
    assert write(workout) == "name: T\n\n1m @Z4 @Z3hr\n"


def test_a_ramp_that_ends_on_the_lap_button_comes_back_with_its_estimate() -> None:
    workout = nmdsl.parse("warmup lap ~10m ramp 45%-70%\nuntil <120bpm ~5m ramp 60%-40%\n")
    data = compile_fit(workout)
    imported, diagnostics = read(data)
    assert imported is not None and codes(diagnostics) == []
    assert write(imported) == (
        "name: nmdsl workout\n\nwarmup lap ~10m ramp 45%-70%\nuntil <120bpm ~5m ramp 60%-40%\n"
    )
    assert compile_fit(imported) == data
    # Without an estimate: one step covering the ramp, so its direction is lost.
    single, _ = read(compile_fit(nmdsl.parse("until <120bpm ramp 60%-40%\n")))
    assert single is not None and write(single).endswith("until <120bpm ramp 40%-60%\n")


def test_W550_percent_of_max_heart_rate_sets_a_max_hr() -> None:
    workout = expect_warnings(make_fit([custom(1, 65, 75), custom(1, 240, 250)]), "W550")
    assert [s.heart_rate for s in workout.steps if isinstance(s, Step)] == [
        HeartRatePercentTarget(low_pct=65, high_pct=75, of="max_hr"),
        HeartRateTarget(low_bpm=140, high_bpm=150),
    ]
    assert workout.meta.max_hr_bpm == fit_importer.PLACEHOLDER_MAX_HR
    text = write(workout)
    assert text.startswith("name: T\nmax-hr: 190\n") and "@65-75%maxhr" in text and nmdsl.check(text).ok


def test_importer_does_not_load_the_parser() -> None:
    # It shares the language's limits (nmdsl.limits) without paying for lark.
    import subprocess
    import sys

    code = "import sys, nmdsl.formats.fit.read; print('lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_W545_a_zero_duration_and_milliseconds_kept() -> None:
    # FIT times are milliseconds: 1.5 s and 16.8 s are kept exactly (no
    # warning); only a zero-length step is changed, with a warning.
    workout = expect_warnings(make_fit([step(duration_type=0, duration_value=1500, target_type=2),
                                        step(duration_type=0, duration_value=16_801, target_type=2),
                                        step(duration_type=0, duration_value=0, target_type=2)]), "W545")
    assert [s.duration_s for s in workout.steps if isinstance(s, Step)] == [1.5, 16.801, 1]
    run = expect_warnings(make_fit([step(duration_type=1, duration_value=0, target_type=2)], sport=1), "W545")
    assert isinstance(run.steps[0], Step) and run.steps[0].distance_m == 0.01


def test_W546_bytes_after_the_file() -> None:
    expect_warnings(GOOD + b"\x00" * 7, "W546")


@pytest.mark.parametrize(("sport", "expected"), [(5, "bike"), (11, "bike"), (0, "bike"), (None, "bike")])
def test_W547_other_sports(sport: int | None, expected: str) -> None:
    data = make_fit([timed()], sport=sport)
    warned = ["W547"] if sport not in (0, None) else []
    assert expect_warnings(data, *warned).meta.sport == expected


def test_sport_is_guessed_from_the_targets() -> None:
    assert expect_warnings(make_fit([custom(0, 3000, 3500)], sport=None)).meta.sport == "run"
    assert expect_warnings(make_fit([custom(4, 100, 120)], sport=None)).meta.sport == "bike"
    data = make_fit([step(duration_type=1, duration_value=40000, target_type=2)], sport=None)
    assert expect_warnings(data).meta.sport == "run"


def test_W548_watts_and_percent_mixed() -> None:
    workout = expect_warnings(make_fit([custom(4, 100, 120), custom(4, 1200, 1250)]), "W548")
    assert not nmdsl.check(write(workout)).ok, "as the warning says, the text needs an ftp"


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (["ramp 2/3"], "not the first stair"),
        (["ramp 1/3", "ramp 2/3"], "do not follow each other"),
        (["ramp 1/2", None], "do not follow each other"),
    ],
)
def test_W549_broken_ramp_names(names: list[str | None], why: str) -> None:
    steps = [custom(4, 50 + 10 * i, 60 + 10 * i) for i in range(len(names))]
    for s, name in zip(steps, names, strict=True):
        if name:
            s[0] = name
    workout, diagnostics = read(make_fit(steps))
    assert workout is not None and "W549" in codes(diagnostics)
    assert any(why in d.message for d in diagnostics)
    assert all(isinstance(s, Step) and isinstance(s.target, PercentTarget) for s in workout.steps)


def test_W549_ramp_stairs_that_differ() -> None:
    a, b = custom(4, 50, 60), custom(4, 60, 70)
    a[0], b[0], b[7] = "ramp 1/2", "ramp 2/2", 3
    _, diagnostics = read(make_fit([a, b]))
    assert codes(diagnostics) == ["W549"] and "differ" in diagnostics[0].message
    a, b = timed(), timed()
    a[0], b[0] = "ramp 1/2", "ramp 2/2"
    workout, diagnostics = read(make_fit([a, b]))
    assert codes(diagnostics) == ["W549"] and "no power target" in diagnostics[0].message
    assert workout is not None and len(workout.steps) == 2


def test_names_and_notes_that_nmdsl_did_not_write_become_cues() -> None:
    fields = timed(600, wkt_step_name="Warm  up", notes="Easy\nat 5m: Harder\nat 20m: too late\nat x: odd")
    workout = expect_warnings(make_fit([fields]))
    only = workout.steps[0]
    assert isinstance(only, Step)
    assert [(c.offset_s, c.text) for c in only.cues] == [
        (0, "Warm up"), (0, "Easy"), (300, "Harder"), (0, "at 20m: too late"), (0, "at x: odd")
    ]
    assert nmdsl.check(write(workout)).ok


def test_labels() -> None:
    sprint = expect_warnings(make_fit([timed(10, wkt_step_name="sprint all-out")])).steps[0]
    assert isinstance(sprint, Step) and sprint.drill == "sprint" and isinstance(sprint.target, MaxTarget)
    free = expect_warnings(make_fit([custom(3, 90, 100) | {0: "free"}])).steps[0]
    assert isinstance(free, Step) and isinstance(free.target, FreeTarget) and free.cadence is not None
    cad = expect_warnings(make_fit([custom(3, 90, 100)])).steps[0]
    assert isinstance(cad, Step) and cad.target is None and cad.cadence is not None
    # spinup is a bike drill: on a run the name is text.
    run = expect_warnings(make_fit([timed(10, wkt_step_name="spinup")], sport=1)).steps[0]
    assert isinstance(run, Step) and run.drill is None and run.cues[0].text == "spinup"
    # The long drills' short names, before a marker (16 bytes: 'standing-start all-out' is 22).
    stand = expect_warnings(make_fit([timed(10, wkt_step_name="stand all-out")])).steps[0]
    assert isinstance(stand, Step) and stand.drill == "standing-start" and isinstance(stand.target, MaxTarget)
    hill = expect_warnings(make_fit([timed(10, wkt_step_name="hill all-out")], sport=1)).steps[0]
    assert isinstance(hill, Step) and hill.drill == "hill-sprint"
    # Alone, a short name is only text.
    alone = expect_warnings(make_fit([timed(10, wkt_step_name="hill")], sport=1)).steps[0]
    assert isinstance(alone, Step) and alone.drill is None and alone.cues[0].text == "hill"


def test_every_fit_code_is_documented_and_triggered_by_a_test() -> None:
    from nmdsl.diagnostics import CODES
    from nmdsl.formats.fit import write as _backend  # noqa: F401  (registers the backend's codes)

    fit_codes = sorted(c for c in CODES if c[1:3] in ("46", "47", "54", "55"))
    assert len(fit_codes) == 27
    here = Path(__file__).resolve().parent
    docs = (here.parent / "docs" / "format-fit.md").read_text(encoding="utf-8")
    tests = "".join(
        (here / name).read_text(encoding="utf-8") for name in ("test_fit.py", "test_fit_import.py")
    )
    for code in fit_codes:
        assert re.search(rf"^#+ {code} — ", docs, re.MULTILINE), (
            f"{code} has no heading in docs/format-fit.md"
        )
        assert re.search(rf"""(["']{code}["']|_{code}_)""", tests), f"no test triggers {code}"
