"""The validated workout model.

One tree that every backend reads (the sqlglot idea: one tree, many
generators).  Nodes are pydantic models, frozen once built; each carries the
:class:`~nmdsl.diagnostics.Span` of the source text it came from.  Units are
part of field names: ``duration_s``, ``low_pct``, ``cadence``'s ``low_rpm``.

Targets form a tagged union on ``kind``.  An *intensity* target (percent,
watts, zone, ramp, max, free, pace) says how hard; cadence and heart rate are
separate, optional fields because a step may carry them beside one.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import Span

METRES_PER_MILE = 1609.344

Sport = Literal["bike", "run"]
Intensity = Literal["warmup", "active", "recovery", "rest", "cooldown"]
Drill = Literal["sprint", "strides", "accel", "spinup"]
PaceUnit = Literal["km", "mi"]


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pace(Node):
    """A running pace as written: ``seconds`` per ``per`` (km or mile)."""

    seconds: int = Field(gt=0)
    per: PaceUnit = "km"

    @property
    def s_per_km(self) -> float:
        return self.seconds if self.per == "km" else self.seconds * 1000 / METRES_PER_MILE

    @property
    def speed_mps(self) -> float:
        return 1000.0 / self.s_per_km

    def __str__(self) -> str:
        return f"{self.seconds // 60}:{self.seconds % 60:02d}/{self.per}"


class PercentTarget(Node):
    """``@150%``, ``@88-94%``: percent of FTP (bike) or of threshold speed (run)."""

    kind: Literal["percent"] = "percent"
    low_pct: float
    high_pct: float
    of: Literal["ftp", "threshold_speed"] = "ftp"
    span: Span | None = None


class WattsTarget(Node):
    """``@250W``, ``@240-260W`` (bike)."""

    kind: Literal["watts"] = "watts"
    low_w: float
    high_w: float
    span: Span | None = None


class ZoneTarget(Node):
    """``@Z2``: a Coggan power zone, resolved to its %FTP range (bike)."""

    kind: Literal["zone"] = "zone"
    zone: int = Field(ge=1, le=7)
    low_pct: float
    high_pct: float
    span: Span | None = None


class RampTarget(Node):
    """``ramp 45%-70%``: linear change from ``start`` to ``end`` over the step."""

    kind: Literal["ramp"] = "ramp"
    start: float
    end: float
    unit: Literal["percent", "watts"] = "percent"
    of: Literal["ftp", "threshold_speed"] = "ftp"
    span: Span | None = None


class MaxTarget(Node):
    """``max``: an all-out effort; no ERG target, the athlete goes as hard as possible."""

    kind: Literal["max"] = "max"
    span: Span | None = None


class FreeTarget(Node):
    """``free``: free ride / free running: no target, ERG off."""

    kind: Literal["free"] = "free"
    span: Span | None = None


class PaceTarget(Node):
    """``@4:30/km``, ``@4:20-4:30/km`` (run).  ``fast`` is the smaller number."""

    kind: Literal["pace"] = "pace"
    fast: Pace
    slow: Pace
    span: Span | None = None

    @property
    def middle_s_per_km(self) -> float:
        return (self.fast.s_per_km + self.slow.s_per_km) / 2


IntensityTarget = Annotated[
    Union[
        PercentTarget,
        WattsTarget,
        ZoneTarget,
        RampTarget,
        MaxTarget,
        FreeTarget,
        PaceTarget,
    ],
    Field(discriminator="kind"),
]


class CadenceTarget(Node):
    """``110rpm``, ``100-110rpm`` (bike)."""

    low_rpm: int
    high_rpm: int
    span: Span | None = None


class HeartRateTarget(Node):
    """``@150bpm``, ``@140-150bpm``."""

    low_bpm: int
    high_bpm: int
    span: Span | None = None


class Cue(Node):
    """Text shown to the athlete ``offset_s`` seconds into its step."""

    text: str
    offset_s: int = 0
    span: Span | None = None


class Step(Node):
    """One step: an amount (time or distance), targets, cues."""

    kind: Literal["step"] = "step"
    intensity: Intensity = "active"
    duration_s: int | None = None
    distance_m: float | None = None
    target: IntensityTarget | None = None
    cadence: CadenceTarget | None = None
    heart_rate: HeartRateTarget | None = None
    drill: Drill | None = None
    #: True for a step nmdsl added (a drill's default recovery), not written.
    implicit: bool = False
    cues: tuple[Cue, ...] = ()
    span: Span | None = None


class Repeat(Node):
    """``6x a / b`` or an indented ``6x:`` block: ``steps`` done ``count`` times."""

    kind: Literal["repeat"] = "repeat"
    count: int = Field(ge=1)
    steps: tuple[Annotated[Union[Step, Repeat], Field(discriminator="kind")], ...]
    #: True for the ``Nx:`` block form, False for the one-line form.
    block: bool = False
    span: Span | None = None


Item = Annotated[Union[Step, Repeat], Field(discriminator="kind")]


class Metadata(Node):
    """The header: ``key: value`` lines before the first step."""

    name: str | None = None
    author: str | None = None
    description: str | None = None
    sport: Sport = "bike"
    tags: tuple[str, ...] = ()
    ftp_w: float | None = None
    threshold_pace: Pace | None = None
    lthr_bpm: int | None = None
    max_hr_bpm: int | None = None


class Workout(Node):
    """A whole session: its header and its steps."""

    meta: Metadata = Metadata()
    steps: tuple[Item, ...] = ()

    def timeline(self) -> list[Segment]:
        """The flattened timeline: every step in the order it is done."""
        from .timeline import timeline

        return timeline(self)

    def totals(self) -> Totals:
        """Total duration and distance, from the timeline."""
        from .timeline import totals

        return totals(self)


from .timeline import Segment, Totals  # noqa: E402  (re-exported; needs Step)

Repeat.model_rebuild()
