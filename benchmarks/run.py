#!/usr/bin/env python3
"""Measure nmdsl's speed on this machine: start-up, parser, throughput, memory.

    python3 benchmarks/run.py            # print the results as markdown
    python3 benchmarks/run.py --write    # ... and rewrite the results section
                                         #     of docs/performance.md
    python3 benchmarks/run.py --quick    # fewer repetitions (a smoke run)

Plain Python: it needs nmdsl installed (``pip install -e .``) and nothing
else.  Every number is the median of repeated runs, with the spread given as
the interquartile range (p25-p75) and the minimum.  Start-up is measured in
fresh processes (``subprocess``), so it includes the interpreter itself; the
baseline row ``python3 -c pass`` says how much of it is not nmdsl's.

``--interegular-path DIR`` adds DIR (e.g. made with
``pip install --target DIR interegular``) to the path of the grammar-building
measurement only, to see what lark's optional ``interegular`` check costs
without installing it into the environment.

Parts of this file run as worker subprocesses of itself (``--_worker``), so
that each measurement that must start cold gets a fresh interpreter.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/run.py: results begin -->"
END = "<!-- benchmarks/run.py: results end -->"
PY = sys.executable

SMALL = """\
name: Attacks
tags: anaerobic, attacks
ftp: 260

warmup 10m ramp 45%-70%
3x:
  4x 30s @150% / 45s @55%
  6m @90% "Stay seated" "Last minute!" at 5m
  5m @50%
