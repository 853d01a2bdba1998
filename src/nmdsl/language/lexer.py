"""Source text -> lines -> tokens.

Decoding (UTF-8, optional BOM, CRLF/CR/LF), splitting a line into its
whitespace-separated items (a ``"quoted cue"`` is one item; ``#`` outside
quotes starts a comment), and classifying each item as one terminal of
``grammar/nmdsl.lark``.  The terminal patterns come from the grammar itself,
so the grammar stays the one source of truth for the language's words
(they reach us through :mod:`nmdsl.language._grammar`'s shipped tables, without lark).
Tokens are :class:`nmdsl.language._lalr.Token`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nmdsl.diagnostics import Fix, Report, Span
from nmdsl.diagnostics import quoted as _quoted
from nmdsl.language._lalr import Token
from nmdsl.limits import MAX_ITEM_CHARS, MAX_LINE_ITEMS
from nmdsl.source import count_lines

#: Header keys.  Exposed for docs, did-you-mean and the formatter.
HEADER_KEYS = (
    "name",
    "author",
    "description",
    "sport",
    "tags",
    "ftp",
    "threshold-pace",
    "lthr",
    "max-hr",
    "pmax",
    "vmax",
)

HEADER_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:")
QUOTED_VALUE_RE = re.compile(r'"([^"]*)"[ \t]*(?:#.*)?')


@dataclass
class Line:
    """One physical line with content: its number, indentation and text."""

    number: int
    indent: int
    #: The text after the indentation (comments still in).
    text: str
    tokens: list[Token] = field(default_factory=list)
    ok: bool = True
    #: Why tokenizing stopped early, if it did (see :func:`tokenize_line`):
    #: "steps", "cues" or "items"; the caller reports it.
    stopped: str | None = None


def decode(data: bytes, report: Report) -> str | None:
    """UTF-8 (with or without BOM); an invalid byte is an E006 with its place."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", "replace")
        line = count_lines(before)
        last = before[max(before.rfind("\n"), before.rfind("\r")) + 1 :]
        if line == 1 and last.startswith("\ufeff"):
            last = last[1:]  # as split_lines drops it
        column = len(last) + 1
        report.add(
            "E006",
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
            Span.point(line, column),
            "save the file as UTF-8",
        )
        return None


class TerminalTable:
    """The grammar's terminals, compiled for whole-item matching."""

    #: Terminals that are not produced from items of a step line.
    HEADER_ONLY = frozenset({"HEADER_KEY", "HEADER_VALUE", "COLON"})

    def __init__(self, terminals: Iterable[tuple[str, str, str]]):
        """``terminals``: (name, "str" or "re", the literal or the regular expression)."""
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        self.literals: dict[str, str] = {}
        self._memo: dict[str, str | None] = {}
        #: Line text -> its tokens as (type, value, column, end column),
        #: columns counted from the end of the indentation.
        self.lines: dict[str, tuple[tuple[str, str, int, int], ...]] = {}
        for name, kind, pattern in terminals:
            if name in self.HEADER_ONLY:
                continue
            if kind == "str":
                self.literals[pattern] = name
            else:
                self.patterns.append((name, re.compile(pattern)))

    def classify(self, item: str) -> str | None:
        try:
            return self._memo[item]
        except KeyError:
            pass
        name = self._classify(item)
        if len(self._memo) >= self.MEMO_SIZE:
            self._memo.clear()  # bounded: memory stays flat over a library
        self._memo[item] = name
        return name

    #: Items remembered: a library of 10,000 files has a few thousand distinct ones.
    MEMO_SIZE = 8192
    #: Line texts remembered: most repeats are within a file (a set written
    #: twice) or common lines (``rest 3m``); small, so a worker stays small.
    LINES_SIZE = 2048

    def _classify(self, item: str) -> str | None:
        name = self.literals.get(item)
        if name is not None:
            return name
        for name, pattern in self.patterns:
            if pattern.fullmatch(item):
                return name
        return None


