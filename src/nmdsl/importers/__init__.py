"""Reading other formats into the model: one module per format.

An importer turns the bytes of a ZWO, ERG/MRC or FIT file into a
:class:`~nmdsl.model.Workout`, reporting what it could not read (with the
file's line where there is one) through ``report``.  :func:`nmdsl.writer.write`
then gives idiomatic nmdsl text, and :func:`nmdsl.compress.compress` folds
the repetitions a flat file spells out into ``Nx`` repeats.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Protocol

from ..diagnostics import Report
from ..model import Workout


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


#: file suffix (lowercase) -> (module, class)
_REGISTRY: dict[str, tuple[str, str]] = {
    ".zwo": ("nmdsl.importers.zwo", "ZwoImporter"),
    ".erg": ("nmdsl.importers.erg", "ErgImporter"),
    ".mrc": ("nmdsl.importers.erg", "MrcImporter"),
    ".fit": ("nmdsl.importers.fit", "FitImporter"),
}


def suffixes() -> list[str]:
    return sorted(s for s, (m, _) in _REGISTRY.items() if importlib.util.find_spec(m) is not None)


def for_suffix(suffix: str) -> Importer:
    entry = _REGISTRY.get(suffix.lower())
    if entry is None or importlib.util.find_spec(entry[0]) is None:
        raise KeyError(f"cannot import {suffix or 'suffix-less'!r} files; known: {', '.join(suffixes())}")
    module, cls = entry
    importer: Importer = getattr(importlib.import_module(module), cls)()
    return importer


def load_all() -> None:
    for s in suffixes():
        for_suffix(s)
