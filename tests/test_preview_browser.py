"""nmdsl preview in a real browser: Debian's headless Chromium, driven by Playwright.

Open the page, scroll, change the file: the chart and the numbers change and
the scroll position stays. Break the file: the errors show over the last
good chart. Fix it: they go. The system's chromium is used, never a browser
that Playwright downloads; without it (or without playwright) the test skips.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("watchfiles", reason="nmdsl preview watches files with watchfiles (the preview extra)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")

from nmdsl.api import check  # noqa: E402
from nmdsl.preview.server import start  # noqa: E402
from nmdsl.preview.snapshot import Preview  # noqa: E402

from .conftest import PATHS  # noqa: E402

CHROMIUM = os.environ.get("NMDSL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Bounds every wait for the page (ms); the durations are not asserted.
WAIT_MS = 20_000

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it where it can)",
)

SESSION = """\
name: Browser test
tags: vo2max, test
ftp: 250

warmup 10m ramp 45%-70%
6x 30s @150% / 30s @50%
cooldown 5m @50%
"""


FTP_JS = """() => {
  const rows = [...document.querySelectorAll('.numbers tr')];
  const row = rows.find(r => r.querySelector('th').textContent === 'FTP');
  return row ? row.querySelector('td').textContent : '';
}"""


def save(path: Path, text: str) -> None:
    """As editors save: write beside, rename over."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        except sync_api.Error as exc:  # pragma: no cover - a chromium that cannot start here
            pytest.skip(f"chromium at {CHROMIUM} does not start: {str(exc).splitlines()[0]}")
        try:
            yield b
        finally:
            b.close()


def test_the_page_follows_the_file(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "session.nm"
    path.write_text(SESSION, encoding="utf-8")
    server, thread = start(Preview(path))
    try:
        page = browser.new_page(viewport={"width": 1000, "height": 600})
        page.goto(server.url)
        page.wait_for_selector("#status.live", timeout=WAIT_MS)
        def ftp() -> str:
            """The FTP row of the page's numbers: it depends on the file."""
            text: str = page.evaluate(FTP_JS)
            return text

        assert ftp() == "250 W"
        chart_before = page.inner_html("figure.chart svg")

        # A tag leads nowhere here (on the site: to the index filtered by it).
        page.evaluate("window.notReloaded = true")
        page.click(".tags a.tag")
        assert page.evaluate("window.notReloaded") is True and page.url == server.url

        page.evaluate("window.scrollTo(0, 420)")
        assert page.evaluate("window.scrollY") == 420

        # A change: the numbers and the chart follow, the page is not reloaded, the scroll stays.
        save(path, SESSION.replace("ftp: 250", "ftp: 300").replace("6x 30s", "8x 40s"))
        page.wait_for_function(
            "() => [...document.querySelectorAll('.numbers td')].some(td => td.textContent === '300 W')",
            timeout=WAIT_MS,
        )
        assert page.inner_html("figure.chart svg") != chart_before
        assert page.evaluate("window.notReloaded") is True
        assert page.evaluate("window.scrollY") == 420
        assert page.is_hidden("#problems")

        # Broken: the error shows, over the last good chart, which stays.
        save(path, SESSION.replace("6x 30s @150%", "6x 30 @150%"))
        page.wait_for_selector("#problems li.problem.error", timeout=WAIT_MS)
        error = page.locator("#problems li.problem.error").first
        expected = check(path.read_bytes()).errors[0].code
        assert error.locator(".code").inner_text() == expected == error.get_attribute("data-code")
        assert "line 6, column 4" in error.locator(".where").inner_text()
        assert error.locator(".hint").inner_text().startswith("hint: ")
        assert page.evaluate("document.body.dataset.state") == "errors"
        assert page.is_visible("figure.chart svg") and ftp() == "300 W"
        assert page.evaluate("window.scrollY") == 420
        # Fixed: the panel is in view although the page is scrolled.
        box = page.locator("#problems").bounding_box()
        assert box is not None and 0 <= box["y"] <= 10

        # Fixed: the errors go, the page is current again.
        save(path, SESSION.replace("ftp: 250", "ftp: 310"))
        page.wait_for_selector("#problems", state="hidden", timeout=WAIT_MS)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.numbers td')].some(td => td.textContent === '310 W')",
            timeout=WAIT_MS,
        )
        assert page.evaluate("document.body.dataset.state") == "ok"
        assert page.evaluate("window.notReloaded") is True

        # Deleted: a clear message; back: the page recovers.
        path.unlink()
        page.wait_for_selector("#problems:has-text('is not there')", timeout=WAIT_MS)
        path.write_text(SESSION, encoding="utf-8")
        page.wait_for_selector("#problems", state="hidden", timeout=WAIT_MS)
        assert ftp() == "250 W"
    finally:
        server.shutdown()
        server.stop()
        thread.join(timeout=5)


def test_screenshots(
    browser: Any, tmp_path: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page as it is and with an error over its chart (``--update-goldens``: into docs/img/)."""
    monkeypatch.chdir(tmp_path)  # the page names the file as given: 30-30s.nm
    path = Path("30-30s.nm")
    good = (PATHS.examples / "30-30s.nm").read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    server, thread = start(Preview(path))
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(server.url)
        page.wait_for_selector("#status.live", timeout=WAIT_MS)
        shots = {"preview.png": page.screenshot()}
        save(path, good.replace("10x 30s @120-130%", "10x 30 @120-130%"))
        page.wait_for_selector("#problems li.problem.error", timeout=WAIT_MS)
        shots["preview-errors.png"] = page.screenshot()
    finally:
        server.shutdown()
        server.stop()
        thread.join(timeout=5)
    for name, data in shots.items():
        assert data.startswith(b"\x89PNG")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (1280, 1000)
        assert len(data) > 50_000  # a blank page compresses to a few kilobytes
        if update_goldens:
            (PATHS.docs / "img").mkdir(exist_ok=True)
            (PATHS.docs / "img" / name).write_bytes(data)
