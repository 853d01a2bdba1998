"""The language section of issue 3, line by line: each construct parses with
exactly the meaning the issue gives it.

The expected numbers here are worked out from the issue's text, not copied
from nmdsl's output.
"""

from __future__ import annotations

import pytest

import nmdsl
from nmdsl.language import drills
from nmdsl.model import (
    CadenceTarget,
    FreeTarget,
    HeartRateTarget,
    MaxTarget,
    PaceTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    ZoneTarget,
)

MILE_M = 1609.344


def parse(src: str | bytes, **kw: object) -> nmdsl.Workout:
    return nmdsl.parse(src, **kw)  # type: ignore[arg-type]


def only(src: str | bytes) -> Step | Repeat:
    """The one top-level item of a session."""
    w = parse(src)
    assert len(w.steps) == 1, w.steps
    return w.steps[0]


def step(src: str | bytes) -> Step:
    item = only(src)
    assert isinstance(item, Step), item
    return item


def run_step(line: str) -> Step:
    return step("sport: run\n" + line + "\n")


def codes(src: str | bytes, **kw: object) -> list[str]:
    return [d.code for d in nmdsl.check(src, **kw).diagnostics]  # type: ignore[arg-type]


# -- the issue's step examples ------------------------------------------------------------


def test_steady_percent() -> None:  # 10m @60%   steady at 60% FTP
    s = step("10m @60%")
    assert s.duration_s == 600
    assert s.distance_m is None
    assert s.intensity == "active"
    assert isinstance(s.target, PercentTarget)
    assert (s.target.low_pct, s.target.high_pct, s.target.of) == (60, 60, "ftp")
    assert s.cadence is None and s.heart_rate is None and s.cues == () and s.drill is None


def test_percent_range() -> None:  # 5m @88-94%
    s = step("5m @88-94%")
    assert s.duration_s == 300
    assert isinstance(s.target, PercentTarget)
    assert (s.target.low_pct, s.target.high_pct) == (88, 94)


def test_percent_range_with_unit_on_both_ends_is_the_same() -> None:  # @88-94% = @88%-94%
    a, b = step("5m @88-94%"), step("5m @88%-94%")
    assert a.target is not None and b.target is not None
    assert a.target.model_dump(exclude={"span"}) == b.target.model_dump(exclude={"span"})


def test_decimal_percent() -> None:
    s = step("5m @87.5%")
    assert isinstance(s.target, PercentTarget)
    assert s.target.low_pct == s.target.high_pct == 87.5


def test_watts() -> None:  # 3m @250W
    s = step("3m @250W")
    assert s.duration_s == 180
    assert isinstance(s.target, WattsTarget)
    assert (s.target.low_w, s.target.high_w) == (250, 250)


@pytest.mark.parametrize("text", ["@240-260W", "@240W-260W"])
def test_watts_range(text: str) -> None:  # @240-260W range in watts
    s = step(f"3m {text}")
    assert isinstance(s.target, WattsTarget)
    assert (s.target.low_w, s.target.high_w) == (240, 260)


# The issue: Z1 up to 55%, Z2 56-75%, Z3 76-90%, Z4 91-105%, Z5 106-120%,
# Z6 121-150%, Z7 above 150% (the open ends are the implementation's choice).
@pytest.mark.parametrize(
    ("zone", "low", "high"),
    [(2, 56, 75), (3, 76, 90), (4, 91, 105), (5, 106, 120), (6, 121, 150)],
)
def test_zone_is_its_ftp_range(zone: int, low: float, high: float) -> None:  # 20m @Z2
    s = step(f"20m @Z{zone}")
    assert s.duration_s == 1200
    assert isinstance(s.target, ZoneTarget)
    assert (s.target.zone, s.target.low_pct, s.target.high_pct) == (zone, low, high)


def test_open_zones_have_documented_concrete_bounds() -> None:
    z1, z7 = step("20m @Z1").target, step("20m @Z7").target
    assert isinstance(z1, ZoneTarget) and isinstance(z7, ZoneTarget)
    assert z1.zone == 1 and 0 < z1.low_pct < z1.high_pct == 55
    assert z7.zone == 7 and 150 < z7.low_pct <= 151 < z7.high_pct


def test_cadence_with_a_target() -> None:  # 30s @150% 110rpm
    s = step("30s @150% 110rpm")
    assert s.duration_s == 30
    assert isinstance(s.target, PercentTarget) and s.target.low_pct == 150
    assert isinstance(s.cadence, CadenceTarget)
    assert (s.cadence.low_rpm, s.cadence.high_rpm) == (110, 110)


