"""What every format implements: a backend writes a workout, an importer reads one.

A backend turns a validated :class:`~nmdsl.model.Workout` into the bytes of
one file.  Whatever its format cannot carry goes through ``report`` (a
warning naming the step, or an error when the session cannot be written at
all), so ``--strict`` and the docs' "what is lost" tables come from one
place.  An importer turns a file's bytes into a workout, reporting what it
could not read (with the file's line where there is one); then
:func:`nmdsl.language.writer.write` gives idiomatic nmdsl text, and
:func:`nmdsl.model.compress.compress` folds the repetitions a flat file
spells out into ``Nx`` repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from nmdsl.diagnostics import Report
    from nmdsl.model import Workout


@dataclass(frozen=True)
class EmitOptions:
    """Options for backends; each reads the ones that concern its format."""

    #: From the header, or ``--ftp`` when the header sets none.
    ftp_w: float | None = None
    #: What ``max`` becomes where a format needs a number (ERG/MRC), in %FTP.
    max_effort_pct: float = 200.0
    #: What ``free`` becomes where a format needs a number (ERG/MRC), in %FTP.
    free_ride_pct: float = 50.0
    #: Write CRLF line endings (text formats that some Windows tools want so).
    crlf: bool = False
    #: Format-specific extras.
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str
    suffix: str
    description: str

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes: ...


@dataclass(frozen=True)
class ReadOptions:
    #: The file's name, for the workout's name when the file has none.
    filename: str = "<input>"


class Importer(Protocol):
    name: str
    suffixes: tuple[str, ...]

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        """The workout, or None when the file cannot be read (errors reported)."""
        ...
