"""nmdsl: a compiler for structured training sessions.

    >>> import nmdsl
    >>> workout = nmdsl.parse("name: Sprints\\n10m @60%\\n6x sprint 10s\\n")
    >>> workout.totals().duration_s
    1740.0
    >>> zwo_or_json = nmdsl.compile(workout, "json")

The timeline is `workout.timeline()` (the submodule `nmdsl.timeline` would
shadow a function of that name).  Names are imported on first use (PEP 562), so ``import nmdsl`` and the CLI's
start-up stay cheap; type checkers see them through the TYPE_CHECKING block.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # explicit "as" re-exports, for mypy --strict in users' code
    from .api import (
        Output as Output,
        Result as Result,
        check as check,
        check_file as check_file,
        compile as compile,
        emit as emit,
        load as load,
        parse as parse,
        parse_file as parse_file,
        read as read,
    )
    from .diagnostics import (
        CODES as CODES,
        Diagnostic as Diagnostic,
        NmdslError as NmdslError,
        Severity as Severity,
        Span as Span,
    )
    from .model import (
        CadenceTarget as CadenceTarget,
        Cue as Cue,
        FreeTarget as FreeTarget,
        HeaderSpan as HeaderSpan,
        HeartRateTarget as HeartRateTarget,
        MaxTarget as MaxTarget,
        Metadata as Metadata,
        Pace as Pace,
        PaceTarget as PaceTarget,
        PercentTarget as PercentTarget,
        RampTarget as RampTarget,
        Repeat as Repeat,
        Step as Step,
        WattsTarget as WattsTarget,
        Workout as Workout,
        ZoneTarget as ZoneTarget,
    )
    from .backends import (
        EmitOptions as EmitOptions,
    )
    from .timeline import (
        Segment as Segment,
        Totals as Totals,
    )
    from .writer import (
        write as write,
    )
    from .metrics import (
        StatsOptions as StatsOptions,
        WorkoutStats as WorkoutStats,
        stats as stats,
    )

_EXPORTS = {
    "api": ("Output", "Result", "check", "check_file", "compile", "emit", "load", "parse", "parse_file", "read"),
    "backends": ("EmitOptions",),
    "writer": ("write",),
    "metrics": ("stats", "StatsOptions", "WorkoutStats"),
    "diagnostics": ("CODES", "Diagnostic", "NmdslError", "Severity", "Span"),
    "model": (
        "CadenceTarget",
        "Cue",
        "FreeTarget",
        "HeaderSpan",
        "HeartRateTarget",
        "MaxTarget",
        "Metadata",
        "Pace",
        "PaceTarget",
        "PercentTarget",
        "RampTarget",
        "Repeat",
        "Step",
        "WattsTarget",
        "Workout",
        "ZoneTarget",
    ),
    "timeline": ("Segment", "Totals"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = ["__version__", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'nmdsl' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
