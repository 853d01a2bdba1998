"""nmdsl.analysis.plot and ``nmdsl plot``: what the chart contains and where.

The pictures themselves were looked at (docs/img/); these tests pin down
what a reader of the chart relies on: one block per step at the right place
and height, zone colours, ramps as slopes, max and free drawn differently,
cues marked, the title's numbers, and a self-contained, stable file.
"""

from __future__ import annotations

import shutil
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import nmdsl
from nmdsl.analysis.plot import ZONE_COLOURS, PlotOptions, render_svg
from nmdsl.cli.report import plot_cmd

from .conftest import PATHS

NS = {"s": "http://www.w3.org/2000/svg"}


def _svg(source: str, **plot: float | bool) -> etree._Element:
    data = render_svg(nmdsl.parse(source), plot=PlotOptions(**plot))  # type: ignore[arg-type]
    return etree.fromstring(data)


def _blocks(root: etree._Element) -> list[etree._Element]:
    """The step shapes (not the labels and the arrow heads on all-out steps)."""
    return [el for el in root.findall("s:g[@class='blocks']/*", NS) if el.tag.endswith(("rect", "polygon"))]


def _x_range(el: etree._Element) -> tuple[float, float]:
    if el.tag.endswith("polygon"):
        xs = [float(p.split(",")[0]) for p in el.get("points").split()]
        return min(xs), max(xs)
    x, w = float(el.get("x")), float(el.get("width"))
    return x, x + w


def _top(el: etree._Element) -> list[float]:
    """The y of a block's top edge (two values for a polygon: start and end)."""
    if el.tag.endswith("polygon"):
        pts = [tuple(map(float, p.split(","))) for p in el.get("points").split()]
        return [pts[1][1], pts[2][1]]
    return [float(el.get("y"))]


def test_one_block_per_step_in_zone_colours() -> None:
    root = _svg("ftp: 250\n10m @50%\n5m @65%\n5m @100%\n2m @150%\n1m @180%\n")
    blocks = [b for b in _blocks(root) if b.tag.endswith("polygon")]
    assert [b.get("fill") for b in blocks] == [ZONE_COLOURS[z] for z in (1, 2, 4, 6, 7)]
    # Heights are proportional to %FTP: the 100% block's top is on the FTP line.
    ftp_line = root.find("s:g[@class='reference']/s:line", NS)
    assert _top(blocks[2]) == [float(ftp_line.get("y1"))] * 2
    base = float(root.find("s:g[@class='axes']/s:line", NS).get("y1"))
    assert base - _top(blocks[0])[0] == pytest.approx((base - _top(blocks[2])[0]) / 2, abs=0.02)
    # Time runs left to right without gaps, in proportion.
    ranges = [_x_range(b) for b in blocks]
    for (_, end), (start, _) in pairwise(ranges):
        assert start == pytest.approx(end, abs=0.01)
    widths = [b - a for a, b in ranges]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.02)
    assert root.find("s:g[@class='reference']/s:text", NS).text == "FTP 250 W"


def test_ramps_are_slopes_split_at_zone_edges() -> None:
    root = _svg("ftp: 250\nwarmup 10m ramp 45%-70%\n")
    pieces = _blocks(root)
    # 45% -> 55% is Z1, 55% -> 70% is Z2: two pieces, each a slope, meeting at 4 min.
    assert [p.get("fill") for p in pieces] == [ZONE_COLOURS[1], ZONE_COLOURS[2]]
    for p in pieces:
        start, end = _top(p)
        assert end < start  # rising: smaller y
    assert _x_range(pieces[0])[1] == pytest.approx(_x_range(pieces[1])[0])
    first, second = (_x_range(p) for p in pieces)
    assert (first[1] - first[0]) / (second[1] - second[0]) == pytest.approx(4 / 6, abs=0.001)


def test_max_is_hatched_and_free_is_a_dashed_outline() -> None:
    root = _svg("ftp: 250\n5m @60%\nsprint 10s\n2m free\n")
    kinds = {b.get("class"): b for b in _blocks(root)}
    assert kinds["max"].get("fill") == "url(#nmdsl-hatch-max)"
    assert root.find(".//s:pattern[@id='nmdsl-hatch-max']", NS) is not None
    assert kinds["free"].get("stroke-dasharray")
    legend = " ".join(t.text for t in root.findall("s:g[@class='legend']/s:text", NS))
    assert "all-out (drawn at 200%)" in legend and "free (drawn at 50%)" in legend
    # The all-out block is drawn at the assumed level: twice the FTP line's height.
    base = float(root.find("s:g[@class='axes']/s:line", NS).get("y1"))
    ftp_y = float(root.find("s:g[@class='reference']/s:line", NS).get("y1"))
    assert base - float(kinds["max"].get("y")) == pytest.approx(2 * (base - ftp_y), abs=0.02)


