"""The CI recipe in docs/ci.md, the pre-commit hooks, and shell completion."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PATHS


def _workflow() -> dict[str, object]:
    yaml = pytest.importorskip("yaml")
    text = (PATHS.docs / "ci.md").read_text(encoding="utf-8")
    m = re.search(r"```yaml\n(name: workouts\n.*?)```", text, re.S)
    assert m, "docs/ci.md lost its GitHub Actions workflow"
    doc = yaml.safe_load(m.group(1))
    assert isinstance(doc, dict)
    return doc


def _nmdsl(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [sys.executable, "-m", "nmdsl", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_the_documented_workflow_annotates_a_broken_workout(tmp_path: Path) -> None:
    steps = _workflow()["jobs"]["check"]["steps"]  # type: ignore[index]
    commands = [shlex.split(s["run"]) for s in steps if "run" in s]
    # The install step is what CI does; here nmdsl is installed already.
    assert commands[0][:4] == ["python", "-m", "pip", "install"]
    nmdsl_steps = [c for c in commands if c[0] == "nmdsl"]
    assert nmdsl_steps == [["nmdsl", "check", "--format", "github", "."]]

    repo = tmp_path / "library"
    (repo / "sprints").mkdir(parents=True)
    (repo / "sprints" / "good.nm").write_text("name: Good\n10m @60%\n6x sprint 10s\n", encoding="utf-8")
    (repo / "sprints" / "bad.nm").write_text("name: Bad\n10m @60%\n5m @94-88%\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)

    for args in nmdsl_steps:
        out = _nmdsl(args[1:], repo)
        assert out.returncode == 1, out.stderr
        assert out.stdout.splitlines()[0].startswith(
            "::error file=sprints/bad.nm,line=3,col=4,endLine=3,endColumn=11,title=E204 "
        )
    (repo / "sprints" / "bad.nm").write_text("name: Bad\n10m @60%\n5m @88-94%\n", encoding="utf-8")
    assert _nmdsl(nmdsl_steps[0][1:], repo).returncode == 0


def test_pre_commit_manifest_is_valid() -> None:
    pytest.importorskip("pre_commit")
    out = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(PATHS.root / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((PATHS.root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"]: h["entry"] for h in hooks} == {"nmdsl-check": "nmdsl check", "nmdsl-fmt": "nmdsl fmt"}
    assert all(
        re.search(h["files"], "workouts/a.nm") and not re.search(h["files"], "a.nm.bak") for h in hooks
    )


def test_pre_commit_check_hook_entry_works_on_staged_files(tmp_path: Path) -> None:
    # pre-commit calls `entry` with the staged file names appended.
    (tmp_path / "a.nm").write_text("10m @60%\n", encoding="utf-8")
    (tmp_path / "b.nm").write_text("10m @60\n", encoding="utf-8")
    out = _nmdsl(["check", "a.nm", "b.nm"], tmp_path)
    assert out.returncode == 1 and "b.nm:1:5: error[E002]" in out.stderr


def test_bash_completion_script() -> None:
    env = {**os.environ, "_NMDSL_COMPLETE": "bash_source"}
    out = subprocess.run([sys.executable, "-m", "nmdsl"], capture_output=True, text=True, env=env)
    assert out.returncode == 0
    assert "complete -o nosort -F _nmdsl_completion nmdsl" in out.stdout
