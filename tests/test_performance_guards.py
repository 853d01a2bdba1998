"""Guards for the speed work (docs/performance.md): behaviour, never time.

Each test pins down something a speed-up relies on or must not break: the
line-shape cache builds the same tree as the parser, the lazy imports stay lazy,
the grammar is loaded once per process.  Nothing here measures time.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from nmdsl.diagnostics import QUOTE_CHARS
from nmdsl.diagnostics import render as render_diagnostic
from nmdsl.language import _grammar
from nmdsl.language import parser as nm_parser
from nmdsl.limits import (
    MAX_ERRORS,
    MAX_EXPANDED_CUES,
    MAX_EXPANDED_STEPS,
    MAX_ITEM_CHARS,
    MAX_LINE_ITEMS,
    MAX_WARNINGS,
)
from nmdsl.source import split_lines

from .helpers import tokenized_lines

ROOT = Path(__file__).resolve().parents[1]


def _deep(x: Any) -> Any:
    """A CST node as plain data, tokens with their type, text and place."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, *(_deep(getattr(x, f.name)) for f in dataclasses.fields(x)))
    if isinstance(x, list):
        return [_deep(i) for i in x]
    if isinstance(x, str) and hasattr(x, "type"):
        return ("token", x.type, str(x), x.line, x.column, x.end_line, x.end_column)
    return x


def _lines() -> list[tuple[int, str]]:
    out = []
    for path in sorted([*ROOT.glob("examples/*.nm"), *ROOT.glob("tests/**/*.nm")]):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        out += list(enumerate(split_lines(text), start=1))
    out += list(enumerate(split_lines(EXTRA), start=1))
    return out


EXTRA = """\
name: Shapes
ftp: 250
warmup 10m ramp 45%-70% 85-95rpm "Easy" "Faster" at 5m
6x 30s @150% 100-110rpm @150-160bpm "Go" / 30s @50% "Off" / rest 1m
8x strides 20s @110% / 1m free
3x:
  4x sprint 10s "All out"
  accel 20s ramp 80%-180% "Build"
  5m max
  5m @Z2 @140bpm
  1:30 free "x" at 30s "y" at 1:00
cooldown 5m @200-210W
"""


def test_line_shape_cache_builds_the_tree_lark_builds() -> None:
    """Every line built from its shape's recipe equals the one built from the parser's tree."""
    line_parser = _grammar.parser()
    checked = 0
    for line in tokenized_lines(_lines()):
        try:
            tree = line_parser.parse(line.tokens)
        except Exception:  # syntax errors are not cached
            continue
        recipe = nm_parser._recipe(tree.children[0], line.tokens)
        assert recipe is not None
        assert _deep(nm_parser._from_recipe(recipe, line.tokens)) == _deep(
            nm_parser._to_cst(tree.children[0])
        ), line.text
        checked += 1
    assert checked > 100


def test_line_shape_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import nmdsl

    monkeypatch.setattr(nm_parser, "MAX_SHAPES", 3)
    cue = ' "x"'
    text = "".join(
        f"{i + 1}m @50%{' 90rpm' * (i % 2)}{' @140bpm' * (i % 3 == 1)}{cue * (i % 5)}\n" for i in range(30)
    )
    first = nmdsl.parse(text)
    assert len(nm_parser._shapes(_grammar.parser())) <= 3
    assert nmdsl.parse(text) == first


# -- lazy imports ---------------------------------------------------------------------


