"""``-f json``: the validated model as JSON (its schema: ``nmdsl schema``)."""

from __future__ import annotations

from nmdsl.diagnostics import Report
from nmdsl.formats.base import EmitOptions
from nmdsl.model import Workout


class JsonBackend:
    name = "json"
    suffix = ".json"
    description = "the validated model as JSON (schema: nmdsl schema)"

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes:
        # Field order is the model's declaration order, so output is stable.
        return workout.model_dump_json(indent=2).encode("utf-8") + b"\n"
