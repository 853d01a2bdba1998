"""nmdsl preview: the snapshot, the HTTP endpoints, the event stream and the command.

The server runs in a thread on a free port of 127.0.0.1; the file is changed
the way editors save (written beside and renamed over, or removed). Waits for
the watcher are bounded by a generous deadline and never measured: a slow
machine makes a test slower, not red.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from nmdsl.api import check, emit
from nmdsl.cli import main
from nmdsl.preview.snapshot import Preview, slug

pytest.importorskip("watchfiles", reason="nmdsl preview watches files with watchfiles (the preview extra)")

from nmdsl.preview.server import PreviewServer, start

SESSION = """\
name: Preview test
ftp: 250

warmup 10m ramp 45%-70%
6x 30s @150% / 30s @50%
cooldown 5m @50%
"""

BROKEN = SESSION.replace("6x 30s @150%", "6x 30 @150%")
DEADLINE_S = 20.0


def save(path: Path, text: str) -> None:
    """As editors save: write a file beside it, then rename it over the old one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def eventually(condition: Callable[[], Any], what: str) -> Any:
    """Wait for ``condition`` to be true (bounded; the duration is not asserted)."""
    end = time.monotonic() + DEADLINE_S
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


class Client:
    def __init__(self, server: PreviewServer) -> None:
        self.port = server.port

    def get(
        self, path: str, host: str | None = None, method: str = "GET"
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE_S)
        try:
            headers = {"Host": host} if host is not None else {}
            conn.request(method, path, headers=headers)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def state(self) -> dict[str, Any]:
        status, _, body = self.get("/_preview/state.json")
        assert status == 200
        data: dict[str, Any] = json.loads(body)
        return data


@pytest.fixture
def session(tmp_path: Path) -> Path:
    path = tmp_path / "My Session.nm"
    path.write_text(SESSION, encoding="utf-8")
    return path


@pytest.fixture
def served(session: Path) -> Iterator[tuple[PreviewServer, Client]]:
    server, thread = start(Preview(session))
    try:
        yield server, Client(server)
    finally:
        server.shutdown()
        server.stop()
        thread.join(timeout=5)


# -- the snapshot (no server) ----------------------------------------------------------------


def test_a_good_file_gives_the_site_page_and_its_downloads(session: Path) -> None:
    snap = Preview(session).snapshot
    assert snap.state == "ok" and snap.problems == () and snap.version == snap.good_version == 1
    assert snap.good is not None and snap.good.title == "Preview test"
    fragment = snap.good.fragment
    assert "<h1>Preview test</h1>" in fragment and "<svg" in fragment
    for section in ("Numbers", "Neuromuscular", "Time in zones", "Downloads"):
        assert f"<h2>{section}</h2>" in fragment
    assert '<th scope="row">FTP</th><td>250 W</td>' in fragment
    assert sorted(snap.good.files) == [
        f"my-session{s}" for s in (".erg", ".fit", ".mrc", ".nm", ".svg", ".zwo")
    ]
    assert 'href="my-session.zwo"' in fragment


def test_a_refresh_that_changes_nothing_keeps_the_version(session: Path) -> None:
    live = Preview(session)
    assert live.refresh().version == 1
    session.write_text(SESSION, encoding="utf-8")  # saved again, same text
    assert live.refresh().version == 1
    save(session, SESSION.replace("ftp: 250", "ftp: 300"))
    snap = live.refresh()
    assert snap.version == snap.good_version == 2
    assert snap.good is not None and "<td>300 W</td>" in snap.good.fragment


def test_errors_keep_the_last_good_page(session: Path) -> None:
    live = Preview(session)
    good = live.snapshot.good
    save(session, BROKEN)
    snap = live.refresh()
    assert snap.state == "errors" and snap.errors >= 1
    assert snap.good is good and snap.good_version == 1 and snap.version == 2
    problem = next(p for p in snap.problems if p.severity == "error")
    assert (problem.line, problem.column) == (5, 4)
    assert problem.code.startswith("E") and problem.message and problem.hint
    assert "My Session.nm:5:4" in problem.text and "^" in problem.text and "hint" not in problem.text
    save(session, SESSION)
    fixed = live.refresh()
    assert fixed.state == "ok" and fixed.problems == () and fixed.good_version == 1  # same page as before