cooldown 5m ramp 60%-40%
"""

# ---------------------------------------------------------------------------
# statistics and formatting


def summary(samples: Sequence[float]) -> dict[str, float]:
    s = sorted(samples)
    if len(s) >= 4:
        q = statistics.quantiles(s, n=4, method="inclusive")
        p25, p75 = q[0], q[2]
    else:
        p25, p75 = s[0], s[-1]
    return {"median": statistics.median(s), "p25": p25, "p75": p75, "min": s[0], "max": s[-1], "n": len(s)}


def ms(seconds: float) -> str:
    v = seconds * 1000
    if v >= 100:
        return f"{v:.0f} ms"
    if v >= 10:
        return f"{v:.1f} ms"
    return f"{v:.2f} ms"


def rate(n: float) -> str:
    if n >= 100:
        return f"{n:,.0f}"
    return f"{n:,.1f}"


class Table:
    def __init__(self, title: str, columns: Sequence[str]):
        self.title = title
        self.columns = list(columns)
        self.rows: list[list[str]] = []
        self.notes: list[str] = []

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def timing(self, label: str, samples: Sequence[float], extra: str = "") -> dict[str, float]:
        st = summary(samples)
        self.add(label, ms(st["median"]), f"{ms(st['p25'])} – {ms(st['p75'])}", ms(st["min"]), st["n"], extra)
        return st

    def markdown(self) -> str:
        out = [f"### {self.title}", ""]
        out.append("| " + " | ".join(self.columns) + " |")
        out.append("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(self.columns))) + "|")
        out += ["| " + " | ".join(r) + " |" for r in self.rows]
        if self.notes:
            out.append("")
            out += self.notes
        return "\n".join(out) + "\n"


TIMING_COLUMNS = ("measurement", "median", "p25 – p75", "min", "runs", "")


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# generated sessions (deterministic)


def _slots(r: random.Random) -> list[str]:
    """One 20-line cycle of a session.

    Mixed step kinds (%, ranges, watts, zones, ramps, max, free, cadence,
    heart rate, cues, drills, a clock duration), a one-line repeat, an
    indented block, comments and blank lines.  The cycle expands to 19 steps
    and lasts about two minutes, so that even 10,000 lines stay inside
    nmdsl's limits (10,000 expanded steps, 24 hours) and every generated
    session is valid.
    """
    d = r.randint
    return [
        f"{d(5, 20)}s @{d(50, 70)}% @{d(130, 140)}-{d(145, 155)}bpm",
        f"{d(5, 10)}s @{d(80, 88)}-{d(90, 95)}% {d(85, 100)}rpm  # tempo",
        f"{d(3, 8)}s @{d(200, 300)}W",
        f"0:{d(5, 9):02d} @Z{d(1, 7)}",
        f"warmup {d(6, 10)}s ramp {d(40, 50)}%-{d(60, 75)}%",
        "# main set: keep the cadence high",
        f"2x {d(2, 4)}s @{d(120, 160)}% / {d(2, 4)}s @{d(40, 55)}%",
        f'{d(5, 9)}s @{d(85, 95)}% "Hold it" "Last one!" at {d(1, 4)}s',
        "2x:",
        f"  {d(2, 4)}s @{d(105, 130)}% {d(100, 115)}rpm",
        f"  rest {d(2, 4)}s",
        "",
        f"sprint {d(4, 8)}s",
        f"strides {d(3, 6)}s @{d(110, 125)}%",
        f"cooldown {d(4, 8)}s ramp {d(55, 65)}%-{d(35, 45)}%",
        "# recover",
        f"{d(10, 30)}s @{d(50, 58)}%  # easy",
        f"accel {d(5, 8)}s",
        f"{d(2, 5)}s free",
        "",
    ]


def session(lines: int, seed: int = 1) -> str:
    """A valid bike session of exactly ``lines`` lines (header included)."""
    r = random.Random(seed)
    out = [f"name: Generated {lines}", "tags: benchmark, generated", "ftp: 250"]
    while len(out) < lines:
        for text in _slots(r):
            if len(out) == lines:
                break
            out.append(text)
    # A cut-off cycle must not end on a block head with no body.
    while out[-1].strip().endswith(":") or out[-1] == "":
        out[-1] = "5s @60%"
    return "\n".join(out) + "\n"


def deep_session(depth: int, copies: int) -> str:
    """``copies`` blocks nested ``depth`` levels deep, two steps per level."""
    out = ["name: Deep", "ftp: 250"]
    for c in range(copies):
        for level in range(depth):
            pad = "  " * level
            out.append(f"{pad}{2 if level == 0 else 1}x:")
            out.append(f"{pad}  {3 + (c + level) % 5}s @{100 + level}%")
            out.append(f"{pad}  rest {2 + level % 3}s")
        out.append(f"{'  ' * depth}5s max")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# subprocess helpers


def run_once(argv: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd, check=False)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {p.returncode}:\n{p.stderr.decode(errors='replace')}")
    return dt


def worker(name: str, *args: str, env: dict[str, str] | None = None) -> dict:
    p = subprocess.run(
        [PY, __file__, "--_worker", name, *args], capture_output=True, text=True, env=env, check=False
    )
    if p.returncode != 0:
        raise SystemExit(f"worker {name} failed:\n{p.stderr}")
    return json.loads(p.stdout)


def nmdsl_script() -> list[str]:
    """The installed console script beside this interpreter, else ``python -m nmdsl``."""
    beside = Path(PY).with_name("nmdsl")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [PY, "-m", "nmdsl"]


# ---------------------------------------------------------------------------
# workers (run in a fresh interpreter)


#: Run as ``python3 -c PHASES FILE``: a bare interpreter (this script's own
#: imports would hide stdlib import costs), timing each stage of a cold check.
PHASES = """\
import sys, time
t = [time.perf_counter()]
import click
t.append(time.perf_counter())
import nmdsl.cli
t.append(time.perf_counter())
import pydantic
t.append(time.perf_counter())
class _Probe(pydantic.BaseModel):  # the first model pulls in most of pydantic
    x: int
