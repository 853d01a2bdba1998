"""Every shipped example checks cleanly and compiles; the README's session too."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

import nmdsl
from nmdsl.model import MaxTarget, PercentTarget, Repeat, Segment, Step

from .conftest import PATHS


def examples() -> list[Path]:
    return sorted(PATHS.examples.glob("*.nm"))


def test_there_are_examples() -> None:
    assert len(examples()) >= 1


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_example_checks_cleanly_and_compiles(path: Path) -> None:
    result = nmdsl.check_file(path)
    assert result.diagnostics == [], "\n".join(d.short() for d in result.diagnostics)
    workout = result.workout
    assert workout is not None
    assert workout.meta.name, "an example has a name"
    totals = workout.totals()
    assert totals.duration_s > 0 and totals.exact
    data = nmdsl.compile(workout, "json")
    assert nmdsl.Workout.model_validate_json(data) == workout


def test_the_readme_example_exists() -> None:
    # README: nmdsl compile examples/attacks.nm -f json -o -
    assert (PATHS.examples / "attacks.nm").is_file()


def _readme_session() -> str:
    text = (PATHS.root / "README.md").read_text(encoding="utf-8")
    m = re.search(r"## A session\s*```[a-z]*\n(.*?)```", text, re.S)
    assert m, "README has a '## A session' code block"
    return m.group(1)


def test_readme_session_parses_with_the_meaning_it_shows() -> None:
    w = nmdsl.parse(_readme_session())
    assert w.meta.name == "Attacks" and w.meta.ftp_w == 260
    assert w.meta.tags == ("anaerobic", "attacks")
    # warmup 10m; 3 x (4 x (30 s + 45 s) + 6 min + 5 min); cooldown 5m
    assert w.totals().duration_s == 600 + 3 * (4 * 75 + 360 + 300) + 300


# -- the repertoire the issue asks for -------------------------------------------------------

REPERTOIRE = {
    "run strides": r"strides",
    "bike sprints": r"sprint",
    "seated accelerations": r"accel",
    "30/30s": r"30[/-]30",
    "60/60s": r"60[/-]60",
    "Rønnestad's 30/15s": r"r(ø|o)nnestad|30[/-]15",
    "on-offs": r"on-?offs?",
    "attacks": r"attack",
}


@pytest.mark.parametrize("theme", sorted(REPERTOIRE))
def test_the_repertoire_is_covered(theme: str) -> None:
    pattern = re.compile(REPERTOIRE[theme], re.I)
    found = [
        p.name
        for p in examples()
        if pattern.search(p.stem) or pattern.search(nmdsl.parse_file(p).meta.name or "")
    ]
    assert found, f"no example for {theme}"


def _pairs(segments: list[Segment], work_s: float, rest_s: float) -> int:
    return sum(
        1
        for a, b in pairwise(segments)
        if a.duration_s == work_s and b.duration_s == rest_s and b.step.intensity == "recovery"
    )


def _by_name(pattern: str) -> nmdsl.Workout:
    for p in examples():
        w = nmdsl.parse_file(p)
        if re.search(pattern, f"{p.stem} {w.meta.name}", re.I):
            return w
    pytest.fail(f"no example matches {pattern!r}")


def test_ronnestad_is_3_series_of_13_x_30_15() -> None:
    w = _by_name(r"r(ø|o)nnestad")
    segs = w.timeline()
    assert _pairs(segs, 30, 15) == 3 * 13
    # 13 in a row, three times
    runs, current = [], 0
    for a, b in pairwise(segs):
        if a.duration_s == 30 and b.duration_s == 15:
            current += 1
        elif current and not (a.duration_s == 15 and b.duration_s == 30):
            runs.append(current)
            current = 0
    assert runs == [13, 13, 13]


def test_attacks_are_4_x_30s_with_45s_into_a_sweet_spot_or_threshold_block() -> None:
    w = nmdsl.parse_file(PATHS.examples / "attacks.nm")
    found = 0
    items = list(w.steps)
    for item, after in pairwise(items):
        if isinstance(item, Repeat) and item.count == 4:
            work, rec = item.steps
            assert isinstance(work, Step) and isinstance(rec, Step)
            if (work.duration_s, rec.duration_s) != (30, 45):
                continue
            assert isinstance(after, Step) and after.duration_s is not None
            assert 5 * 60 <= after.duration_s <= 8 * 60
            assert isinstance(after.target, PercentTarget) and 84 <= after.target.low_pct <= 105
            found += 1
    assert found >= 1


def test_run_strides_example() -> None:
    w = _by_name(r"strides")
    assert w.meta.sport == "run"
    drills = [s.step for s in w.timeline() if s.step.drill == "strides"]
    assert len(drills) >= 4


def test_bike_sprints_example_has_max_sprints() -> None:
    w = _by_name(r"sprint")
    assert any(isinstance(s.step.target, MaxTarget) for s in w.timeline())
