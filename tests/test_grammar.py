"""The shipped parser tables (src/nmdsl/language/_tables.py) match grammar/nmdsl.lark.

After editing the grammar, regenerate them with ``python -m nmdsl.language._grammar``.
The driver that runs them is checked against lark itself in test_lalr.py.
"""

from __future__ import annotations

import lark
import pytest

import nmdsl
from nmdsl.language import _grammar, _tables
from nmdsl.language.parser import expected_words

from .conftest import PATHS

REGENERATE = "run `python -m nmdsl.language._grammar` to rebuild src/nmdsl/language/_tables.py"

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


def _sha() -> str:
    return _grammar.grammar_sha256(PATHS.grammar.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh() -> _grammar.Tables:
    """The tables lark computes now from the repository's grammar."""
    return _grammar.build_tables(PATHS.grammar.read_text(encoding="utf-8"))


@pytest.fixture
def clear_caches() -> object:
    caches = (_grammar.tables, _grammar.parser, _grammar.terminals)
    for c in caches:
        c.cache_clear()
    yield None
    for c in caches:
        c.cache_clear()


def test_the_package_reads_the_repository_grammar() -> None:
    assert _grammar.grammar_path().resolve() == PATHS.grammar.resolve()


def test_shipped_tables_match_the_grammar() -> None:
    assert _sha() == _tables.GRAMMAR_SHA256, (
        f"grammar/nmdsl.lark changed since the tables were built; {REGENERATE}"
    )


def test_shipped_tables_record_the_lark_version_they_were_built_with() -> None:
    assert _tables.LARK_VERSION.startswith("1.")


def test_shipped_file_is_what_regenerating_writes(fresh: _grammar.Tables) -> None:
    """Byte for byte: the tables, the rules' tree shapes and the terminals."""
    if lark.__version__ != _tables.LARK_VERSION:
        pytest.skip(
            f"the tables were built with lark {_tables.LARK_VERSION}, lark {lark.__version__} is installed"
        )
    assert _grammar.TABLES.read_text(encoding="utf-8") == _grammar.render(fresh), REGENERATE


def test_shipped_tables_are_the_ones_lark_computes(fresh: _grammar.Tables) -> None:
    shipped = _grammar._shipped()
    assert shipped is not None
    # Equal whatever lark 1.x computed them: the states are numbered in a fixed order.
    assert shipped._replace(lark_version="") == fresh._replace(lark_version=""), REGENERATE


def test_regenerating_is_deterministic(fresh: _grammar.Tables) -> None:
    """The state numbering does not depend on lark's set order (hash seeds)."""
    import subprocess
    import sys

    code = (
        "from nmdsl.language import _grammar\n"
        "print(_grammar.render(_grammar.build_tables(_grammar.grammar_path().read_text(encoding='utf-8'))), "
        "end='')\n"
    )
    for seed in ("1", "4242"):
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout == _grammar.render(fresh), seed


def test_shipped_terminals_are_the_grammar_terminals() -> None:
    built = _grammar.build_lark(PATHS.grammar.read_text(encoding="utf-8"))
    assert [name for name, _, _ in _tables.TERMINALS] == [t.name for t in built.terminals]
    for (name, kind, pattern), t in zip(_tables.TERMINALS, built.terminals, strict=True):
        assert kind == t.pattern.type, name
        assert pattern == (t.pattern.value if kind == "str" else t.pattern.to_regexp()), name


def test_whole_file_same_with_shipped_or_built_tables(
    fresh: _grammar.Tables, monkeypatch: pytest.MonkeyPatch, clear_caches: object
) -> None:
    results = [nmdsl.parse(SAMPLE_FILE)]
    _grammar.tables.cache_clear()
    _grammar.parser.cache_clear()
    _grammar.terminals.cache_clear()
    monkeypatch.setattr(_grammar, "tables", lambda: fresh)
    results.append(nmdsl.parse(SAMPLE_FILE))
    assert results[0] == results[1]
    assert results[0].totals().duration_s == 600 + 3 * (4 * 75 + 2 * (10 + 8 * 60) + 360 + 120) + 300 + 300


def test_start_up_loads_the_tables_instead_of_building(
    monkeypatch: pytest.MonkeyPatch, clear_caches: object
) -> None:
    def no_build(text: str) -> _grammar.Tables:
        raise AssertionError("the grammar was built at start-up instead of loading _tables.py")

    monkeypatch.setattr(_grammar, "build_tables", no_build)
    assert nmdsl.parse("6x 30s @150% / 30s @50%").totals().duration_s == 360


def test_stale_tables_are_rebuilt_with_lark(monkeypatch: pytest.MonkeyPatch, clear_caches: object) -> None:
    """A grammar edited since the tables were built: lark builds them in memory."""
    shipped = _grammar._shipped()
    assert shipped is not None
    monkeypatch.setattr(_grammar, "_shipped", lambda: shipped._replace(grammar_sha256="0" * 64, actions=()))
    built = []
    real = _grammar.build_tables
    monkeypatch.setattr(_grammar, "build_tables", lambda text: built.append(text) or real(text))
    assert nmdsl.parse("6x 30s @150% / 30s @50%").totals().duration_s == 360
    assert len(built) == 1
    assert _grammar.tables().grammar_sha256 == _sha()


def test_every_terminal_has_human_words() -> None:
    for name, _, _ in _tables.TERMINALS:
        if name == "HEADER_KEY":  # a header line always parses: never "expected"
            continue
        words = expected_words({name})
        assert words and name not in words and "_" not in words, (name, words)
