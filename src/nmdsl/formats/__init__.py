"""The file formats: one folder each, holding both directions and what they share.

``formats/zwo/`` writes (``write.py``) and reads (``read.py``) Zwift's ZWO,
``formats/erg/`` ERG and MRC course files, ``formats/fit/`` Garmin's FIT
(with its codec, ``codec.py``), ``formats/json/`` the model as JSON.  The
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


#: Every format, by the name ``-f`` takes.
FORMATS: dict[str, Format] = {
    "json": Format("json", "JsonBackend", None, ".json"),
    "zwo": Format("zwo", "ZwoBackend", "ZwoImporter", ".zwo"),
    "erg": Format("erg", "ErgBackend", "ErgImporter", ".erg"),
    "mrc": Format("erg", "MrcBackend", "MrcImporter", ".mrc"),
    "fit": Format("fit", "FitBackend", "FitImporter", ".fit"),
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


def suffixes() -> list[str]:
    """The file suffixes nmdsl imports."""
    return sorted(f.suffix for f in FORMATS.values() if f.reader is not None)


def for_suffix(suffix: str) -> Importer:
    """The importer of files ending in ``suffix`` (any case)."""
    wanted = suffix.lower()
    for f in FORMATS.values():
        if f.reader is not None and f.suffix == wanted:
            importer: Importer = getattr(
                importlib.import_module(f"nmdsl.formats.{f.folder}.read"), f.reader
            )()
            return importer
    raise KeyError(f"cannot import {suffix or 'suffix-less'!r} files; known: {', '.join(suffixes())}")


def load_all() -> None:
    """Import every format's modules (they register their diagnostic codes)."""
    for name in names():
        get(name)
    for suffix in suffixes():
        for_suffix(suffix)
