"""The line grammar's LALR tables, shipped with the package; lark only to build them.

lark computes the LALR(1) tables of ``grammar/nmdsl.lark`` and
:mod:`nmdsl.language._lalr` runs them, so parsing never imports lark (importing it
costs more than a whole one-file compile should).  The tables are a plain
Python literal module, ``_tables.py`` beside this one, written by
``python -m nmdsl.language._grammar``: the action and goto tables (states numbered in
a fixed order, so the file only changes when the grammar does), for each
rule how lark's tree builder shapes its tree, and the terminals' names and
patterns for :class:`nmdsl.language.lexer.TerminalTable`, keyed by the grammar's
SHA-256.

At run time :func:`tables` loads that module when its key matches the
grammar beside the package.  If it does not (a developer edited the grammar
in an editable install), lark is imported and the same tables are built in
memory: slower, never wrong.  Tests fail when the shipped file is stale and
run this driver against lark's own parser (``tests/test_lalr.py``).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from nmdsl.language._lalr import Parser, Rule
from nmdsl.language.lexer import TerminalTable

if TYPE_CHECKING:  # pragma: no cover
    import lark

HERE = Path(__file__).resolve().parent
TABLES = HERE / "_tables.py"
#: Inside the wheel the grammar sits in the package; in a source checkout
#: (editable install) it is the repository's grammar/ folder.
GRAMMAR_CANDIDATES = (HERE.parent / "grammar" / "nmdsl.lark", HERE.parents[2] / "grammar" / "nmdsl.lark")


def grammar_path() -> Path:
    for p in GRAMMAR_CANDIDATES:
        if p.is_file():
            return p
    raise FileNotFoundError("nmdsl.lark not found in " + ", ".join(map(str, GRAMMAR_CANDIDATES)))


def grammar_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Tables(NamedTuple):
    """Everything parsing needs from the grammar, as plain data."""

    grammar_sha256: str
    #: The lark version that computed them (for information).
    lark_version: str
    #: (name, "str" or "re", the literal or the regular expression), in lark's order.
    terminals: tuple[tuple[str, str, str], ...]
    #: state -> terminal -> shift to state (>= 0) or reduce by rule ~action (< 0).
    actions: tuple[dict[str, int], ...]
    #: state -> rule name -> the state after reducing it.
    goto: tuple[dict[str, int], ...]
    rules: tuple[Rule, ...]
    start: int
    accept: int


def _shipped() -> Tables | None:
    try:
        from nmdsl.language import _tables
    except ImportError:  # pragma: no cover - a broken install
        return None
    return Tables(
        _tables.GRAMMAR_SHA256,
        _tables.LARK_VERSION,
        _tables.TERMINALS,
        _tables.ACTIONS,
        _tables.GOTO,
        tuple(Rule(*r) for r in _tables.RULES),
        _tables.START,
        _tables.ACCEPT,
    )


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The shipped tables, or (when the grammar changed since) tables built now."""
    try:
        text: str | None = grammar_path().read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    shipped = _shipped()
    if shipped is not None and (text is None or shipped.grammar_sha256 == grammar_sha256(text)):
        return shipped
    if text is None:
        raise RuntimeError("nmdsl is installed without its grammar; reinstall it")
    return build_tables(text)


@lru_cache(maxsize=1)
def parser() -> Parser:
    """The line parser (cached for the process)."""
    t = tables()
    return Parser(t.actions, t.goto, t.rules, t.start, t.accept)


@lru_cache(maxsize=1)
def terminals() -> TerminalTable:
    return TerminalTable(tables().terminals)


# -- development time: lark builds the tables ------------------------------------------


def build_lark(text: str) -> lark.Lark:
    """lark's own LALR parser for the grammar, fed with our lexer's tokens."""
    import lark
    from lark.lexer import Lexer

    class TokenListLexer(Lexer):
        """Feeds lark a list of already-classified tokens."""

        __future_interface__ = 2

        def __init__(self, lexer_conf: Any) -> None:
            pass

        def lex(self, lexer_state: Any, parser_state: Any) -> Any:
            return iter(lexer_state.text)

    return lark.Lark(text, parser="lalr", lexer=TokenListLexer, start="start")


def build_tables(text: str) -> Tables:
    return tables_from_lark(build_lark(text), grammar_sha256(text))


#: What a stale table file costs: building the tables with lark (the name
#: benchmarks/run.py times).
build = build_tables