@pytest.mark.parametrize("text", ["100-110rpm", "100rpm-110rpm"])
def test_cadence_range(text: str) -> None:  # 100-110rpm range
    s = step(f"30s @150% {text}")
    assert s.cadence is not None
    assert (s.cadence.low_rpm, s.cadence.high_rpm) == (100, 110)


def test_ramp_percent() -> None:  # 10m ramp 45%-70%
    s = step("10m ramp 45%-70%")
    assert s.duration_s == 600
    assert isinstance(s.target, RampTarget)
    assert (s.target.start, s.target.end, s.target.unit) == (45, 70, "percent")


def test_ramp_watts() -> None:  # ramp 250W-300W too
    s = step("10m ramp 250W-300W")
    assert isinstance(s.target, RampTarget)
    assert (s.target.start, s.target.end, s.target.unit) == (250, 300, "watts")


def test_ramp_unit_on_low_end_optional() -> None:
    a, b = step("10m ramp 45-70%").target, step("10m ramp 45%-70%").target
    assert isinstance(a, RampTarget) and isinstance(b, RampTarget)
    assert (a.start, a.end, a.unit) == (b.start, b.end, b.unit) == (45, 70, "percent")


def test_falling_ramp() -> None:  # ramp FROM-TO goes either way
    s = step("5m ramp 60%-40%")
    assert isinstance(s.target, RampTarget)
    assert (s.target.start, s.target.end) == (60, 40)


def test_free_ride() -> None:  # 1m free
    s = step("1m free")
    assert s.duration_s == 60
    assert isinstance(s.target, FreeTarget)


def test_max_effort() -> None:  # 10s max
    s = step("10s max")
    assert s.duration_s == 10
    assert isinstance(s.target, MaxTarget)


def test_warmup_keyword() -> None:  # warmup 10m ramp 45%-70%
    s = step("warmup 10m ramp 45%-70%")
    assert s.intensity == "warmup"
    assert s.duration_s == 600
    assert isinstance(s.target, RampTarget) and (s.target.start, s.target.end) == (45, 70)


def test_rest_keyword_with_target() -> None:  # rest 3m @50%
    s = step("rest 3m @50%")
    assert s.intensity == "rest"
    assert s.duration_s == 180
    assert isinstance(s.target, PercentTarget) and s.target.low_pct == 50


def test_cooldown_keyword() -> None:  # cooldown 5m ramp 60%-40%
    s = step("cooldown 5m ramp 60%-40%")
    assert s.intensity == "cooldown"
    assert s.duration_s == 300
    assert isinstance(s.target, RampTarget) and (s.target.start, s.target.end) == (60, 40)


def test_rest_without_target_is_an_easy_free_recovery() -> None:
    s = step("rest 3m")
    assert s.intensity == "rest"
    assert s.duration_s == 180
    assert isinstance(s.target, FreeTarget)


def test_recovery_keyword() -> None:  # recovery 3m @50%
    s = step("recovery 3m @50%")
    assert s.intensity == "recovery"
    assert s.duration_s == 180
    assert isinstance(s.target, PercentTarget) and s.target.low_pct == 50


def test_recovery_keyword_starts_a_block_line_and_a_slash_line() -> None:
    w = parse("3x:\n  30s @150%\n  recovery 30s @50%\n2x recovery 1m @40% / 20s @60%\n")
    block, line = w.steps
    assert isinstance(block, Repeat) and isinstance(line, Repeat)
    assert [s.intensity for s in block.steps if isinstance(s, Step)] == ["active", "recovery"]
    assert [s.intensity for s in line.steps if isinstance(s, Step)] == ["recovery", "recovery"]


def test_recovery_keyword_needs_a_target() -> None:
    """Unlike 'rest D' (free), a recovery says how easy: 'recovery 3m' alone is E303."""
    r = nmdsl.check("recovery 3m\n")
    assert [d.code for d in r.errors] == ["E303"]


def test_cue_at_the_start() -> None:  # 30s @150% "Out of the saddle!"
    s = step('30s @150% "Out of the saddle!"')
    assert [(c.text, c.offset_s) for c in s.cues] == [("Out of the saddle!", 0)]


def test_cue_at_an_offset() -> None:  # 5m @90% "Hold it" "Last minute!" at 4m
    s = step('5m @90% "Hold it" "Last minute!" at 4m')
    assert s.duration_s == 300
    assert isinstance(s.target, PercentTarget) and s.target.low_pct == 90
    assert [(c.text, c.offset_s) for c in s.cues] == [("Hold it", 0), ("Last minute!", 240)]


def test_at_belongs_to_the_cue_just_before_it() -> None:
    s = step('5m @90% "a" at 1m "b" "c" at 1:30')
    assert [(c.text, c.offset_s) for c in s.cues] == [("a", 60), ("b", 0), ("c", 90)]


