#!/usr/bin/env python3
"""Measure nmdsl's speed on this machine: start-up, parser, throughput, memory.

    python3 benchmarks/run.py            # print the results as markdown
    python3 benchmarks/run.py --write    # ... and rewrite the results section
                                         #     of docs/performance.md
    python3 benchmarks/run.py --quick    # fewer repetitions (a smoke run)

Plain Python: it needs nmdsl installed (``pip install .``) and nothing else.
Every number is the median of repeated runs, with the spread given as the
interquartile range (p25-p75) and the minimum.  Start-up is measured in fresh
processes (``subprocess``), so it includes the interpreter itself; the
baseline row ``python3 -c pass`` says how much of it is not nmdsl's.  The
commands run as users run them: the ``nmdsl`` console script installed beside
this interpreter (``nmdsl.cli:run``, which ends with ``os._exit``).

``--interegular-path DIR`` adds DIR (e.g. made with
``pip install --target DIR interegular``) to the path of the grammar-building
measurement only, to see what lark's optional ``interegular`` check costs
without installing it into the environment.

Parts of this file run as worker subprocesses of itself (``--_worker``), or
as ``python3 -c`` snippets in a bare interpreter, so that each measurement
that must start cold gets a fresh interpreter.
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
#: imports would hide stdlib import costs), timing each stage of a cold
#: ``nmdsl check FILE`` the way the console script runs it: ``nmdsl.cli.main``,
#: then ``os._exit``.  The modules the check would import are imported as
#: stages of their own before it.
PHASES = """\
import os, sys, time
t = [time.perf_counter()]
import click
t.append(time.perf_counter())
import nmdsl.cli
t.append(time.perf_counter())
import dataclasses
t.append(time.perf_counter())
import nmdsl.diagnostics
t.append(time.perf_counter())
import nmdsl.model
t.append(time.perf_counter())
import pathlib, hashlib
t.append(time.perf_counter())
import nmdsl.api, nmdsl.language.parser, nmdsl.language.builder, nmdsl.language.checks
t.append(time.perf_counter())
from nmdsl.language import _grammar
_grammar.tables(); _grammar.parser(); _grammar.terminals()
t.append(time.perf_counter())
import nmdsl.library, nmdsl.library.reports
t.append(time.perf_counter())
import nmdsl.analysis.lint, nmdsl.formats.zwo.write, nmdsl.formats.erg.write, nmdsl.formats.fit.write
t.append(time.perf_counter())
def check():
    try:
        nmdsl.cli.main(["check", sys.argv[1]], prog_name="nmdsl")
    except SystemExit as exc:
        assert not exc.code, exc.code
check()
t.append(time.perf_counter())
check()
t.append(time.perf_counter())
def dataclasses_of(*mods):
    return sum(1 for m in mods for v in vars(m).values()
               if isinstance(v, type) and v.__module__ == m.__name__ and dataclasses.is_dataclass(v))
import nmdsl.model
print(repr({
    "stages": [b - a for a, b in zip(t, t[1:])],
    "model_dataclasses": dataclasses_of(nmdsl.model, nmdsl.model),
    "diagnostics_dataclasses": dataclasses_of(nmdsl.diagnostics),
    "unwanted": sorted(m for m in ("pydantic", "lark", "lxml") if m in sys.modules),
}))
sys.stdout.flush(); sys.stderr.flush()
os._exit(0)
"""
PHASE_NAMES = [
    "import click",
    "import nmdsl.cli (after click)",
    "import dataclasses (stdlib)",
    "import nmdsl.diagnostics (`Span`, `Diagnostic`, the codes)",
    "import nmdsl.model (its dataclasses created; with nmdsl.model)",
    "import pathlib, hashlib (stdlib: the API's paths, the grammar's hash)",
    "import nmdsl.api, parser, builder, checks (the rest of the parse path)",
    "parser tables: import the shipped `nmdsl.language._tables`, make the parser and the terminal table",
    "import nmdsl.library, reports (with config, tomllib, json)",
    "import nmdsl.analysis.lint and the ZWO, ERG/MRC, FIT backends (with decimal, nmdsl.formats.fit.codec)",
    "first check of the small file (`nmdsl.cli.main`: every target format + lints)",
    "second check of the same file",
]

#: Run as ``python3 -c STDLIB_OF_CHECK FILE``: the standard-library modules
#: that ``nmdsl check FILE`` imports beyond what click imports, as the
#: shortest list whose imports load them all (for the "floor" rows).
STDLIB_OF_CHECK = """\
import sys
import click
before = set(sys.modules)
import nmdsl.cli
try:
    nmdsl.cli.main(["check", sys.argv[1]], prog_name="nmdsl")
