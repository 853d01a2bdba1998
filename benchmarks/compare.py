#!/usr/bin/env python3
"""Two nmdsl installations side by side, in one run: is one slower than the other?

    python3 benchmarks/compare.py --before /tmp/venv-before/bin/python --after /tmp/venv/bin/python
    python3 benchmarks/compare.py ... --files 2000 --rounds 7 --single-reps 30

Each interpreter must have nmdsl installed (its console script beside it, as
``benchmarks/library.py`` uses).  The measurements alternate between the two,
before, after, before, after, so both see the same noise of a shared machine:

* a one-file compile as a whole process (``nmdsl compile FILE -f zwo -o
  OUT``, the command an editor or a script runs most), median of
  ``--single-reps`` runs per round, for a short real session (the repository's
  ``examples/attacks.nm``) and for ``benchmarks/library.py``'s single session;
* ``nmdsl check LIBRARY --jobs 1`` over a library of ``--files`` generated
  sessions (``benchmarks/library.py``'s generator, every file valid and
  compiled to its targets), as files per second, one run per round, and
  ``--jobs`` left to nmdsl (all CPUs).

It prints a markdown table of medians over the rounds, with the ratio after /
before (above 1.00: after is slower).  No clock is asserted anywhere: this is
for reading, and for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library import build_library, single_session
from run import ROOT, machine


def _script(python: str) -> list[str]:
    exe = Path(python).parent / "nmdsl"
    return [str(exe)] if exe.is_file() else [python, "-m", "nmdsl"]


#: As users run nmdsl: bytecode is written and used (a PYTHONDONTWRITEBYTECODE
#: in the caller's environment would make one side compile its sources every time).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(argv: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(
        argv, cwd=cwd, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="the Python of the installation before the change")
    ap.add_argument("--after", required=True, help="the Python of the installation after the change")
    ap.add_argument("--files", type=int, default=2000, help="library size for the check (default 2000)")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    ap.add_argument("--single-reps", type=int, default=20, help="compile runs per round (default 20)")
    ap.add_argument("--note", help="a line for the machine table")
    args = ap.parse_args()

    sides = {"before": _script(args.before), "after": _script(args.after)}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        library = tmp / "library"
        build_library(library, args.files)
        single = tmp / "single.nm"
        single.write_text(single_session(), encoding="utf-8")
        attacks = ROOT / "examples" / "attacks.nm"
        samples: dict[tuple[str, str], list[float]] = {}

        def add(what: str, side: str, value: float) -> None:
            samples.setdefault((what, side), []).append(value)

        # Warm-up: the first run of an installation writes its bytecode.
        for exe in sides.values():
            _time([*exe, "compile", str(attacks), "-f", "zwo", "-o", str(tmp / "warm.zwo")], tmp)
            _time([*exe, "check", str(library), "--jobs", "1"], tmp)
        for rnd in range(args.rounds):
            order = ("before", "after") if rnd % 2 == 0 else ("after", "before")
            for side in order:
                exe = sides[side]
                files = (("compile attacks.nm -f zwo", attacks), ("compile library session -f zwo", single))
                for name, path in files:
                    runs = [
                        _time([*exe, "compile", str(path), "-f", "zwo", "-o", str(tmp / f"{side}.zwo")], tmp)
                        for _ in range(args.single_reps)
                    ]
                    add(name, side, statistics.median(runs) * 1000)
                for jobs in ("1", None):
                    argv = [*exe, "check", str(library)] + (["--jobs", jobs] if jobs else [])
                    label = f"check {args.files:,} files, " + ("--jobs 1" if jobs else "all CPUs")
                    add(label, side, args.files / _time(argv, tmp))
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)

    print(machine(args.note))
    print()
    print(
        f"Medians over {args.rounds} alternating rounds; "
        f"a compile is the median of {args.single_reps} runs."
    )
    print()
    print("| measurement | before | after | after / before |")
    print("|---|---:|---:|---:|")
    whats = list(dict.fromkeys(w for w, _ in samples))
    for what in whats:
        b = statistics.median(samples[(what, "before")])
        a = statistics.median(samples[(what, "after")])
        if what.startswith("compile"):
            print(f"| `nmdsl {what}` (ms) | {b:.1f} | {a:.1f} | {a / b:.2f} |")
        else:
            # Throughput: higher is better, so the ratio is of times (before / after rates).
            print(f"| `nmdsl {what}` (files/s) | {b:,.0f} | {a:,.0f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
