#!/usr/bin/env python3
"""A longer fuzzing run than the test suite's: mutate examples and compiled files.

    python3 tools/fuzz.py --seconds 600 --seed 1

Every input that makes nmdsl raise anything but its own diagnostics (or
hang past --timeout) is saved in tests/fuzz_corpus/, where
tests/test_fuzz.py replays it on every run: a finding becomes a regression
test by being committed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import nmdsl  # noqa: E402
from nmdsl.api import emit, load  # noqa: E402
from nmdsl.diagnostics import NmdslError  # noqa: E402

CORPUS = ROOT / "tests" / "fuzz_corpus"
INSERTS = [b" ", b"\t", b"\n", b"\r", b"@", b"/", b"x", b":", b'"', b"#", b"-", b"0", b"9" * 12, b"\xff", b"<!--", b"]"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not out:
            out += bytes([rng.randrange(256)])
            continue
        i = rng.randrange(len(out))
        op = rng.randrange(5)
        if op == 0:
            out[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[i:i] = rng.choice(INSERTS)
        elif op == 2:
            del out[i : i + rng.randint(1, 16)]
        elif op == 3:
            j = min(len(out), i + rng.randint(1, 64))
            out[i:i] = out[i:j] * rng.randint(1, 3)
        else:
            out[i] = rng.randrange(256)
    return bytes(out)


def seeds() -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for p in sorted((ROOT / "examples").glob("*.nm")):
        data = p.read_bytes()
        found.append(("nm", data))
        w = nmdsl.parse(data, ftp_w=250)
        for fmt in ("zwo", "erg", "mrc", "fit"):
            try:
                found.append((fmt, emit(w, fmt).data))
            except NmdslError:
                pass
    return found


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout()


def run_one(kind: str, data: bytes, tmp: Path) -> None:
    if kind == "nm":
        result = nmdsl.check(data, filename="fuzz.nm", ftp_w=250)
        if result.workout is not None:
            for fmt in ("zwo", "erg", "mrc", "fit", "json"):
                try:
                    emit(result.workout, fmt)
                except NmdslError:
                    pass
        return
    path = tmp / f"fuzz.{kind}"
    path.write_bytes(data)
    result = load(path)
    if result.source is not None:
        nmdsl.parse(result.source)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=5, help="seconds one input may take")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = seeds()
    signal.signal(signal.SIGALRM, _alarm)
    end = time.monotonic() + args.seconds
    runs = findings = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        while time.monotonic() < end:
            kind, base = rng.choice(pool)
            data = mutate(rng, base)
            runs += 1
            signal.alarm(args.timeout)
            try:
                run_one(kind, data, tmp)
            except NmdslError:
                pass
            except (Exception, Timeout) as exc:  # a finding
                findings += 1
                name = hashlib.sha256(data).hexdigest()[:16] + "." + kind
                CORPUS.mkdir(parents=True, exist_ok=True)
                (CORPUS / name).write_bytes(data)
                print(f"finding: {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                traceback.print_exc(limit=3)
            finally:
                signal.alarm(0)
    print(f"{runs} inputs, {findings} findings (saved in {CORPUS.relative_to(ROOT)})")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
