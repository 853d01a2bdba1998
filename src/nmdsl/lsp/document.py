"""One open document: its diagnostics as ``nmdsl check`` gives them, its positions, its times.

A :class:`Document` is made from the text an editor holds (saved or not) and
the path it has.  :attr:`Document.diagnostics` are the diagnostics of
``nmdsl check PATH`` once the text is saved: the configuration found from the
document's folder applies (``ftp``, ``targets``, ``required``, rule
severities), and so do the file's ``# nmdsl: disable=`` comments.  The
library-wide W701 (two files with one name) needs the other files and is left
to ``nmdsl check``.

Positions: nmdsl counts lines and columns from 1, in characters (code
points), without a leading byte order mark; the protocol counts from 0, in
the code units the client and server agreed on (UTF-16 unless the client
offers UTF-8 or UTF-32).  :class:`Positions` converts both ways.

The structure (the syntax tree, the workout even when some lines have
errors, each line's start time and length) is computed on first use: the
diagnostics after a change need none of it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lsprotocol import types

from nmdsl.api import Result
from nmdsl.diagnostics import Diagnostic, Report, Severity, Span
from nmdsl.language.builder import Builder
from nmdsl.language.parser import BlockLine, CstNode, HeaderLine, StepLine, parse_cst
from nmdsl.library import Job, check_text
from nmdsl.library import config as config_mod
from nmdsl.library.config import Config
from nmdsl.model import Metadata, Repeat, Step, Workout
from nmdsl.model.workout import step_seconds

_BREAK = re.compile(r"\r\n|\r|\n")

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of ``encoding`` ``text`` is."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def chars(text: str, count: int, encoding: str = UTF16) -> int:
    """How many characters of ``text`` make up its first ``count`` code units (clamped to the text)."""
    if encoding == UTF32:
        return max(0, min(count, len(text)))
    seen = 0
    for i, c in enumerate(text):
        if seen >= count:
            return i
        if encoding == UTF8:
            seen += len(c.encode("utf-8", "surrogatepass"))
        else:
            seen += 2 if ord(c) > 0xFFFF else 1
    return len(text)


class Positions:
    """nmdsl's places (1-based, characters, no BOM) <-> the protocol's (0-based, code units)."""

    def __init__(self, text: str, encoding: str = UTF16):
        #: The lines as the protocol counts them (LF, CRLF, CR), a BOM kept on the first.
        self.lines: list[str] = _BREAK.split(text)
        self.bom = text.startswith("\ufeff")
        self.encoding = encoding

    def position(self, line: int, column: int) -> types.Position:
        """The protocol's position of nmdsl's line ``line``, column ``column``."""
        index = max(line - 1, 0)
        if index >= len(self.lines):
            return types.Position(line=len(self.lines) - 1, character=units(self.lines[-1], self.encoding))
        text = self.lines[index]
        at = max(column - 1, 0) + (1 if self.bom and index == 0 else 0)
        return types.Position(line=index, character=units(text[:at], self.encoding))

    def range(self, span: Span | None) -> types.Range:
        """The protocol's range of a span (the file's start for a diagnostic without one)."""
        if span is None:
            start = types.Position(line=0, character=0)
            return types.Range(start=start, end=start)
        return types.Range(
            start=self.position(span.line, span.column), end=self.position(span.end_line, span.end_column)
        )

    def place(self, position: types.Position) -> tuple[int, int]:
        """nmdsl's (line, column) of a protocol position (clamped to the text)."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        text = self.lines[index]
        at = chars(text, position.character, self.encoding)
        if self.bom and index == 0:
            at = max(at - 1, 0)
        return index + 1, at + 1

    def line_text(self, line: int) -> str:
        """nmdsl's line ``line`` (from 1; no BOM), or "" past the end."""
        if not 1 <= line <= len(self.lines):
            return ""
        text = self.lines[line - 1]
        return text[1:] if self.bom and line == 1 else text

    def end(self) -> types.Position:
        return types.Position(line=len(self.lines) - 1, character=units(self.lines[-1], self.encoding))


# -- configuration ---------------------------------------------------------------------


@dataclass
class _Loaded:
    stamp: tuple[float, int]
    config: Config
    problems: list[Diagnostic]


_configs: dict[Path, _Loaded] = {}


