"""The FIT backend (``-f fit``), checked by real decoders.

* Every file is decoded by Garmin's official SDK (``garmin_fit_sdk``:
  ``is_fit``, ``check_integrity``, ``stream.reset()``, ``read`` without
  errors) and by ``fitdecode``; both must see the same steps.
* :func:`execute` runs the decoded steps the way a device does (a repeat step
  jumps back until its count is reached), independently of nmdsl's importer,
  and :func:`assert_same_session` compares what it yields with the session's
  timeline: the same durations, the same targets, the same intensities.
* Goldens: ``tests/fit/compile/NAME.nm`` -> ``NAME.fit`` (the bytes) and
  ``NAME.fit.json`` (those bytes decoded, readable); ``pytest
  --update-goldens`` rewrites them: read every one before committing it.
* Every example compiles and decodes; every backend diagnostic code is
  triggered here.

The importer, the hostile files and the round trip are in
``test_fit_import.py``; the codec's own tests in ``test_fit_codec.py``.
"""

from __future__ import annotations

import io
import itertools
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import fitdecode  # type: ignore[import-untyped,unused-ignore]
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream  # type: ignore[import-untyped,unused-ignore]
from hypothesis import given

import nmdsl
from nmdsl.cli import main
from nmdsl.diagnostics import Diagnostic, NmdslError, Report
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit.write import DEVICE_STEP_LIMIT, FitBackend
from nmdsl.language.writer import duration as duration_text
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    LapEnd,
    MaxTarget,
    Metadata,
    Pace,
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

from .conftest import PATHS
from .test_fit_strategies import workouts

HERE = PATHS.tests / "fit"
COMPILE_CASES = sorted((HERE / "compile").glob("*.nm"))
STEP_FIELDS = {name: num for num, name in fc.FIELD_NAMES[fc.Mesg.WORKOUT_STEP].items()}
WORKOUT_FIELDS = {name: num for num, name in fc.FIELD_NAMES[fc.Mesg.WORKOUT].items()}
FILE_ID_FIELDS = {name: num for num, name in fc.FIELD_NAMES[fc.Mesg.FILE_ID].items()}


# -- compiling and decoding ------------------------------------------------------------------------------


def emit(workout: Workout | str, options: EmitOptions | None = None) -> tuple[bytes, list[Diagnostic]]:
    """Compile to FIT, keeping the warnings (raises NmdslError on errors)."""
    if isinstance(workout, str):
        workout = nmdsl.parse(workout)
    out = nmdsl.emit(workout, "fit", options=options)
    return out.data, out.diagnostics


def codes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def sdk_messages(data: bytes) -> dict[str, list[dict[int, Any]]]:
    """Decode with Garmin's SDK; fields keyed by number, raw values."""
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit()
    assert decoder.check_integrity()
    # check_integrity leaves the stream at its end.
    stream.reset()
    messages, errors = decoder.read(
        apply_scale_and_offset=False,
        convert_datetimes_to_dates=False,
        convert_types_to_strings=False,
        expand_sub_fields=False,
        expand_components=False,
        merge_heart_rates=False,
    )
    assert errors == []
    names = {
        "file_id_mesgs": FILE_ID_FIELDS,
        "workout_mesgs": WORKOUT_FIELDS,
        "workout_step_mesgs": STEP_FIELDS,
    }
    out: dict[str, list[dict[int, Any]]] = {}
    for key, mesgs in messages.items():
        assert key in names, f"unexpected message {key}"
        out[key.removesuffix("_mesgs")] = [{names[key][k]: v for k, v in m.items()} for m in mesgs]
    return out


def fitdecode_messages(data: bytes) -> dict[str, list[dict[int, Any]]]:
    """Decode with fitdecode (CRC checked, errors raised); fields keyed by number."""
    out: dict[str, list[dict[int, Any]]] = defaultdict(list)
    with fitdecode.FitReader(
        io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.RAISE
    ) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                out[frame.name].append(
                    {f.def_num: f.raw_value for f in frame.fields if f.raw_value is not None}
                )
    return dict(out)


def decode_both(data: bytes) -> dict[str, list[dict[int, Any]]]:
    """Both decoders' view of ``data``, asserting they agree."""
    sdk = sdk_messages(data)
    other = fitdecode_messages(data)
    assert sdk == other
    assert [m[0] for m in sdk["file_id"]] == [fc.FileType.WORKOUT]
    assert len(sdk["workout"]) == 1
    assert sdk["workout"][0][6] == len(sdk["workout_step"]), "num_valid_steps counts every step message"
    assert [s[254] for s in sdk["workout_step"]] == list(range(len(sdk["workout_step"])))
    return sdk