def test_cue_with_hash_is_a_cue_not_a_comment() -> None:  # "Interval #3" is a cue
    s = step('30s @150% "Interval #3"   # and this is a comment')
    assert [c.text for c in s.cues] == ["Interval #3"]


def test_cue_has_no_escapes() -> None:
    s = step(r'30s @150% "back\slash"')
    assert [c.text for c in s.cues] == ["back\\slash"]


def test_cues_come_after_cadence_and_heart_rate() -> None:
    s = step('30s @150% 110rpm @150bpm "Go"')
    assert s.cadence is not None and s.cadence.low_rpm == 110
    assert s.heart_rate is not None and s.heart_rate.low_bpm == 150
    assert [c.text for c in s.cues] == ["Go"]


def test_items_separated_by_tabs() -> None:
    s = step('30s\t@150%\t110rpm\t"Go"')
    assert s.duration_s == 30 and s.cadence is not None and [c.text for c in s.cues] == ["Go"]


# -- runs ---------------------------------------------------------------------------------


def test_pace() -> None:  # @4:30/km
    s = run_step("10m @4:30/km")
    assert s.duration_s == 600
    assert isinstance(s.target, PaceTarget)
    assert (s.target.fast.seconds, s.target.fast.per) == (270, "km")
    assert (s.target.slow.seconds, s.target.slow.per) == (270, "km")


@pytest.mark.parametrize("text", ["@4:20-4:30/km", "@4:20/km-4:30/km"])
def test_pace_range(text: str) -> None:  # @4:20-4:30/km; the unit on the low end optional
    s = run_step(f"10m {text}")
    assert isinstance(s.target, PaceTarget)
    assert (s.target.fast.seconds, s.target.slow.seconds) == (260, 270)
    assert s.target.fast.per == s.target.slow.per == "km"


def test_pace_per_mile() -> None:  # @7:00/mi
    s = run_step("10m @7:00/mi")
    assert isinstance(s.target, PaceTarget)
    assert (s.target.fast.seconds, s.target.fast.per) == (420, "mi")
    assert s.target.fast.s_per_km == pytest.approx(420 * 1000 / MILE_M)


def test_percent_on_a_run_is_of_threshold_speed() -> None:
    s = run_step("10m @90%")
    assert isinstance(s.target, PercentTarget)
    assert (s.target.low_pct, s.target.of) == (90, "threshold_speed")


@pytest.mark.parametrize("sport", ["bike", "run"])
def test_heart_rate_on_any_sport(sport: str) -> None:  # @150bpm
    s = step(f"sport: {sport}\n10m @150bpm\n")
    assert s.heart_rate is not None
    assert (s.heart_rate.low_bpm, s.heart_rate.high_bpm) == (150, 150)
    assert s.target is None


@pytest.mark.parametrize("text", ["@140-150bpm", "@140bpm-150bpm"])
def test_heart_rate_range(text: str) -> None:  # @140-150bpm
    s = step(f"10m @60% {text}")
    assert isinstance(s.heart_rate, HeartRateTarget)
    assert (s.heart_rate.low_bpm, s.heart_rate.high_bpm) == (140, 150)
    assert isinstance(s.target, PercentTarget)  # beside an intensity target


@pytest.mark.parametrize("line", ["1m max", "1m free", "1m @150bpm", "1m @95%"])
def test_both_sports_take_percent_bpm_max_free(line: str) -> None:
    for sport in ("bike", "run"):
        assert nmdsl.check(f"sport: {sport}\n{line}\n").ok, (sport, line)


# -- durations and distances -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("90s", 90),
        ("10m", 600),  # m is minutes
        ("10min", 600),
        ("1h", 3600),
        ("1h30m", 5400),
        ("1m30s", 90),
        ("1:30", 90),  # m:ss
        ("1:00:00", 3600),  # h:mm:ss
        ("1h30s", 3630),
        ("1h1min1s", 3661),
        ("1h2m3s", 3723),
        ("0:05", 5),
        ("59:59", 3599),
        ("2:05:09", 7509),
        ("0:00:01", 1),
        ("600s", 600),
    ],
)
def test_duration_forms(text: str, seconds: int) -> None:
    s = step(f"{text} @50%")
    assert s.duration_s == seconds
    assert s.distance_m is None


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("400mtr", 400),
        ("1km", 1000),
        ("1.5km", 1500),
        ("1mi", MILE_M),
        ("0.5mi", MILE_M / 2),
        ("2.5mtr", 2.5),
    ],
)
def test_distance_forms(text: str, metres: float) -> None:
    s = run_step(f"{text} @4:00/km")
    assert s.distance_m == pytest.approx(metres)
    assert s.duration_s is None


