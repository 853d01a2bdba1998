"""The ``stats``, ``plot`` and ``site`` commands: I/O and exit codes only.

``nmdsl.cli`` registers these with ``main.add_command``; this module imports
nothing but click and the standard library at import time, so ``nmdsl
check`` does not pay for lxml, jinja2 or the stats code.  Exit status as in
the rest of the CLI: 0 ok, 1 some input has errors, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from pathlib import Path

    from nmdsl.analysis.metrics import StatsOptions
    from nmdsl.api import Result
    from nmdsl.diagnostics import Diagnostic

F = TypeVar("F", bound=Callable[..., Any])


def _percent(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A percentage written ``200%`` or ``200`` (a callback, not a ParamType:
    ParamType is generic only in newer click, and nmdsl supports click 8.1)."""
    if value is None:
        return None
    try:
        number = float(value.strip().removesuffix("%"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a percentage (e.g. 200%)") from None
    if not 0 <= number <= 1000:  # also refuses nan
        raise click.BadParameter(f"{value!r} is outside 0-1000%")
    return number


#: The percentages the numbers rest on: (option, parameter, help), in the order --help lists them.
_PERCENT_OPTIONS = (
    (
        "--max-effort",
        "max_effort_pct",
        "What a 'max' step is taken to be [default: 200% of FTP; 150% of threshold speed on a run].",
    ),
    (
        "--free-ride",
        "free_ride_pct",
        "What a 'free' step is taken to be [default: 50% of FTP or of threshold speed].",
    ),
    (
        "--hard",
        "hard_pct",
        "Time at or above this is 'hard' time [default: 150% of FTP; 115% of threshold speed on a run].",
    ),
    (
        "--easy",
        "easy_pct",
        "At or below this a step is recovery in work:recovery ratios "
        "[default: 55% of FTP; 75% of threshold speed on a run].",
    ),
    (
        "--peak",
        "peak_pct",
        "With pmax: (vmax: on a run) in the header, efforts at or above this share of it are "
        "near-peak [default: 90%].",
    ),
)


def _assumption_options(f: F) -> F:
    # Decorators apply bottom-up: the last one added is listed first.
    for flag, name, text in reversed(_PERCENT_OPTIONS):
        f = click.option(flag, name, callback=_percent, default=None, metavar="PCT", help=text)(f)
    f = click.option(
        "--ftp",
        "ftp_w",
        type=click.FloatRange(min=1, max=1000),
        metavar="W",
        help="FTP in watts for files whose header sets none.",
    )(f)
    return f


def _options(
    ftp_w: float | None,
    max_effort_pct: float | None,
    free_ride_pct: float | None,
    hard_pct: float | None,
    easy_pct: float | None,
    peak_pct: float | None = None,
) -> StatsOptions:
    from nmdsl.analysis.metrics import StatsOptions

    return StatsOptions(
        max_effort_pct=max_effort_pct,
        free_ride_pct=free_ride_pct,
        ftp_w=ftp_w,
        hard_pct=hard_pct,
        easy_pct=easy_pct,
        peak_pct=peak_pct,
    )


def _nm_files(
    paths: tuple[str, ...], ftp_w: float | None, problems: list[Diagnostic]
) -> Iterator[tuple[str, float | None]]:
    """Files as ``nmdsl check`` finds them (config excludes honoured), each with the FTP to assume.

    The header's FTP wins, then ``--ftp``, then the ``ftp`` of the file's
    configuration.  Problems in a configuration (E011) are printed and
    added to ``problems``.
    """
    from nmdsl.diagnostics import render
    from nmdsl.library import discover

    for file, cfg, found in discover(paths):
        for d in found:
            click.echo(render(d), err=True)
        problems += found
        if file:
            yield file, ftp_w if ftp_w is not None else cfg.ftp_w


def _check(path: str, ftp_w: float | None) -> Result:
    from nmdsl.api import check, check_file

    if path == "-":
        return check(sys.stdin.buffer.read(), filename="<stdin>", ftp_w=ftp_w)
    return check_file(path, ftp_w=ftp_w)


def _print_diagnostics(result: Result) -> None:
    from nmdsl.diagnostics import render

    for d in result.diagnostics:
        click.echo(render(d, result.source), err=True)


def _write_atomic(dest: Path, data: bytes) -> None:
    from nmdsl.cli.files import write_atomic

    write_atomic(dest, data)


# -- stats ----------------------------------------------------------------------------


@click.command(name="stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@_assumption_options
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json (an array, one object a file) or csv (one row a file) for tools.",
)
def stats_cmd(
    paths: tuple[str, ...],
    ftp_w: float | None,
    max_effort_pct: float | None,
    free_ride_pct: float | None,
    hard_pct: float | None,
    easy_pct: float | None,
    peak_pct: float | None,
    out_format: str,
) -> None:
    """Training numbers: duration, work, NP, IF, TSS, zones, neuromuscular summary.

    Folders are searched for *.nm recursively, as check does (the excludes and
    ftp of [tool.nmdsl] or nmdsl.toml apply). 'max' and 'free' steps have
    no number of their own: --max-effort and --free-ride say what they are
    taken to be (docs/stats.md).
    """
    import csv
    import io
    import json

    from nmdsl.analysis.metrics import CSV_COLUMNS, csv_row, format_table, stats

    options = _options(ftp_w, max_effort_pct, free_ride_pct, hard_pct, easy_pct, peak_pct)
    failed = 0
    tables: list[str] = []
    records: list[dict[str, Any]] = []
    rows: list[dict[str, str]] = []
    config_problems: list[Diagnostic] = []
    for path, file_ftp_w in _nm_files(paths, ftp_w, config_problems):
        result = _check(path, file_ftp_w)
        _print_diagnostics(result)
        if result.workout is None:
            failed += 1
            continue
        st = stats(result.workout, options)
        tables.append(format_table(st, result.file))
        records.append({"file": result.file, **st.to_dict()})
        rows.append(csv_row(st, result.file))
    if out_format == "table":
        click.echo("\n".join(tables), nl=False)
    elif out_format == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    if failed:
        click.echo(f"{failed} file{'s' if failed != 1 else ''} with errors", err=True)
    sys.exit(1 if failed or config_problems else 0)


# -- plot -----------------------------------------------------------------------------


@click.command(name="plot")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="OUT.svg, OUT.png (needs the png extra) or - for SVG on stdout. Default: next to the input, .svg.",
)
@click.option("--width", type=click.FloatRange(min=200, max=4000), default=1000, show_default=True)
@click.option("--height", type=click.FloatRange(min=120, max=2000), default=380, show_default=True)
@_assumption_options
def plot_cmd(
    path: str,
    output: str | None,
    width: float,
    height: float,
    ftp_w: float | None,
    max_effort_pct: float | None,
    free_ride_pct: float | None,
    hard_pct: float | None,
    easy_pct: float | None,
    peak_pct: float | None,
) -> None:
    """Draw a workout's profile chart (SVG, or PNG with the png extra)."""
    from pathlib import Path

    if output is None:
        if path == "-":
            raise click.UsageError("give -o OUT.svg (or -o - for stdout) when reading stdin")
        dest: Path | None = Path(path).with_suffix(".svg")
    elif output == "-":
        dest = None
    else:
        dest = Path(output)
        if dest.suffix.lower() not in (".svg", ".png"):
            raise click.UsageError(f"-o {output}: the chart is written as .svg or .png")
    png = dest is not None and dest.suffix.lower() == ".png"
    if png:
        try:
            import cairosvg  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            raise click.ClickException(
                "PNG output needs cairosvg: pip install 'nmdsl[png]' (or write .svg)"
            ) from None
    from nmdsl.analysis.plot import PlotOptions, render_png, render_svg

    result = _check(path, ftp_w)
    _print_diagnostics(result)
    if result.workout is None:
        sys.exit(1)
    data = render_svg(
        result.workout,
        _options(ftp_w, max_effort_pct, free_ride_pct, hard_pct, easy_pct, peak_pct),
        PlotOptions(width=width, height=height),
    )
    if png:
        data = render_png(data)
    if dest is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        _write_atomic(dest, data)


# -- site -----------------------------------------------------------------------------


@click.command(name="site")
@click.argument("library", type=click.Path(exists=True, file_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for the site (created; a folder built by nmdsl site before is replaced).",
)
@_assumption_options
def site_cmd(
    library: str,
    output: str,
    ftp_w: float | None,
    max_effort_pct: float | None,
    free_ride_pct: float | None,
    hard_pct: float | None,
    easy_pct: float | None,
    peak_pct: float | None,
) -> None:
    """Build a static HTML catalogue of the .nm files under LIBRARY.

    An index (sortable, filterable by tag), a page per workout with its
    chart, numbers, source and ZWO/ERG/MRC/FIT downloads, and the files with
    errors with their diagnostics. Open OUTPUT/index.html in a browser or
    put the folder on any static host. Exit status 1 when a file has errors
    (the site is still built and lists them).
    """
    try:
        import jinja2  # noqa: F401
    except ImportError:  # pragma: no cover - jinja2 is a dependency of nmdsl
        raise click.ClickException("nmdsl site needs jinja2: pip install jinja2") from None
    from pathlib import Path

    from nmdsl.library.site import SiteError, build_site

    try:
        options = _options(ftp_w, max_effort_pct, free_ride_pct, hard_pct, easy_pct, peak_pct)
        site = build_site(Path(library), Path(output), options)
    except SiteError as exc:
        raise click.UsageError(str(exc)) from None
    from nmdsl.diagnostics import render

    for d in site.config_problems:
        click.echo(render(d), err=True)
    for entry in site.failed:
        # The pages name files relative to the library; the terminal names
        # them as given, so an editor can jump to them.
        for d in entry.result.diagnostics:
            click.echo(render(d.model_copy(update={"file": str(entry.path)}), entry.result.source), err=True)
    click.echo(
        f"site: {len(site.workouts)} workout{'s' if len(site.workouts) != 1 else ''}"
        + (
            f", {len(site.failed)} file{'s' if len(site.failed) != 1 else ''} with errors"
            if site.failed
            else ""
        )
        + f" -> {site.index}",
        err=True,
    )
    sys.exit(1 if site.failed or site.config_problems else 0)