def test_a_failure_of_nmdsl_is_said_and_keeps_the_page(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nmdsl.analysis.metrics

    live = Preview(session)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(nmdsl.analysis.metrics, "stats", broken)
    save(session, SESSION.replace("ftp: 250", "ftp: 300"))
    snap = live.refresh()
    assert snap.state == "errors" and snap.problems == () and snap.good_version == 1
    assert (
        snap.message == "nmdsl failed on this version (ZeroDivisionError: division by zero): please report it"
    )
    monkeypatch.undo()
    assert live.refresh().state == "ok"


def test_errors_before_any_good_version_give_no_page(tmp_path: Path) -> None:
    path = tmp_path / "new.nm"
    path.write_text(BROKEN, encoding="utf-8")
    snap = Preview(path).snapshot
    assert snap.state == "errors" and snap.good is None and snap.good_version == 0
    assert snap.payload()["html"] is None


def test_a_missing_file_is_said_and_recovered_from(session: Path) -> None:
    live = Preview(session)
    session.unlink()
    snap = live.refresh()
    assert snap.state == "missing" and snap.message and "is not there" in snap.message
    assert snap.good is not None  # the last good page stays
    session.write_text(SESSION.replace("ftp: 250", "ftp: 275"), encoding="utf-8")
    back = live.refresh()
    assert back.state == "ok" and back.message is None
    assert back.good is not None and "<td>275 W</td>" in back.good.fragment


def test_an_unreadable_file_is_said(session: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = Preview(session)
    real_open = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == session:  # as chmod 0 would for anyone but root
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    snap = live.refresh()
    assert snap.state == "missing" and snap.message
    assert snap.message == f"{session} cannot be read (Permission denied): waiting for it to be readable"


def test_a_folder_in_place_of_the_file_is_said(session: Path) -> None:
    live = Preview(session)
    session.unlink()
    session.mkdir()
    snap = live.refresh()
    assert snap.state == "missing" and snap.message and "is a folder" in snap.message


def test_a_file_too_large_is_e009(session: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nmdsl.limits

    monkeypatch.setattr(nmdsl.limits, "MAX_FILE_BYTES", 10)
    snap = Preview(session).snapshot
    assert snap.state == "errors" and [p.code for p in snap.problems] == ["E009"]


def test_the_configuration_applies(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nmdsl]\nftp = 320\n", encoding="utf-8")
    path = tmp_path / "s.nm"
    path.write_text(SESSION.replace("ftp: 250\n", ""), encoding="utf-8")
    snap = Preview(path).snapshot
    assert snap.state == "ok" and snap.good is not None
    assert "<td>320 W</td>" in snap.good.fragment


def test_a_broken_configuration_is_shown(tmp_path: Path) -> None:
    (tmp_path / "nmdsl.toml").write_text("ftp = 'lots'\n", encoding="utf-8")
    path = tmp_path / "s.nm"
    path.write_text(SESSION, encoding="utf-8")
    snap = Preview(path).snapshot
    assert "E011" in [p.code for p in snap.problems]


SPRINTS = "name: Sprints\nftp: 250\n\n10x 10s max / 10s @50%\n"


def test_lints_and_disable_comments_apply_as_in_check(tmp_path: Path) -> None:
    from nmdsl.library import check_library

    path = tmp_path / "s.nm"
    path.write_text(SPRINTS, encoding="utf-8")
    expected = [d.code for f in check_library([str(path)], jobs=1).files for d in f.diagnostics]
    assert expected == ["W602", "W603"]
    snap = Preview(path).snapshot
    assert snap.state == "ok" and [p.code for p in snap.problems] == expected
    assert snap.good is not None and "<h2>Warnings</h2>" in snap.good.fragment
    path.write_text("# nmdsl: disable=W603\n" + SPRINTS, encoding="utf-8")
    assert [p.code for p in Preview(path).snapshot.problems] == ["W602"]


def test_slugs_are_the_sites() -> None:
    assert slug(Path("My Session.nm")) == "my-session"
    assert slug(Path("???.nm")) == "workout"


@settings(max_examples=25)
@given(st.text(alphabet=st.sampled_from(list('6x 30s@150%/:\nwarmupramp-5m#"ftp250Z2')), max_size=80))
def test_any_text_gives_a_page_or_its_problems(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("any") / "s.nm"
    path.write_text(text, encoding="utf-8")
    snap = Preview(path).snapshot
    json.dumps(snap.payload())  # always sendable
    expected = check(text.encode("utf-8"))
    if snap.state == "ok":
        assert snap.good is not None and expected.workout is not None
    else:
        assert snap.state == "errors" and snap.errors >= 1 and snap.good is None


# -- the server --------------------------------------------------------------------------------


def test_it_listens_on_127_0_0_1_only(served: tuple[PreviewServer, Client]) -> None:
    server, _ = served
    assert server.socket.getsockname()[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    # Nothing answers on the machine's other addresses at that port.
    try:
        addresses = socket.getaddrinfo(socket.gethostname(), server.port, type=socket.SOCK_STREAM)
    except socket.gaierror:  # a host name that does not resolve: only the socket's own address to check
        addresses = []
    for family, _, _, _, address in addresses:
        if address[0].startswith("127.") or address[0] == "::1":
            continue
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            assert s.connect_ex(address[:2]) != 0


def test_a_request_for_another_host_is_refused(served: tuple[PreviewServer, Client]) -> None:
    server, client = served
    status, _, body = client.get("/", host=f"attacker.example:{server.port}")
    assert status == 403 and b"only 127.0.0.1" in body
    assert client.get("/", host=f"localhost:{server.port}")[0] == 200


def test_the_page(served: tuple[PreviewServer, Client]) -> None:
    _, client = served
    status, headers, body = client.get("/")
    html = body.decode("utf-8")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Preview test · nmdsl preview</title>" in html
    assert '<main id="content" data-version="1">' in html and "<h1>Preview test</h1>" in html
    assert '<script src="/_preview/preview.js"></script>' in html
    assert client.get("/index.html")[2] == body
    for asset, kind in (
        ("/_preview/preview.js", "text/javascript"),
        ("/_preview/preview.css", "text/css"),
        ("/assets/style.css", "text/css"),
    ):
        status, headers, data = client.get(asset)
        assert status == 200 and headers["content-type"].startswith(kind) and len(data) > 500
    status, headers, data = client.get("/", method="HEAD")
    assert status == 200 and data == b"" and int(headers["content-length"]) == len(body)


def test_downloads_come_from_memory(served: tuple[PreviewServer, Client], session: Path) -> None:
    _, client = served
    workout = check(session.read_bytes(), filename=session.name).workout
    assert workout is not None
    for fmt, suffix in (("zwo", ".zwo"), ("fit", ".fit"), ("erg", ".erg"), ("mrc", ".mrc")):
        status, headers, data = client.get(f"/my-session{suffix}")
        assert status == 200 and data == emit(workout, fmt, filename=session.name).data
        assert headers["content-disposition"] == f'attachment; filename="my-session{suffix}"'
    assert client.get("/my-session.nm")[2] == session.read_bytes()
    status, headers, data = client.get("/my-session.svg")
    assert status == 200 and headers["content-type"] == "image/svg+xml" and data.startswith(b"<?xml")
    for path in ("/nothing.zwo", "/../My%20Session.nm", "/assets/../my-session.zwo", "/x/my-session.zwo"):
        assert client.get(path)[0] == 404, path


def read_event(stream: http.client.HTTPResponse) -> dict[str, Any]:
    """The next ``snapshot`` event of the stream (comments and other fields skipped)."""
    event, data = None, []
    while True:
        line = stream.readline().decode("utf-8")
        assert line, "the stream ended"
        line = line.rstrip("\n")
        if not line:
            if event == "snapshot" and data:
                payload: dict[str, Any] = json.loads("\n".join(data))
                return payload
            event, data = None, []
        elif line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])


def test_the_event_stream_sends_each_change(served: tuple[PreviewServer, Client], session: Path) -> None:
    server, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=DEADLINE_S)
    conn.request("GET", "/_preview/events")
    stream = conn.getresponse()
    try:
        assert stream.status == 200 and stream.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        first = read_event(stream)
        assert first["state"] == "ok" and "<td>250 W</td>" in first["html"]
        save(session, SESSION.replace("ftp: 250", "ftp: 280"))
        second = read_event(stream)
        assert second["version"] > first["version"] and second["html_version"] == second["version"]
        assert "<td>280 W</td>" in second["html"] and "<td>250 W</td>" not in second["html"]
        save(session, BROKEN)
        third = read_event(stream)
        assert third["state"] == "errors" and third["html_version"] == second["html_version"]
        assert third["html"] == second["html"]  # the last good page goes with the errors
        error = next(p for p in third["problems"] if p["severity"] == "error")
        assert set(error) == {"code", "severity", "line", "column", "message", "hint", "text"}
        assert (error["line"], error["column"]) == (5, 4) and error["hint"]
    finally:
        conn.close()


def test_the_stream_says_it_is_alive_when_idle(served: tuple[PreviewServer, Client]) -> None:
    server, _ = served
    server.keepalive_s = 0.0
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=DEADLINE_S)
    conn.request("GET", "/_preview/events")
    stream = conn.getresponse()
    try:
        read_event(stream)
        assert eventually(lambda: stream.readline().startswith(b": still here"), "a keep-alive comment")
    finally:
        conn.close()


def test_watching_follows_saves_removals_and_returns(
    served: tuple[PreviewServer, Client], session: Path
) -> None:
    _, client = served
    save(session, SESSION.replace("ftp: 250", "ftp: 260"))
    eventually(lambda: "<td>260 W</td>" in (client.state()["html"] or ""), "the saved FTP")
    session.unlink()
    state = eventually(lambda: (s := client.state())["state"] == "missing" and s, "the file's removal")
    assert "is not there" in state["message"] and "<td>260 W</td>" in state["html"]
    session.write_text(SESSION.replace("ftp: 250", "ftp: 265"), encoding="utf-8")
    eventually(lambda: "<td>265 W</td>" in (client.state()["html"] or ""), "the file's return")
    # A rename away and back, as some editors do.
    aside = session.with_name("aside.nm")
    os.replace(session, aside)
    eventually(lambda: client.state()["state"] == "missing", "the rename away")
    aside.write_text(SESSION.replace("ftp: 250", "ftp: 270"), encoding="utf-8")
    os.replace(aside, session)
    eventually(lambda: "<td>270 W</td>" in (client.state()["html"] or ""), "the rename back")
    assert client.state()["state"] == "ok"


def test_watching_survives_its_folder_going_away(tmp_path: Path) -> None:
    folder = tmp_path / "sessions"
    folder.mkdir()
    path = folder / "s.nm"
    path.write_text(SESSION, encoding="utf-8")
    server, thread = start(Preview(path))
    client = Client(server)
    try:
        os.replace(folder, tmp_path / "elsewhere")
        eventually(lambda: client.state()["state"] == "missing", "the folder's removal")
        folder.mkdir()
        path.write_text(SESSION.replace("ftp: 250", "ftp: 290"), encoding="utf-8")
        eventually(lambda: "<td>290 W</td>" in (client.state()["html"] or ""), "the folder's return")
    finally:
        server.shutdown()
        server.stop()
        thread.join(timeout=5)


def test_a_port_in_use_is_a_clear_error(session: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", str(session), "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port} is in use" in result.output


def test_the_command_needs_an_existing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(tmp_path / "none.nm"), "--no-browser"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_without_watchfiles_the_command_says_what_to_install(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import watchfiles now fails
    result = CliRunner().invoke(main, ["preview", str(session), "--no-browser"])
    assert result.exit_code == 1
    assert "pip install 'nmdsl[preview]'" in result.output


def test_the_command_prints_the_url_first_serves_it_and_stops_on_ctrl_c(session: Path) -> None:
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "nmdsl", "preview", str(session), "--no-browser", "--ftp", "200"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal, even where this test runs with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S)
        conn.request("GET", "/")
        body = conn.getresponse().read().decode("utf-8")
        conn.close()
        assert "<h1>Preview test</h1>" in body
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=DEADLINE_S) == 0
        assert proc.stdout.read() == ""  # the URL is all stdout says
        assert f"showing {session} at {url}" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=DEADLINE_S)


def test_without_no_browser_the_browser_opens_the_url(session: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    # webbrowser runs $BROWSER with the URL for %s: here a script that notes it.
    note = f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])"
    env = dict(os.environ, BROWSER=f'{sys.executable} -c "{note}" %s')
    proc = subprocess.Popen(
        [sys.executable, "-m", "nmdsl", "preview", str(session)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert eventually(
            lambda: opened.is_file() and opened.read_text() == url, "the browser opening the URL"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=DEADLINE_S)


def test_a_browser_that_cannot_open_is_said(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import webbrowser

    from nmdsl.cli.preview import _open_browser

    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    _open_browser("http://127.0.0.1:1/")
    assert "no browser could be opened; open http://127.0.0.1:1/ yourself" in capsys.readouterr().err
