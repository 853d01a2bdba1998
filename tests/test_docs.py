"""The docs and the code say the same thing: zone bounds and drill defaults.

The tables are written in nmdsl syntax, so they are checked by parsing them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import nmdsl
from nmdsl.language import drills
from nmdsl.model import Step, ZoneTarget

from .conftest import PATHS
from .helpers import without_spans


def _doc(name: str) -> str:
    path = PATHS.docs / name
    assert path.is_file(), f"{path} is missing"
    return path.read_text(encoding="utf-8")


def _step(src: str) -> Step:
    w = nmdsl.parse(src)
    (s,) = w.steps
    assert isinstance(s, Step)
    return s


def _plain(node: Any) -> Any:
    """A node's content without source spans (defaults have none)."""
    return without_spans(node)


@pytest.mark.parametrize("zone", range(1, 8))
def test_zone_table_matches_the_code(zone: int) -> None:
    rows = [line for line in _doc("language.md").splitlines() if line.startswith(f"| `@Z{zone}` |")]
    assert rows, f"docs/language.md has no table row for @Z{zone}"
    m = re.search(r"\|\s*(\d+)-(\d+)%\s*\|\s*$", rows[0])
    assert m, rows[0]
    target = _step(f"1m @Z{zone}").target
    assert isinstance(target, ZoneTarget)
    assert (target.low_pct, target.high_pct) == (float(m[1]), float(m[2]))


DEFAULT_ROW = re.compile(
    r"^\| `(?P<drill>[\w-]+)` \| (?P<sport>bike|run) \| `(?P<target>[^`]+)`[^|]*\| "
    r"(?:`(?P<cadence>[^`]+)`|none) \| `(?P<recovery>[^`]+)`"
)


def _default_rows() -> dict[tuple[str, str], dict[str, str | None]]:
    rows = {}
    for line in _doc("drills.md").splitlines():
        m = DEFAULT_ROW.match(line)
        if m:
            rows[(m["drill"], m["sport"])] = m.groupdict()
    return rows


def test_every_drill_default_is_in_the_docs_table() -> None:
    documented = set(_default_rows())
    in_code = {(d, s) for s, table in drills.DEFAULTS.items() for d in table}
    assert documented == in_code


@pytest.mark.parametrize(("drill", "sport"), [(d, s) for s, table in drills.DEFAULTS.items() for d in table])
def test_drill_defaults_table_matches_the_code(drill: str, sport: str) -> None:
    row = _default_rows().get((drill, sport))
    assert row is not None, f"docs/drills.md has no row for {drill} ({sport})"
    d = drills.defaults(drill, sport)  # type: ignore[arg-type]
    assert d is not None
    header = f"sport: {sport}\n"
    assert _plain(_step(f"{header}1m {row['target']}").target) == _plain(d.target)
    if row["cadence"] is None:
        assert d.cadence is None
    else:
        assert _plain(_step(f"1m @50% {row['cadence']}").cadence) == _plain(d.cadence)
    recovery = _step(f"{header}{row['recovery']}")
    assert recovery.duration_s == d.recovery.duration_s
    assert _plain(recovery.target) == _plain(d.recovery.target)


@pytest.mark.parametrize("page", ["language.md", "drills.md", "formats.md", "api.md", "ci.md"])
def test_every_nm_block_in_the_docs_checks_clean(page: str, tmp_path: Path) -> None:
    """The reference promises its examples check with no errors and no warnings (lints included)."""
    import re

    from nmdsl.library import check_library

    text = (PATHS.docs / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```nm\n(.*?)```", text, re.S)
    for i, block in enumerate(blocks):
        (tmp_path / f"block{i:02}.nm").write_text(block, encoding="utf-8")
    result = check_library([str(tmp_path)], jobs=1)
    found = [(Path(f.file).name, d.code, d.message) for f in result.files for d in f.diagnostics]
    # W701: blocks may share a name; that is about libraries, not examples.
    assert [x for x in found if x[1] != "W701"] == []


def test_api_page_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/api.md: every Python example is a doctest, run from the repository root."""
    import doctest

    monkeypatch.chdir(PATHS.docs.parent)
    failures, tried = doctest.testfile(
        str(PATHS.docs / "api.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert tried > 40 and failures == 0


def test_help_texts_in_the_docs_are_the_real_ones() -> None:
    """Every ``$ nmdsl ... --help`` block in the docs is what the command prints in an
    80-column terminal (click wraps at 78)."""
    import shlex

    from click.testing import CliRunner

    from nmdsl.cli import main

    seen = 0
    for page in sorted(PATHS.docs.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for command, shown in re.findall(r"```text\n\$ (nmdsl [^\n]*--help)\n(.*?)```", text, re.S):
            args = shlex.split(command)[1:]
            result = CliRunner().invoke(main, args, prog_name="nmdsl", terminal_width=78)
            assert result.exit_code == 0, result.output
            assert result.output == shown, f"{page.name}: {command}"
            seen += 1
    assert seen >= 5