def test_cues_are_marked_with_their_text() -> None:
    root = _svg('ftp: 250\n2x 30s @150% "Go!" / 30s @50%\n5m @90% "Hold" "Last minute" at 4m\n')
    marks = root.findall("s:g[@class='cues']/s:path", NS)
    assert [m.find("s:title", NS).text for m in marks] == [
        "0:00 \u201cGo!\u201d",
        "1:00 \u201cGo!\u201d",
        "2:00 \u201cHold\u201d",
        "6:00 \u201cLast minute\u201d",
    ]


def test_title_has_name_duration_and_tss() -> None:
    root = _svg("name: Hour of power\nftp: 250\n1h @100%\n")
    assert root.find("s:title", NS).text == "Hour of power: 1:00:00 · TSS 100"
    heading = root.find("s:g[@class='heading']/s:text", NS)
    assert heading.text == "Hour of power"
    assert heading.find("s:tspan", NS).text.strip() == "1:00:00 · TSS 100"


def test_runs_plot_percent_of_threshold_speed_with_paces() -> None:
    data = render_svg(nmdsl.parse_file(PATHS.examples / "run-strides.nm"))
    root = etree.fromstring(data)
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "% threshold speed" in texts
    assert "threshold 4:10/km" in texts
    assert "4:10/km" in texts  # the right-hand axis at 100%


def test_pace_only_runs_plot_speed_labelled_as_pace() -> None:
    root = _svg("sport: run\n10m @6:00/km\n5m @4:00/km\n")
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "pace (min/km)" in texts and "4:00" in [t.strip() for t in texts if t]
    assert root.find("s:g[@class='reference']", NS) is None  # no threshold to draw


def test_thumbnail_is_bare() -> None:
    root = _svg("ftp: 250\n10m @60%\n", width=240, height=64, thumbnail=True)
    assert root.get("viewBox") == "0 0 240 64"
    assert root.find("s:g[@class='axes']", NS) is None
    assert root.find("s:g[@class='heading']", NS) is None


@pytest.mark.parametrize("path", sorted(PATHS.examples.glob("*.nm")), ids=lambda p: p.stem)
def test_examples_are_self_contained_and_stable(path: Path) -> None:
    workout = nmdsl.parse_file(path)
    data = render_svg(workout)
    assert data == render_svg(workout)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<svg")
    root = etree.fromstring(data)
    assert root.get("viewBox") == "0 0 1000 380"
    # Nothing outside the file: no images, scripts, styles or links to elsewhere.
    for el in root.iter():
        assert not str(el.tag).endswith(("image", "script", "style", "foreignObject", "a"))
        for name, value in el.attrib.items():
            assert "http" not in value or name == "xmlns", (name, value)
    assert len(_blocks(root)) >= len(workout.timeline())


# -- properties ---------------------------------------------------------------------------

steps = st.one_of(
    st.builds(lambda d, p: f"{d}s @{p}%", st.integers(1, 600), st.integers(1, 400)),
    st.builds(
        lambda d, a, b: f"{d}s ramp {a}%-{b}%", st.integers(1, 600), st.integers(1, 400), st.integers(1, 400)
    ),
    st.builds(lambda d: f"{d}s max", st.integers(1, 60)),
    st.builds(lambda d: f"{d}s free", st.integers(1, 600)),
)


@given(st.lists(steps, min_size=1, max_size=10))
def test_blocks_tile_the_time_axis(lines: list[str]) -> None:
    root = _svg("ftp: 250\n" + "\n".join(lines) + "\n")
    ranges = sorted(_x_range(b) for b in _blocks(root) if b.get("class") not in ("free", "unknown"))
    frees = sorted(_x_range(b) for b in _blocks(root) if b.get("class") == "free")
    # Free outlines are inset by half a pixel each side; widen them back.
    spans = sorted(ranges + [(a - 0.5, b + 0.5) for a, b in frees])
    assert spans[0][0] == pytest.approx(58, abs=0.01)
    assert spans[-1][1] == pytest.approx(1000 - 24, abs=1)  # a free step under 1 px keeps 0.5 px
    for (_, end), (start, _) in pairwise(spans):
        # A free step narrower than a pixel keeps a 0.5 px outline, so its
        # neighbours may sit up to 1.5 px from where the arithmetic puts them.
        assert start == pytest.approx(end, abs=1.5)
    # Every block stays inside the plot area (nothing drawn above the frame).
    top = min(y for b in _blocks(root) for y in _top(b))
    assert top >= 78 - 0.01


