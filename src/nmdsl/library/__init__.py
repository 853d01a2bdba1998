"""Checking a workout library: many files, configured, in parallel.

``check_library`` is what ``nmdsl check`` runs: for every ``.nm`` file it
parses and validates, compiles in memory to the configured formats, runs the
coaching lints, checks the required header keys, applies the file's
``# nmdsl: disable=CODE`` comments and the configured rule severities; then
it adds the library-wide checks (duplicate workout names, file names).

``nmdsl compile`` runs the same checks with a :class:`Build`: each file is
also compiled to the formats asked for, and the bytes come back in its
:class:`FileResult` for the command to write.

Files are independent: a broken file never stops the others.  Work is spread
over a process pool; results come back in the order of the sorted file list,
so the output is the same whatever ``jobs`` is.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nmdsl.diagnostics import (
    Diagnostic,
    Report,
    Severity,
    Span,
    cap_warnings,
    sort_diagnostics,
)
from nmdsl.library import codes as _codes  # noqa: F401  (registers the library's codes)
from nmdsl.library import config as config_mod
from nmdsl.library.config import Config
from nmdsl.limits import MAX_WARNINGS

if TYPE_CHECKING:
    from nmdsl.api import Result
    from nmdsl.formats.base import EmitOptions

#: Formats that can only carry bike sessions.
BIKE_ONLY_FORMATS = frozenset({"erg", "mrc"})
#: What ``check`` compiles to when the configuration names no targets:
#: every format that can carry the session ...
DEFAULT_TARGETS = ("zwo", "erg", "mrc", "fit")
#: ... where these errors mean "this format cannot carry this session" (ERG and
#: MRC need an FTP to convert %FTP to watts or back, and carry no run, distance
#: or pace).  Named in the configuration's ``targets``, a format must compile.
#: ZWO likewise needs an FTP for watts and a threshold pace for paces.
#: A lap or until step without ~D (E404, E455) is one such session: those
#: formats have no lap button and no heart-rate end.
CANNOT_CARRY = {
    "erg": frozenset({"E450", "E451", "E452", "E453", "E455"}),
    "mrc": frozenset({"E450", "E451", "E452", "E453", "E455"}),
    "zwo": frozenset({"E401", "E402", "E403", "E404"}),
}

DISABLE_RE = re.compile(r"#\s*nmdsl:\s*disable=([^#]*)")


@dataclass
class FileResult:
    """One file's outcome: its diagnostics (sorted) and the text to render them."""

    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source: str | None = None
    #: The workout's name, for the library-wide duplicate check.
    name: str | None = None
    #: Where the name is (set by the duplicate check, which is the one to need it).
    name_span: Span | None = None
    #: Codes silenced by ``# nmdsl: disable=...`` comments in the file.
    disabled: frozenset[str] = frozenset()
    #: With a :class:`Build`: the compiled bytes of each format asked for
    #: (every one of them, or none when the file has errors).
    outputs: dict[str, bytes] = field(default_factory=dict)
    #: The files ``nmdsl compile`` wrote for this one (set by the command).
    written: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass
class LibraryResult:
    files: list[FileResult]
    #: Problems with the configuration itself (E011).
    config_diagnostics: list[Diagnostic] = field(default_factory=list)
    #: What the files were compiled to (``nmdsl compile``); None for ``check``.
    build: Build | None = None

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files) + sum(1 for d in self.config_diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)


@dataclass(frozen=True)
class Build:
    """What ``nmdsl compile`` asks of every file besides checking it (picklable)."""

    #: The formats to write, in the order given.
    formats: tuple[str, ...]
    options: EmitOptions


@dataclass(frozen=True)
class Job:
    """Everything a worker process needs for one file (picklable)."""

    path: str
    config: Config
    ftp_w: float | None
    strict: bool
    #: The folder argument the file was found in; None for a file named itself.
    root: str | None = None
    build: Build | None = None


# -- finding files ----------------------------------------------------------------


def discover(paths: Iterable[str]) -> Iterator[tuple[str, Config, list[Diagnostic]]]:
    """(file, its config, config problems) for each file to check, in a stable order.

    A folder is searched for ``*.nm`` recursively (hidden folders skipped, the
    config's ``exclude`` globs honoured); a file named on the command line is
    always checked.
    """
    for path, _root, cfg, problems in discover_under(paths):
        yield path, cfg, problems


