"""A static HTML catalogue of a workout library (``nmdsl site``).

Layout of the output folder (every link is relative, so the site works from
the file system and from any static host)::

    index.html                    every workout: thumbnail, numbers, tags; sort and filter
    assets/style.css, site.js     shared by every page (the JS only sorts and filters)
    SLUG/index.html               one workout: chart, numbers, source, downloads
    SLUG/SLUG.nm .zwo .erg .mrc .fit .svg   the files offered for download
    SLUG/thumb.svg                the profile thumbnail of the index

Files are found as ``nmdsl check`` finds them (``library.discover``): the
``exclude`` globs and the ``ftp`` of the library's ``[tool.nmdsl]`` or
``nmdsl.toml`` apply, hidden folders are skipped.  Files with errors are
listed on the index with their diagnostics.  The output
depends only on the library's files and the options: files are visited in
sorted order, nothing comes from the clock, and a folder built before is
replaced whole (it carries a marker file; any other non-empty folder is
refused rather than overwritten).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from nmdsl.analysis.metrics import (
    StatsOptions,
    WorkoutStats,
    format_duration,
    format_pace,
    format_total,
    load_short,
    load_text,
    nm_summary,
    ratio_text,
    stats,
)
from nmdsl.api import Result, check_file, emit
from nmdsl.diagnostics import Diagnostic, NmdslError, render
from nmdsl.model import Workout

#: Written into every site folder: only a folder carrying it is ever emptied.
MARKER = ".nmdsl-site"

#: The download formats, in the order they are offered, with what they are for.
FORMATS: tuple[tuple[str, str, str], ...] = (
    ("zwo", "ZWO", "Zwift and apps that import Zwift workouts"),
    ("erg", "ERG", "ERG-mode trainer software; watts"),
    ("mrc", "MRC", "ERG-mode trainer software; % of FTP"),
    ("fit", "FIT", "Garmin, Wahoo and other head units and watches"),
)


class SiteError(Exception):
    """The site cannot be built where asked (the CLI turns it into a usage error)."""


@dataclass
class Download:
    format: str
    label: str
    purpose: str
    #: Relative to the workout page; None when the format cannot carry the session.
    href: str | None = None
    size: int = 0
    #: Why it is unavailable (the format's error).
    reason: str | None = None
    #: What the format loses (its warnings), one line each.
    notes: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """One library file: its result and, when it has no errors, its page."""

    file: str
    path: Path
    slug: str
    result: Result
    stats: WorkoutStats | None = None
    downloads: list[Download] = field(default_factory=list)

    @property
    def workout(self) -> Workout | None:
        return self.result.workout

    @property
    def rendered_diagnostics(self) -> list[str]:
        return [render(d, self.result.source) for d in self.result.diagnostics]


@dataclass
class Site:
    index: Path
    workouts: list[Entry]
    failed: list[Entry]
    #: Problems in the library's configuration (E011): the site is built with
    #: the defaults for what could not be read.
    config_problems: list[Diagnostic] = field(default_factory=list)


def build_site(library: Path, out: Path, options: StatsOptions | None = None) -> Site:
    """Build the site for every ``*.nm`` under ``library`` into ``out``."""
    options = options or StatsOptions()
    library, out = Path(library), Path(out)
    _prepare(library, out)
    found, config_problems = _discover(library, out)
    entries = [_entry(path, library, options, ftp_w) for path, ftp_w in found]
    _assign_slugs(entries)
    env = environment()
    workouts = [e for e in entries if e.workout is not None]
    failed = [e for e in entries if e.workout is None]
    for e in workouts:
        _write_workout(e, out, env, options)
    _copy_assets(out)
    index = out / "index.html"
    tags = sorted({t for e in workouts for t in _tags(e)}, key=str.casefold)
    html = env.get_template("index.html").render(
        title="Workouts",
        rows=sorted((_row(e) for e in workouts), key=lambda r: (r["name"].casefold(), r["file"])),
        failed=[{"file": e.file, "diagnostics": e.rendered_diagnostics} for e in failed],
        tags=tags,
        root="",
    )
    index.write_text(html, encoding="utf-8")
    return Site(index, workouts, failed, config_problems)


# -- the folder ----------------------------------------------------------------------


def _prepare(library: Path, out: Path) -> None:
    lib, dest = library.resolve(), out.resolve()
    if dest == lib or lib.is_relative_to(dest):
        raise SiteError(f"-o {out} would contain the library {library}: choose another folder")
    if dest.exists():
        if not dest.is_dir():
            raise SiteError(f"-o {out} is a file")
        if any(dest.iterdir()):
            if not (dest / MARKER).is_file():
                raise SiteError(
                    f"-o {out} is not empty and was not built by nmdsl site: choose an empty or new folder"
                )
            shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text("built by nmdsl site; emptied by the next build\n", encoding="utf-8")


def _discover(library: Path, out: Path) -> tuple[list[tuple[Path, float | None]], list[Diagnostic]]:
    """``*.nm`` files as ``nmdsl check`` finds them, each with its configured FTP; the site folder skipped."""
    from nmdsl.library import discover

    dest = out.resolve()
    found: list[tuple[Path, float | None]] = []
    problems: list[Diagnostic] = []
    for file, cfg, config_problems in discover([str(library)]):
        problems += config_problems
        if not file:
            continue
        path = Path(file)
        if path.resolve().is_relative_to(dest):
            continue
        found.append((path, cfg.ftp_w))
    found.sort(key=lambda pf: pf[0].relative_to(library).as_posix())
    return found, problems


def _entry(path: Path, library: Path, options: StatsOptions, config_ftp_w: float | None) -> Entry:
    rel = path.relative_to(library).as_posix()
    # As in check: the header's FTP, else --ftp, else the configuration's.
    result = check_file(path, ftp_w=options.ftp_w if options.ftp_w is not None else config_ftp_w)
    # Diagnostics name the file as the library knows it, not as this machine
    # reached it: the page must not depend on where the library was built.
    result.diagnostics = [d.model_copy(update={"file": rel}) for d in result.diagnostics]
    result.file = rel
    return Entry(rel, path, "", result)


def _assign_slugs(entries: list[Entry]) -> None:
    taken: set[str] = {"assets", "index"}
    for e in entries:
        base = re.sub(r"[^a-z0-9]+", "-", e.file.removesuffix(".nm").lower()).strip("-") or "workout"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        e.slug = slug


# -- one workout ---------------------------------------------------------------------


def _write_workout(e: Entry, out: Path, env: Any, options: StatsOptions) -> None:
    from nmdsl.analysis.plot import PlotOptions, render_svg

    workout = e.workout
    assert workout is not None
    folder = out / e.slug
    folder.mkdir(parents=True, exist_ok=True)
    e.stats = st = stats(workout, options)
    shutil.copyfile(e.path, folder / f"{e.slug}.nm")  # the file as written, byte for byte
    chart = render_svg(workout, options, workout_stats=st)
    (folder / f"{e.slug}.svg").write_bytes(chart)
    thumb = render_svg(workout, options, PlotOptions(width=240, height=64, thumbnail=True), workout_stats=st)
    (folder / "thumb.svg").write_bytes(thumb)
    e.downloads = [_download(workout, e, folder, fmt, label, purpose) for fmt, label, purpose in FORMATS]
    html = env.get_template("workout.html").render(**workout_context(e, options))
    (folder / "index.html").write_text(html, encoding="utf-8")


def workout_context(e: Entry, options: StatsOptions) -> dict[str, Any]:
    """What ``workout.html`` shows of one entry whose stats and downloads are set.

    ``nmdsl preview`` renders the same template with the same context, so the
    live page shows a workout exactly as its site page does.
    """
    from markupsafe import Markup

    from nmdsl.analysis.plot import render_svg

    workout, st = e.workout, e.stats
    assert workout is not None and st is not None
    # Inline, so the page needs no second request and the chart's tooltips work.
    inline = Markup(render_svg(workout, options, workout_stats=st, xml_declaration=False).decode("utf-8"))
    return {
        "title": workout.meta.name or e.file,
        "entry": e,
        "meta": workout.meta,
        "tags": _tags(e),
        "chart": inline,
        "numbers": _numbers(st),
        "zones": _zones(st),
        "nm": _neuromuscular(st),
        "assumptions": _assumptions(st),
        "hr_zones": _hr_zones(st),
        "warnings": [d for d in e.result.diagnostics if not d.is_error],
        "rendered_warnings": [render(d, e.result.source) for d in e.result.diagnostics if not d.is_error],
        "source": e.result.source or "",
        "root": "../",
    }


def _download(workout: Workout, e: Entry, folder: Path, fmt: str, label: str, purpose: str) -> Download:
    d = Download(fmt, label, purpose)
    try:
        output = emit(workout, fmt, ftp_w=None, filename=e.file)
    except NmdslError as exc:
        errors = [x for x in exc.diagnostics if x.is_error] or exc.diagnostics
        d.reason = "; ".join(f"{x.message} ({x.code})" for x in errors)
        return d
    except ModuleNotFoundError:  # pragma: no cover - a build without that backend
        d.reason = "this build of nmdsl has no such backend"
        return d
    name = f"{e.slug}{output.suffix}"
    (folder / name).write_bytes(output.data)
    d.href, d.size = name, len(output.data)
    d.notes = _unique(f"{x.message} ({x.code})" for x in output.diagnostics)
    return d


def _unique(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _tags(e: Entry) -> list[str]:
    return list(e.workout.meta.tags) if e.workout else []


# -- what the templates show ----------------------------------------------------------------


def _row(e: Entry) -> dict[str, Any]:
    st = e.stats
    assert st is not None and e.workout is not None
    nm = st.neuromuscular
    return {
        "name": e.workout.meta.name or e.file,
        "file": e.file,
        "href": f"{e.slug}/index.html",
        "thumb": f"{e.slug}/thumb.svg",
        "sport": st.sport,
        "duration": ("≥ " if st.duration_at_least else "") + format_duration(st.duration_s),
        "duration_s": round(st.duration_s),
        "tss": _tss_cell(st),
        "tss_sort": round(_tss_value(st), 1),
        "if_": "" if st.intensity_factor is None else f"{st.intensity_factor:.2f}",
        "if_sort": -1 if st.intensity_factor is None else round(st.intensity_factor, 3),
        "tags": _tags(e),
        "nm": nm_summary(st),
        "nm_sort": round(nm.hard_s or 0) * 1000 + nm.all_out_efforts,
    }


def _tss_value(st: WorkoutStats) -> float:
    """The load the list sorts by: TSS, else rTSS, else hrTSS (-1: none)."""
    for value in (st.tss, st.rtss, st.hrtss):
        if value is not None:
            return value
    return -1


def _tss_cell(st: WorkoutStats) -> str:
    """``62`` for a bike's TSS; a run's ``rTSS 45`` (or ``hrTSS ≥ 13``); empty: unknown."""
    if st.tss is not None:
        return f"{st.tss:.0f}"
    loads = load_short(st)
    return loads[0] if loads else ""


def _numbers(st: WorkoutStats) -> list[tuple[str, str]]:
    rows = [("Duration", format_total(st.duration_s, st.duration_estimated, st.duration_at_least))]
    if st.distance_m is not None:
        rows.append(
            ("Distance", f"{st.distance_m / 1000:.2f} km" + (" (estimated)" if st.distance_estimated else ""))
        )
    if st.average_pace_s_per_km is not None:
        pct = st.average_pct_threshold_speed
        rows.append(
            (
                "Average pace",
                format_pace(st.average_pace_s_per_km)
                + (f" ({pct:.0f}% of threshold speed)" if pct is not None else ""),
            )
        )
    if st.ftp_w:
        rows.append(("FTP", f"{st.ftp_w:g} W"))
    if st.work_kj is not None:
        rows.append(("Work", f"{st.work_kj:.0f} kJ"))
    if st.average_power_w is not None or st.average_pct_ftp is not None:
        rows.append(("Average power", _power(st.average_power_w, st.average_pct_ftp)))
    if st.normalized_power_w is not None or st.normalized_pct_ftp is not None:
        rows.append(("Normalized power", _power(st.normalized_power_w, st.normalized_pct_ftp)))
    if st.intensity_factor is not None:
        rows.append(("Intensity factor", f"{st.intensity_factor:.2f}"))
    if st.tss is not None:
        rows.append(("TSS", f"{st.tss:.0f}"))
    if st.sport == "run":
        rows.append(("rTSS", load_text(st.rtss, st.rtss_s, st)))
    if st.hrtss is not None or (st.sport == "run" and st.hr_zones):
        rows.append(("hrTSS", load_text(st.hrtss, st.hrtss_s, st)))
    return rows


def _power(watts: float | None, pct: float | None) -> str:
    parts = []
    if watts is not None:
        parts.append(f"{watts:.0f} W")
    if pct is not None:
        parts.append(f"{pct:.0f}% FTP")
    return " · ".join(parts)


def _zones(st: WorkoutStats) -> list[dict[str, Any]]:
    from nmdsl.analysis.plot import ZONE_COLOURS

    total = sum(z.seconds for z in st.zones) or 1.0
    out = []
    for z in st.zones:
        if z.low_pct is None:
            edges = f"up to {z.high_pct:g}%"
        elif z.high_pct is None:
            edges = f"above {z.low_pct:g}%"
        else:
            edges = f"above {z.low_pct:g}% to {z.high_pct:g}%"
        out.append(
            {
                "zone": z.zone,
                "name": z.name,
                "edges": edges,
                "time": format_duration(z.seconds),
                "share": f"{100 * z.seconds / total:.0f}%",
                "width": f"{100 * z.seconds / total:.1f}",
                "colour": ZONE_COLOURS[z.zone],
            }
        )
    return out


def _hr_zones(st: WorkoutStats) -> list[dict[str, Any]]:
    """Time with a heart-rate target in each heart-rate zone (empty without one)."""
    total = sum(z.seconds for z in st.hr_zones) or 1.0
    basis = {"lthr": "from lthr", "max_hr": "from max-hr"}.get(st.hr_zone_basis or "", "")
    out = []
    for z in st.hr_zones:
        if z.low_bpm is None and z.high_bpm is None:
            edges = "your device's zone"
        elif z.low_bpm is None:
            edges = f"up to {z.high_bpm:.0f} bpm"
        elif z.high_bpm is None:
            edges = f"above {z.low_bpm:.0f} bpm"
        else:
            edges = f"above {z.low_bpm:.0f} to {z.high_bpm:.0f} bpm"
        out.append(
            {
                "zone": z.zone,
                "edges": f"{edges} ({basis})" if basis else edges,
                "time": format_duration(z.seconds),
                "share": f"{100 * z.seconds / total:.0f}%",
                "width": f"{100 * z.seconds / total:.1f}",
            }
        )
    return out


def _neuromuscular(st: WorkoutStats) -> dict[str, Any]:
    nm = st.neuromuscular
    unit = "FTP" if st.sport == "bike" else "threshold speed"
    return {
        "all_out": f"{nm.all_out_efforts} ({format_duration(nm.all_out_s)})",
        "hard_label": f"At or above {nm.hard_pct:g}% {unit}",
        "hard": None if nm.hard_s is None else format_duration(nm.hard_s),
        "peak_label": f"Efforts at or above {nm.peak_pct:g}% of {nm.peak_of}",
        "peak": None
        if nm.peak_efforts is None
        else f"{nm.peak_efforts} ({format_duration(nm.peak_s or 0.0)})",
        "drills": ", ".join(f"{d} × {n}" for d, n in nm.drills.items()),
        "repeats": [
            {
                "line": r.line,
                "label": r.label,
                "work": "?" if r.work_s is None else format_duration(r.work_s),
                "recovery": "?" if r.recovery_s is None else format_duration(r.recovery_s),
                "ratio": ratio_text(r),
            }
            for r in nm.repeats
        ],
    }


def _assumptions(st: WorkoutStats) -> list[str]:
    unit = "FTP" if st.sport == "bike" else "threshold speed"
    out = []
    if st.has_max:
        out.append(f"An all-out (max) step is taken as {st.max_effort_pct:g}% of {unit}.")
    if st.has_free:
        out.append(f"A free step is taken as {st.free_ride_pct:g}% of {unit}.")
    return out + list(st.notes)


# -- templates and assets -------------------------------------------------------------------


def environment(loader: Any = None) -> Any:
    """The site's Jinja environment (``loader``: another, for a face that overrides some templates)."""
    import jinja2

    env = jinja2.Environment(
        loader=loader or jinja2.PackageLoader("nmdsl.library", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["kib"] = lambda n: f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"
    return env


ASSETS = ("style.css", "site.js")


def _copy_assets(out: Path) -> None:
    folder = out / "assets"
    folder.mkdir(exist_ok=True)
    base = resources.files("nmdsl.library").joinpath("templates", "assets")
    for name in ASSETS:
        (folder / name).write_bytes(base.joinpath(name).read_bytes())