t.append(time.perf_counter())
import lark
t.append(time.perf_counter())
import nmdsl.diagnostics, nmdsl.model
t.append(time.perf_counter())
import nmdsl.api, nmdsl.builder, nmdsl.checks, nmdsl.parser
t.append(time.perf_counter())
from nmdsl import _grammar
_grammar.parser()
_grammar.terminals()
t.append(time.perf_counter())
assert nmdsl.api.check_file(sys.argv[1]).ok
t.append(time.perf_counter())
nmdsl.api.check_file(sys.argv[1])
t.append(time.perf_counter())
print([b - a for a, b in zip(t, t[1:])])
"""
PHASE_NAMES = [
    "import click",
    "import nmdsl.cli (after click)",
    "import pydantic",
    "pydantic: the first `BaseModel` subclass (a one-field probe)",
    "import lark",
    "import nmdsl.diagnostics + nmdsl.model (their pydantic classes built)",
    "import nmdsl.api, parser, builder, checks (the rest of the check path)",
    "grammar: load the shipped LALR tables + build the terminal table",
    "first check of the small file",
    "second check of the same file",
]


def w_parser(loads: str, builds: str) -> dict:
    import importlib.util

    from nmdsl import _grammar

    text = _grammar.grammar_path().read_text(encoding="utf-8")
    try:
        fresh = _grammar._load_cached(_grammar.grammar_sha256(text)) is not None
    except (AttributeError, TypeError):  # the private helper changed: report unknown
        fresh = None
    load_s, build_s = [], []
    for _ in range(int(loads)):
        _grammar.parser.cache_clear()
        t0 = time.perf_counter()
        _grammar.parser()
        load_s.append(time.perf_counter() - t0)
    for _ in range(int(builds)):
        t0 = time.perf_counter()
        _grammar.build(text)
        build_s.append(time.perf_counter() - t0)
    import lark.lexer

    blocked = "interegular" in sys.modules and sys.modules["interegular"] is None
    spec = None if blocked else importlib.util.find_spec("interegular")

    return {
        "load": load_s,
        "build": build_s,
        "pickle_fresh": fresh,
        "interegular": bool(getattr(lark.lexer, "has_interegular", False)),
        "interegular_origin": spec.origin if spec else None,
    }


def _peak_rss_kib() -> int:
    """The process's peak RSS in KiB.

    Linux's VmHWM is this process's own high-water mark; ``getrusage``'s
    ru_maxrss can carry the parent's peak across fork + exec (it did here:
    every worker reported the benchmark's own 115 MiB).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def w_mem(path: str, mode: str) -> dict:
    """Peak memory of check + emit of one file: tracemalloc (``trace``) or max RSS (``rss``).

    The two are separate runs because tracemalloc's own bookkeeping inflates RSS.
    """
    import tracemalloc

    import nmdsl.api

    data = Path(path).read_bytes()
    if mode == "rss":
        before = _peak_rss_kib()
        r = nmdsl.api.check(data, filename=path)
        assert r.ok and r.workout is not None, r.diagnostics[:3]
        out = nmdsl.api.emit(r.workout, "json")
        return {"maxrss_before_kib": before, "maxrss_kib": _peak_rss_kib()}
    nmdsl.api.check(SMALL)  # load the grammar first: measure the file, not the start-up
    tracemalloc.start()
    r = nmdsl.api.check(data, filename=path)
    assert r.ok and r.workout is not None, r.diagnostics[:3]
    _, peak_check = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    out = nmdsl.api.emit(r.workout, "json")
    _, peak_emit = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_check": peak_check, "peak_emit": peak_emit, "json_bytes": len(out.data)}


WORKERS: dict[str, Callable[..., dict]] = {"parser": w_parser, "mem": w_mem}


# ---------------------------------------------------------------------------
# measurements


#: The modules the ``check`` path imports, less nmdsl and pydantic: a floor for
#: what ``nmdsl check`` could cost without pydantic (kept by hand; see the docs).
CHECK_PATH_STDLIB = "pickle, hashlib, difflib, dataclasses, re, tempfile, pathlib, enum"
ONE_MODEL = "import pydantic\nclass A(pydantic.BaseModel):\n    x: int\n"


