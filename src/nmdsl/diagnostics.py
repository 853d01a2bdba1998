"""Diagnostics: source spans, coded messages, and their rendering.

Every problem nmdsl reports is a :class:`Diagnostic` with a stable code from
:data:`CODES`.  The library never prints: it returns diagnostics (``check``)
or raises :class:`NmdslError` carrying them (``parse``, ``compile``); the CLI
renders them with :func:`render`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

from nmdsl.limits import MAX_ERRORS, MAX_WARNINGS

if TYPE_CHECKING:
    from typing import Self


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A place in the source: 1-based line and column, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int, width: int = 1) -> Span:
        return cls(line=line, column=column, end_line=line, end_column=column + max(width, 1))


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical correction the language is sure of: put ``text`` in place of ``span``.

    A diagnostic carries one where its hint names the exact replacement
    ("did you mean 30s?"); an editor offers it as a quick fix.  An empty span
    (``end_column == column`` on one line) is an insertion.  Not part of the
    rendered text or of :meth:`Diagnostic.model_dump`.
    """

    span: Span
    text: str
    #: What applying it does, for a menu: "Replace with '30s'".
    title: str


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    title: str


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


E, W = Severity.ERROR, Severity.WARNING

#: Every diagnostic code of the language core.  Backends and importers add
#: theirs with :func:`register` when they are imported;
#: :func:`nmdsl.library.codes.all_codes` imports them all.  Codes are stable:
#: a code is never reused for another meaning.  docs/diagnostics.md documents each one, and a test fails if a
#: code is undocumented or never triggered by a test.
#:
#: Ranges: E0xx file and layout, E1xx header, E2xx values, E3xx meaning,
#: W1xx language warnings; E4xx/W4xx backends (ZWO 40-49, ERG/MRC 50-59
#: as E45x/W45x, FIT E46x-E47x/W46x-W47x); E5xx/W5xx importers (ZWO E50x-E51x, ERG/MRC
#: E52x-E53x, FIT E54x-E55x, intervals.icu text E56x-E57x, whatsonzwift text
#: E58x/W58x); intervals.icu's text backend W48x.
CODES: dict[str, Code] = _catalogue(
    # E0xx: reading the file and its layout
    Code("E001", E, "syntax error"),
    Code("E002", E, "unknown word"),
    Code("E003", E, "tab in indentation"),
    Code("E004", E, "unexpected indentation"),
    Code("E005", E, "block without a body"),
    Code("E006", E, "file is not valid UTF-8"),
    Code("E007", E, "unterminated string"),
    Code("E008", E, "cannot read file"),
    Code("E009", E, "file too large"),
    Code("E010", E, "empty workout"),
    Code("E013", E, "too many errors"),
    # E1xx: header
    Code("E101", E, "unknown header key"),
    Code("E102", E, "header key in the wrong case"),
    Code("E103", E, "repeated header key"),
    Code("E104", E, "empty header value"),
    Code("E105", E, "header line after the first step"),
    Code("E106", E, "invalid header value"),
    # E2xx: values
    Code("E201", E, "zero duration or distance"),
    Code("E202", E, "invalid clock time"),
    Code("E203", E, "zero repeat count"),
    Code("E204", E, "range low above high"),
    Code("E205", E, "unknown power zone"),
    Code("E206", E, "implausible cadence"),
    Code("E207", E, "implausible heart rate"),
    Code("E208", E, "implausible power or pace"),
    Code("E209", E, "cue offset outside its step"),
    Code("E210", E, "text too long"),
    Code("E211", E, "a step with two ways to end"),
    Code("E212", E, "an estimate on a timed step"),
    Code("E214", E, "heart rate relative to a missing lthr or max-hr"),
    Code("E215", E, "target relative to a missing pmax or vmax"),
    # E3xx: meaning
    Code("E301", E, "target or unit not available for this sport"),
    Code("E302", E, "more than one target of a kind"),
    Code("E303", E, "step without a target"),
    Code("E304", E, "watts and %FTP mixed without ftp"),
    Code("E305", E, "workout too large"),
    Code("E306", E, "blocks nested too deeply"),
    Code("E307", E, "drill not available for this sport"),
    Code("E308", E, "items not separated by spaces"),
    # W1xx: suspicious but valid
    Code("W101", W, "very long run step written in minutes"),
    Code("W102", W, "distance step with unknown time"),
    Code("W104", W, "more warnings than shown"),
)


