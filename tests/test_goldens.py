"""Golden tests.

* ``tests/cases/NAME.nm`` -> ``NAME.json``: what ``nmdsl compile NAME.nm -f json -o -`` writes.
* ``tests/errors/NAME.nm`` -> ``NAME.err``: what ``nmdsl check NAME.nm`` prints to stderr
  (run from ``tests/errors`` so the file name in the messages is relative and stable).

``pytest --update-goldens`` rewrites the expected files; read every one of
them before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nmdsl
from nmdsl.cli import main

from .conftest import PATHS

CASES = sorted(PATHS.cases.glob("*.nm"))
ERRORS = sorted(PATHS.errors.glob("*.nm"))


def test_there_are_goldens() -> None:
    assert len(CASES) >= 3 and len(ERRORS) >= 3


def _compare(expected_path: Path, actual: bytes, update: bool) -> None:
    if update:
        expected_path.write_bytes(actual)
        return
    assert expected_path.is_file(), f"{expected_path} is missing; run pytest --update-goldens and read it"
    expected = expected_path.read_bytes()
    assert actual.decode("utf-8") == expected.decode("utf-8"), f"{expected_path.name} differs"


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.stem)
def test_case(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["compile", source.name, "-f", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    _compare(source.with_suffix(".json"), result.stdout_bytes, update_goldens)
    # The JSON is the model: it reads back into the same workout.
    assert nmdsl.Workout.model_validate_json(result.stdout_bytes) == nmdsl.parse_file(source)
    assert not (source.parent / "-").exists()


@pytest.mark.parametrize("source", ERRORS, ids=lambda p: p.stem)
def test_error(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["check", source.name])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    _compare(source.with_suffix(".err"), result.stderr.encode("utf-8"), update_goldens)
    has_errors = any(d.is_error for d in nmdsl.check_file(source).diagnostics)
    assert result.exit_code == (1 if has_errors else 0)


def test_case_goldens_are_valid_json() -> None:
    for source in CASES:
        data = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
        assert set(data) == {"meta", "steps"}
