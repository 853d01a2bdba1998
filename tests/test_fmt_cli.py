"""``nmdsl fmt`` on the command line: rewrite, --check, --diff, stdin, errors."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from nmdsl.cli import main

MESSY = "name: X\n\n\n10min   @88%-94%   # keep me\n3x:\n    30s @150% / 30s @50%\n"
CLEAN = "name: X\n\n10m @88-94%  # keep me\n3x:\n  30s @150% / 30s @50%\n"


def test_fmt_rewrites_in_place_keeping_mode_and_comments(tmp_path: Path) -> None:
    f = tmp_path / "a.nm"
    f.write_text(MESSY, encoding="utf-8")
    os.chmod(f, 0o640)
    r = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert f.read_text(encoding="utf-8") == CLEAN
    assert f.stat().st_mode & 0o777 == 0o640
    assert f"reformatted {f}" in r.output and "1 file reformatted, 0 unchanged" in r.output
    r = CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)])
    assert r.exit_code == 0 and "0 files would be reformatted, 1 left unchanged" in r.output


def test_fmt_check_and_diff_write_nothing(tmp_path: Path) -> None:
    f = tmp_path / "a.nm"
    f.write_text(MESSY, encoding="utf-8")
    r = CliRunner().invoke(main, ["fmt", "--check", "--diff", str(f)])
    assert r.exit_code == 1
    assert f.read_text(encoding="utf-8") == MESSY
    assert r.output.splitlines()[0] == str(f)
    assert "-10min   @88%-94%   # keep me" in r.output and "+10m @88-94%  # keep me" in r.output
    r = CliRunner().invoke(main, ["fmt", "--diff", str(f)])
    assert r.exit_code == 0  # --diff alone reports, like black


def test_fmt_leaves_files_with_errors_alone(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nm"
    bad.write_text("5m  @94-88%\n", encoding="utf-8")
    good = tmp_path / "good.nm"
    good.write_text(MESSY, encoding="utf-8")
    r = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert r.exit_code == 1
    assert bad.read_text(encoding="utf-8") == "5m  @94-88%\n"
    assert good.read_text(encoding="utf-8") == CLEAN
    assert "bad.nm:1:5: error[E204]" in r.output
    assert "1 file reformatted, 0 unchanged, 1 with errors" in r.output


def test_fmt_stdin_to_stdout() -> None:
    r = CliRunner().invoke(main, ["fmt", "-"], input=MESSY)
    assert r.exit_code == 0
    assert r.stdout == CLEAN