def test_m_means_minutes_even_on_a_run() -> None:
    w = parse("sport: run\n400m @90%\n")
    s = w.steps[0]
    assert isinstance(s, Step)
    assert s.duration_s == 400 * 60 and s.distance_m is None


def test_long_run_step_in_minutes_gets_did_you_mean_mtr() -> None:
    r = nmdsl.check("sport: run\n400m @90%\n")
    assert r.ok  # a warning, the step still means 400 minutes
    (d,) = r.diagnostics
    assert d.hint is not None and "400mtr" in d.hint
    assert d.span is not None and (d.span.line, d.span.column) == (2, 1)


def test_run_step_under_100_minutes_has_no_hint() -> None:
    assert nmdsl.check("sport: run\n99m @90%\n").diagnostics == []


def test_bike_step_of_100_minutes_has_no_hint() -> None:
    assert nmdsl.check("100m @60%\n").diagnostics == []


@pytest.mark.parametrize("bad", ["60:00", "1:60", "1:00:60", "1:60:00"])
def test_clock_minutes_and_seconds_are_00_to_59(bad: str) -> None:
    assert codes(f"{bad} @50%") == ["E202"]


@pytest.mark.parametrize(
    "bad", ["30s1m", "1m1m", "1s1h", "1m1h", "1.5m", "1.5h", "1.2345s", "10M", "30S", "1H"]
)
def test_compound_order_case_and_no_decimals(bad: str) -> None:
    r = nmdsl.check(f"{bad} @50%")
    assert not r.ok
    assert {d.code for d in r.errors} == {"E002"}
    assert all(d.span is not None and d.span.column == 1 for d in r.errors)


# -- distance steps: time from the pace target ------------------------------------------


def test_distance_time_from_pace() -> None:
    w = parse("sport: run\n1km @4:00/km\n")
    t = w.totals()
    assert t.duration_s == pytest.approx(240)
    assert t.distance_m == pytest.approx(1000)


def test_distance_time_from_middle_of_pace_range() -> None:
    w = parse("sport: run\n2km @4:00-5:00/km\n")
    assert w.totals().duration_s == pytest.approx(2 * 270)  # middle of 4:00 and 5:00


def test_distance_in_miles_at_mile_pace() -> None:
    w = parse("sport: run\n1mi @8:00/mi\n")
    assert w.totals().duration_s == pytest.approx(480)


def test_distance_in_km_at_mile_pace() -> None:
    w = parse("sport: run\n1km @8:00/mi\n")
    assert w.totals().duration_s == pytest.approx(480 * 1000 / MILE_M)


def test_distance_without_pace_has_unknown_time() -> None:
    r = nmdsl.check("sport: run\n10m @60%\n1km free\n")
    assert r.workout is not None
    t = r.workout.totals()
    assert t.duration_s == 600  # the distance step is left out
    assert t.distance_m == pytest.approx(1000)
    assert t.unknown_duration_steps == 1
    seg = r.workout.timeline()[1]
    assert seg.duration_s is None


def test_distance_in_repeat_timeline() -> None:
    w = parse("sport: run\n4x 400mtr @3:30-3:50/km / 1m free\n")
    segs = w.timeline()
    assert len(segs) == 8
    assert segs[0].duration_s == pytest.approx(0.4 * 220)
    assert segs[1].start_s == pytest.approx(88) and segs[1].duration_s == 60
    assert w.totals().duration_s == pytest.approx(4 * (88 + 60))
    assert w.totals().distance_m == pytest.approx(1600)


# -- repeats --------------------------------------------------------------------------------


def test_work_recovery_repeat() -> None:  # 6x 30s @150% / 30s @50%
    r = only("6x 30s @150% / 30s @50%")
    assert isinstance(r, Repeat)
    assert r.count == 6 and not r.block
    work, rec = r.steps
    assert isinstance(work, Step) and isinstance(rec, Step)
    assert (work.duration_s, work.intensity) == (30, "active")
    assert isinstance(work.target, PercentTarget) and work.target.low_pct == 150
    assert (rec.duration_s, rec.intensity) == (30, "recovery")
    assert isinstance(rec.target, PercentTarget) and rec.target.low_pct == 50


def test_recovery_follows_every_repetition_so_6x_30_30_lasts_6_minutes() -> None:
    w = parse("6x 30s @150% / 30s @50%")
    assert w.totals().duration_s == 360
    segs = w.timeline()
    assert len(segs) == 12
    assert [s.step.intensity for s in segs] == ["active", "recovery"] * 6
    assert [s.start_s for s in segs] == [30.0 * i for i in range(12)]
    assert segs[-1].step.intensity == "recovery"  # the last repetition included


