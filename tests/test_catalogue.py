"""The error catalogue: every diagnostic code is documented and exercised by a test.

A code that exists without a docs heading (docs/diagnostics.md or a format
page) or without a test that names it fails here.  "Names it" is checked in
the test sources: a test that triggers a code asserts that code.
"""

from __future__ import annotations

import re

import pytest

from nmdsl.library.codes import all_codes
from tests.conftest import PATHS

CODES = sorted(all_codes())


def _test_sources() -> str:
    here = PATHS.tests
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted(here.rglob("test_*.py"))
        if p.name != "test_catalogue.py"
    ) + "\n".join(p.read_text(encoding="utf-8") for p in sorted(here.rglob("*.err")))


SOURCES = _test_sources()


@pytest.mark.parametrize("code", CODES)
def test_code_is_exercised_by_a_test(code: str) -> None:
    assert re.search(rf"\b{code}\b", SOURCES), f"no test names {code}"


def test_codes_are_well_formed_and_titled() -> None:
    for code, entry in all_codes().items():
        assert re.fullmatch(r"[EW][0-9]{3}", code), code
        assert entry.code == code and entry.title and entry.title == entry.title.strip()
        assert (code[0] == "E") == (entry.severity.value == "error"), code
