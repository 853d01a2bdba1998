#!/usr/bin/env python3
"""Measure what the largest files nmdsl accepts cost: ``check`` and ``import`` of ~5 MiB inputs.

    python3 benchmarks/largest.py            # print the results as markdown
    python3 benchmarks/largest.py --write    # ... and rewrite this script's results
                                             #     section of docs/performance.md
    python3 benchmarks/largest.py --quick    # one run of each (a smoke run)
    python3 benchmarks/largest.py --keep DIR # write the inputs to DIR and keep them
    python3 benchmarks/largest.py --only lines,zwo-segments

Issue 13 asks that every file up to the size limit (``nmdsl.limits.MAX_FILE_BYTES``,
5 MiB), an ``.nm`` file or an imported ZWO, ERG, MRC or FIT file, be checked
or refused in under 2 s and 200 MB of peak memory on a 2-CPU machine.  This
script builds the worst inputs of each kind we know of, each as close to the
size limit as its pattern allows (FIT: to the FIT importer's own 2 MiB limit),
with deterministic generators, and runs each as users run it, a fresh
process: ``nmdsl check FILE`` for ``.nm`` files, ``nmdsl import FILE -o OUT``
for the others.  For each it reports the wall time, the CPU time, the peak
resident memory of the process (its VmHWM, sampled from ``/proc``), the
exit status, the codes of the diagnostics and how many bytes were printed.

Plain Python: it needs nmdsl installed and nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Table, finish, machine, nmdsl_script, say

from nmdsl.limits import MAX_FILE_BYTES

DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- benchmarks/largest.py: results begin -->"
END = "<!-- benchmarks/largest.py: results end -->"

#: Inputs are filled up to this many bytes (the limit itself, less a little
#: for a header or a closing tag).
SIZE = MAX_FILE_BYTES - 1024
#: The FIT importer reads at most 2 MiB (a FIT workout is a few kilobytes).
FIT_SIZE = 2 * 1024 * 1024 - 1024


def fill(head: str, unit: str, tail: str = "", size: int = SIZE, sep: str = "") -> str:
    """``head``, ``unit`` as many times as fit in ``size`` bytes (joined by ``sep``), ``tail``."""
    room = size - len((head + tail).encode("utf-8"))
    per = len((unit + sep).encode("utf-8"))
    n = max(1, room // per)
    return head + sep.join([unit] * n) + tail


# ---------------------------------------------------------------------------
# the inputs (each a function of nothing: deterministic)


def nm_lines() -> str:
    """Short valid step lines, one after another: far more than 10,000 steps."""
    return fill("name: Lines\n", "1s @50%\n")


def nm_one_line_repeat() -> str:
    """One repeat line of hundreds of thousands of steps."""
    return fill("name: One line\n6x ", "10s @50%", "\n", sep=" / ")


def nm_one_line_items() -> str:
    """One line of steps without the '/' between them: a syntax error at the third item."""
    return fill("name: Items\n", "10s @50%", "\n", sep=" ")


def nm_cues() -> str:
    """Steps with cues, one a line (the issue's third case)."""
    return fill("name: Cues\n", '10s @50% "Keep it steady" "Now!" at 5s\n')


def nm_one_step_many_cues() -> str:
    """One step with cues all along it: one line of a few hundred thousand cues."""
    return fill("name: Chatty\n20h @50%", ' "Go" at 1h', "\n")


def nm_bad_lines() -> str:
    """Every line an error (E002: 'M' is no unit)."""
    return fill("name: Typos\n", "10M @50%\n")


def nm_disable_comments() -> str:
    """A valid step, then a disable comment naming an unknown code on every line (W103 each)."""
    return fill("name: Comments\n10m @50%\n", "# nmdsl: disable=W999\n")


def nm_big_block() -> str:
    """``10000x:`` of a block of many lines: the expanded count is known from the first body line."""
    return fill("name: Block\n10000x:\n", "  1s @50%\n")


def nm_long_word() -> str:
    """One item of 5 MB: an unknown word the size of the file."""
    return fill("name: Word\n10m @50% ", "x", "\n")


def nm_long_cue() -> str:
    """One cue of 5 MB (E210)."""
    return fill('name: Cue\n10m @50% "', "x", '"\n')


def nm_many_targets() -> str:
    """One step with hundreds of thousands of targets (E302 after the first)."""
    return fill("name: Targets\n10m", " @50%", "\n")


def nm_largest_valid() -> str:
    """The largest file that checks clean: 10,000 steps under 24 hours, with long cues filling 5 MB."""
    cue = "Stay smooth and keep the cadence high. " * 12  # ~470 characters
    lines = ["name: Largest valid", "ftp: 250"]
    lines += [f'{"8s" if i % 2 else "7s"} @{50 + i % 50}% "{cue[: 440 + i % 30]}"' for i in range(10_000)]
    text = "\n".join(lines) + "\n"
    assert len(text.encode("utf-8")) <= SIZE, len(text)
    return text


def nm_header_lines() -> str:
    """Header lines only, the same key on every line (E103 each)."""
    return fill("", "name: Same\n", "10m @50%\n")


def nm_bad_values() -> str:
    """Step lines that parse but fail as values (E201 each: a zero duration)."""
    return fill("name: Zeros\n", "0s @50%\n")


def nm_largest_expanded() -> str:
    (
        "A line that unrolls to the limits, 10,000 steps and 20,000 cues: valid, "
        "and every format writes them all."
    )  # the docstring, shown as this case's row in the table
    return 'name: Expanded\nftp: 250\n5000x 1s @150% "Go" "Hold" / 1s @50% "Easy" "Breathe"\n'


def nm_comments() -> str:
    """A valid session under 5 MB of comment lines."""
    return fill("name: Commented\n10m @50%\n", "# a comment line that says nothing\n")


def zwo_segments() -> str:
    """A ZWO file of some hundred thousand segments."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n<name>Segments</name>\n<workout>\n'
    return fill(head, '<SteadyState Duration="1" Power="0.5"/>\n', "</workout>\n</workout_file>\n")


def zwo_textevents() -> str:
    """A ZWO file of one segment holding some hundred thousand text events."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n<name>Texts</name>\n<workout>\n'
        '<SteadyState Duration="36000" Power="0.5">\n'
    )
    return fill(
        head, '<textevent timeoffset="10" message="Go"/>\n', "</SteadyState>\n</workout>\n</workout_file>\n"
    )


