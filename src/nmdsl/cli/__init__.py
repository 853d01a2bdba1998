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

from nmdsl._version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from nmdsl.diagnostics import Diagnostic
    from nmdsl.library import FileResult

FORMATS = ("json", "zwo", "erg", "mrc", "fit", "icu")  # nmdsl.formats.FORMATS; a test keeps them in step
REPORTS = ("text", "json", "github", "sarif")  # reports.RENDERERS; a test keeps them in step


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


def _report_option(flag: str, help: str) -> Callable[[F], F]:
    choice = click.Choice(REPORTS)
    return click.option(flag, "report_format", type=choice, default="text", show_default=True, help=help)


def _jobs_option(work: str) -> Callable[[F], F]:
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help=f"Processes that {work} files, this one included (default and maximum: the usable CPUs).",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="nmdsl")
def main() -> None:
    """nmdsl: compile structured training sessions (.nm) to workout files.

    \b
      nmdsl check workouts/                 validate every .nm file
      nmdsl compile session.nm -f json      write session.json next to it
      nmdsl compile a.nm b.nm -f json -o out/
      nmdsl compile workouts/ -f zwo -f fit -o dist/
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
@_report_option(
    "--format",
    "text for people (stderr); json for tools, github for workflow annotations, "
    "sarif for code-scanning dashboards (stdout).",
)
@_jobs_option("check")
def check(
    paths: tuple[str, ...], ftp_w: float | None, strict: bool, report_format: str, jobs: int | None
) -> None:
    """Validate .nm files: parse, compile to the configured formats, lint.

    Folders are searched for *.nm recursively. Settings come from [tool.nmdsl]
    in pyproject.toml or from nmdsl.toml, found upward from each path.
    """
    from nmdsl.library import check_library
    from nmdsl.library.reports import RENDERERS

    stdin = sys.stdin.buffer.read() if "-" in paths else None
    result = check_library(paths, ftp_w=ftp_w, strict=strict, jobs=jobs, stdin=stdin)
    rendered = RENDERERS[report_format](result)
    click.echo(rendered, nl=False, err=report_format == "text")
    sys.exit(1 if result.errors else 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_diagnostics(diagnostics: Iterable[Diagnostic], source: str | None) -> None:
    from nmdsl.diagnostics import render

    for d in diagnostics:
        click.echo(render(d, source), err=True)


# -- compile ----------------------------------------------------------------


@main.command(name="compile")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "-f",
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    required=True,
    help="Output format; repeat it for several (-f zwo -f fit).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output file (one input, one format), folder, or - for stdout. "
    "Default: next to each input, with the format's suffix; "
    "a folder input or several formats need -o FOLDER.",
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
@_report_option(
    "--report",
    "How diagnostics are printed, as check's --format: text (stderr), json, github or sarif (stdout).",
)
@_jobs_option("check and compile")
def compile_cmd(
    inputs: tuple[str, ...],
    formats: tuple[str, ...],
    output: str | None,
    ftp_w: float | None,
    strict: bool,
    max_effort_pct: float,
    free_ride_pct: float,
    crlf: bool,
    report_format: str,
    jobs: int | None,
) -> None:
    """Compile .nm files, or folders of them, to each FORMAT.

    Files are found and checked as check finds and checks them (the same
    settings, diagnostics and exit status); a file with errors is not written.
    A file found in a folder is written below -o with its path in that folder.
    """
    from nmdsl.formats import get
    from nmdsl.formats.base import EmitOptions
    from nmdsl.library import Build, library_jobs, run_jobs
    from nmdsl.library.reports import RENDERERS

    formats = tuple(dict.fromkeys(formats))
    suffixes = []
    for fmt in formats:
        try:
            suffixes.append(get(fmt).suffix)
        except ModuleNotFoundError:
            raise click.UsageError(f"the {fmt} format is not available in this build") from None
    # A folder or several formats make a tree of outputs: it needs a folder to go in.
    tree = len(formats) > 1 or any(p != "-" and os.path.isdir(p) for p in inputs)
    if tree and output in (None, "-"):
        why = "several formats" if len(formats) > 1 else "a folder input"
        raise click.UsageError(f"{why} means several outputs: give -o FOLDER to write them into")
    if output == "-" and report_format != "text":
        raise click.UsageError(f"-o - and --report {report_format} would both write to stdout")
    several = tree or len(inputs) > 1
    _refuse_file_for_several(output, several)
    if inputs.count("-") > 1:
        raise click.UsageError("stdin ('-') can be read only once")
    build = Build(formats, EmitOptions(max_effort_pct=max_effort_pct, free_ride_pct=free_ride_pct, crlf=crlf))
    config_problems: list[Diagnostic] = []
    # Listed before anything is compiled, so that two files meant for one output are refused at once.
    work = list(library_jobs(inputs, config_problems, ftp_w=ftp_w, strict=strict, build=build))
    plan = _plan([(job.path, job.root) for job in work], output, suffixes, several)
    stdin = sys.stdin.buffer.read() if "-" in inputs else None
    result = run_jobs(work, config_problems, jobs=jobs, stdin=stdin, build=build)
    # A configuration with errors may have lost an exclude or a target: its files are not written.
    broken = {d.file for d in config_problems if d.is_error}
    for job, file, dests in zip(work, result.files, plan, strict=True):
        if file.ok and not (job.config.path is not None and str(job.config.path) in broken):
            # ERG and MRC are not asked of sessions other than bike ones: those have fewer outputs.
            outputs = [
                (file.outputs[f], dest) for f, dest in zip(formats, dests, strict=True) if f in file.outputs
            ]
            _write_outputs(file, outputs)
    click.echo(RENDERERS[report_format](result), nl=False, err=report_format == "text")
    sys.exit(1 if result.errors else 0)


def _write_outputs(file: FileResult, outputs: list[tuple[bytes, Path | None]]) -> None:
    """Write one input's outputs (None: stdout), all or none; a failure is an E012 on the file."""
    from nmdsl.cli.files import write_all_atomic
    from nmdsl.diagnostics import diag

    try:
        write_all_atomic([(dest, data) for data, dest in outputs if dest is not None])
    except OSError as exc:
        names = ", ".join(str(dest) for _, dest in outputs)
        why = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        file.diagnostics.append(diag("E012", f"cannot write {names}: {why}", file=file.file))
        return
    for data, dest in outputs:
        if dest is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
    file.written = [str(dest) if dest is not None else "-" for _, dest in outputs]


