"""Output formats: one module per format behind one small interface.

A backend turns a validated :class:`~nmdsl.model.Workout` into the bytes of
one file.  Whatever its format cannot carry goes through ``report`` (a
warning naming the step, or an error when the session cannot be written at
all), so ``--strict`` and the docs' "what is lost" tables come from one
place.  Backends are imported lazily: ``nmdsl check`` should not pay for
lxml.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..diagnostics import Report
from ..model import Workout


@dataclass(frozen=True)
class EmitOptions:
    """Options every backend understands, plus format-specific ``extra``."""

    ftp_w: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str
    suffix: str
    description: str

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes: ...


#: format name -> (module, class).  Adding a format is one module and one line.
_REGISTRY: dict[str, tuple[str, str]] = {
    "json": ("nmdsl.backends.json", "JsonBackend"),
}


def names() -> list[str]:
    return sorted(_REGISTRY)


def get(name: str) -> Backend:
    try:
        module, cls = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(names())}") from None
    backend: Backend = getattr(importlib.import_module(module), cls)()
    return backend
