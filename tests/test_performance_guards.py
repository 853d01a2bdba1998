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

from nmdsl import _grammar
from nmdsl import parser as nm_parser
from nmdsl.lexer import split_lines

from .helpers import tokenized_lines

ROOT = Path(__file__).resolve().parents[1]


def _deep(x: Any) -> Any:
    """A CST node as plain data, tokens with their type, text and place."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__,) + tuple(_deep(getattr(x, f.name)) for f in dataclasses.fields(x))
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
        except Exception:  # noqa: BLE001 - syntax errors are not cached
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
        f"r = CliRunner().invoke(main, ['compile', {str(src)!r}, '-f', {fmt!r}, '-o', {str(tmp_path / 'out')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    assert "lxml" not in _imported_after(code)


@pytest.mark.parametrize("command", [["compile", "-f", "zwo"], ["compile", "-f", "fit"], ["check"], ["fmt"]])
def test_commands_do_not_import_pydantic_lark_or_lxml(command: list[str], tmp_path: Path) -> None:
    """pydantic (65 ms to import) is for the boundary: -f json, nmdsl schema, model_validate.

    lark only builds the parse tables when the grammar changed; lxml reads ZWO files and draws charts.
    """
    src = tmp_path / "s.nm"
    src.write_text("name: S\nftp: 250\nwarmup 10m ramp 45%-70%\n6x sprint 10s\n3x 30s @Z6 / 30s @50%\n", encoding="utf-8")
    argv = [command[0], str(src), *command[1:]] + (["-o", str(tmp_path / "out")] if command[0] == "compile" else [])
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
    monkeypatch.setattr(_grammar, "build_tables", lambda text: pytest.fail("the grammar was built from source"))
    try:
        result = check_library([str(tmp_path)], jobs=1)
    finally:
        for c in caches:
            c.cache_clear()
    assert len(result.files) == 12 and result.errors == 0
    assert len(loads) == 1


def test_memos_stay_bounded() -> None:
    from nmdsl.backends import erg, zwo
    from nmdsl.lexer import TerminalTable

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
    from nmdsl.backends import erg, zwo

    for seconds in (0, 1, 20, 123, 3599, 86_400):
        assert erg.minutes_text(seconds) == erg._minutes_text(seconds)
    for x in (0.0, -0.0, 1.0, 87.5, 227.994, 1 / 3, 150):
        assert erg.value_text(x) == erg._value_text(x)
    for pct in (0.0, -0.0, 0.0, 115.0, 66.67, 150, 1 / 3):
        assert zwo.power_text(pct) == zwo._power_text(pct)
    assert erg.reader_safe("LAP 3", cue=True) == erg._reader_safe("LAP 3", cue=True)


def test_crc_in_blocks_matches_byte_by_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from nmdsl import fitcodec as fc

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
    from nmdsl.reports import RENDERERS

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
