"""Workout profile charts as SVG (and PNG through the optional ``png`` extra).

The chart is the one trainer apps show: time on x in minutes, intensity on y
(% FTP on a bike, with the FTP line; % threshold speed or speed labelled as
pace on a run), each step a block coloured by its zone, ramps as slopes
(split where they cross a zone edge, so each piece has its zone's colour),
``max`` steps hatched at their assumed level, ``free`` steps as dashed
outlines, cues as small markers along the top, and the name, duration and
TSS in the title.

The SVG is written with lxml from the profile in :mod:`nmdsl.analysis.metrics`; it has
a ``viewBox`` (crisp at any size), no external references, and the same
bytes for the same input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from nmdsl.analysis.metrics import (
    Block,
    Profile,
    StatsOptions,
    WorkoutStats,
    format_duration,
    format_pace,
    format_total,
    load_short,
    profile,
    stats,
    zone_of,
)
from nmdsl.language.writer import end_text
from nmdsl.limits import ZONES
from nmdsl.model import Workout

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

#: Zone colours, close to the palette riders know from trainer apps: grey
#: recovery, blue endurance, green tempo, yellow threshold, orange VO2max,
#: red anaerobic, purple neuromuscular.
ZONE_COLOURS: dict[int, str] = {
    1: "#8c8c8c",
    2: "#2f80d1",
    3: "#3fa34d",
    4: "#f0b90b",
    5: "#f07d1a",
    6: "#d83a2c",
    7: "#7b3fa0",
}
#: Runs have no power zones; their blocks take the same colours by bands of
#: % threshold speed (a colouring convention, not training zones): the upper
#: edge of each band, inclusive.  75 is the jog ceiling and 115 the strides
#: floor of nmdsl.analysis.metrics; 100 is threshold.
RUN_BANDS: tuple[tuple[float, int], ...] = ((75, 1), (88, 2), (95, 3), (105, 4), (115, 5), (130, 6))
#: A single colour when the levels cannot be related to FTP or threshold.
PLAIN_COLOUR = "#2f80d1"
FREE_FILL = "#eceff1"
INK = "#263238"
MUTED = "#607d8b"
GRID = "#dfe3e6"


@dataclass(frozen=True)
class PlotOptions:
    """Size of the chart in CSS pixels (the SVG scales, these set the proportions)."""

    width: float = 1000
    height: float = 380
    #: A bare profile for lists: no title, axes, labels or legend.
    thumbnail: bool = False


def render_svg(
    workout: Workout,
    options: StatsOptions | None = None,
    plot: PlotOptions | None = None,
    *,
    workout_stats: WorkoutStats | None = None,
    xml_declaration: bool = True,
) -> bytes:
    """The profile chart of ``workout`` as the bytes of an SVG file.

    ``xml_declaration=False`` gives markup to inline in an HTML page.
    ``workout_stats`` saves computing the numbers twice when the caller has them.
    """
    options = options or StatsOptions()
    plot = plot or PlotOptions()
    prof = profile(workout, options)
    st = workout_stats or stats(workout, options)
    chart = _Chart(prof, st, workout, plot)
    root = chart.draw()
    data: bytes = etree.tostring(root, xml_declaration=xml_declaration, encoding="UTF-8", pretty_print=True)
    return data


def render_png(svg: bytes, *, scale: float = 2.0) -> bytes:
    """An SVG chart as PNG; needs the ``png`` extra (cairosvg).

    Raises :class:`ImportError` with the install command when it is missing.
    """
    try:
        import cairosvg  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("PNG output needs cairosvg: pip install 'nmdsl[png]'") from exc
    png: bytes = cairosvg.svg2png(bytestring=svg, scale=scale)
    return png


def _num(x: float) -> str:
    """Coordinates with two decimals at most: small files, stable bytes."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | float
) -> etree._Element:
    el = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in attrs.items():
        el.set(key.rstrip("_").replace("_", "-"), value if isinstance(value, str) else _num(value))
    if text is not None:
        el.text = text
    return el


