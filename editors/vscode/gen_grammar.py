"""Write the VS Code extension's TextMate grammar from nmdsl's own grammar.

    python editors/vscode/gen_grammar.py           # (re)write syntaxes/nmdsl.tmLanguage.json
    python editors/vscode/gen_grammar.py --check   # exit 1 if the file on disk differs

The words of the language are the terminals of ``grammar/nmdsl.lark``; this
script reads them with lark (as nmdsl's own table builder does) and turns
each one into a TextMate rule whose regular expression *is* the terminal's,
matched, as nmdsl's lexer matches it, against a whole item: preceded by the
start of the line or a space or tab, followed by a space, a tab, a ``#``
comment or the end of the line.  So ``30s`` is coloured as a duration and
``30sec`` (an error, E002) is not coloured at all, and a new unit or keyword
in the grammar reaches the editor by rerunning this script
(``tests/test_vscode.py`` fails until it is rerun).

The only things written here by hand are the scope each terminal gets
(:data:`SCOPES`: a terminal without one stops the script), how each header
key's value is coloured (:data:`HEADER_VALUES`, checked against
``nmdsl.language.lexer.HEADER_KEYS``), and the line layout that nmdsl's
lexer decides outside the grammar (comments, header lines, strings).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, get_args

import lark

from nmdsl.language._grammar import build_lark
from nmdsl.language.lexer import HEADER_KEYS
from nmdsl.model import Sport

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LARK = ROOT / "grammar" / "nmdsl.lark"
OUT = HERE / "syntaxes" / "nmdsl.tmLanguage.json"

#: The scope of every terminal of grammar/nmdsl.lark that an item of a step
#: or block line can be.  Chosen among the scopes themes colour (Dark+:
#: keywords blue, repeat counts and ``until`` purple, drills yellow, amounts
#: green, targets bright blue, cues orange).
SCOPES: dict[str, str] = {
    "INTENSITY": "keyword.other.intensity.nmdsl",
    "DRILL": "entity.name.function.drill.nmdsl",
    "RAMP": "keyword.other.ramp.nmdsl",
    "MAX": "constant.language.max.nmdsl",
    "FREE": "constant.language.free.nmdsl",
    "AT": "keyword.other.at.nmdsl",
    "LAP": "constant.language.lap.nmdsl",
    "UNTIL": "keyword.control.until.nmdsl",
    "REPEAT": "keyword.control.repeat.nmdsl",
    "REPEAT_ESTIMATE": "keyword.control.repeat.estimate.nmdsl",
    "DURATION": "constant.numeric.duration.nmdsl",
    "DISTANCE": "constant.numeric.distance.nmdsl",
    "ESTIMATE": "constant.numeric.estimate.nmdsl",
    "HR_BOUND": "constant.numeric.heart-rate.bound.nmdsl",
    "POWER_PCT": "variable.other.constant.target.percent.nmdsl",
    "WATTS": "variable.other.constant.target.watts.nmdsl",
    "ZONE": "variable.other.constant.target.zone.nmdsl",
    "PACE": "variable.other.constant.target.pace.nmdsl",
    "BPM": "variable.other.constant.target.heart-rate.bpm.nmdsl",
    "HR_ZONE": "variable.other.constant.target.heart-rate.zone.nmdsl",
    "HR_PCT": "variable.other.constant.target.heart-rate.percent.nmdsl",
    "PEAK_PCT": "variable.other.constant.target.peak.nmdsl",
    "CADENCE": "variable.other.constant.target.cadence.nmdsl",
    "RAMP_RANGE": "variable.other.constant.target.ramp-range.nmdsl",
    "STRING": "string.quoted.double.cue.nmdsl",
    "SLASH": "punctuation.separator.step.nmdsl",
    "COLON": "punctuation.section.block.begin.nmdsl",
    # Header lines have rules of their own (see header_rules).
    "HEADER_KEY": "support.type.property-name.header.nmdsl",
    "HEADER_VALUE": "string.unquoted.header-value.nmdsl",
}

#: How each header key's value is coloured: free text, a number of watts or
#: bpm, a pace, or one of the sports.
HEADER_VALUES: dict[str, str] = {
    "name": "text",
    "author": "text",
    "description": "text",
    "tags": "text",
    "sport": "sport",
    "ftp": "number",
    "lthr": "number",
    "max-hr": "number",
    "pmax": "number",
    "threshold-pace": "pace",
    "vmax": "pace",
}

#: Start and end of an item, as nmdsl's lexer splits a line: items are
#: separated by spaces or tabs, and a ``#`` outside a cue starts a comment.
ITEM_START = r"(?<![^ \t])"
ITEM_END = r"(?=[ \t#]|$)"
#: The value part of a typed header value ends at a comment or the end of the line.
VALUE_END = r"(?=[ \t]*(?:#|$))"

VALUE_PATTERNS = {
    "number": (r"[0-9]+(?:\.[0-9]+)?(?:W|bpm)?", "constant.numeric.header-value.nmdsl"),
    "pace": (r"[0-9]+:[0-9][0-9]/(?:km|mi)", "constant.numeric.header-value.pace.nmdsl"),
    "sport": ("(?:" + "|".join(re.escape(s) for s in get_args(Sport)) + ")", "constant.language.sport.nmdsl"),
}


class GrammarError(Exception):
    """The lark grammar has something this script cannot place."""


def terminals(grammar_text: str) -> list[tuple[str, str]]:
    """(name, regular expression) of each terminal, literals first, then the
    others in lark's order: the order nmdsl's lexer tries them in."""
    parser = build_lark(grammar_text)
    literals: list[tuple[str, str]] = []
    patterns: list[tuple[str, str]] = []
    for t in parser.terminals:
        if isinstance(t.pattern, lark.lexer.PatternStr):
            literals.append((t.name, re.escape(t.pattern.value)))
        else:
            patterns.append((t.name, t.pattern.to_regexp()))
    return literals + patterns


def block_heads(grammar_text: str) -> list[str]:
    """The terminals a block head's ":" follows (``3x:``, ``until <130bpm:``,
    ``until >80%maxhr ~3x:``), read from the grammar's block_head rule."""
    parser = build_lark(grammar_text)
    order = [name for name, _ in terminals(grammar_text)]
    heads: set[str] = set()
    for rule in parser.rules:
        if rule.origin.name == "block_head":
            names = [s.name for s in rule.expansion]
            heads.update(names[i - 1] for i, n in enumerate(names) if n == "COLON" and i > 0)
    return sorted(heads, key=order.index)


