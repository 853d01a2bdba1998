"""The ZWO backend (``-f zwo``), and the round trip through the ZWO importer.

* Goldens: ``tests/zwo/compile/NAME.nm`` -> ``NAME.zwo``, what
  ``nmdsl compile NAME.nm -f zwo -o -`` writes (``pytest --update-goldens``
  rewrites them; read every one before committing it).
* Every construct of the mapping, every diagnostic code of the backend,
  ``--strict``, deterministic bytes.
* The round trip, second by second: :func:`samples` turns a workout into
  what the athlete is asked to do in each second (or metre, for a run by
  distance); :func:`zwo_samples` does the same for a ZWO file, with its own
  small reader, independent of nmdsl's importer.  For generated sessions S,
  ``samples(S) == samples(import(compile(S)))``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

import nmdsl
from nmdsl.cli import main
from nmdsl.diagnostics import NmdslError, Report
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.zwo.paces import THRESHOLD_ZONE
from nmdsl.formats.zwo.read import ZwoImporter
from nmdsl.formats.zwo.write import power_text
from nmdsl.language.writer import write
from nmdsl.model import (
    FreeTarget,
    MaxTarget,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    WattsTarget,
    Workout,
    ZoneTarget,
)

from .conftest import PATHS

HERE = PATHS.tests / "zwo"
COMPILE_CASES = sorted((HERE / "compile").glob("*.nm"))

# -- second by second ---------------------------------------------------------------------------------------

#: One sample: ("level", fraction), ("range", low, high), ("max",) or ("free",).
Sample = tuple[object, ...]


def _level(kind: str, *values: float) -> Sample:
    if kind == "range" and values[0] == values[1]:
        return ("level", values[0])
    return (kind, *values)


def _whole(seconds: float) -> int:
    return (round(seconds * 1000) + 500) // 1000


def samples(workout: Workout) -> list[Sample]:
    """What each second asks of the athlete; for a run by distance, each metre.

    Power is a fraction of FTP (bike) or of threshold speed (run): watts are
    divided by the header's FTP, a pace is threshold pace / pace.
    """
    meta = workout.meta
    by_distance = all(seg.step.distance_m is not None for seg in workout.timeline())
    out: list[Sample] = []
    for seg in workout.timeline():
        step = seg.step
        if by_distance:
            assert step.distance_m is not None
            n = round(step.distance_m)
        else:
            # Whole seconds cut from the exact clock, as the backend writes
            # them (each boundary rounded, halves up): no drift.
            assert seg.duration_s is not None and seg.end_s is not None
            n = _whole(seg.end_s) - _whole(seg.start_s)
        t = step.target
        for i in range(n):
            match t:
                case PercentTarget() | ZoneTarget():
                    out.append(_level("range", t.low_pct / 100, t.high_pct / 100))
                case WattsTarget():
                    assert meta.ftp_w is not None
                    out.append(_level("range", t.low_w / meta.ftp_w, t.high_w / meta.ftp_w))
                case RampTarget():
                    scale = 100.0 if t.unit == "percent" else (meta.ftp_w or math.nan)
                    start, end = t.start / scale, t.end / scale
                    out.append(("level", start + (end - start) * (i + 0.5) / n))
                case PaceTarget():
                    assert meta.threshold_pace is not None
                    thr = meta.threshold_pace.s_per_km
                    out.append(_level("range", thr / t.slow.s_per_km, thr / t.fast.s_per_km))
                case PeakPercentTarget(of="pmax"):
                    # A share of pmax is watts, and ZWO has them as a fraction of FTP.
                    assert meta.pmax_w is not None and meta.ftp_w is not None
                    scale = meta.pmax_w / meta.ftp_w / 100
                    out.append(_level("range", t.low_pct * scale, t.high_pct * scale))
                case PeakPercentTarget():
                    # A share of vmax is a speed: a fraction of threshold speed.
                    assert meta.vmax is not None and meta.threshold_pace is not None
                    scale = meta.vmax.speed_mps / meta.threshold_pace.speed_mps / 100
                    out.append(_level("range", t.low_pct * scale, t.high_pct * scale))
                case MaxTarget():
                    out.append(("max",))
                case FreeTarget() | None:
                    out.append(("free",))
    return out


def zwo_samples(data: bytes) -> list[Sample]:
    """The same, read straight from a ZWO file (trusted test input only)."""
    root = ET.fromstring(data)
    segments = next(c for c in root if c.tag.lower() == "workout")
    run = "run" in (root.findtext("sportType") or "").lower()
    out: list[Sample] = []

    def num(el: ET.Element, name: str) -> float | None:
        for k, v in el.attrib.items():
            if k.lower() == name.lower():
                return float(v)
        return None

    def zone(el: ET.Element) -> float:
        # Run power is a fraction of the speed of a race-distance pace zone;
        # nmdsl's of threshold speed, taken as 10 km pace, other zones scaled
        # by Riegel (speed ~ distance ** -0.06); see docs/format-zwo.md.
        pace = num(el, "pace")
        if not run or pace is None or int(pace) not in range(5):
            return 1.0
        metres = (1609.344, 5000.0, 10000.0, 21097.5, 42195.0)[int(pace)]
        return float((metres / 10000.0) ** -0.06)

    def steady(el: ET.Element, one: str, low: str, high: str) -> Sample:
        f = zone(el)
        p = num(el, one)
        if p is not None:
            return ("level", p * f)
        lo, hi = num(el, low), num(el, high)
        lo = hi if lo is None else lo
        hi = lo if hi is None else hi
        assert lo is not None and hi is not None
        return _level("range", lo * f, hi * f)

    for el in segments:
        tag = el.tag.lower()
        if tag == "intervalst":
            on_n, off_n = int(num(el, "OnDuration") or 0), int(num(el, "OffDuration") or 0)
            on = steady(el, "OnPower", "PowerOnLow", "PowerOnHigh")
            off = steady(el, "OffPower", "PowerOffLow", "PowerOffHigh")
            for _ in range(int(num(el, "Repeat") or 1)):
                out += [on] * on_n + [off] * off_n
            continue
        n = int(num(el, "Duration") or 0)
        if tag in ("steadystate",):
            out += [steady(el, "Power", "PowerLow", "PowerHigh")] * n
        elif tag in ("warmup", "cooldown", "ramp"):
            lo, hi = num(el, "PowerLow"), num(el, "PowerHigh")
            if lo is None or hi is None:
                out += [steady(el, "Power", "PowerLow", "PowerHigh")] * n
            else:
                f = zone(el)
                out += [("level", f * (lo + (hi - lo) * (i + 0.5) / n)) for i in range(n)]
        elif tag in ("freeride",):
            out += [("free",)] * n
        elif tag == "maxeffort":
            out += [("max",)] * n
    return out


def assert_same(a: list[Sample], b: list[Sample], tol: float = 1e-4) -> None:
    """Same length, same kinds, fractions within ``tol`` (0.01% of FTP)."""
    assert len(a) == len(b), f"{len(a)} samples against {len(b)}"
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        assert x[0] == y[0] and len(x) == len(y), f"second {i}: {x} != {y}"
        for u, v in zip(x[1:], y[1:], strict=True):
            assert abs(float(u) - float(v)) <= tol, f"second {i}: {x} != {y}"  # type: ignore[arg-type]


def read_zwo(data: bytes, filename: str = "<input>") -> tuple[Workout | None, Report]:
    report = Report(file=filename)
    return ZwoImporter().read(data, report, ReadOptions(filename=filename)), report


def compile_zwo(source: str | Workout, **kw: object) -> bytes:
    workout = source if isinstance(source, Workout) else nmdsl.parse(source)
    return nmdsl.emit(workout, "zwo", **kw).data  # type: ignore[arg-type]


def codes(source: str, **kw: object) -> list[str]:
    return [d.code for d in nmdsl.emit(nmdsl.parse(source), "zwo", **kw).diagnostics]  # type: ignore[arg-type]


def segments(data: bytes) -> list[etree._Element]:
    root = etree.fromstring(data)
    return list(root.find("workout"))


def one(source: str) -> etree._Element:
    (el,) = segments(compile_zwo(source))
    return el


# -- goldens -------------------------------------------------------------------------------------------------


def test_there_are_goldens() -> None:
    assert len(COMPILE_CASES) >= 6


@pytest.mark.parametrize("source", COMPILE_CASES, ids=lambda p: p.stem)
def test_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["compile", source.name, "-f", "zwo", "-o", "-"])
    assert result.exit_code == 0, result.output
    expected = source.with_suffix(".zwo")
    if update_goldens:
        expected.write_bytes(result.stdout_bytes)
    assert expected.is_file(), f"{expected} is missing; run pytest --update-goldens and read it"
    assert result.stdout_bytes.decode("utf-8") == expected.read_text(encoding="utf-8")
    # ... and it reads back to the same timeline.
    workout = nmdsl.parse_file(source)
    imported, report = read_zwo(result.stdout_bytes)
    assert imported is not None, [d.short() for d in report.items]
    assert_same(samples(workout), samples(imported))
    assert_same(samples(workout), zwo_samples(result.stdout_bytes))


# -- the mapping, construct by construct ---------------------------------------------------------------------


def test_header() -> None:
    data = compile_zwo('name: N & <M>\nauthor: A\ndescription: D "q"\ntags: x, y z\n10m @60%\n')
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n')
    assert data.endswith(b"</workout_file>\n")
    root = etree.fromstring(data)
    assert [c.tag for c in root] == ["name", "author", "description", "sportType", "tags", "workout"]
    assert root.findtext("name") == "N & <M>"
    assert root.findtext("description") == 'D "q"'
    assert root.findtext("sportType") == "bike"
    assert [t.attrib for t in root.find("tags")] == [{"name": "x"}, {"name": "y z"}]
    assert b"<name>N &amp; &lt;M&gt;</name>" in data


def test_no_name_uses_the_file_stem(tmp_path: Path) -> None:
    out = nmdsl.emit(nmdsl.parse("10m @60%\n"), "zwo", filename=str(tmp_path / "My ride.nm"))
    assert etree.fromstring(out.data).findtext("name") == "My ride"
    assert etree.fromstring(compile_zwo("10m @60%\n")).findtext("name") == "nmdsl workout"


def test_steady() -> None:
    assert one("5m @75%\n").attrib == {"Duration": "300", "Power": "0.75"}


def test_range_and_zone() -> None:
    assert one("5m @88-94%\n").attrib == {"Duration": "300", "PowerLow": "0.88", "PowerHigh": "0.94"}
    assert one("5m @Z2\n").attrib == {"Duration": "300", "PowerLow": "0.56", "PowerHigh": "0.75"}


def test_watts_convert_with_ftp() -> None:
    assert one("ftp: 250\n5m @200W\n").attrib == {"Duration": "300", "Power": "0.8"}
    el = one("ftp: 260\n5m @250W\n")
    assert el.get("Power") == "0.9615"


def test_watts_without_ftp_is_an_error_naming_the_header_line() -> None:
    with pytest.raises(NmdslError) as info:
        compile_zwo("name: W\n10m @200W\n2m ramp 100W-200W\n")
    diags = info.value.diagnostics
    assert [(d.code, d.span.line if d.span else None) for d in diags] == [("E401", 2), ("E401", 3)]
    assert all("ftp: 250" in (d.hint or "") for d in diags)
    # --ftp supplies it.
    assert segments(compile_zwo(nmdsl.parse("10m @200W\n"), ftp_w=250))[0].get("Power") == "0.8"


def test_cadence() -> None:
    assert one("5m @75% 90rpm\n").get("Cadence") == "90"
    el = one("5m @75% 85-95rpm\n")
    assert (el.get("CadenceLow"), el.get("CadenceHigh")) == ("85", "95")


@pytest.mark.parametrize(
    ("source", "tags"),
    [
        ("10m ramp 40%-70%\n10m @70%\n", ["Warmup", "SteadyState"]),
        ("10m ramp 70%-40%\n10m @70%\n", ["Ramp", "SteadyState"]),  # falling: not a warmup
        ("10m @70%\n10m ramp 70%-40%\n", ["SteadyState", "Cooldown"]),
        ("10m @70%\n10m ramp 40%-70%\n", ["SteadyState", "Ramp"]),  # rising: not a cooldown
        ("1m @50%\n10m ramp 40%-70%\n1m @50%\n", ["SteadyState", "Ramp", "SteadyState"]),
        ("cooldown 5m ramp 60%-40%\n1m @50%\n", ["Ramp", "SteadyState"]),  # not last
        ("10m ramp 60%-60%\n", ["Ramp"]),  # flat: neither rising nor falling
    ],
)
def test_ramps(source: str, tags: list[str]) -> None:
    assert [el.tag for el in segments(compile_zwo(source))] == tags


def test_ramp_power_low_is_the_start() -> None:
    # Golden Cheetah and Zwift: PowerLow where it starts, PowerHigh where it ends.
    el = segments(compile_zwo("1m @50%\n10m ramp 70%-40%\n"))[1]
    assert (el.get("PowerLow"), el.get("PowerHigh")) == ("0.7", "0.4")


def test_max_and_free() -> None:
    assert one("10s max\n").attrib == {"Duration": "10"}
    assert one("10s max\n").tag == "MaxEffort"
    assert one("5m free\n").tag == "FreeRide"
    assert one("rest 3m\n").attrib == {"Duration": "180"}
    assert one("rest 3m\n").tag == "FreeRide"
    el = one("2m 95rpm\n")  # only a cadence: no ERG target
    assert (el.tag, el.get("Cadence")) == ("FreeRide", "95")


def test_intervals() -> None:
    el = one("6x 30s @150% 100rpm / 30s @50% 85rpm\n")
    assert el.tag == "IntervalsT"
    assert el.attrib == {
        "Repeat": "6",
        "OnDuration": "30",
        "OffDuration": "30",
        "OnPower": "1.5",
        "OffPower": "0.5",
        "Cadence": "100",
        "CadenceResting": "85",
    }


def test_intervals_with_a_cadence_range() -> None:
    el = one("4x 1m @115% 95-105rpm / 1m @50%\n")
    assert el.attrib == {
        "Repeat": "4",
        "OnDuration": "60",
        "OffDuration": "60",
        "OnPower": "1.1500001",
        "OffPower": "0.5",
        "CadenceLow": "95",
        "CadenceHigh": "105",
    }


@pytest.mark.parametrize(
    "source",
    [
        "4x 1m @110-120% 95-105rpm / 1m @50%\n",  # a band on the work part
        "4x 1m @110% / 1m @45-55%\n",  # on the recovery
        "4x 1m @Z5 / 1m @50%\n",  # a zone is a band
        "ftp: 250\n4x 1m @240-260W / 1m @125W\n",
    ],
)
def test_a_band_in_a_repeat_is_a_steady_state(source: str) -> None:
    # Never an IntervalsT: Golden Cheetah rides an IntervalsT band as a ramp
    # (tests/test_zwo_bands.py has the rides themselves).
    els = segments(compile_zwo(source))
    assert [el.tag for el in els] == ["SteadyState"] * 8
    banded = [el for el in els if "PowerLow" in el.attrib]
    assert len(banded) == 4 and all(el.get("PowerLow") != el.get("PowerHigh") for el in banded)


def test_intervals_cues_count_from_the_block_start() -> None:
    el = one('3x 30s @150% "On" "Half" at 15s / 1m @50% "Off"\n')
    assert [(e.get("timeoffset"), e.get("message")) for e in el] == [
        ("0", "On"),
        ("15", "Half"),
        ("30", "Off"),
        ("90", "On"),
        ("105", "Half"),
        ("120", "Off"),
        ("180", "On"),
        ("195", "Half"),
        ("210", "Off"),
    ]


@pytest.mark.parametrize(
    ("source", "n"),
    [
        ("3x 30s @120% / 15s @60% / 1m @50%\n", 9),  # three steps
        ("1x 1m @100% / 1m @50%\n", 2),  # once
        ("2x 1m @90% / 1m @50% 80-90rpm\n", 4),  # a recovery cadence range
        ("2x 10s max / 3m @50%\n", 4),  # not steady
        ("2x 1m ramp 50%-60% / 1m @50%\n", 4),
        ("2x 1m @90% / 1m free\n", 4),
        ("2x:\n  1m @90%\n  1m @50%\n", 4),  # two active steps: not work and recovery
        ("3x sprint 10s\n", 6),
    ],
)
def test_other_repeats_are_unrolled(source: str, n: int) -> None:
    els = segments(compile_zwo(source))
    assert len(els) == n and all(el.tag != "IntervalsT" for el in els)


def test_nested_repeats_unroll_around_intervals() -> None:
    els = segments(compile_zwo("2x:\n  3x 30s @150% / 30s @50%\n  5m @55%\n"))
    assert [el.tag for el in els] == ["IntervalsT", "SteadyState"] * 2


def test_cues() -> None:
    el = one('5m @90% "Hold it" "Last minute!" at 4m\n')
    assert [e.attrib for e in el] == [
        {"timeoffset": "0", "message": "Hold it"},
        {"timeoffset": "240", "message": "Last minute!"},
    ]
    assert el[0].tag == "textevent"  # Golden Cheetah reads only the lowercase form


def test_integer_durations_only() -> None:
    data = compile_zwo("sport: run\nthreshold-pace: 4:10/km\n1km @4:13/km\n1m @90%\n")
    for el in segments(data):
        assert el.get("Duration").isdigit()


# -- power values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "text"), [(50, "0.5"), (100, "1.0"), (150, "1.5"), (115, "1.1500001"), (7, "0.07")]
)
def test_power_text(pct: float, text: str) -> None:
    assert power_text(pct) == text


def test_every_whole_percent_survives_truncating_readers() -> None:
    # Golden Cheetah: int(100.0 * value).
    for pct in range(1001):
        text = power_text(pct)
        assert int(100.0 * float(text)) == pct, (pct, text)
        assert abs(float(text) - pct / 100) < 1e-6
        assert len(text) <= 10


@given(st.integers(min_value=1, max_value=100_000))
def test_power_text_is_close_and_never_low(hundredths: int) -> None:
    pct = hundredths / 100
    value = float(power_text(pct))
    assert value * 100.0 >= pct
    assert abs(value - pct / 100) <= 1e-6


# -- runs ----------------------------------------------------------------------------------------------------


def test_run_by_time() -> None:
    data = compile_zwo("sport: run\nthreshold-pace: 4:10/km\n20m @5:00/km\n5m @90-95%\n")
    root = etree.fromstring(data)
    assert root.findtext("sportType") == "run"
    assert root.findtext("durationType") == "time"
    assert root.findtext("thresholdSecPerKm") == "250"
    a, b = root.find("workout")
    assert a.attrib == {"Duration": "1200", "Power": "0.8333", "pace": str(THRESHOLD_ZONE)}
    assert b.attrib == {"Duration": "300", "PowerLow": "0.9", "PowerHigh": "0.95", "pace": "2"}


def test_run_pace_range_slow_end_is_low() -> None:
    el = one("sport: run\nthreshold-pace: 4:00/km\n5m @4:48-5:00/km\n")
    assert (el.get("PowerLow"), el.get("PowerHigh")) == ("0.8", "0.8333")


def test_run_mile_threshold() -> None:
    root = etree.fromstring(compile_zwo("sport: run\nthreshold-pace: 6:40/mi\n5m @7:30/mi\n"))
    assert root.findtext("thresholdSecPerKm") == "248.548"
    assert root.find("workout")[0].get("Power") == "0.8889"


def test_run_by_distance() -> None:
    data = compile_zwo("sport: run\n1km @80%\n4x 400mtr @105% / 200mtr @70%\n1mi free\n")
    root = etree.fromstring(data)
    assert root.findtext("durationType") == "distance"
    assert root.find("thresholdSecPerKm") is None
    a, b, c = root.find("workout")
    assert a.attrib == {"Duration": "1000", "Power": "0.8", "pace": "2"}
    assert (b.tag, b.get("OnDuration"), b.get("OffDuration")) == ("IntervalsT", "400", "200")
    assert c.attrib == {"Duration": "1609"}  # whole metres


def test_run_pace_without_threshold_is_an_error_naming_the_header_line() -> None:
    with pytest.raises(NmdslError) as info:
        compile_zwo("sport: run\n10m @5:00/km\n")
    (d,) = info.value.diagnostics
    assert (d.code, d.span.line if d.span else None) == ("E402", 2)
    assert "threshold-pace: 4:10/km" in (d.hint or "")


def test_run_percent_needs_no_threshold() -> None:
    assert one("sport: run\n10m @80%\n").attrib == {"Duration": "600", "Power": "0.8", "pace": "2"}


def test_run_mixing_time_and_distance() -> None:
    source = "sport: run\nthreshold-pace: 4:00/km\n10m @80%\n1km @4:00/km\n"
    out = nmdsl.emit(nmdsl.parse(source), "zwo")
    assert [(d.code, d.span.line if d.span else 0) for d in out.diagnostics] == [("W404", 4)]
    _, b = segments(out.data)
    assert etree.fromstring(out.data).findtext("durationType") == "time"
    assert b.get("Duration") == "240"
    with pytest.raises(NmdslError) as info:
        compile_zwo("sport: run\n10m @80%\n1km free\n")
    assert [d.code for d in info.value.diagnostics] == ["E403"]


# -- what ZWO cannot say -------------------------------------------------------------------------------------


def test_heart_rate_dropped_once_per_step() -> None:
    out = nmdsl.emit(nmdsl.parse("10m @60% @140bpm\n5x 30s @150% @170bpm / 30s @50%\n"), "zwo")
    assert [(d.code, d.span.line, d.span.column) for d in out.diagnostics if d.span] == [
        ("W401", 1, 10),
        ("W401", 2, 14),
    ]
    assert "heart-rate" in out.diagnostics[0].message
    # A step with only a heart-rate target is a free ride.
    out = nmdsl.emit(nmdsl.parse("10m @140bpm\n"), "zwo")
    assert [d.code for d in out.diagnostics] == ["W401"]
    assert segments(out.data)[0].tag == "FreeRide"


# -- language v2: lap, until <Nbpm, bike distances and heart-rate targets (issue 15) ---------------------


def test_lap_until_and_bike_distance_are_written_as_their_estimates() -> None:
    source = (
        "ftp: 250\nwarmup lap ~10m @Z2\n6x sprint 10s / rest until <130bpm ~3m\n3x 2km ~3m @Z4 / 2m @50%\n"
    )
    out = nmdsl.emit(nmdsl.parse(source), "zwo")
    # One W407 per step as written, not per repetition; each names the step and says why.
    found = [(d.code, d.span.line, d.span.column) for d in out.diagnostics if d.span]
    assert found == [("W407", 2, 1), ("W407", 3, 17), ("W407", 4, 4)]
    messages = [d.message for d in out.diagnostics]
    assert "no lap button" in messages[0] and "'lap ~10m'" in messages[0]
    assert "no heart-rate end" in messages[1] and "'until <130bpm ~3m'" in messages[1]
    assert "no distance on a bike" in messages[2] and "'2km ~3m'" in messages[2]
    els = segments(out.data)
    assert [e.get("Duration") for e in els[:3]] == ["600", "10", "180"]
    assert [e.tag for e in els[:3]] == ["SteadyState", "MaxEffort", "FreeRide"]
    assert [e.get("Duration") for e in els[13:15]] == ["180", "120"]
    # The whole file lasts what the timeline's estimate says.
    assert sum(int(e.get("Duration") or 0) for e in els) == nmdsl.parse(source).totals().duration_s
    with pytest.raises(NmdslError) as strict:
        nmdsl.emit(nmdsl.parse(source), "zwo", strict=True)
    assert {d.code for d in strict.value.diagnostics} == {"W407"}


@pytest.mark.parametrize(
    ("line", "what", "hint"),
    [
        ("lap @50%", "no lap button", "'lap ~3m'"),
        ("rest until <130bpm", "no heart-rate end", "'until <130bpm ~3m'"),
        ("recovery until >150bpm @50%", "no heart-rate end", "'until >150bpm ~3m'"),
        ("2km @Z3", "no distance on a bike", "'2km ~3m'"),
    ],
)
def test_a_step_without_an_estimate_is_an_error_naming_it(line: str, what: str, hint: str) -> None:
    with pytest.raises(NmdslError) as info:
        compile_zwo(f"10m @50%\n3x 1m @100% / {line}\n")
    (d,) = info.value.diagnostics
    assert d.code == "E404" and d.span is not None and d.span.line == 2
    assert what in d.message and "estimate" in d.message
    assert d.hint is not None and hint in d.hint


def test_a_run_lap_step_and_run_distances() -> None:
    # A run by distance stays a run by distance; a lap step in a run is timed by its estimate.
    out = nmdsl.emit(nmdsl.parse("sport: run\n1km @80%\n400mtr @100%\n"), "zwo")
    assert out.diagnostics == [] and etree.fromstring(out.data).findtext("durationType") == "distance"
    out = nmdsl.emit(nmdsl.parse("sport: run\nwarmup lap ~10m @70%\n20m @80%\n"), "zwo")
    assert [d.code for d in out.diagnostics] == ["W407"]
    assert [e.get("Duration") for e in segments(out.data)] == ["600", "1200"]
    with pytest.raises(NmdslError) as info:
        compile_zwo("sport: run\nrest until <120bpm\n20m @80%\n")
    assert [d.code for d in info.value.diagnostics] == ["E404"]


def test_a_fractional_estimate_keeps_the_clock() -> None:
    out = nmdsl.emit(nmdsl.parse("lap ~30.5s @50%\n1m @60%\n"), "zwo")
    assert sorted(d.code for d in out.diagnostics) == ["W406", "W407"]
    assert [e.get("Duration") for e in segments(out.data)] == ["31", "60"]


@pytest.mark.parametrize("target", ["@Z2hr", "@80%lthr", "@75-85%lthr", "@65-75%maxhr", "@140-150bpm"])
def test_every_heart_rate_target_is_dropped(target: str) -> None:
    out = nmdsl.emit(nmdsl.parse(f"lthr: 165\nmax-hr: 190\n10m @60% {target}\n30m {target}\n"), "zwo")
    assert [(d.code, d.span.line if d.span else 0) for d in out.diagnostics] == [("W401", 3), ("W401", 4)]
    hints = [d.hint or "" for d in out.diagnostics]
    assert "keeps its other targets" in hints[0] and "free ride" in hints[1]
    steady, free = segments(out.data)
    assert (steady.tag, free.tag) == ("SteadyState", "FreeRide")


def test_cadence_range_where_one_cadence_fits() -> None:
    out = nmdsl.emit(nmdsl.parse("1m @50%\n3x 5m ramp 60%-70% 85-96rpm\n1m @50%\n"), "zwo")
    assert [d.code for d in out.diagnostics] == ["W403"]  # once, not three times
    assert segments(out.data)[1].get("Cadence") == "91"  # the middle, rounded up
    assert [d.code for d in nmdsl.emit(nmdsl.parse("10s max 110rpm\n"), "zwo").diagnostics] == ["W403"]
    assert [d.code for d in nmdsl.emit(nmdsl.parse("1m free 80-90rpm\n"), "zwo").diagnostics] == ["W403"]


def test_non_ascii_name_warns() -> None:
    out = nmdsl.emit(nmdsl.parse("name: Rønnestad 30/15s\n10m @60%\n"), "zwo")
    assert [d.code for d in out.diagnostics] == ["W402"]
    span = out.diagnostics[0].span
    assert span is not None and (span.line, span.column, span.end_column) == (1, 7, 23)  # the name's value
    assert "Rønnestad 30/15s".encode() in out.data  # kept as written, in UTF-8


def test_fractions_of_a_second_warn_once_as_the_docs_show() -> None:
    from nmdsl.diagnostics import render

    src = "10m @50%\n6x 16.8s @150% / 1m @50%\n"
    out = nmdsl.emit(nmdsl.parse(src, filename="w406.nm"), "zwo", filename="w406.nm")
    assert [d.code for d in out.diagnostics] == ["W406"]
    assert render(out.diagnostics[0], src) in DOC.read_text(encoding="utf-8")


def test_control_characters_are_removed() -> None:
    out = nmdsl.emit(nmdsl.parse('name: a\x01b\n10m @60% "x\x02y"\n'), "zwo")
    assert [d.code for d in out.diagnostics] == ["W405", "W405"]
    # At the name's value and at the cue.
    assert [(d.span.line, d.span.column) if d.span else None for d in out.diagnostics] == [(1, 7), (2, 10)]
    root = etree.fromstring(out.data)
    assert root.findtext("name") == "ab"
    assert root.find("workout")[0][0].get("message") == "xy"


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    source = tmp_path / "hr.nm"
    source.write_text("name: HR\n10m @60% @140bpm\n", encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(main, ["compile", str(source), "-f", "zwo", "-o", "-"])
    assert ok.exit_code == 0 and b"<SteadyState" in ok.stdout_bytes
    assert "warning[W401]" in ok.stderr and "2:10" in ok.stderr
    strict = runner.invoke(
        main, ["compile", str(source), "-f", "zwo", "-o", str(tmp_path / "out.zwo"), "--strict"]
    )
    assert strict.exit_code == 1
    assert "error[W401]" in strict.stderr
    assert not (tmp_path / "out.zwo").exists()
    with pytest.raises(NmdslError):
        nmdsl.compile("10m @60% @140bpm\n", "zwo", strict=True)


def test_cli_error_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "w.nm"
    source.write_text("name: W\n10m @200W\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compile", str(source), "-f", "zwo"])
    assert result.exit_code == 1
    assert f"{source}:2:5: error[E401]" in result.stderr
    assert "ftp: 250" in result.stderr
    assert not source.with_suffix(".zwo").exists()
    result = CliRunner().invoke(main, ["compile", str(source), "-f", "zwo", "--ftp", "250"])
    assert result.exit_code == 0, result.output
    assert b'Power="0.8"' in source.with_suffix(".zwo").read_bytes()


# -- deterministic bytes -------------------------------------------------------------------------------------


def test_deterministic_bytes() -> None:
    source = (PATHS.tests / "zwo" / "compile" / "intervals.nm").read_text(encoding="utf-8")
    first = nmdsl.compile(source, "zwo")
    for _ in range(3):
        assert nmdsl.compile(source, "zwo") == first
        assert nmdsl.compile(nmdsl.parse(source), "zwo") == first


def test_deterministic_across_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = PATHS.tests / "zwo" / "compile" / "steady.nm"
    outs = []
    for seed in ("0", "1"):
        run = subprocess.run(
            [sys.executable, "-m", "nmdsl", "compile", str(source), "-f", "zwo", "-o", "-"],
            capture_output=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            check=True,
        )
        outs.append(run.stdout)
    assert outs[0] == outs[1] == source.with_suffix(".zwo").read_bytes()


# -- examples ------------------------------------------------------------------------------------------------


def _examples() -> list[Path]:
    return sorted(PATHS.examples.glob("*.nm"))


def test_every_example_compiles_to_zwo() -> None:
    examples = _examples()
    if not examples:
        pytest.skip("examples/ has no .nm files yet")
    for path in examples:
        workout = nmdsl.parse_file(path)
        out = nmdsl.emit(workout, "zwo", filename=str(path))
        assert not [d for d in out.diagnostics if d.is_error], path
        # Only what the format really cannot say is warned about.
        assert {d.code for d in out.diagnostics} <= {"W401", "W402", "W403", "W404"}, (path, out.diagnostics)
        imported, report = read_zwo(out.data)
        assert imported is not None, (path, [d.short() for d in report.items])
        assert_same(samples(workout), samples(imported))
        assert_same(samples(workout), zwo_samples(out.data))
        assert_same(samples(workout), samples(nmdsl.parse(write(imported))))


# -- the round trip, under hypothesis ------------------------------------------------------------------------

DURATIONS = ["10s", "15s", "20s", "30s", "45s", "1m", "90s", "2m", "3m", "5m", "1m30s", "12m"]


@st.composite
def bike_step(draw: st.DrawFn, ftp: bool) -> str:
    duration = draw(st.sampled_from(DURATIONS))
    kinds = ["pct", "range", "zone", "ramp", "max", "free", "rest", "cadence"] + (
        ["watts", "wramp"] if ftp else []
    )
    kind = draw(st.sampled_from(kinds))

    def pct() -> int:
        return draw(st.integers(30, 300))

    if kind == "rest":
        return f"rest {duration}"
    words = []
    if kind in ("pct", "range", "zone", "ramp") and draw(st.booleans()):
        words.append(draw(st.sampled_from(["warmup", "cooldown"])))
    words.append(duration)
    if kind == "pct":
        words.append(f"@{pct()}%")
    elif kind == "range":
        lo, hi = sorted((pct(), pct()))
        words.append(f"@{lo}-{hi}%")
    elif kind == "zone":
        words.append(f"@Z{draw(st.integers(1, 7))}")
    elif kind == "ramp":
        words.append(f"ramp {pct()}%-{pct()}%")
    elif kind == "watts":
        w = draw(st.integers(80, 600))
        words.append(f"@{w}W" if draw(st.booleans()) else f"@{w}-{w + draw(st.integers(0, 40))}W")
    elif kind == "wramp":
        words.append(f"ramp {draw(st.integers(80, 600))}W-{draw(st.integers(80, 600))}W")
    elif kind in ("max", "free"):
        words.append(kind)
    if kind != "max" and (kind == "cadence" or draw(st.booleans())):
        lo = draw(st.integers(60, 120))
        words.append(f"{lo}rpm" if draw(st.booleans()) else f"{lo}-{lo + draw(st.integers(1, 20))}rpm")
    if draw(st.integers(0, 5)) == 0:
        words.append("@150bpm")
    if draw(st.booleans()):
        words.append('"Go"' if draw(st.booleans()) else '"Half" at 5s')
    return " ".join(words)


@st.composite
def bike_items(draw: st.DrawFn, ftp: bool, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["step", "line", "pair", "drill"] + (["block"] if depth < 2 else [])))
        if kind == "step":
            lines.append(draw(bike_step(ftp)))
        elif kind == "pair":
            # The classic interval: work, then an easier steady recovery.
            work = draw(st.integers(100, 300))
            lines.append(
                f"{draw(st.integers(2, 8))}x {draw(st.sampled_from(DURATIONS))} @{work}% / "
                f"{draw(st.sampled_from(DURATIONS))} @{draw(st.integers(30, work - 1))}%"
            )
        elif kind == "line":
            n = draw(st.integers(1, 5))
            parts = [draw(bike_step(ftp)) for _ in range(draw(st.integers(1, 3)))]
            lines.append(
                f"{n}x " + " / ".join(p.replace("warmup ", "").replace("cooldown ", "") for p in parts)
            )
        elif kind == "drill":
            drill = draw(st.sampled_from(["sprint 10s", "strides 20s", "accel 20s", "spinup 30s"]))
            lines.append(f"{draw(st.integers(1, 4))}x {drill}")
        else:
            body = draw(bike_items(ftp, depth + 1))
            lines.append(f"{draw(st.integers(1, 3))}x:")
            lines.extend("  " + line for line in body)
    return lines


@st.composite
def bike_session(draw: st.DrawFn) -> str:
    ftp = draw(st.booleans())
    header = ["name: Generated"] + ([f"ftp: {draw(st.integers(150, 400))}"] if ftp else [])
    source = "\n".join(header + draw(bike_items(ftp))) + "\n"
    # Nested repeats of long steps can pass the language's 24-hour limit
    # (E305): such a session is refused before any backend sees it.
    assume(not any(d.code == "E305" for d in nmdsl.check(source).diagnostics))
    return source


@st.composite
def run_session(draw: st.DrawFn) -> str:
    by_distance = draw(st.booleans())
    mins = draw(st.integers(3, 7))
    header = [
        "sport: run",
        f"threshold-pace: {mins}:{draw(st.integers(0, 59)):02d}/{draw(st.sampled_from(['km', 'mi']))}",
    ]
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        amount = (
            draw(st.sampled_from(["200mtr", "400mtr", "1km", "2km", "1mi"]))
            if by_distance
            else draw(st.sampled_from(DURATIONS))
        )
        kind = draw(st.sampled_from(["pct", "pace", "prange", "ramp", "free", "max"]))
        if kind == "pct":
            target = f"@{draw(st.integers(50, 130))}%"
        elif kind == "pace":
            target = f"@{draw(st.integers(3, 8))}:{draw(st.integers(0, 59)):02d}/km"
        elif kind == "prange":
            m = draw(st.integers(3, 7))
            target = f"@{m}:{draw(st.integers(0, 29)):02d}-{m}:{draw(st.integers(30, 59)):02d}/mi"
        elif kind == "ramp":
            target = f"ramp {draw(st.integers(50, 130))}%-{draw(st.integers(50, 130))}%"
        else:
            target = kind
        step = f"{amount} {target}"
        if draw(st.integers(0, 3)) == 0:
            n = draw(st.integers(2, 5))
            rec = (
                draw(st.sampled_from(["200mtr", "400mtr"]))
                if by_distance
                else draw(st.sampled_from(DURATIONS))
            )
            step = f"{n}x {step} / {rec} @{draw(st.integers(40, 80))}%"
        lines.append(step)
    if not by_distance and draw(st.booleans()):
        lines.append(f"{draw(st.integers(1, 4))}x strides 20s")
    return "\n".join(header + lines) + "\n"


def _round_trip(source: str) -> None:
    workout = nmdsl.parse(source)
    out = nmdsl.emit(workout, "zwo")
    assert not [d for d in out.diagnostics if d.is_error]
    expected = samples(workout)
    assert_same(expected, zwo_samples(out.data))
    imported, report = read_zwo(out.data)
    assert imported is not None, [d.short() for d in report.items]
    assert not report.has_errors
    assert_same(expected, samples(imported))
    # The text the importer writes says the same thing.
    text = write(imported)
    assert_same(expected, samples(nmdsl.parse(text)))
    # Compiling the import gives the file's own timeline back.
    assert_same(zwo_samples(out.data), zwo_samples(nmdsl.compile(imported, "zwo")))


@given(bike_session())
def test_round_trip_bike(source: str) -> None:
    _round_trip(source)


@given(run_session())
def test_round_trip_run(source: str) -> None:
    _round_trip(source)


def test_round_trip_strategies_cover_the_mapping() -> None:
    # The generated sessions reach every element the backend writes.
    seen: set[str] = set()

    @given(bike_session())
    def collect(source: str) -> None:
        seen.update(el.tag for el in segments(compile_zwo(source)))

    collect()
    # (Warmup and Cooldown need a ramp in first or last place: the goldens
    # and test_ramps have them; here any ramp element will do.)
    assert {"SteadyState", "IntervalsT", "MaxEffort", "FreeRide"} <= seen
    assert seen & {"Warmup", "Cooldown", "Ramp"}


# -- docs and codes ------------------------------------------------------------------------------------------

DOC = PATHS.docs / "format-zwo.md"


def _zwo_codes() -> list[str]:
    import nmdsl.formats.zwo.read  # noqa: F401  (registers the importer's codes)
    from nmdsl.diagnostics import CODES

    return sorted(c for c in CODES if c[1:3] in ("40", "41", "50", "51"))


def test_every_zwo_code_has_a_heading_in_the_docs() -> None:
    headings = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    codes = _zwo_codes()
    assert len(codes) == 26
    missing = [c for c in codes if not any(c in h for h in headings)]
    assert not missing, f"codes without a heading in {DOC}: {missing}"


def test_every_backend_code_is_triggered_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    backend = [c for c in _zwo_codes() if c[1] == "4"]
    assert backend and all(f'"{c}"' in source for c in backend), backend


def test_docs_example_is_real_output() -> None:
    import re

    doc = DOC.read_text(encoding="utf-8")
    source = re.search(r"## An example\n\n```\n(.*?)```", doc, re.DOTALL)
    xml = re.search(r"compiles to\n\n```xml\n(.*?)```", doc, re.DOTALL)
    assert source and xml
    assert nmdsl.compile(source.group(1), "zwo").decode("utf-8") == xml.group(1)
