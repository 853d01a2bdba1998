"""nmdsl.library.site and ``nmdsl site``: the catalogue, on disk and in a real browser.

The browser tests use Debian's ``chromium``, headless; when it is missing
they install it with apt-get (once), and skip with the reason only when it
truly cannot be had.  ``pytest --update-goldens`` also refreshes the
screenshots in docs/img/ (look at them before committing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

import nmdsl
from nmdsl.analysis.metrics import StatsOptions
from nmdsl.cli.report import site_cmd
from nmdsl.library.site import MARKER, SiteError, build_site

from .conftest import PATHS

# jinja2 is a dependency of nmdsl (pyproject.toml); this guard only keeps an
# environment installed before it was added from failing with an ImportError.
pytest.importorskip("jinja2", reason="nmdsl site needs jinja2; pip install -e '.[test]' installs it")

EXAMPLES = sorted(PATHS.examples.glob("*.nm"))
NAMES = [nmdsl.parse_file(p).meta.name for p in EXAMPLES]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(PATHS.examples, out)
    return out


def _page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- on disk ----------------------------------------------------------------------------


def test_index_lists_every_example(site: Path) -> None:
    page = _page(site / "index.html")
    rows = page.xpath("//tbody/tr[@class='workout']")
    assert len(rows) == len(EXAMPLES)
    listed = [row.xpath(".//a[@class='name']")[0].text_content() for row in rows]
    assert sorted(listed, key=str.casefold) == listed  # by name
    assert set(listed) == set(NAMES)
    attacks = next(r for r in rows if "Attacks" in r.text_content())
    cells = [td.text_content().strip() for td in attacks.xpath("td")]
    assert cells[2:5] == ["1:14:00", "89", "0.85"]
    assert "6:00 ≥150%" in cells[6] and "W:R 1:3, 1:1.5" in cells[6]
    assert attacks.get("data-tags") == "anaerobic|attacks|sweet spot|threshold|bike"


def test_every_link_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + len(EXAMPLES)
    for page in pages:
        tree = _page(page)
        for attr in ("href", "src"):
            for el in tree.xpath(f"//*[@{attr}]"):
                target = el.get(attr).split("#", 1)[0]
                if not target:
                    continue
                assert "://" not in target, f"{page}: {target} leaves the site"
                assert (page.parent / unquote(target)).is_file(), f"{page}: {target} is missing"


def test_workout_page_has_chart_numbers_source_and_downloads(site: Path) -> None:
    page = _page(site / "attacks" / "index.html")
    assert page.xpath("//h1")[0].text_content() == "Attacks"
    svg = page.xpath("//figure[@id='chart']/*[local-name()='svg']")
    assert svg and svg[0].get("viewbox", svg[0].get("viewBox")) == "0 0 1000 380"
    text = page.text_content()
    for needed in (
        "Normalized power",
        "221 W",
        "TSS",
        "Time in zones",
        "Work:recovery",
        "cooldown 10m ramp 60%-40%",
    ):
        assert needed in text, needed
    links = {a.text_content(): a.get("href") for a in page.xpath("//a[@class='download']")}
    assert links == {
        "ZWO": "attacks.zwo",
        "ERG": "attacks.erg",
        "MRC": "attacks.mrc",
        "FIT": "attacks.fit",
        "nmdsl source": "attacks.nm",
        "Chart": "attacks.svg",
    }
    workout = nmdsl.parse_file(PATHS.examples / "attacks.nm")
    for fmt in ("zwo", "erg", "mrc", "fit"):
        assert (site / "attacks" / f"attacks.{fmt}").read_bytes() == nmdsl.compile(workout, fmt)
    assert (site / "attacks" / "attacks.nm").read_bytes() == (PATHS.examples / "attacks.nm").read_bytes()


def test_formats_that_cannot_carry_a_run_say_why(site: Path) -> None:
    page = _page(site / "run-strides" / "index.html")
    unavailable = [li.text_content() for li in page.xpath("//li[@class='unavailable']")]
    assert unavailable == [
        "ERG unavailable: ERG files are for the bike: a run session cannot be written (E451)",
        "MRC unavailable: MRC files are for the bike: a run session cannot be written (E451)",
    ]
    assert not (site / "run-strides" / "run-strides.erg").exists()
    assert (site / "run-strides" / "run-strides.fit").is_file()


def test_a_run_shows_its_training_load(site: Path) -> None:
    # run-strides: rTSS 51.2 (docs/stats.md, "Training load"); no heart-rate target, so no hrTSS.
    page = _page(site / "run-strides" / "index.html")
    text = " ".join(page.xpath("//section[@class='numbers']")[0].text_content().split())
    assert "rTSS51.2" in text and "hrTSS" not in text  # <dt>rTSS</dt><dd>51.2</dd>
    index = _page(site / "index.html")
    row = [tr for tr in index.xpath("//tr[@class='workout']") if "Easy run with strides" in tr.text_content()]
    cells = [" ".join(td.text_content().split()) for td in row[0].xpath("td")]
    assert cells[3] == "rTSS 51"
    assert row[0].xpath("td")[3].get("data-value") == "51.2"


def test_output_is_deterministic(site: Path, tmp_path: Path) -> None:
    # Another folder, another working directory: the same bytes.
    other = tmp_path / "again"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        build_site(Path(os.path.relpath(PATHS.examples)), Path("again"))
    finally:
        os.chdir(cwd)
    assert _tree(other) == _tree(site)


def test_files_with_errors_are_listed_with_their_diagnostics(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    (library / "sub").mkdir(parents=True)
    (library / "good.nm").write_text('name: <Good> & "fine"\ntags: a, b\nftp: 250\n10m @60%\n')
    (library / "sub" / "broken.nm").write_text("name: Broken\n5m @94-88%\n")
    (library / ".hidden").mkdir()
    (library / ".hidden" / "skipped.nm").write_text("nonsense\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(site_cmd, [str(library), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{library / 'sub' / 'broken.nm'}:2:4: error[E204]" in result.output
    assert "1 workout, 1 file with errors" in result.output
    index = (out / "index.html").read_text()
    assert "sub/broken.nm:2:4: error[E204]: range low 94% is above high 88%" in index
    assert "hint: write the smaller number first: @88-94%" in index
    assert "skipped" not in index
    # Text from the library is escaped, never markup.
    assert "&lt;Good&gt; &amp; &#34;fine&#34;" in index or "&lt;Good&gt; &amp; &quot;fine&quot;" in index
    assert "<Good>" not in index


def test_rebuilds_replace_a_site_but_never_other_folders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(PATHS.examples, out)
    (out / "stale.html").write_text("old")
    build_site(PATHS.examples, out)
    assert not (out / "stale.html").exists() and (out / MARKER).is_file()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(SiteError, match="not empty and was not built by nmdsl site"):
        build_site(PATHS.examples, mine)
    assert (mine / "notes.txt").read_text() == "keep me"
    with pytest.raises(SiteError, match="would contain the library"):
        build_site(tmp_path / "out", tmp_path)
    result = CliRunner().invoke(site_cmd, [str(PATHS.examples), "-o", str(mine)])
    assert result.exit_code == 2


def test_site_inside_the_library_is_not_read_back(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    shutil.copytree(PATHS.examples, library)
    first = build_site(library, library / "site")
    second = build_site(library, library / "site")
    assert len(first.workouts) == len(second.workouts) == len(EXAMPLES)


def test_site_finds_files_as_check_does(tmp_path: Path) -> None:
    """The library's configuration applies: excludes, hidden folders, its FTP for files without one."""
    library = tmp_path / "lib"
    (library / "drafts").mkdir(parents=True)
    (library / ".hidden").mkdir()
    (library / "nmdsl.toml").write_text('ftp = 300\nexclude = ["drafts/**"]\n', encoding="utf-8")
    (library / "a.nm").write_text("name: A\n10m @50%\n", encoding="utf-8")
    (library / "drafts" / "b.nm").write_text("name: B\n10m @50%\n", encoding="utf-8")
    (library / ".hidden" / "c.nm").write_text("name: C\n10m @50%\n", encoding="utf-8")
    site = build_site(library, tmp_path / "site")
    assert [e.file for e in site.workouts] == ["a.nm"] and not site.failed and not site.config_problems
    workout = site.workouts[0].workout
    assert workout is not None and workout.meta.ftp_w == 300
    erg = (tmp_path / "site" / site.workouts[0].slug / f"{site.workouts[0].slug}.erg").read_text()
    assert "FTP = 300" in erg and "150" in erg  # 50% of the configured 300 W
    # --ftp (the options) wins over the configuration, as in check.
    again = build_site(library, tmp_path / "site", StatsOptions(ftp_w=200))
    assert again.workouts[0].workout is not None and again.workouts[0].workout.meta.ftp_w == 200