def find_config(path: str | None) -> tuple[Config, Path | None, list[Diagnostic]]:
    """The configuration for a document at ``path`` (None: unsaved), where it is, and its problems (E011).

    Read again when the file changes (its modification time or size), so
    editing ``pyproject.toml`` takes effect at the next change of a document.
    """
    if path is None:
        return Config(), None, []
    where = config_mod.find(Path(path).parent)
    if where is None:
        return Config(), None, []
    try:
        st = where.stat()
        stamp = (st.st_mtime, st.st_size)
    except OSError:
        stamp = (0.0, -1)
    known = _configs.get(where)
    if known is None or known.stamp != stamp:
        report = Report(file=str(where))
        cfg = config_mod.load(where, report)
        known = _configs[where] = _Loaded(stamp, cfg, report.items)
    return known.config, where, known.problems


# -- times -----------------------------------------------------------------------------


@dataclass
class Timed:
    """When a step or a repeat starts (in its first repetition) and how long it lasts."""

    start_s: float
    #: A step's time, or a repeat's one repetition; None when unknown.
    duration_s: float | None
    #: Some time before the start is unknown: ``start_s`` is a lower bound.
    after_unknown: bool = False
    #: Some time before the start is an estimate (a distance, ``lap ~3m``).
    start_estimated: bool = False
    #: Its own time is an estimate.
    estimated: bool = False
    #: For a repeat: how many times, and the whole of it (None when unknown).
    count: int = 1
    total_s: float | None = None
    step: Step | None = None
    repeat: Repeat | None = None


@dataclass
class LineTimes:
    """What a line holds in time: its steps in order, and the repeat it is (if it is one)."""

    steps: list[Timed] = field(default_factory=list)
    repeat: Timed | None = None

    @property
    def start(self) -> Timed | None:
        return self.repeat or (self.steps[0] if self.steps else None)

    def length(self) -> tuple[float | None, bool]:
        """The line's whole time (all its repetitions) and whether it is estimated."""
        if self.repeat is not None:
            return self.repeat.total_s, self.repeat.estimated
        if any(s.duration_s is None for s in self.steps):
            return None, False
        return sum(s.duration_s or 0.0 for s in self.steps), any(s.estimated for s in self.steps)


def line_times(workout: Workout) -> dict[int, LineTimes]:
    """Each line's :class:`LineTimes`, without unrolling a repeat (a 1000x block costs one walk)."""
    out: dict[int, LineTimes] = {}
    _walk(workout.steps, workout.meta, 0.0, False, False, out)
    return out


def _walk(
    items: Sequence[Step | Repeat],
    meta: Metadata,
    t: float,
    before_unknown: bool,
    before_estimated: bool,
    out: dict[int, LineTimes],
) -> tuple[float, bool, bool]:
    """Record ``items`` from ``t``: (their end, whether some of their time is unknown, or estimated).

    ``before_unknown``, ``before_estimated``: some time before ``t`` is
    unknown, or estimated, already.
    """
    unknown = estimated = False
    for item in items:
        after_unknown, start_estimated = before_unknown or unknown, before_estimated or estimated
        if isinstance(item, Step):
            seconds, guess = step_seconds(item, meta)
            if item.span is not None:
                timed = Timed(t, seconds, after_unknown, start_estimated, guess, step=item)
                out.setdefault(item.span.line, LineTimes()).steps.append(timed)
            if seconds is None:
                unknown = True
            else:
                t += seconds
                estimated = estimated or guess
            continue
        start = t
        end, inner_unknown, inner_estimated = _walk(item.steps, meta, t, after_unknown, start_estimated, out)
        guessed = inner_estimated or item.until is not None or item.estimated
        once = None if inner_unknown else end - start
        if item.span is not None:
            out.setdefault(item.span.line, LineTimes()).repeat = Timed(
                start,
                once,
                after_unknown,
                start_estimated,
                guessed,
                count=item.count,
                total_s=None if once is None else once * item.count,
                repeat=item,
            )
        t = start + (end - start) * item.count
        unknown = unknown or inner_unknown
        estimated = estimated or guessed
    return t, unknown, estimated


# -- the document ----------------------------------------------------------------------


@dataclass
class Structure:
    """The syntax tree and the workout built from it, errors or not (lines with errors left out)."""

    cst: list[CstNode]
    workout: Workout
    #: The first line with an error (None: none): times after it leave out what it says.
    first_error_line: int | None
    times: dict[int, LineTimes]

    @property
    def meta(self) -> Metadata:
        return self.workout.meta