def test_any_number_of_slash_steps_later_ones_are_recovery() -> None:
    r = only("3x 30s @150% / 30s @50% / 1m @40% / 10s free")
    assert isinstance(r, Repeat)
    assert [s.intensity for s in r.steps if isinstance(s, Step)] == [
        "active",
        "recovery",
        "recovery",
        "recovery",
    ]
    assert parse("3x 30s @150% / 30s @50% / 1m @40% / 10s free").totals().duration_s == 3 * 130


@pytest.mark.parametrize("word", ["warmup", "cooldown", "rest", "recovery"])
def test_keyword_on_a_recovery_step_says_otherwise(word: str) -> None:
    r = only(f"6x 30s @150% / {word} 30s @50%")
    assert isinstance(r, Repeat)
    assert [s.intensity for s in r.steps if isinstance(s, Step)] == ["active", word]


def test_keywords_stand_anywhere() -> None:
    w = parse(
        "6x warmup 30s @50% / cooldown 30s @40%\n"
        "3x:\n"
        "  rest 1m\n"
        "  warmup 1m @60%\n"
        "  2x 30s @150% / rest 30s\n"
    )
    first, block = w.steps
    assert isinstance(first, Repeat) and isinstance(block, Repeat)
    assert [s.intensity for s in first.steps if isinstance(s, Step)] == ["warmup", "cooldown"]
    rest, warm, inner = block.steps
    assert isinstance(rest, Step) and isinstance(warm, Step) and isinstance(inner, Repeat)
    assert (rest.intensity, warm.intensity) == ("rest", "warmup")
    assert isinstance(rest.target, FreeTarget)
    inner_rest = inner.steps[1]
    assert isinstance(inner_rest, Step)
    assert inner_rest.intensity == "rest" and isinstance(inner_rest.target, FreeTarget)
    assert w.totals().duration_s == 6 * 60 + 3 * (60 + 60 + 2 * 60)


def test_block_repeat() -> None:  # the issue's 3x: example
    w = parse("3x:\n  4x 30s @150% / 45s @55%\n  6m @90%\n  5m @50%\n")
    (block,) = w.steps
    assert isinstance(block, Repeat) and block.block and block.count == 3
    inner, six, five = block.steps
    assert isinstance(inner, Repeat) and inner.count == 4 and not inner.block
    assert isinstance(six, Step) and six.duration_s == 360 and six.intensity == "active"
    assert isinstance(five, Step) and five.duration_s == 300 and five.intensity == "active"
    assert w.totals().duration_s == 3 * (4 * 75 + 360 + 300)


def test_blocks_nest_and_dedent_returns_to_the_enclosing_level() -> None:
    src = (
        "2x:\n"
        "    1m @50%\n"  # 4 spaces at this level
        "    3x:\n"
        "     10s max\n"  # one more space: any consistent number
        "     2x:\n"
        "       5s @200%\n"
        "     20s free\n"
        "    1m @60%\n"  # back to the first block's level
        "1m @40%\n"  # back to the top
    )
    w = parse(src)
    outer, last = w.steps
    assert isinstance(outer, Repeat) and outer.count == 2
    assert isinstance(last, Step) and last.duration_s == 60
    a, mid, b = outer.steps
    assert isinstance(a, Step) and isinstance(mid, Repeat) and isinstance(b, Step)
    assert mid.count == 3 and len(mid.steps) == 3
    innermost = mid.steps[1]
    assert isinstance(innermost, Repeat) and innermost.count == 2
    inner = 10 + 2 * 5 + 20
    assert w.totals().duration_s == 2 * (60 + 3 * inner + 60) + 60


def test_blocks_nest_deeply() -> None:
    depth = 12
    src = "".join(" " * i + "2x:\n" for i in range(depth)) + " " * depth + "1s @50%\n"
    w = parse(src)
    assert w.totals().duration_s == 2**depth
    item = w.steps[0]
    for _ in range(depth):
        assert isinstance(item, Repeat) and item.count == 2 and item.block
        item = item.steps[0]
    assert isinstance(item, Step)


def test_block_with_comment_and_blank_lines_inside() -> None:
    w = parse("3x:\n\n  # a comment\n  1m @50%\n\n  1m @60%\n")
    (block,) = w.steps
    assert isinstance(block, Repeat) and len(block.steps) == 2


def test_one_times_repeat_is_allowed() -> None:
    w = parse("1x 30s @150% / 30s @50%")
    assert w.totals().duration_s == 60


# -- drills ------------------------------------------------------------------------------


