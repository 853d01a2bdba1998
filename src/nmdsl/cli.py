"""The ``nmdsl`` command: I/O and exit codes over the library, nothing more.

Exit status: 0 ok, 1 the input has errors (or warnings with ``--strict``),
2 usage error.  Diagnostics go to stderr, compiled output to files (or to
stdout with ``-o -``).  Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ._version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from .api import Result
    from .diagnostics import Diagnostic

FORMATS = ("json", "zwo", "erg", "mrc", "fit")  # backends._REGISTRY; a test keeps them in step


F = TypeVar("F", bound=Callable[..., Any])


def _ftp_option(f: F) -> F:
    return click.option(
        "--ftp",
        "ftp_w",
        type=click.FloatRange(min=1, max=1000),
        metavar="W",
        help="FTP in watts for files whose header sets none.",
    )(f)


def _strict_option(f: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="nmdsl")
def main() -> None:
    """nmdsl: compile structured training sessions (.nm) to workout files.

    \b
      nmdsl check workouts/                 validate every .nm file
      nmdsl compile session.nm -f json      write session.json next to it
      nmdsl compile a.nm b.nm -f json -o out/
    """


def run() -> NoReturn:
    """The ``nmdsl`` console script: :func:`main`, then leave at once.

    Once the command has written everything and flushed it, there is nothing
    left to do but free memory the operating system frees anyway: tearing
    down the interpreter (collecting every module, the parser tables, lxml)
    took 25-50 ms, a quarter of a single-file compile.  So the script
    flushes stdout and stderr itself and ends with ``os._exit``.  Commands
    finish their own work first (files are written atomically and closed,
    process pools are shut down inside ``check``); library users and
    ``CliRunner`` call :func:`main`, which returns normally.
    """
    try:
        main(prog_name="nmdsl")
        status: int = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            status = exc.code or 0
        else:  # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (nmdsl ... | head): nothing more to say
            status = status or 1
    os._exit(status)


# -- check ----------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@_ftp_option
@_strict_option
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="text for people (stderr); json for tools, github for workflow annotations, "
    "sarif for code-scanning dashboards (stdout).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that check files, this one included (default and maximum: the usable CPUs).",
)
def check(paths: tuple[str, ...], ftp_w: float | None, strict: bool, out_format: str, jobs: int | None) -> None:
    """Validate .nm files: parse, compile to the configured formats, lint.

    Folders are searched for *.nm recursively. Settings come from [tool.nmdsl]
    in pyproject.toml or from nmdsl.toml, found upward from each path.
    """
    from .library import check_library
    from .reports import RENDERERS

    stdin = sys.stdin.buffer.read() if "-" in paths else None
    result = check_library(paths, ftp_w=ftp_w, strict=strict, jobs=jobs, stdin=stdin)
    rendered = RENDERERS[out_format](result)
    click.echo(rendered, nl=False, err=out_format == "text")
    sys.exit(1 if result.errors else 0)


def _strict(r: Result) -> Result:
    from .diagnostics import Severity

    r.diagnostics = [d.model_copy(update={"severity": Severity.ERROR}) for d in r.diagnostics]
    r.workout = None if r.diagnostics else r.workout
    return r


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _check_one(path: str, ftp_w: float | None) -> Result:
    from .api import check, check_file

    if path == "-":
        return check(sys.stdin.buffer.read(), filename="<stdin>", ftp_w=ftp_w)
    return check_file(path, ftp_w=ftp_w)


def _print_diagnostics(diagnostics: Iterable[Diagnostic], source: str | None) -> None:
    from .diagnostics import render

    for d in diagnostics:
        click.echo(render(d, source), err=True)


# -- compile ----------------------------------------------------------------


@main.command(name="compile")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output file (one input), folder (several inputs) or - for stdout. "
    "Default: next to each input, with the format's suffix.",
)
@_ftp_option
@_strict_option
@click.option(
    "--max-effort",
    "max_effort_pct",
    type=click.FloatRange(min=1, max=1000),
    default=200.0,
    show_default=True,
    metavar="PCT",
    help="%FTP written for 'max' steps in formats that need a number (ERG, MRC).",
)
@click.option(
    "--free-ride",
    "free_ride_pct",
    type=click.FloatRange(min=0, max=1000),
    default=50.0,
    show_default=True,
    metavar="PCT",
    help="%FTP written for 'free' steps in formats that need a number (ERG, MRC).",
)
@click.option("--crlf", is_flag=True, help="CRLF line endings (ERG, MRC) for Windows tools that want them.")
def compile_cmd(
    inputs: tuple[str, ...],
    fmt: str,
    output: str | None,
    ftp_w: float | None,
    strict: bool,
    max_effort_pct: float,
    free_ride_pct: float,
    crlf: bool,
) -> None:
    """Compile .nm files to FORMAT."""
    from .api import emit
    from .backends import EmitOptions, get
    from .diagnostics import NmdslError

    try:
        suffix = get(fmt).suffix
    except ModuleNotFoundError:
        raise click.UsageError(f"the {fmt} format is not available in this build") from None
    options = EmitOptions(max_effort_pct=max_effort_pct, free_ride_pct=free_ride_pct, crlf=crlf)
    if len(inputs) > 1 and output is not None and output != "-" and os.path.isfile(output):
        raise click.UsageError(f"-o {output} is a file, but there are {len(inputs)} inputs: give a folder")
    if inputs.count("-") > 1:
        raise click.UsageError("stdin ('-') can be read only once")
    _refuse_collisions(inputs, output, suffix)
    failed = 0
    for path in inputs:
        result = _check_one(path, ftp_w)
        if strict:
            result = _strict(result)
        _print_diagnostics(result.diagnostics, result.source)
        if result.workout is None:
            failed += 1
            continue
        try:
            out = emit(result.workout, fmt, ftp_w=ftp_w, strict=strict, filename=result.file, options=options)
        except NmdslError as exc:
            _print_diagnostics(exc.diagnostics, result.source)
            failed += 1
            continue
        _print_diagnostics(out.diagnostics, result.source)
        dest = _destination(path, output, suffix, several=len(inputs) > 1)
        if dest is None:
            sys.stdout.buffer.write(out.data)
            sys.stdout.buffer.flush()
        else:
            _write_atomic(dest, out.data)
    if len(inputs) > 1 or failed:
        click.echo(
            f"compiled {_plural(len(inputs) - failed, 'file')}"
            + (f", {failed} failed" if failed else ""),
            err=True,
        )
    sys.exit(1 if failed else 0)


def _refuse_collisions(inputs: tuple[str, ...], output: str | None, suffix: str) -> None:
    """Two inputs must not write one output file (a/x.nm and b/x.nm into -o out/)."""
    from pathlib import Path

    seen: dict[Path, str] = {}
    for path in inputs:
        dest = _destination(path, output, suffix, several=len(inputs) > 1, create=False)
        if dest is None:
            continue
        key = Path(os.path.abspath(dest))
        if key in seen:
            raise click.UsageError(f"{seen[key]} and {path} would both be written to {dest}")
        if path != "-" and Path(os.path.abspath(path)) == key:
            raise click.UsageError(f"{path} would be overwritten by its own output")
        seen[key] = path


def _destination(path: str, output: str | None, suffix: str, several: bool, create: bool = True) -> Path | None:
    """Where one input's output goes; None means stdout."""
    from pathlib import Path

    if output == "-" or (output is None and path == "-"):
        return None
    stem = "stdin" if path == "-" else Path(path).stem
    if output is None:
        return Path(path).with_suffix(suffix)
    out = Path(output)
    if several or out.is_dir() or output.endswith(("/", os.sep)):
        if create:
            out.mkdir(parents=True, exist_ok=True)
        return out / (stem + suffix)
    return out