def tables_from_lark(built: lark.Lark, sha: str) -> Tables:
    """Read the tables, the rules' tree shaping and the terminals out of ``built``."""
    import lark
    from lark.parsers.lalr_analysis import Shift

    table = built.parser.parser._parse_table  # the LALR_Parser's IntParseTable
    rule_names = {r.origin.name for r in built.rules}
    rule_index = {r: i for i, r in enumerate(built.rules)}
    start, accept = table.start_states["start"], table.end_states["start"]

    # Number the states in the order a walk from the start state meets them
    # (names sorted), so the same grammar always gives the same file.
    number: dict[int, int] = {start: 0}
    order = [start]
    for state in order:
        for name in sorted(table.states.get(state, {})):
            action, arg = table.states[state][name]
            if action is Shift and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    if accept not in number:  # pragma: no cover - the start rule always leads there
        number[accept] = len(order)
        order.append(accept)

    actions: list[dict[str, int]] = []
    goto: list[dict[str, int]] = []
    for state in order:
        acts: dict[str, int] = {}
        gotos: dict[str, int] = {}
        for name in sorted(table.states.get(state, {})):
            action, arg = table.states[state][name]
            if name in rule_names:
                assert action is Shift, (state, name)
                gotos[str(name)] = number[arg]
            elif action is Shift:
                acts[str(name)] = number[arg]
            else:
                acts[str(name)] = ~rule_index[arg]
        actions.append(acts)
        goto.append(gotos)

    placeholders = bool(built.options.maybe_placeholders)
    rules = tuple(_rule_shape(r, placeholders) for r in built.rules)
    terms = tuple(
        (str(t.name), "str", str(t.pattern.value))
        if t.pattern.type == "str"
        else (str(t.name), "re", str(t.pattern.to_regexp()))
        for t in built.terminals
    )
    return Tables(sha, lark.__version__, terms, tuple(actions), tuple(goto), rules, 0, number[accept])


def _rule_shape(rule: Any, placeholders: bool) -> Rule:
    """How lark's tree builder (``parse_tree_builder``) shapes ``rule``'s tree.

    A child is dropped when it is a filtered-out token (an anonymous ``"/"``)
    unless the rule keeps all tokens (``!rule``); a child that is a rule whose
    name starts with ``_`` is replaced by its own children; with
    ``maybe_placeholders`` an absent ``[x]`` leaves a None.  ``?rule`` without
    an alias gives its only child instead of a tree of one.
    """
    opts = rule.options
    expansion = rule.expansion
    # For each position (and the end) how many Nones go before it.
    nones = [0] * (len(expansion) + 1)
    empty = tuple(opts.empty_indices) if placeholders and opts.empty_indices else ()
    if empty:
        at, run = 0, 0
        for absent in empty:
            if absent:
                run += 1
            else:
                nones[at], at, run = run, at + 1, 0
        nones[at] = run
    keep: list[tuple[int, bool, int]] = []
    waiting = 0
    for i, sym in enumerate(expansion):
        waiting += nones[i]
        if opts.keep_all_tokens or not (sym.is_term and sym.filter_out):
            keep.append((i, not sym.is_term and sym.name.startswith("_"), waiting))
            waiting = 0
    trailing = waiting + nones[len(expansion)]
    filtered = bool(empty) or len(keep) < len(expansion) or any(inline for _, inline, _ in keep)
    return Rule(
        origin=str(rule.origin.name),
        size=len(expansion),
        tree=str(rule.alias or opts.template_source or rule.origin.name),
        expand1=bool(opts.expand1) and not rule.alias,
        keep=tuple(keep) if filtered else None,
        trailing_nones=trailing if filtered else 0,
    )


HEADER = '''\
"""LALR tables of grammar/nmdsl.lark, for nmdsl.language._lalr.  Generated: do not edit.

Regenerate with ``python -m nmdsl.language._grammar`` after editing the grammar.
"""
# fmt: off
# ruff: noqa
'''


def render(t: Tables) -> str:
    """``t`` as the source of the ``_tables`` module (one state or rule a line)."""
    out = [HEADER]
    out.append(f"GRAMMAR_SHA256 = {t.grammar_sha256!r}")
    out.append(f"LARK_VERSION = {t.lark_version!r}")
    out.append(f"START = {t.start!r}")
    out.append(f"ACCEPT = {t.accept!r}")
    out.append("")
    out.append("#: (name, 'str' or 're', literal or regular expression)")
    out.append("TERMINALS: tuple[tuple[str, str, str], ...] = (")
    out += [f"    {term!r}," for term in t.terminals]
    out.append(")")
    out.append("")
    out.append("#: state -> terminal -> shift to state (>= 0) or reduce by rule ~n (< 0)")
    out.append("ACTIONS: tuple[dict[str, int], ...] = (")
    out += [f"    {acts!r},  # {i}" for i, acts in enumerate(t.actions)]
    out.append(")")
    out.append("")
    out.append("#: state -> rule -> state after reducing it")
    out.append("GOTO: tuple[dict[str, int], ...] = (")
    out += [f"    {g!r},  # {i}" for i, g in enumerate(t.goto)]
    out.append(")")
    out.append("")
    out.append("#: (origin, size, tree name, expand single child, kept children or None, trailing Nones)")
    out.append("#: kept children: (position, inline its children, Nones before it)")
    out.append(
        "RULES: tuple[tuple[str, int, str, bool, tuple[tuple[int, bool, int], ...] | None, int], ...] = ("
    )
    out += [f"    {tuple(r)!r},  # {i}" for i, r in enumerate(t.rules)]
    out.append(")")
    return "\n".join(out) + "\n"


def regenerate() -> Path:
    text = grammar_path().read_text(encoding="utf-8")
    TABLES.write_text(render(build_tables(text)), encoding="utf-8")
    return TABLES


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {regenerate()}")
