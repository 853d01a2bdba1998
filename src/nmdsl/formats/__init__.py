"""The file formats: one folder each, holding both directions and what they share.

``formats/zwo/`` writes (``write.py``) and reads (``read.py``) Zwift's ZWO,
``formats/erg/`` ERG and MRC course files, ``formats/fit/`` Garmin's FIT
(with its codec, ``codec.py``), ``formats/json/`` the model as JSON,
``formats/icu/`` intervals.icu's workout text.  The
registry below is the one list of them; a format's modules are imported only
when it is asked for, so a compile pays for the format it writes and no
other.  None imports a heavy dependency on the compile path: the ZWO backend
writes its XML itself, so a compile pays for no XML library, pydantic or lark.

Adding a format is one folder and one line here: see docs/architecture.md.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

from nmdsl.formats.base import Backend, EmitOptions, Importer, ReadOptions

__all__ = [
    "Backend",
    "EmitOptions",
    "Importer",
    "ReadOptions",
    "available",
    "for_suffix",
    "get",
    "load_all",
    "names",
    "reader",
    "readers",
    "suffixes",
]


class Format(NamedTuple):
    #: The folder under nmdsl/formats/ (ERG and MRC share one).
    folder: str
    #: The class in ``<folder>/write.py`` that writes it; None if not written.
    writer: str | None
    #: The class in ``<folder>/read.py`` that reads it; None if not read.
    reader: str | None
    #: The file suffix written, and read.
    suffix: str
    #: Whether a file is imported by its suffix alone.  False for a text
    #: format whose ``.txt`` says nothing of what is inside: it is imported
    #: only by name (``nmdsl import --from icu``).  A suffix two readers share
    #: is never enough either (:func:`for_suffix`).
    by_suffix: bool = True


#: Every format, by the name ``-f`` takes.
FORMATS: dict[str, Format] = {
    "json": Format("json", "JsonBackend", None, ".json"),
    "zwo": Format("zwo", "ZwoBackend", "ZwoImporter", ".zwo"),
    "erg": Format("erg", "ErgBackend", "ErgImporter", ".erg"),
    "mrc": Format("erg", "MrcBackend", "MrcImporter", ".mrc"),
    "fit": Format("fit", "FitBackend", "FitImporter", ".fit"),
    "icu": Format("icu", "IcuBackend", "IcuImporter", ".txt", by_suffix=False),
    "woz": Format("woz", None, "WozImporter", ".txt", by_suffix=False),
}


def names() -> list[str]:
    """The formats nmdsl writes."""
    return sorted(n for n, f in FORMATS.items() if f.writer is not None)


def available() -> list[str]:
    """The formats nmdsl writes (as :func:`names`: every registered format ships)."""
    return names()


def get(name: str) -> Backend:
    """The backend that writes format ``name``."""
    f = FORMATS.get(name)
    if f is None or f.writer is None:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(names())}")
    backend: Backend = getattr(importlib.import_module(f"nmdsl.formats.{f.folder}.write"), f.writer)()
    return backend


def _by_suffix() -> dict[str, Format]:
    """The formats a file's suffix alone picks: those that allow it, with a suffix no other reader has."""
    readers = [f for f in FORMATS.values() if f.reader is not None]
    shared = {f.suffix for f in readers if sum(g.suffix == f.suffix for g in readers) > 1}
    return {f.suffix: f for f in readers if f.by_suffix and f.suffix not in shared}


def suffixes() -> list[str]:
    """The file suffixes nmdsl imports by the suffix alone."""
    return sorted(_by_suffix())


def readers() -> list[str]:
    """The names of the formats nmdsl imports (``nmdsl import --from NAME``)."""
    return sorted(n for n, f in FORMATS.items() if f.reader is not None)


def _importer(f: Format) -> Importer:
    importer: Importer = getattr(importlib.import_module(f"nmdsl.formats.{f.folder}.read"), str(f.reader))()
    return importer


def for_suffix(suffix: str) -> Importer:
    """The importer of files ending in ``suffix`` (any case)."""
    f = _by_suffix().get(suffix.lower())
    if f is None:
        by_name = [n for n, g in FORMATS.items() if g.reader is not None and g.suffix == suffix.lower()]
        named = " or --from ".join(by_name)
        also = f" ({suffix} files are imported by name: --from {named})" if by_name else ""
        raise KeyError(
            f"cannot import {suffix or 'suffix-less'!r} files by their suffix{also}; "
            f"known: {', '.join(suffixes())}"
        )
    return _importer(f)


def reader(name: str) -> Importer:
    """The importer of format ``name`` (``icu``, ``zwo``, ...), whatever its suffix."""
    f = FORMATS.get(name)
    if f is None or f.reader is None:
        raise KeyError(f"cannot import format {name!r}; known: {', '.join(readers())}")
    return _importer(f)


def load_all() -> None:
    """Import every format's modules (they register their diagnostic codes)."""
    for name in names():
        get(name)
    for name in readers():
        reader(name)
