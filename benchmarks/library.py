#!/usr/bin/env python3
"""Measure ``nmdsl check`` over a whole workout library, and single-file latency.

    python3 benchmarks/library.py            # print the results as markdown
    python3 benchmarks/library.py --write    # ... and rewrite this script's results
                                             #     section of docs/performance.md
    python3 benchmarks/library.py --quick    # a smoke run (fewer files and runs)

What it does:

1. Builds a synthetic library in a temporary folder: ``--files`` (10,000)
   realistic sessions of 15-40 lines each, from a deterministic generator
   (bike and run sessions; warm-ups, ramps, zones, %FTP ranges, watts, heart
   rate, cadence, cues with and without ``at``, one-line repeats, blocks
   nested up to three deep, the four drills, ``max``, ``free``, comments and
   blank lines), in folders of 100, with an ``nmdsl.toml`` that sets
   ``ftp = 250`` and ``targets = ["zwo", "erg", "mrc", "fit"]``: every bike
   session really compiles to all four formats and every run session to ZWO
   and FIT (ERG and MRC carry bike sessions only).  Every file is valid, so
   the run must exit 0: a format that failed would be an error.
2. Runs ``nmdsl check LIBRARY`` end to end as a subprocess, for several
   library sizes and ``--jobs`` values, and reports files per second and the
   peak resident memory of the whole process tree (the CLI and its worker
   processes), sampled every few milliseconds with psutil when it is
   installed, else from ``/proc``.
3. Times single-file commands as whole processes (``nmdsl compile one.nm -f
   FMT -o OUT`` for every format, ``nmdsl check one.nm``, ``nmdsl --version``
   and ``python3 -c pass`` for the baseline), round-robin, and lists the heavy
   modules each one imports (from ``python3 -X importtime``).

It uses the console script beside the interpreter that runs it (else
``python3 -m nmdsl``): run it with the Python of the environment to measure.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PY, ROOT, TIMING_COLUMNS, Table, finish, machine, ms, nmdsl_script, rate, say, summary

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/library.py: results begin -->"
END = "<!-- benchmarks/library.py: results end -->"

CONFIG = """\
# Written by benchmarks/library.py: every bike session must compile to all four
# formats, every run session to ZWO and FIT.
ftp = 250
targets = ["zwo", "erg", "mrc", "fit"]
required = ["name", "tags"]
"""

# ---------------------------------------------------------------------------
# the generator (deterministic: the same seed gives the same library)

THEMES = (
    "Attacks",
    "Sprints",
    "30/30s",
    "On-offs",
    "Over-unders",
    "Sweet spot",
    "Threshold",
    "VO2max",
    "Tempo",
    "Endurance",
    "Spin-ups",
    "Accelerations",
    "Openers",
    "Race prep",
    "Recovery",
    "Sharpening",
    "Hill repeats",
    "Cadence drills",
)
RUN_THEMES = (
    "Strides",
    "Easy run",
    "Track",
    "Fartlek",
    "Tempo run",
    "Hill sprints",
    "Long run",
    "Openers run",
)
COACHES = ("A. Coach", "B. Smith", "Club Velo", "Team Run", "nmdsl examples")
CUES = (
    "Go!",
    "Hold it",
    "Stay seated",
    "Out of the saddle!",
    "Relax the shoulders",
    "Breathe",
    "Easy spin",
    "Drink",
    "Smooth pedalling",
    "Last one!",
    "Quick feet",
    "Tall posture",
)
COMMENTS = (
    "# main set",
    "# keep the cadence high",
    "# recover fully between efforts",
    "# from the club's winter plan",
    "# quality over quantity",
    "# easy between sets",
)


def _cue(r: random.Random) -> str:
    return f'"{r.choice(CUES)}"'


def _bike_blocks(r: random.Random) -> list[list[str]]:
    """Candidate main-set pieces of a bike session (each a list of lines)."""
    d = r.randint
    on, off = d(20, 40), d(15, 40)
    sets = d(2, 4)
    return [
        [
            f"{d(6, 13)}x {on}s @{d(115, 125)}-{d(126, 135)}% {d(90, 95)}-{d(100, 110)}rpm {_cue(r)} / "
            f"{off}s @{d(45, 55)}% {_cue(r)}"
        ],
        [
            f"{sets}x:",
            f"  {d(3, 5)}x 30s @{d(140, 160)}% {d(100, 105)}-{d(110, 115)}rpm {_cue(r)} / {d(40, 60)}s @55%",
            f"  {d(5, 8)}m @{d(86, 88)}-{d(92, 95)}% {_cue(r)} {_cue(r)} at {d(2, 4)}m",
            f"  rest {d(3, 5)}m @50%",
        ],
        [f"{d(4, 8)}x sprint {d(8, 15)}s {_cue(r)}", f"{d(5, 10)}m @Z2 {_cue(r)}"],
        [f"{d(3, 6)}x accel {d(15, 25)}s", f"{d(5, 10)}m @{d(60, 68)}-{d(70, 75)}%"],
        [f"{d(3, 6)}x spinup 30s {d(120, 130)}rpm", f"{d(3, 6)}m @Z1"],
        [f"{d(3, 5)}x {d(3, 5)}m @{d(270, 290)}-{d(295, 310)}W / {d(2, 4)}m @{d(140, 160)}W"],
        [f"{d(15, 30)}m @Z2 @{d(125, 135)}-{d(140, 150)}bpm {_cue(r)} {_cue(r)} at {d(5, 10)}m"],
        [f"{d(3, 6)}x {d(10, 20)}s max / {d(2, 4)}m free"],
        [
            f"{d(2, 3)}x:",
            f"  {d(2, 4)}m @{d(95, 100)}% {_cue(r)}",
            f"  {d(1, 2)}m @{d(103, 108)}%",
            f"  {d(2, 3)}x:",
            f"    {d(10, 20)}s @{d(150, 170)}%",
            f"    rest {d(30, 50)}s",
            f"  rest {d(3, 5)}m",
        ],
        [f"{d(8, 20)}m @{d(88, 92)}% {d(85, 95)}rpm {_cue(r)} {_cue(r)} at {d(4, 7)}m"],
        [f"{d(2, 4)}x {d(8, 12)}m @{d(95, 100)}-{d(101, 104)}% / {d(3, 5)}m @{d(50, 55)}%"],
        [f"1:{d(10, 59):02d} @{d(105, 115)}%", f"2m30s @{d(55, 60)}%"],
    ]


def _run_blocks(r: random.Random) -> list[list[str]]:
    d = r.randint
    return [
        [f"{d(6, 10)}x strides {d(15, 25)}s {_cue(r)}"],
        [f"{d(4, 8)}x {d(3, 4)}00mtr @3:{d(25, 45)}/km / 200mtr @6:{d(10, 40)}/km"],
        [f"{d(3, 6)}x {d(2, 5)}m @{d(100, 106)}% {_cue(r)} / {d(1, 3)}m free"],
        [f"{d(3, 5)}x accel {d(20, 30)}s", f"{d(5, 10)}m @5:{d(0, 30):02d}-5:{d(31, 59)}/km"],
        [f"{d(15, 30)}m @{d(135, 140)}-{d(145, 150)}bpm {_cue(r)}"],
        [
            f"{d(2, 3)}x:",
            f"  {d(3, 5)}x {d(30, 60)}s @4:{d(0, 9):02d}/km / {d(30, 60)}s free",
            f"  rest {d(2, 4)}m",
        ],
        [f"{d(4, 6)}x sprint {d(8, 12)}s"],
        [f"{d(10, 20)}m @{d(85, 90)}-{d(91, 95)}% {_cue(r)} {_cue(r)} at {d(3, 8)}m"],
    ]


def generate(index: int, seed: int = 7) -> str:
    """Session ``index`` of the library: 15-40 lines, valid, name unique."""
    r = random.Random(seed * 1_000_003 + index)
    run = r.random() < 0.2
    d = r.randint
    target_lines = d(15, 40)
    theme = r.choice(RUN_THEMES if run else THEMES)
    out = [r.choice(COMMENTS), ""] if r.random() < 0.5 else []
    out.append(f"name: {theme} {index:05d}")
    if r.random() < 0.6:
        out.append(f"author: {r.choice(COACHES)}")
    if r.random() < 0.5:
        out.append(f"description: {theme.lower()} session {index}, generated for the library benchmark")
    out.append(f"tags: {theme.lower()}, {'run' if run else 'bike'}, generated")
    if run:
        out += ["sport: run", f"threshold-pace: {d(3, 4)}:{d(30, 59)}/km"]
    elif r.random() < 0.3:
        out.append(f"ftp: {d(200, 320)}")
    out.append("")
    if run:
        out.append(f"warmup {d(10, 15)}m @5:{d(40, 50)}-6:{d(10, 20)}/km {_cue(r)}")
    else:
        out.append(
            r.choice(
                (
                    f"warmup {d(10, 15)}m ramp {d(40, 50)}%-{d(65, 75)}%",
                    f"warmup {d(10, 15)}m @Z2 {d(85, 95)}rpm",
                    f"warmup {d(10, 12)}m @{d(50, 55)}-{d(60, 65)}% {_cue(r)}",
                )
            )
        )
    tail = (
        [f"cooldown {d(8, 12)}m @5:{d(45, 55)}-6:{d(15, 25)}/km {_cue(r)}"]
        if run
        else [f"cooldown {d(5, 10)}m ramp {d(55, 65)}%-{d(35, 45)}% {_cue(r)}"]
    )
    body: list[str] = []
    easy = f"{d(3, 6)}m free" if run else f"{d(3, 6)}m @{d(50, 55)}%"
    for _ in range(12):  # enough to reach any length
        # Fresh numbers for each piece; a session may still repeat a kind of set.
        body += r.choice(_run_blocks(r) if run else _bike_blocks(r))
        if r.random() < 0.4:
            body.append(r.choice(COMMENTS))
        body.append(easy)
        if r.random() < 0.3:
            body.append("")
        if len(out) + len(body) + len(tail) >= target_lines:
            break
    # Trim to the target length at a piece boundary that is not inside a block.
    while len(out) + len(body) + len(tail) > target_lines and len(body) > 1:
        last = body.pop()
        if last.startswith(" ") or last.endswith(":"):
            # Never cut a block in half: drop it whole.
            while body and (body[-1].startswith(" ") or body[-1].endswith(":")):
                body.pop()
    while len(out) + len(body) + len(tail) < target_lines:
        body.append(
            r.choice(COMMENTS)
            if r.random() < 0.5
            else f"{d(2, 5)}m @{d(55, 65)}%"
            if not run
            else f"{d(2, 5)}m @{d(70, 80)}%"
        )
    while body and body[-1].endswith(":"):  # pragma: no cover - defensive
        body.pop()
    return "\n".join(out + body + tail) + "\n"


def single_session() -> str:
    """A bike session of the library's kind, about 30 lines, with ``ftp: 250``."""
    for i in range(1000):
        text = generate(i, seed=11)
        if "sport: run" not in text and "ftp:" not in text and 28 <= text.count("\n") <= 32:
            return text.replace("tags:", "ftp: 250\ntags:", 1)
    raise AssertionError("no session of that kind")  # pragma: no cover