def execute(steps: Sequence[dict[int, Any]]) -> list[dict[int, Any]]:
    """The steps in the order a device runs them: repeat steps jump back.

    A repeat step at position p that points at message_index q with count
    N sends the device back to q until it has been reached N times, then lets
    it through and forgets its count (so an enclosing repeat runs it N times
    again).  Written from the profile's description, not from nmdsl's code.
    """
    by_index = {s[254]: i for i, s in enumerate(steps)}
    done: dict[int, int] = {}
    out: list[dict[int, Any]] = []
    pc = 0
    while pc < len(steps):
        s = steps[pc]
        if s[1] == fc.Duration.REPEAT_UNTIL_STEPS_CMPLT:
            first = by_index[s[2]]
            assert first < pc, "a repeat step points back"
            done[pc] = done.get(pc, 0) + 1
            if done[pc] < s[4]:
                pc = first
                continue
            done[pc] = 0
        else:
            out.append(s)
            assert len(out) <= 20_000
        pc += 1
    return out


# -- what the session asks for, in FIT's terms ------------------------------------------------------------

INTENSITY = {"active": 0, "rest": 1, "warmup": 2, "cooldown": 3, "recovery": 4}


def _mm_s(mps: float) -> int:
    return int(mps * 1000 + 0.5)


#: What a step's target is in FIT: (target_type, low, high) for a custom
#: range, (target_type, "zone", n) for a zone.
Slot = tuple[int, Any, Any]


def intensity_slot(step: Step, meta: Metadata) -> Slot | None:
    """The intensity target's slot; None when FIT has no slot for it."""
    t = step.target
    if isinstance(t, ZoneTarget):
        return (fc.Target.POWER, "zone", t.zone)
    if isinstance(t, PercentTarget) and t.of == "ftp":
        return (fc.Target.POWER, t.low_pct, t.high_pct)
    if isinstance(t, PercentTarget):
        if meta.threshold_pace is None:
            return None
        v = meta.threshold_pace.speed_mps
        return (fc.Target.SPEED, _mm_s(v * t.low_pct / 100), _mm_s(v * t.high_pct / 100))
    if isinstance(t, WattsTarget):
        return (fc.Target.POWER, t.low_w + 1000, t.high_w + 1000)
    if isinstance(t, PaceTarget):
        return (fc.Target.SPEED, _mm_s(t.slow.speed_mps), _mm_s(t.fast.speed_mps))
    if isinstance(t, PeakPercentTarget) and t.of == "pmax" and meta.pmax_w is not None:
        # Whole watts (W461 says so when a share is not one), half up.
        low, high = (int(meta.pmax_w * p / 100 + 0.5) for p in (t.low_pct, t.high_pct))
        return (fc.Target.POWER, low + 1000, high + 1000)
    if isinstance(t, PeakPercentTarget) and t.of == "vmax" and meta.vmax is not None:
        v = meta.vmax.speed_mps
        return (fc.Target.SPEED, _mm_s(v * t.low_pct / 100), _mm_s(v * t.high_pct / 100))
    return None


def heart_rate_slot(step: Step, meta: Metadata) -> Slot | None:
    """Heart rate in FIT: a zone, FIT's 0-100 % of max HR, or bpm + 100 (from lthr: or max-hr:)."""
    h = step.heart_rate
    if h is None:
        return None
    if isinstance(h, HeartRateZoneTarget):
        return (fc.Target.HEART_RATE, "zone", h.zone)
    if isinstance(h, HeartRatePercentTarget) and h.of == "max_hr" and h.high_pct <= 100:
        return (fc.Target.HEART_RATE, round(h.low_pct), round(h.high_pct))
    if isinstance(h, HeartRatePercentTarget):
        base = meta.lthr_bpm if h.of == "lthr" else meta.max_hr_bpm
        assert base is not None
        low, high = int(base * h.low_pct / 100 + 0.5), int(base * h.high_pct / 100 + 0.5)
        return (fc.Target.HEART_RATE, low + 100, high + 100)
    return (fc.Target.HEART_RATE, h.low_bpm + 100, h.high_bpm + 100)


