"""Issue 15's language additions: lap, until <Nbpm, ~D estimates, bike distances, heart-rate targets.

Each normative line of the issue is parsed and its meaning checked in the
model; each new error is checked with its code, place and hint; the writer
and the formatter keep every construct (a hypothesis property over generated
steps: write then parse gives the same model, and fmt is stable).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nmdsl
from nmdsl.language.fmt import format_text
from nmdsl.model import (
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    LapEnd,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    ZoneTarget,
    end_bpm,
    heart_rate_bpm,
)

HEADER = "name: v2\nlthr: 165\nmax-hr: 190\n"


def _step(line: str, header: str = HEADER) -> Step:
    w = nmdsl.parse(header + line + "\n")
    (item,) = w.steps
    assert isinstance(item, Step)
    return item


def ns(node: object) -> object:
    """The node without its source span (spans are checked where they matter)."""
    return None if node is None else dataclasses.replace(node, span=None)  # type: ignore[type-var]


def _codes(text: str) -> list[tuple[str, int, int]]:
    r = nmdsl.check(text)
    return [(d.code, d.span.line, d.span.column) for d in r.diagnostics if d.span is not None]


def test_warmup_lap_lasts_until_the_lap_button() -> None:
    s = _step("warmup lap @Z2")
    assert s.intensity == "warmup" and isinstance(s.until, LapEnd)
    assert s.duration_s is None and s.distance_m is None and s.estimate_s is None
    assert ns(s.target) == ZoneTarget(zone=2, low_pct=56.0, high_pct=75.0)
    totals = nmdsl.parse(HEADER + "warmup lap @Z2\n10m @60%\n").totals()
    # The lap step's time is unknown: the total is the known part, and says so.
    assert totals.duration_s == 600 and totals.unknown_duration_steps == 1 and not totals.exact


def test_lap_with_an_estimate() -> None:
    s = _step("warmup lap ~10m ramp 45%-70%")
    assert isinstance(s.until, LapEnd) and s.estimate_s == 600
    assert ns(s.target) == RampTarget(start=45.0, end=70.0)
    totals = nmdsl.parse(HEADER + "warmup lap ~10m ramp 45%-70%\n").totals()
    assert totals.duration_s == 600 and totals.estimated and totals.unknown_duration_steps == 0


def test_until_heart_rate_falls_below() -> None:
    s = _step("rest until <130bpm")
    assert s.intensity == "rest" and ns(s.until) == HeartRateEnd(below=True, bpm=130)
    assert s.estimate_s is None
    rising = _step("until >165bpm @Z4")
    assert ns(rising.until) == HeartRateEnd(below=False, bpm=165)


def test_until_a_share_of_max_hr_or_lthr() -> None:
    s = _step("rest until <60%maxhr ~3m")
    assert ns(s.until) == HeartRateEnd(below=True, pct=60.0, of="max_hr") and s.estimate_s == 180
    assert ns(_step("until >95%lthr @90%").until) == HeartRateEnd(below=False, pct=95.0, of="lthr")
    meta = nmdsl.parse(HEADER + "1m @50%\n").meta
    assert end_bpm(HeartRateEnd(below=True, pct=60.0, of="max_hr"), meta) == 114.0
    assert end_bpm(HeartRateEnd(below=True, bpm=130), meta) == 130.0
    r = nmdsl.check("until <70%maxhr @50%\n")
    (d,) = r.diagnostics
    assert (d.code, d.span.column) == ("E214", 7) and d.hint is not None and "max-hr: 190" in d.hint
    assert _codes(HEADER + "until <130%maxhr @50%\n") == [("E207", 4, 7)]
    # FIT: a whole % of max HR is FIT's own (the device's max HR); otherwise bpm from the header.
    fit = nmdsl.emit(nmdsl.parse(HEADER + "until <62.5%maxhr @Z1hr\n"), "fit")
    assert [d.code for d in fit.diagnostics] == ["W466"]


def test_a_step_has_one_way_to_end_E211() -> None:
    r = nmdsl.check(HEADER + "3m until >165bpm @Z4\n")
    (d,) = r.diagnostics
    assert d.code == "E211" and (d.span.line, d.span.column, d.span.end_column) == (4, 4, 9)
    assert d.hint is not None and "until <130bpm" in d.hint
    assert _codes("lap 3m @50%\n") == [("E211", 1, 5)]


def test_until_with_an_estimate_and_in_a_repeat() -> None:
    s = _step("rest until <130bpm ~3m")
    assert ns(s.until) == HeartRateEnd(below=True, bpm=130) and s.estimate_s == 180
    w = nmdsl.parse(HEADER + "6x sprint 10s / rest until <130bpm ~3m\n")
    (rep,) = w.steps
    assert isinstance(rep, Repeat) and rep.count == 6
    sprint, rest = rep.steps
    assert isinstance(sprint, Step) and sprint.drill == "sprint" and sprint.duration_s == 10
    assert (
        isinstance(rest, Step)
        and rest.intensity == "rest"
        and ns(rest.until) == HeartRateEnd(below=True, bpm=130)
    )
    assert w.totals().duration_s == 6 * (10 + 180)


def test_heart_rate_zone_alone_is_a_step() -> None:
    s = _step("30m @Z2hr")
    assert s.target is None and ns(s.heart_rate) == HeartRateZoneTarget(zone=2)
    # Numbers where needed: from lthr (Friel's zones), else from max-hr.
    assert heart_rate_bpm(HeartRateZoneTarget(zone=2), nmdsl.parse(HEADER + "1m @50%\n").meta) == (
        165 * 0.85,
        165 * 0.90,
    )
    meta = nmdsl.parse("max-hr: 200\n1m @50%\n").meta
    assert heart_rate_bpm(HeartRateZoneTarget(zone=4), meta) == (160.0, 180.0)
    assert heart_rate_bpm(HeartRateZoneTarget(zone=4), nmdsl.parse("1m @50%\n").meta) is None


def test_power_and_heart_rate_on_one_step() -> None:
    s = _step("10m @Z2 @Z2hr")
    assert ns(s.target) == ZoneTarget(zone=2, low_pct=56.0, high_pct=75.0)
    assert ns(s.heart_rate) == HeartRateZoneTarget(zone=2)
    assert _codes(HEADER + "10m @Z2hr @150bpm\n")[0][0] == "E302"  # one heart-rate target


def test_percent_of_lthr_and_of_max_hr() -> None:
    one = HeartRatePercentTarget(low_pct=80.0, high_pct=80.0, of="lthr")
    assert ns(_step("5m @80%lthr").heart_rate) == one
    band = HeartRatePercentTarget(low_pct=75.0, high_pct=85.0, of="lthr")
    assert ns(_step("5m @75-85%lthr").heart_rate) == band
    hr = _step("20m @65-75%maxhr").heart_rate
    assert ns(hr) == HeartRatePercentTarget(low_pct=65.0, high_pct=75.0, of="max_hr")
    assert heart_rate_bpm(hr, nmdsl.parse(HEADER + "1m @50%\n").meta) == (190 * 0.65, 190 * 0.75)


def test_percent_of_lthr_needs_the_header_value_E214() -> None:
    r = nmdsl.check("5m @80%lthr\n20m @65-75%maxhr\n")
    assert [(d.code, d.span.line, d.span.column) for d in r.diagnostics] == [("E214", 1, 4), ("E214", 2, 5)]
    assert r.diagnostics[0].hint is not None and "lthr: 165" in r.diagnostics[0].hint
    assert r.diagnostics[1].hint is not None and "max-hr: 190" in r.diagnostics[1].hint


def test_distance_on_a_bike() -> None:
    w = nmdsl.parse(HEADER + "3x 2km ~3m @Z4 / 2m @50%\n")
    (rep,) = w.steps
    assert isinstance(rep, Repeat)
    work, rest = rep.steps
    assert isinstance(work, Step) and work.distance_m == 2000 and work.estimate_s == 180
    assert isinstance(rest, Step) and rest.duration_s == 120
    assert ns(rest.target) == PercentTarget(low_pct=50, high_pct=50)
    assert w.totals().duration_s == 3 * 300 and w.totals().distance_m == 6000
    # Without ~D its time is unknown, and check says so (W102), as for a run without a pace.
    assert _codes(HEADER + "2km @Z4\n") == [("W102", 4, 1)]
    (w102,) = nmdsl.check(HEADER + "2km @Z4\n").diagnostics
    assert w102.hint == "give it an estimate after the distance: 2km ~3m"


def test_a_run_distance_with_an_estimate_overrides_the_pace() -> None:
    w = nmdsl.parse("sport: run\nthreshold-pace: 4:30/km\ncooldown 1km ~6m @Z1hr\n")
    (s,) = w.steps
    assert isinstance(s, Step) and s.distance_m == 1000 and s.estimate_s == 360
    assert ns(s.heart_rate) == HeartRateZoneTarget(zone=1) and s.intensity == "cooldown"
    assert w.totals().duration_s == 360


def test_an_estimate_on_a_timed_step_is_an_error_at_its_column_E212() -> None:
    r = nmdsl.check("3m ~2m @50%\n")
    (d,) = r.diagnostics
    assert (d.code, d.span.column, d.span.end_column) == ("E212", 4, 7)
    assert d.hint == "remove '~2m': a timed step's time is known"


@pytest.mark.parametrize(
    ("line", "code", "column", "hint"),
    [
        ("lap @Z6hr", "E205", 5, "heart-rate zones are Z1hr to Z5hr"),
        ("until <20bpm @50%", "E207", 7, "until <130bpm ends the step when heart rate falls below 130"),
        ("5m @130%lthr", "E207", 4, "e.g. @80%lthr or @65-75%maxhr"),
        (
            "until 130bpm @50%",
            "E002",
            7,
            "a target is @130bpm; a step that ends on a heart rate is 'until <130bpm' or 'until >130bpm'",
        ),
        ("until <130 @50%", "E002", 7, "until <130bpm or until >130bpm (no '=', with 'bpm')"),
        ("5m @80%LTHR", "E002", 4, "heart rate as a share is written @80%lthr or @65-75%maxhr"),
        ("lap @z2hr", "E002", 5, "heart-rate zones are written @Z2hr"),
        (
            "warmup ~10m lap @Z2",
            "E001",
            8,
            "~D follows 'lap', 'until <Nbpm' or a distance, before the targets: lap ~10m @Z2",
        ),
        ("lapp @50%", "E002", 1, "did you mean 'lap'?"),
    ],
)
def test_errors_have_a_place_and_a_hint(line: str, code: str, column: int, hint: str) -> None:
    r = nmdsl.check(HEADER + line + "\n")
    d = r.diagnostics[0]
    assert (d.code, d.span.line, d.span.column) == (code, 4, column) and d.hint == hint, d.short()


NORMATIVE = """\
warmup lap @Z2
warmup lap ~10m ramp 45%-70%
rest until <130bpm
rest until <130bpm ~3m
6x sprint 10s / rest until <130bpm ~3m
30m @Z2hr
10m @Z2 @Z2hr
5m @80%lthr
20m @65-75%maxhr
3x 2km ~3m @Z4 / 2m @50%
"""


def test_the_writer_and_fmt_keep_every_construct() -> None:
    text = HEADER + "\n" + NORMATIVE
    w = nmdsl.parse(text)
    assert nmdsl.write(w) == text
    messy = text.replace("lap ~10m", "lap   ~10m").replace(" / rest", "  /  rest")
    messy = messy.replace("@65-75%maxhr", "@65%-75%maxhr")
    assert format_text(messy).text == text


_ENDS = st.one_of(
    st.just("lap"),
    st.builds(lambda op, bpm: f"until {op}{bpm}bpm", st.sampled_from("<>"), st.integers(60, 200)),
    st.builds(
        lambda op, pct, of: f"until {op}{pct}%{of}",
        st.sampled_from("<>"),
        st.integers(50, 110),
        st.sampled_from(["maxhr", "lthr"]),
    ),
    st.builds(lambda km: f"{km}km", st.integers(1, 40)),
)
_ESTIMATES = st.one_of(st.just(""), st.builds(lambda s: f" ~{s}s", st.integers(1, 3000)))
_HEART = st.one_of(
    st.just(""),
    st.builds(lambda z: f" @Z{z}hr", st.integers(1, 5)),
    st.builds(lambda a, b: f" @{min(a, b)}-{max(a, b)}%lthr", st.integers(50, 110), st.integers(50, 110)),
    st.builds(lambda p: f" @{p}%maxhr", st.integers(50, 100)),
    st.builds(lambda b: f" @{b}bpm", st.integers(80, 200)),
)
_POWER = st.sampled_from(["", " @60%", " @Z3", " ramp 45%-70%", " @250W", " free"])


@given(st.lists(st.tuples(_ENDS, _ESTIMATES, _POWER, _HEART), min_size=1, max_size=8))
def test_write_then_parse_gives_the_same_model(parts: list[tuple[str, str, str, str]]) -> None:
    lines = []
    for end, estimate, power, heart in parts:
        if not power and not heart:
            power = " @50%"
        lines.append(f"{end}{estimate}{power}{heart}")
    text = "name: p\nftp: 250\nlthr: 165\nmax-hr: 190\n\n" + "\n".join(lines) + "\n"
    r = nmdsl.check(text)
    assert r.workout is not None, [d.short() for d in r.errors]
    again = nmdsl.parse(nmdsl.write(r.workout))
    assert nmdsl.write(again) == nmdsl.write(r.workout)
    steps = [s for s in r.workout.steps if isinstance(s, Step)]
    back = [s for s in again.steps if isinstance(s, Step)]
    assert [ns(s.until) for s in back] == [ns(s.until) for s in steps]
    assert [ns(s.heart_rate) for s in back] == [ns(s.heart_rate) for s in steps]
    assert [(s.distance_m, s.estimate_s) for s in back] == [(s.distance_m, s.estimate_s) for s in steps]
    formatted = format_text(text).text
    assert formatted is not None and format_text(formatted).text == formatted


def test_the_json_schema_carries_the_new_fields() -> None:
    w = nmdsl.parse(HEADER + NORMATIVE)
    data = nmdsl.compile(w, "json")
    again = nmdsl.Workout.model_validate_json(data)
    assert nmdsl.compile(again, "json") == data
    schema = str(nmdsl.Workout.model_json_schema())
    for word in ("until", "estimate_s", "hr_zone", "hr_pct", "heart_rate"):
        assert word in schema
    assert isinstance(HeartRateTarget(low_bpm=150, high_bpm=150).kind, str)


def test_check_skips_the_default_formats_that_cannot_end_a_step_so(tmp_path: object) -> None:
    # No lap button in ZWO, ERG, MRC: with no targets configured, check leaves
    # them out for this session (as it does for a run in ERG) and FIT carries it.
    from pathlib import Path

    from nmdsl.library import check_library

    folder = Path(str(tmp_path))
    (folder / "lap.nm").write_text("name: lap\nftp: 250\n\nwarmup lap @60%\n10m @80%\n", encoding="utf-8")
    result = check_library([str(folder)], jobs=1)
    assert [d.code for f in result.files for d in f.diagnostics] == []
    # Named in the configuration, a format must carry it: E404 for ZWO.
    (folder / "nmdsl.toml").write_text('targets = ["zwo"]\n', encoding="utf-8")
    result = check_library([str(folder)], jobs=1)
    assert [d.code for f in result.files for d in f.diagnostics] == ["E404"]


REPEAT_UNTIL = """name: ru
ftp: 250
max-hr: 190