def bench_startup(tmp: Path, reps: int) -> tuple[list[Table], dict]:
    small = tmp / "small.nm"
    small.write_text(SMALL, encoding="utf-8")
    exe = nmdsl_script()
    base_label = "`python3 -c pass` (baseline: the interpreter alone)"
    nmdsl_cmds: list[tuple[str, list[str]]] = [
        (base_label, [PY, "-c", "pass"]),
        ('`python3 -c "import nmdsl"`', [PY, "-c", "import nmdsl"]),
        (
            "the parser alone: `from nmdsl import _grammar; _grammar.parser()`",
            [PY, "-c", "from nmdsl import _grammar; _grammar.parser()"],
        ),
        ("`nmdsl --version`", [*exe, "--version"]),
        ("`nmdsl --help`", [*exe, "--help"]),
        ("`nmdsl check small.nm`", [*exe, "check", str(small)]),
        ("`nmdsl compile small.nm -f json -o -`", [*exe, "compile", str(small), "-f", "json", "-o", "-"]),
    ]
    on_path = shutil.which("nmdsl")
    shim = None
    if on_path and exe[0] != PY and Path(on_path).resolve() != Path(exe[0]).resolve():
        shim = on_path
        nmdsl_cmds.append(("`nmdsl --version` through PATH (see note)", [on_path, "--version"]))
    dep_cmds: list[tuple[str, list[str]]] = [
        ("`import click`", [PY, "-c", "import click"]),
        ("`import argparse` (for comparison)", [PY, "-c", "import argparse"]),
        ("`import lark`", [PY, "-c", "import lark"]),
        ("`import pydantic`", [PY, "-c", "import pydantic"]),
        ("`import pydantic` + one `BaseModel` subclass", [PY, "-c", ONE_MODEL]),
        (
            "floor without pydantic: `import click, lark` + the stdlib modules of the check path",
            [PY, "-c", f"import click, lark, {CHECK_PATH_STDLIB}"],
        ),
        (
            "floor without pydantic and lark: `import click` + the same stdlib modules",
            [PY, "-c", f"import click, {CHECK_PATH_STDLIB}"],
        ),
        (
            "floor with pydantic: `import click, lark` + the stdlib modules + pydantic + one `BaseModel` subclass",
            [PY, "-c", f"import click, lark, {CHECK_PATH_STDLIB}\n{ONE_MODEL}"],
        ),
    ]
    api_check = f"from nmdsl import api\nassert api.check_file({str(small)!r}).ok\n"
    dep_cmds += [
        (
            "the check path without the CLI: `from nmdsl import api; api.check_file(small)`",
            [PY, "-c", api_check],
        ),
        (
            "the same, ending with `os._exit(0)` (no interpreter teardown)",
            [PY, "-c", api_check + "import os, sys\nsys.stdout.flush()\nos._exit(0)\n"],
        ),
    ]
    cmds = nmdsl_cmds + dep_cmds
    samples: dict[str, list[float]] = {label: [] for label, _ in cmds}
    for _, argv in cmds:  # warm the page cache and .pyc files
        run_once(argv)
    for i in range(reps):  # round-robin, so machine noise spreads over all rows
        if i % 5 == 0:
            say(f"  start-up round {i + 1}/{reps}")
        for label, argv in cmds:
            samples[label].append(run_once(argv))
    base = statistics.median(samples[base_label])
    stats = {}
    tables = []
    for title, group in (
        ("Start-up (fresh process each run)", nmdsl_cmds),
        (
            "What the dependencies and the exit cost at start-up (fresh process each run, same rounds)",
            dep_cmds,
        ),
    ):
        t = Table(title, (*TIMING_COLUMNS[:-1], "minus baseline"))
        for label, _ in group:
            extra = "" if label == base_label else ms(statistics.median(samples[label]) - base)
            stats[label] = t.timing(label, samples[label], extra)
        tables.append(t)
    tables[0].notes.append(f"`nmdsl` is `{' '.join(exe)}` (the console script pip installed beside `{PY}`).")
    if shim:
        tables[0].notes.append(
            f"`nmdsl` on PATH is `{shim}`, a different file (here a version manager's shim, "
            "which starts a shell and more before Python): its extra time is this machine's, not nmdsl's."
        )
    tables[1].notes.append(
        f"Baseline: {ms(base)} (`python3 -c pass`). The stdlib modules of the check path: `{CHECK_PATH_STDLIB}`."
    )
    return tables, {"stats": stats, "base": base, "small": str(small), "exe": exe}


