"""nmdsl's LALR driver (nmdsl.language._lalr) against lark's own parser.

The driver runs the tables lark computes; these tests run both on the same
token sequences and require the same tree (same rule names, same children,
same tokens) or the same failure (at the same token, with the same expected
terminals, which the E001 messages are made of): every line of the examples
and test files, every sequence of up to three terminals, random derivations
of the grammar and mutations of them, and a toy grammar that uses the tree
shaping features nmdsl's grammar does not (``?rule``, ``_rule``, ``!rule``,
``[x]``, aliases).  And parsing must not import lark.
"""

from __future__ import annotations

import copy
import itertools
import pickle
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

import lark
import lark.exceptions
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmdsl.diagnostics import Report
from nmdsl.language import _grammar
from nmdsl.language._lalr import END, Parser, Token, Tree, UnexpectedToken
from nmdsl.language.lexer import Line, tokenize_line
from nmdsl.source import split_lines

from .conftest import PATHS
from .helpers import tokenized_lines

# -- helpers ------------------------------------------------------------------------------


def _plain(x: Any) -> Any:
    """A tree (ours or lark's) as plain data: trees, tokens with type, text and place."""
    if isinstance(x, (Tree, lark.Tree)):
        return ("tree", str(x.data), [_plain(c) for c in x.children])
    if isinstance(x, (Token, lark.Token)) and x.type == END and not x:
        # lark gives the end of an empty input no end place (we give 1:1).
        return ("token", END, "", x.line, x.column)
    if isinstance(x, (Token, lark.Token)):
        return ("token", x.type, str(x), x.line, x.column, x.end_line, x.end_column)
    assert x is None, x
    return None


def _lark_tokens(tokens: Sequence[Token]) -> list[lark.Token]:
    return [
        lark.Token(t.type, str(t), 0, t.line, t.column, t.end_line, t.end_column, 0) for t in tokens
    ]


def _ours(parser: Parser, tokens: Sequence[Token]) -> Any:
    try:
        return ("tree", _plain(parser.parse(tokens)))
    except UnexpectedToken as exc:
        return ("error", _plain(exc.token), frozenset(exc.expected))


def _lark(parser: lark.Lark, tokens: Sequence[Token]) -> Any:
    try:
        return ("tree", _plain(parser.parse(_lark_tokens(tokens))))  # type: ignore[arg-type]
    except lark.exceptions.UnexpectedToken as exc:
        return ("error", _plain(exc.token), frozenset(exc.expected))


def _tokens(types: Sequence[str], values: dict[str, str]) -> list[Token]:
    """Tokens of these types on line 1, one space apart."""
    out, col = [], 1
    for kind in types:
        text = values[kind]
        out.append(Token(kind, text, 1, col))
        col += len(text) + 1
    return out


def _values(terminals: Sequence[tuple[str, str, str]], samples: dict[str, str]) -> dict[str, str]:
    return {
        name: pattern if kind == "str" else samples.get(name, name.lower())
        for name, kind, pattern in terminals
    }


def _derive(rules: Sequence[Any], rnd: random.Random, symbol: str = "start", depth: int = 0) -> list[str]:
    """A random sentence (terminal names) of the grammar whose lark rules are ``rules``."""
    choices = [r for r in rules if r.origin.name == symbol]
    if depth > 6:  # head for the end: the expansions with the fewest rules in them
        fewest = min(sum(not s.is_term for s in r.expansion) for r in choices)
        choices = [r for r in choices if sum(not s.is_term for s in r.expansion) == fewest]
    rule = rnd.choice(choices)
    out: list[str] = []
    for sym in rule.expansion:
        out += [sym.name] if sym.is_term else _derive(rules, rnd, sym.name, depth + 1)
    return out


def _mutate(types: list[str], names: Sequence[str], rnd: random.Random, edits: int) -> list[str]:
    types = list(types)
    for _ in range(edits):
        op = rnd.randrange(3)
        i = rnd.randrange(len(types) + 1)
        if op == 0:
            types.insert(i, rnd.choice(names))
        elif types and op == 1:
            del types[min(i, len(types) - 1)]
        elif types:
            types[min(i, len(types) - 1)] = rnd.choice(names)
    return types


# -- nmdsl's grammar ----------------------------------------------------------------------

SAMPLES = {
    "INTENSITY": "warmup",
    "DRILL": "sprint",
    "REPEAT": "6x",
    "DURATION": "30s",
    "DISTANCE": "400mtr",
    "POWER_PCT": "@150%",
    "WATTS": "@250W",
    "ZONE": "@Z2",
    "PACE": "@4:30/km",
    "BPM": "@150bpm",
    "CADENCE": "110rpm",
    "RAMP_RANGE": "45%-70%",
    "STRING": '"Go"',
    "HEADER_KEY": "name",
    "HEADER_VALUE": "Attacks",
}


