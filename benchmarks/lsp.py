#!/usr/bin/env python3
"""Measure the language server's work after a change: diagnostics for a 300-line session.

    python3 benchmarks/lsp.py            # print the results as markdown
    python3 benchmarks/lsp.py --write    # ... and rewrite this script's results
                                         #     section of docs/performance.md
    python3 benchmarks/lsp.py --quick    # a smoke run (fewer rounds)

What it does:

1. Makes a 300-line bike session from a deterministic generator (header,
   warm-up, steps with %FTP, watts, zones, ramps, cadence and cues with an
   emoji, one-line repeats, nested blocks, drills, comments and blank lines).
2. Plays an editor's typing: every round changes one line in the middle
   (a new target on the first step from line 150) and times what the server
   does before it publishes: :class:`nmdsl.lsp.document.Document` (the
   configuration, the check, the lints, the rules, the disable comments) and
   the conversion to the protocol's diagnostics, UTF-16 ranges included;
   first as the server's first publication (without compiling), then with
   the compiling to ZWO, ERG, MRC and FIT in memory that completes
   ``nmdsl check``'s work.  In-process, warm (after warm-up rounds), as the
   server runs: one long-lived process.  CPU time (``time.thread_time``) is
   the processing; the wall-clock time beside it also counts the waits for a
   CPU that other processes held.
3. Does the same with the changed line broken (a typo, E002: the formats are
   not compiled then), and times the requests that follow a change on the
   same text: inlay hints for the whole document (the first request after a
   change also builds the line times), symbols, a hover and a completion.

The debounce (``nmdsl.lsp.server.DEBOUNCE_S``, 150 ms) comes before this
processing: it is the pause the typing must make, not work.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib.metadata import version as _version
from pathlib import Path

from lsprotocol import types

from nmdsl.library.config import Config
from nmdsl.lsp import features
from nmdsl.lsp.document import Document

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/lsp.py: results begin -->"
END = "<!-- benchmarks/lsp.py: results end -->"
#: The changed line is the first top-level step from this line on (so the change is a step's).
MIDDLE = 150


def session(lines: int = 300) -> list[str]:
    """A realistic bike session of exactly ``lines`` lines."""
    out = [
        "# A long session for the language server's benchmark",
        "name: Benchmark 300",
        "author: nmdsl benchmarks",
        "tags: threshold, vo2max, sprints",
        "ftp: 265",
        "",
        "warmup 15m ramp 45%-70% 85-95rpm",
    ]
    shapes = [
        lambda i: f'{3 + i % 5}m @{70 + i % 25}% "Steady 🚴 {i}"',
        lambda i: f'{4 + i % 4}x 30s @{140 + i % 30}% 100-110rpm "Go!" / 30s @50%',
        lambda i: "2x:",
        lambda i: f"  {1 + i % 3}m @Z{1 + i % 5}",
        lambda i: f"  rest {1 + i % 2}m",
        lambda i: f'{5 + i % 3}m @{200 + i % 60}-{220 + i % 60}W "Hold it" "Last minute" at 4m',
        lambda i: f"# set {i}",
        lambda i: f"6x sprint {8 + i % 5}s",
        lambda i: "",
        lambda i: f"{2 + i % 4}m ramp {50 + i % 10}%-{80 + i % 10}%",
    ]
    i = 0
    while len(out) < lines - 1:
        out.append(shapes[i % len(shapes)](i))
        i += 1
    out.append("cooldown 10m ramp 60%-40%")
    return out


def _time(fn: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    """(wall-clock ms, this thread's CPU ms) of each round."""
    wall, cpu = [], []
    for _ in range(rounds):
        t, c = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return wall, cpu


def _row(name: str, times: tuple[list[float], list[float]], note: str = "") -> str:
    wall, cpu = sorted(times[0]), sorted(times[1])
    p90 = cpu[min(len(cpu) - 1, int(len(cpu) * 0.9))]
    return (
        f"| {name} | {len(cpu)} | **{statistics.median(cpu):.1f}** | {p90:.1f} | {cpu[-1]:.1f} "
        f"| {statistics.median(wall):.1f} | {note} |"
    )


def measure(rounds: int) -> str:
    lines = session()
    assert len(lines) == 300
    changed_at = next(
        n
        for n in range(MIDDLE, 300)
        if lines[n - 1][:1].isdigit() and not lines[n - 1].endswith(":") and not lines[n][:1].isspace()
    )
    config = Config(ftp_w=265)
    counter = iter(range(10**9))

    def text(broken: bool) -> str:
        n = next(counter)
        changed = f'{5 + n % 7}m @{60 + n % 30}% "Changed {n}"'
        if broken:
            changed = f"{5 + n % 7}min @{60 + n % 30}% 30sec"
        return "\n".join([*lines[: changed_at - 1], changed, *lines[changed_at:]]) + "\n"

    def diagnostics(broken: bool, formats: bool = True) -> Callable[[], object]:
        def run() -> object:
            doc = Document(text(broken), "/bench/session.nm", config=config, formats=formats)
            found = doc.lsp_diagnostics()
            assert bool(found) == broken, found
            return found

        return run

    def completed(rounds: int) -> tuple[list[float], list[float]]:
        """The server's order: the quick check, published; then the rest of the work on it (timed alone)."""
        wall, cpu = [], []
        for _ in range(rounds):
            quick = Document(text(False), "/bench/session.nm", config=config, formats=False)
            t, c = time.perf_counter(), time.thread_time()
            found = quick.completed().lsp_diagnostics()
            cpu.append((time.thread_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
            assert not found
        return wall, cpu

    for _ in range(max(3, rounds // 10)):
        diagnostics(False)()
        diagnostics(True)()
    rows = [
        _row(
            "first publication after a change: checked, linted, rules applied (valid)",
            _time(diagnostics(False, formats=False), rounds),
            "what the server publishes first",
        ),
        _row(
            "then the complete set: also compiled to ZWO, ERG, MRC, FIT (valid)",
            completed(rounds),
            "from the first's check",
        ),
        _row(
            "the complete set from scratch (valid)",
            _time(diagnostics(False), rounds),
            "`nmdsl check`'s whole work",
        ),
        _row(
            "first publication after a change that breaks the line (E002)",
            _time(diagnostics(True, formats=False), rounds),
            "",
        ),
    ]
    doc_text = text(False)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=300, character=0))

    def fresh() -> Document:
        return Document(doc_text, "/bench/session.nm", config=config, formats=False)

    # The first request after a change also builds the line times: its cost is
    # the difference between a check with it and a check alone.
    with_inlay = _time(lambda: features.inlay_hints(fresh(), whole), rounds)
    alone = _time(fresh, rounds)
    inlay = (
        [a - b for a, b in zip(with_inlay[0], alone[0], strict=True)],
        [a - b for a, b in zip(with_inlay[1], alone[1], strict=True)],
    )
    check = fresh()
    check.structure  # noqa: B018 - built once, as the first request after a change builds it
    rows.append(_row("inlay hints, whole document, first request after a change", inlay, "less the check"))
    rows.append(
        _row("inlay hints, whole document, again", _time(lambda: features.inlay_hints(check, whole), rounds))
    )
    rows.append(_row("document symbols", _time(lambda: features.document_symbols(check), rounds)))
    at = types.Position(line=changed_at - 1, character=2)
    rows.append(_row("hover on the changed line", _time(lambda: features.hover(check, at), rounds)))
    rows.append(_row("completion on the changed line", _time(lambda: features.completion(check, at), rounds)))
    head = (
        "### Diagnostics and requests for a 300-line session (in-process, warm; milliseconds)\n\n"
        "CPU time of the server's thread (median, 90th percentile, maximum), and the median wall-clock\n"
        "time, which on a shared machine also counts the time other processes held the CPU.\n\n"
        "| what | rounds | CPU median | CPU p90 | CPU max | wall median | note |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    return head + "\n".join(rows) + "\n"


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "unknown"
    rows = [
        ("date", _dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("nmdsl / pygls / lsprotocol", " / ".join(_version(d) for d in ("nmdsl", "pygls", "lsprotocol"))),
        ("CPU", f"{cpu}; usable CPUs {len(os.sched_getaffinity(0))}"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("load average at start (1, 5, 15 min)", load),
    ]
    return "### Machine\n\n| | |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--write", action="store_true", help=f"rewrite the results section of {DOC.relative_to(ROOT)}"
    )
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, not for the docs)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    body = machine() + "\n" + measure(20 if args.quick else 200)
    body += f"\n_Benchmark run time: {time.perf_counter() - t0:.0f} s{' (--quick)' if args.quick else ''}._\n"
    print(body)
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        if BEGIN not in doc or END not in doc:
            sys.exit(f"{DOC}: the markers {BEGIN!r} and {END!r} are missing")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n\n{body}\n{END}{tail}", encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