def _write_atomic(dest: Path, data: bytes, keep_mode: bool = False) -> None:
    from ._files import write_atomic

    write_atomic(dest, data, keep_mode)


# -- fmt ----------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Write nothing; list the files that would change (exit 1 if any).")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of each change.")
@_ftp_option
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool, ftp_w: float | None) -> None:
    """Rewrite .nm files in the canonical layout, keeping comments and meaning.

    Folders are searched for *.nm recursively; '-' formats stdin to stdout.
    A file with errors is left alone and its errors are printed.
    """
    from .api import _read_bytes
    from .diagnostics import Report
    from .fmt import FormatError, format_bytes, unified_diff
    from .library import discover

    dry = check_only or show_diff
    changed = unchanged = broken = 0
    for path, cfg, problems in discover(paths):
        _print_diagnostics(problems, None)
        if not path:
            continue
        name = "<stdin>" if path == "-" else path
        if path == "-":
            data: bytes | None = sys.stdin.buffer.read()
        else:
            report = Report(file=path)
            data = _read_bytes(path, report)
            _print_diagnostics(report.items, None)
        if data is None:
            broken += 1
            continue
        try:
            result = format_bytes(data, filename=name, ftp_w=ftp_w if ftp_w is not None else cfg.ftp_w)
        except FormatError as exc:
            click.echo(f"{name}: internal error: {exc}", err=True)
            broken += 1
            continue
        if result.text is None or result.data is None or result.source is None:
            _print_diagnostics([d for d in result.diagnostics if d.is_error], result.source)
            broken += 1
            continue
        if path == "-" and not dry:
            sys.stdout.buffer.write(result.data)
            sys.stdout.buffer.flush()
        if not result.changed:
            unchanged += 1
            continue
        changed += 1
        if check_only:
            click.echo(name)
        if show_diff:
            click.echo(unified_diff(result.source, result.text, name), nl=False)
        if not dry and path != "-":
            from pathlib import Path

            _write_atomic(Path(path), result.data, keep_mode=True)
            click.echo(f"reformatted {name}", err=True)
    done = "would be reformatted" if dry else "reformatted"
    same = "left unchanged" if dry else "unchanged"
    click.echo(
        f"{_plural(changed, 'file')} {done}, {unchanged} {same}" + (f", {broken} with errors" if broken else ""),
        err=True,
    )
    sys.exit(1 if broken or (check_only and changed) else 0)


