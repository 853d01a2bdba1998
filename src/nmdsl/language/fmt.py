"""``nmdsl fmt``: rewrite a file in the one canonical layout, keeping its comments.

The language is line-oriented, so the formatter works line by line rather
than regenerating the file from the model (which has no comments):

* the file is first checked; a file with errors is never rewritten;
* the parser's concrete syntax tree gives every code line its tokens and its
  block depth;
* each code line is written again from its tokens, every token re-spelled
  canonically (the spellings of :mod:`nmdsl.language.writer`), with two spaces of
  indentation per block level; its trailing comment is kept, two spaces
  before the ``#``;
* comment lines are kept verbatim (only re-indented), blank lines are
  squeezed, and the header lines are put in the order of
  :data:`nmdsl.language.lexer.HEADER_KEYS`, each taking its comments along;
* finally the output is parsed again and its model compared with the
  input's: if they differ, that is a bug in the formatter and
  :class:`FormatError` is raised instead of returning text that means
  something else.

docs/fmt.md describes the canonical layout and every spelling.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from nmdsl.diagnostics import Diagnostic, Report
from nmdsl.language import _grammar
from nmdsl.language._lalr import Token
from nmdsl.language.lexer import HEADER_KEYS, Line, strip_comment, tokenize_line
from nmdsl.language.parser import BlockLine, CstNode, HeaderLine, StepNode, TargetNode, parse_cst
from nmdsl.language.session import read_session as check
from nmdsl.language.values import (
    Problem,
    distance_m,
    duration_s,
    minutes_written_bare,
    number_range,
    pace_range,
)
from nmdsl.language.writer import INDENT, distance, duration, number, target_text
from nmdsl.model import Metadata, PaceTarget, Sport, Workout, as_data
from nmdsl.source import split_lines

__all__ = ["FormatError", "FormatResult", "format_bytes", "format_text", "unified_diff"]


@dataclass
class FormatResult:
    """What :func:`format_text` or :func:`format_bytes` made of one file.

    ``text`` is the formatted file, or None when the file has errors (it is
    then left alone, and ``diagnostics`` says why).  ``changed`` is True when
    ``text`` differs from the input.  ``diagnostics`` also holds the file's
    warnings, which never stop formatting.
    """

    text: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed: bool = False
    #: The input as text (decoded, byte order mark kept), for :func:`unified_diff`;
    #: None when it could not be decoded.
    source: str | None = None

    @property
    def data(self) -> bytes | None:
        """``text`` as the bytes to write back (UTF-8), or None."""
        return None if self.text is None else self.text.encode("utf-8")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


class FormatError(RuntimeError):
    """The formatter produced text that does not mean what the input meant.

    This is a bug in nmdsl, never a problem with the input: the input is
    left as it is.  Please report it with the file.
    """


def format_text(source: str, *, filename: str = "<input>", ftp_w: float | None = None) -> FormatResult:
    """Format nmdsl source text.

    Line endings and a leading byte order mark are kept as the file has them
    (see docs/fmt.md).  ``ftp_w`` is the FTP that ``check`` would be given
    (``--ftp`` or the configuration), so that a file mixing watts and %FTP
    without an ``ftp:`` line is not refused for E304.
    """
    result = check(source, filename=filename, ftp_w=ftp_w)
    if result.workout is None:
        return FormatResult(None, result.diagnostics, False, source)
    text = _format_valid(source, result.workout, filename, ftp_w)
    return FormatResult(text, result.diagnostics, text != source, source)


def format_bytes(data: bytes, *, filename: str = "<input>", ftp_w: float | None = None) -> FormatResult:
    """Format a file's bytes: decoded as ``check`` decodes them (UTF-8, optional BOM).

    ``result.data`` is what to write back; ``result.changed`` compares it with
    ``data`` (so a file whose only change is a missing final newline counts).
    """
    result = check(data, filename=filename, ftp_w=ftp_w)
    if result.workout is None:
        source = None
        with contextlib.suppress(UnicodeDecodeError):
            source = data.decode("utf-8")
        return FormatResult(None, result.diagnostics, False, source)
    # `check` succeeded, so the bytes are valid UTF-8; a BOM decodes to U+FEFF
    # and is kept by _format_valid like the line endings.
    source = data.decode("utf-8")
    text = _format_valid(source, result.workout, filename, ftp_w)
    return FormatResult(text, result.diagnostics, text != source, source)


def unified_diff(old: str, new: str, filename: str) -> str:
    """``old`` -> ``new`` as a unified diff (what ``nmdsl fmt --diff`` prints).

    Empty when they are equal.  The headers are ``--- FILE (original)`` and
    ``+++ FILE (formatted)``, separated from the name by a tab so that
    ``patch`` reads the name.  Line endings are shown as they are; a last
    line without one is marked ``\\ No newline at end of file``.
    """
    if old == new:
        return ""
    out: list[str] = []
    diff = difflib.unified_diff(
        _lines_with_ends(old),
        _lines_with_ends(new),
        fromfile=filename,
        tofile=filename,
        fromfiledate="(original)",
        tofiledate="(formatted)",
    )
    for line in diff:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines_with_ends(text: str) -> list[str]:
    # Not str.splitlines: it also splits at form feeds and U+2028, which are
    # no line breaks to nmdsl (lexer.split_lines).
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


# -- the whole file -------------------------------------------------------------------------------

_BOM = "\ufeff"


def _newline_of(text: str) -> str:
    """The file's own line ending: the first one it uses, LF when it has none.

    Kept rather than forced to LF because git's ``core.autocrlf`` checks files
    out with CRLF on Windows: a formatter that rewrote them to LF would make
    ``fmt --check`` fail on every such checkout.  Mixed endings become the
    first one.
    """
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def _format_valid(source: str, workout: Workout, filename: str, ftp_w: float | None) -> str:
    bom = _BOM if source.startswith(_BOM) else ""
    text = source[len(bom) :]
    lines = _format_lines(text, workout.meta)
    out = bom + _newline_of(text).join(lines) + _newline_of(text)
    _verify(workout, out, filename, ftp_w)
    return out


def _verify(before: Workout, text: str, filename: str, ftp_w: float | None) -> None:
    """Refuse (raise) rather than return text that means something else."""
    after = check(text, filename=filename, ftp_w=ftp_w)
    if after.workout is None:
        problems = "; ".join(d.short() for d in after.errors)
        raise FormatError(
            f"{filename}: the formatted text has errors ({problems}); this is a bug in nmdsl fmt"
        )
    if _without_spans(after.workout) != _without_spans(before):
        raise FormatError(f"{filename}: the formatted text means something else; this is a bug in nmdsl fmt")


def _without_spans(workout: Workout) -> Any:
    """The model as plain data without source spans (what fmt must keep equal).

    Spans are positions in the text, which is what fmt changes.
    """

    return as_data(workout, drop=frozenset({"span", "header_spans"}))


# -- lines ----------------------------------------------------------------------------------------


@dataclass
class _Blank:
    pass


@dataclass
class _Comment:
    #: Indentation in columns (a tab advances to the next multiple of 8).
    indent: int
    text: str


@dataclass
class _Code:
    node: CstNode
    depth: int
    indent: int
    #: The formatted line, without indentation or comment.
    text: str
    comment: str | None

    @property
    def opens_block(self) -> bool:
        return isinstance(self.node, BlockLine)

    def render(self) -> str:
        line = INDENT * self.depth + self.text
        return f"{line}  {self.comment}" if self.comment else line


_Record = _Blank | _Comment | _Code

#: An output line: its text and whether it opens a block; None is a blank line.
_Out = tuple[str, bool] | None


def _format_lines(text: str, meta: Metadata) -> list[str]:
    """The formatted file as lines (no line ends)."""
    records = _records(text, meta)
    out: list[_Out] = []
    headers = [i for i, r in enumerate(records) if isinstance(r, _Code) and isinstance(r.node, HeaderLine)]
    body_start = 0
    if headers:
        first, last = headers[0], headers[-1]
        # Comments right above the first header line (no blank line between)
        # belong to it; anything before them is the file's preamble.
        start = first
        while start > 0 and isinstance(records[start - 1], _Comment):
            start -= 1
        out.extend(_comment_or_blank(r, 0) for r in records[:start])
        out.extend(_header_block(records[start : last + 1]))
        out.append(None)  # one blank line between the header and the steps
        body_start = last + 1
    out.extend(_body(records[body_start:]))
    return _squeeze(out)


def _comment_or_blank(r: _Record, depth: int) -> _Out:
    if isinstance(r, _Comment):
        return (INDENT * depth + r.text, False)
    assert isinstance(r, _Blank)
    return None


def _header_block(records: Sequence[_Record]) -> list[_Out]:
    """The header lines in HEADER_KEYS order, each after the comments above it.

    A comment line in the header goes with the next header line, so it stays
    with the line it introduces when the lines are reordered.  Blank lines
    between header lines are dropped: once reordered they would separate
    nothing in particular.
    """
    groups: list[tuple[int, list[_Out]]] = []
    comments: list[_Out] = []
    for r in records:
        if isinstance(r, _Comment):
            comments.append((r.text, False))
        elif isinstance(r, _Code):
            assert isinstance(r.node, HeaderLine)
            groups.append((HEADER_KEYS.index(str(r.node.key)), [*comments, (r.render(), False)]))
            comments = []
    # Keys are unique in a valid file, so this order is total.
    groups.sort(key=lambda g: g[0])
    return [line for _, lines in groups for line in lines]


def _body(records: Sequence[_Record]) -> list[_Out]:
    """Code lines at their depth; comment lines at the depth they belong to.

    A comment line is not part of the layout, so its depth is chosen: among
    the levels a code line could have at that place (from the depth of the
    next code line up to that of the previous one, or of the block it
    opens), the deepest one whose original indentation is not more than the
    comment's.  A comment written in line with a block's body stays in it; one
    written at the margin goes to the margin.
    """
    out: list[_Out] = []
    columns: list[int] = [0]  # original indentation of each open level
    previous: _Code | None = None
    next_code = _next_code_after(records)
    for i, r in enumerate(records):
        if isinstance(r, _Code):
            columns = [*columns[: r.depth], r.indent]
            previous = r
            out.append((r.render(), r.opens_block))
        elif isinstance(r, _Comment):
            following = next_code[i]
            low = following.depth if following is not None else 0
            candidates = list(columns) if previous is not None else [0]
            if previous is not None and previous.opens_block and following is not None:
                candidates = [*candidates[: previous.depth + 1], following.indent]
            depth = low
            for k in range(len(candidates) - 1, low - 1, -1):
                if candidates[k] <= r.indent:
                    depth = k
                    break
            out.append(_comment_or_blank(r, depth))
        else:
            out.append(None)
    return out


def _next_code_after(records: Sequence[_Record]) -> list[_Code | None]:
    nxt: list[_Code | None] = [None] * len(records)
    following: _Code | None = None
    for i in range(len(records) - 1, -1, -1):
        nxt[i] = following
        r = records[i]
        if isinstance(r, _Code):
            following = r
    return nxt


def _squeeze(lines: list[_Out]) -> list[str]:
    """At most one blank line in a row; none at either end or right after ``Nx:``."""
    out: list[str] = []
    blank = False
    after_head = True  # the start of the file behaves like a block head
    for line in lines:
        if line is None:
            blank = not after_head
            continue
        if blank and out:
            out.append("")
        blank = False
        text, after_head = line
        out.append(text)
    return out


def _records(text: str, meta: Metadata) -> list[_Record]:
    report = Report()
    cst = parse_cst(text, report)
    assert not report.has_errors, "fmt formats only files without errors"
    nodes: dict[int, tuple[CstNode, int]] = {}
    for node, depth in _walk(cst, 0):
        nodes[_line_of(node)] = (node, depth)
    records: list[_Record] = []
    for number_, raw in enumerate(split_lines(text), start=1):
        content = raw.lstrip(" \t")
        lead = raw[: len(raw) - len(content)]
        if not content:
            records.append(_Blank())
        elif content.startswith("#"):
            records.append(_Comment(len(lead.expandtabs(8)), content.rstrip()))
        else:
            node, depth = nodes[number_]
            code = strip_comment(content)
            comment = content[len(code) :].rstrip() or None
            records.append(_Code(node, depth, len(lead), _line_text(node, meta, comment), comment))
    return records


def _walk(nodes: Sequence[CstNode], depth: int) -> Iterator[tuple[CstNode, int]]:
    for node in nodes:
        yield node, depth
        if isinstance(node, BlockLine):
            yield from _walk(node.body, depth + 1)


def _line_of(node: CstNode) -> int:
    if isinstance(node, HeaderLine):
        return node.line
    return node.span.line


def _line_text(node: CstNode, meta: Metadata, comment: str | None) -> str:
    if isinstance(node, HeaderLine):
        return _header_line(node, meta, comment)
    if isinstance(node, BlockLine):
        if node.count.type == "UNTIL":
            return f"{node.head_text}:"  # until >80%maxhr ~3x: (its words, as written)
        return f"{_count(node.count)}:"
    steps = " / ".join(_step(s, meta.sport) for s in node.steps)
    return f"{_count(node.count)} {steps}" if node.count is not None else steps


# -- header lines ---------------------------------------------------------------------------------


def _header_line(h: HeaderLine, meta: Metadata, comment: str | None) -> str:
    """``key: value`` with the value spelled canonically.

    Numbers and paces come from the model.  Text values (name, author,
    description, tags) are written bare when that reads back the same, else
    in quotes (a value holding ``#``), else as written: a value is taken as
    written, quotes and all, so nothing else is safe to change.
    """
    key = str(h.key)
    value = str(h.value)
    prefix = f"{key}: "
    if key in ("name", "author", "description"):
        return prefix + _readable(prefix, [value, f'"{value}"'], value, _identity, h, comment)
    if key == "tags":
        joined = ", ".join(meta.tags)
        return prefix + _readable(prefix, [joined, f'"{joined}"'], meta.tags, _tags, h, comment)
    if key == "sport":
        return prefix + meta.sport
    if key == "ftp":
        assert meta.ftp_w is not None
        return prefix + _number(meta.ftp_w)
    if key == "threshold-pace":
        return prefix + str(meta.threshold_pace)
    if key == "lthr":
        return prefix + str(meta.lthr_bpm)
    if key == "pmax":  # in watts, as the writer spells it: 'pmax: 1150' becomes 'pmax: 1150W'
        assert meta.pmax_w is not None
        return prefix + _number(meta.pmax_w) + "W"
    if key == "vmax":
        return prefix + str(meta.vmax)
    assert key == "max-hr", key
    return prefix + str(meta.max_hr_bpm)


def _identity(value: str) -> str:
    return value


def _tags(value: str) -> tuple[str, ...]:
    # The builder's rule: split at commas, trim, drop empty tags.
    return tuple(t.strip() for t in value.split(",") if t.strip())


def _readable(
    prefix: str,
    candidates: list[str],
    want: object,
    read: Callable[[str], object],
    h: HeaderLine,
    comment: str | None,
) -> str:
    """The first candidate whose line reads back as ``want``, else the value as written."""
    suffix = f"  {comment}" if comment else ""
    for candidate in candidates:
        value = _read_header_value(prefix + candidate + suffix)
        if value is not None and read(value) == want:
            return candidate
    return _written_value(h)


def _read_header_value(line_text: str) -> str | None:
    line = Line(1, 0, line_text)
    tokenize_line(line, _grammar.terminals(), Report())
    if len(line.tokens) == 3 and line.tokens[2].type == "HEADER_VALUE":
        return str(line.tokens[2])
    return None  # pragma: no cover - a "key: ..." line always gives three tokens


def _written_value(h: HeaderLine) -> str:
    """The value as it stands in the source line (after ``:``, before a comment)."""
    # The value token's columns are those of the source line; its text may be
    # unquoted, so take the quotes back when it was written in them.
    value = str(h.value)
    start = (h.value.column or 1) - 1
    end = (h.value.end_column or start + 1) - 1
    return value if end - start == len(value) else f'"{value}"'


# -- step lines -----------------------------------------------------------------------------------

#: Targets in the writer's order: the intensity target, then cadence, then heart rate.
_SLOT = {"CADENCE": 1, "BPM": 2, "HR_ZONE": 2, "HR_PCT": 2}


def _count(tok: Token | None) -> str:
    assert tok is not None
    return f"{int(str(tok)[:-1])}x"


def _step(s: StepNode, sport: Sport) -> str:
    words: list[str] = []
    if s.word is not None:
        words.append(str(s.word))
    words.append(_amount(s.amount, sport))
    if s.bound is not None:
        words.append(str(s.bound))
    if s.estimate is not None:
        words.append("~" + duration(duration_s(str(s.estimate)[1:])))
    # Any order reads the same (at most one target of each kind: E302).
    words.extend(_target(t) for t in sorted(s.targets, key=lambda t: _SLOT.get(t.kind, 0)))
    for cue in s.cues:
        words.append(str(cue.text))  # verbatim: a cue's `#` and spacing are its text
        if cue.at is not None:
            words += ["at", duration(duration_s(str(cue.at), allow_zero=True))]
    return " ".join(words)


def _amount(tok: Token, sport: Sport) -> str:
    text = str(tok)
    if tok.type in ("LAP", "UNTIL"):
        return text
    if tok.type == "DISTANCE":
        return _distance(text)
    bare = minutes_written_bare(text)
    if sport == "run" and bare is not None and bare >= 100:
        # W101: `400m` on a run is probably metres.  Spelled `6h40m` the
        # warning (and the hint "did you mean 400mtr?") would be gone, hiding
        # the likely mistake, so the token stays as written.
        return text
    return duration(duration_s(text))


def _distance(text: str) -> str:
    """The writer's spelling when it is exact, else the number tidied in the unit written."""
    metres = distance_m(text)
    try:
        canonical = distance(metres)
        if distance_m(canonical) == metres:
            return canonical
    except Problem:  # a spelling rounded to zero
        pass
    m = re.fullmatch(r"([0-9.]+)([a-z]+)", text)
    assert m is not None, text
    return _number(float(m.group(1))) + m.group(2)


def _target(t: TargetNode) -> str:
    text = str(t.value)
    match t.kind:
        case "POWER_PCT":
            return "@" + _range(text, "%")
        case "WATTS":
            return "@" + _range(text, "W")
        case "BPM":
            return "@" + _range(text, "bpm")
        case "CADENCE":
            return _range(text, "rpm")
        case "HR_ZONE":
            return f"@Z{int(text[2:-2])}hr"
        case "HR_PCT":
            suffix = "lthr" if text.endswith("lthr") else "maxhr"
            return "@" + _range(text[: -len(suffix)], "%") + suffix
        case "PEAK_PCT":
            return "@" + _range(text[:-4], "%") + text[-4:]
        case "ZONE":
            return f"@Z{int(text[2:])}"
        case "PACE":
            fast, slow = pace_range(text)
            return target_text(PaceTarget(fast=fast, slow=slow))
        case "ramp":
            unit = "%" if text.endswith("%") else "W"
            start, end = number_range(text, unit)
            # Both ends keep the unit (a ramp is read as a pair of values, not a range).
            return f"ramp {_number(start)}{unit}-{_number(end)}{unit}"
        case "max_effort":
            return "max"
        case "free_ride":
            return "free"
    raise AssertionError(t.kind)  # pragma: no cover


def _range(text: str, unit: str) -> str:
    """``88-94%``; equal ends as one number; the unit once, at the end."""
    low, high = number_range(text, unit)
    if low == high:
        return f"{_number(low)}{unit}"
    return f"{_number(low)}-{_number(high)}{unit}"


def _number(x: float) -> str:
    """:func:`nmdsl.language.writer.number` (at most two decimals) when that is exact.

    The writer rounds to two decimals, which suits text made from a model;
    fmt must keep the value, so ``92.125`` stays ``92.125`` (the shortest
    decimal that reads back as the same float, never in exponent form).
    """
    s = number(x)
    if float(s) == x:
        return s
    exact = format(Decimal(repr(x)), "f")
    return exact.rstrip("0").rstrip(".") if "." in exact else exact