def _refuse_file_for_several(output: str | None, several: bool) -> None:
    if several and output is not None and output != "-" and os.path.isfile(output):
        raise click.UsageError(f"-o {output} is a file, but there are several outputs: give a folder")


def _plan(
    inputs: list[tuple[str, str | None]], output: str | None, suffixes: list[str], several: bool
) -> list[list[Path | None]]:
    """Where each (input, folder it was found in) goes, once per suffix; None is stdout.

    Two inputs must not write one output file (a/x.nm and b/x.nm into -o
    out/), nor an input its own output: both are usage errors.
    """
    seen: dict[str, str] = {}
    plan = []
    for path, root in inputs:
        dests = [_destination(path, output, suffix, several, root) for suffix in suffixes]
        for dest in dests:
            if dest is None:
                continue
            key = os.path.normcase(os.path.abspath(dest))
            if key in seen:
                raise click.UsageError(f"{seen[key]} and {path} would both be written to {dest}")
            if path != "-" and os.path.normcase(os.path.abspath(path)) == key:
                raise click.UsageError(f"{path} would be overwritten by its own output")
            seen[key] = path
        plan.append(dests)
    return plan


def _destination(
    path: str, output: str | None, suffix: str, several: bool, root: str | None = None
) -> Path | None:
    """Where one input's output goes; None means stdout.

    Into a folder, a file found in the folder argument ``root`` keeps its path
    below it (``root/a/b.nm`` -> ``out/a/b.zwo``); a file named itself goes to
    ``out/<its name>``.
    """
    from pathlib import Path

    if output == "-" or (output is None and path == "-"):
        return None
    if output is None:
        return Path(path).with_suffix(suffix)
    out = Path(output)
    if several or out.is_dir() or output.endswith(("/", os.sep)):
        if root is not None:
            rel = Path(path).relative_to(root)
        else:
            rel = Path("stdin" if path == "-" else Path(path).name)
        return out / rel.parent / (rel.stem + suffix)
    return out


def _write_atomic(dest: Path, data: bytes, keep_mode: bool = False) -> None:
    from nmdsl.cli.files import write_atomic

    write_atomic(dest, data, keep_mode)


# -- fmt ----------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; list the files that would change (exit 1 if any).",
)
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff of each change.")
@_ftp_option
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool, ftp_w: float | None) -> None:
    """Rewrite .nm files in the canonical layout, keeping comments and meaning.

    Folders are searched for *.nm recursively; '-' formats stdin to stdout.
    A file with errors is left alone and its errors are printed.
    """
    from nmdsl.api import _read_bytes
    from nmdsl.diagnostics import Report
    from nmdsl.language.fmt import FormatError, format_bytes, unified_diff
    from nmdsl.library import discover

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
        f"{_plural(changed, 'file')} {done}, {unchanged} {same}"
        + (f", {broken} with errors" if broken else ""),
        err=True,
    )
    sys.exit(1 if broken or (check_only and changed) else 0)