def tokenize_line(
    line: Line,
    table: TerminalTable,
    report: Report,
    max_steps: int | None = None,
    max_cues: int | None = None,
) -> None:
    """Fill ``line.tokens`` (Tokens with 1-based columns) or report why not.

    A line's tokens depend only on its text (after the indentation): a text
    seen before without problems gets its tokens again, placed on this line.

    Reading stops early, with ``line.ok`` False, once ``report`` is
    :attr:`~nmdsl.diagnostics.Report.full`, and with ``line.stopped`` set
    (the caller says why that is too many) at the step after ``max_steps``
    steps, the cue after ``max_cues`` cues, and the item after
    MAX_LINE_ITEMS: nothing the rest of the line says could make it fit.
    """
    known = table.lines.get(line.text)
    if known is not None:
        number, col0 = line.number, line.indent
        append = line.tokens.append
        for kind, value, column, end_column in known:
            tok: Token = _new_str(Token, value)  # as _tok does, inline: the hot path
            tok.type = kind
            tok.value = value
            tok.line = tok.end_line = number
            tok.column = col0 + column
            tok.end_column = col0 + end_column
            append(tok)
        return
    said = len(report.items)
    _tokenize(line, table, report, max_steps, max_cues)
    if line.ok and len(report.items) == said:
        if len(table.lines) >= table.LINES_SIZE:
            table.lines.clear()
        col0 = line.indent
        table.lines[line.text] = tuple(
            (t.type, t.value, t.column - col0, t.end_column - col0) for t in line.tokens
        )


def _tokenize(
    line: Line, table: TerminalTable, report: Report, max_steps: int | None, max_cues: int | None
) -> None:
    text = line.text
    col0 = line.indent  # columns in `text` are offset by the indentation
    m = HEADER_RE.match(text)
    if m:
        _header_tokens(line, m, col0, report)
        return
    previous = ""
    steps, cues = 1, 0
    for count, (start, item) in enumerate(_items(line, report), start=1):
        col = col0 + start + 1
        after_ramp, previous = previous == "ramp", item
        if item == "/":
            steps += 1
            if max_steps is not None and steps > max_steps:
                line.ok, line.stopped = False, "steps"
                return
        if count > MAX_LINE_ITEMS:
            line.ok, line.stopped = False, "items"
            return
        if report.full:
            line.ok = False
            return
        if item.startswith('"'):
            cues += 1
            if max_cues is not None and cues > max_cues:
                line.ok, line.stopped = False, "cues"
                return
            line.tokens.append(_tok("STRING", item, line.number, col))
            continue
        if len(item) > MAX_ITEM_CHARS:
            line.ok = False
            report.add(
                "E210",
                f"the item {item[:40]!r}... is {len(item):,} characters long; "
                f"the limit is {MAX_ITEM_CHARS:,}",
                Span.point(line.number, col, len(item)),
                "no word or number of the language is that long: is a space or a quote missing?",
            )
            continue
        if item.endswith(":") and len(item) > 1:
            head = item[:-1]
            kind = table.classify(head)
            if kind is not None:
                line.tokens.append(_tok(kind, head, line.number, col))
                line.tokens.append(_tok("COLON", ":", line.number, col + len(head)))
                continue
        kind = table.classify(item)
        if kind is None:
            line.ok = False
            message, hint, fixed = explain_with_fix(item)
            if after_ramp and "-" not in item:
                message = f"a ramp needs both ends, from-to: {item!r}"
                hint = "write ramp 50%-70% (rising) or ramp 70%-50% (falling)"
                fixed = None
            elif after_ramp:
                message = f"the two ends of the ramp {item!r} need the same unit"
                hint = "write ramp 45%-70% or ramp 150W-250W"
                fixed = None
            span = Span.point(line.number, col, len(item))
            fix = None if fixed is None else Fix(span, fixed, f"Replace with '{fixed}'")
            report.add("E002", message, span, hint, fix=fix)
            continue
        line.tokens.append(_tok(kind, item, line.number, col))


_new_str = str.__new__


def _tok(kind: str, value: str, line: int, col: int) -> Token:
    # Token's attributes set directly: a library's files make millions of
    # tokens, and this is faster than calling Token(...).
    tok: Token = _new_str(Token, value)
    tok.type = kind
    tok.value = value
    tok.line = line
    tok.column = col
    tok.end_line = line
    tok.end_column = col + len(value)
    return tok


def _header_tokens(line: Line, m: re.Match[str], col0: int, report: Report) -> None:
    key = m.group(1)
    rest_start = m.end()
    rest = line.text[rest_start:]
    stripped = rest.strip(" \t")
    lead = len(rest) - len(rest.lstrip(" \t"))
    value_col = col0 + rest_start + lead + 1
    quoted = QUOTED_VALUE_RE.fullmatch(stripped)
    if quoted:
        value = quoted.group(1)
        width = len(quoted.group(0).split('"')[1]) + 2
    else:
        value = strip_comment(stripped).rstrip(" \t")
        width = len(value)
    line.tokens.append(_tok("HEADER_KEY", key, line.number, col0 + 1))
    line.tokens.append(_tok("COLON", ":", line.number, col0 + m.end()))
    tok = _tok("HEADER_VALUE", value, line.number, value_col)
    tok.end_column = value_col + max(width, 1)
    line.tokens.append(tok)