class Document:
    """An open ``.nm`` document, checked as ``nmdsl check`` would check it saved."""

    def __init__(
        self,
        text: str,
        path: str | None = None,
        *,
        encoding: str = UTF16,
        version: int | None = None,
        config: Config | None = None,
        formats: bool = True,
        checked: Result | None = None,
    ):
        self.text = text
        self.path = path
        self.version = version
        self.positions = Positions(text, encoding)
        self.config_problems: list[Diagnostic] = []
        if config is not None:
            self.config, self.config_path = config, config.path
        else:
            self.config, self.config_path, self.config_problems = find_config(path)
        name = path if path is not None else "<buffer>"
        #: False: the formats were not compiled (:meth:`quick`), so their diagnostics are missing.
        self.formats = formats
        cfg = self.config if formats else dataclasses.replace(self.config, targets=())
        self.result, self.checked = check_text(Job(name, cfg, None, False), text, checked)

    @classmethod
    def quick(cls, text: str, path: str | None = None, **kw: Any) -> Document:
        """The document checked without compiling it to the formats (a third of the work).

        Its diagnostics are ``nmdsl check``'s less those only compiling finds
        (E4xx and W4xx, the formats' codes): what the server publishes first.
        """
        return cls(text, path, formats=False, **kw)

    def completed(self) -> Document:
        """This document with the formats compiled too (itself if they were): the text is not parsed again."""
        if self.formats:
            return self
        done = Document(
            self.text,
            self.path,
            encoding=self.positions.encoding,
            version=self.version,
            config=self.config,
            checked=self.checked,
        )
        done.config_path, done.config_problems = self.config_path, self.config_problems
        if "structure" in self.__dict__:  # already built: the same text, the same structure
            done.__dict__["structure"] = self.__dict__["structure"]
        return done

    @property
    def has_format_diagnostics(self) -> bool:
        """Whether some diagnostic comes from compiling to a format (its code is E4xx or W4xx)."""
        return any(d.code[1:2] == "4" for d in self.diagnostics)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """What ``nmdsl check`` says of this file (sorted; warnings capped as it caps them)."""
        return self.result.diagnostics

    def lsp_diagnostics(self) -> list[types.Diagnostic]:
        return [lsp_diagnostic(d, self.positions) for d in self.diagnostics]

    @cached_property
    def structure(self) -> Structure:
        workout = self.checked.workout
        report = Report(file=self.path or "<buffer>")
        cst = parse_cst(self.text[1:] if self.text.startswith("\ufeff") else self.text, report)
        if workout is None:
            workout = Builder(report, ftp_w=self.config.ftp_w).build(cst)
        errors = [d.span.line for d in self.checked.diagnostics if d.is_error and d.span is not None]
        first = min(errors) if errors else (1 if self.checked.errors else None)
        return Structure(cst, workout, first, line_times(workout))

    def node_at(self, line: int) -> tuple[CstNode | None, list[BlockLine]]:
        """The syntax node of line ``line`` and the blocks around it, outermost first."""
        return _node_at(self.structure.cst, line, [])


def _node_at(
    nodes: Sequence[CstNode], line: int, blocks: list[BlockLine]
) -> tuple[CstNode | None, list[BlockLine]]:
    for node in nodes:
        if isinstance(node, HeaderLine):
            if node.line == line:
                return node, blocks
        elif isinstance(node, StepLine):
            if node.span.line == line:
                return node, blocks
        else:
            if node.span.line == line:
                return node, blocks
            if node.body and _first_line(node.body[0]) <= line <= last_line(node):
                return _node_at(node.body, line, [*blocks, node])
    return None, blocks


def _first_line(node: CstNode) -> int:
    return node.line if isinstance(node, HeaderLine) else node.span.line


def last_line(node: CstNode) -> int:
    """The last line of a node: a block's is that of its last body line."""
    if isinstance(node, BlockLine) and node.body:
        return last_line(node.body[-1])
    return _first_line(node)


_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def lsp_diagnostic(d: Diagnostic, positions: Positions) -> types.Diagnostic:
    """An nmdsl diagnostic as the protocol's: the same code, range, severity; the hint under the message."""
    message = d.message if not d.hint else f"{d.message}\nhint: {d.hint}"
    return types.Diagnostic(
        range=positions.range(d.span),
        message=message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        source="nmdsl",
    )


def problems_of_config(problems: Sequence[Diagnostic]) -> list[types.Diagnostic]:
    """A configuration's E011s, for its own file (their lines are the TOML file's)."""
    out = []
    for d in problems:
        span = d.span
        rng = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        if span is not None:
            start = types.Position(line=span.line - 1, character=span.column - 1)
            rng = types.Range(start=start, end=types.Position(line=span.line - 1, character=span.column))
        message = d.message if not d.hint else f"{d.message}\nhint: {d.hint}"
        out.append(
            types.Diagnostic(
                range=rng, message=message, severity=_SEVERITY[d.severity], code=d.code, source="nmdsl"
            )
        )
    return out
