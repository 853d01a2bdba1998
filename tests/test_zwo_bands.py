"""Issue 13: a band (a range or a zone) rides the same inside a repeat as outside, by Golden Cheetah's rules.

Golden Cheetah rides a ``SteadyState`` band as its average and an
``IntervalsT`` band as a ramp from low to high in every repetition
(``ZwoParser.cpp``); Zwift rides both at the middle.  So the backend writes
a band as a ``SteadyState`` wherever it is, and these tests ride the
compiled files with :mod:`tests.gc_rules`, an independent reader of Golden
Cheetah's rules: what the athlete rides must be what the session says.
"""

from __future__ import annotations

from hypothesis import given

import nmdsl
from nmdsl.model import FreeTarget, MaxTarget, PercentTarget, RampTarget, WattsTarget, Workout, ZoneTarget

from . import gc_rules
from .conftest import PATHS
from .test_zwo import bike_session, compile_zwo


def ride(source: str, **kw: object) -> gc_rules.Timeline:
    return gc_rules.read(compile_zwo(source), "zwo", **kw)


def test_a_band_in_a_repeat_rides_its_middle() -> None:
    t = ride("3x 1m @60-90% / 1m @50%\n")
    assert t.ride() == tuple(
        gc_rules.Point(ms, v)
        for k in range(3)
        for ms, v in [
            (k * 120000, 75),
            (k * 120000 + 60000, 75),
            (k * 120000 + 60000, 50),
            (k * 120000 + 120000, 50),
        ]
    )


def test_a_band_rides_the_same_inside_and_outside_a_repeat() -> None:
    for body in ["1m @60-90% / 1m @50%", "1m @110% / 2m @45-55%", "20s @Z6 / 40s @Z1", "30s @Z5 / 30s @Z2"]:
        on, off = body.split(" / ")
        inside = ride(f"4x {body}\n")
        outside = ride(f"{on}\nrecovery {off}\n" * 4)
        assert gc_rules.compare(inside, outside) == [], body


def test_the_strides_drills_default_band() -> None:
    # strides: @120-130% 100-110rpm, then 1m @50% (drills.py).
    t = ride("2x strides 20s\n")
    assert [tuple(p) for p in t.ride()] == [
        (0, 125),
        (20000, 125),
        (20000, 50),
        (80000, 50),
        (80000, 125),
        (100000, 125),
        (100000, 50),
        (160000, 50),
    ]


def test_watts_and_pace_of_one_value_still_make_intervals() -> None:
    data = compile_zwo("ftp: 250\n5x 1m @300W / 1m @125W\n")
    assert b"<IntervalsT" in data
    t = gc_rules.read(data, "zwo", cp=250)
    assert {p.value for p in t.points} == {300, 125}


# -- every generated session rides, in Golden Cheetah, what it says ------------------------------------------


def _expected(workout: Workout) -> tuple[list[tuple[float, float | None]], list[tuple[float, str]]]:
    """(GC time in s of the middle of each second, the % of FTP it should ride or None), and the cues.

    A band rides its middle, a ramp its straight line, a one-value target
    that value.  Golden Cheetah ignores ``MaxEffort`` (its time vanishes) and
    holds some value in a ``FreeRide``: those seconds are not compared, and
    the cues of a MaxEffort are not placed.
    """
    ftp = workout.meta.ftp_w or 1.0
    seconds: list[tuple[float, float | None]] = []
    cues: list[tuple[float, str]] = []
    t = 0.0
    for seg in workout.timeline():
        step, target = seg.step, seg.step.target
        if isinstance(target, MaxTarget):
            continue
        assert seg.duration_s is not None
        n = round(seg.duration_s)
        for cue in step.cues:
            cues.append(((t + cue.offset_s) * 1000, cue.text))
        for i in range(n):
            value: float | None
            match target:
                case PercentTarget() | ZoneTarget():
                    value = (target.low_pct + target.high_pct) / 2
                case WattsTarget():
                    value = (target.low_w + target.high_w) / 2 / ftp * 100
                case RampTarget():
                    scale = 1.0 if target.unit == "percent" else 100 / ftp
                    value = (target.start + (target.end - target.start) * (i + 0.5) / n) * scale
                case FreeTarget() | None:
                    value = None
                case _:
                    raise AssertionError(target)
            seconds.append((t + i + 0.5, value))
        t += n
    return seconds, cues


@given(bike_session())
def test_golden_cheetah_rides_what_the_session_says(source: str) -> None:
    workout = nmdsl.parse(source)
    t = gc_rules.read(nmdsl.compile(workout, "zwo"), "zwo", exact=True)
    seconds, cues = _expected(workout)
    if not t.valid:  # nothing but MaxEffort
        assert all(v is None for _, v in seconds) and not seconds
        return
    assert t.duration_ms == len(seconds) * 1000
    for at, value in seconds:
        if value is not None:
            # 0.006%: watts are written as a percentage rounded to 0.01% first.
            got = t.value_at(at * 1000)
            assert got is not None and abs(got - value) <= 0.006, (at, got, value, source)
    placed = [(c.ms, c.text) for c in t.cues]
    for cue in cues:
        assert cue in placed, (cue, placed)
        placed.remove(cue)


# -- Zwift's Mayfield.zwo, imported and compiled -------------------------------------------------------------


def test_mayfield_compiled_rides_its_bands_at_the_middle() -> None:
    path = PATHS.require_shared("corpus", "goldencheetah", "Mayfield.zwo")
    original = gc_rules.read_path(path)
    compiled = gc_rules.read(nmdsl.compile(nmdsl.read(path), "zwo"), "zwo")
    assert compiled.duration_ms == original.duration_ms
    # The file's IntervalsT band (300-480 s: 2x 1m @140-160% / 30s @50-80%)
    # rides as ramps in Golden Cheetah, at its middle in Zwift; nmdsl reads it
    # as Zwift does and writes SteadyState bands, so Golden Cheetah now rides
    # the middle too.  Everything else, its SteadyState bands included, rides
    # as before.
    for k, (a, b) in enumerate(zip(original.per_second(), compiled.per_second(), strict=True)):
        if 300 <= k < 480:
            assert b == (150 if (k - 300) % 90 < 60 else 65), k
            assert a != b
        else:
            assert a == b, k