def zwo_intervals() -> str:
    """A ZWO file of many IntervalsT elements, each of two steps."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n<name>Intervals</name>\n<workout>\n'
    unit = '<IntervalsT Repeat="2" OnDuration="1" OffDuration="1" OnPower="1.2" OffPower="0.5"/>\n'
    return fill(head, unit, "</workout>\n</workout_file>\n")


def zwo_elements() -> str:
    """A ZWO file of a million tiny unknown elements."""
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n<name>Tiny</name>\n<workout>\n'
    return fill(
        head + '<SteadyState Duration="60" Power="0.5">',
        "<x/>",
        "</SteadyState>\n</workout>\n</workout_file>\n",
    )


def zwo_attributes() -> str:
    """A ZWO file of one element with hundreds of thousands of attributes."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<workout_file>\n<workout>\n'
        '<SteadyState Duration="60" Power="0.5"'
    )
    room = SIZE - len(head) - 40
    attrs, size, i = [], 0, 0
    while size < room:
        attr = f' a{i}="1"'
        attrs.append(attr)
        size += len(attr)
        i += 1
    return head + "".join(attrs[:-1]) + "/>\n</workout>\n</workout_file>\n"


def erg_points() -> str:
    """An ERG file of hundreds of thousands of points."""
    head = (
        "[COURSE HEADER]\nVERSION=2\nUNITS=ENGLISH\nFTP=250\nMINUTES WATTS\n[END COURSE HEADER]\n"
        "[COURSE DATA]\n"
    )
    tail = "[END COURSE DATA]\n"
    room = SIZE - len(head) - len(tail)
    rows, t, i = [], 0, 0
    size = 0
    while True:
        # Steps of one second: a new power every second, so nothing folds.
        row = f"{t / 60:.4f}\t{100 + i % 200}\n{(t + 1) / 60:.4f}\t{100 + i % 200}\n"
        if size + len(row) > room:
            break
        rows.append(row)
        size += len(row)
        t, i = t + 1, i + 1
    return head + "".join(rows) + tail


def erg_dense() -> str:
    """An ERG file of points a tenth of a second apart (many to each whole second), within 24 hours."""
    head = (
        "[COURSE HEADER]\nVERSION=2\nUNITS=ENGLISH\nFTP=250\nMINUTES WATTS\n[END COURSE HEADER]\n"
        "[COURSE DATA]\n"
    )
    tail = "[END COURSE DATA]\n"
    room = SIZE - len(head) - len(tail)
    rows, size, i = [], 0, 0
    while True:
        row = f"{i / 600:.5f}\t{100 + i % 7}\n"
        if size + len(row) > room:
            break
        rows.append(row)
        size += len(row)
        i += 1
    return head + "".join(rows) + tail