def slots(step: Step, meta: Metadata, intensity: Slot | None) -> list[Slot]:
    out = [] if intensity is None else [intensity]
    if step.cadence is not None:
        out.append((fc.Target.CADENCE, step.cadence.low_rpm, step.cadence.high_rpm))
    hr = heart_rate_slot(step, meta)
    if hr is not None:
        out.append(hr)
    return out[:2]


def _assert_slot(fit: dict[int, Any], fields: tuple[int, int, int, int], expected: Slot) -> None:
    kind, value, low, high = fields
    if expected[1] == "zone":
        assert (fit[kind], fit[value]) == (expected[0], expected[2]), "a zone: target_value is the zone"
        assert low not in fit and high not in fit
    else:
        assert (fit[kind], fit[low], fit[high]) == expected
        assert fit[value] == 0, "target_value 0: a custom range"


def assert_targets(fit: dict[int, Any], expected: list[Slot]) -> None:
    if not expected:
        assert fit[3] == fc.Target.OPEN and 5 not in fit and 19 not in fit
        return
    _assert_slot(fit, (3, 4, 5, 6), expected[0])
    if len(expected) > 1:
        _assert_slot(fit, (19, 20, 21, 22), expected[1])
    else:
        assert 19 not in fit


def assert_amount(fit: dict[int, Any], step: Step) -> None:
    """How the step ends: time (ms), distance (cm), open (no value), heart rate (bpm + 100)."""
    if step.duration_s is not None:
        assert (fit[1], fit[2]) == (fc.Duration.TIME, step.duration_s * 1000)
    elif step.distance_m is not None:
        assert (fit[1], fit[2]) == (fc.Duration.DISTANCE, round(step.distance_m * 100))
    elif isinstance(step.until, LapEnd):
        assert fit[1] == fc.Duration.OPEN and 2 not in fit
    else:
        assert isinstance(step.until, HeartRateEnd)
        kind = fc.Duration.HR_LESS_THAN if step.until.below else fc.Duration.HR_GREATER_THAN
        assert (fit[1], fit[2]) == (kind, step.until.bpm + 100)


def expected_notes(cues: Sequence[Cue]) -> str | None:
    lines = [c.text if not c.offset_s else f"at {duration_text(c.offset_s)}: {c.text}" for c in cues]
    return "\n".join(lines) or None


def expected_name(step: Step, ramp: str | None = None) -> str | None:
    words = [step.drill] if step.drill else []
    if ramp:
        words.append(ramp)
    elif isinstance(step.target, MaxTarget):
        words.append("all-out")
    elif isinstance(step.target, FreeTarget):
        words.append("free")
    # 16 bytes: the long drills take their short names before a marker.
    short = {"standing-start": "stand", "hill-sprint": "hill"}
    if len(words) > 1 and len(" ".join(words)) > 16:
        words[0] = short[words[0]]
    return " ".join(words) or None


def assert_same_session(data: bytes, workout: Workout) -> None:
    """The decoded file asks the athlete for what the session's timeline does."""
    steps = execute(decode_both(data)["workout_step"])
    meta = workout.meta
    i = 0
    for seg in workout.timeline():
        step = seg.step
        if isinstance(step.target, RampTarget):
            i += _assert_ramp(steps[i:], step, meta)
            continue
        fit = steps[i]
        i += 1
        assert_amount(fit, step)
        assert fit[7] == INTENSITY[step.intensity]
        assert_targets(fit, slots(step, meta, intensity_slot(step, meta)))
        assert fit.get(0) == expected_name(step)
        assert fit.get(8) == expected_notes(step.cues)
    assert i == len(steps), "no step left over"