def test_site_reports_a_broken_configuration(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    library.mkdir()
    (library / "nmdsl.toml").write_text("ftp = 'lots'\n", encoding="utf-8")
    (library / "a.nm").write_text("name: A\n10m @50%\n", encoding="utf-8")
    site = build_site(library, tmp_path / "site")
    assert [d.code for d in site.config_problems] == ["E011"]
    assert [e.file for e in site.workouts] == ["a.nm"]
    r = CliRunner().invoke(site_cmd, [str(library), "-o", str(tmp_path / "site2")])
    assert r.exit_code == 1 and "E011" in r.output


# -- in a real browser ------------------------------------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _find_browser() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def _install_chromium() -> str:
    """apt-get install chromium; the reason it failed, or '' on success."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return "not root, cannot apt-get install"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    why = "apt-get update failed"
    # Some sandboxes cannot drop privileges to apt's '_apt' user; apt's own
    # option to stay root is the fallback.
    for extra in ([], ["-o", "APT::Sandbox::User=root"]):
        try:
            update = subprocess.run(
                ["apt-get", *extra, "update"],
                check=False,
                capture_output=True,
                text=True,
                timeout=600,
                env=env,
            )
            if update.returncode != 0 or "gpgv" in update.stderr:
                why = "apt-get update: " + (update.stderr.strip().splitlines() or ["failed"])[-1]
                continue
            install = subprocess.run(
                [
                    "apt-get",
                    *extra,
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "chromium",
                    "fonts-dejavu-core",
                ],
                check=False,
                capture_output=True,
                text=True,
                timeout=1800,
                env=env,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"apt-get failed: {exc}"
        if install.returncode == 0:
            return ""
        why = "apt-get install chromium: " + (install.stderr.strip().splitlines() or ["failed"])[-1]
    return why


@pytest.fixture(scope="session")
def browser() -> str:
    found = _find_browser()
    if found is None:
        why = _install_chromium()
        found = _find_browser()
        if found is None:
            pytest.skip(f"the browser tests need chromium, which cannot be installed here: {why}")
    return found


@pytest.fixture(scope="module")
def browsed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browsed") / "site"
    build_site(PATHS.examples, out)
    return out


@pytest.fixture
def profile_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="nmdsl-chromium-") as folder:
        yield folder


def _run(browser: str, profile: str, *args: str, url: str, window: str = "1280,1000") -> str:
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
        # Let the page's scripts and the measuring script finish first.
        "--virtual-time-budget=5000",
        *args,
        url,
    ]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


#: Appended to a copy of a page: writes what a person would see (sizes of the
#: chart and thumbnails, rows shown, where links point) into the DOM, which
#: --dump-dom then prints.  The copy sits beside the page, so its links work.
MEASURE = """
<script>
window.addEventListener("load", function () {
  function box(el) { var r = el.getBoundingClientRect(); return [r.width, r.height]; }
  var out = {};
  var chart = document.querySelector("#chart svg");
  if (chart) out.chart = box(chart);
  out.thumbs = Array.prototype.map.call(document.querySelectorAll("td.thumb img"), function (img) {
    return [img.getAttribute("src"), img.naturalWidth].concat(box(img));
  });
  out.downloads = Array.prototype.map.call(document.querySelectorAll("a.download"), \
function (a) { return a.href; });
  function shown() {
    return Array.prototype.filter.call(document.querySelectorAll("tr.workout"), function (r) {
      return !r.hidden && r.getBoundingClientRect().height > 0;
    }).map(function (r) { return r.querySelector("a.name").textContent; });
  }
  out.shown = shown();
  var controls = document.getElementById("controls");
  out.controls = controls ? !controls.hidden : null;
  var tss = Array.prototype.filter.call(document.querySelectorAll("th button"), function (b) {
    return b.textContent === "TSS";
  })[0];
  if (tss && !window.location.hash) {
    tss.click();
    out.by_tss = shown();
    tss.click();
    out.by_tss_descending = shown();
  }
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def _measure(browser: str, profile: str, page: Path, fragment: str = "") -> dict[str, object]:
    probe = page.with_name("measure-" + page.name)
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    try:
        dom = _run(browser, profile, "--dump-dom", url=probe.as_uri() + fragment)
    finally:
        probe.unlink()
    tree = lxml_html.fromstring(dom)
    found = tree.xpath("//pre[@id='measured']")
    assert found, "the page's scripts did not run"
    data: dict[str, object] = json.loads(found[0].text_content())
    data["text"] = tree.text_content()
    return data


def test_browser_index_shows_every_workout_with_thumbnails(
    browser: str, profile_dir: str, browsed_site: Path
) -> None:
    seen = _measure(browser, profile_dir, browsed_site / "index.html")
    text = str(seen["text"])
    for name in NAMES:
        assert name in text
    assert seen["controls"] is True  # the sorting/filtering script ran
    assert sorted(seen["shown"]) == sorted(NAMES)  # type: ignore[arg-type]
    thumbs = seen["thumbs"]
    assert isinstance(thumbs, list) and len(thumbs) == len(NAMES)
    for src, natural, width, height in thumbs:
        assert natural == 240, f"{src} did not load"
        assert width > 100 and height > 20, (src, width, height)
    # Sorted by load, ascending then descending: least stress first; the run sorts by its
    # rTSS (51.2), just above Bike sprints' TSS (50.6).
    by_tss = seen["by_tss"]
    assert isinstance(by_tss, list)
    # Runs sort by their rTSS among the rides' TSS: the lightest sessions first.
    # (Run vmax sprints: rTSS 45.4; Standing starts: TSS 45.5; Hill sprints: rTSS 50.1;
    # Bike sprints: TSS 50.6.)
    assert by_tss[:4] == ["Run vmax sprints", "Standing starts", "Hill sprints", "Bike sprints"]
    assert seen["by_tss_descending"] == list(reversed(by_tss))


def test_browser_tag_filter_from_the_address(browser: str, profile_dir: str, browsed_site: Path) -> None:
    seen = _measure(browser, profile_dir, browsed_site / "index.html", "#tag=neuromuscular")
    assert sorted(seen["shown"]) == [  # type: ignore[arg-type]
        "Bike sprints",
        "Easy run with strides",
        "Hill sprints",
        "Pmax sprints",
        "Run vmax sprints",
        "Seated accelerations",
        "Standing starts",
    ]


def test_browser_workout_page_chart_and_downloads(browser: str, profile_dir: str, browsed_site: Path) -> None:
    seen = _measure(browser, profile_dir, browsed_site / "attacks" / "index.html")
    assert "Attacks" in str(seen["text"]) and "Normalized power" in str(seen["text"])
    width, height = seen["chart"]  # type: ignore[misc]
    assert width > 600 and height > 200
    assert height == pytest.approx(width * 380 / 1000, rel=0.02)  # drawn at its own proportions
    downloads = seen["downloads"]
    assert isinstance(downloads, list) and len(downloads) == 6
    for href in downloads:
        url = urlparse(href)
        assert url.scheme == "file"
        assert Path(unquote(url.path)).is_file(), href


def test_browser_screenshots(
    browser: str, profile_dir: str, browsed_site: Path, tmp_path: Path, update_goldens: bool
) -> None:
    shots = {
        "site-index.png": (browsed_site / "index.html", "1280,1100"),
        "site-workout.png": (browsed_site / "attacks" / "index.html", "1280,1600"),
    }
    for name, (page, window) in shots.items():
        out = tmp_path / name
        _run(browser, profile_dir, f"--screenshot={out}", url=page.as_uri(), window=window)
        data = out.read_bytes()
        assert data.startswith(b"\x89PNG")
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == tuple(int(v) for v in window.split(","))
        assert len(data) > 50_000  # a blank page compresses to a few kilobytes
        if update_goldens:
            (PATHS.docs / "img").mkdir(exist_ok=True)
            shutil.copyfile(out, PATHS.docs / "img" / name)