def register(*codes: Code) -> None:
    """Add a backend's or importer's codes to :data:`CODES` (at its import)."""
    for c in codes:
        known = CODES.get(c.code)
        if known is not None and known != c:
            raise ValueError(f"diagnostic code {c.code} registered twice with different meanings")
        CODES[c.code] = c


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem in one file, with where it is and how to fix it.

    A frozen dataclass, like the model's nodes (see :mod:`nmdsl.model` for
    why not a pydantic model), with the same ``model_copy`` and
    ``model_dump`` methods.
    """

    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None
    file: str = "<input>"
    #: The replacement the hint names, when the language knows it exactly.
    fix: Fix | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with the fields in ``update`` replaced."""
        return replace(self, **update) if update else self

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The diagnostic as plain data; ``mode="json"`` gives JSON types (the severity as its string)."""
        span = self.span
        return {
            "code": self.code,
            "severity": self.severity.value if mode == "json" else self.severity,
            "message": self.message,
            "span": None if span is None else {
                "line": span.line,
                "column": span.column,
                "end_line": span.end_line,
                "end_column": span.end_column,
            },
            "hint": self.hint,
            "file": self.file,
        }

    def short(self) -> str:
        """``file:line:col: error[CODE]: message`` on one line."""
        where = self.file
        if self.span is not None:
            where += f":{self.span.line}:{self.span.column}"
        return f"{where}: {self.severity.value}[{self.code}]: {self.message}"


def diag(
    code: str,
    message: str,
    span: Span | None = None,
    hint: str | None = None,
    *,
    file: str = "<input>",
    severity: Severity | None = None,
    fix: Fix | None = None,
) -> Diagnostic:
    """Build a diagnostic; the severity defaults to the code's catalogue entry."""
    return Diagnostic(
        code=code,
        severity=severity or CODES[code].severity,
        message=message,
        span=span,
        hint=hint,
        file=file,
        fix=fix,
    )


class NmdslError(Exception):
    """Raised by the library when input has errors; carries every diagnostic."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error] or self.diagnostics
        first = errors[0].short() if errors else "error"
        more = len(errors) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))


@dataclass
class Report:
    """Collects diagnostics for one file while a stage runs."""

    file: str = "<input>"
    items: list[Diagnostic] = field(default_factory=list)
    #: Errors added so far: a stage that reads a file stops at MAX_ERRORS (:attr:`full`).
    error_count: int = 0

    def add(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        hint: str | None = None,
        *,
        severity: Severity | None = None,
        fix: Fix | None = None,
    ) -> None:
        d = diag(code, message, span, hint, file=self.file, severity=severity, fix=fix)
        self.items.append(d)
        if d.is_error:
            self.error_count += 1

    @property
    def full(self) -> bool:
        """As many errors as a file is checked for: reading it further would only add more."""
        return self.error_count >= MAX_ERRORS

    def stop(self, line: int, more: str = "") -> None:
        """Say that checking stopped at ``line`` for too many errors (E013)."""
        self.add(
            "E013",
            f"too many errors: checking stopped at line {line:,}{more}",
            Span.point(line, 1),
            f"nmdsl reports the first {MAX_ERRORS} errors of a file: fix them and check again",
        )

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sort_diagnostics(self.items)


def cap_warnings(items: Sequence[Diagnostic], limit: int = MAX_WARNINGS) -> list[Diagnostic]:
    """``items`` (sorted) with at most ``limit`` warnings; a W104 after them counts the others.

    Errors are all kept: the stages that find them stop at MAX_ERRORS (E013).
    """
    warnings = at = 0
    kept: list[Diagnostic] = []
    for d in items:
        if not d.is_error:
            warnings += 1
            if warnings > limit:
                continue
            at = len(kept)
        kept.append(d)
    if warnings <= limit:
        return list(items)
    last = kept[at]
    kept.insert(
        at + 1,
        diag(
            "W104",
            f"{_more(warnings - limit, 'warning')} not shown ({warnings:,} in all)",
            last.span,
            "fix or silence the warnings above to see the others",
            file=last.file,
        ),
    )
    return kept


def unread_lines(first: int, last: int) -> str:
    """For :meth:`Report.stop`: "; lines 101-150 were not read"."""
    return f"; line {first:,} was not read" if first == last else f"; lines {first:,}-{last:,} were not read"


def _more(n: int, what: str) -> str:
    return f"1 more {what} is" if n == 1 else f"{n:,} more {what}s are"


def quoted(text: str, limit: int = 60) -> str:
    """``repr(text)`` for a message; longer than ``limit`` characters, cut and measured."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    def key(d: Diagnostic) -> tuple[int, int, str]:
        if d.span is None:
            return (0, 0, d.code)
        return (d.span.line, d.span.column, d.code)

    return sorted(items, key=key)


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")