except SystemExit:
    pass
new = [m for m in set(sys.modules) - before
       if m.split(".")[0] in sys.stdlib_module_names and not any(p.startswith("_") for p in m.split("."))]
new = [m for m in new if not any(o.startswith(m + ".") for o in new)]
print(" ".join(sorted(new)))
"""


def w_parser(loads: str, builds: str) -> dict:
    """Time the shipped tables (load, then the parser made from them) and lark building them.

    First in the process: ``_grammar.tables()`` imports ``nmdsl.language._tables`` and
    hashes the grammar; ``parser()`` and ``terminals()`` make the driver and
    the lexer's terminal table.  Then the same again with the caches cleared
    and the module forgotten (re-imported from its bytecode).  Then ``import
    lark`` and ``_grammar.build(text)`` (what a stale table file costs).
    """
    import importlib.util

    import nmdsl
    from nmdsl.language import _grammar

    def forget() -> None:
        _grammar.tables.cache_clear()
        _grammar.parser.cache_clear()
        _grammar.terminals.cache_clear()
        sys.modules.pop("nmdsl.language._tables", None)
        if hasattr(nmdsl, "_tables"):
            delattr(nmdsl, "_tables")

    text = _grammar.grammar_path().read_text(encoding="utf-8")
    table_s, driver_s = [], []
    for i in range(int(loads)):
        if i:
            forget()
        t0 = time.perf_counter()
        _grammar.tables()
        t1 = time.perf_counter()
        _grammar.parser()
        _grammar.terminals()
        t2 = time.perf_counter()
        table_s.append(t1 - t0)
        driver_s.append(t2 - t1)
    shipped = "lark" not in sys.modules  # building the tables would have imported it
    t0 = time.perf_counter()
    import lark
    import lark.lexer

    import_lark = time.perf_counter() - t0
    build_s = []
    for _ in range(int(builds)):
        t0 = time.perf_counter()
        _grammar.build(text)
        build_s.append(time.perf_counter() - t0)

    blocked = "interegular" in sys.modules and sys.modules["interegular"] is None
    spec = None if blocked else importlib.util.find_spec("interegular")
    t = _grammar.tables()
    return {
        "tables": table_s,
        "driver": driver_s,
        "import_lark": import_lark,
        "build": build_s,
        "shipped": shipped,
        "states": len(t.actions),
        "rules": len(t.rules),
        "terminals": len(t.terminals),
        "tables_bytes": _grammar.TABLES.stat().st_size,
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
    nmdsl.api.emit(nmdsl.api.check(SMALL).workout, "json")  # grammar and pydantic loaded first
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

#: The dependencies whose import the start-up table reports per command.
HEAVY = ("click", "lxml", "pydantic", "lark")


def heavy_imports(argv: Sequence[str]) -> str:
    """Which of :data:`HEAVY` a command imports (one ``-X importtime`` run).

    ``argv`` is a command as the start-up table runs it; the console script
    is run as ``python -X importtime -m nmdsl ...``, which calls the same
    ``nmdsl.cli:run``.
    """
    exe = nmdsl_script()
    if list(argv[: len(exe)]) == exe:
        argv = [PY, "-X", "importtime", "-m", "nmdsl", *argv[len(exe) :]]
    elif argv[0] == PY:
        argv = [PY, "-X", "importtime", *argv[1:]]
    else:
        return "?"
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    names = {n["name"].split(".")[0] for n in walk(parse_importtime(p.stderr))}
    return ", ".join(h for h in HEAVY if h in names) or "none"


def bench_startup(tmp: Path, reps: int) -> tuple[list[Table], dict]:
    small = tmp / "small.nm"
    small.write_text(SMALL, encoding="utf-8")
    out = tmp / "out"
    out.mkdir()
    exe = nmdsl_script()
    base_label = "`python3 -c pass` (baseline: the interpreter alone)"
    api_check = f"from nmdsl import api\nassert api.check_file({str(small)!r}).ok\n"
    nmdsl_cmds: list[tuple[str, list[str]]] = [
        (base_label, [PY, "-c", "pass"]),
        ('`python3 -c "import nmdsl"`', [PY, "-c", "import nmdsl"]),
        ("library, no CLI: `from nmdsl import api; api.check_file(small)`", [PY, "-c", api_check]),
        ("`nmdsl --version`", [*exe, "--version"]),
        ("`nmdsl --help`", [*exe, "--help"]),
        ("`nmdsl check small.nm`", [*exe, "check", str(small)]),
        (
            "`nmdsl compile small.nm -f zwo -o out/small.zwo`",
            [*exe, "compile", str(small), "-f", "zwo", "-o", str(out / "small.zwo")],
        ),
        (
            "`nmdsl compile small.nm -f erg -o out/small.erg`",
            [*exe, "compile", str(small), "-f", "erg", "-o", str(out / "small.erg")],
        ),
        (
            "`nmdsl compile small.nm -f fit -o out/small.fit`",
            [*exe, "compile", str(small), "-f", "fit", "-o", str(out / "small.fit")],
        ),
        (
            "`nmdsl compile small.nm -f json -o out/small.json`",
            [*exe, "compile", str(small), "-f", "json", "-o", str(out / "small.json")],
        ),
        ("`nmdsl schema`", [*exe, "schema"]),
    ]
    on_path = shutil.which("nmdsl")
    shim = None
    if on_path and exe[0] != PY and Path(on_path).resolve() != Path(exe[0]).resolve():
        shim = on_path
        nmdsl_cmds.append(("`nmdsl --version` through PATH (see note)", [on_path, "--version"]))

    p = subprocess.run([PY, "-c", STDLIB_OF_CHECK, str(small)], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise SystemExit(f"listing the check's stdlib modules failed:\n{p.stderr}")
    stdlib = p.stdout.split()
    floor = "import click\n" + "".join(f"import {m}\n" for m in stdlib)
    leave = "import sys\nsys.stdout.flush()\nos._exit(0)\n"
    via_main = "import sys\nfrom nmdsl.cli import main\nsys.argv = {argv!r}\nmain()\n"
    dep_cmds: list[tuple[str, list[str]]] = [
        ("`import click`", [PY, "-c", "import click"]),
        ("`import argparse` (for comparison)", [PY, "-c", "import argparse"]),
        (
            "`import lxml.etree` (for reference: only `nmdsl import` and `plot` use it)",
            [PY, "-c", "import lxml.etree"],
        ),
        ("`import pydantic`", [PY, "-c", "import pydantic"]),
        ("`import lark` (for reference: not imported at run time)", [PY, "-c", "import lark"]),
        (
            "`import pathlib, tempfile` (what `nmdsl.cli` imported at its top before)",
            [PY, "-c", "import pathlib, tempfile"],
        ),
        ("`import nmdsl.model`", [PY, "-c", "import nmdsl.model"]),
        (
            "`import nmdsl.model` + the pydantic `TypeAdapter` of `Workout` (built by `-f json`, `schema`)",
            [PY, "-c", "from nmdsl.model import Workout, _adapter\n_adapter(Workout)"],
        ),
        (
            "floor: `import click` + the stdlib modules `nmdsl check` imports, then `os._exit`",
            [PY, "-c", floor + "import os\n" + leave],
        ),
        (
            "`nmdsl check small.nm` through `nmdsl.cli:main`, normal interpreter exit (no `os._exit`)",
            [PY, "-c", via_main.format(argv=["nmdsl", "check", str(small)])],
        ),
        (
            "`nmdsl compile small.nm -f zwo …` through `nmdsl.cli:main`, normal exit",
            [
                PY,
                "-c",
                via_main.format(
                    argv=["nmdsl", "compile", str(small), "-f", "zwo", "-o", str(out / "main.zwo")]
                ),
            ],
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
    for title, group, imports in (
        ("Start-up (fresh process each run)", nmdsl_cmds, True),
        (
            "What the dependencies and the exit cost at start-up (fresh process each run, same rounds)",
            dep_cmds,
            False,
        ),
    ):
        cols = (*TIMING_COLUMNS[:-1], "minus baseline") + (("imports",) if imports else ())
        t = Table(title, cols)
        for label, argv in group:
            st = stats[label] = summary(samples[label])
            cells = [label, ms(st["median"]), f"{ms(st['p25'])} – {ms(st['p75'])}", ms(st["min"]), st["n"]]
            cells.append("" if label == base_label else ms(st["median"] - base))
            if imports:
                cells.append("" if label == base_label or argv[0] == on_path else heavy_imports(argv))
            t.add(*cells)
        tables.append(t)
    tables[0].notes.append(
        f"`nmdsl` is `{' '.join(exe)}` (the console script pip installed beside `{PY}`; it runs "
        "`nmdsl.cli:run`, which ends with `os._exit`). `out/` is a folder in a temporary directory. "
        f"Imports: which of {', '.join(HEAVY)} the command imports (one `python3 -X importtime` run; "
        "the console script as `python3 -m nmdsl`, which runs the same function)."
    )
    if shim:
        tables[0].notes.append(
            f"`nmdsl` on PATH is `{shim}`, a different file (here a version manager's shim, "
            "which starts a shell and more before Python): its extra time is this machine's, not nmdsl's."
        )
    tables[1].notes.append(
        f"Baseline: {ms(base)} (`python3 -c pass`). The `import` rows end normally (interpreter teardown "
        "included, as in the baseline); the floor rows end with `os._exit(0)`, as the console script does. "
        "The stdlib modules `nmdsl check` imports beyond click's (found by running it): "
        f"`{', '.join(stdlib)}`. "
        "The last two rows run the same command as the console script, but through `nmdsl.cli:main` "
        "and `sys.exit`, so the interpreter tears down everything it imported (what the console script did "
        "before it called `os._exit`)."
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
        "typing",
        "click",
        "nmdsl.cli",
        "pathlib",
        "dataclasses",
        "nmdsl.diagnostics",
        "nmdsl.model",
        "nmdsl.api",
        "nmdsl.language.parser",
        "hashlib",
        "nmdsl.language._tables",
        "nmdsl.library",
        "tomllib",
        "json",
        "nmdsl.analysis.lint",
        "decimal",
        "lxml.etree",
        "nmdsl.formats.fit.codec",
        "pydantic",
        "lark",
    ]
    cum: dict[str, list[float]] = {k: [] for k in keys}
    selfs: dict[str, list[float]] = {}
    totals: list[float] = []
    counts: list[int] = []
    for _ in range(reps):
        p = subprocess.run(
            [PY, "-X", "importtime", "-m", "nmdsl", "check", small],
            capture_output=True,
            text=True,
            check=False,
        )
        if p.returncode != 0:
            raise SystemExit(f"-X importtime run failed:\n{p.stderr}")
        roots = [r for r in parse_importtime(p.stderr) if r["name"] != "site"]
        totals.append(sum(r["cum"] for r in roots) / 1e6)
        seen: set[str] = set()
        for n in walk(roots):
            if n["name"] in cum and n["name"] not in seen:
                seen.add(n["name"])
                cum[n["name"]].append(n["cum"] / 1e6)
            selfs.setdefault(n["name"], []).append(n["self"] / 1e6)
        counts.append(sum(1 for _ in walk(roots)))
    t = Table(
        "Import time of `nmdsl check small.nm` (`python3 -X importtime -m nmdsl`)",
        ("module", "cumulative (median)", "self (median)", "runs"),
    )
    t.add(
        f"all imports after `site` ({statistics.median(counts):.0f} modules)",
        ms(statistics.median(totals)),
        "",
        len(totals),
    )
    for k in keys:
        if cum[k]:
            t.add(f"`{k}`", ms(statistics.median(cum[k])), ms(statistics.median(selfs[k])), len(cum[k]))
    absent = [k for k in ("pydantic", "lark", "lxml.etree") if not cum[k]]
    top = sorted(selfs.items(), key=lambda kv: -statistics.median(kv[1]))[:8]
    for name, v in top:
        t.add(f"`{name}` (top self time)", "", ms(statistics.median(v)), len(v))
    t.notes.append(
        "Cumulative = the module and everything it imported first (where it was imported first: "
        "a module imported earlier by another is not counted again); self = its own body "
        "(for `nmdsl.model` that is mostly creating its dataclasses). "
        "`-X importtime` itself slows imports down, so these add up to more than the wall-clock rows. "
        "The backends are imported with `importlib.import_module`, which `-X importtime` does not list: "
        "the ZWO, ERG/MRC and FIT modules' own bodies are missing here, their imports "
        "(`decimal`, `nmdsl.formats.fit.codec`) appear at the top level."
        + (f" Not imported: {', '.join(f'`{a}`' for a in absent)}." if absent else "")
    )
    return t


def bench_phases(small: str, reps: int) -> Table:
    import ast

    runs, walls = [], []
    info: dict = {}
    for i in range(reps + 1):
        t0 = time.perf_counter()
        p = subprocess.run([PY, "-c", PHASES, small], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise SystemExit(f"the stage-by-stage run failed:\n{p.stderr}")
        info = ast.literal_eval(p.stdout.strip())
        if i:  # the first is a warm-up
            runs.append(info["stages"])
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
        "outside the stages: interpreter start-up and `os._exit` (wall − all stages)",
        [w - sum(r) for w, r in zip(walls, runs, strict=True)],
    )
    model_ms = statistics.median(
        r[PHASE_NAMES.index(next(n for n in PHASE_NAMES if "nmdsl.model" in n))] for r in runs
    )
    t.notes.append(
        'The process runs `nmdsl.cli.main(["check", FILE])` as the console script does and ends with '
        f"`os._exit(0)`. `nmdsl.model` and `nmdsl.model` define {info['model_dataclasses']} dataclasses "
        f"({ms(model_ms / max(1, info['model_dataclasses']))} each, on the median), `nmdsl.diagnostics` "
        f"{info['diagnostics_dataclasses']}. pydantic, lark or lxml imported by the check: "
        f"{', '.join(info['unwanted']) or 'none'}."
    )
    return t


def bench_parser(procs: int, interegular_path: str | None) -> Table:
    """Each worker process loads the shipped tables 1 + 10 times and builds them with lark 1 + 3 times.

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
        runs["with"] = [worker("parser", "2", "4", env=env) for _ in range(max(3, procs // 2))]
    t = Table("Parser: the shipped tables versus building them with lark (in-process clock)", TIMING_COLUMNS)
    rs = runs["without"]
    t.timing(
        "`_grammar.tables()`: import `nmdsl.language._tables` + hash the grammar, first in a process",
        [r["tables"][0] for r in rs],
    )
    t.timing(
        "`_grammar.parser()` + `terminals()` from them (the driver, the lexer's regexes), first in a process",
        [r["driver"][0] for r in rs],
    )
    t.timing(
        "`_grammar.tables()` again (caches cleared, `_tables` re-imported from its bytecode)",
        [x for r in rs for x in r["tables"][1:]],
    )
    t.timing(
        "`_grammar.parser()` + `terminals()` again (`re` has the patterns cached)",
        [x for r in rs for x in r["driver"][1:]],
    )
    for key, what in (("without", "interegular absent"), ("with", "interegular importable")):
        if key not in runs:
            continue
        rs = runs[key]
        assert all(r["interegular"] == (key == "with") for r in rs), "interegular detection went wrong"
        t.timing(f"`import lark` (after nmdsl's parser modules), {what}", [r["import_lark"] for r in rs])
        t.timing(
            f"`_grammar.build(text)`: lark builds the tables, first in a process, {what}",
            [r["build"][0] for r in rs],
        )
        t.timing(f"`_grammar.build(text)` again, {what}", [x for r in rs for x in r["build"][1:]])
    where = (
        "installed in this environment"
        if installed
        else f"not installed; measured from `--interegular-path {interegular_path}`"
        if "with" in runs
        else "not installed (pass `--interegular-path DIR` to measure it)"
    )
    r0 = runs["without"][0]
    t.notes.append(
        f"The shipped tables: {r0['states']} states, {r0['rules']} rules, {r0['terminals']} terminals; "
        f"`_tables.py` is {r0['tables_bytes'] / 1024:.1f} KiB of source. "
        f"interegular: {where}. Each row's runs come from {procs} (interegular: {len(runs.get('with', []))}) "
        'fresh processes with nmdsl\'s parser modules imported; "first in a process" is what one CLI run '
        'pays. '
        "Run time never builds the tables; `build` is what an edited grammar (stale `_tables.py`) costs."
    )
    if not all(r["shipped"] for r in runs["without"]):
        t.notes.append(
            "**Warning:** `_tables.py` is stale for this grammar, so `_grammar.tables()` "
            "imported lark and built the tables instead of loading them."
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
    from nmdsl.language.parser import MAX_DEPTH

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
    import nmdsl.library

    folder = tmp / "many"
    for i in range(500):
        sub = folder / f"group{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"s{i:03d}.nm").write_text(session(10 + i % 21, seed=1000 + i), encoding="utf-8")
    files = sorted(folder.rglob("*.nm"))
    t = Table(
        "`nmdsl check` over a folder of 500 small files (10–30 lines each)", (*TIMING_COLUMNS[:-1], "files/s")
    )
    cmds = [
        (
            "`nmdsl check DIR` (one process tree, start-up included; `--jobs` default)",
            [*exe, "check", str(folder)],
        ),
        ("`nmdsl check --jobs 1 DIR` (one process)", [*exe, "check", "--jobs", "1", str(folder)]),
    ]
    samples: dict[str, list[float]] = {label: [] for label, _ in cmds}
    for _, argv in cmds:
        run_once(argv)
    for _ in range(reps):
        for label, argv in cmds:
            samples[label].append(run_once(argv))
    for label, _ in cmds:
        t.timing(label, samples[label], rate(len(files) / statistics.median(samples[label])))

    def library() -> None:
        assert not nmdsl.library.check_library([str(folder)], jobs=1).errors

    def parse_only() -> None:
        for f in files:
            assert nmdsl.api.check_file(f).ok

    for label, fn in (
        ("`nmdsl.library.check_library([DIR], jobs=1)` (in-process, warm: what `check` does)", library),
        ("`nmdsl.check_file` on each file (in-process, warm: parse + build only)", parse_only),
    ):
        s = timed(fn, reps, budget_s=15)
        t.timing(label, s, rate(len(files) / statistics.median(s)))
    t.notes.append(
        "`nmdsl check` compiles every file to each default target format (ZWO, ERG, MRC, FIT for bike "
        "sessions) and runs the lints; `check_file` only parses and builds the model. The two CLI rows "
        "run round-robin."
    )
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
        "tracemalloc counts Python allocations only (the parser tables and pydantic's JSON serializer "
        "are loaded by a small file before it starts); "
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
            "click / lxml / pydantic / pydantic-core / lark",
            " / ".join(_version(d) for d in ("click", "lxml", "pydantic", "pydantic-core", "lark")),
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
    body = (
        "\n".join(tables) + f"\n_Benchmark run time: {elapsed:.0f} s{' (--quick)' if quick else ''}{load}._\n"
    )
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

    def n(k: float) -> int:
        return max(3, int(k * scale))

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
