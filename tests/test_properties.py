"""Hypothesis properties.

* A generator of valid nmdsl programs builds the source text and, on the
  side, the total duration in seconds and the number of steps the athlete
  does, computed from what it wrote (never from nmdsl's timeline); nmdsl must
  agree.  Only the drills' default recoveries are read from ``nmdsl.language.drills``.
* Arbitrary text or bytes never make ``check`` raise; ``parse`` raises only
  ``NmdslError``; every diagnostic points inside the input.
* The JSON output reads back into the same model, and the same input gives
  the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

import nmdsl
from nmdsl.diagnostics import render
from nmdsl.language import drills

MILE_M = 1609.344
MAX_STEPS = 10_000
MAX_SECONDS = 24 * 3600

DRILLS = {
    "bike": ("sprint", "strides", "accel", "spinup", "standing-start", "torque"),
    "run": ("sprint", "strides", "accel", "hill-sprint", "flying"),
}


@dataclass(frozen=True)
class Ctx:
    sport: str
    ftp: bool  # the header sets an FTP (so watts may mix with %FTP)


@dataclass(frozen=True)
class Frag:
    """Lines of source (indentation included) with what they mean."""

    lines: tuple[str, ...]
    seconds: float
    steps: int


# -- values ------------------------------------------------------------------------------


def seconds_st() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(1, 120), st.integers(1, 1200), st.integers(1, 5400))


@st.composite
def duration_text(draw: st.DrawFn, s: int) -> str:
    """One of the ways to write ``s`` seconds."""
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    minute = draw(st.sampled_from(["m", "min"]))
    forms = [f"{s}s", f"{h}:{m:02d}:{sec:02d}"]
    forms.append((f"{h}h" if h else "") + (f"{m}{minute}" if m else "") + (f"{sec}s" if sec else ""))
    forms.append((f"{s // 60}{minute}" if s >= 60 else "") + (f"{sec}s" if sec else ""))
    if s % 60 == 0:
        forms.append(f"{s // 60}{minute}")
    if s % 3600 == 0:
        forms.append(f"{s // 3600}h")
    if s < 3600:
        forms.append(f"{m}:{sec:02d}")
        forms.append(f"{m:02d}:{sec:02d}")
    return draw(st.sampled_from(forms))


@st.composite
def number(draw: st.DrawFn, lo: int, hi: int) -> tuple[str, float]:
    n = draw(st.integers(lo, hi))
    if draw(st.integers(0, 4)) == 0 and n < hi:
        return f"{n}.5", n + 0.5
    return str(n), float(n)


@st.composite
def a_range(draw: st.DrawFn, lo: int, hi: int, unit: str, prefix: str = "@") -> str:
    """``@150%``, ``@88-94%``, ``@88%-94%``; decimals only for % and W (rpm and bpm are whole)."""
    whole = unit in ("rpm", "bpm")

    def value() -> tuple[str, float]:
        if whole:
            n = draw(st.integers(lo, hi))
            return str(n), float(n)
        return draw(number(lo, hi))

    a, av = value()
    if draw(st.booleans()):
        return f"{prefix}{a}{unit}"
    b, bv = value()
    if av > bv:
        a, b = b, a
    low_unit = unit if draw(st.booleans()) else ""
    return f"{prefix}{a}{low_unit}-{b}{unit}"


@st.composite
def pace(draw: st.DrawFn) -> tuple[str, float]:
    """``@m:ss/km`` or a range; returns the text and the middle in s/km."""
    per = draw(st.sampled_from(["km", "mi"]))
    lo_min = 2 if per == "km" else 3  # nothing faster than 1:30/km is accepted

    def one() -> int:
        return draw(st.integers(lo_min, 12)) * 60 + draw(st.integers(0, 59))

    def clock(x: int) -> str:
        return f"{x // 60}:{x % 60:02d}"

    def per_km(x: int) -> float:
        return x if per == "km" else x * 1000 / MILE_M

    a = one()
    if draw(st.booleans()):
        return f"@{clock(a)}/{per}", per_km(a)
    b = one()
    a, b = min(a, b), max(a, b)
    low_unit = f"/{per}" if draw(st.booleans()) else ""
    return f"@{clock(a)}{low_unit}-{clock(b)}/{per}", (per_km(a) + per_km(b)) / 2


@st.composite
def intensity_target(draw: st.DrawFn, ctx: Ctx) -> str:
    options = ["pct", "ramp_pct", "max", "free"]
    if ctx.sport == "bike":
        options += ["zone"] + (["watts", "ramp_w"] if ctx.ftp else [])
    else:
        options += ["pace"]
    kind = draw(st.sampled_from(options))
    if kind == "pct":
        return draw(a_range(1, 400, "%"))
    if kind == "watts":
        return draw(a_range(1, 1500, "W"))
    if kind == "zone":
        return f"@Z{draw(st.integers(1, 7))}"
    if kind in ("ramp_pct", "ramp_w"):
        unit, hi = ("%", 400) if kind == "ramp_pct" else ("W", 1500)
        a, _ = draw(number(1, hi))
        b, _ = draw(number(1, hi))
        low_unit = unit if draw(st.booleans()) else ""
        return f"ramp {a}{low_unit}-{b}{unit}"  # either way: rising or falling
    if kind == "pace":
        return draw(pace())[0]
    return kind  # max, free


CUE_TEXT = st.text(st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs",)), max_size=20)
COMMENT = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=15)
SEP = st.sampled_from([" ", " ", " ", "  ", "\t", " \t "])


@st.composite
def step(draw: st.DrawFn, ctx: Ctx) -> tuple[str, float, str | None]:
    """(text, seconds, drill) for one step."""
    word_kind = draw(st.sampled_from(["none", "none", "none", "keyword", "drill"]))
    word = None
    drill = None
    if word_kind == "keyword":
        word = draw(st.sampled_from(["warmup", "cooldown", "rest"]))
    elif word_kind == "drill":
        drill = word = draw(st.sampled_from(DRILLS[ctx.sport]))

    items: list[str] = [word] if word else []
    targets: list[str] = []
    duration: int | None = None
    if ctx.sport == "run" and drill is None and draw(st.integers(0, 4)) == 0:
        unit = draw(st.sampled_from(["mtr", "km", "mi"]))
        if unit == "mtr":
            text, metres = draw(number(50, 5000))
        else:
            text, metres = draw(number(1, 10))
        metres *= {"mtr": 1.0, "km": 1000.0, "mi": MILE_M}[unit]
        pace_text, s_per_km = draw(pace())
        items.append(f"{text}{unit}")
        targets.append(pace_text)
        seconds: float = metres * s_per_km / 1000
    else:
        duration = draw(seconds_st())
        items.append(draw(duration_text(duration)))
        seconds = duration
        needs_target = word not in ("rest",) and drill is None
        if needs_target or draw(st.booleans()):
            targets.append(draw(intensity_target(ctx)))
    if ctx.sport == "bike" and draw(st.integers(0, 3)) == 0:
        targets.append(draw(a_range(30, 200, "rpm", prefix="")))
    if draw(st.integers(0, 3)) == 0:
        targets.append(draw(a_range(30, 240, "bpm")))
    items += draw(st.permutations(targets))
    for _ in range(draw(st.integers(0, 2))):
        items.append('"' + draw(CUE_TEXT) + '"')
        if duration is not None and duration >= 2 and draw(st.booleans()):
            items += ["at", draw(duration_text(draw(st.integers(1, duration - 1))))]
    text = draw(SEP).join(items) if len(items) > 1 else items[0]
    return text, seconds, drill


def recovery_s(drill: str, sport: str) -> int:
    d = drills.defaults(drill, sport)  # type: ignore[arg-type]
    assert d is not None and d.recovery.duration_s is not None
    return d.recovery.duration_s


@st.composite
def comment(draw: st.DrawFn) -> str:
    return "#" + draw(COMMENT)


@st.composite
def step_line(draw: st.DrawFn, ctx: Ctx) -> tuple[str, float, int]:
    """A step, or a one-line repeat: (text, seconds, expanded steps)."""
    if draw(st.booleans()):
        text, seconds, _ = draw(step(ctx))
        return text, seconds, 1
    count = draw(st.integers(1, 6))
    parts = [draw(step(ctx)) for _ in range(draw(st.integers(1, 3)))]
    seconds = sum(p[1] for p in parts)
    steps = len(parts)
    if len(parts) == 1 and parts[0][2] is not None:
        # a repeated drill without '/': its default recovery after every repetition
        seconds += recovery_s(parts[0][2], ctx.sport)
        steps += 1
    slash = draw(st.sampled_from([" / ", " / ", "  /  ", " /\t"]))
    return f"{count}x{draw(SEP)}" + slash.join(p[0] for p in parts), count * seconds, count * steps


@st.composite
def items(draw: st.DrawFn, ctx: Ctx, indent: int, depth: int) -> Frag:
    lines: list[str] = []
    seconds = 0.0
    steps = 0
    for _ in range(draw(st.integers(1, 3 if depth else 5))):
        if draw(st.integers(0, 5)) == 0:
            # blank lines and comment lines go anywhere, at any indentation
            lines.append(draw(st.sampled_from(["", "   ", " " * draw(st.integers(0, 8)) + draw(comment())])))
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            count = draw(st.integers(1, 4))
            head = f"{count}x:"
            if draw(st.booleans()):
                head += draw(SEP) + draw(comment())
            inner = draw(items(ctx, indent + draw(st.integers(1, 4)), depth + 1))
            lines.append(" " * indent + head)
            lines.extend(inner.lines)
            seconds += count * inner.seconds
            steps += count * inner.steps
        else:
            text, s, n = draw(step_line(ctx))
            if draw(st.integers(0, 4)) == 0:
                text += draw(SEP) + draw(comment())
            lines.append(" " * indent + text)
            seconds += s
            steps += n
    return Frag(tuple(lines), seconds, steps)


HEADER_TEXT = st.text(
    st.characters(blacklist_characters='#"\r\n', blacklist_categories=("Cs",)), min_size=1, max_size=20
).filter(lambda s: s.strip(" \t") != "")


@st.composite
def programs(draw: st.DrawFn) -> tuple[str, float, int, dict[str, object]]:
    """(source, total seconds, expanded steps, expected header fields)."""
    sport = draw(st.sampled_from(["bike", "bike", "run"]))
    ctx = Ctx(sport, ftp=sport == "bike" and draw(st.booleans()))
    header: list[str] = []
    meta: dict[str, object] = {"sport": sport}
    if sport == "run" or draw(st.booleans()):
        header.append(f"sport: {sport}")
    if ctx.ftp:
        ftp = draw(st.integers(1, 1000))
        header.append(f"ftp: {ftp}" + draw(st.sampled_from(["", "W"])))
        meta["ftp_w"] = float(ftp)
    if draw(st.booleans()):
        name = draw(HEADER_TEXT)
        header.append(f"name: {name}")
        meta["name"] = name.strip(" \t")
    if draw(st.booleans()):
        tags = draw(st.lists(st.from_regex(r"[a-z0-9/]{1,8}", fullmatch=True), min_size=1, max_size=3))
        header.append("tags: " + ", ".join(tags))
        meta["tags"] = tuple(tags)
    body = draw(items(ctx, 0, 0))
    lines = list(draw(st.permutations(header))) + list(body.lines)
    if draw(st.booleans()):
        lines.insert(0, draw(comment()))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    src = eol.join(lines) + (eol if draw(st.booleans()) else "")
    if draw(st.integers(0, 5)) == 0:
        src = "\ufeff" + src
    return src, body.seconds, body.steps, meta


def too_large(seconds: float, steps: int) -> bool:
    return steps > MAX_STEPS or seconds > MAX_SECONDS


# -- properties of valid programs ---------------------------------------------------------


@given(programs())
def test_generated_program_total_duration(program: tuple[str, float, int, dict[str, object]]) -> None:
    src, seconds, steps, meta = program
    result = nmdsl.check(src)
    if too_large(seconds, steps):
        event("too large: E305")
        assert [d.code for d in result.errors] == ["E305"], [d.short() for d in result.diagnostics]
        return
    event("valid")
    assert result.ok, "\n".join(render(d, result.source) for d in result.diagnostics) + "\n---\n" + src
    workout = nmdsl.parse(src)
    totals = workout.totals()
    assert totals.duration_s == pytest.approx(seconds, rel=1e-9, abs=1e-6)
    assert totals.unknown_duration_steps == 0
    assert len(workout.timeline()) == steps
    for key, value in meta.items():
        assert getattr(workout.meta, key) == value, key


@given(programs())
def test_json_round_trip_and_determinism(program: tuple[str, float, int, dict[str, object]]) -> None:
    src, seconds, steps, _ = program
    assume(not too_large(seconds, steps))
    workout = nmdsl.parse(src)
    data = nmdsl.compile(workout, "json")
    assert nmdsl.Workout.model_validate_json(data) == workout
    assert nmdsl.parse(src) == workout
    assert nmdsl.compile(nmdsl.parse(src), "json") == data
    assert nmdsl.compile(src, "json") == data
    assert nmdsl.parse(src.encode("utf-8")) == workout


# -- arbitrary input -----------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Lines as the language counts them: only LF, CRLF and CR end a line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return re.split(r"\r\n|\r|\n", text)


def assert_diagnostics_inside(result: nmdsl.Result, text: str) -> None:
    lines = _lines(text)
    for d in result.diagnostics:
        assert d.code in nmdsl.CODES
        assert d.message
        render(d, result.source)  # rendering never raises either
        if d.span is None:
            continue
        assert 1 <= d.span.line <= len(lines), (d, len(lines))
        assert 1 <= d.span.column <= len(lines[d.span.line - 1]) + 1, (d, lines[d.span.line - 1])
        assert (d.span.end_line, d.span.end_column) > (d.span.line, d.span.column) or (
            d.span.end_line == d.span.line and d.span.end_column >= d.span.column
        )


def assert_parse_raises_only_nmdsl_error(source: str | bytes, ok: bool) -> None:
    try:
        nmdsl.parse(source)
    except nmdsl.NmdslError as exc:
        assert not ok
        assert exc.diagnostics and any(d.is_error for d in exc.diagnostics)
    else:
        assert ok


@given(st.text())
def test_check_never_raises_on_text(text: str) -> None:
    result = nmdsl.check(text)
    assert result.ok == (result.workout is not None)
    assert_diagnostics_inside(result, text)
    assert_parse_raises_only_nmdsl_error(text, result.ok)


@given(st.binary())
def test_check_never_raises_on_bytes(data: bytes) -> None:
    result = nmdsl.check(data)
    assert_diagnostics_inside(result, data.decode("utf-8", "replace"))
    assert_parse_raises_only_nmdsl_error(data, result.ok)


NOISE = st.lists(
    st.sampled_from([*'@%:"x/ \t#-.0123456789smhWZrpmbkia\n', "rest", "ramp", "at", "  ", "3x:", "\r\n"]),
    min_size=1,
    max_size=4,
).map("".join)


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """A valid program with a few random edits: reaches deeper than random text."""
    src = draw(programs())[0]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(src)))
        if draw(st.booleans()) and i < len(src):
            src = src[:i] + src[i + draw(st.integers(1, 3)) :]
        else:
            src = src[:i] + draw(NOISE) + src[i:]
    return src


@given(mangled())
def test_check_never_raises_on_mangled_programs(text: str) -> None:
    result = nmdsl.check(text)
    assert_diagnostics_inside(result, text)
    assert_parse_raises_only_nmdsl_error(text, result.ok)