def erg_bad_rows() -> str:
    """An ERG file of rows that are not points (E523 each)."""
    head = "[COURSE HEADER]\nFTP=250\nMINUTES WATTS\n[END COURSE HEADER]\n[COURSE DATA]\n"
    return fill(head, "x y z\n", "[END COURSE DATA]\n")


def mrc_points() -> str:
    """An MRC file of hundreds of thousands of points, in percent."""
    return erg_points().replace("MINUTES WATTS", "MINUTES PERCENT").replace("FTP=250\n", "")


def fit_steps() -> bytes:
    """A FIT workout of as many steps as fit in 2 MiB."""
    from nmdsl.formats.fit import codec as fc

    fields = {254: fc.UINT16, 1: fc.ENUM, 2: fc.UINT32, 3: fc.ENUM}
    messages = [fc.Message(fc.Mesg.FILE_ID, (fc.Field(0, fc.ENUM, 5), fc.Field(3, fc.UINT32Z, 1)))]
    messages.append(fc.Message(fc.Mesg.WORKOUT, (fc.Field(8, fc.STRING, "Steps"), fc.Field(4, fc.ENUM, 2))))
    # One step is 9 bytes (a record header and four fields); duration_type 0 (time), target_type 2 (open).
    n = (FIT_SIZE - 200) // 9
    for i in range(n):
        values = {254: i % 65535, 1: 0, 2: 1000, 3: 2}
        messages.append(
            fc.Message(fc.Mesg.WORKOUT_STEP, tuple(fc.Field(k, t, values[k]) for k, t in fields.items()))
        )
    return fc.encode_file(messages)


@dataclass(frozen=True)
class Case:
    name: str
    suffix: str
    build: Callable[[], str | bytes]

    @property
    def what(self) -> str:
        return (self.build.__doc__ or "").strip()


CASES = [
    Case("lines", ".nm", nm_lines),
    Case("one-line-repeat", ".nm", nm_one_line_repeat),
    Case("one-line-items", ".nm", nm_one_line_items),
    Case("cues", ".nm", nm_cues),
    Case("one-step-many-cues", ".nm", nm_one_step_many_cues),
    Case("bad-lines", ".nm", nm_bad_lines),
    Case("disable-comments", ".nm", nm_disable_comments),
    Case("big-block", ".nm", nm_big_block),
    Case("long-word", ".nm", nm_long_word),
    Case("long-cue", ".nm", nm_long_cue),
    Case("many-targets", ".nm", nm_many_targets),
    Case("header-lines", ".nm", nm_header_lines),
    Case("bad-values", ".nm", nm_bad_values),
    Case("comments", ".nm", nm_comments),
    Case("largest-valid", ".nm", nm_largest_valid),
    Case("largest-expanded", ".nm", nm_largest_expanded),
    Case("zwo-segments", ".zwo", zwo_segments),
    Case("zwo-textevents", ".zwo", zwo_textevents),
    Case("zwo-intervals", ".zwo", zwo_intervals),
    Case("zwo-elements", ".zwo", zwo_elements),
    Case("zwo-attributes", ".zwo", zwo_attributes),
    Case("erg-points", ".erg", erg_points),
    Case("erg-dense", ".erg", erg_dense),
    Case("erg-bad-rows", ".erg", erg_bad_rows),
    Case("mrc-points", ".mrc", mrc_points),
    Case("fit-steps", ".fit", fit_steps),
]


