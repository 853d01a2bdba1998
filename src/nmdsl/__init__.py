"""nmdsl: a compiler for structured training sessions.

    >>> import nmdsl
    >>> workout = nmdsl.parse("name: Sprints\\n10m @60%\\n6x sprint 10s\\n")
    >>> workout.totals().duration_s
    1740.0
    >>> zwo_or_json = nmdsl.compile(workout, "json")

The timeline is ``workout.timeline()``.  Names are imported on first use (PEP 562),
so ``import nmdsl`` and the CLI's start-up stay cheap; type checkers see them through the TYPE_CHECKING block.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nmdsl._version import __version__

if TYPE_CHECKING:  # explicit "as" re-exports, for mypy --strict in users' code
    from nmdsl.analysis.metrics import (
        StatsOptions as StatsOptions,
    )
    from nmdsl.analysis.metrics import (
        WorkoutStats as WorkoutStats,
    )
    from nmdsl.analysis.metrics import (
        stats as stats,
    )
    from nmdsl.api import (
        Output as Output,
    )
    from nmdsl.api import (
        Result as Result,
    )
    from nmdsl.api import (
        check as check,
    )
    from nmdsl.api import (
        check_file as check_file,
    )
    from nmdsl.api import (
        compile as compile,
    )
    from nmdsl.api import (
        emit as emit,
    )
    from nmdsl.api import (
        import_text as import_text,
    )
    from nmdsl.api import (
        load as load,
    )
    from nmdsl.api import (
        parse as parse,
    )
    from nmdsl.api import (
        parse_file as parse_file,
    )
    from nmdsl.api import (
        read as read,
    )
    from nmdsl.diagnostics import (
        CODES as CODES,
    )
    from nmdsl.diagnostics import (
        Diagnostic as Diagnostic,
    )
    from nmdsl.diagnostics import (
        NmdslError as NmdslError,
    )
    from nmdsl.diagnostics import (
        Severity as Severity,
    )
    from nmdsl.diagnostics import (
        Span as Span,
    )
    from nmdsl.formats.base import EmitOptions as EmitOptions
    from nmdsl.language.writer import write as write
    from nmdsl.model import (
        CadenceTarget as CadenceTarget,
    )
    from nmdsl.model import (
        Cue as Cue,
    )
    from nmdsl.model import (
        FreeTarget as FreeTarget,
    )
    from nmdsl.model import (
        HeaderSpan as HeaderSpan,
    )
    from nmdsl.model import (
        HeartRateEnd as HeartRateEnd,
    )
    from nmdsl.model import (
        HeartRatePercentTarget as HeartRatePercentTarget,
    )
    from nmdsl.model import (
        HeartRateTarget as HeartRateTarget,
    )
    from nmdsl.model import (
        HeartRateZoneTarget as HeartRateZoneTarget,
    )
    from nmdsl.model import (
        LapEnd as LapEnd,
    )
    from nmdsl.model import (
        MaxTarget as MaxTarget,
    )
    from nmdsl.model import (
        Metadata as Metadata,
    )
    from nmdsl.model import (
        Pace as Pace,
    )
    from nmdsl.model import (
        PaceTarget as PaceTarget,
    )
    from nmdsl.model import (
        PeakPercentTarget as PeakPercentTarget,
    )
    from nmdsl.model import (
        PercentTarget as PercentTarget,
    )
    from nmdsl.model import (
        RampTarget as RampTarget,
    )
    from nmdsl.model import (
        Repeat as Repeat,
    )
    from nmdsl.model import Segment as Segment
    from nmdsl.model import (
        Step as Step,
    )
    from nmdsl.model import Totals as Totals
    from nmdsl.model import (
        WattsTarget as WattsTarget,
    )
    from nmdsl.model import (
        Workout as Workout,
    )
    from nmdsl.model import (
        ZoneTarget as ZoneTarget,
    )

_EXPORTS = {
    "api": (
        "Output",
        "Result",
        "check",
        "check_file",
        "compile",
        "emit",
        "import_text",
        "load",
        "parse",
        "parse_file",
        "read",
    ),
    "formats.base": ("EmitOptions",),
    "language.writer": ("write",),
    "analysis.metrics": ("stats", "StatsOptions", "WorkoutStats"),
    "diagnostics": ("CODES", "Diagnostic", "NmdslError", "Severity", "Span"),
    "model": (
        "CadenceTarget",
        "Cue",
        "FreeTarget",
        "HeaderSpan",
        "HeartRateEnd",
        "HeartRatePercentTarget",
        "HeartRateTarget",
        "HeartRateZoneTarget",
        "LapEnd",
        "MaxTarget",
        "Metadata",
        "Pace",
        "PaceTarget",
        "PeakPercentTarget",
        "PercentTarget",
        "RampTarget",
        "Repeat",
        "Step",
        "WattsTarget",
        "Workout",
        "ZoneTarget",
    ),
}
_EXPORTS["model"] += ("Segment", "Totals")
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
