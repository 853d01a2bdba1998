"""Bounded fuzzing of the whole tool: check, compile (every format), import (every format).

Byte-level mutations of the shipped examples and of the files nmdsl writes
must give either a result or nmdsl's own diagnostics with positions inside
the input: never another exception.  Derandomized under CI (conftest), so a
finding is reproducible; a longer run is `HYPOTHESIS_PROFILE=dev` with more
examples.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nmdsl
from nmdsl.api import emit, load
from nmdsl.diagnostics import Diagnostic, NmdslError
from tests.conftest import PATHS

EXAMPLES = sorted(PATHS.examples.glob("*.nm"))
FORMATS = ["zwo", "erg", "mrc", "fit", "json", "icu"]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """A few random byte edits: flips, insertions, deletions, duplicated slices."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not out:
            out += draw(st.binary(min_size=1, max_size=4))
            continue
        i = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "byte"]))
        if op == "flip":
            out[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            out[i:i] = draw(
                st.sampled_from([b" ", b"\t", b"\n", b"  ", b"@", b"/", b"x", b":", b'"', b"#", b"-", b"0"])
            )
        elif op == "delete":
            del out[i : i + draw(st.integers(1, 8))]
        elif op == "dup":
            j = min(len(out), i + draw(st.integers(1, 40)))
            out[i:i] = out[i:j]
        else:
            out[i] = draw(st.integers(0, 255))
    return bytes(out)


def _positions_inside(diagnostics: list[Diagnostic], text: bytes | str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for d in diagnostics:
        if d.span is None:
            continue
        assert 1 <= d.span.line <= max(len(lines), 1), d
        assert d.span.column >= 1, d


def _sources() -> list[bytes]:
    assert EXAMPLES, "no examples"
    return [p.read_bytes() for p in EXAMPLES]


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(_sources()).flatmap(mutated))
def test_mutated_sessions_check_and_compile_cleanly(data: bytes) -> None:
    result = nmdsl.check(data, filename="fuzz.nm", ftp_w=250)
    _positions_inside(result.diagnostics, data)
    if result.workout is None:
        assert result.errors
        return
    for fmt in FORMATS:
        try:
            out = emit(result.workout, fmt, filename="fuzz.nm")
            assert out.data
        except NmdslError as exc:
            assert exc.diagnostics and all(isinstance(d, Diagnostic) for d in exc.diagnostics)


def _compiled() -> list[tuple[str, bytes]]:
    out = []
    for p in EXAMPLES:
        w = nmdsl.parse_file(p, ftp_w=250)
        for fmt in ("zwo", "erg", "mrc", "fit"):
            with contextlib.suppress(NmdslError):  # e.g. a run session as ERG
                out.append((fmt, emit(w, fmt).data))
    return out


COMPILED = _compiled()


@settings(
    max_examples=120,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(st.sampled_from(COMPILED).flatmap(lambda fd: st.tuples(st.just(fd[0]), mutated(fd[1]))))
def test_mutated_files_import_cleanly(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, bytes]
) -> None:
    fmt, data = case
    path = tmp_path_factory.mktemp("fuzz") / f"mutant.{fmt}"
    path.write_bytes(data)
    result = load(path)
    if fmt != "fit":
        _positions_inside(result.diagnostics, data)
    if result.workout is None:
        assert result.errors
    else:
        # What an import writes always reads back.
        assert result.source is not None
        nmdsl.parse(result.source)


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_across_hash_seeds(fmt: str, tmp_path: Path) -> None:
    example = PATHS.examples / "attacks.nm"
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-m", "nmdsl", "compile", str(example), "-f", fmt, "-o", "-"],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.add(out.stdout)
    assert len(outputs) == 1
    assert next(iter(outputs))


CORPUS = sorted(
    p for p in (PATHS.tests / "fuzz_corpus").iterdir() if p.suffix in (".nm", ".zwo", ".erg", ".mrc", ".fit")
)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_fuzz_corpus_replays_cleanly(path: Path) -> None:
    """Findings of tools/fuzz.py (and chosen hostile inputs) stay fixed."""
    if path.suffix == ".nm":
        data = path.read_bytes()
        result = nmdsl.check(data, filename=path.name, ftp_w=250)
        _positions_inside(result.diagnostics, data)
        if result.workout is not None:
            for fmt in FORMATS:
                try:
                    emit(result.workout, fmt)
                except NmdslError as exc:
                    assert exc.diagnostics
        else:
            assert result.errors
        return
    result = load(path)
    if result.workout is None:
        assert result.errors and all(d.file == str(path) for d in result.errors)
    else:
        assert result.source is not None
        nmdsl.parse(result.source)