def write_inputs(folder: Path, cases: list[Case]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        data = case.build()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        assert len(raw) <= MAX_FILE_BYTES, (case.name, len(raw))
        path = folder / f"{case.name}{case.suffix}"
        path.write_bytes(raw)
        paths[case.name] = path
    return paths


# ---------------------------------------------------------------------------
# running


@dataclass
class Outcome:
    seconds: list[float]
    cpu: list[float]
    peak_hwm_kib: int
    returncode: int | None  # None: stopped at the timeout
    codes: str
    printed: int


def _hwm_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM) so far, 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(argv: list[str], timeout: float) -> tuple[float, float, int, int | None, bytes]:
    """(wall s, CPU s, peak RSS KiB, exit status or None at the timeout, everything printed)."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=out)
        hwm = 0
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code: int | None = os.waitstatus_to_exitcode(status)
                break
            hwm = max(hwm, _hwm_kib(p.pid))
            if time.perf_counter() - t0 > timeout:
                p.kill()
                _, status, usage = os.wait4(p.pid, 0)
                code = None
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - t0
        p.returncode = -1  # reaped above: keep Popen from waiting again
        out.seek(0)
        printed = out.read()
    return seconds, usage.ru_utime + usage.ru_stime, hwm, code, printed


def _codes(printed: bytes) -> str:
    """The distinct codes printed, in order of first appearance, with counts."""
    import re

    seen: dict[str, int] = {}
    for m in re.finditer(rb"(?:error|warning)\[([EW][0-9]{3})\]", printed):
        code = m.group(1).decode()
        seen[code] = seen.get(code, 0) + 1
    return ", ".join(f"{c}" if n == 1 else f"{c} ×{n:,}" for c, n in seen.items()) or "none"


def run_case(exe: list[str], path: Path, out: Path, reps: int, timeout: float) -> Outcome:
    if path.suffix == ".nm":
        argv = [*exe, "check", str(path)]
    else:
        argv = [*exe, "import", str(path), "-o", str(out / (path.stem + ".nm"))]
    seconds, cpu, hwm = [], [], 0
    code: int | None = 0
    printed = b""
    for _ in range(reps):
        s, c, h, code, printed = run_once(argv, timeout)
        seconds.append(s)
        cpu.append(c)
        hwm = max(hwm, h)
        if code is None:
            break  # one run past the timeout says enough
    return Outcome(seconds, cpu, hwm, code, _codes(printed), len(printed))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3, help="runs of each input (default 3)")
    ap.add_argument(
        "--write", action="store_true", help=f"rewrite this script's section of {DOC.relative_to(ROOT)}"
    )
    ap.add_argument("--quick", action="store_true", help="one run of each input (a smoke run)")
    ap.add_argument("--keep", metavar="DIR", help="write the inputs to DIR and keep them")
    ap.add_argument("--only", help="comma-separated case names: " + ", ".join(c.name for c in CASES))
    ap.add_argument("--note", help="a line for the machine table")
    ap.add_argument(
        "--timeout", type=float, default=120, help="stop a run after this many seconds (default 120)"
    )
    args = ap.parse_args()
    reps = 1 if args.quick else args.reps
    cases = CASES
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {c.name for c in CASES}
        if unknown:
            raise SystemExit(f"unknown cases: {', '.join(sorted(unknown))}")
        cases = [c for c in CASES if c.name in wanted]
    exe = nmdsl_script()
    t_start = time.perf_counter()
    tables = [machine(args.note)]
    t = Table(
        "The largest inputs, one fresh process each (`nmdsl check FILE`; `nmdsl import FILE -o OUT`)",
        (
            "input",
            "bytes",
            "wall (median)",
            "CPU s (median)",
            "peak RSS",
            "exit",
            "diagnostics",
            "bytes printed",
        ),
    )
    with tempfile.TemporaryDirectory(prefix="nmdsl-largest-") as d:
        folder = Path(args.keep) if args.keep else Path(d) / "in"
        out = Path(d) / "out"
        out.mkdir()
        say("building the inputs ...")
        paths = write_inputs(folder, cases)
        for case in cases:
            path = paths[case.name]
            say(f"  {case.name} ({path.stat().st_size:,} bytes)")
            o = run_case(exe, path, out, reps, args.timeout)
            stopped = o.returncode is None
            t.add(
                f"`{case.name}{case.suffix}`",
                f"{path.stat().st_size:,}",
                f"> {args.timeout:.0f} s (stopped)" if stopped else f"{statistics.median(o.seconds):.2f} s",
                f"> {o.cpu[-1]:.0f}" if stopped else f"{statistics.median(o.cpu):.2f}",
                f"{'> ' if stopped else ''}{o.peak_hwm_kib / 1024:.0f} MiB",
                "" if stopped else o.returncode,
                o.codes,
                f"{o.printed:,}",
            )
    t.notes.append(
        f"Each row is {reps} run(s) of a fresh process; peak RSS is the process's own high-water mark "
        "(VmHWM, sampled every 5 ms). Diagnostics: the codes printed, with how many times each. "
        "The inputs:"
    )
    t.notes += [f"- `{c.name}{c.suffix}`: {c.what}" for c in cases]
    tables.append(t.markdown())
    say(tables[-1])
    finish(tables, t_start, quick=args.quick, write=args.write, begin=BEGIN, end=END)


if __name__ == "__main__":
    main()