@pytest.fixture(scope="module")
def lark_parser() -> lark.Lark:
    return _grammar.build_lark(PATHS.grammar.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ours() -> Parser:
    """The shipped tables (test_grammar.py checks they are the grammar's)."""
    return _grammar.parser()


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    return _values(_grammar.tables().terminals, SAMPLES)


def _file_lines() -> list[list[Token]]:
    """The tokens of every line of every .nm file of the examples and tests that tokenizes."""
    out = []
    for path in sorted([*PATHS.examples.glob("**/*.nm"), *PATHS.tests.glob("**/*.nm")]):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out += [line.tokens for line in tokenized_lines(enumerate(split_lines(text), start=1))]
    return out


def test_every_line_of_the_examples_and_tests_parses_as_with_lark(
    lark_parser: lark.Lark, ours: Parser
) -> None:
    lines = _file_lines()
    failures = 0
    for tokens in lines:
        mine = _ours(ours, tokens)
        assert mine == _lark(lark_parser, tokens), [str(t) for t in tokens]
        failures += mine[0] == "error"
    assert len(lines) > 300 and failures > 0, (len(lines), failures)


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
BAD_LINES = ["1m @50% 2m", "5m @50% at 1m", "3x: 1m @50%", "6x", '5m "cue" @50%', "6x 30s / / 30s", "max 10s"]


def _line_tokens(text: str) -> list[Token]:
    line = Line(1, 2, text)
    report = Report()
    tokenize_line(line, _grammar.terminals(), report)
    assert line.ok and not report.items, [d.short() for d in report.items]
    return line.tokens


@pytest.mark.parametrize("text", SAMPLE_LINES)
def test_sample_line_parses_as_with_lark(text: str, lark_parser: lark.Lark, ours: Parser) -> None:
    tokens = _line_tokens(text)
    mine = _ours(ours, tokens)
    assert mine[0] == "tree" and mine == _lark(lark_parser, tokens)


@pytest.mark.parametrize("text", BAD_LINES)
def test_bad_line_fails_as_with_lark(text: str, lark_parser: lark.Lark, ours: Parser) -> None:
    tokens = _line_tokens(text)
    mine = _ours(ours, tokens)
    assert mine[0] == "error" and mine == _lark(lark_parser, tokens)


def test_the_error_goldens_fail_as_with_lark(lark_parser: lark.Lark, ours: Parser) -> None:
    """The lines of tests/errors/*.nm that are syntax errors (E001) fail at the same token."""
    seen = 0
    for path in sorted(PATHS.errors.glob("*.nm")):
        numbered = enumerate(split_lines(path.read_text(encoding="utf-8")), start=1)
        for line in tokenized_lines(numbered):
            mine = _ours(ours, line.tokens)
            assert mine == _lark(lark_parser, line.tokens), (path.name, line.number)
            seen += mine[0] == "error"
    assert seen >= 2


def test_every_sequence_of_up_to_three_terminals(
    lark_parser: lark.Lark, ours: Parser, values: dict[str, str]
) -> None:
    names = sorted(values)
    for n in range(4):
        for types in itertools.product(names, repeat=n):
            tokens = _tokens(types, values)
            assert _ours(ours, tokens) == _lark(lark_parser, tokens), types


def _same_on_a_derivation(
    built: lark.Lark, ours: Parser, values: dict[str, str], seed: int, edits: int
) -> None:
    """A random derivation of ``built``'s grammar, with ``edits`` random edits: the same
    result from both parsers."""
    rnd = random.Random(seed)
    types = _mutate(_derive(built.rules, rnd), sorted(values), rnd, edits)
    tokens = _tokens(types, values)
    result = _ours(ours, tokens)
    assert result == _lark(built, tokens), types
    if not edits:  # an unedited derivation is a sentence of the grammar
        assert result[0] == "tree", types


@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(0, 3))
def test_random_derivations_and_their_mutations(
    lark_parser: lark.Lark, ours: Parser, values: dict[str, str], seed: int, edits: int
) -> None:
    _same_on_a_derivation(lark_parser, ours, values, seed, edits)


@given(
    types=st.lists(
        st.sampled_from([*sorted(SAMPLES), "RAMP", "MAX", "FREE", "AT", "COLON", "SLASH"]), max_size=14
    )
)
def test_random_token_sequences(
    lark_parser: lark.Lark, ours: Parser, values: dict[str, str], types: list[str]
) -> None:
    tokens = _tokens(types, values)
    assert _ours(ours, tokens) == _lark(lark_parser, tokens), types


def test_the_end_of_the_line_is_reported_like_lark(
    lark_parser: lark.Lark, ours: Parser, values: dict[str, str]
) -> None:
    for types in ([], ["REPEAT"], ["INTENSITY"], ["HEADER_KEY", "COLON"], ["DURATION", "SLASH"]):
        tokens = _tokens(types, values)
        mine = _ours(ours, tokens)
        assert mine[0] == "error" and mine[1][1] == END, types
        assert mine == _lark(lark_parser, tokens), types


# -- the tree shaping lark does, on a grammar that uses all of it --------------------------

TOY = r"""
start: stmt*
?stmt: assign | print_stmt | keep_stmt | _pair | NUMBER
assign: NAME "=" expr ";"
print_stmt: "print" [expr] ["to" NAME] ";"
!keep_stmt: "keep" NAME* ";"
_pair: "<" NAME ","? NAME ">"
?expr: expr "+" term -> add
     | term
?term: NUMBER | NAME | "(" expr ")" | call
call: NAME "(" [args] ")"
args: expr ("," expr)*
NAME: /[a-z]+/
NUMBER: /[0-9]+/
"""