# -- import -------------------------------------------------------------------


@main.command(name="import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output .nm file (one input), folder (several inputs) or - for stdout. "
    "Default: next to each input, with the suffix .nm.",
)
@_strict_option
def import_cmd(inputs: tuple[str, ...], output: str | None, strict: bool) -> None:
    """Import ZWO, ERG, MRC or FIT files as nmdsl text."""
    from .api import load

    if len(inputs) > 1 and output is not None and output != "-" and os.path.isfile(output):
        raise click.UsageError(f"-o {output} is a file, but there are {len(inputs)} inputs: give a folder")
    _refuse_collisions(inputs, output, ".nm")
    failed = 0
    for path in inputs:
        result = load(path, strict=strict)
        _print_diagnostics(result.diagnostics, None)
        if result.workout is None or result.source is None:
            failed += 1
            continue
        dest = _destination(path, output, ".nm", several=len(inputs) > 1)
        data = result.source.encode("utf-8")
        if dest is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            _write_atomic(dest, data)
    if len(inputs) > 1 or failed:
        click.echo(
            f"imported {_plural(len(inputs) - failed, 'file')}" + (f", {failed} failed" if failed else ""),
            err=True,
        )
    sys.exit(1 if failed else 0)


# -- schema -------------------------------------------------------------------


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workout model (what -f json writes)."""
    import json

    from .model import Workout

    click.echo(json.dumps(Workout.model_json_schema(), indent=2, sort_keys=True))


def _register_report_commands() -> None:
    from .cli_report import plot_cmd, site_cmd, stats_cmd

    main.add_command(stats_cmd)
    main.add_command(plot_cmd)
    main.add_command(site_cmd)


_register_report_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