def _assert_ramp(steps: Sequence[dict[int, Any]], step: Step, meta: Metadata) -> int:
    ramp = step.target
    assert isinstance(ramp, RampTarget)
    n = int(steps[0][0].rsplit("/", 1)[1])
    stairs = steps[:n]
    assert 1 <= n <= 5
    assert [s[0] for s in stairs] == [expected_name(step, f"ramp {k}/{n}") for k in range(1, n + 1)]
    if step.until is not None and step.distance_m is None:
        # Split over the estimate; the last stair ends as the step does.
        assert_amount(stairs[-1], step)
        assert all(s[1] == fc.Duration.TIME for s in stairs[:-1])
        if n > 1:
            assert step.estimate_s is not None
            assert sum(s[2] for s in stairs[:-1]) < step.estimate_s * 1000
    else:
        kind = 0 if step.duration_s is not None else 1
        total = step.duration_s * 1000 if step.duration_s is not None else round((step.distance_m or 0) * 100)
        assert all(s[1] == kind for s in stairs) and sum(s[2] for s in stairs) == total
    assert all(s[7] == INTENSITY[step.intensity] for s in stairs)
    if ramp.unit == "watts":
        start, end, kind_t = ramp.start + 1000, ramp.end + 1000, fc.Target.POWER
    elif ramp.of == "ftp":
        start, end, kind_t = ramp.start, ramp.end, fc.Target.POWER
    else:
        assert meta.threshold_pace is not None
        v = meta.threshold_pace.speed_mps
        start, end, kind_t = _mm_s(v * ramp.start / 100), _mm_s(v * ramp.end / 100), fc.Target.SPEED
    # Each stair covers its part of the ramp: contiguous, in the ramp's direction.
    ends = [(s[5], s[6]) if end >= start else (s[6], s[5]) for s in stairs]
    assert all(s[3] == kind_t for s in stairs)
    assert ends[0][0] == round(start) and ends[-1][1] == round(end)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ends))
    for s in stairs:
        rest = slots(step, meta, (s[3], s[5], s[6]))
        assert_targets(s, rest)
    if step.duration_s is not None:
        offsets = [0]
        for s in stairs:
            offsets.append(offsets[-1] + s.get(2, 0) // 1000)
        cues = []
        for k, s in enumerate(stairs):
            for line in (s.get(8) or "").split("\n"):
                if line:
                    cues.append((offsets[k], line))
        assert len(cues) == len(step.cues)
    return n


# -- examples and goldens ------------------------------------------------------------------------------


def examples() -> list[Path]:
    return sorted(PATHS.examples.glob("*.nm"))


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_example_compiles_and_decodes_in_both_decoders(path: Path) -> None:
    workout = nmdsl.parse_file(path)
    data, diagnostics = emit(workout)
    assert all(not d.is_error for d in diagnostics)
    assert_same_session(data, workout)


def test_there_are_examples_to_compile() -> None:
    assert examples(), "examples/*.nm is where the shipped sessions live"


def readable(data: bytes) -> dict[str, Any]:
    """A FIT file decoded into JSON a person can read (enums by name)."""
    decoded = fc.decode_file(data)
    enums: dict[tuple[int, int], dict[int, str]] = {
        (fc.Mesg.FILE_ID, 0): fc.FileType.NAMES,
        (fc.Mesg.WORKOUT, 4): {0: "generic", 1: "running", 2: "cycling"},
        (fc.Mesg.WORKOUT, 11): {0: "generic"},
        (fc.Mesg.WORKOUT_STEP, 1): fc.Duration.NAMES,
        (fc.Mesg.WORKOUT_STEP, 3): fc.Target.NAMES,
        (fc.Mesg.WORKOUT_STEP, 19): fc.Target.NAMES,
        (fc.Mesg.WORKOUT_STEP, 7): {0: "active", 1: "rest", 2: "warmup", 3: "cooldown", 4: "recovery"},
    }
    messages = []
    for m in decoded.messages:
        names = fc.FIELD_NAMES[m.number]
        fields: dict[str, Any] = {}
        for num, value in sorted(m.fields.items(), key=lambda kv: (kv[0] != 254, kv[0])):
            table = enums.get((m.number, num))
            fields[names[num]] = table.get(value, value) if table and isinstance(value, int) else value
        messages.append({"message": fc.MESG_NAMES[m.number], **fields})
    h = decoded.header
    return {
        "header": {"size": h.size, "protocol": f"{h.protocol >> 4}.{h.protocol & 15}", "profile": h.profile,
                   "data_size": h.data_size, "crc": f"{h.crc:#06x}" if h.crc is not None else None},
        "messages": messages,
        "crc": f"{int.from_bytes(data[-2:], 'little'):#06x}",
    }


@pytest.mark.parametrize("source", COMPILE_CASES, ids=lambda p: p.stem)
def test_golden(source: Path, update_goldens: bool) -> None:
    workout = nmdsl.parse_file(source)
    data, _ = emit(workout)
    text = json.dumps(readable(data), indent=2, ensure_ascii=False) + "\n"
    fit_path, json_path = source.with_suffix(".fit"), source.with_suffix(".fit.json")
    if update_goldens:
        fit_path.write_bytes(data)
        json_path.write_text(text, encoding="utf-8")
    assert data == fit_path.read_bytes()
    assert text == json_path.read_text(encoding="utf-8")
    assert_same_session(data, workout)


def test_there_are_goldens() -> None:
    assert len(COMPILE_CASES) >= 4


# -- the file's frame -----------------------------------------------------------------------------------


def test_header_file_id_and_workout() -> None:
    data, _ = emit("name: Demo\nsport: run\n10m @5:00/km\n")
    assert data[0] == 14 and data[1] == 0x10 and data[8:12] == b".FIT"
    assert int.from_bytes(data[12:14], "little") == fc.crc16(data[:12]) != 0
    assert int.from_bytes(data[4:8], "little") == len(data) - 16
    assert fc.crc16(data) == 0, "the CRC over a whole file, its CRC included, is 0"
    m = decode_both(data)
    file_id = m["file_id"][0]
    assert file_id[0] == 5 and file_id[1] == 255 and file_id[3] != 0
    assert file_id[4] >= fc.DATE_TIME_MIN
    w = m["workout"][0]
    assert (w[4], w[11], w[8]) == (fc.Sport.RUNNING, 0, "Demo")
    bike = decode_both(emit("10m @60%\n")[0])["workout"][0]
    assert bike[4] == fc.Sport.CYCLING


def test_bytes_are_deterministic_and_ids_follow_the_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a1, _ = emit("10m @60%\n")
    a2, _ = emit("10m @60%\n")
    b, _ = emit("10m @61%\n")
    assert a1 == a2
    id_a, id_b = decode_both(a1)["file_id"][0], decode_both(b)["file_id"][0]
    assert (id_a[3], id_a[4]) != (id_b[3], id_b[4])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    c, _ = emit("10m @60%\n")
    assert decode_both(c)["file_id"][0][4] == 1700000000 - fc.FIT_EPOCH_UNIX
    d, _ = emit("10m @60%\n", EmitOptions(extra={"source_date_epoch": 1600000000}))
    assert decode_both(d)["file_id"][0][4] == 1600000000 - fc.FIT_EPOCH_UNIX


@pytest.mark.parametrize("value", ["yesterday", "0", "99999999999"])
def test_E461_bad_source_date_epoch(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(NmdslError) as exc:
        emit("10m @60%\n")
    assert codes(exc.value.diagnostics) == ["E461"]


# -- the mapping ------------------------------------------------------------------------------------------

BIKE = """\
name: Every bike target
ftp: 250
warmup 5m @50%
3m @88-94%
2m @250W
1m @240-260W 90rpm
20m @Z2
30s @150% 110rpm @150bpm
10s max
1m free
rest 2m
30s @140-150bpm
1m 95rpm @130bpm
cooldown 2m @40%
"""


def test_every_bike_target() -> None:
    workout = nmdsl.parse(BIKE)
    data, diagnostics = emit(workout)
    assert codes(diagnostics) == ["W464"], "the three-target step loses its heart rate"
    assert_same_session(data, workout)
    steps = decode_both(data)["workout_step"]
    assert (steps[2][5], steps[2][6]) == (1250, 1250), "watts + 1000"
    assert (steps[4][3], steps[4][4]) == (fc.Target.POWER, 2), "the device's power zone 2"
    assert 5 not in steps[4]
    assert steps[6][3] == fc.Target.OPEN and steps[6][0] == "all-out"
    assert steps[7][3] == fc.Target.OPEN and steps[7][0] == "free"
    assert steps[8][7] == fc.Intensity.REST and steps[8][0] == "free"
    assert (steps[9][3], steps[9][5], steps[9][6]) == (fc.Target.HEART_RATE, 240, 250), "bpm + 100"
    assert (steps[10][3], steps[10][19]) == (fc.Target.CADENCE, fc.Target.HEART_RATE)


V2 = """\
lthr: 165
max-hr: 190
warmup lap @Z2
6x sprint 10s / rest until <130bpm ~3m
until >165bpm @Z4
30m @Z2hr
10m @Z2 @Z2hr
5m @80-85%lthr
20m @65-75%maxhr
3x 2km ~3m @Z4 / 2m @50%
"""


def test_lap_until_zones_and_heart_rate_shares() -> None:
    workout = nmdsl.parse(V2)
    data, diagnostics = emit(workout)
    assert diagnostics == []
    assert_same_session(data, workout)
    steps = decode_both(data)["workout_step"]
    assert steps[0][1] == fc.Duration.OPEN and 2 not in steps[0], "the lap button: no duration_value"
    assert (steps[0][3], steps[0][4]) == (fc.Target.POWER, 2) and 5 not in steps[0]
    assert (steps[2][1], steps[2][2]) == (fc.Duration.HR_LESS_THAN, 230), "bpm + 100"
    assert (steps[4][1], steps[4][2]) == (fc.Duration.HR_GREATER_THAN, 265)
    assert (steps[5][3], steps[5][4]) == (fc.Target.HEART_RATE, 2) and 5 not in steps[5], "heart-rate zone 2"
    assert (steps[6][3], steps[6][4]) == (fc.Target.POWER, 2)
    assert (steps[6][19], steps[6][20]) == (fc.Target.HEART_RATE, 2)
    assert 21 not in steps[6], "a secondary zone has no custom values"
    assert (steps[7][5], steps[7][6]) == (132 + 100, 140 + 100), "80-85% of 165 bpm, whole bpm + 100"
    assert (steps[8][3], steps[8][4], steps[8][5], steps[8][6]) == (fc.Target.HEART_RATE, 0, 65, 75)
    assert (steps[9][1], steps[9][2]) == (fc.Duration.DISTANCE, 200000), "a bike distance in cm"


def test_W466_above_100_percent_of_max_hr_is_written_in_bpm() -> None:
    data, diagnostics = emit("max-hr: 190\n1m @95-105%maxhr\n")
    assert codes(diagnostics) == ["W466"]
    step = decode_both(data)["workout_step"][0]
    assert (step[3], step[5], step[6]) == (fc.Target.HEART_RATE, 181 + 100, 200 + 100)


def test_a_lap_ramp_is_split_over_its_estimate() -> None:
    workout = nmdsl.parse("warmup lap ~10m ramp 45%-70%\nuntil <120bpm ramp 60%-40%\n")
    data, diagnostics = emit(workout)
    assert codes(diagnostics) == ["W460", "W460"]
    steps = decode_both(data)["workout_step"]
    ends = [(s[1], s.get(2)) for s in steps[:5]]
    assert ends == [(fc.Duration.TIME, 120000)] * 4 + [(fc.Duration.OPEN, None)]
    assert (steps[5][0], steps[5][1], steps[5][2], steps[5][5], steps[5][6]) == (
        "ramp 1/1", fc.Duration.HR_LESS_THAN, 220, 40, 60
    ), "without an estimate: one step covering the ramp"
    assert_same_session(data, workout)


def test_run_paces_distances_and_threshold_percent() -> None:
    source = """\
sport: run
threshold-pace: 4:10/km
10m @5:30-6:00/km
400mtr @4:00/km
1mi @7:00/mi
5m @80%
8x strides 20s
2km @150bpm
"""
    workout = nmdsl.parse(source)
    data, diagnostics = emit(workout)
    assert diagnostics == []
    assert_same_session(data, workout)
    steps = decode_both(data)["workout_step"]
    # Pace as speed: the slower pace is the lower speed.
    assert (steps[0][5], steps[0][6]) == (2778, 3030)
    assert (steps[1][1], steps[1][2]) == (fc.Duration.DISTANCE, 40000)
    assert steps[2][2] == 160934, "1 mile in cm"
    assert (steps[3][5], steps[3][6]) == (3200, 3200), "80% of 4 m/s"
    assert steps[4][0] == "strides" and (steps[4][5], steps[4][6]) == (4600, 5000)


def test_repeats_stay_repeats_and_nest() -> None:
    source = "2x:\n  13x 30s @120% / 15s @60%\n  3m @50%\n5x sprint 10s\n"
    data, _ = emit(source)
    steps = decode_both(data)["workout_step"]
    assert len(steps) == 8, "not unrolled: 2 + repeat + 1 + repeat, 2 + repeat"
    inner, outer, sprints = steps[2], steps[4], steps[7]
    assert (inner[1], inner[2], inner[4]) == (fc.Duration.REPEAT_UNTIL_STEPS_CMPLT, 0, 13)
    assert (outer[1], outer[2], outer[4]) == (fc.Duration.REPEAT_UNTIL_STEPS_CMPLT, 0, 2)
    assert (sprints[2], sprints[4]) == (5, 5)
    assert steps[5][0] == "sprint all-out"
    assert len(execute(steps)) == 2 * (13 * 2 + 1) + 5 * 2
    assert_same_session(data, nmdsl.parse(source))


def test_W460_ramps_become_a_named_staircase() -> None:
    source = "warmup 10m ramp 45%-70%\ncooldown 5m ramp 250W-150W\n6x accel 15s\n"
    workout = nmdsl.parse("ftp: 250\n" + source)
    data, diagnostics = emit(workout)
    assert codes(diagnostics) == ["W460", "W460", "W460"]
    steps = decode_both(data)["workout_step"]
    assert [(s[0], s[2] // 1000, s[5], s[6]) for s in steps[:5]] == [
        (f"ramp {k}/5", 120, 45 + 5 * (k - 1), 50 + 5 * (k - 1)) for k in range(1, 6)
    ]
    assert [(s[5], s[6]) for s in steps[5:10]] == [
        (1230, 1250),
        (1210, 1230),
        (1190, 1210),
        (1170, 1190),
        (1150, 1170),
    ]
    assert [(s[0], s[2], s[5], s[6]) for s in steps[10:12]] == [
        ("accel ramp 1/2", 8000, 80, 133), ("accel ramp 2/2", 7000, 133, 180)
    ]
    assert_same_session(data, workout)


def test_ramp_cues_go_to_their_stair() -> None:
    source = 'warmup 10m ramp 40%-60% "Easy" "Build" at 4m "Nearly" at 9m30s\n'
    data, diagnostics = emit(source)
    steps = decode_both(data)["workout_step"]
    assert [s.get(8) for s in steps] == ["Easy", None, "Build", None, "at 1m30s: Nearly"]
    assert codes(diagnostics) == ["W460", "W463"], "only the cue that is still not at a stair's start"


def test_run_ramp_by_distance() -> None:
    workout = nmdsl.parse('sport: run\nthreshold-pace: 4:00/km\n1km ramp 80%-120% "Build"\n')
    data, diagnostics = emit(workout)
    assert codes(diagnostics) == ["W460"]
    steps = decode_both(data)["workout_step"]
    assert [(s[1], s[2], s[3]) for s in steps] == [(fc.Duration.DISTANCE, 20000, fc.Target.SPEED)] * 5
    assert steps[0][8] == "Build" and all(8 not in s for s in steps[1:])
    assert_same_session(data, workout)


def test_W461_values_rounded() -> None:
    data, diagnostics = emit("ftp: 250\n5m @87.5%\n5m @200.4W\n")
    assert codes(diagnostics) == ["W461", "W461"]
    steps = decode_both(data)["workout_step"]
    assert (steps[0][5], steps[1][5]) == (88, 1200)


def test_W462_long_texts_are_cut_at_a_character_boundary() -> None:
    name = "Ø" * 40
    cue = "é" * 150
    data, diagnostics = emit(f'name: {name}\n10m @60% "{cue}" "{cue}" at 5m\n')
    assert codes(diagnostics) == ["W462", "W462", "W463"]
    # The name's warning points at the header value, the notes' at the step.
    assert [(d.span.line, d.span.column) if d.span else None for d in diagnostics[:2]] == [(1, 7), (2, 1)]
    m = decode_both(data)
    assert m["workout"][0][8] == "Ø" * 15, "31 bytes of 2-byte characters: 15 whole ones"
    notes = m["workout_step"][0][8]
    assert len(notes.encode()) <= 199 and notes.startswith("é" * 99)


def test_W463_cue_offsets_are_written_into_the_notes() -> None:
    data, diagnostics = emit('6m @90% "Stay seated" "Last minute!" at 5m\n')
    assert codes(diagnostics) == ["W463"]
    assert decode_both(data)["workout_step"][0][8] == "Stay seated\nat 5m: Last minute!"


def test_W464_threshold_percent_without_threshold_pace_is_open() -> None:
    workout = nmdsl.parse("sport: run\n5m @80%\n4x strides 20s\n")
    data, diagnostics = emit(workout)
    assert codes(diagnostics) == ["W464", "W464"]
    steps = decode_both(data)["workout_step"]
    assert steps[0][3] == fc.Target.OPEN and 0 not in steps[0]
    assert steps[1][0] == "strides" and steps[1][3] == fc.Target.OPEN


def test_W464_a_third_target_is_left_out() -> None:
    _, diagnostics = emit("30s @150% 110rpm @150bpm\n")
    assert codes(diagnostics) == ["W464"]


def test_W465_many_steps() -> None:
    lines = "".join(f"1m @{50 + i}%\n" for i in range(DEVICE_STEP_LIMIT + 1))
    _, diagnostics = emit(lines)
    assert codes(diagnostics) == ["W465"]
    _, fine = emit("".join(f"1m @{50 + i}%\n" for i in range(DEVICE_STEP_LIMIT)))
    assert fine == []


def _model(*steps: Step | Repeat, meta: Metadata | None = None) -> Workout:
    return Workout(meta=meta or Metadata(), steps=steps)


@pytest.mark.parametrize(
    "workout",
    [
        _model(Step(duration_s=5_000_000, target=PercentTarget(low_pct=50, high_pct=50))),
        _model(Step(duration_s=60, target=PercentTarget(low_pct=50, high_pct=1500))),
        _model(Step(duration_s=60, target=WattsTarget(low_w=0.2, high_w=100))),
        _model(
            Step(duration_s=60, target=PaceTarget(fast=Pace(seconds=10**7), slow=Pace(seconds=10**7))),
            meta=Metadata(sport="run"),
        ),
        _model(Step(duration_s=60, heart_rate=HeartRateTarget(low_bpm=0, high_bpm=10))),
        _model(Step(duration_s=60, cadence=CadenceTarget(low_rpm=-5, high_rpm=10))),
        _model(Repeat(count=2**32, steps=(Step(duration_s=1, target=FreeTarget()),))),
        _model(Step(target=FreeTarget())),
        _model(Step(duration_s=60, target=RampTarget(start=50, end=2000))),
        _model(Step(until=HeartRateEnd(below=True, bpm=0), target=FreeTarget())),
        _model(Step(duration_s=60, heart_rate=HeartRatePercentTarget(low_pct=80, high_pct=90, of="lthr"))),
    ],
    ids=["duration", "percent", "watts", "speed", "heart-rate", "cadence", "repeat-count", "no-amount",
         "ramp", "until-0-bpm", "lthr-without-lthr"],
)
def test_E460_values_that_do_not_fit_are_errors_never_wrapped(workout: Workout) -> None:
    report = Report()
    data = FitBackend().emit(workout, report, EmitOptions())
    assert data == b""
    assert [d.code for d in report.items if d.is_error] == ["E460"]


def test_E460_more_steps_than_message_index_holds() -> None:
    steps = tuple(Step(duration_s=1, target=PercentTarget(low_pct=50, high_pct=50)) for _ in range(0xFFFF))
    report = Report()
    assert FitBackend().emit(_model(*steps), report, EmitOptions()) == b""
    assert codes(report.items) == ["E460"]


def test_strict_turns_warnings_into_errors() -> None:
    with pytest.raises(NmdslError) as exc:
        nmdsl.emit(nmdsl.parse("warmup 10m ramp 45%-70%\n"), "fit", strict=True)
    assert codes(exc.value.diagnostics) == ["W460"] and exc.value.diagnostics[0].is_error


def test_empty_repeat_bodies_are_skipped() -> None:
    report = Report()
    data = FitBackend().emit(
        _model(Repeat(count=3, steps=()), Step(duration_s=60, target=FreeTarget())), report, EmitOptions()
    )
    assert [s[1] for s in decode_both(data)["workout_step"]] == [fc.Duration.TIME]


@given(workouts())
def test_generated_sessions_decode_to_their_timeline(workout: Workout) -> None:
    report = Report()
    data = FitBackend().emit(workout, report, EmitOptions())
    assert not report.has_errors
    assert_same_session(data, workout)


# -- CLI ----------------------------------------------------------------------------------------------------


def test_cli_compile_to_file_and_stdout(tmp_path: Path) -> None:
    src = tmp_path / "s.nm"
    src.write_text("name: S\n4x 30s @150% / 30s @50%\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["compile", str(src), "-f", "fit"])
    assert result.exit_code == 0, result.output
    data = (tmp_path / "s.fit").read_bytes()
    assert_same_session(data, nmdsl.parse_file(src))
    out = runner.invoke(main, ["compile", str(src), "-f", "fit", "-o", "-"])
    assert out.exit_code == 0 and out.stdout_bytes == data


def test_cli_strict_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "r.nm"
    src.write_text("warmup 10m ramp 45%-70%\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compile", str(src), "-f", "fit", "--strict"])
    assert result.exit_code == 1 and "W460" in result.output
    assert not (tmp_path / "r.fit").exists()