def non_capturing(regex: str) -> str:
    """``regex`` with its groups made non-capturing, so that a rule's captures
    are numbered by the rule alone: ``(mtr|km)`` becomes ``(?:mtr|km)``."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(" and not regex.startswith("?", i + 1):
            c = "(?:"
        out.append(c)
        i += 1
    return "".join(out)


def _rule_name(terminal: str) -> str:
    return terminal.lower().replace("_", "-")


def header_rules() -> list[dict[str, Any]]:
    """One rule per kind of header value, then one for unknown keys (E101, E102)."""
    unknown = sorted(set(HEADER_KEYS) ^ set(HEADER_VALUES))
    if unknown:
        raise GrammarError(f"HEADER_VALUES and nmdsl's HEADER_KEYS differ on {unknown}")
    comment = {"include": "#comment"}
    quoted = {
        "match": r'"[^"]*"',
        "name": "string.quoted.double.header-value.nmdsl",
    }
    # A lone '"' (no closing quote) is text, and a '#' after it starts a comment,
    # as nmdsl reads `author: a "b # c`.
    text = {"match": r'[^#"]+|"', "name": SCOPES["HEADER_VALUE"]}
    rules: list[dict[str, Any]] = []
    for kind in ("number", "pace", "sport", "text"):
        keys = [k for k in HEADER_KEYS if HEADER_VALUES[k] == kind]
        alternatives = "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))
        inner: list[dict[str, Any]] = [quoted, comment]
        if kind in VALUE_PATTERNS:
            regex, scope = VALUE_PATTERNS[kind]
            inner.insert(0, {"match": r"(?<=[: \t])" + regex + VALUE_END, "name": scope})
        inner.append(text)
        rules.append(
            {
                "comment": f"header keys whose value is {kind}",
                "begin": rf"^[ \t]*({alternatives})[ \t]*(:)[ \t]*",
                "beginCaptures": {
                    "1": {"name": SCOPES["HEADER_KEY"]},
                    "2": {"name": "punctuation.separator.key-value.nmdsl"},
                },
                "end": "$",
                "name": "meta.header.nmdsl",
                "patterns": inner,
            }
        )
    return rules


def build(grammar_text: str) -> dict[str, Any]:
    terms = {name: non_capturing(regex) for name, regex in terminals(grammar_text)}
    order = list(terms)
    missing = [t for t in order if t not in SCOPES]
    if missing:
        raise GrammarError(f"no TextMate scope for the terminal(s) {', '.join(missing)}: add them to SCOPES")
    stale = sorted(set(SCOPES) - set(order))
    if stale:
        raise GrammarError(f"SCOPES names terminal(s) the grammar no longer has: {', '.join(stale)}")

    repository: dict[str, Any] = {
        "comment-line": {
            "match": r"^[ \t]*(#.*)$",
            "captures": {"1": {"name": "comment.line.number-sign.nmdsl"}},
        },
        "comment": {"match": "#.*$", "name": "comment.line.number-sign.nmdsl"},
    }
    patterns: list[dict[str, str]] = [{"include": "#comment-line"}]
    for i, header in enumerate(header_rules(), start=1):
        repository[f"header-{i}"] = header
        patterns.append({"include": f"#header-{i}"})
    repository["header-unknown-key"] = {
        "comment": "a `key:` line whose key nmdsl does not know (E101, or E102 for capitals)",
        "begin": rf"^[ \t]*({terms['HEADER_KEY']})[ \t]*(:)",
        "beginCaptures": {
            "1": {"name": "invalid.illegal.header-key.nmdsl"},
            "2": {"name": "punctuation.separator.key-value.nmdsl"},
        },
        "end": "$",
        "name": "meta.header.nmdsl",
        "patterns": [{"include": "#comment"}],
    }
    patterns.append({"include": "#header-unknown-key"})
    for name in block_heads(grammar_text):
        repository[_rule_name(name) + "-block"] = {
            "comment": f"{name} then ':' opens a block",
            "match": f"{ITEM_START}({terms[name]})(:){ITEM_END}",
            "captures": {"1": {"name": SCOPES[name]}, "2": {"name": SCOPES["COLON"]}},
        }
        patterns.append({"include": f"#{_rule_name(name)}-block"})
    for name in order:
        if name in ("HEADER_KEY", "HEADER_VALUE", "COLON"):
            continue
        rule: dict[str, Any] = {
            "comment": f"the terminal {name} of grammar/nmdsl.lark",
            "name": SCOPES[name],
        }
        if name == "STRING":  # a cue is one item wherever it stands; a '#' inside is text
            rule["match"] = terms[name]
        else:
            rule["match"] = f"{ITEM_START}(?:{terms[name]}){ITEM_END}"
        repository[_rule_name(name)] = rule
        patterns.append({"include": f"#{_rule_name(name)}"})
    repository["unclosed-string"] = {
        "comment": "a cue without its closing quote (E007)",
        "match": r'"[^"]*$',
        "name": "invalid.illegal.unclosed-string.nmdsl",
    }
    patterns += [{"include": "#unclosed-string"}, {"include": "#comment"}]
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "comment": "Generated by editors/vscode/gen_grammar.py from grammar/nmdsl.lark: do not edit by hand.",
        "name": "nmdsl",
        "scopeName": "source.nmdsl",
        "fileTypes": ["nm"],
        "patterns": patterns,
        "repository": repository,
    }


def render(grammar_text: str) -> str:
    return json.dumps(build(grammar_text), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the grammar on disk is not up to date")
    args = ap.parse_args(argv)
    text = render(LARK.read_text(encoding="utf-8"))
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python {Path(__file__).relative_to(ROOT)}", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
