"""The Golden-Cheetah-rules reader (tests/gc_rules.py) against small hand-written files and
Golden Cheetah's own.

Each expectation is worked out by hand from Golden Cheetah's code
(``src/Train/ZwoParser.cpp``, ``src/Train/ErgFile.cpp`` at c0eac1d), the
line cited beside it, so that the reader the round-trip tests trust is
itself checked against the source it claims to follow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import gc_rules
from .conftest import PATHS
from .gc_rules import Cue, Point, read


def zwo(segments: str) -> bytes:
    return f"<workout_file><name>T</name><workout>\n{segments}\n</workout></workout_file>\n".encode()


def points(data: bytes, fmt: str = "zwo", **kw: object) -> list[tuple[float, float]]:
    return [tuple(p) for p in read(data, fmt, **kw).points]  # type: ignore[arg-type]


# -- ZWO -----------------------------------------------------------------------------------------------------


def test_steady_state_and_the_first_point() -> None:
    # A start point at time 0, then each element's end point (lines 93-100).
    assert points(zwo('<SteadyState Duration="60" Power="0.75"/>')) == [(0, 75), (60000, 75)]
    # Same value: no new start point, only the end point.
    two = zwo('<SteadyState Duration="60" Power="0.75"/><SteadyState Duration="30" Power="0.75"/>')
    assert points(two) == [(0, 75), (60000, 75), (90000, 75)]


@pytest.mark.parametrize(
    ("attrs", "value"),
    [
        ('Power="0.7" PowerLow="0.5" PowerHigh="0.6"', 70),  # Power > 0 wins (line 62)
        ('Power="0" PowerLow="0.5" PowerHigh="0.6"', 55),  # ... only when > 0
        ('PowerLow="0.88"', 88),  # PowerHigh defaults to PowerLow (line 64)
        ('PowerLow="0.6" PowerHigh="0.9"', 75),  # a band rides its average (lines 81-84)
        ('PowerLow="0.55" PowerHigh="0.6"', 57),  # the integer average, truncated
        ('Power="1.15"', 114),  # int(100.0 * 1.15) = int(114.99999999999999) (line 73)
        ('Power="1.1500001"', 115),  # nmdsl's reader-safe spelling
        ('Power="0.75449997"', 75),
    ],
)
def test_steady_state_values(attrs: str, value: int) -> None:
    assert points(zwo(f'<SteadyState Duration="10" {attrs}/>')) == [(0, value), (10000, value)]


def test_exact_values_keep_what_truncation_loses() -> None:
    t = read(zwo('<SteadyState Duration="10" PowerLow="0.55" PowerHigh="0.6"/>'), "zwo", exact=True)
    assert t.points[0].value == pytest.approx(57.5)
    t = read(zwo('<SteadyState Duration="10" Power="1.15"/>'), "zwo", exact=True)
    assert t.points[0].value == pytest.approx(115)


def test_ramps_and_the_cooldown_that_always_descends() -> None:
    assert points(zwo('<Warmup Duration="600" PowerLow="0.45" PowerHigh="0.7"/>')) == [(0, 45), (600000, 70)]
    assert points(zwo('<Ramp Duration="60" PowerLow="0.9" PowerHigh="0.6"/>')) == [(0, 90), (60000, 60)]
    # PowerLow < PowerHigh on a Cooldown is swapped (lines 76-78); on a Ramp it is not.
    assert points(zwo('<Cooldown Duration="60" PowerLow="0.4" PowerHigh="0.6"/>')) == [(0, 60), (60000, 40)]
    assert points(zwo('<Cooldown Duration="60" PowerLow="0.6" PowerHigh="0.4"/>')) == [(0, 60), (60000, 40)]


def test_free_ride() -> None:
    # 70% at the start, the last value afterwards, 100% in an FTP test (lines 86-90).
    assert points(zwo('<FreeRide Duration="60"/>')) == [(0, 70), (60000, 70)]
    after = zwo('<SteadyState Duration="60" Power="0.5"/><Freeride Duration="30"/>')
    assert points(after) == [(0, 50), (60000, 50), (90000, 50)]
    test = zwo('<SteadyState Duration="60" Power="0.5"/><Freeride Duration="30" ftptest="1"/>')
    assert points(test) == [(0, 50), (60000, 50), (60000, 100), (90000, 100)]


def test_max_effort_and_unknown_spellings_vanish() -> None:
    data = zwo(
        '<SteadyState Duration="60" Power="0.5"/><MaxEffort Duration="10"/>'
        '<steadystate Duration="60" Power="0.9"/><SteadyState Duration="60" Power="0.5"/>'
    )
    assert points(data) == [(0, 50), (60000, 50), (120000, 50)]


def test_intervals() -> None:
    data = zwo('<IntervalsT Repeat="2" OnDuration="30" OffDuration="60" OnPower="1.5" OffPower="0.5"/>')
    assert points(data) == [
        (0, 150),
        (30000, 150),
        (30000, 50),
        (90000, 50),
        (90000, 150),
        (120000, 150),
        (120000, 50),
        (180000, 50),
    ]


def test_an_intervals_band_is_a_ramp_in_every_repetition() -> None:
    # lines 137-159: on from PowerOnLow to PowerOnHigh, off from PowerOffLow to PowerOffHigh.
    data = zwo(
        '<IntervalsT Repeat="2" OnDuration="60" OffDuration="30" '
        'PowerOnLow="1.4" PowerOnHigh="1.6" PowerOffLow="0.5" PowerOffHigh="0.8"/>'
    )
    t = read(data, "zwo")
    assert [tuple(p) for p in t.points] == [
        (0, 140),
        (60000, 160),
        (60000, 50),
        (90000, 80),
        (90000, 140),
        (150000, 160),
        (150000, 50),
        (180000, 80),
    ]
    assert t.value_at(30000) == 150 and t.value_at(15000) == 145


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        # OnPower > 0 wins over the band (line 121); Repeat 0 or missing is 1 (line 107).
        ('Repeat="0" OnDuration="10" OffDuration="10" OnPower="1" PowerOnLow="2" OffPower="0.5"', 20000),
        ('OnDuration="10" OffDuration="0" OnPower="1"', 10000),  # no off part (line 149)
        ('Repeat="3" OnDuration="9.5" OffDuration="0.4" OnPower="1" OffPower="0.5"', 30000),  # qRound each
    ],
)
def test_intervals_edges(attrs: str, expected: int) -> None:
    t = read(zwo(f"<IntervalsT {attrs}/>"), "zwo")
    assert t.duration_ms == expected
    assert t.points[0].value == 100


def test_duration_is_rounded_per_element() -> None:
    # qRound(toDouble()) (line 52): 16.8 + 16.8 + 16.8 = 50.4 s rides as 51 s.
    data = zwo('<SteadyState Duration="16.8" Power="1"/>' * 3)
    assert read(data, "zwo").duration_ms == 51000
    assert read(zwo('<SteadyState Duration="0.5" Power="1"/>'), "zwo").duration_ms == 1000
    assert read(zwo('<SteadyState Duration="2.5" Power="1"/>'), "zwo").duration_ms == 3000
    assert read(zwo('<SteadyState Duration=" 30 " Power="1"/>'), "zwo").duration_ms == 30000


def test_text_events() -> None:
    data = zwo(
        '<SteadyState Duration="60" Power="0.5"><textevent timeoffset="10" message="a" duration="5"/>'
        '<TextEvent timeoffset="20" message="upper case: not read"/></SteadyState>'
        '<IntervalsT Repeat="2" OnDuration="30" OffDuration="30" OnPower="1" OffPower="0.5">'
        '<textevent timeoffset="90" message="from the block start"/></IntervalsT>'
        '<MaxEffort Duration="10"><textevent timeoffset="0" message="in a MaxEffort"/></MaxEffort>'
        '<SteadyState Duration="60" Power="0.5"><textevent timeoffset="10.5" message="toInt"/>'
        '<textevent timeoffset="5" y="270" message="y"/><textevent timeoffset="5" y="100" message="low y"/>'
        "</SteadyState>"
    )
    assert read(data, "zwo").cues == (
        Cue(10000, "a", 5),
        Cue(60000, "in a MaxEffort", 0),  # the start of the element before it
        Cue(150000, "from the block start", 0),
        Cue(180000, "toInt", 0),  # "10.5".toInt() is 0
        Cue(215000, "y", 0),  # y >= 240 adds its excess over 240 (line 170)
        Cue(285000, "low y", 0),  # ... and a smaller y all of it
    )


def test_with_a_cp() -> None:
    # int(value * CP / 100.0) (ErgFile.cpp line 198).
    data = zwo('<SteadyState Duration="10" Power="0.75"/><SteadyState Duration="10" Power="1.15"/>')
    t = read(data, "zwo", cp=255)
    assert t.unit == "watts"
    assert [p.value for p in t.points] == [191, 191, 290, 290]  # 75% of 255 = 191.25; 114% = 290.7


# -- ERG and MRC ---------------------------------------------------------------------------------------------

ERG = b"""[COURSE HEADER]
VERSION = 2
UNITS = METRIC
DESCRIPTION = Test
FTP = 250
MINUTES WATTS
[END COURSE HEADER]
[COURSE DATA]
0.00\t100
1.00\t100
1.00\t200.5
1.50\t250
[END COURSE DATA]
[COURSE TEXT]
30\tHello there\t10
60\tWatts = power: read as a setting\t5
70\tLAP is a lap\t5
80\t5\t5
85\t7
[END COURSE TEXT]
"""


def test_erg() -> None:
    t = read(ERG, "erg")
    assert t.valid and t.unit == "watts" and t.ftp == 250
    assert [tuple(p) for p in t.points] == [
        (0, 100),
        (60000, 100),
        (60000, 201),  # round(200.5): half away from zero (line 649)
        (90000, 250),
        (0.0, 5.0),  # "80 5 5": three numbers, a distance course's row (line 529)
        (85 * 60000, 7),  # "85 7": a data row at 85 minutes (line 525)
    ]
    # The cue with '=' is a setting (line 613), the one starting with LAP a lap
    # marker at 70 *minutes* (line 593), the numeric ones data rows: one cue is left.
    assert t.cues == (Cue(30000, "Hello there", 10),)
    assert t.laps == ((70 * 60000, "is a lap 5"),)


def test_erg_ramp_and_value_at() -> None:
    t = read(ERG.split(b"[COURSE TEXT]")[0], "erg")
    assert t.duration_ms == 90000
    assert t.value_at(30000) == 100
    assert t.value_at(60000) == 201  # at a step, the new value
    assert t.value_at(75000) == pytest.approx(225.5)
    assert t.value_at(90001) is None
    assert len(t.per_second()) == 90


def test_erg_ftp_rescaled_to_the_riders_cp() -> None:
    # watts *= CP / FTP, rounded (line 657); the header's FTP is 250 here.
    t = read(ERG.split(b"[COURSE TEXT]")[0], "erg", cp=200)
    assert [p.value for p in t.points] == [80, 80, 161, 200]  # 201 * 0.8 = 160.8


MRC = b"""[COURSE HEADER]
MINUTES PERCENT
[END COURSE HEADER]
[COURSE DATA]
1.00 50.5
2.00 50
[END COURSE DATA]
"""


def test_mrc() -> None:
    t = read(MRC, "mrc")
    assert t.unit == "percent"
    # A start point at 0 is added when the first is later (line 751); 50.5 rounds to 51.
    assert [tuple(p) for p in t.points] == [(0, 51), (60000, 51), (120000, 50)]
    assert [p.value for p in read(MRC, "mrc", cp=255).points] == [130, 130, 127]  # int(51 * 2.55)
    assert read(MRC, "mrc", exact=True).points[1].value == 50.5


def test_course_file_rules() -> None:
    # No MINUTES line: watts, whatever the extension.
    assert read(MRC.replace(b"MINUTES PERCENT\n", b""), "mrc").unit == "watts"
    # Valid only when the last section marker is an END marker (line 725).
    assert not read(MRC.replace(b"[END COURSE DATA]\n", b""), "mrc").valid
    # CR, LF and CRLF line endings; tabs or spaces; ';' comments; markers in any case, anywhere.
    for eol in (b"\r", b"\n", b"\r\n"):
        data = eol.join(
            [
                b"; a comment",
                b"x [course header] x",
                b"minutes   percent",
                b"[END COURSE HEADER]",
                b"[COURSE DATA]",
                b"0 60",
                b" 10\t60 ",
                b"[END COURSE DATA]",
                b"",
            ]
        )
        t = read(data, "mrc")
        assert t.valid and t.unit == "percent" and [tuple(p) for p in t.points] == [(0, 60), (600000, 60)]
    # A relative row needs the rider's CP.
    rel = MRC.replace(b"2.00 50\n", b"2.00 50%\n")
    with pytest.raises(ValueError, match="cp"):
        read(rel, "mrc")
    assert read(rel, "mrc", cp=200).points[-1].value == 100


def test_ride_drops_what_changes_nothing() -> None:
    t = read(
        zwo(
            '<SteadyState Duration="60" Power="0.75"/>' * 3
            + '<Ramp Duration="10" PowerLow="0.75" PowerHigh="1"/>'
        ),
        "zwo",
    )
    assert t.ride() == (Point(0, 75), Point(180000, 75), Point(190000, 100))
    halves = read(
        zwo(
            '<Ramp Duration="10" PowerLow="0.5" PowerHigh="0.6"/>'
            '<Ramp Duration="10" PowerLow="0.6" PowerHigh="0.7"/>'
        ),
        "zwo",
    )
    whole = read(zwo('<Ramp Duration="20" PowerLow="0.5" PowerHigh="0.7"/>'), "zwo")
    assert halves.ride() == whole.ride() and gc_rules.compare(halves, whole) == []
    other = read(zwo('<Ramp Duration="20" PowerLow="0.5" PowerHigh="0.71"/>'), "zwo")
    assert gc_rules.compare(whole, other) != []
    assert gc_rules.compare(whole, other, value=1) == []


def test_compare_within_a_tolerance() -> None:
    # Zwift's float32 values: 0.79999995 then 0.80000001 is a step of 0.000006%
    # in Golden Cheetah, nothing a rider can feel.
    noisy = zwo(
        '<Warmup Duration="600" PowerLow="0.49999997" PowerHigh="0.79999995"/>'
        '<Ramp Duration="60" PowerLow="0.80000001" PowerHigh="0.95"/>'
    )
    clean = zwo(
        '<Warmup Duration="600" PowerLow="0.5" PowerHigh="0.8"/>'
        '<Ramp Duration="60" PowerLow="0.8" PowerHigh="0.95"/>'
    )
    a, b = read(noisy, "zwo", exact=True), read(clean, "zwo", exact=True)
    assert gc_rules.compare(a, b) != []
    assert gc_rules.compare(a, b, value=0.01) == []
    # Truncated, the noise is a whole percent: 0.49999997 rides as 49%.
    assert read(noisy, "zwo").points[0] == Point(0, 49)
    assert gc_rules.compare(read(noisy, "zwo"), read(clean, "zwo"), value=1) == []


# -- Golden Cheetah's own test files -------------------------------------------------------------------------


def _corpus() -> list[Path]:
    folder = PATHS.shared / "corpus" / "goldencheetah"
    return (
        sorted(p for p in folder.iterdir() if p.suffix in (".zwo", ".erg", ".mrc")) if folder.is_dir() else []
    )


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_every_corpus_file_reads(path: Path) -> None:
    t = gc_rules.read_path(path)
    assert t.valid and t.points
    assert all(a.ms <= b.ms for a, b in zip(t.points, t.points[1:], strict=False)), "time goes backwards"
    assert t.unit == ("watts" if path.suffix == ".erg" else "percent")


def test_mayfield() -> None:
    path = PATHS.require_shared("corpus", "goldencheetah", "Mayfield.zwo")
    t = gc_rules.read_path(path)
    assert t.duration_ms == (300 + 2 * 90 + 120 + 10 + 60 + 10 + 60 + 10 + 240 + 600 + 180) * 1000
    # The IntervalsT band rides as ramps; the SteadyState bands as their average.
    assert [tuple(p) for p in t.points[2:6]] == [(300000, 140), (360000, 160), (360000, 50), (390000, 80)]
    assert t.value_at(540000) == 75  # SteadyState 0.6-0.9
    assert t.value_at(1000000) == 89  # SteadyState 0.88-0.9


def test_ftp_test() -> None:
    t = gc_rules.read_path(PATHS.require_shared("corpus", "goldencheetah", "FTPTest.zwo"))
    assert t.duration_ms == 4380000
    assert t.value_at(1210000) == 90  # SteadyState 0.8-1.0
    assert t.value_at(3000000) == 100  # Freeride ftptest="1"
    assert Cue(65000, "get your cadence up to 90-100rpm", 0) in t.cues  # y="270"
    assert len(t.cues) == 18


def test_mrc_with_text_cues() -> None:
    t = gc_rules.read_path(PATHS.require_shared("corpus", "goldencheetah", "TRwithTextCues.mrc"))
    assert t.cues == (
        Cue(600000, "This is a new message", 10),
        Cue(615000, "This message will show up at 10:15 into the workout", 10),
    )
    assert t.points[:4] == (
        Point(0, 50),
        Point(6.6 * 60000, 50),
        Point(6.6 * 60000, 100),
        Point(7.98 * 60000, 140),
    )


def test_lap_markers() -> None:
    t = gc_rules.read_path(PATHS.require_shared("corpus", "goldencheetah", "RampTest.erg"))
    assert [ms for ms, _ in t.laps] == [240000, 360000, 480000]
    assert t.duration_ms == 600000
