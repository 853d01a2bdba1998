"""The preview's web server and file watcher.

Endpoints (all GET; the server binds 127.0.0.1 only and answers only
requests addressed to ``127.0.0.1`` or ``localhost``, so a web page from
elsewhere cannot read the file through a rebound host name):

=============================  ====================================================
``/`` (also ``/index.html``)   the page: the site's workout page, live
``/_preview/events``           server-sent events: the snapshot (JSON), at once and
                               after every change
``/_preview/state.json``       the current snapshot (JSON), for tools and tests
``/_preview/preview.js|.css``  the page's script and stylesheet
``/assets/style.css``          the site's stylesheet
``/SLUG.zwo`` … ``.fit``       the downloads of the last good version, from memory
``/SLUG.nm``, ``/SLUG.svg``    its source and its chart
=============================  ====================================================

The watcher (watchfiles) watches the file's folder, not the file: editors
save by writing another file and renaming it over the old one, which a
watch on the file itself would lose.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nmdsl.preview.snapshot import Preview, Snapshot

HOST = "127.0.0.1"
#: Seconds between two comments on an idle event stream (they find closed pages).
KEEPALIVE_S = 15.0
#: How long the watcher gathers the events of one save before the page is rebuilt.
DEBOUNCE_MS = 50


class PreviewError(Exception):
    """The preview cannot start (the command turns it into a usage error)."""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    # A port another process holds is refused, not shared (SO_REUSEADDR is
    # still fine on Linux for a port in TIME_WAIT).
    allow_reuse_address = True

    def __init__(self, preview: Preview, port: int = 0) -> None:
        self.preview = preview
        self.keepalive_s = KEEPALIVE_S
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                why = "is in use: choose another with --port, or 0 for a free one"
                raise PreviewError(f"port {port} {why}") from None
            if exc.errno == errno.EACCES:
                raise PreviewError(f"port {port} needs privileges: choose one above 1023") from None
            raise PreviewError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        self._watcher: Watcher | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def watch(self) -> Watcher:
        """Start watching the file in a thread; every change refreshes the preview."""
        self._watcher = Watcher(self.preview.path, self.preview.refresh)
        self._watcher.start()
        return self._watcher

    def stop(self) -> None:
        """Stop watching, end the event streams and close the socket (after ``serve_forever``)."""
        if self._watcher is not None:
            self._watcher.stop()
        self.preview.close()
        self.server_close()


def start(preview: Preview, port: int = 0) -> tuple[PreviewServer, threading.Thread]:
    """A server that watches the file and serves in a background thread (for tests and embedding)."""
    server = PreviewServer(preview, port)
    server.watch()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, thread


# -- watching ------------------------------------------------------------------------------


class Watcher:
    """Calls ``on_change`` after each change to ``path`` (made, written, replaced, removed).

    The folder is watched (not recursively) and its events filtered by name.
    Should the folder itself go away, the watcher waits for it to come back.
    """

    def __init__(self, path: Path, on_change: Callable[[], object]) -> None:
        self.path = Path(os.path.abspath(path))
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nmdsl-preview-watch", daemon=True)
        # The folders and names to watch: the path as given and, for a
        # symbolic link, the file it points to.
        real = Path(os.path.realpath(self.path))
        self._targets = {(self.path.parent, self.path.name), (real.parent, real.name)}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _wanted(self, _change: object, changed: str) -> bool:
        p = Path(changed)
        return (p.parent, p.name) in self._targets

    def _run(self) -> None:
        import watchfiles

        folders = sorted({str(folder) for folder, _ in self._targets})
        while not self._stop.is_set():
            present = [f for f in folders if os.path.isdir(f)]
            if not present:
                self._stop.wait(0.25)
                continue
            # Whatever happened before this watch began (the first start, a
            # folder that came back) is read now.
            self.on_change()
            # A change made while the watch was being set up has no event:
            # the first answer of the watch (a change or a timeout) reads the file again.
            fresh = True
            try:
                for changes in watchfiles.watch(
                    *present,
                    watch_filter=self._wanted,
                    debounce=DEBOUNCE_MS,
                    step=20,
                    stop_event=self._stop,
                    recursive=False,
                    raise_interrupt=False,
                    rust_timeout=500,
                    yield_on_timeout=True,
                ):
                    if changes or fresh:
                        self.on_change()
                        fresh = False
                    # An empty set is a timeout: are the folders all still there?
                    if [f for f in folders if os.path.isdir(f)] != present:
                        self.on_change()
                        break
            except (OSError, RuntimeError):  # the folder went away under the watch
                self.on_change()
                self._stop.wait(0.25)


# -- serving -------------------------------------------------------------------------------


def _asset(package: str, *parts: str) -> bytes:
    return resources.files(package).joinpath(*parts).read_bytes()


_STATIC: dict[str, tuple[str, str, str]] = {
    # path -> (package, file, content type)
    "/_preview/preview.js": ("nmdsl.preview", "assets/preview.js", "text/javascript; charset=utf-8"),
    "/_preview/preview.css": ("nmdsl.preview", "assets/preview.css", "text/css; charset=utf-8"),
    "/assets/style.css": ("nmdsl.library", "templates/assets/style.css", "text/css; charset=utf-8"),
}


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "nmdsl-preview"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is the editor's, not a log."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if not self._local_host():
            refusal = b"nmdsl preview answers only 127.0.0.1 and localhost\n"
            self._send(HTTPStatus.FORBIDDEN, refusal, head=head)
            return
        path = urlsplit(self.path).path
        preview = self.server.preview
        if path in ("/", "/index.html"):
            html = page(preview.snapshot).encode("utf-8")
            self._send(HTTPStatus.OK, html, "text/html; charset=utf-8", head)
        elif path == "/_preview/events":
            self._events(head)
        elif path == "/_preview/state.json":
            self._send(HTTPStatus.OK, _json(preview.snapshot.payload()), "application/json", head)
        elif path in _STATIC:
            package, name, kind = _STATIC[path]
            self._send(HTTPStatus.OK, _asset(package, *name.split("/")), kind, head)
        else:
            good = preview.snapshot.good
            found = good.files.get(path.lstrip("/")) if good and path.count("/") == 1 else None
            if found is None:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", head=head)
                return
            data, kind = found
            extra = {"Content-Disposition": f'attachment; filename="{path.lstrip("/")}"'}
            if path.endswith(".svg"):
                extra = {}  # the chart opens in the browser
            self._send(HTTPStatus.OK, data, kind, head, extra)

    def _local_host(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.port
        return host in {f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", "localhost"}

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        kind: str = "text/plain; charset=utf-8",
        head: bool = False,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        preview = self.server.preview
        try:
            # retry: how soon the page's EventSource reconnects after a restart.
            self.wfile.write(b"retry: 500\n\n")
            last, idle_since = -1, time.monotonic()
            while not preview.closed:
                snap = preview.wait(last, timeout=1.0)
                if preview.closed:
                    break
                if snap.version != last:
                    self.wfile.write(b"event: snapshot\ndata: " + _json(snap.payload()) + b"\n\n")
                    self.wfile.flush()
                    last, idle_since = snap.version, time.monotonic()
                elif time.monotonic() - idle_since >= self.server.keepalive_s:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    idle_since = time.monotonic()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the page was closed


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- the page ------------------------------------------------------------------------------

_page_template: Any = None


def page(snap: Snapshot) -> str:
    """The whole page for ``snap``: the shell, the last good content; the script shows the problems."""
    global _page_template
    if _page_template is None:
        import jinja2

        from nmdsl.library.site import environment

        _page_template = environment(jinja2.PackageLoader("nmdsl.preview", "templates")).get_template(
            "page.html"
        )
    from markupsafe import Markup

    good = snap.good
    return str(
        _page_template.render(
            title=(good.title if good else Path(snap.file).name),
            file=snap.file,
            state=snap.state,
            version=snap.version,
            html_version=snap.good_version,
            content=Markup(good.fragment) if good else None,
        )
    )
