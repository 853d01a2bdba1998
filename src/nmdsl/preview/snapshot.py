"""What the preview page shows of one file, as it is now (no HTTP here).

:class:`Preview` holds the current :class:`Snapshot` and makes a new one
each time :meth:`Preview.refresh` is called (the server calls it when the
file changes).  A snapshot keeps the **last good** workout, the page's
content and its downloads, even while the file has errors or is missing,
so the page can show the problems over the chart instead of going blank.

The file is checked as ``nmdsl check`` checks it: the ``[tool.nmdsl]`` or
``nmdsl.toml`` found upward from it applies (its ``ftp``, rule severities,
lints), and so do ``# nmdsl: disable=`` comments.  The FTP is the header's,
else ``--ftp``, else the configuration's, as in ``nmdsl site``.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nmdsl.analysis.metrics import StatsOptions

State = Literal["ok", "errors", "missing"]

#: The content types of what the page offers for download, by file suffix.
CONTENT_TYPES = {
    ".zwo": "application/xml; charset=utf-8",
    ".erg": "text/plain; charset=utf-8",
    ".mrc": "text/plain; charset=utf-8",
    ".fit": "application/vnd.ant.fit",
    ".nm": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Problem:
    """One diagnostic as the page shows it (line and column 1-based; 0: none)."""

    code: str
    severity: str
    line: int
    column: int
    message: str
    hint: str | None
    #: As ``nmdsl check`` prints it, less the hint (shown apart): the message, the line and a caret.
    text: str

    def as_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "text": self.text,
        }


@dataclass(frozen=True)
class Good:
    """The page of a version of the file that compiled: its HTML and its downloads."""

    title: str
    #: The inside of the page's ``<main>``: the site's workout page.
    fragment: str
    #: name -> (bytes, content type): the compiled files, the source and the chart.
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    version: int
    state: State
    file: str
    problems: tuple[Problem, ...] = ()
    #: Why there is nothing to check (``missing``): the file is gone or unreadable.
    message: str | None = None
    good: Good | None = None
    #: The version the good page was made at (0: none yet); the page replaces
    #: its content only when this changes.
    good_version: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    def payload(self) -> dict[str, Any]:
        """What the page receives (JSON): everything but the downloads' bytes."""
        return {
            "version": self.version,
            "state": self.state,
            "file": self.file,
            "message": self.message,
            "problems": [p.as_data() for p in self.problems],
            "title": self.good.title if self.good else None,
            "html": self.good.fragment if self.good else None,
            "html_version": self.good_version,
        }


class Preview:
    """The current snapshot of one file, renewed by :meth:`refresh` (thread-safe).

    Readers wait for a newer one with :meth:`wait`; a refresh that finds
    nothing new (same problems, same page) keeps the version, so a save that
    changes nothing the page shows sends nothing.
    """

    def __init__(self, path: str | os.PathLike[str], options: StatsOptions | None = None) -> None:
        self.path = Path(path)
        self.options = options or StatsOptions()
        self._renderer = _Renderer(self.path, self.options)
        self._cond = threading.Condition()
        self._closed = False
        self._snapshot = Snapshot(0, "missing", str(self.path), message="not read yet")
        self.refresh()

    @property
    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot

    def refresh(self) -> Snapshot:
        """Read and check the file again; publish a new snapshot if the page would change."""
        try:
            state, message, problems, good = self._renderer.render()
        except Exception as exc:  # a bug of nmdsl's must not stop the preview: say it, keep the last page
            why = f"{type(exc).__name__}: {exc}"
            state, message, problems, good = (
                "errors",
                f"nmdsl failed on this version ({why}): please report it",
                (),
                None,
            )
        with self._cond:
            old = self._snapshot
            same_good = good is None or (old.good is not None and _same_good(old.good, good))
            if (state, message, problems) == (old.state, old.message, old.problems) and same_good:
                return old
            version = old.version + 1
            new = Snapshot(
                version,
                state,
                old.file,
                problems,
                message,
                good=old.good if same_good else good,
                good_version=old.good_version if same_good else version,
            )
            self._snapshot = new
            self._cond.notify_all()
            return new

    def wait(self, after: int, timeout: float) -> Snapshot:
        """The current snapshot once its version is not ``after`` (or when ``timeout`` passes)."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._snapshot.version != after, timeout)
            return self._snapshot

    def close(self) -> None:
        """Wake every waiter (the server is stopping)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


def _same_good(a: Good, b: Good) -> bool:
    return a.title == b.title and a.fragment == b.fragment and a.files == b.files