def discover_under(paths: Iterable[str]) -> Iterator[tuple[str, str | None, Config, list[Diagnostic]]]:
    """:func:`discover`, each file with the folder argument it was found in (None: named itself)."""
    configs: dict[Path | None, tuple[Config, list[Diagnostic]]] = {}

    def config_for(p: str) -> tuple[Config, list[Diagnostic]]:
        where = config_mod.find(Path(p)) if p != "-" else config_mod.find(Path.cwd())
        if where not in configs:
            report = Report(file=str(where))
            cfg = config_mod.load(where, report) if where is not None else Config()
            configs[where] = (cfg, report.items)
            return configs[where]
        return (configs[where][0], [])

    for p in paths:
        cfg, problems = config_for(p)
        if p != "-" and os.path.isdir(p):
            found = False
            for f in _nm_files(Path(p), cfg):
                yield str(f), p, cfg, [] if found else problems
                found = True
            if not found:
                yield "", p, cfg, problems  # nothing to check, but say what is wrong with the config
        else:
            yield p, None, cfg, problems


def _nm_files(folder: Path, cfg: Config) -> Iterator[Path]:
    """The ``.nm`` files under ``folder`` in ``sorted()`` order, found as they are needed.

    Entries are visited name by name, files and folders together, which is the
    order of sorted paths; hidden entries and symlinked folders are skipped
    (as ``rglob`` does the latter).  Lazily, so checking can start before a
    large library has been listed.
    """
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        path = folder / name
        if _is_nm_name(name) and path.is_file() and not _excluded(path, cfg):
            yield path
        try:
            descend = entry.is_dir() and not entry.is_symlink()
        except OSError:
            descend = False
        if descend:
            yield from _nm_files(path, cfg)


#: Whether a name matches ``*.nm`` the way ``Path.rglob`` matches it.
def _is_nm_name(name: str) -> bool:
    # Windows and macOS file systems are usually case-insensitive: X.NM is a session there.
    return name.endswith(".nm") if os.name == "posix" else name.lower().endswith(".nm")


def _excluded(path: Path, cfg: Config) -> bool:
    if not cfg.exclude or cfg.root is None:
        return False
    try:
        rel = path.resolve().relative_to(cfg.root.resolve()).as_posix()
    except ValueError:
        return False
    return any(fnmatch.fnmatch(rel, pattern) for pattern in cfg.exclude)


# -- one file ----------------------------------------------------------------------


def check_one(job: Job, stdin: bytes | None = None) -> FileResult:
    """Check one file completely (runs in a worker process)."""
    from nmdsl.api import check, check_file

    ftp_w = job.ftp_w if job.ftp_w is not None else job.config.ftp_w
    if job.path == "-":
        result = check(stdin or b"", filename="<stdin>", ftp_w=ftp_w)
    else:
        result = check_file(job.path, ftp_w=ftp_w)
    return _finish(job, result)


def check_text(job: Job, text: str, checked: Result | None = None) -> tuple[FileResult, Result]:
    """:func:`check_one` for the file at ``job.path`` as ``text`` says it is (an editor's unsaved buffer).

    The diagnostics are those ``nmdsl check`` gives once the text is saved;
    the :class:`~nmdsl.api.Result` beside them holds the workout.
    ``checked``: what :func:`nmdsl.check` already said of this text (with
    the same FTP), so that it is not parsed again.
    """
    from nmdsl.api import check

    ftp_w = job.ftp_w if job.ftp_w is not None else job.config.ftp_w
    result = checked if checked is not None else check(text, filename=job.path, ftp_w=ftp_w)
    return _finish(job, result), result