#: A diagnostic quotes at most this many characters of its line: a window
#: around the caret, each cut end marked with an ellipsis.
QUOTE_CHARS = 200
#: Characters of the window kept before the caret, when there are more.
QUOTE_BEFORE = 60


def _window(text: str, start: int, width: int) -> tuple[str, int, int]:
    """``text`` cut to QUOTE_CHARS around column ``start``: (text, start, width) in the cut text."""
    if len(text) <= QUOTE_CHARS:
        return text, start, width
    a = max(0, start - 1 - QUOTE_BEFORE)
    b = min(len(text), a + QUOTE_CHARS)
    a = max(0, b - QUOTE_CHARS)
    width = max(1, min(start - 1 + width, b) - (start - 1))
    start -= a
    piece = text[a:b]
    if a > 0:
        piece, start = "\u2026" + piece, start + 1
    if b < len(text):
        piece += "\u2026"
    return piece, start, width


def render(d: Diagnostic, source: str | None = None) -> str:
    """Render a diagnostic for people: the message, the line, a caret, a hint.

    ::

        session.nm:4:4: error[E204]: range low 94% is above high 88%
            4 | 5m @94-88%
              |    ^^^^^^^
          hint: write the smaller number first: @88-94%
    """
    out = [d.short()]
    if d.span is not None and source is not None:
        # The parser's own line splitting (LF, CRLF, CR only), so the line
        # shown is the line the span counts; str.splitlines() also splits
        # on form feeds and U+2028.  Found without splitting the whole text.
        from nmdsl.source import line_text

        line = line_text(source, d.span.line)
        if line is not None:
            start = max(d.span.column, 1)
            if d.span.end_line == d.span.line:
                width = max(d.span.end_column - start, 1)
            else:
                width = max(len(line) - start + 1, 1)
            width = min(width, max(len(line) - start + 1, 1))
            line, start, width = _window(line, start, width)
            # Control characters are shown as U+FFFD (one column each, as
            # the caret counts them): printed raw, an ESC in a file would
            # drive the terminal.
            text = _CONTROL.sub("\ufffd", line.replace("\t", " "))
            gutter = str(d.span.line)
            pad = " " * len(gutter)
            out.append(f"    {gutter} | {text}")
            out.append(f"    {pad} | {' ' * (start - 1)}{'^' * width}")
    if d.hint:
        out.append(f"  hint: {d.hint}")
    return "\n".join(out)


def summary(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for d in diagnostics:
        if d.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