def slug(path: Path) -> str:
    """The download names' stem, as the site makes a workout's slug."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "workout"


class _Renderer:
    """Turns the file, as it is now, into (state, message, problems, good page or None)."""

    def __init__(self, path: Path, options: StatsOptions) -> None:
        from nmdsl.library.site import environment

        self.path = path
        self.options = options
        self.slug = slug(path)
        self._template = environment().get_template("workout.html")

    def render(self) -> tuple[State, str | None, tuple[Problem, ...], Good | None]:
        from nmdsl.api import check
        from nmdsl.diagnostics import Report
        from nmdsl.library import Job, check_one, discover
        from nmdsl.limits import MAX_FILE_BYTES

        name = self.path.name
        try:
            with self.path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                # One read: the check, the chart and the downloads are all of the same text.
                data = f.read(MAX_FILE_BYTES + 1) if size <= MAX_FILE_BYTES else b""
        except FileNotFoundError:
            why = "is not there (deleted or renamed?): waiting for it to come back"
            return "missing", f"{self.path} {why}", (), None
        except IsADirectoryError:
            return "missing", f"{self.path} is a folder, not a .nm file: waiting for a file", (), None
        except OSError as exc:
            why = exc.strerror or str(exc)
            return "missing", f"{self.path} cannot be read ({why}): waiting for it to be readable", (), None
        if size > MAX_FILE_BYTES:
            report = Report(file=name)
            report.add("E009", f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            return "errors", None, tuple(_problem(d, None) for d in report.items), None
        _, cfg, config_problems = next(iter(discover([str(self.path)])))
        # As nmdsl check checks it (configuration, lints, disable comments), from the bytes read above.
        checked = check_one(Job("-", cfg, self.options.ftp_w, strict=False), stdin=data)
        source = checked.source or ""
        diagnostics = list(config_problems)
        diagnostics += [d.model_copy(update={"file": name}) for d in checked.diagnostics]
        problems = tuple(_problem(d, source) for d in diagnostics)
        if not checked.ok or any(d.is_error for d in config_problems):
            return "errors", None, problems, None
        ftp_w = self.options.ftp_w if self.options.ftp_w is not None else cfg.ftp_w
        result = check(data, filename=name, ftp_w=ftp_w)
        if result.workout is None:  # pragma: no cover - check_one found no error in the same bytes
            return "errors", None, problems, None
        # The page lists every problem nmdsl check finds (lints too), not only the language's.
        result.diagnostics, result.source = diagnostics, source
        return "ok", None, problems, self._page(result, data)

    def _page(self, result: Any, data: bytes) -> Good:
        from nmdsl.analysis.metrics import stats
        from nmdsl.analysis.plot import render_svg
        from nmdsl.library.site import Entry, workout_context

        workout = result.workout
        entry = Entry(result.file, self.path, self.slug, result)
        entry.stats = st = stats(workout, self.options)
        files: dict[str, tuple[bytes, str]] = {f"{self.slug}.nm": (data, CONTENT_TYPES[".nm"])}
        chart = render_svg(workout, self.options, workout_stats=st)
        files[f"{self.slug}.svg"] = (chart, CONTENT_TYPES[".svg"])
        entry.downloads = _downloads(entry, files)
        context = workout_context(entry, self.options)
        fragment = "".join(self._template.blocks["main"](self._template.new_context(context)))
        return Good(context["title"], fragment, files)


def _downloads(entry: Any, files: dict[str, tuple[bytes, str]]) -> list[Any]:
    """The site's downloads of ``entry``, their bytes kept in ``files`` instead of on disk."""
    from nmdsl.api import emit
    from nmdsl.diagnostics import NmdslError
    from nmdsl.library.site import FORMATS, Download

    workout = entry.workout
    out = []
    for fmt, label, purpose in FORMATS:
        d = Download(fmt, label, purpose)
        out.append(d)
        try:
            output = emit(workout, fmt, ftp_w=None, filename=entry.file)
        except NmdslError as exc:
            errors = [x for x in exc.diagnostics if x.is_error] or exc.diagnostics
            d.reason = "; ".join(f"{x.message} ({x.code})" for x in errors)
            continue
        name = f"{entry.slug}{output.suffix}"
        files[name] = (output.data, CONTENT_TYPES.get(output.suffix, "application/octet-stream"))
        d.href, d.size = name, len(output.data)
        d.notes = list(dict.fromkeys(f"{x.message} ({x.code})" for x in output.diagnostics))
    return out


def _problem(d: Any, source: str | None) -> Problem:
    from nmdsl.diagnostics import render

    span = d.span
    text = render(d.model_copy(update={"hint": None}), source)
    return Problem(
        d.code,
        d.severity.value,
        span.line if span else 0,
        span.column if span else 0,
        d.message,
        d.hint,
        text,
    )