def test_repeated_drill_gets_default_target_and_recovery() -> None:  # 8x strides 20s
    d = drills.defaults("strides", "bike")
    assert d is not None
    r = only("8x strides 20s")
    assert isinstance(r, Repeat) and r.count == 8
    work, rec = r.steps
    assert isinstance(work, Step) and isinstance(rec, Step)
    assert work.drill == "strides" and work.duration_s == 20 and work.intensity == "active"
    assert work.target == d.target
    assert work.cadence == d.cadence
    assert rec.intensity == "recovery" and rec.implicit
    assert rec.model_dump(exclude={"span"}) == d.recovery.model_dump(exclude={"span"})
    assert parse("8x strides 20s").totals().duration_s == 8 * (20 + (d.recovery.duration_s or 0))


def test_drill_with_explicit_recovery() -> None:  # 8x strides 20s / 40s free
    d = drills.defaults("strides", "bike")
    assert d is not None
    r = only("8x strides 20s / 40s free")
    assert isinstance(r, Repeat)
    work, rec = r.steps
    assert isinstance(work, Step) and isinstance(rec, Step)
    assert work.target == d.target
    assert (rec.duration_s, rec.intensity, rec.implicit) == (40, "recovery", False)
    assert isinstance(rec.target, FreeTarget)
    assert parse("8x strides 20s / 40s free").totals().duration_s == 8 * 60


def test_drill_overrides_target_and_recovery() -> None:  # 8x strides 20s @110% / 1m free
    r = only("8x strides 20s @110% / 1m free")
    assert isinstance(r, Repeat)
    work, rec = r.steps
    assert isinstance(work, Step) and isinstance(rec, Step)
    assert isinstance(work.target, PercentTarget) and work.target.low_pct == work.target.high_pct == 110
    assert rec.duration_s == 60 and isinstance(rec.target, FreeTarget)


def test_drill_after_a_slash_is_work() -> None:
    # later '/' steps are recoveries "unless they say otherwise": a drill word does
    r = only("4x 3m @60% / sprint 10s")
    assert isinstance(r, Repeat)
    easy, sprint = r.steps
    assert isinstance(easy, Step) and isinstance(sprint, Step)
    assert (sprint.drill, sprint.intensity) == ("sprint", "active")
    assert isinstance(sprint.target, MaxTarget)
    # two steps: no default recovery added
    assert parse("4x 3m @60% / sprint 10s").totals().duration_s == 4 * 190


def test_lone_drill_gets_no_recovery() -> None:  # sprint 10s
    w = parse("sprint 10s")
    (s,) = w.steps
    assert isinstance(s, Step)
    assert s.drill == "sprint" and isinstance(s.target, MaxTarget)
    assert w.totals().duration_s == 10
    assert len(w.timeline()) == 1


def test_repeated_sprint() -> None:  # 6x sprint 10s
    d = drills.defaults("sprint", "bike")
    assert d is not None and d.recovery.duration_s
    w = parse("6x sprint 10s")
    segs = w.timeline()
    assert len(segs) == 12
    assert all(isinstance(s.step.target, MaxTarget) for s in segs[::2])
    assert all(s.step.intensity == "recovery" for s in segs[1::2])
    assert w.totals().duration_s == 6 * (10 + d.recovery.duration_s)


def test_drill_in_a_block_with_default_recovery() -> None:
    d = drills.defaults("accel", "bike")
    assert d is not None and d.recovery.duration_s
    w = parse("2x:\n  3x accel 15s\n  5m @60%\n")
    assert w.totals().duration_s == 2 * (3 * (15 + d.recovery.duration_s) + 300)


def test_drill_keeps_default_cadence_when_target_overridden() -> None:
    d = drills.defaults("spinup", "bike")
    assert d is not None and d.cadence is not None
    s = step("spinup 30s @60%")
    assert isinstance(s.target, PercentTarget) and s.target.low_pct == 60
    assert s.cadence == d.cadence
    s2 = step("spinup 30s @60% 150rpm")
    assert s2.cadence is not None and s2.cadence.low_rpm == 150


@pytest.mark.parametrize(("sport", "drill"), [(s, d) for s in ("bike", "run") for d in drills.DEFAULTS[s]])
def test_every_drill_default_is_used(sport: str, drill: str) -> None:
    d = drills.defaults(drill, sport)  # type: ignore[arg-type]
    assert d is not None
    s = step(f"sport: {sport}\n{drill} 20s\n")
    assert s.drill == drill
    assert s.target == d.target
    assert s.cadence == d.cadence
    assert d.recovery.intensity == "recovery" and d.recovery.implicit
    assert d.recovery.duration_s and d.recovery.duration_s > 0


