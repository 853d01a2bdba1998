"""Output formats: one module per format behind one small interface.

A backend turns a validated :class:`~nmdsl.model.Workout` into the bytes of
one file.  Whatever its format cannot carry goes through ``report`` (a
warning naming the step, or an error when the session cannot be written at
all), so ``--strict`` and the docs' "what is lost" tables come from one
place.  Backends are imported lazily, and none imports a heavy dependency:
the ZWO backend writes its XML itself (byte for byte what lxml wrote), so a
compile pays for no XML library, pydantic or lark.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..diagnostics import Report
from ..model import Workout


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


#: format name -> (module, class).  Adding a format is one module and one line.
_REGISTRY: dict[str, tuple[str, str]] = {
    "json": ("nmdsl.backends.json", "JsonBackend"),
    "zwo": ("nmdsl.backends.zwo", "ZwoBackend"),
    "erg": ("nmdsl.backends.erg", "ErgBackend"),
    "mrc": ("nmdsl.backends.erg", "MrcBackend"),
    "fit": ("nmdsl.backends.fit", "FitBackend"),
}


def available() -> list[str]:
    """Formats whose module is present (the others are being built)."""
    import importlib.util

    return [n for n in names() if importlib.util.find_spec(_REGISTRY[n][0]) is not None]


def load_all() -> None:
    for n in available():
        get(n)


def names() -> list[str]:
    return sorted(_REGISTRY)


def get(name: str) -> Backend:
    try:
        module, cls = _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(names())}") from None
    backend: Backend = getattr(importlib.import_module(module), cls)()
    return backend