def _finish(job: Job, result: Result) -> FileResult:
    """The compiles, lints, required keys, disable comments and rules of :func:`check_one`."""
    cfg = job.config
    diagnostics = list(result.diagnostics)
    out = FileResult(result.file, source=result.source)
    workout = result.workout
    if workout is not None:
        out.name = workout.meta.name
        found, out.outputs = _compile_all(workout, cfg, result.file, job.build)
        diagnostics += found
        diagnostics += _lints(workout, cfg, result.file)
        diagnostics += _required(workout, cfg, result.file)
    if cfg.file_name_pattern and job.path != "-":
        stem = Path(job.path).stem
        if not re.search(cfg.file_name_pattern, stem):
            diagnostics.append(
                _diag(
                    "W702",
                    f"the file name '{stem}' does not match the pattern {cfg.file_name_pattern!r}",
                    result.file,
                    None,
                    f"rename the file (pattern from {cfg.path})",
                )
            )
    out.disabled, problems = disable_comments(result.source or "", result.file)
    diagnostics = [d for d in diagnostics if d.is_error or d.code not in out.disabled] + problems
    out.diagnostics = cap_warnings(sort_diagnostics(apply_rules(diagnostics, cfg, strict=job.strict)))
    if not out.ok:
        out.outputs = {}
    if not out.diagnostics and job.path != "-":
        # The text is for rendering diagnostics; a clean file's is not kept
        # (nor sent back from a worker).  A library-wide W701 reads it again.
        out.source = None
    return out


def _diag(code: str, message: str, file: str, span: Span | None, hint: str | None = None) -> Diagnostic:
    report = Report(file=file)
    report.add(code, message, span, hint)
    return report.items[0]


def targets_for(sport: str, cfg: Config) -> list[str]:
    wanted = cfg.targets if cfg.targets is not None else DEFAULT_TARGETS
    return [t for t in wanted if not (sport != "bike" and t in BIKE_ONLY_FORMATS)]


def _compile_all(
    workout: object, cfg: Config, file: str, build: Build | None = None
) -> tuple[list[Diagnostic], dict[str, bytes]]:
    """Compile in memory to the configured targets, and with a build to its formats too.

    ``check`` compiles to every format that can carry the session unless the
    configuration names ``targets``; ``compile`` to the formats asked for and
    the configured ``targets``, and keeps the bytes of the formats asked for.
    As in ``targets``, ERG and MRC are asked of bike sessions only, unless
    they are all that was asked for (then a run is an error, E451).
    """
    from nmdsl.api import emit
    from nmdsl.diagnostics import NmdslError
    from nmdsl.model import Workout

    assert isinstance(workout, Workout)
    wanted: list[str] = []
    if build is not None:
        sport = workout.meta.sport
        wanted = [f for f in build.formats if sport == "bike" or f not in BIKE_ONLY_FORMATS] or list(
            build.formats
        )
    targets = targets_for(workout.meta.sport, cfg) if build is None or cfg.targets is not None else []
    formats = [*wanted, *(t for t in targets if t not in wanted)]
    # check says which format a problem is about; compile only when it is asked for several.
    tag = build is None or len({*build.formats, *formats}) > 1
    found: list[Diagnostic] = []
    outputs: dict[str, bytes] = {}
    seen: set[tuple[str, str, int, int]] = set()
    for fmt in formats:
        try:
            out = emit(workout, fmt, filename=file, options=build.options if build is not None else None)
            diagnostics = out.diagnostics
            if fmt in wanted:
                outputs[fmt] = out.data
        except NmdslError as exc:
            diagnostics = exc.diagnostics
            # A default target that cannot carry the session is skipped; one
            # asked for or configured must compile.
            unnamed = fmt not in wanted and cfg.targets is None
            if unnamed and {d.code for d in diagnostics if d.is_error} <= CANNOT_CARRY.get(fmt, set()):
                continue
        for d in diagnostics:
            # What a format loses (a ramp as steps in FIT, a range as its middle
            # in ERG) is compile's news, not a library problem: check reports
            # it only when the configuration asks for that code by name.
            if not d.is_error and d.code not in cfg.rules and fmt not in wanted:
                continue
            # Say which format a problem is about, once per message and place.
            key = (d.code, d.message, d.span.line if d.span else 0, d.span.column if d.span else 0)
            if key in seen:
                continue
            seen.add(key)
            found.append(d.model_copy(update={"message": f"{d.message} [{fmt}]"}) if tag else d)
    return found, outputs


def _lints(workout: object, cfg: Config, file: str) -> list[Diagnostic]:
    from nmdsl.analysis.lint import LintSettings, lint
    from nmdsl.model import Workout

    assert isinstance(workout, Workout)
    # The configuration was validated when it was loaded (E011 otherwise).
    return lint(workout, LintSettings.from_config(cfg.lint), filename=file)


