"""The library's front door: parse, check, compile.

The library never prints and never exits: problems come back as
:class:`~nmdsl.diagnostics.Diagnostic` objects (``check``) or are raised as
:class:`~nmdsl.diagnostics.NmdslError` carrying them (``parse``,
``compile``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from nmdsl.diagnostics import Diagnostic, NmdslError, Report, Severity, cap_warnings
from nmdsl.model import Workout

if TYPE_CHECKING:
    from nmdsl.formats.base import EmitOptions, Importer

from nmdsl.limits import MAX_FILE_BYTES  # re-exported


@dataclass
class Result:
    """What ``check`` found: the workout (when it has no errors) and every diagnostic."""

    file: str
    workout: Workout | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The decoded source text, for rendering diagnostics with their line.
    source: str | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check(
    source: str | bytes,
    *,
    filename: str = "<input>",
    ftp_w: float | None = None,
) -> Result:
    """Parse and validate nmdsl source text; never raises for bad input."""
    from nmdsl.language.session import read_session

    checked = read_session(source, filename=filename, ftp_w=ftp_w)
    return Result(filename, checked.workout, checked.diagnostics, checked.text)


def check_file(path: str | os.PathLike[str], *, ftp_w: float | None = None) -> Result:
    """``check`` a file; an unreadable or oversized file is a diagnostic, not an exception."""
    report = Report(file=str(path))
    data = _read_bytes(path, report)
    if data is None:
        return Result(report.file, None, report.sorted())
    return check(data, filename=report.file, ftp_w=ftp_w)


def _read_bytes(path: str | os.PathLike[str], report: Report) -> bytes | None:
    """The file's bytes, or None with E008 (unreadable) or E009 (too large) reported."""
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            report.add("E009", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            return None
        return Path(path).read_bytes()
    except OSError as exc:
        report.add("E008", f"cannot read the file: {exc.strerror or exc}")
        return None


def parse(source: str | bytes, *, filename: str = "<input>", ftp_w: float | None = None) -> Workout:
    """Parse nmdsl source into a validated :class:`Workout`.

    Raises :class:`NmdslError` (with every diagnostic) when it has errors;
    warnings are dropped: use :func:`check` to see them.
    """
    result = check(source, filename=filename, ftp_w=ftp_w)
    if result.workout is None:
        raise NmdslError(result.diagnostics)
    return result.workout


def parse_file(path: str | os.PathLike[str], *, ftp_w: float | None = None) -> Workout:
    """:func:`parse` the file at ``path``."""
    result = check_file(path, ftp_w=ftp_w)
    if result.workout is None:
        raise NmdslError(result.diagnostics)
    return result.workout


@dataclass
class Output:
    """A compiled file: its bytes and what the format could not carry."""

    data: bytes
    suffix: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


def emit(
    workout: Workout,
    format: str,
    *,
    ftp_w: float | None = None,
    strict: bool = False,
    filename: str = "<input>",
    options: EmitOptions | None = None,
) -> Output:
    """Compile a workout to ``format``, keeping the backend's warnings.

    ``ftp_w`` is used when the workout's header sets no FTP.  Raises
    :class:`NmdslError` on errors, and on warnings too when ``strict``.
    """
    from nmdsl import formats

    backend = formats.get(format)
    report = Report(file=filename)
    if ftp_w is not None and workout.meta.ftp_w is None:
        workout = workout.model_copy(update={"meta": workout.meta.model_copy(update={"ftp_w": float(ftp_w)})})
    options = replace(options or formats.EmitOptions(), ftp_w=workout.meta.ftp_w)
    data = backend.emit(workout, report, options)
    diagnostics = cap_warnings(_strictly(report.sorted()) if strict else report.sorted())
    if any(d.is_error for d in diagnostics):
        raise NmdslError(diagnostics)
    return Output(data, backend.suffix, diagnostics)


def _strictly(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``--strict``: every warning becomes an error."""
    return [d if d.is_error else d.model_copy(update={"severity": Severity.ERROR}) for d in diagnostics]


def compile(
    workout: Workout | str | bytes,
    format: str,
    *,
    ftp_w: float | None = None,
    strict: bool = False,
    options: EmitOptions | None = None,
) -> bytes:
    """Compile a workout (or nmdsl source text) to the bytes of a ``format`` file.

    >>> import nmdsl
    >>> data = nmdsl.compile("name: Demo\\n10m @60%\\n", "json")
    >>> b'"duration_s": 600' in data
    True
    """
    if not isinstance(workout, Workout):
        workout = parse(workout, ftp_w=ftp_w)
    return emit(workout, format, ftp_w=ftp_w, strict=strict, options=options).data


def load(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    name: str | None = None,
    strict: bool = False,
) -> Result:
    """Import a workout file; never raises for bad input.

    The importer is the one of ``format`` (``"icu"``, ``"zwo"``, ...: see
    ``nmdsl.formats.readers()``) or, without one, the one of the file's
    suffix (``.zwo``, ``.erg``, ``.mrc``, ``.fit``; a ``.txt`` says nothing
    of what it holds, so it needs ``format``).  ``name`` is the workout's
    name, instead of the one the file gives (or the file's own name).  The
    result's ``source`` is the idiomatic nmdsl text of the workout.
    """
    from nmdsl import formats

    filename = str(path)
    report = Report(file=filename)
    try:
        importer = formats.reader(format) if format is not None else formats.for_suffix(Path(path).suffix)
    except KeyError as exc:
        report.add("E008", str(exc.args[0]), None, _imports_hint())
        return Result(filename, None, report.sorted())
    data = _read_bytes(path, report)
    if data is None:
        return Result(filename, None, report.sorted())
    return _import(importer, data, report, name, strict)


def import_text(
    data: str | bytes,
    format: str,
    *,
    name: str | None = None,
    filename: str = "<input>",
    strict: bool = False,
) -> Result:
    """Import a workout given as text or bytes (a pasted intervals.icu text, say); never raises for bad input.

    >>> import nmdsl
    >>> result = nmdsl.import_text("- 10m 60%\\n- 5m Z2 HR\\n", "icu", name="Easy")
    >>> print(result.source, end="")
    name: Easy
    <BLANKLINE>
    10m @60%
    5m @Z2hr
    """
    from nmdsl import formats

    report = Report(file=filename)
    try:
        importer = formats.reader(format)
    except KeyError as exc:
        report.add("E008", str(exc.args[0]), None, _imports_hint())
        return Result(filename, None, report.sorted())
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_FILE_BYTES:
        report.add("E009", f"the text is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return Result(filename, None, report.sorted())
    return _import(importer, raw, report, name, strict)


def _imports_hint() -> str:
    from nmdsl import formats

    by_suffix = ", ".join(formats.suffixes())
    named = "|".join(formats.readers())
    return f"nmdsl imports {by_suffix} files by their suffix, and any format with --from {named}"


def _import(importer: Importer, data: bytes, report: Report, name: str | None, strict: bool) -> Result:
    from nmdsl.formats.base import ReadOptions
    from nmdsl.language.writer import write

    workout = importer.read(data, report, ReadOptions(filename=report.file))
    diagnostics = cap_warnings(_strictly(report.sorted()) if strict else report.sorted())
    if workout is None or any(d.is_error for d in diagnostics):
        return Result(report.file, None, diagnostics)
    if name is not None and name.strip():
        workout = workout.model_copy(update={"meta": workout.meta.model_copy(update={"name": name.strip()})})
    return Result(report.file, workout, diagnostics, write(workout))


def read(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    name: str | None = None,
    strict: bool = False,
) -> Workout:
    """Import a workout file into a :class:`Workout` (as :func:`load`).

    Raises :class:`NmdslError` when the file cannot be read.
    """
    result = load(path, format=format, name=name, strict=strict)
    if result.workout is None:
        raise NmdslError(result.diagnostics)
    return result.workout