def build_library(root: Path, n: int, seed: int = 7) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "nmdsl.toml").write_text(CONFIG, encoding="utf-8")
    files = []
    for i in range(n):
        folder = root / f"coach-{i // 100:03d}"
        folder.mkdir(exist_ok=True)
        p = folder / f"session-{i:05d}.nm"
        p.write_text(generate(i, seed), encoding="utf-8")
        files.append(p)
    return files


def validate_sample(files: Sequence[Path], k: int = 300) -> dict[str, int]:
    """Check a sample in process: every file valid, 15-40 lines, both sports."""
    import nmdsl.api

    step = max(1, len(files) // k)
    sample = list(files[::step])
    lines, runs = [], 0
    for p in sample:
        text = p.read_text(encoding="utf-8")
        lines.append(text.count("\n"))
        result = nmdsl.api.check(text, filename=str(p), ftp_w=250)
        if not result.ok:
            raise SystemExit(f"generated {p} is not valid:\n{text}\n{result.errors[:3]}")
        if "sport: run" in text:
            runs += 1
    if min(lines) < 15 or max(lines) > 40:
        raise SystemExit(f"generated sessions have {min(lines)}-{max(lines)} lines, not 15-40")
    return {"sample": len(sample), "min_lines": min(lines), "max_lines": max(lines), "runs": runs}


# ---------------------------------------------------------------------------
# memory of a process tree


def _proc_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


def _status_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB, (0, 0) once the process is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def _pss_kib(pid: int) -> int:
    """Proportional set size (shared pages divided among their sharers), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class TreeRun:
    seconds: float
    returncode: int
    #: User + system CPU seconds of the process and its (waited-for) workers.
    cpu: float
    #: The largest sum of the tree's resident sets seen at one sample.
    peak_rss: int
    #: The sum of each process's own peak (VmHWM) as last seen: an upper bound.
    sum_hwm: int
    #: The largest sum of the tree's proportional set sizes (sampled less often).
    peak_pss: int
    processes: int
    samples: int
    stderr_tail: str


def run_tree(argv: Sequence[str], interval: float = 0.005) -> TreeRun:
    """Run ``argv``, sampling the resident memory of it and its descendants."""
    try:
        import psutil  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        psutil = None
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        peak = peak_pss = samples = 0
        hwm: dict[int, int] = {}
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                p.returncode = os.waitstatus_to_exitcode(status)
                break
            total = pss = 0
            if psutil is not None:
                try:
                    root = psutil.Process(p.pid)
                    pids = [root.pid, *(c.pid for c in root.children(recursive=True))]
                except psutil.Error:
                    pids = []
            else:
                pids = _proc_tree(p.pid)
            for q in pids:
                rss, h = _status_kib(q)
                total += rss * 1024
                hwm[q] = max(hwm.get(q, 0), h * 1024)
                if samples % 10 == 0:
                    pss += _pss_kib(q) * 1024
            peak = max(peak, total)
            peak_pss = max(peak_pss, pss)
            samples += 1
            time.sleep(interval)
        seconds = time.perf_counter() - t0
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return TreeRun(seconds, p.returncode, cpu, peak, sum(hwm.values()), peak_pss, len(hwm), samples, tail)


def mib(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MiB"


# ---------------------------------------------------------------------------
# the measurements


def bench_check(
    exe: list[str], root: Path, sizes: Sequence[int], jobs: Sequence[int | None], reps: int
) -> tuple[Table, list[dict[str, object]]]:
    t = Table(
        "`nmdsl check LIBRARY` end to end (one process tree, start-up included)",
        (
            "files",
            "--jobs",
            "wall (median)",
            "p25 – p75",
            "files/s (median)",
            "CPU s (median)",
            "files per CPU s",
            "peak RSS, tree",
            "Σ peak RSS per process",
            "peak PSS, tree",
            "processes",
        ),
    )
    rows: list[dict[str, object]] = []
    for n in sizes:
        target = root / f"lib{n}"
        for j in jobs:
            argv = [*exe, "check", str(target)] + ([] if j is None else ["--jobs", str(j)])
            say(f"  check {n:,} files, --jobs {j or 'default'}")
            runs = []
            for _ in range(reps):
                r = run_tree(argv)
                if r.returncode != 0:
                    raise SystemExit(f"{' '.join(argv)} exited {r.returncode}:\n{r.stderr_tail}")
                runs.append(r)
            st = summary([r.seconds for r in runs])
            cpu = statistics.median(r.cpu for r in runs)
            peak = max(r.peak_rss for r in runs)
            hwm = max(r.sum_hwm for r in runs)
            pss = max(r.peak_pss for r in runs)
            procs = max(r.processes for r in runs)
            t.add(
                f"{n:,}",
                "default" if j is None else j,
                f"{st['median']:.2f} s",
                f"{st['p25']:.2f} – {st['p75']:.2f} s",
                rate(n / st["median"]),
                f"{cpu:.2f}",
                rate(n / cpu),
                mib(peak),
                mib(hwm),
                mib(pss) if pss else "",
                procs,
            )
            rows.append(
                {
                    "files": n,
                    "jobs": j,
                    "median_s": st["median"],
                    "files_per_s": n / st["median"],
                    "cpu_s": cpu,
                    "peak_rss": peak,
                    "sum_hwm": hwm,
                    "peak_pss": pss,
                }
            )
    t.notes.append(
        f"Each row is {reps} run(s) of `nmdsl check` over the generated library (exit status 0: every file "
        "compiled to every target). CPU s: user + system time of the CLI process and its worker processes "
        "(`wait4`), which a busy machine does not inflate the way it does the wall clock. Peak RSS, tree: "
        "the largest sum of the resident sets of the CLI process and its worker processes seen at one "
        "sample (every 5 ms); Σ peak RSS per process adds each process's own peak (VmHWM), an upper bound. "
        "Resident sets count the pages that forked workers share with the parent once per process; the "
        "proportional set size (PSS, sampled every 50 ms) divides them among their sharers, so it is the "
        "tree's real share of the machine's memory."
    )
    return t, rows


def importtime_modules(argv: Sequence[str]) -> list[str]:
    """The heavy top-level packages ``argv`` (a ``python -m nmdsl`` command) imports."""
    p = subprocess.run(
        [PY, "-X", "importtime", "-m", "nmdsl", *argv], capture_output=True, text=True, check=False
    )
    seen = set()
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \|(\s*)(\S+)", line)
        if m:
            seen.add(m.group(2).split(".")[0])
    return [name for name in ("click", "lark", "pydantic", "lxml") if name in seen]


def bench_single(exe: list[str], tmp: Path, reps: int) -> Table:
    one = tmp / "one.nm"
    one.write_text(single_session(), encoding="utf-8")
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    cmds: list[tuple[str, list[str], list[str] | None]] = [
        ("`python3 -c pass` (baseline: the interpreter alone)", [PY, "-c", "pass"], None),
        ("`nmdsl --version`", [*exe, "--version"], ["--version"]),
        ("`nmdsl check one.nm`", [*exe, "check", str(one)], ["check", str(one)]),
    ]
    for fmt in ("zwo", "erg", "mrc", "fit", "json"):
        args = ["compile", str(one), "-f", fmt, "-o", str(out / f"one.{fmt}")]
        cmds.append((f"`nmdsl compile one.nm -f {fmt}`", [*exe, *args], args))
    times: dict[str, list[float]] = {label: [] for label, _, _ in cmds}
    for i in range(reps + 1):
        for label, argv, _ in cmds:
            t0 = time.perf_counter()
            p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
            dt = time.perf_counter() - t0
            if p.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} exited {p.returncode}:\n{p.stderr.decode()}")
            if i:  # the first round warms the disk cache
                times[label].append(dt)
    base = statistics.median(times[cmds[0][0]])
    t = Table(
        "One file as a whole process (fresh process each run)",
        (*TIMING_COLUMNS[:-1], "minus baseline", "heavy imports"),
    )
    for label, _, args in cmds:
        st = summary(times[label])
        heavy = ", ".join(importtime_modules(args)) or "none" if args is not None else ""
        t.add(
            label,
            ms(st["median"]),
            f"{ms(st['p25'])} – {ms(st['p75'])}",
            ms(st["min"]),
            st["n"],
            "" if args is None else ms(st["median"] - base),
            heavy,
        )
    t.notes.append(
        f"one.nm is a generated bike session of {one.read_text().count(chr(10))} lines with `ftp: 250`; "
        "`-o` writes into a temporary folder. The commands run round-robin. Heavy imports: which of "
        "click, lark, pydantic and lxml the command imports (`python3 -X importtime -m nmdsl ...`)."
    )
    return t


# ---------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10_000, help="the largest library (default 10,000)")
    ap.add_argument("--sizes", default=None, help="comma-separated library sizes (default: 1000,3000,FILES)")
    ap.add_argument(
        "--jobs", default="1,2,4,default", help="comma-separated --jobs values ('default': none given)"
    )
    ap.add_argument("--reps", type=int, default=3, help="runs of each check measurement")
    ap.add_argument("--single-reps", type=int, default=20, help="runs of each single-file command")
    ap.add_argument(
        "--write", action="store_true", help=f"rewrite this script's section of {DOC.relative_to(ROOT)}"
    )
    ap.add_argument(
        "--quick", action="store_true", help="a smoke run: 1,000 files, fewer runs (not for the docs)"
    )
    ap.add_argument("--note", help="a line for the machine table")
    ap.add_argument("--keep", metavar="DIR", help="build the library in DIR and keep it")
    ap.add_argument("--only", choices=("check", "single"), help="run one part only")
    args = ap.parse_args()
    if args.quick:
        args.files, args.reps, args.single_reps = min(args.files, 1000), 1, 5
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else sorted({min(1000, args.files), min(3000, args.files), args.files})
    )
    jobs = [None if j == "default" else int(j) for j in args.jobs.split(",")]
    exe = nmdsl_script()

    t_start = time.perf_counter()
    tables = [machine(args.note)]
    with tempfile.TemporaryDirectory(prefix="nmdsl-library-") as d:
        tmp = Path(args.keep) if args.keep else Path(d)
        if args.only != "single":
            say(f"building libraries of {', '.join(f'{n:,}' for n in sizes)} files ...")
            t0 = time.perf_counter()
            info = {}
            for n in sizes:
                files = build_library(tmp / f"lib{n}", n)
                if n == max(sizes):
                    info = validate_sample(files)
            built = time.perf_counter() - t0
            say("check ...")
            table, _ = bench_check(exe, tmp, sizes, jobs, args.reps)
            total_lines = sum(generate(i).count("\n") for i in range(max(sizes)))
            runs = sum("sport: run" in generate(i) for i in range(max(sizes)))
            table.notes.append(
                f"The library of {max(sizes):,} files has {total_lines:,} lines "
                f"({total_lines / max(sizes):.1f} a file), "
                f"{runs:,} run sessions and {max(sizes) - runs:,} bike sessions, in folders of 100 "
                f"(built in {built:.1f} s; a sample of {info.get('sample')} files checked in process first: "
                f"all valid, {info.get('min_lines')}-{info.get('max_lines')} lines). "
                'Its `nmdsl.toml` sets `ftp = 250`, `targets = ["zwo", "erg", "mrc", "fit"]` and '
                '`required = ["name", "tags"]`. `--jobs` default is the machine\'s cores.'
            )
            tables.append(table.markdown())
            say(tables[-1])
        if args.only != "check":
            say("single files ...")
            tables.append(bench_single(exe, tmp, args.single_reps).markdown())
            say(tables[-1])
    finish(tables, t_start, quick=args.quick, write=args.write, begin=BEGIN, end=END)


if __name__ == "__main__":
    main()