def parse_importtime(stderr: str) -> list[dict]:
    """``-X importtime`` output -> a forest of {name, self, cum, children} (microseconds).

    Lines come in completion order, ``import time: SELF | CUM | <2 spaces per
    depth>NAME``; a module's children are the lines just before it, one level deeper.
    """
    pending: dict[int, list[dict]] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s*(\d+) \|\s*(\d+) \| ( *)(\S+)", line)
        if not m:
            continue
        depth = len(m.group(3)) // 2  # 1 for a top-level import (0 for a few frozen ones)
        node = {"name": m.group(4), "self": int(m.group(1)), "cum": int(m.group(2))}
        node["children"] = pending.pop(depth + 1, [])
        pending.setdefault(depth, []).append(node)
    return [node for depth in sorted(pending) for node in pending[depth]]


def walk(nodes: list[dict]):
    for n in nodes:
        yield n
        yield from walk(n["children"])


def bench_importtime(small: str, reps: int) -> Table:
    """Median over ``reps`` cold runs of ``python -X importtime -m nmdsl check small.nm``."""
    keys = [
        "click",
        "lark",
        "pydantic",
        "pydantic_core",
        "nmdsl.cli",
        "nmdsl.api",
        "nmdsl.diagnostics",
        "nmdsl.model",
    ]
    cum: dict[str, list[float]] = {k: [] for k in keys}
    selfs: dict[str, list[float]] = {}
    totals: list[float] = []
    for i in range(reps + 1):
        p = subprocess.run(
            [PY, "-X", "importtime", "-m", "nmdsl", "check", small],
            capture_output=True,
            text=True,
            check=False,
        )
        if i == 0:  # warm-up
            continue
        roots = [r for r in parse_importtime(p.stderr) if r["name"] != "site"]
        totals.append(sum(r["cum"] for r in roots) / 1e6)
        seen: set[str] = set()
        for n in walk(roots):
            if n["name"] in cum and n["name"] not in seen:
                seen.add(n["name"])
                cum[n["name"]].append(n["cum"] / 1e6)
            selfs.setdefault(n["name"], []).append(n["self"] / 1e6)
    t = Table(
        "Import time of `nmdsl check small.nm` (`python3 -X importtime`)",
        ("module", "cumulative (median)", "self (median)", "runs"),
    )
    t.add("all imports after `site`", ms(statistics.median(totals)), "", len(totals))
    for k in keys:
        if cum[k]:
            t.add(f"`{k}`", ms(statistics.median(cum[k])), ms(statistics.median(selfs[k])), len(cum[k]))
    top = sorted(selfs.items(), key=lambda kv: -statistics.median(kv[1]))[:8]
    for name, v in top:
        t.add(f"`{name}` (top self time)", "", ms(statistics.median(v)), len(v))
    t.notes.append(
        "Cumulative = the module and everything it imported first; self = its own body "
        "(for `nmdsl.model` and `nmdsl.diagnostics` that is building the pydantic model classes). "
        "`-X importtime` itself slows imports down, so these add up to more than the wall-clock rows."
    )
    return t