def _imported_after(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running ``code``."""
    import subprocess
    import sys

    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_version_does_not_import_the_parser_or_the_model() -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        "r = CliRunner().invoke(main, ['--version'])\n"
        "assert r.exit_code == 0 and 'nmdsl' in r.output, r.output\n"
    )
    heavy = _imported_after(code) & {"lark", "pydantic", "pydantic_core", "lxml"}
    assert not heavy, f"nmdsl --version imported {sorted(heavy)}"


def test_import_nmdsl_is_light() -> None:
    heavy = _imported_after("import nmdsl") & {"lark", "pydantic", "pydantic_core", "lxml", "click"}
    assert not heavy, f"import nmdsl imported {sorted(heavy)}"


@pytest.mark.parametrize("fmt", ["fit", "erg", "mrc", "json", "zwo"])
def test_compiling_does_not_import_lxml(fmt: str, tmp_path: Path) -> None:
    """Not even ZWO: its backend writes the XML itself (lxml is for reading ZWO, and for plot)."""
    src = tmp_path / "s.nm"
    src.write_text("name: S\nftp: 250\nwarmup 10m ramp 45%-70%\n6x sprint 10s\n", encoding="utf-8")
    code = (
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        f"r = CliRunner().invoke(main, ['compile', {str(src)!r}, '-f', {fmt!r}, '-o', "
        f"{str(tmp_path / 'out')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    assert "lxml" not in _imported_after(code)


@pytest.mark.parametrize("command", [["compile", "-f", "zwo"], ["compile", "-f", "fit"], ["check"], ["fmt"]])
def test_commands_do_not_import_pydantic_lark_or_lxml(command: list[str], tmp_path: Path) -> None:
    """pydantic (65 ms to import) is for the boundary: -f json, nmdsl schema, model_validate.

    lark only builds the parse tables when the grammar changed; lxml reads ZWO files and draws charts.
    """
    src = tmp_path / "s.nm"
    src.write_text(
        "name: S\nftp: 250\nwarmup 10m ramp 45%-70%\n6x sprint 10s\n3x 30s @Z6 / 30s @50%\n", encoding="utf-8"
    )
    argv = [command[0], str(src), *command[1:]] + (
        ["-o", str(tmp_path / "out")] if command[0] == "compile" else []
    )
    code = (
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        f"r = CliRunner().invoke(main, {argv!r})\n"
        "assert r.exit_code == 0, r.output\n"
    )
    assert not _imported_after(code) & {"pydantic", "pydantic_core", "lark", "lxml"}


def test_json_output_and_the_schema_do_use_pydantic(tmp_path: Path) -> None:
    src = tmp_path / "s.nm"
    src.write_text("10m @60%\n", encoding="utf-8")
    code = (
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        f"r = CliRunner().invoke(main, ['compile', {str(src)!r}, '-f', 'json', '-o', '-'])\n"
        "assert r.exit_code == 0 and '\"duration_s\": 600' in r.output, r.output\n"
    )
    assert "pydantic" in _imported_after(code)


# -- the grammar and the caches ------------------------------------------------------------


def test_checking_many_files_loads_the_grammar_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nmdsl.library import check_library

    for i in range(12):
        (tmp_path / f"s{i:02}.nm").write_text(f"name: S{i}\n{i + 1}m @60%\n3x sprint 10s\n", encoding="utf-8")
    caches = (_grammar.tables, _grammar.parser, _grammar.terminals)
    for c in caches:
        c.cache_clear()
    loads = []
    real = _grammar._shipped
    monkeypatch.setattr(_grammar, "_shipped", lambda: loads.append(1) or real())
    monkeypatch.setattr(
        _grammar, "build_tables", lambda text: pytest.fail("the grammar was built from source")
    )
    try:
        result = check_library([str(tmp_path)], jobs=1)
    finally:
        for c in caches:
            c.cache_clear()
    assert len(result.files) == 12 and result.errors == 0
    assert len(loads) == 1


def test_memos_stay_bounded() -> None:
    from nmdsl.formats.erg import write as erg
    from nmdsl.formats.zwo import write as zwo
    from nmdsl.language.lexer import TerminalTable

    for i in range(2 * erg._MEMO_SIZE + 10):
        erg.minutes_text(i)
        erg.value_text(i / 7)
        zwo.power_text(i / 3)
    assert len(erg._MINUTES) <= erg._MEMO_SIZE
    assert len(erg._VALUES) <= erg._MEMO_SIZE
    assert len(zwo._POWER_TEXT) <= erg._MEMO_SIZE
    table = _grammar.terminals()
    assert isinstance(table, TerminalTable)
    for i in range(TerminalTable.MEMO_SIZE + 10):
        table.classify(f"{i}s")
    assert len(table._memo) <= TerminalTable.MEMO_SIZE


def test_memoized_texts_are_the_computed_ones() -> None:
    from nmdsl.formats.erg import write as erg
    from nmdsl.formats.zwo import write as zwo

    for seconds in (0, 1, 20, 123, 3599, 86_400):
        assert erg.minutes_text(seconds) == erg._minutes_text(seconds)
    for x in (0.0, -0.0, 1.0, 87.5, 227.994, 1 / 3, 150):
        assert erg.value_text(x) == erg._value_text(x)
    for pct in (0.0, -0.0, 0.0, 115.0, 66.67, 150, 1 / 3):
        assert zwo.power_text(pct) == zwo._power_text(pct)
    assert erg.reader_safe("LAP 3", cue=True) == erg._reader_safe("LAP 3", cue=True)


def test_crc_in_blocks_matches_byte_by_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from nmdsl.formats.fit import codec as fc

    def by_byte(data: bytes, crc: int = 0) -> int:
        for b in data:
            crc = (crc >> 8) ^ fc._CRC_TABLE[(crc ^ b) & 0xFF]
        return crc

    r = random.Random(7)
    samples = [b"", b"1", b"123456789", bytes(r.randrange(256) for _ in range(1001))]
    monkeypatch.setattr(fc, "_CRC_BLOCK_TABLES", None)
    monkeypatch.setattr(fc, "_crc_bytes_seen", 0)
    monkeypatch.setattr(fc, "_BLOCK_TABLES_AFTER_BYTES", 0)  # the block tables at once
    for data in samples:
        for start in (0, 0x1234):
            assert fc.crc16(data, start) == by_byte(data, start)
    assert fc._CRC_BLOCK_TABLES is not None
    assert fc.crc16(b"123456789") == 0xBB3D


def test_timeline_cache_follows_the_workout() -> None:
    import nmdsl

    a = nmdsl.parse("name: A\n10m @60%\n2x 1m @120% / 1m @50%\n")
    b = nmdsl.parse("name: B\n5m @60%\n")
    assert [s.duration_s for s in a.timeline()] == [600, 60, 60, 60, 60]
    assert [s.duration_s for s in b.timeline()] == [300]
    first = a.timeline()
    first.clear()  # a caller's list is its own
    assert len(a.timeline()) == 5


# -- the pool -------------------------------------------------------------------------------


def test_pool_gives_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nmdsl import library
    from nmdsl.library.reports import RENDERERS

    for i in range(70):
        name = "Same" if i in (3, 40) else f"W{i}"
        body = f"name: {name}\n{i % 9 + 1}m @60%\n4x 30s @150% / 30s @50%\n"
        if i % 11 == 0:
            body += "5m @94-88%\n"
        (tmp_path / f"d{i % 4}").mkdir(exist_ok=True)
        (tmp_path / f"d{i % 4}" / f"w{i:03}.nm").write_text(body, encoding="utf-8")
    monkeypatch.setattr(library, "usable_cpus", lambda: 3)
    one = library.check_library([str(tmp_path)], jobs=1)
    many = library.check_library([str(tmp_path)], jobs=3)
    for render in RENDERERS.values():
        assert render(many) == render(one)
    text = RENDERERS["text"](many)
    assert "W701" in text and "| name: Same" in text  # the duplicate's line, read again


def test_no_more_processes_than_cpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    from nmdsl import library

    for i in range(40):
        (tmp_path / f"w{i:03}.nm").write_text(f"name: W{i}\n{i + 1}m @60%\n", encoding="utf-8")
    made: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def recording(max_workers: int) -> concurrent.futures.ProcessPoolExecutor:
        made.append(max_workers)
        return real(max_workers=max_workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", recording)
    monkeypatch.setattr(library, "usable_cpus", lambda: 2)
    result = library.check_library([str(tmp_path)], jobs=64)
    assert len(result.files) == 40 and result.errors == 0
    assert made == [1]  # this process and one worker


# -- the largest accepted input costs little (issue 13) ----------------------------------------------
#
# benchmarks/largest.py measures the time and memory of the largest inputs;
# these pin down, without a clock, what keeps them small: reading stops at the
# line where a limit is certain to be passed, a quoted line is a window, the
# numbers of diagnostics are capped.



@pytest.fixture
def tokenized(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The lines the parser hands to the lexer, as it hands them (after tokenizing)."""
    seen: list[Any] = []
    real = nm_parser.tokenize_line

    def counting(line: Any, *args: Any) -> None:
        real(line, *args)
        seen.append(line)

    monkeypatch.setattr(nm_parser, "tokenize_line", counting)
    return seen


def _codes(result: Any) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_many_lines_stop_at_the_step_past_the_limit(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("name: Lines\n" + "1s @50%\n" * 50_000)
    assert _codes(r) == ["E305"]
    assert r.diagnostics[0].span is not None and r.diagnostics[0].span.line == MAX_EXPANDED_STEPS + 2
    assert len(tokenized) == MAX_EXPANDED_STEPS + 2  # the header, 10,000 steps, the one past them


def test_a_block_stops_at_its_second_line_when_its_count_says_so(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("name: Block\n10000x:\n" + "  1s @50%\n" * 5000)
    assert _codes(r) == ["E305"]
    assert r.diagnostics[0].span is not None and r.diagnostics[0].span.line == 2  # the block, as checks says
    assert len(tokenized) == 4
    # Nested counts multiply; exactly at the limit is fine.
    assert nmdsl.check("10x:\n  10x:\n    100x 1s @50%\n").ok
    assert _codes(nmdsl.check("10x:\n  10x:\n    100x 1s @50%\n    1s @40%\n")) == ["E305"]


def test_a_long_repeat_line_is_read_only_to_the_step_past_the_limit(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("6x " + " / ".join(["10s @50%"] * 100_000) + "\n")
    assert _codes(r) == ["E305"]
    (line,) = tokenized
    assert sum(t.type == "SLASH" for t in line.tokens) < MAX_EXPANDED_STEPS  # tokens of 10,000 steps, no more
    # The whole line within the limit is read and parsed (the driver takes
    # over its repeat's list instead of copying it at every step).
    assert nmdsl.check("1x " + " / ".join(["1s @50%"] * MAX_EXPANDED_STEPS) + "\n").ok


def test_a_line_without_its_slashes_is_a_syntax_error_at_its_third_item(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check(" ".join(["10s @50%"] * 100_000) + "\n")
    assert [(d.code, d.span.column if d.span else 0) for d in r.diagnostics] == [("E001", 10)]
    assert len(tokenized[0].tokens) <= MAX_LINE_ITEMS


def test_too_many_items_on_a_line(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("10m" + " @50%" * (MAX_LINE_ITEMS + 10) + "\n")
    assert _codes(r) == ["E305"] and "items" in r.diagnostics[0].message
    assert len(tokenized[0].tokens) == MAX_LINE_ITEMS


def test_cues_past_the_limit_stop_reading(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("20h @50%" + ' "Go" at 1h' * (MAX_EXPANDED_CUES + 1000) + "\n")
    assert _codes(r) == ["E305"] and "cues" in r.diagnostics[0].message
    assert sum(t.type == "STRING" for t in tokenized[0].tokens) == MAX_EXPANDED_CUES
    assert _codes(nmdsl.check('5001x 1s @50% "a" "b" "c" "d"\n')) == ["E305"]  # 20,004 once unrolled
    assert nmdsl.check('5000x 1s @50% "a" "b" "c" "d"\n').ok  # exactly 20,000


def test_the_whole_workout_check_counts_cues_too() -> None:
    """What importers rely on: run_checks refuses a model with too many cues."""
    from nmdsl.diagnostics import Report
    from nmdsl.language.checks import run_checks
    from nmdsl.model import Cue, PercentTarget, Repeat, Step, Workout

    step = Step(
        duration_s=1, target=PercentTarget(low_pct=50, high_pct=50), cues=(Cue(text="a"), Cue(text="b"))
    )
    for count, codes in ((MAX_EXPANDED_CUES // 2, []), (MAX_EXPANDED_CUES // 2 + 1, ["E305"])):
        report = Report()
        run_checks(Workout(steps=(Repeat(count=count, steps=(step,)),)), report)
        assert [d.code for d in report.items] == codes


def test_reading_stops_after_the_hundredth_error_E013(tokenized: list[Any]) -> None:
    import nmdsl

    r = nmdsl.check("10M @50%\n" * 1000)
    assert _codes(r) == ["E002"] * MAX_ERRORS + ["E013"]
    note = r.diagnostics[-1]
    assert note.span is not None and note.span.line == MAX_ERRORS + 1  # the first line not read
    assert note.message == "too many errors: checking stopped at line 101; lines 101-1,000 were not read"
    assert len(tokenized) == MAX_ERRORS
    # One line of many errors stops inside it.
    r = nmdsl.check("10m @50% " + "10M " * 1000 + "\n1m @50%\n")
    assert _codes(r) == ["E002"] * MAX_ERRORS + ["E013"]
    # Exactly 100 errors and nothing left to read: no note.
    assert _codes(nmdsl.check("10M @50%\n" * MAX_ERRORS)) == ["E002"] * MAX_ERRORS


def test_building_stops_after_the_hundredth_error_E013() -> None:
    import nmdsl

    r = nmdsl.check("0s @50%\n" * 150)
    assert _codes(r) == ["E201"] * MAX_ERRORS + ["E013"]
    assert r.diagnostics[-1].span is not None and r.diagnostics[-1].span.line == MAX_ERRORS + 1


def test_header_lines_past_the_keys_count_as_errors(tokenized: list[Any]) -> None:
    import nmdsl
    from nmdsl.language.lexer import HEADER_KEYS

    r = nmdsl.check("name: x\n" * 100_000 + "1m @50%\n")
    # Each header line past the first nine is sure to be an error, so reading
    # stops once there are 100 of those; the builder then reports them.
    assert len(tokenized) == MAX_ERRORS + len(HEADER_KEYS)
    assert _codes(r) == ["E103"] * (MAX_ERRORS + len(HEADER_KEYS) - 1) + ["E013"]


def test_a_long_item_is_refused_by_its_length_E210() -> None:
    import nmdsl

    for src in (
        "9" * 5000 + "x 1s @50%",
        "1s @Z" + "9" * 5000,
        "9" * 5000 + "s @50%",
        "10m @50% " + "x" * 10**6,
    ):
        r = nmdsl.check(src)
        assert _codes(r) == ["E210"], src[:20]
        assert len(r.diagnostics[0].message) < 200
    assert nmdsl.check("0" * (MAX_ITEM_CHARS - 3) + "1m @50%").ok  # 100 characters: fine


def test_a_quoted_line_is_a_window_around_the_caret() -> None:
    import nmdsl

    src = "1x " + " / ".join(["1m @50%"] * 5000) + " 30x @60% / 1m @50% / 1m @50% / 1m @50% / 1m @50%\n"
    r = nmdsl.check(src)
    (d,) = r.diagnostics
    assert d.code == "E001" and d.span is not None
    quoted, caret = render_diagnostic(d, r.source).splitlines()[1:3]
    text = quoted.split(" | ", 1)[1]
    assert len(text) == QUOTE_CHARS + 1 and text.startswith("\u2026") and text.endswith("%")
    at = caret.index("^")
    assert quoted[at : at + 3] == "30x" and caret.count("^") == 3
    # A 1 MB item: the window from the line's start, cut at its end; a short line is whole.
    r = nmdsl.check("10m @50% " + "x" * 10**6 + "\n")
    quoted = render_diagnostic(r.diagnostics[0], r.source).splitlines()[1].split(" | ", 1)[1]
    assert quoted.startswith("10m @50% x") and quoted.endswith("\u2026") and len(quoted) == QUOTE_CHARS + 1
    r = nmdsl.check("x" * 150 + " 1m @50% 2m")
    assert (
        render_diagnostic(r.diagnostics[0], r.source).splitlines()[1]
        == "    1 | " + "x" * 150 + " 1m @50% 2m"
    )


@pytest.mark.parametrize("chunk", [4, 7, 1 << 16])
def test_line_text_is_split_lines_without_splitting(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    import random

    from nmdsl import source

    monkeypatch.setattr(source, "_CHUNK", chunk)
    r = random.Random(13)
    for _ in range(200):
        text = "".join(
            r.choice(["a", "bc", "\n", "\r", "\r\n", " ", "\ufeff"]) for _ in range(r.randrange(40))
        )
        lines = split_lines(text)
        assert list(source.iter_lines(text)) == lines
        assert source.count_lines(text) == len(lines)
        order = list(range(len(lines) + 2))
        for n in order + r.sample(order, len(order)):  # in order (the cursor), then in any order
            assert source.line_text(text, n) == (lines[n - 1] if 1 <= n <= len(lines) else None), (text, n)


def test_warnings_past_the_hundredth_are_counted_W104(tmp_path: Path) -> None:
    from nmdsl.library import check_library

    f = tmp_path / "w.nm"
    f.write_text("sport: run\n" + "1km free\n" * 150, encoding="utf-8")
    (result,) = check_library([str(f)], jobs=1).files
    codes = [d.code for d in result.diagnostics]
    assert codes == ["W102"] * MAX_WARNINGS + ["W104"]
    assert "50 more warnings are not shown (150 in all)" in result.diagnostics[-1].message


def test_disable_comments_make_a_hundred_W103_at_most(tmp_path: Path) -> None:
    from nmdsl.library import check_library

    f = tmp_path / "w.nm"
    f.write_text("10m @50%\n" + "# nmdsl: disable=W999\n" * 1000, encoding="utf-8")
    (result,) = check_library([str(f)], jobs=1).files
    assert [d.code for d in result.diagnostics] == ["W103"] * MAX_WARNINGS
    assert result.diagnostics[-1].message.startswith("901 more codes in disable comments")


def test_an_import_shows_a_hundred_warnings_W104(tmp_path: Path) -> None:
    import nmdsl

    f = tmp_path / "w.zwo"
    f.write_text(
        '<workout_file><workout><SteadyState Duration="60" Power="0.5"/>'
        + "<Bogus/>" * 300
        + "</workout></workout_file>",
        encoding="utf-8",
    )
    result = nmdsl.load(f)
    assert result.ok and [d.code for d in result.diagnostics] == ["W501"] * MAX_WARNINGS + ["W104"]


class _Feeds:
    """Counts the bytes the ZWO importer feeds its XML parser."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from lxml import etree

        from nmdsl.formats.zwo import read as zwo

        self.fed = 0
        outer = self

        class Counting(etree.XMLPullParser):  # type: ignore[misc]
            def feed(self, data: bytes) -> None:
                outer.fed += len(data)
                super().feed(data)

        monkeypatch.setattr(zwo.etree, "XMLPullParser", Counting)


def _zwo_read(text: str) -> list[str]:
    from nmdsl.diagnostics import Report
    from nmdsl.formats.base import ReadOptions
    from nmdsl.formats.zwo.read import ZwoImporter

    report = Report()
    assert ZwoImporter().read(text.encode("utf-8"), report, ReadOptions()) is None
    return [d.code for d in report.items]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('<SteadyState Duration="1" Power="0.5"/>\n' * 100_000, "E305"),  # segments past 10,000
        ("</workout><x>" + "<y/>\n" * 200_000 + "</x><workout>", "E503"),  # elements past MAX_ELEMENTS
        # nested past 16 levels, early in the file
        (
            '<SteadyState Duration="60" Power="0.5">'
            + "<a>" * 20
            + "</a>" * 20
            + "</SteadyState>"
            + "<x/>" * 10**5,
            "E503",
        ),
    ],
)
def test_a_zwo_file_is_read_only_to_its_first_element_past_a_limit(
    monkeypatch: pytest.MonkeyPatch, body: str, code: str
) -> None:
    feeds = _Feeds(monkeypatch)
    text = f"<workout_file><workout>{body}</workout></workout_file>"
    assert _zwo_read(text) == [code]
    assert feeds.fed < len(text) / 2


def test_a_zwo_element_with_many_attributes_or_a_huge_tag_is_refused_E503() -> None:
    from nmdsl.formats.zwo.read import MAX_ATTRIBUTES, MAX_TAG_CHARS

    attrs = " ".join(f'a{i}="1"' for i in range(MAX_ATTRIBUTES + 1))
    for element in (
        f'<SteadyState Duration="1" {attrs}/>',
        f'<SteadyState Duration="1" a="{"x" * MAX_TAG_CHARS}"/>',
    ):
        assert _zwo_read(f"<workout_file><workout>{element}</workout></workout_file>") == ["E503"]


def test_an_erg_file_is_read_no_further_than_it_is_certain_to_be_refused() -> None:
    from nmdsl.diagnostics import Report
    from nmdsl.formats import for_suffix
    from nmdsl.formats.base import ReadOptions

    head = "[COURSE HEADER]\nFTP = 200\nMINUTES WATTS\n[END COURSE HEADER]\n[COURSE DATA]\n"

    def read(body: str) -> list[str]:
        report = Report()
        assert for_suffix(".erg").read((head + body).encode(), report, ReadOptions()) is None
        return [d.code for d in report.items]

    # Past 24 hours: the rows after it, broken as they are, are never read.
    assert read("0 100\n1440 100\n1441 100\n" + "x y z\n" * 1000 + "[END COURSE DATA]\n") == ["E305"]
    # After 100 errors: E013.
    assert read("x y z\n" * 1000 + "[END COURSE DATA]\n") == ["E523"] * MAX_ERRORS + ["E013"]
    # Cue rows past the cue limit.
    cues = "[COURSE TEXT]\n" + "10 Go\n" * (MAX_EXPANDED_CUES + 1) + "[END COURSE TEXT]\n"
    assert read("0 100\n10 100\n[END COURSE DATA]\n" + cues) == ["E305"]