warmup 10m @Z2hr
until >80%maxhr ~3x:
  500mtr ~1m @Z5
  500mtr ~1m @Z3
cooldown 5m @Z1
"""


def test_a_block_repeated_until_heart_rate_crosses_a_value() -> None:
    w = nmdsl.parse(REPEAT_UNTIL)
    rep = w.steps[1]
    assert isinstance(rep, Repeat) and rep.block and rep.count == 3 and rep.estimated
    assert ns(rep.until) == HeartRateEnd(below=False, pct=80.0, of="max_hr")
    # Its repetitions are a guess: the totals say so.
    totals = w.totals()
    assert totals.duration_s == 600 + 3 * 120 + 300 and totals.estimated
    assert [s.estimated for s in w.timeline()] == [False, *[True] * 6, False]
    assert nmdsl.write(w) == REPEAT_UNTIL
    assert format_text(REPEAT_UNTIL.replace("~3x:", "~3x:  ")).text == REPEAT_UNTIL
    # Without ~Nx it runs once as far as the totals know.
    once = nmdsl.parse(REPEAT_UNTIL.replace(" ~3x", ""))
    again = once.steps[1]
    assert isinstance(again, Repeat) and again.count == 1 and not again.estimated


def test_a_repeat_until_in_each_format() -> None:
    w = nmdsl.parse(REPEAT_UNTIL)
    zwo = nmdsl.emit(w, "zwo")
    assert "W407" in [d.code for d in zwo.diagnostics] and zwo.data.count(b"Duration=\"60\"") == 6
    erg = nmdsl.emit(w, "erg")
    assert "W457" in [d.code for d in erg.diagnostics]
    bare = nmdsl.parse(REPEAT_UNTIL.replace(" ~3x", ""))
    for fmt, code in (("zwo", "E404"), ("erg", "E455"), ("mrc", "E455")):
        with pytest.raises(nmdsl.NmdslError) as info:
            nmdsl.compile(bare, fmt)
        (d,) = [d for d in info.value.diagnostics if d.is_error]
        assert d.code == code and d.hint == "add an estimate: 'until >80%maxhr ~3x:' is written as 3 times"
    # FIT: repeat_until_hr_greater_than, back to the same block.
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "ru.fit"
        path.write_bytes(nmdsl.compile(w, "fit"))
        imported = nmdsl.read(path)
    rep = imported.steps[1]
    assert isinstance(rep, Repeat) and ns(rep.until) == HeartRateEnd(below=False, pct=80.0, of="max_hr")