def strip_comment(text: str) -> str:
    """``text`` up to a ``#`` comment; a ``#`` inside a closed "..." is text."""
    if '"' not in text:
        i = text.find("#")
        return text if i < 0 else text[:i]
    i = 0
    while i < len(text):
        c = text[i]
        if c == "#":
            return text[:i]
        if c == '"':
            end = text.find('"', i + 1)
            if end >= 0:
                i = end
        i += 1
    return text


# Searched for rather than stepped over a character at a time: a line can be 5 MB.
_BLANKS = re.compile(r"[ \t]*")
_ITEM_END = re.compile(r'[ \t"#]')
_TOUCHING_END = re.compile(r"[ \t#]")


def _items(line: Line, report: Report) -> Iterator[tuple[int, str]]:
    """(offset, item) for each whitespace-separated item before a comment."""
    text = line.text
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i = _BLANKS.match(text, i).end()  # type: ignore[union-attr]  # always matches
            continue
        if c == "#":
            return
        start = i
        if c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                line.ok = False
                report.add(
                    "E007",
                    "this cue has no closing quote",
                    Span.point(line.number, line.indent + start + 1, n - start),
                    'end the cue with " on the same line',
                )
                return
            i = end + 1
        else:
            m = _ITEM_END.search(text, i)
            i = m.start() if m else n
        if i < n and text[i] not in " \t#":
            # Two items touch: `30s"cue"`, `"cue"at`, `@150%"x"`.
            m = _TOUCHING_END.search(text, i)
            j = m.start() if m else n
            line.ok = False
            report.add(
                "E308",
                f"put a space between {_quoted(text[start:i])} and {_quoted(text[i:j])}",
                Span.point(line.number, line.indent + start + 1, j - start),
                "items on a line are separated by spaces",
            )
            i = j
            continue
        yield start, text[start:i]


_UNIT_FIXES = {
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "S": "s",
    "mins": "m",
    "minute": "m",
    "minutes": "m",
    "M": "m",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "H": "h",
    "meters": "mtr",
    "metres": "mtr",
    "meter": "mtr",
    "metre": "mtr",
    "mt": "mtr",
    "KM": "km",
    "Km": "km",
    "k": "km",
    "miles": "mi",
    "mile": "mi",
    "MI": "mi",
    "Mi": "mi",
    "RPM": "rpm",
    "Rpm": "rpm",
    "BPM": "bpm",
    "Bpm": "bpm",
    "w": "W",
    "watts": "W",
    "X": "x",
}

#: The words that start a step: intensities and drills.
STEP_WORDS = (
    "warmup",
    "cooldown",
    "rest",
    "recovery",
    "sprint",
    "strides",
    "accel",
    "spinup",
    "standing-start",
    "torque",
    "hill-sprint",
    "flying",
)

WORDS = (
    *STEP_WORDS,
    "ramp",
    "max",
    "free",
    "at",
    "lap",
    "until",
)

TARGET_FORMS = "@150%, @88-94%, @250W, @240-260W, @Z2, @4:30/km, @4:20-4:30/km, @150bpm, @Z2hr, @80%lthr"


def explain_unknown(item: str) -> tuple[str, str | None]:
    """A message and a hint for an item that matches no terminal."""
    message, hint, _ = explain_with_fix(item)
    return message, hint


