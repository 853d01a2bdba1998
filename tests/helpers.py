"""Small helpers shared by test modules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from nmdsl.diagnostics import Report
from nmdsl.language import _grammar
from nmdsl.language.lexer import Line, tokenize_line
from nmdsl.model import as_data


def without_spans(node: Any, *, exclude: frozenset[str] = frozenset()) -> Any:
    """A model node as plain data without source spans (and without ``exclude`` keys).

    Two models that mean the same thing compare equal this way whatever
    text they were parsed from.
    """
    if node is None:
        return None
    drop = {"span", "header_spans", *exclude}

    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in drop}
        if isinstance(x, list | tuple):
            return [strip(v) for v in x]
        return x

    return strip(as_data(node))


def tokenized_lines(numbered: Iterable[tuple[int, str]]) -> Iterator[Line]:
    """Each (line number, raw text) that is not blank or a comment, tokenized; lines
    the lexer refuses are left out."""
    table = _grammar.terminals()
    for number, raw in numbered:
        content = raw.lstrip(" \t")
        if not content or content.startswith("#"):
            continue
        line = Line(number, len(raw) - len(content), content)
        tokenize_line(line, table, Report())
        if line.ok:
            yield line
