"""Shared test configuration: hypothesis profiles, --update-goldens, paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"

# Under CI the properties must be reproducible: same examples on every run, no
# deadline (a slow CI machine is not a bug), and a moderate number of examples
# so the whole suite stays well under a minute.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the expected files of the golden tests (tests/cases, tests/errors); "
        "read every rewritten file before committing it",
    )


@dataclass(frozen=True)
class Paths:
    """Where things are, independent of the directory pytest runs from."""

    root: Path = ROOT
    tests: Path = TESTS
    cases: Path = TESTS / "cases"
    errors: Path = TESTS / "errors"
    examples: Path = ROOT / "examples"
    docs: Path = ROOT / "docs"
    grammar: Path = ROOT / "grammar" / "nmdsl.lark"
    #: Material shared between sessions (corpus of real files); may be absent.
    shared: Path = ROOT.parent / "shared"

    def require_shared(self, *parts: str) -> Path:
        """The path under ../shared, or skip the test cleanly when it is absent."""
        path = self.shared.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"{path} is absent (../shared is not available here)")
        return path


PATHS = Paths()


@pytest.fixture(scope="session")
def paths() -> Paths:
    return PATHS


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))