def explain_with_fix(item: str) -> tuple[str, str | None, str | None]:
    """:func:`explain_unknown`, and the item as it should be written when that is certain (else None)."""
    m = re.fullmatch(r"(@?)([0-9]+(?:\.[0-9]+)?)([A-Za-z]+)", item)
    if m and m.group(3) in _UNIT_FIXES:
        fixed = m.group(1) + m.group(2) + _UNIT_FIXES[m.group(3)]
        return (
            f"unknown unit {m.group(3)!r} in {item!r}",
            f"did you mean {fixed}? (units are case-sensitive)",
            fixed,
        )
    if re.fullmatch(r"[0-9]+bpm", item):
        return (
            f"a heart rate {item!r} without '@', '<' or '>'",
            f"a target is @{item}; a step that ends on a heart rate is 'until <{item}' or 'until >{item}'",
            None,
        )
    if re.fullmatch(r"[<>]=?[0-9]+(bpm)?", item):
        number = item.lstrip("<>=").removesuffix("bpm")
        return (
            f"unknown item {item!r}",
            f"until <{number}bpm or until >{number}bpm (no '=', with 'bpm')",
            None,
        )
    if re.fullmatch(r"~.*", item):
        return (
            f"unknown estimate {item!r}",
            "an estimate is '~' and a duration, without a space: ~3m, ~1:30",
            None,
        )
    if (re.fullmatch(r"@[Zz][0-9]+(hr|HR|Hr)", item) and not item.endswith("hr")) or re.fullmatch(
        r"@z[0-9]+hr", item
    ):
        zone = f"@Z{re.sub('[^0-9]', '', item)}hr"
        return f"unknown target {item!r}", f"heart-rate zones are written {zone}", zone
    if re.fullmatch(r"@[0-9.]+(-[0-9.]+)?%(LTHR|Lthr|MAXHR|MaxHR|maxHR|max-hr|lt|max)", item):
        return f"unknown target {item!r}", "heart rate as a share is written @80%lthr or @65-75%maxhr", None
    if re.fullmatch(r"[0-9]+", item):
        return f"the number {item} has no unit", "write a unit right after it: 30s, 10m, 400mtr, 110rpm", None
    if item in ("s", "m", "min", "h", "mtr", "km", "mi", "rpm", "bpm", "W", "%"):
        return (
            f"the unit {item!r} stands alone",
            "write the unit right after its number, without a space: 30s, 110rpm",
            None,
        )
    if item == "@":
        return "'@' without a value", "write @ directly before its value: @150%", None
    if item == "/":
        return "unexpected '/'", None, None
    if "/" in item and not re.search(r"/(km|mi)\b", item):
        return (
            f"unknown item {item!r}",
            "separate the steps of a repeat with ' / ' (a space on each side)",
            None,
        )
    if re.fullmatch(r"[0-9]+X:?", item):
        fixed = item.replace("X", "x")
        return f"unknown word {item!r}", f"did you mean {fixed}? (units are case-sensitive)", fixed
    if item.startswith("@"):
        rng = re.fullmatch(r"@[0-9.:]+([A-Za-z%/]*)-[0-9.:]+([A-Za-z%/]*)", item)
        if rng and rng.group(1) and rng.group(1) != rng.group(2):
            return (
                f"the two ends of {item!r} have different units",
                "both ends of a range take the same unit: @88-94%, @240-260W",
                None,
            )
        if re.fullmatch(r"@[0-9]+(\.[0-9]+)?", item):
            return f"the target {item!r} has no unit", "write @150% (percent) or @250W (watts)", None
        if re.fullmatch(r"@z[0-9]+", item):
            return (
                f"unknown target {item!r}",
                f"zones are written with a capital Z: @Z{item[2:]}",
                f"@Z{item[2:]}",
            )
        if re.fullmatch(r"@[0-9]+:[0-9]+", item):
            return f"the pace {item!r} has no unit", f"write {item}/km or {item}/mi", None
        return f"unknown target {item!r}", f"targets are written {TARGET_FORMS}", None
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?[%W]?-[0-9]+(\.[0-9]+)?[%W]", item):
        return f"a range without '@': {item!r}", f"write @{item}, or 'ramp {item}' for a ramp", None
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?(%|W)", item):
        return f"a target without '@': {item!r}", f"write @{item}", f"@{item}"
    if re.fullmatch(r"([0-9]+h)?([0-9]+(min|m))?[0-9]+\.[0-9]{4,}s|[0-9:]+:[0-9]+\.[0-9]{4,}", item):
        whole, _, digits = item.rstrip("s").partition(".")
        cut = f"{whole}.{digits[:3]}{'s' if item.endswith('s') else ''}"
        return (
            f"{item!r} has more than three decimals",
            f"a duration is counted to the millisecond: write {cut}",
            cut,
        )
    if re.fullmatch(r"[0-9]+\.[0-9]+[a-z]+", item):
        return (
            f"decimals are not allowed in {item!r}",
            "only seconds take decimals (16.8s, 1:30.5): write 1m30s or 1:30 instead of 1.5m",
            None,
        )
    import difflib  # only for a mistake: not at start-up

    close = difflib.get_close_matches(item.lower(), WORDS, n=1, cutoff=0.6)
    if close:
        return f"unknown word {item!r}", f"did you mean {close[0]!r}?", close[0]
    return f"unknown word {item!r}", None, None