def test_drill_defaults_follow_the_issue() -> None:
    # sprint: all-out (the max target), on both sports
    for sport in ("bike", "run"):
        d = drills.defaults("sprint", sport)
        assert d is not None and isinstance(d.target, MaxTarget)
    # strides, bike: a seated surge about 120-130% FTP at high cadence
    bike = drills.defaults("strides", "bike")
    assert bike is not None and isinstance(bike.target, PercentTarget)
    assert bike.target.of == "ftp" and 115 <= bike.target.low_pct <= bike.target.high_pct <= 135
    assert bike.cadence is not None and bike.cadence.low_rpm >= 95
    # strides, run: about mile pace, well above threshold speed
    run = drills.defaults("strides", "run")
    assert run is not None and isinstance(run.target, PercentTarget)
    assert run.target.of == "threshold_speed" and run.target.low_pct > 105
    # accel: building from moderate to near-max over the duration
    for sport in ("bike", "run"):
        d = drills.defaults("accel", sport)
        assert d is not None and isinstance(d.target, RampTarget)
        assert d.target.start < d.target.end
    # spinup: high cadence at low power, bike only
    spin = drills.defaults("spinup", "bike")
    assert spin is not None and spin.cadence is not None and spin.cadence.low_rpm >= 110
    assert isinstance(spin.target, PercentTarget) and spin.target.high_pct <= 75
    assert drills.defaults("spinup", "run") is None


# -- header --------------------------------------------------------------------------------


def test_header_all_keys() -> None:
    w = parse(
        "name: Attacks\n"
        "author: A. Rider\n"
        "description: Four sets\n"
        "sport: run\n"
        "tags: anaerobic, attacks ,  x\n"
        "threshold-pace: 4:10/km\n"
        "lthr: 170\n"
        "max-hr: 190\n"
        "10m @60%\n"
    )
    m = w.meta
    assert m.name == "Attacks"
    assert m.author == "A. Rider"
    assert m.description == "Four sets"
    assert m.sport == "run"
    assert m.tags == ("anaerobic", "attacks", "x")
    assert m.threshold_pace is not None and (m.threshold_pace.seconds, m.threshold_pace.per) == (250, "km")
    assert m.lthr_bpm == 170
    assert m.max_hr_bpm == 190
    assert m.ftp_w is None


def test_header_defaults() -> None:
    m = parse("10m @60%").meta
    assert m.sport == "bike"
    assert m.name is None and m.tags == () and m.ftp_w is None


@pytest.mark.parametrize("value", ["250", "250W"])
def test_ftp_forms(value: str) -> None:
    assert parse(f"ftp: {value}\n10m @60%\n").meta.ftp_w == 250


def test_threshold_pace_per_mile() -> None:
    m = parse("sport: run\nthreshold-pace: 6:40/mi\n10m @90%\n").meta
    assert m.threshold_pace is not None
    assert (m.threshold_pace.seconds, m.threshold_pace.per) == (400, "mi")


def test_header_value_taken_as_written() -> None:  # description: Tom & "Jerry" <test>
    m = parse('description: Tom & "Jerry" <test>\n10m @60%\n').meta
    assert m.description == 'Tom & "Jerry" <test>'


def test_header_value_trimmed_up_to_comment() -> None:
    m = parse("name:    Over-unders   # the hard ones\n10m @60%\n").meta
    assert m.name == "Over-unders"


def test_quoted_header_value_may_contain_hash() -> None:
    m = parse('name: "Interval #3"\n10m @60%\n').meta
    assert m.name == "Interval #3"


def test_quoted_header_value_then_comment() -> None:
    m = parse('name: "Session #2"   # comment\n10m @60%\n').meta
    assert m.name == "Session #2"


def test_hash_inside_quotes_in_an_unquoted_header_value_is_not_a_comment() -> None:
    # '#' starts a comment "except inside a "..." string", in a header value too.
    m = parse('description: Tom & "Jerry #1"   # the comment\n10m @60%\n').meta
    assert m.description == 'Tom & "Jerry #1"'


def test_partly_quoted_header_value_is_taken_as_written() -> None:
    m = parse('name: "Big" day\n10m @60%\n').meta
    assert m.name == '"Big" day'


def test_sport_run_takes_run_units() -> None:
    w = parse("sport: run\n1km @4:30/km\n")
    assert w.meta.sport == "run"


# -- file-level rules --------------------------------------------------------------------


def test_comments_and_blank_lines_ignored() -> None:
    w = parse("# a session\n\nname: X   # the name\n\n   \n10m @60%   # easy\n# end\n")
    assert w.meta.name == "X"
    assert len(w.steps) == 1