# -- the command -------------------------------------------------------------------------------


def test_cli_writes_svg_next_to_the_input(tmp_path: Path) -> None:
    src = tmp_path / "attacks.nm"
    shutil.copy(PATHS.examples / "attacks.nm", src)
    result = CliRunner().invoke(plot_cmd, [str(src)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "attacks.svg").read_bytes() == render_svg(nmdsl.parse_file(src))


def test_cli_stdout_and_size() -> None:
    result = CliRunner().invoke(plot_cmd, [str(PATHS.examples / "30-30s.nm"), "-o", "-", "--width", "600"])
    assert result.exit_code == 0
    assert b'viewBox="0 0 600 380"' in result.stdout_bytes


def test_cli_png(tmp_path: Path) -> None:
    pytest.importorskip("cairosvg", reason="the png extra (cairosvg) is not installed")
    out = tmp_path / "chart.png"
    result = CliRunner().invoke(plot_cmd, [str(PATHS.examples / "attacks.nm"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (2000, 760)  # twice the SVG's size: sharp on high-density screens


def test_cli_png_without_the_extra_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import fails as if not installed
    result = CliRunner().invoke(plot_cmd, [str(PATHS.examples / "attacks.nm"), "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 1
    assert "pip install 'nmdsl[png]'" in result.output


def test_cli_refuses_other_suffixes_and_reports_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(plot_cmd, [str(PATHS.examples / "attacks.nm"), "-o", str(tmp_path / "x.jpg")])
    assert result.exit_code == 2
    broken = tmp_path / "broken.nm"
    broken.write_text("5m @94-88%\n")
    result = CliRunner().invoke(plot_cmd, [str(broken)])
    assert result.exit_code == 1 and "E204" in result.output
    assert not (tmp_path / "broken.svg").exists()


#: The charts shown in docs/plot-and-site.md, kept in step with the code.
DOC_CHARTS = ("attacks", "bike-sprints", "run-strides")


@pytest.mark.parametrize("stem", DOC_CHARTS)
def test_docs_charts_are_current(stem: str, update_goldens: bool) -> None:
    path = PATHS.docs / "img" / f"plot-{stem}.svg"
    data = render_svg(nmdsl.parse_file(PATHS.examples / f"{stem}.nm"))
    if update_goldens:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run pytest --update-goldens"
    assert path.read_bytes() == data, f"{path} is out of date: run pytest --update-goldens and look at it"


run_steps = st.one_of(
    st.builds(lambda d, p: f"{d}s @{p}%", st.integers(1, 900), st.integers(30, 200)),
    st.builds(lambda m, p: f"{m}mtr @{p}%", st.integers(50, 3000), st.integers(30, 200)),
    st.builds(lambda d, s: f"{d}s @{s // 60}:{s % 60:02d}/km", st.integers(1, 900), st.integers(120, 600)),
    st.builds(
        lambda m, s: f"{m}mtr @{s // 60}:{s % 60:02d}/km", st.integers(50, 3000), st.integers(120, 600)
    ),
    st.builds(lambda d: f"{d}s free", st.integers(1, 300)),
    st.builds(lambda d: f"{d}s max", st.integers(1, 60)),
)


@given(st.lists(run_steps, min_size=1, max_size=8), st.booleans())
def test_any_run_has_numbers_and_a_chart(lines: list[str], threshold: bool) -> None:
    from nmdsl.analysis.metrics import stats

    header = "sport: run\n" + ("threshold-pace: 4:10/km\n" if threshold else "")
    workout = nmdsl.parse(header + "\n".join(lines) + "\n")
    s = stats(workout)
    assert s.zones == () and s.tss is None
    assert s.distance_m is not None and s.distance_m >= workout.totals().distance_m - 1e-6
    root = etree.fromstring(render_svg(workout))
    assert root.get("viewBox") == "0 0 1000 380"
