"""From a file's bytes (or text) to a checked workout: the language's whole way.

Decoding, parsing, building and the whole-session checks, in that order,
each stopping where the next could only repeat its errors.  The public
:func:`nmdsl.check` wraps it in a :class:`~nmdsl.api.Result`; the formatter
uses it directly, as it sits in the same layer.
"""

from __future__ import annotations

from typing import NamedTuple

from nmdsl.diagnostics import Diagnostic, Report
from nmdsl.language.builder import Builder
from nmdsl.language.checks import run_checks
from nmdsl.language.lexer import decode
from nmdsl.language.parser import parse_cst
from nmdsl.limits import MAX_FILE_BYTES
from nmdsl.model import Workout


class Checked(NamedTuple):
    #: The workout when it has no errors, else None.
    workout: Workout | None
    #: Every diagnostic, sorted by place.
    diagnostics: list[Diagnostic]
    #: The decoded text (None when it could not be decoded).
    text: str | None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


def read_session(source: str | bytes, *, filename: str = "<input>", ftp_w: float | None = None) -> Checked:
    """Parse and validate nmdsl source; never raises for bad input."""
    report = Report(file=filename)
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            report.add("E009", f"the file is {len(source):,} bytes; the limit is {MAX_FILE_BYTES:,}")
            return Checked(None, report.sorted(), None)
        text = decode(source, report)
        if text is None:
            return Checked(None, report.sorted(), None)
    else:
        text = source[1:] if source.startswith("\ufeff") else source
        if len(text) > MAX_FILE_BYTES:
            report.add("E009", f"the text is {len(text):,} characters; the limit is {MAX_FILE_BYTES:,}")
            return Checked(None, report.sorted(), text)
    cst = parse_cst(text, report)
    if report.full:  # reading stopped (E013): building would only find more
        return Checked(None, report.sorted(), text)
    workout = Builder(report, ftp_w=ftp_w).build(cst)
    if not report.has_errors:
        if not workout.steps:
            report.add("E010", "the workout has no steps", None, "add at least one step, e.g. 10m @60%")
        else:
            run_checks(workout, report)
    return Checked(None if report.has_errors else workout, report.sorted(), text)