def _header_span(source: str, key: str) -> Span | None:
    from nmdsl.source import iter_lines

    prefix = f"{key}:"
    if prefix not in source:
        return None
    for number, line in enumerate(iter_lines(source), start=1):
        if line.startswith(prefix):
            return Span.point(number, 1, len(key))
    return None


def _required(workout: object, cfg: Config, file: str) -> list[Diagnostic]:
    from nmdsl.model import Workout

    assert isinstance(workout, Workout)
    if not cfg.required:
        return []
    meta = workout.meta
    present: dict[str, Callable[[], object]] = {
        "name": lambda: meta.name,
        "author": lambda: meta.author,
        "description": lambda: meta.description,
        "sport": lambda: meta.span_of("sport"),
        "tags": lambda: meta.tags or None,
        "ftp": lambda: meta.span_of("ftp"),  # not a --ftp or configured default
        "threshold-pace": lambda: meta.threshold_pace,
        "lthr": lambda: meta.lthr_bpm,
        "max-hr": lambda: meta.max_hr_bpm,
        "pmax": lambda: meta.pmax_w,
        "vmax": lambda: meta.vmax,
    }
    return [
        _diag(
            "E107",
            f"the header has no '{key}:', which this library requires",
            file,
            Span.point(1, 1),
            f"add a '{key}: ...' line at the top (required by {cfg.path})",
        )
        for key in cfg.required
        if not (key in present and present[key]())
    ]


_W103_HINT = "see docs/diagnostics.md and docs/lints.md for the codes"


def disable_comments(source: str, file: str) -> tuple[frozenset[str], list[Diagnostic]]:
    """The codes a file silences with ``# nmdsl: disable=W601,W602``, and W103s.

    After MAX_WARNINGS - 1 W103s, one more counts the rest (where the first
    of them is), so a file with such a comment on every line stays cheap.
    """
    from nmdsl.language.lexer import strip_comment
    from nmdsl.library.codes import all_codes
    from nmdsl.source import iter_lines

    disabled: set[str] = set()
    problems: list[Diagnostic] = []
    more, first_more = 0, None
    codes = None
    if "nmdsl:" not in source:
        return frozenset(), problems
    for number, line in enumerate(iter_lines(source), start=1):
        if "nmdsl:" not in line:
            continue
        m = DISABLE_RE.match(line, len(strip_comment(line)))
        if m is None:
            continue
        codes = codes or all_codes()
        col = m.start(1) + 1
        for part in m.group(1).split(","):
            code = part.strip()
            if code and code in codes and codes[code].severity is not Severity.ERROR:
                disabled.add(code)
            elif code:
                if len(problems) == MAX_WARNINGS - 1:
                    more += 1
                    if first_more is None:
                        first_more = Span.point(number, col + len(part) - len(part.lstrip()), len(code))
                else:
                    span = Span.point(number, col + len(part) - len(part.lstrip()), len(code))
                    why = (
                        "is an error: errors cannot be disabled"
                        if code in codes
                        else "is not a diagnostic code"
                    )
                    problems.append(_diag("W103", f"'{code}' {why}", file, span, _W103_HINT))
            col += len(part) + 1
    if more:
        problems.append(
            _diag(
                "W103",
                f"{more:,} more codes in disable comments, from here on, "
                "are not diagnostic codes or are errors",
                file,
                first_more,
                _W103_HINT,
            )
        )
    return frozenset(disabled), problems