@pytest.fixture(scope="module")
def toy() -> tuple[lark.Lark, Parser, dict[str, str]]:
    built = _grammar.build_lark(TOY)
    t = _grammar.tables_from_lark(built, _grammar.grammar_sha256(TOY))
    values = _values(t.terminals, {"NAME": "abc", "NUMBER": "42"})
    return built, Parser(t.actions, t.goto, t.rules, t.start, t.accept), values


def test_toy_grammar_uses_every_shaping_feature(toy: tuple[lark.Lark, Parser, dict[str, str]]) -> None:
    _, parser, _ = toy
    rules = parser.rules
    assert any(r.expand1 for r in rules)
    assert any(r.keep and any(inline for _, inline, _ in r.keep) for r in rules)
    assert any((r.keep and any(nones for _, _, nones in r.keep)) or r.trailing_nones for r in rules)
    assert any(r.tree != r.origin for r in rules)
    assert any(r.keep is None and r.origin == "keep_stmt" for r in rules)


def _toy_cases() -> list[list[str]]:
    return [
        ["NAME", "EQUAL", "NUMBER", "PLUS", "NAME", "LPAR", "RPAR", "SEMICOLON"],
        ["PRINT", "SEMICOLON"],
        ["PRINT", "TO", "NAME", "SEMICOLON"],
        ["PRINT", "NUMBER", "SEMICOLON"],
        ["PRINT", "LPAR", "NUMBER", "RPAR", "TO", "NAME", "SEMICOLON", "NUMBER"],
        ["KEEP", "NAME", "NAME", "SEMICOLON"],
        ["LESSTHAN", "NAME", "COMMA", "NAME", "MORETHAN"],
        ["LESSTHAN", "NAME", "NAME", "MORETHAN", "NUMBER"],
        ["NAME", "EQUAL", "NAME", "LPAR", "NUMBER", "COMMA", "NAME", "PLUS", "NUMBER", "RPAR", "SEMICOLON"],
        ["NAME", "EQUAL", "SEMICOLON"],
        ["PRINT", "TO", "SEMICOLON"],
    ]


def test_toy_grammar_examples(toy: tuple[lark.Lark, Parser, dict[str, str]]) -> None:
    built, parser, values = toy
    assert set(itertools.chain(*_toy_cases())) <= set(values), sorted(values)
    for types in _toy_cases():
        tokens = _tokens(types, values)
        assert _ours(parser, tokens) == _lark(built, tokens), types


@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(0, 2))
def test_toy_grammar_random_derivations(
    toy: tuple[lark.Lark, Parser, dict[str, str]], seed: int, edits: int
) -> None:
    built, parser, values = toy
    _same_on_a_derivation(built, parser, values, seed, edits)


# -- Token ----------------------------------------------------------------------------------


def test_token_is_its_text_with_a_type_and_a_place() -> None:
    t = Token("DURATION", "30s", 3, 5)
    assert t == "30s" and str(t) == "30s" and t.value == "30s" and hash(t) == hash("30s")
    assert (t.type, t.line, t.column, t.end_line, t.end_column) == ("DURATION", 3, 5, 3, 8)
    assert t == Token("DURATION", "30s", 9, 9)
    assert t != Token("OTHER", "30s", 3, 5)
    assert repr(t) == "Token('DURATION', '30s')"


def _pickled(t: Token) -> Any:
    return pickle.loads(pickle.dumps(t))


@pytest.mark.parametrize("clone", [_pickled, copy.deepcopy, copy.copy])
def test_token_survives_copies_and_pickling(clone: Callable[[Any], Any]) -> None:
    t = Token("STRING", '"Go"', 2, 7, 2, 11)
    c = clone(t)
    assert type(c) is Token and c == t
    assert (c.type, c.value, c.line, c.column, c.end_line, c.end_column) == ("STRING", '"Go"', 2, 7, 2, 11)


# -- no lark at run time ---------------------------------------------------------------------


def test_parsing_and_compiling_do_not_import_lark(tmp_path: Any) -> None:
    example = PATHS.examples / "attacks.nm"
    out = tmp_path / "attacks.zwo"
    code = (
        "import sys\n"
        "import nmdsl, nmdsl.language.parser\n"
        f"w = nmdsl.parse_file({str(example)!r})\n"
        "nmdsl.parse('name: X\\n3x:\\n  6x 30s @150% \"Go\" at 10s / 30s @50%\\n10m ramp 45%-70%\\n')\n"
        "r = nmdsl.check('10m @60% 12m')\n"
        "assert not r.ok and 'E001' in [d.code for d in r.diagnostics]\n"
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        f"res = CliRunner().invoke(main, ['compile', {str(example)!r}, '-f', 'zwo', '-o', {str(out)!r}])\n"
        "assert res.exit_code == 0, res.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lark'))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
    assert out.read_bytes().startswith(b"<")
