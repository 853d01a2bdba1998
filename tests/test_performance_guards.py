"""Guards for the speed work (docs/performance.md): behaviour, never time.

Each test pins down something a speed-up relies on or must not break: the
line-shape cache builds the same tree as lark, the lazy imports stay lazy,
the grammar is loaded once per process.  Nothing here measures time.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from nmdsl import _grammar
from nmdsl import parser as nm_parser
from nmdsl.diagnostics import Report
from nmdsl.lexer import Line, split_lines, tokenize_line

ROOT = Path(__file__).resolve().parents[1]


def _deep(x: Any) -> Any:
    """A CST node as plain data, tokens with their type, text and place."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__,) + tuple(_deep(getattr(x, f.name)) for f in dataclasses.fields(x))
    if isinstance(x, list):
        return [_deep(i) for i in x]
    if isinstance(x, str) and hasattr(x, "type"):
        return ("token", x.type, str(x), x.line, x.column, x.end_line, x.end_column)
    return x


def _lines() -> list[tuple[int, str]]:
    out = []
    for path in sorted([*ROOT.glob("examples/*.nm"), *ROOT.glob("tests/**/*.nm")]):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out += list(enumerate(split_lines(text), start=1))
    out += list(enumerate(split_lines(EXTRA), start=1))
    return out


EXTRA = """\
name: Shapes
ftp: 250
warmup 10m ramp 45%-70% 85-95rpm "Easy" "Faster" at 5m
6x 30s @150% 100-110rpm @150-160bpm "Go" / 30s @50% "Off" / rest 1m
8x strides 20s @110% / 1m free
3x:
  4x sprint 10s "All out"
  accel 20s ramp 80%-180% "Build"
  5m max
  5m @Z2 @140bpm
  1:30 free "x" at 30s "y" at 1:00
cooldown 5m @200-210W
"""


def test_line_shape_cache_builds_the_tree_lark_builds() -> None:
    """Every line built from its shape's recipe equals the one built from lark's tree."""
    lark_parser = _grammar.parser()
    table = _grammar.terminals()
    checked = 0
    for number, raw in _lines():
        content = raw.lstrip(" \t")
        if not content or content.startswith("#"):
            continue
        line = Line(number, len(raw) - len(content), content)
        tokenize_line(line, table, Report())
        if not line.ok:
            continue
        try:
            tree = lark_parser.parse(line.tokens)
        except Exception:  # noqa: BLE001 - syntax errors are not cached
            continue
        recipe = nm_parser._recipe(tree.children[0], line.tokens)
        assert recipe is not None
        assert _deep(nm_parser._from_recipe(recipe, line.tokens)) == _deep(
            nm_parser._to_cst(tree.children[0])
        ), raw
        checked += 1
    assert checked > 100


def test_line_shape_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import nmdsl

    monkeypatch.setattr(nm_parser, "MAX_SHAPES", 3)
    cue = ' "x"'
    text = "".join(
        f"{i + 1}m @50%{' 90rpm' * (i % 2)}{' @140bpm' * (i % 3 == 1)}{cue * (i % 5)}\n" for i in range(30)
    )
    first = nmdsl.parse(text)
    assert len(nm_parser._shapes(_grammar.parser())) <= 3
    assert nmdsl.parse(text) == first
