"""Loading the lark parser without building the grammar at start-up.

Building an LALR table from ``nmdsl.lark`` costs tens of milliseconds (far
more when lark finds ``interegular`` installed).  The built parser is saved
with ``Lark.save`` into ``_parser.pickle`` beside this module, together with
the SHA-256 of the grammar and the lark version it was built with; at run
time we load that instead.  If the grammar or lark's version differs (a
developer edited the grammar, or a user has another lark), we build from the
grammar in memory: slower, never wrong.  ``python -m nmdsl._grammar``
regenerates the file, and a test fails when it is stale.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import lru_cache
from pathlib import Path

import lark

from .lexer import TerminalTable, TokenListLexer

HERE = Path(__file__).resolve().parent
PICKLE = HERE / "_parser.pickle"
#: Inside the wheel the grammar sits in the package; in a source checkout
#: (editable install) it is the repository's grammar/ folder.
GRAMMAR_CANDIDATES = (HERE / "grammar" / "nmdsl.lark", HERE.parents[1] / "grammar" / "nmdsl.lark")


def grammar_path() -> Path:
    for p in GRAMMAR_CANDIDATES:
        if p.is_file():
            return p
    raise FileNotFoundError("nmdsl.lark not found in " + ", ".join(map(str, GRAMMAR_CANDIDATES)))


def grammar_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build(text: str) -> lark.Lark:
    return lark.Lark(text, parser="lalr", lexer=TokenListLexer, start="start")


def _load_cached(sha: str | None) -> lark.Lark | None:
    try:
        with PICKLE.open("rb") as f:
            meta = pickle.load(f)
            if meta.get("lark") != lark.__version__:
                return None
            if sha is not None and meta.get("grammar_sha256") != sha:
                return None
            return lark.Lark.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError):
        return None


@lru_cache(maxsize=1)
def parser() -> lark.Lark:
    """The line parser (cached for the process)."""
    try:
        text: str | None = grammar_path().read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    loaded = _load_cached(grammar_sha256(text) if text is not None else None)
    if loaded is not None:
        return loaded
    if text is None:
        raise RuntimeError("nmdsl is installed without its grammar; reinstall it")
    return build(text)


@lru_cache(maxsize=1)
def terminals() -> TerminalTable:
    return TerminalTable(list(parser().terminals))


def regenerate() -> Path:
    text = grammar_path().read_text(encoding="utf-8")
    built = build(text)
    with PICKLE.open("wb") as f:
        pickle.dump({"lark": lark.__version__, "grammar_sha256": grammar_sha256(text)}, f)
        built.save(f)
    return PICKLE


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {regenerate()}")
