"""Golden files for every `nmdsl check --format`: text, json, github, sarif.

tests/reports/library/ is a small library with an error file, a lint, a
warning and a duplicate name; tests/reports/expected.FORMAT is what check
prints for it, run from tests/reports/ so paths are relative and stable.
`pytest --update-goldens` rewrites them: read each one before committing.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from nmdsl.cli import main

from .conftest import PATHS

HERE = PATHS.tests / "reports"


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_check_report_golden(fmt: str, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    r = CliRunner().invoke(main, ["check", "--format", fmt, "--jobs", "1", "library"])
    assert r.exit_code == 1
    out = r.stderr if fmt == "text" else r.stdout
    expected = HERE / f"expected.{fmt}"
    if update_goldens:
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8")