# -- import -------------------------------------------------------------------


@main.command(name="import")
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True)
)
@click.option(
    "--from",
    "from_format",
    metavar="FORMAT",
    help="What the inputs are: icu (intervals.icu text), woz (a whatsonzwift page's text), zwo, erg, mrc, "
    "fit. "
    "Default: by each file's suffix; .txt files and - (stdin) need it.",
)
@click.option("--name", help="The imported session's name. Default: the file's own, or the file's name.")
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output .nm file (one input), folder (several inputs) or - for stdout. "
    "Default: next to each input, with the suffix .nm; stdout for -.",
)
@_strict_option
def import_cmd(
    inputs: tuple[str, ...], from_format: str | None, name: str | None, output: str | None, strict: bool
) -> None:
    """Import workout files as nmdsl text: ZWO, ERG, MRC, FIT, intervals.icu or whatsonzwift text.

    \b
      nmdsl import session.zwo                 write session.nm
      nmdsl import --from icu plan.txt         intervals.icu's workout text
      nmdsl import --from icu - -o s.nm        paste the text, end with Ctrl-D
      nmdsl import --from woz page.txt         a whatsonzwift workout page's text
    """
    from nmdsl import formats
    from nmdsl.api import import_text, load

    if from_format is not None and from_format not in formats.readers():
        raise click.UsageError(f"--from {from_format}: nmdsl imports {', '.join(formats.readers())}")
    if "-" in inputs and from_format is None:
        raise click.UsageError("stdin ('-') has no suffix to tell its format: give --from (e.g. --from icu)")
    if inputs.count("-") > 1:
        raise click.UsageError("stdin ('-') can be read only once")
    _refuse_file_for_several(output, len(inputs) > 1)
    plan = _plan([(path, None) for path in inputs], output, [".nm"], len(inputs) > 1)
    failed = 0
    for path, (dest,) in zip(inputs, plan, strict=True):
        # A text format's diagnostics quote the line they are about.
        text = from_format is not None and formats.FORMATS[from_format].suffix == ".txt"
        if path == "-":
            assert from_format is not None
            raw = sys.stdin.buffer.read()
            result = import_text(raw, from_format, name=name, filename="<stdin>", strict=strict)
        else:
            raw = _small_file(path) if text else None
            result = load(path, format=from_format, name=name, strict=strict)
        shown = raw.decode("utf-8", errors="replace") if text and raw is not None else None
        _print_diagnostics(result.diagnostics, shown)
        if result.workout is None or result.source is None:
            failed += 1
            continue
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


def _small_file(path: str) -> bytes | None:
    """A file's bytes, to quote its lines; None when it cannot be read or is too large (load says why)."""
    from nmdsl.limits import MAX_FILE_BYTES

    try:
        if os.stat(path).st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


# -- schema -------------------------------------------------------------------


@main.command()
def schema() -> None:
    """Print the JSON Schema of the workout model (what -f json writes)."""
    import json

    from nmdsl.model import Workout

    click.echo(json.dumps(Workout.model_json_schema(), indent=2, sort_keys=True))


# -- lsp ----------------------------------------------------------------------


#: The packages of the ``lsp`` extra: without them ``nmdsl lsp`` says how to install them.
LSP_PACKAGES = frozenset({"pygls", "lsprotocol", "cattrs", "attrs"})


@main.command()
def lsp() -> None:
    """Run the language server for editors (over stdin and stdout).

    Editors start it themselves: see docs/editors.md. It needs the lsp extra:

    \b
      pip install 'nmdsl[lsp]'
    """
    try:
        from nmdsl.lsp.server import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in LSP_PACKAGES:
            raise
        raise click.ClickException(
            f"the language server needs {exc.name}, which is not installed: pip install 'nmdsl[lsp]'"
        ) from exc
    serve()


def _register_report_commands() -> None:
    from nmdsl.cli.report import plot_cmd, site_cmd, stats_cmd

    main.add_command(stats_cmd)
    main.add_command(plot_cmd)
    main.add_command(site_cmd)


_register_report_commands()


def _register_preview_command() -> None:
    from nmdsl.cli.preview import preview_cmd

    main.add_command(preview_cmd)


_register_preview_command()

if __name__ == "__main__":  # pragma: no cover
    main()