class _Chart:
    def __init__(self, prof: Profile, st: WorkoutStats, workout: Workout, plot: PlotOptions):
        self.prof = prof
        self.st = st
        self.workout = workout
        self.plot = plot
        thumb = plot.thumbnail
        self.left = 4.0 if thumb else 58.0
        # Room on the right for the second axis (km/h or pace) when there is one.
        second_axis = prof.unit == "speed_mps" or (prof.unit == "pct_threshold_speed" and prof.reference)
        self.right = plot.width - (4.0 if thumb else (70.0 if second_axis else 24.0))
        self.top = 4.0 if thumb else 78.0
        self.bottom = plot.height - (2.0 if thumb else 64.0)
        self.duration = max(prof.duration_s, 1.0)
        self.y_max, self.y_step = self._y_scale()

    # -- scales ------------------------------------------------------------------

    def _y_scale(self) -> tuple[float, float]:
        levels = [v for b in self.prof.blocks for v in (b.start, b.end) if v is not None]
        if self.prof.unit in ("pct_ftp", "pct_threshold_speed"):
            top = max([120.0, *levels])
            step = 25.0 if top <= 160 else 50.0
        else:
            top = max(levels, default=1.0)
            step = _nice_step(top / 5)
        # Headroom above the highest block, so it never touches the frame.
        return math.ceil(top * 1.08 / step) * step, step

    def x(self, seconds: float) -> float:
        return self.left + (self.right - self.left) * seconds / self.duration

    def y(self, level: float) -> float:
        return self.bottom - (self.bottom - self.top) * max(level, 0.0) / self.y_max

    # -- drawing -------------------------------------------------------------------

    def draw(self) -> etree._Element:
        p = self.plot
        root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        root.set("viewBox", f"0 0 {_num(p.width)} {_num(p.height)}")
        root.set("width", _num(p.width))
        root.set("height", _num(p.height))
        root.set("role", "img")
        root.set("font-family", FONT)
        _sub(root, "title", self._title_text())
        self._defs(root)
        _sub(root, "rect", x=0, y=0, width=p.width, height=p.height, fill="#ffffff")
        if not p.thumbnail:
            self._grid(root)
        self._blocks(root)
        self._reference_line(root)
        if not p.thumbnail:
            self._cues(root)
            self._axes(root)
            self._heading(root)
            self._legend(root)
        return root

    def _title_text(self) -> str:
        name = self.st.name or "Workout"
        return f"{name}: {self._totals_text()}"

    def _totals_text(self) -> str:
        st = self.st
        parts = [format_total(st.duration_s, st.duration_estimated, st.duration_at_least)]
        if st.distance_m:
            parts.append(f"{st.distance_m / 1000:.1f} km")
        if st.tss is not None:
            parts.append(f"TSS {st.tss:.0f}")
        parts.extend(load_short(st))
        return " · ".join(parts)

    def _defs(self, root: etree._Element) -> None:
        defs = _sub(root, "defs")
        # Ids carry a prefix so two charts inlined in one page cannot clash
        # with anything else there; both use the same pattern, so sharing is fine.
        pattern = _sub(
            defs,
            "pattern",
            id="nmdsl-hatch-max",
            patternUnits="userSpaceOnUse",
            width=6,
            height=6,
            patternTransform="rotate(45)",
        )
        _sub(pattern, "rect", x=0, y=0, width=6, height=6, fill="#e6d6f0")
        _sub(pattern, "rect", x=0, y=0, width=3, height=6, fill=ZONE_COLOURS[7])

    def _grid(self, root: etree._Element) -> None:
        g = _sub(root, "g", class_="grid", stroke=GRID, stroke_width=1)
        for level in self._y_ticks():
            if level > 0:
                _sub(g, "line", x1=self.left, x2=self.right, y1=self.y(level), y2=self.y(level))
        for minute in self._x_ticks():
            x = self.x(minute * 60)
            _sub(g, "line", x1=x, x2=x, y1=self.top, y2=self.bottom, stroke_dasharray="2 3")

    def _y_ticks(self) -> list[float]:
        if self.prof.unit != "speed_mps":
            count = int(self.y_max / self.y_step + 1e-9)
            return [i * self.y_step for i in range(count + 1)]
        # Speed is drawn linearly but labelled in pace, so the ticks sit at
        # round paces (whole or half minutes per km) rather than at round
        # speeds (which give paces like 5:33), spaced so labels never crowd
        # (slow paces bunch up near zero speed).
        ticks: list[float] = []
        for pace in (*range(120, 360, 30), *range(360, 660, 60), 720):  # 2:00/km to 12:00/km
            speed = 1000 / pace
            if speed > self.y_max or speed < self.y_max * 0.15:
                continue
            if not ticks or ticks[-1] - speed >= self.y_max / 10:
                ticks.append(speed)
        return [0.0, *sorted(ticks)]

    def _x_ticks(self) -> list[int]:
        minutes = self.duration / 60
        step = next((s for s in (1, 2, 5, 10, 15, 20, 30, 60, 120) if minutes / s <= 12), 240)
        return list(range(0, int(minutes) + 1, step))

    def _colour(self, level: float) -> str:
        unit = self.prof.unit
        if unit == "pct_ftp":
            return ZONE_COLOURS[zone_of(level)]
        if unit == "pct_threshold_speed":
            return ZONE_COLOURS[next((z for top, z in RUN_BANDS if level <= top), 7)]
        return PLAIN_COLOUR

    def _edges(self) -> list[float]:
        unit = self.prof.unit
        if unit == "pct_ftp":
            return [float(ZONES[z][1]) for z in range(1, 7)]
        if unit == "pct_threshold_speed":
            return [top for top, _ in RUN_BANDS]
        return []

    def _blocks(self, root: etree._Element) -> None:
        g = _sub(root, "g", class_="blocks")
        base = self.bottom
        for b in self.prof.blocks:
            x0, x1 = self.x(b.start_s), self.x(b.start_s + b.duration_s)
            tip = self._tooltip(b)
            if b.kind == "max" and b.start is not None:
                el = _sub(
                    g,
                    "rect",
                    class_="max",
                    x=x0,
                    y=self.y(b.start),
                    width=x1 - x0,
                    height=base - self.y(b.start),
                    fill="url(#nmdsl-hatch-max)",
                    stroke=ZONE_COLOURS[7],
                    stroke_width=1,
                )
                _sub(el, "title", tip)
                if not self.plot.thumbnail:
                    # An arrow head on top: "as hard as you can", beyond the
                    # drawn level; it keeps a 10 s sprint visible in a long ride.
                    cx, top = (x0 + x1) / 2, self.y(b.start)
                    _sub(
                        g,
                        "path",
                        class_="max-cap",
                        d=f"M{_num(cx - 4)},{_num(top - 2)} l4,-6 l4,6 z",
                        fill=ZONE_COLOURS[7],
                    )
            elif b.kind in ("free", "unknown") or b.start is None or b.end is None:
                level = b.start if b.start is not None else self.y_max * 0.3
                # The outline sits half a pixel inside the block; one too narrow
                # for that keeps a 0.5 px sliver centred on it, so that even the
                # last block of the ride stays inside the frame.
                inner = x1 - x0 - 1
                el = _sub(
                    g,
                    "rect",
                    class_=b.kind,
                    x=x0 + 0.5 if inner >= 0.5 else (x0 + x1) / 2 - 0.25,
                    y=self.y(level),
                    width=max(inner, 0.5),
                    height=base - self.y(level),
                    fill=FREE_FILL,
                    stroke=MUTED,
                    stroke_width=1,
                    stroke_dasharray="3 2",
                )
                _sub(el, "title", tip)
                if not self.plot.thumbnail and x1 - x0 >= 34:
                    _sub(
                        g,
                        "text",
                        "free" if b.kind == "free" else "?",
                        x=(x0 + x1) / 2,
                        y=base - 6,
                        text_anchor="middle",
                        font_size=11,
                        fill=MUTED,
                    )
            else:
                for s0, s1, v0, v1 in self._pieces(b):
                    xa, xb = self.x(s0), self.x(s1)
                    points = [(xa, base), (xa, self.y(v0)), (xb, self.y(v1)), (xb, base)]
                    el = _sub(
                        g,
                        "polygon",
                        class_=b.kind,
                        points=" ".join(f"{_num(px)},{_num(py)}" for px, py in points),
                        fill=self._colour((v0 + v1) / 2),
                    )
                    _sub(el, "title", tip)
        self._estimates(root)
        # Thin white seams between steps, as trainer apps draw them, so a set of
        # equal intervals reads as separate efforts.
        if not self.plot.thumbnail:
            seams = _sub(root, "g", class_="seams", stroke="#ffffff", stroke_width=0.75)
            for b in self.prof.blocks[1:]:
                x = self.x(b.start_s)
                _sub(seams, "line", x1=x, x2=x, y1=self.top, y2=self.bottom)

    def _estimates(self, root: etree._Element) -> None:
        """Mark what is not known exactly: a ``~D`` estimate's top is dashed, an unknown step is a "?" line.

        A lap, until or distance step with ``~D`` is drawn for its estimate;
        one without has no width, so the place where it falls is a dashed
        vertical line, labelled with how it ends (``lap``, ``until <130bpm``).
        """
        estimated = [b for b in self.prof.blocks if _ends_on_estimate(b)]
        if not estimated and not self.prof.unplaced:
            return  # nothing to mark: no empty group in the file
        g = _sub(root, "g", class_="estimates", fill="none", stroke=MUTED, stroke_width=1.5)
        for b in estimated:
            level = b.start if b.start is not None else self.y_max * 0.3
            top = self.y(max(level, b.end if b.end is not None else level))
            x0, x1 = self.x(b.start_s), self.x(b.start_s + b.duration_s)
            el = _sub(
                g,
                "path",
                class_="estimate",
                d=f"M{_num(x0)},{_num(top - 2)} H{_num(x1)}",
                stroke_dasharray="4 3",
            )
            _sub(el, "title", f"{end_text(b.segment.step)}: its time is an estimate")
        for seg in self.prof.unplaced:
            x = self.x(seg.start_s)
            el = _sub(
                g,
                "line",
                class_="unknown-time",
                x1=x,
                x2=x,
                y1=self.top,
                y2=self.bottom,
                stroke_dasharray="2 3",
            )
            what = end_text(seg.step)
            _sub(el, "title", f"{what}: time unknown, not drawn")
            if not self.plot.thumbnail:
                _sub(
                    g,
                    "text",
                    "?",
                    x=x,
                    y=self.top + 10,
                    text_anchor="middle",
                    font_size=11,
                    fill=MUTED,
                    stroke="none",
                )

    def _pieces(self, b: Block) -> list[tuple[float, float, float, float]]:
        """A block as (start s, end s, start level, end level) pieces split at zone edges."""
        assert b.start is not None and b.end is not None
        t0, t1, v0, v1 = b.start_s, b.start_s + b.duration_s, b.start, b.end
        if v0 == v1:
            return [(t0, t1, v0, v1)]
        cuts = sorted(e for e in self._edges() if min(v0, v1) < e < max(v0, v1))
        if v1 < v0:
            cuts.reverse()
        out = []
        ts, vs = t0, v0
        for edge in cuts:
            te = t0 + (t1 - t0) * (edge - v0) / (v1 - v0)
            out.append((ts, te, vs, edge))
            ts, vs = te, edge
        out.append((ts, t1, vs, v1))
        return out

    def _level_text(self, level: float) -> str:
        unit = self.prof.unit
        if unit == "pct_ftp":
            text = f"{level:.0f}% FTP"
            if self.prof.reference:
                text += f" ({level * self.prof.reference / 100:.0f} W)"
            return text
        if unit == "pct_threshold_speed":
            text = f"{level:.0f}% threshold speed"
            if self.prof.reference:
                text += f" ({format_pace(1000 / (level * self.prof.reference / 100))})" if level > 0 else ""
            return text
        if unit == "watts":
            return f"{level:.0f} W"
        return format_pace(1000 / level) if level > 0 else "standing"

    def _tooltip(self, b: Block) -> str:
        when = f"{format_duration(b.start_s)}-{format_duration(b.start_s + b.duration_s)}"
        o = self.prof.options
        if b.kind == "max":
            what = f"all-out (taken as {o.max_effort_pct:g}%)"
        elif b.kind == "free":
            what = f"free (taken as {o.free_ride_pct:g}%)"
        elif b.start is None or b.end is None:
            what = "level unknown"
        elif b.kind == "ramp":
            what = f"ramp {self._level_text(b.start)} to {self._level_text(b.end)}"
        else:
            what = self._level_text(b.start)
        step = b.segment.step
        cues = "".join(f'\n"{c.text}"' for c in step.cues)
        if _ends_on_estimate(b):
            when += f" (estimated: {end_text(step)})"
        return f"{when} {step.intensity}: {what}{cues}"

    def _reference_line(self, root: etree._Element) -> None:
        unit = self.prof.unit
        if unit not in ("pct_ftp", "pct_threshold_speed"):
            return
        y = self.y(100)
        g = _sub(root, "g", class_="reference")
        _sub(
            g,
            "line",
            x1=self.left,
            x2=self.right,
            y1=y,
            y2=y,
            stroke=INK,
            stroke_width=0.8 if self.plot.thumbnail else 1.2,
            stroke_dasharray="6 4",
            opacity=0.6 if self.plot.thumbnail else 0.85,
        )
        if self.plot.thumbnail:
            return
        if unit == "pct_ftp":
            label = "FTP" + (f" {self.prof.reference:.0f} W" if self.prof.reference else "")
        else:
            pace = self.workout.meta.threshold_pace
            label = "threshold" + (f" {pace}" if pace else " speed")
        _sub(
            g,
            "text",
            label,
            x=self.right - 4,
            y=y - 5,
            text_anchor="end",
            font_size=12,
            fill=INK,
            font_weight="bold",
        )

    def _cues(self, root: etree._Element) -> None:
        g = _sub(root, "g", class_="cues", fill=INK)
        y = self.top - 18
        for b in self.prof.blocks:
            for cue in b.segment.step.cues:
                x = self.x(b.start_s + min(cue.offset_s, b.duration_s))
                mark = _sub(g, "path", d=f"M{_num(x - 3.5)},{_num(y)} h7 l-3.5,6 z")
                _sub(mark, "title", f"{format_duration(b.start_s + cue.offset_s)} \u201c{cue.text}\u201d")
        if len(g):
            _sub(g, "text", "cues", x=self.left - 6, y=y + 6, text_anchor="end", font_size=11, fill=MUTED)

    def _axes(self, root: etree._Element) -> None:
        g = _sub(root, "g", class_="axes", font_size=12, fill=MUTED)
        _sub(
            g, "line", x1=self.left, x2=self.right, y1=self.bottom, y2=self.bottom, stroke=INK, stroke_width=1
        )
        for minute in self._x_ticks():
            x = self.x(minute * 60)
            _sub(g, "line", x1=x, x2=x, y1=self.bottom, y2=self.bottom + 4, stroke=INK, stroke_width=1)
            _sub(g, "text", str(minute), x=x, y=self.bottom + 18, text_anchor="middle")
        _sub(g, "text", "min", x=self.right, y=self.bottom + 34, text_anchor="end")
        label, fmt = self._y_label()
        for level in self._y_ticks():
            _sub(g, "text", fmt(level), x=self.left - 6, y=self.y(level) + 4, text_anchor="end")
            if self.prof.unit == "speed_mps" and level > 0:
                _sub(g, "text", f"{level * 3.6:.1f} km/h", x=self.right + 6, y=self.y(level) + 4)
            elif self.prof.unit == "pct_threshold_speed" and self.prof.reference and level > 0:
                speed = level * self.prof.reference / 100
                _sub(g, "text", format_pace(1000 / speed), x=self.right + 6, y=self.y(level) + 4)
        _sub(
            g,
            "text",
            label,
            x=14,
            y=(self.top + self.bottom) / 2,
            text_anchor="middle",
            transform=f"rotate(-90 14 {_num((self.top + self.bottom) / 2)})",
        )

    def _y_label(self) -> tuple[str, Callable[[float], str]]:
        unit = self.prof.unit
        if unit == "pct_ftp":
            return "% FTP", lambda v: f"{v:.0f}%"
        if unit == "pct_threshold_speed":
            return "% threshold speed", lambda v: f"{v:.0f}%"
        if unit == "watts":
            return "watts", lambda v: f"{v:.0f}"
        return "pace (min/km)", lambda v: format_pace(1000 / v).removesuffix("/km") if v > 0 else ""

    def _heading(self, root: etree._Element) -> None:
        st = self.st
        g = _sub(root, "g", class_="heading", fill=INK)
        title = _sub(g, "text", x=self.left, y=28, font_size=20, font_weight="bold")
        title.text = st.name or "Workout"
        totals = _sub(title, "tspan", "  " + self._totals_text(), font_weight="normal", fill=MUTED)
        totals.set("font-size", "16")
        details = []
        if st.intensity_factor is not None:
            details.append(f"IF {st.intensity_factor:.2f}")
        if st.normalized_power_w is not None:
            details.append(f"NP {st.normalized_power_w:.0f} W")
        if st.work_kj is not None:
            details.append(f"{st.work_kj:.0f} kJ")
        if st.average_pace_s_per_km is not None:
            details.append(f"average {format_pace(st.average_pace_s_per_km)}")
        nm = st.neuromuscular
        if nm.all_out_efforts:
            details.append(f"{nm.all_out_efforts} all-out")
        if nm.hard_s:
            unit = "FTP" if st.sport == "bike" else "threshold speed"
            details.append(f"{format_duration(nm.hard_s)} at or above {nm.hard_pct:g}% {unit}")
        if nm.peak_efforts:
            details.append(f"{nm.peak_efforts} at or above {nm.peak_pct:g}% {nm.peak_of}")
        if details:
            _sub(g, "text", " · ".join(details), x=self.left, y=50, font_size=13, fill=MUTED)
        if self.prof.unplaced_steps:
            # Said in the heading, beside the numbers it makes a lower bound.
            n = self.prof.unplaced_steps
            _sub(
                g,
                "text",
                f"? {n} step{'s' if n != 1 else ''} of unknown time not drawn",
                class_="unknown-time",
                x=self.right,
                y=50,
                font_size=13,
                fill=MUTED,
                text_anchor="end",
            )

    def _legend(self, root: etree._Element) -> None:
        g = _sub(root, "g", class_="legend", font_size=11, fill=MUTED)
        y = self.plot.height - 16
        x = self.left
        entries: list[tuple[str, dict[str, str | float]]] = []
        if self.prof.unit == "pct_ftp":
            entries += [(f"Z{z}", {"fill": ZONE_COLOURS[z]}) for z in range(1, 8)]
        elif self.prof.unit == "pct_threshold_speed":
            low = 0.0
            for top, z in RUN_BANDS:
                entries.append((f"{low:g}-{top:g}%" if low else f"≤{top:g}%", {"fill": ZONE_COLOURS[z]}))
                low = top
            entries.append((f">{low:g}%", {"fill": ZONE_COLOURS[7]}))
        o = self.prof.options
        kinds = {b.kind for b in self.prof.blocks}
        if "max" in kinds:
            entries.append(
                (
                    f"all-out (drawn at {o.max_effort_pct:g}%)",
                    {"fill": "url(#nmdsl-hatch-max)", "stroke": ZONE_COLOURS[7]},
                )
            )
        if "free" in kinds:
            entries.append(
                (
                    f"free (drawn at {o.free_ride_pct:g}%)",
                    {"fill": FREE_FILL, "stroke": MUTED, "stroke_dasharray": "3 2"},
                )
            )
        if "unknown" in kinds:
            entries.append(("level unknown", {"fill": FREE_FILL, "stroke": MUTED, "stroke_dasharray": "3 2"}))
        for text, style in entries:
            _sub(g, "rect", x=x, y=y - 9, width=14, height=10, **style)
            label = _sub(g, "text", text, x=x + 18, y=y)
            x += 18 + _text_width(label.text or "", 11) + 16
        if any(_ends_on_estimate(b) for b in self.prof.blocks):
            _sub(
                g,
                "path",
                d=f"M{_num(x)},{_num(y - 4)} h14",
                stroke=MUTED,
                stroke_width=1.5,
                stroke_dasharray="4 3",
                fill="none",
            )
            label = _sub(g, "text", "~D estimate", x=x + 18, y=y)
            x += 18 + _text_width(label.text or "", 11) + 16


def _ends_on_estimate(b: Block) -> bool:
    """Whether the block's time is the writer's ``~D`` estimate (a lap, until or distance step)."""
    step = b.segment.step
    return b.segment.estimated and step.duration_s is None and step.estimate_s is not None


def _text_width(text: str, size: float) -> float:
    """A width estimate for laying out the legend (no font metrics in an SVG writer)."""
    return len(text) * size * 0.62


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return float(10 * power)  # pragma: no cover - the loop always returns