def bench_phases(small: str, reps: int) -> Table:
    import ast

    runs, walls = [], []
    for i in range(reps + 1):
        t0 = time.perf_counter()
        p = subprocess.run([PY, "-c", PHASES, small], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"the stage-by-stage run failed:\n{p.stderr}")
        if i:  # the first is a warm-up
            runs.append(ast.literal_eval(p.stdout.strip()))
            walls.append(wall)
    t = Table(
        "Cold `check` of one small file, stage by stage (fresh bare interpreter, in-process clock)",
        TIMING_COLUMNS,
    )
    for k, name in enumerate(PHASE_NAMES):
        t.timing(name, [r[k] for r in runs])
    t.timing("**sum of the stages** (but the second check)", [sum(r[:-1]) for r in runs])
    t.timing("wall clock of the whole process (`subprocess.run`)", walls)
    t.timing(
        "outside the stages: interpreter start-up and exit (wall − all stages)",
        [w - sum(r) for w, r in zip(walls, runs)],
    )
    return t


def bench_parser(procs: int, interegular_path: str | None) -> Table:
    """Each worker process loads the tables 1 + 10 times and builds them 1 + 3 times.

    The first of each in a process is the one a CLI run pays ("cold"); the
    repeats show the steady state ("warm").  The first build is the expensive
    one: lark parses its own grammar-of-grammars once per process, and that
    is where it runs the interegular collision check.
    """
    block = "import sys; sys.modules['interegular'] = None; "
    probe = subprocess.run([PY, "-c", "import interegular"], capture_output=True, text=True, check=False)
    installed = probe.returncode == 0
    runs = {"without": [worker_with_prelude(block, "parser", "11", "4") for _ in range(procs)]}
    env = None
    if not installed and interegular_path:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [interegular_path, env.get("PYTHONPATH")]))
    if installed or env:
        runs["with"] = [worker("parser", "11", "4", env=env) for _ in range(max(3, procs // 2))]
    t = Table("Parser: shipped tables versus building from the grammar (in-process clock)", TIMING_COLUMNS)
    for key, what in (("without", "interegular absent"), ("with", "interegular importable")):
        if key not in runs:
            continue
        rs = runs[key]
        assert all(r["interegular"] == (key == "with") for r in rs), "interegular detection went wrong"
        t.timing(
            f"`_grammar.parser()`, load `_parser.pickle`: first in a process, {what}",
            [r["load"][0] for r in rs],
        )
        t.timing(f"`_grammar.parser()` again (cache cleared), {what}", [x for r in rs for x in r["load"][1:]])
        t.timing(f"`_grammar.build(text)`: first in a process, {what}", [r["build"][0] for r in rs])
        t.timing(f"`_grammar.build(text)` again, {what}", [x for r in rs for x in r["build"][1:]])
    where = (
        "installed in this environment"
        if installed
        else f"not installed; measured from `--interegular-path {interegular_path}`"
        if "with" in runs
        else "not installed (pass `--interegular-path DIR` to measure it)"
    )
    t.notes.append(
        f"interegular: {where}. Each row's runs come from {procs} (interegular: {len(runs.get('with', []))}) "
        'fresh processes, with lark and nmdsl already imported; "first in a process" is what one CLI run pays.'
    )
    if any(r["pickle_fresh"] is False for r in runs["without"]):
        t.notes.append(
            "**Warning:** `_parser.pickle` is stale for this grammar or lark version, so "
            "`_grammar.parser()` built the tables instead of loading them."
        )
    return t


def worker_with_prelude(prelude: str, name: str, *args: str) -> dict:
    code = (
        prelude
        + f"import runpy; sys.argv = {[__file__, '--_worker', name, *args]!r}; "
        + f"runpy.run_path({__file__!r}, run_name='__main__')"
    )
    p = subprocess.run([PY, "-c", "import sys; " + code], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"worker {name} failed:\n{p.stderr}")
    return json.loads(p.stdout)


def timed(fn: Callable[[], object], reps: int, budget_s: float) -> list[float]:
    fn()  # warm-up (and the grammar load)
    out: list[float] = []
    t_end = time.perf_counter() + budget_s
    while len(out) < reps and (len(out) < 3 or time.perf_counter() < t_end):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bench_throughput(tmp: Path, scale: float) -> tuple[Table, Path]:
    import nmdsl.api
    from nmdsl.parser import MAX_DEPTH

    t = Table(
        "Throughput (in-process, warm: grammar loaded, after one warm-up run)",
        (*TIMING_COLUMNS[:-1], "lines/s"),
    )
    cases = [
        (f"{n:,} lines", session(n, seed=n), max(3, int(r * scale)))
        for n, r in ((100, 100), (1000, 20), (10000, 5))
    ]
    depth = MAX_DEPTH
    deep = deep_session(depth, 40)
    cases.append((f"nested {depth} deep ×40 ({deep.count(chr(10)):,} lines)", deep, max(3, int(20 * scale))))
    big = tmp / "10000.nm"
    big.write_text(cases[2][1], encoding="utf-8")
    for label, text, reps in cases:
        r = nmdsl.api.check(text)
        if not r.ok:
            raise SystemExit(f"generated session '{label}' is not valid: {r.diagnostics[:3]}")
        lines = text.count("\n")
        say(f"  throughput {label}")
        for what, fn in (
            ("check", lambda text=text: nmdsl.api.check(text)),
            ("compile → json", lambda text=text: nmdsl.api.compile(text, "json")),
        ):
            s = timed(fn, reps, budget_s=20 * scale)
            t.timing(f"{what}, {label}", s, rate(lines / statistics.median(s)))
    t.notes.append(
        "Sessions are generated by `session()`/`deep_session()` in this script (fixed seeds): "
        "a 20-line cycle of %, ranges, W, zones, ramps, max, free, cadence, heart rate, cues, drills, "
        "a one-line repeat, a `2x:` block, comments and a blank line, with short durations so that "
        "10,000 lines stay valid (the limit is 10,000 expanded steps)."
    )
    return t, big


def bench_folder(tmp: Path, exe: list[str], reps: int) -> Table:
    import nmdsl.api

    folder = tmp / "many"
    for i in range(500):
        sub = folder / f"group{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"s{i:03d}.nm").write_text(session(10 + i % 21, seed=1000 + i), encoding="utf-8")
    files = sorted(folder.rglob("*.nm"))
    t = Table(
        "`nmdsl check` over a folder of 500 small files (10–30 lines each)", (*TIMING_COLUMNS[:-1], "files/s")
    )
    run_once([*exe, "check", str(folder)])
    cli = [run_once([*exe, "check", str(folder)]) for _ in range(reps)]
    t.timing(
        "`nmdsl check DIR` (one process, start-up included)", cli, rate(len(files) / statistics.median(cli))
    )

    def all_files() -> None:
        for f in files:
            assert nmdsl.api.check_file(f).ok

    s = timed(all_files, reps, budget_s=15)
    t.timing("`nmdsl.check_file` on each file (in-process, warm)", s, rate(len(files) / statistics.median(s)))
    return t


def bench_memory(big: Path, small: Path) -> Table:
    b = worker("mem", str(big), "trace")
    rss_big = worker("mem", str(big), "rss")
    rss_small = worker("mem", str(small), "rss")
    mib = 1024 * 1024
    t = Table("Memory, 10,000-line session (fresh process)", ("measurement", "value"))
    t.add("tracemalloc peak during `check` (text → validated model)", f"{b['peak_check'] / mib:.1f} MiB")
    t.add("tracemalloc peak during `emit(…, 'json')` (model → bytes)", f"{b['peak_emit'] / mib:.1f} MiB")
    t.add("JSON output size", f"{b['json_bytes'] / mib:.1f} MiB")
    t.add("process peak RSS after `import nmdsl.api`", f"{rss_big['maxrss_before_kib'] / 1024:.1f} MiB")
    t.add("process peak RSS after check + emit, small file", f"{rss_small['maxrss_kib'] / 1024:.1f} MiB")
    t.add("process peak RSS after check + emit, 10,000 lines", f"{rss_big['maxrss_kib'] / 1024:.1f} MiB")
    t.notes.append(
        "tracemalloc counts Python allocations only (the grammar is loaded before it starts); "
        "peak RSS (VmHWM) is the whole process, interpreter and imports included, "
        "measured in separate runs without tracemalloc."
    )
    return t


# ---------------------------------------------------------------------------
# machine


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def machine(note: str | None = None) -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    import importlib.util

    spec = importlib.util.find_spec("nmdsl")
    origin = Path(spec.origin).parent if spec and spec.origin else None
    where = f"`{origin}`" if origin else "not found"
    if origin is not None and origin.is_relative_to(ROOT / "src"):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "grammar"],
            capture_output=True,
            text=True,
            check=False,
        )
        where += f" (this checkout, commit {commit.stdout.strip() or 'unknown'}"
        where += ", src/ or grammar/ modified)" if dirty.stdout.strip() else ")"
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "unknown"
    rows = [
        ("date", _dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        ("nmdsl", f"{_version('nmdsl')} from {where}"),
        ("CPU", f"{cpu}; nproc {usable}"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()}), `{PY}`"),
        (
            "lark / pydantic / pydantic-core / click",
            " / ".join(_version(d) for d in ("lark", "pydantic", "pydantic-core", "click")),
        ),
        ("interegular", _version("interegular")),
        ("load average at start (1, 5, 15 min)", load),
    ]
    if note:
        rows.append(("note", note))
    return "### Machine\n\n| | |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"


# ---------------------------------------------------------------------------


def finish(tables: list[str], t_start: float, *, quick: bool, write: bool, begin: str, end: str) -> None:
    """Print the results and, with --write, put them between the markers in docs/performance.md."""
    elapsed = time.perf_counter() - t_start
    try:
        load = "; load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = ""
    body = "\n".join(tables) + f"\n_Benchmark run time: {elapsed:.0f} s{' (--quick)' if quick else ''}{load}._\n"
    print(body)
    if write:
        doc = DOC.read_text(encoding="utf-8")
        if begin not in doc or end not in doc:
            raise SystemExit(f"{DOC}: the markers {begin!r} and {end!r} are missing")
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        DOC.write_text(f"{head}{begin}\n\n{body}\n{end}{tail}", encoding="utf-8")
        say(f"wrote {DOC}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--_worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--write", action="store_true", help=f"rewrite the results section of {DOC.relative_to(ROOT)}"
    )
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not for the docs)")
    ap.add_argument(
        "--interegular-path", metavar="DIR", help="a folder holding interegular, for the grammar-build run"
    )
    ap.add_argument("--note", help="a line for the machine table, e.g. which commit was installed")
    args = ap.parse_args()
    scale = 0.2 if args.quick else 1.0
    n = lambda k: max(3, int(k * scale))

    t_start = time.perf_counter()
    tables: list[str] = [machine(args.note)]
    with tempfile.TemporaryDirectory(prefix="nmdsl-bench-") as d:
        tmp = Path(d)
        say("start-up ...")
        startup, info = bench_startup(tmp, n(25))
        tables += [t.markdown() for t in startup]
        say("stages ...")
        tables.append(bench_phases(info["small"], n(10)).markdown())
        say("import time ...")
        tables.append(bench_importtime(info["small"], n(7)).markdown())
        say("parser ...")
        tables.append(bench_parser(n(10), args.interegular_path).markdown())
        say("throughput ...")
        t, big = bench_throughput(tmp, scale)
        tables.append(t.markdown())
        say("folder ...")
        tables.append(bench_folder(tmp, info["exe"], n(5)).markdown())
        say("memory ...")
        tables.append(bench_memory(big, Path(info["small"])).markdown())
    finish(tables, t_start, quick=args.quick, write=args.write, begin=BEGIN, end=END)


if __name__ == "__main__":
    main()