@pytest.mark.parametrize(
    "data",
    [
        b"name: X\r\n3x:\r\n  1m @50%\r\n  1m @60%\r\n",
        b"\xef\xbb\xbfname: X\n3x:\n  1m @50%\n  1m @60%\n",
        b"\xef\xbb\xbfname: X\r\n3x:\r\n  1m @50%\r\n  1m @60%\r\n",
        "\ufeffname: X\r\n3x:\r\n  1m @50%\r\n  1m @60%\r\n",
        "name: X\r3x:\r  1m @50%\r  1m @60%\r",
    ],
)
def test_crlf_and_bom_accepted(data: str | bytes) -> None:
    w = parse(data)
    assert w.meta.name == "X"
    (block,) = w.steps
    assert isinstance(block, Repeat) and block.count == 3 and len(block.steps) == 2
    assert w.totals().duration_s == 360


def test_crlf_keeps_line_numbers() -> None:
    r = nmdsl.check(b"1m @50%\r\n\r\n5m @94-88%\r\n")
    (d,) = r.diagnostics
    assert d.span is not None and (d.span.line, d.span.column) == (3, 4)


def test_utf8_text_in_cues_and_header() -> None:
    w = parse('name: Rønnestad 30/15\n30s @120% "Allez ! Ø"\n'.encode())
    assert w.meta.name == "Rønnestad 30/15"
    s = w.steps[0]
    assert isinstance(s, Step) and s.cues[0].text == "Allez ! Ø"


def test_bytes_and_str_give_the_same_workout() -> None:
    src = 'name: A\n3x:\n  30s @150% "Go"\n  rest 30s\n'
    assert nmdsl.parse(src) == nmdsl.parse(src.encode())


def test_spans_point_at_the_source() -> None:
    w = parse("name: X\n\n6x 30s @150% 110rpm / 30s @50%\n")
    (r,) = w.steps
    assert isinstance(r, Repeat)
    assert r.span is not None and (r.span.line, r.span.column) == (3, 1)
    work, rec = r.steps
    assert isinstance(work, Step) and isinstance(rec, Step)
    assert work.span is not None and (work.span.line, work.span.column) == (3, 4)
    assert work.target is not None and work.target.span is not None
    assert (work.target.span.column, work.target.span.end_column) == (8, 13)  # @150%
    assert work.cadence is not None and work.cadence.span is not None
    assert (work.cadence.span.column, work.cadence.span.end_column) == (14, 20)  # 110rpm
    assert rec.span is not None and rec.span.column == 23


def test_ftp_option_only_when_header_sets_none() -> None:
    assert parse("10m @60%", ftp_w=250).meta.ftp_w == 250
    assert parse("ftp: 200\n10m @60%\n", ftp_w=250).meta.ftp_w == 200


def test_a_cue_at_0s_fires_at_the_start() -> None:
    (step,) = parse('5m @50% "go" at 0s "half" at 2m30s\n').steps
    assert isinstance(step, Step)
    assert [(c.text, c.offset_s) for c in step.cues] == [("go", 0), ("half", 150)]


def test_repertoire_drills_defaults_per_sport() -> None:
    # standing-start and torque are bike drills; hill-sprint and flying run drills.
    for drill in ("standing-start", "torque"):
        assert drills.defaults(drill, "bike") is not None and drills.defaults(drill, "run") is None
    for drill in ("hill-sprint", "flying"):
        assert drills.defaults(drill, "run") is not None and drills.defaults(drill, "bike") is None
    w = parse("ftp: 250\n6x standing-start 12s\n")
    assert w.totals().duration_s == 6 * (12 + 300)
    torque = step("torque 5m")
    assert isinstance(torque.target, PercentTarget)
    assert (torque.target.low_pct, torque.target.high_pct) == (85, 95)
    assert torque.cadence is not None and (torque.cadence.low_rpm, torque.cadence.high_rpm) == (50, 60)
    assert step("torque 5m @80% 45rpm").cadence.low_rpm == 45  # type: ignore[union-attr]
    run = parse("sport: run\n8x hill-sprint 10s\n4x flying 4s / 2m free\n")
    assert run.totals().duration_s == 8 * (10 + 180) + 4 * (4 + 120)
    hill = run.steps[0]
    assert isinstance(hill, Repeat) and isinstance(hill.steps[0], Step)
    assert hill.steps[0].drill == "hill-sprint" and isinstance(hill.steps[0].target, MaxTarget)


def test_a_drill_of_the_other_sport_is_e307_both_ways() -> None:
    bike = nmdsl.check("2x hill-sprint 10s\n").diagnostics
    assert [d.code for d in bike] == ["E307"]
    assert bike[0].message == "'hill-sprint' is a run drill; this is a bike session"
    run = nmdsl.check("sport: run\ntorque 5m\n").diagnostics
    assert [d.code for d in run] == ["E307"]
    assert run[0].message == "'torque' is a bike drill; this is a run session"
