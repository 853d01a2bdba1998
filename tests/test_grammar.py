"""The shipped parser tables (src/nmdsl/_parser.pickle) match grammar/nmdsl.lark.

After editing the grammar, regenerate them with ``python -m nmdsl._grammar``.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import lark
import pytest

import nmdsl
from nmdsl import _grammar
from nmdsl.diagnostics import Report
from nmdsl.lexer import Line, TerminalTable, tokenize_line
from nmdsl.parser import expected_words

from .conftest import PATHS

REGENERATE = "run `python -m nmdsl._grammar` to rebuild src/nmdsl/_parser.pickle"

SAMPLE_LINES = [
    "name: Attacks",
    'description: Tom & "Jerry" <test>',
    "3x:",
    "10m @60%",
    "5m @88-94%",
    "5m @88%-94%",
    "3m @240-260W",
    "20m @Z2",
    "30s @150% 100-110rpm",
    "10m ramp 45%-70%",
    "10m ramp 250W-300W",
    "1m free",
    "10s max",
    "warmup 10m ramp 45%-70%",
    "rest 3m",
    '5m @90% "Hold it" "Last minute!" at 4m',
    "6x 30s @150% / 30s @50% / 1m free",
    "8x strides 20s @110% / 1m free",
    "sprint 10s",
    "1km @4:20-4:30/km @140-150bpm",
    "1:00:00 @Z1",
    "1h30m @50%",
]

SAMPLE_FILE = "\n".join(
    [
        "name: Sample",
        "ftp: 250",
        "warmup 10m ramp 45%-70%",
        "3x:",
        '  4x 30s @150% 110rpm "Go" / 45s @55%',
        "  2x:",
        "    sprint 10s",
        "    8x strides 20s / 40s free",
        '  6m @90% "Hold it" "Last minute!" at 5m',
        "  rest 2m",
        "5m @240-260W",
        "cooldown 5m ramp 60%-40%",
        "",
    ]
)


def _meta() -> dict[str, Any]:
    with _grammar.PICKLE.open("rb") as f:
        meta = pickle.load(f)
    assert isinstance(meta, dict)
    return meta


def _loaded() -> lark.Lark:
    meta = _meta()
    if meta.get("lark") != lark.__version__:
        pytest.skip(f"the pickle was built with lark {meta.get('lark')}, lark {lark.__version__} is installed")
    sha = _grammar.grammar_sha256(PATHS.grammar.read_text(encoding="utf-8"))
    loaded = _grammar._load_cached(sha)
    assert loaded is not None, f"the shipped parser tables do not load; {REGENERATE}"
    return loaded


@pytest.fixture(scope="module")
def fresh() -> lark.Lark:
    return _grammar.build(PATHS.grammar.read_text(encoding="utf-8"))


def test_the_package_reads_the_repository_grammar() -> None:
    assert _grammar.grammar_path().resolve() == PATHS.grammar.resolve()


def test_pickle_matches_the_grammar() -> None:
    meta = _meta()
    sha = _grammar.grammar_sha256(PATHS.grammar.read_text(encoding="utf-8"))
    assert meta.get("grammar_sha256") == sha, f"grammar/nmdsl.lark changed since the tables were built; {REGENERATE}"


def test_pickle_records_the_lark_version_it_was_built_with() -> None:
    assert re.fullmatch(r"1\.\d+\.\d+.*", str(_meta().get("lark")))


def test_loaded_parser_has_the_grammar_terminals(fresh: lark.Lark) -> None:
    loaded = _loaded()

    def terms(p: lark.Lark) -> dict[str, str]:
        return {t.name: t.pattern.to_regexp() for t in p.terminals}

    assert terms(loaded) == terms(fresh)


def _tree(parser: lark.Lark, text: str) -> lark.Tree[Any]:
    report = Report()
    line = Line(1, 0, text)
    tokenize_line(line, TerminalTable(list(parser.terminals)), report)
    assert line.ok and not report.items, [d.short() for d in report.items]
    return parser.parse(line.tokens)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", SAMPLE_LINES)
def test_loaded_parser_parses_like_a_fresh_one(text: str, fresh: lark.Lark) -> None:
    assert _tree(_loaded(), text) == _tree(fresh, text)


@pytest.mark.parametrize("text", ["1m 2m", "5m @50% at 1m", "3x: 1m @50%", "6x"])
def test_loaded_parser_fails_like_a_fresh_one(text: str, fresh: lark.Lark) -> None:
    def failure(parser: lark.Lark) -> tuple[str, frozenset[str]]:
        with pytest.raises(lark.exceptions.UnexpectedToken) as info:
            _tree(parser, text)
        return info.value.token.type, frozenset(info.value.expected)

    assert failure(_loaded()) == failure(fresh)


def test_whole_file_same_with_either_parser(fresh: lark.Lark, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = _loaded()
    results = []
    for parser in (loaded, fresh):
        monkeypatch.setattr(_grammar, "parser", lambda parser=parser: parser)
        monkeypatch.setattr(_grammar, "terminals", lambda parser=parser: TerminalTable(list(parser.terminals)))
        results.append(nmdsl.parse(SAMPLE_FILE))
    assert results[0] == results[1]
    assert results[0].totals().duration_s == 600 + 3 * (4 * 75 + 2 * (10 + 8 * 60) + 360 + 120) + 300 + 300


def test_start_up_loads_the_tables_instead_of_building(monkeypatch: pytest.MonkeyPatch) -> None:
    _loaded()  # skips when the installed lark is not the one the tables were built with

    def no_build(text: str) -> lark.Lark:
        raise AssertionError("the grammar was built at start-up instead of loading _parser.pickle")

    monkeypatch.setattr(_grammar, "build", no_build)
    _grammar.parser.cache_clear()
    _grammar.terminals.cache_clear()
    try:
        assert nmdsl.parse("6x 30s @150% / 30s @50%").totals().duration_s == 360
    finally:
        _grammar.parser.cache_clear()
        _grammar.terminals.cache_clear()


def test_every_terminal_has_human_words(fresh: lark.Lark) -> None:
    for t in fresh.terminals:
        if t.name == "HEADER_KEY":  # a header line always parses: never "expected"
            continue
        words = expected_words({t.name})
        assert words and t.name not in words and "_" not in words, (t.name, words)