def apply_rules(diagnostics: list[Diagnostic], cfg: Config, *, strict: bool) -> list[Diagnostic]:
    """Configured severities (off / warning / error), then ``--strict``."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        level = cfg.rules.get(d.code)
        if level == "off":
            continue
        if level == "error" or (strict and not d.is_error):
            d = d.model_copy(update={"severity": Severity.ERROR})
        out.append(d)
    return out


# -- the whole library --------------------------------------------------------------


def check_library(
    paths: Sequence[str],
    *,
    ftp_w: float | None = None,
    strict: bool = False,
    jobs: int | None = None,
    stdin: bytes | None = None,
) -> LibraryResult:
    """Check every file under ``paths``; the result is in a stable order."""
    config_problems: list[Diagnostic] = []
    work = library_jobs(paths, config_problems, ftp_w=ftp_w, strict=strict)
    return run_jobs(work, config_problems, jobs=jobs, stdin=stdin)


def library_jobs(
    paths: Sequence[str],
    config_problems: list[Diagnostic],
    *,
    ftp_w: float | None = None,
    strict: bool = False,
    build: Build | None = None,
) -> Iterator[Job]:
    """A :class:`Job` for each file under ``paths``, as the folders are listed.

    Problems with the configurations found on the way (E011) are added to
    ``config_problems``.
    """
    for path, root, cfg, problems in discover_under(paths):
        config_problems.extend(problems)
        if path:
            yield Job(path, cfg, ftp_w, strict, root, build)


def run_jobs(
    work: Iterable[Job],
    config_problems: list[Diagnostic],
    *,
    jobs: int | None = None,
    stdin: bytes | None = None,
    build: Build | None = None,
) -> LibraryResult:
    """Run the jobs (in parallel), then the library-wide checks; results in the jobs' order."""
    done: list[Job] = []

    def taken() -> Iterator[Job]:
        for job in work:
            done.append(job)
            yield job

    results = _run(taken(), jobs, stdin)
    _library_wide(results, done)
    # ``config_problems`` is complete now that ``work`` has been gone through.
    return LibraryResult(results, config_problems, build)


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run(work: Iterable[Job], jobs: int | None, stdin: bytes | None) -> list[FileResult]:
    # The work is CPU-bound: more processes than CPUs would only add memory
    # (each holds the parser and the backends) and switching.
    jobs = min(jobs or usable_cpus(), usable_cpus())
    todo = iter(work)
    head = list(itertools.islice(todo, 512))
    # A pool costs tens of milliseconds to start: worth it only for many files.
    if jobs <= 1 or len(head) < 8 * jobs:
        return [check_one(j, stdin) for j in itertools.chain(head, todo)]
    from concurrent.futures import Future, ProcessPoolExecutor

    # This process is one of the ``jobs``: it checks chunks itself between
    # keeping jobs - 1 workers fed, so there is one process fewer to hold the
    # parser and the backends, and its results need no pickling.  Checking the
    # first file here first also means forked workers start with everything
    # imported and the grammar loaded.  Files are taken as the folders are
    # listed: checking starts before a large library has been listed.
    results: list[list[FileResult]] = [[check_one(head[0], stdin)]]
    size = max(1, min(32, len(head) // (jobs * 8)))
    workers = jobs - 1
    pending: dict[int, Future[list[FileResult]]] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk in _chunks(itertools.chain(head[1:], todo), size):
            index = len(results)
            results.append([])
            # Two chunks in flight per worker (one running, one waiting); the
            # next one is this process's.
            if len(pending) < 2 * workers:
                pending[index] = pool.submit(_check_chunk, chunk, stdin)
            else:
                results[index] = _check_chunk(chunk, stdin)
            for i in [i for i, f in pending.items() if f.done()]:
                results[i] = pending.pop(i).result()
        for i, f in pending.items():
            results[i] = f.result()
    return [r for chunk in results for r in chunk]


def _chunks(jobs: Iterator[Job], size: int) -> Iterator[list[Job]]:
    while chunk := list(itertools.islice(jobs, size)):
        yield chunk


def _check_chunk(jobs: list[Job], stdin: bytes | None) -> list[FileResult]:
    return [check_one(job, stdin) for job in jobs]


def _library_wide(results: list[FileResult], work: list[Job]) -> None:
    by_name: dict[str, list[FileResult]] = {}
    for r in results:
        if r.name:
            by_name.setdefault(r.name.casefold(), []).append(r)
    cfg_of = {j.path: j.config for j in work}
    strict = any(j.strict for j in work)
    for same in by_name.values():
        if len(same) < 2:
            continue
        for r in same:
            if r.source is None:
                r.source = _read_source(r.file)
            if r.name_span is None:
                r.name_span = _header_span(r.source or "", "name")
            others = [o.file for o in same if o is not r]
            d = _diag(
                "W701",
                f"another file has the workout name {r.name!r}: {', '.join(others)}",
                r.file,
                r.name_span,
                "give every workout in the library its own name",
            )
            if d.code in r.disabled:
                continue
            cfg = cfg_of.get(r.file, Config())
            r.diagnostics = sort_diagnostics(r.diagnostics + apply_rules([d], cfg, strict=strict))


def _read_source(path: str) -> str | None:
    """A checked file's text again, as ``check`` decoded it (None if it is gone or changed)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
