#!/usr/bin/env python3
"""Fingerprint nmdsl's observable behaviour, to prove a refactor changes none of it.

Run it before a refactor and again after; the hashes must be equal::

    python3 benchmarks/behaviour.py --dump /tmp/before     # on the old tree
    python3 benchmarks/behaviour.py --dump /tmp/after      # on the new tree
    diff -r /tmp/before /tmp/after                         # empty when nothing changed

Other options: ``--count N`` (generated sessions, default 3000), ``--seed S``
(default 1), ``--only a,b,c`` (some categories), ``--json`` (machine-readable
output), ``--corpus DIR`` (default: ``../shared/corpus`` beside the project).

It prints one SHA-256 per category and an overall one on stdout (the same
bytes on every run of the same tree); the wall time and where each internal
function was found go to stderr.  Categories:

a. ``--count`` sessions generated from ``random.Random`` seeded by ``--seed``
   (valid ones over the whole language, and a share deliberately broken):
   for each, ``nmdsl.check`` with every diagnostic rendered; for valid ones,
   ``nmdsl.compile`` to every format (the error when it raises, then again
   with ``ftp_w=250``), the format's warnings (``nmdsl.emit``), the formatter,
   ``nmdsl.write``, ``totals()``, ``timeline()`` and ``nmdsl.stats``.
b. every workout file of the shared corpus (skipped when it is absent):
   ``nmdsl.load`` (diagnostics, the imported text), ``nmdsl.write``, a check of
   that text (and whether it reads back to the same model), a compile back to
   the file's own format and to JSON, the totals, timeline and stats.
c. the CLI (``python -m nmdsl``) on a few files in a temporary folder, run
   from that folder with relative paths: check, compile, fmt, import, stats,
   schema; exit status, stdout, stderr, and the files written.

With ``--dump DIR`` every recorded item is written below ``DIR/<category>/``
(binary items as a hex dump), so two dumps can be compared with ``diff -r``
to see what changed; an existing dump folder is replaced (a non-empty folder
that is no dump is refused).  ``a/NNNNN/input.nm`` is the session itself.

Absolute paths, times and versions never enter a hash: the filenames given
to nmdsl are fixed (``s.nm``, relative corpus paths), ``SOURCE_DATE_EPOCH``
is removed, the CLI runs in a temporary folder with an empty ``nmdsl.toml``
(no configuration above it counts) and with this process's nmdsl on its
path, and that folder is replaced by ``<TMP>`` in anything the CLI prints.
A session that fails can be regenerated alone: it is ``session(seed, index)``.

Internal functions (the formatter, ``render``) are reached through
:func:`resolve`, which tries the pre-refactor module first and then the new
candidates; everything else goes through ``nmdsl``'s public names.
Plain Python 3.11: it needs nmdsl installed and nothing else.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.pop("SOURCE_DATE_EPOCH", None)  # the FIT backend would take its time from it

import nmdsl

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("zwo", "erg", "mrc", "fit", "json")
IMPORT_SUFFIXES = (".zwo", ".erg", ".mrc", ".fit")
FTP_FALLBACK = 250.0
FILENAME = "s.nm"
CATEGORIES = ("a", "b", "c")

#: name -> candidates "module:attribute", the pre-refactor place first.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "render": (
        "nmdsl.diagnostics:render",
        "nmdsl.source:render",
        "nmdsl.language.diagnostics:render",
        "nmdsl.model.diagnostics:render",
    ),
    "format_text": (
        "nmdsl.fmt:format_text",
        "nmdsl.language.fmt:format_text",
        "nmdsl.language.formatter:format_text",
        "nmdsl.formatter:format_text",
    ),
    "format_bytes": (
        "nmdsl.fmt:format_bytes",
        "nmdsl.language.fmt:format_bytes",
        "nmdsl.language.formatter:format_bytes",
        "nmdsl.formatter:format_bytes",
    ),
}
RESOLVED: dict[str, str] = {}


def resolve(name: str) -> Any:
    """The object ``name`` from the first of its CANDIDATES that exists."""
    if name in RESOLVED:
        module, _, attr = RESOLVED[name].partition(":")
        return getattr(importlib.import_module(module), attr)
    for candidate in CANDIDATES[name]:
        module, _, attr = candidate.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # Only a missing candidate is skipped; a module that exists and fails is a bug.
            if exc.name is not None and (module == exc.name or module.startswith(exc.name + ".")):
                continue
            raise
        if hasattr(mod, attr):
            RESOLVED[name] = candidate
            return getattr(mod, attr)
    raise SystemExit(f"behaviour.py: cannot find {name}; tried {', '.join(CANDIDATES[name])}")


# ---------------------------------------------------------------------------
# recording


class Recorder:
    """Hashes (and optionally dumps) named items, record by record, in order."""

    def __init__(self, category: str, dump: Path | None) -> None:
        self.category = category
        self.hash = hashlib.sha256()
        self.dump = dump / category if dump is not None else None
        self.items = 0

    def add(self, record: str, key: str, data: bytes | str) -> None:
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        head = f"{record}\0{key}\0{len(raw)}\n".encode()
        self.hash.update(head)
        self.hash.update(raw)
        self.items += 1
        if self.dump is not None:
            folder = self.dump / record
            folder.mkdir(parents=True, exist_ok=True)
            try:
                raw.decode("utf-8")
                (folder / key).write_bytes(raw)
            except UnicodeDecodeError:
                (folder / (key + ".hex")).write_text(hexdump(raw), encoding="utf-8")

    def digest(self) -> str:
        return self.hash.hexdigest()


def hexdump(data: bytes) -> str:
    return "".join(f"{i:08x}  {data[i : i + 16].hex(' ')}\n" for i in range(0, len(data), 16))


def plain(x: Any) -> Any:
    """Dataclasses, enums, tuples and dicts as JSON-ready data (field order kept)."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    if hasattr(x, "value") and hasattr(x, "name") and type(x).__module__ != "builtins":
        return x.value  # an Enum
    return x


def unspanned(x: Any) -> Any:
    """JSON data without the source positions (``span``, ``header_spans``)."""
    if isinstance(x, dict):
        return {k: unspanned(v) for k, v in x.items() if k not in ("span", "header_spans")}
    if isinstance(x, list):
        return [unspanned(v) for v in x]
    return x


def dumps(x: Any) -> str:
    return json.dumps(plain(x), indent=1, ensure_ascii=False, allow_nan=True) + "\n"


def render_all(diagnostics: Sequence[Any], source: str | None) -> str:
    """Every diagnostic as ``nmdsl check`` prints it, then its full structure."""
    render = resolve("render")
    out = []
    for d in diagnostics:
        out.append(render(d, source))
        out.append("  = " + json.dumps(d.model_dump(mode="json"), sort_keys=True, ensure_ascii=False))
    return "\n".join(out) + ("\n" if out else "")


def error_text(exc: BaseException, source: str | None = None) -> str:
    text = f"{type(exc).__name__}: {exc}\n"
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics:
        text += render_all(diagnostics, source)
    return text


def compile_all(rec: Recorder, record: str, workout: Any, formats: Sequence[str], source: str | None) -> None:
    """``compile`` and ``emit`` to each format; on an error, the error and then with ``ftp_w``."""
    for fmt in formats:
        for ftp in (None, FTP_FALLBACK):
            tag = fmt if ftp is None else f"{fmt}.ftp{ftp:g}"
            try:
                data = nmdsl.compile(workout, fmt, ftp_w=ftp)
            except nmdsl.NmdslError as exc:
                rec.add(record, f"compile.{tag}.error", error_text(exc, source))
                continue
            except Exception as exc:
                rec.add(record, f"compile.{tag}.crash", f"{type(exc).__name__}: {exc}\n")
                continue
            rec.add(record, f"compile.{tag}", data)
            try:
                out = nmdsl.emit(workout, fmt, ftp_w=ftp, filename=FILENAME)
                same = "same bytes as compile" if out.data == data else "DIFFERENT bytes from compile"
                rec.add(record, f"emit.{tag}", f"{out.suffix}\n{same}\n{render_all(out.diagnostics, source)}")
            except Exception as exc:
                rec.add(record, f"emit.{tag}", error_text(exc, source))
            break


def workout_numbers(rec: Recorder, record: str, workout: Any) -> None:
    rec.add(record, "totals", dumps(workout.totals()))
    lines = []
    for seg in workout.timeline():
        step = seg.step
        target = getattr(step.target, "kind", None)
        span = step.span.line if getattr(step, "span", None) is not None else None
        lines.append(
            f"{seg.start_s!r} {seg.duration_s!r} {seg.end_s!r} {list(seg.iteration)} {seg.estimated} "
            f"{step.intensity} {step.drill} {step.implicit} {target} line={span}"
        )
    rec.add(record, "timeline", "\n".join(lines) + "\n")
    try:
        st = nmdsl.stats(workout)
        rec.add(record, "stats", dumps(st.to_dict()))
        rec.add(record, "stats.full", dumps(st))
    except Exception as exc:
        rec.add(record, "stats.error", f"{type(exc).__name__}: {exc}\n")


# ---------------------------------------------------------------------------
# the session generator


class Gen:
    """One random session: a list of lines, made from one seeded ``random.Random``."""

    CUES = (
        "Go!",
        "Out of the saddle!",
        "Interval #3",
        "Hold it",
        "Last minute!",
        "Easy",
        "Rønnestad 30/15",
        "Stay seated",
        "Spin 😀",
        "x",
        "Drink # now",
        "a  b",
    )
    NAMES = ("Attacks", "Sweet spot #2", "30/30s", "Rønnestad", "On-offs", "Strides", "Z2 + sprints")

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.sport = "run" if rng.random() < 0.25 else "bike"
        # bike: %FTP only, watts only, or both (which needs an ftp: header)
        self.power = rng.choice(("pct", "pct", "pct", "watts", "mixed")) if self.sport == "bike" else "pct"
        self.has_ftp = self.power == "mixed" or rng.random() < 0.5
        self.has_tpace = self.sport == "run" and rng.random() < 0.7
        self.steps = 0

    # -- pieces ----------------------------------------------------------------

    def num(self, low: int, high: int, decimals: float = 0.0) -> str:
        n = self.r.randint(low, high)
        if self.r.random() < decimals:
            return f"{n}.{self.r.choice(('5', '25', '1', '75'))}"
        return str(n)

    def duration(self, short: bool = False) -> tuple[str, int]:
        """(text, milliseconds)."""
        r = self.r
        form = r.randrange(14)
        if form == 0 or (short and form == 1):
            s = r.randint(1, 120 if not short else 40)
            return f"{s}s", s * 1000
        if form == 1:
            m = r.randint(1, 8 if short else 25)
            return f"{m}{r.choice(('m', 'min'))}", m * 60000
        if form == 2:
            m, s = r.randint(0, 5), r.randint(1, 59)
            return f"{m}m{s}s" if m else f"{s}s", (m * 60 + s) * 1000
        if form == 3:
            m, s = r.randint(0, 9), r.randint(0, 59)
            if m == s == 0:
                s = 30
            return f"{m}:{s:02d}", (m * 60 + s) * 1000
        if form == 4:
            s, ms = r.randint(0, 59), r.choice((800, 500, 250, 125, 1, 999))
            text = f"{ms / 1000:.3f}".rstrip("0")[1:]
            return f"{s}{text}s", s * 1000 + ms
        if form == 5:
            m, s, ms = r.randint(1, 3), r.randint(0, 59), r.choice((500, 250, 750))
            return f"{m}m{s}{f'{ms / 1000:.3f}'.rstrip('0')[1:]}s", (m * 60 + s) * 1000 + ms
        if form == 6:
            m, s, cs = r.randint(0, 4), r.randint(10, 59), r.choice((25, 5, 75))
            return f"{m}:{s:02d}.{cs:02d}".rstrip("0"), (m * 60 + s) * 1000 + cs * 10
        if form == 7 and not short:
            return r.choice((("1h", 3600000), ("1h0m", 3600000), ("2h5s", 7205000), ("1:00:00.5", 3600500)))
        if form == 8 and not short:
            h, m = r.randint(0, 1), r.randint(1, 40)
            return (f"{h}h{m}m" if h else f"{m}m"), (h * 60 + m) * 60000
        if form == 9 and not short:
            m, s = r.randint(0, 20), r.randint(0, 59)
            return f"0:{m:02d}:{s:02d}" if m or s else "1:00:00", ((m * 60 + s) or 3600) * 1000
        if form == 10:
            s, d = r.randint(1, 59), r.randint(1, 9)
            return f"{s}.{d}s", s * 1000 + d * 100
        s = r.randint(5, 90)
        return f"{s}s", s * 1000

    def offset(self, ms: int) -> str | None:
        """A cue offset strictly inside a step of ``ms`` milliseconds."""
        if ms < 2000:
            return None
        s = self.r.randint(1, (ms - 1) // 1000)
        form = self.r.randrange(4)
        if form == 0 and s >= 60:
            return f"{s // 60}m{s % 60}s" if s % 60 else f"{s // 60}m"
        if form == 1 and 60 <= s < 3600:
            return f"{s // 60}:{s % 60:02d}"
        if form == 2 and s + 0.5 < ms / 1000:
            return f"{s}.5s"
        return f"{s}s"

    def distance(self) -> str:
        r = self.r
        return r.choice(
            (
                f"{r.randint(1, 20) * 100}mtr",
                f"{r.randint(1, 5)}km",
                f"{r.randint(1, 3)}.5km",
                "1mi",
                "0.5mi",
                f"{r.randint(1, 3)}mi",
                "1.25km",
            )
        )

    def pace(self) -> str:
        m, s = self.r.randint(3, 7), self.r.randint(0, 59)
        return f"{m}:{s:02d}"

    def pct_target(self) -> str:
        r = self.r
        k = r.randrange(10)
        if k < 3:
            return f"@{self.num(40, 200, 0.15)}%"
        if k < 5:
            lo = r.randint(40, 150)
            hi = lo + r.randint(0, 30)
            return r.choice((f"@{lo}-{hi}%", f"@{lo}%-{hi}%"))
        if k < 7 and self.sport == "bike":
            return f"@Z{r.randint(1, 7)}"
        if k < 8:
            a, b = r.randint(0, 120), r.randint(10, 180)
            return r.choice((f"ramp {a}%-{b}%", f"ramp {a}-{b}%"))
        return r.choice(("max", "free", f"@{self.num(50, 120)}%"))

    def watts_target(self) -> str:
        r = self.r
        k = r.randrange(6)
        if k < 2:
            return f"@{self.num(80, 900, 0.1)}W"
        if k < 4:
            lo = r.randint(80, 500)
            hi = lo + r.randint(0, 60)
            return r.choice((f"@{lo}-{hi}W", f"@{lo}W-{hi}W"))
        if k < 5:
            return f"ramp {r.randint(0, 300)}W-{r.randint(100, 400)}W"
        return r.choice(("max", "free"))

    def run_target(self, distance: bool) -> str:
        r = self.r
        k = r.randrange(8)
        if k < 3:
            return f"@{self.pace()}/{r.choice(('km', 'km', 'mi'))}"
        if k < 5:
            a, b = sorted((self.pace(), self.pace()), key=lambda p: (int(p.split(":")[0]), p))
            unit = r.choice(("km", "mi"))
            return r.choice((f"@{a}-{b}/{unit}", f"@{a}/{unit}-{b}/{unit}"))
        if k < 7:
            return self.pct_target() if not distance or self.has_tpace else f"@{self.pace()}/km"
        return r.choice(("max", "free"))

    def intensity_target(self, distance: bool = False) -> str:
        if self.sport == "run":
            return self.run_target(distance)
        if self.power == "pct":
            return self.pct_target()
        if self.power == "watts":
            return self.watts_target()
        return self.pct_target() if self.r.random() < 0.5 else self.watts_target()

    def extras(self) -> list[str]:
        r = self.r
        out = []
        if self.sport == "bike" and r.random() < 0.2:
            lo = r.randint(60, 120)
            out.append(r.choice((f"{lo}rpm", f"{lo}-{lo + r.randint(0, 15)}rpm")))
        if r.random() < 0.1:
            lo = r.randint(100, 170)
            out.append(r.choice((f"@{lo}bpm", f"@{lo}-{lo + r.randint(0, 15)}bpm")))
        return out

    def cues(self, ms: int | None) -> list[str]:
        r = self.r
        out = []
        for _ in range(r.choice((0, 0, 0, 1, 1, 2, 3))):
            out.append(f'"{r.choice(self.CUES)}"')
            if r.random() < 0.4:
                at = self.offset(ms) if ms is not None else f"{r.randint(1, 30)}s"
                if at is not None:
                    out.append(f"at {at}")
        return out

    def step(self, position: int = 0, drills: bool = True, short: bool = False) -> str:
        """One step; ``position`` > 0 is a recovery place in a one-line repeat; ``short`` in repeats."""
        r = self.r
        self.steps += 1
        run = self.sport == "run"
        if drills and self.power != "watts" and r.random() < 0.12:
            return self.drill()
        words: list[str] = []
        kw = r.random()
        keyword = None
        if kw < 0.08:
            keyword = "warmup"
        elif kw < 0.14:
            keyword = "cooldown"
        elif kw < 0.2:
            keyword = "rest"
        elif kw < 0.25:
            keyword = "recovery"
        if keyword:
            words.append(keyword)
        ms: int | None
        if run and r.random() < 0.4:
            words.append(self.distance() if not short else f"{r.randint(1, 8) * 100}mtr")
            ms = None
            distance = True
        else:
            text, ms = self.duration(short=short or position > 0 or r.random() < 0.5)
            words.append(text)
            distance = False
        targets: list[str] = []
        if keyword != "rest" or r.random() < 0.5:  # rest D alone is a free recovery
            if r.random() < 0.85:
                targets.append(self.intensity_target(distance))
                targets += self.extras()
            else:
                targets += self.extras() or ([f"{r.randint(70, 110)}rpm"] if not run else ["@140bpm"])
        if r.random() < 0.5:
            r.shuffle(targets)  # targets in any order
        words += targets
        words += self.cues(ms)
        return " ".join(words)

    def drill(self) -> str:
        r = self.r
        names = (
            ("sprint", "strides", "accel")
            if self.sport == "run"
            else ("sprint", "strides", "accel", "spinup")
        )
        name = r.choice(names)
        s = r.choice((6, 8, 10, 12, 15, 20, 30))
        words = [name, r.choice((f"{s}s", f"0:{s:02d}", f"{s}.5s"))]
        if r.random() < 0.3:
            words.append(self.intensity_target())
        if self.sport == "bike" and r.random() < 0.2:
            words.append(f"{r.randint(100, 140)}rpm")
        if r.random() < 0.2:
            words.append(f'"{r.choice(self.CUES)}"')
        return " ".join(words)

    def repeat_line(self) -> str:
        r = self.r
        n = r.choice((1, 2, 3, 4, 5, 6, 8, 10, 12))
        parts = [self.step(0, short=True)]
        if parts[0].split()[0] not in ("sprint", "strides", "accel", "spinup") or r.random() < 0.5:
            for i in range(r.choice((1, 1, 1, 2))):
                parts.append(self.step(i + 1, short=True))
        head = f"{n}x " if r.random() < 0.93 else ""
        return head + " / ".join(parts)

    def comment(self) -> str:
        return self.r.choice(("# a comment", "#", "# 3x: not a block", '# "not a cue"', "## section"))

    def with_comment(self, line: str) -> str:
        if self.r.random() < 0.1:
            return f"{line}{self.r.choice(('  ', ' ', chr(9)))}# note"
        return line

    def body(self, depth: int, indent: str, lines: list[str], budget: int) -> None:
        r = self.r
        for _ in range(r.randint(1, budget)):
            k = r.random()
            if k < 0.07:
                lines.append(r.choice(("", indent + self.comment(), " " * r.randint(0, 6) + self.comment())))
            if k < 0.45:
                lines.append(indent + self.with_comment(self.step(short=depth > 0)))
            elif k < 0.75 or depth >= 3:
                lines.append(indent + self.with_comment(self.repeat_line()))
            else:
                lines.append(indent + self.with_comment(f"{r.randint(1, 4)}x:"))
                step = r.choice((2, 2, 3, 4, 1))
                self.body(depth + 1, indent + " " * step, lines, max(1, budget // 2))

    def header(self) -> list[str]:
        r = self.r
        out = []
        if r.random() < 0.8:
            out.append(
                f"name: {r.choice(self.NAMES)}" if r.random() < 0.7 else f'name: "{r.choice(self.NAMES)}"'
            )
        if r.random() < 0.3:
            out.append(r.choice(("author: Jo Rider", 'author: a "b # c"', "author: Ø. Nordmann")))
        if r.random() < 0.3:
            out.append(
                r.choice(
                    (
                        "description: 3 x 13 x 30/15",
                        'description: Tom & "Jerry" <test>',
                        "description: keep the cadence high; stay seated",
                    )
                )
            )
        if self.sport == "run" or r.random() < 0.2:
            out.append(f"sport: {self.sport}")
        if r.random() < 0.4:
            out.append(r.choice(("tags: vo2max, 30/15", "tags: a, b ,, c", "tags: anaerobic", "tags: ,x,")))
        if (self.has_ftp and self.sport == "bike") or (self.sport == "run" and r.random() < 0.2):
            out.append(r.choice(("ftp: 250", "ftp: 250W", "ftp: 262.5", "ftp: 1000", "ftp: 180")))
        if self.has_tpace:
            out.append(
                r.choice(("threshold-pace: 4:10/km", "threshold-pace: 6:40/mi", "threshold-pace: 3:59/km"))
            )
        if r.random() < 0.15:
            out.append(r.choice(("lthr: 168", "lthr: 168bpm", "lthr: 30")))
        if r.random() < 0.15:
            out.append(r.choice(("max-hr: 188bpm", "max-hr: 188", "max-hr: 240")))
        r.shuffle(out)
        return [self.with_comment(h) for h in out]

    def session(self) -> list[str]:
        lines = self.header()
        if lines and self.r.random() < 0.7:
            lines.append("")
        if self.r.random() < 0.1:
            lines.insert(0, self.comment())
        self.body(0, "", lines, self.r.randint(1, 8))
        return lines


# -- broken inputs -------------------------------------------------------------


def _long(n: int) -> str:
    return ("abcdefghij" * (n // 10 + 1))[:n]


#: Lines that are each wrong in one way (a diagnostic code or more per line).
BAD_STEPS = (
    "30sec @150%",
    "30S @150%",
    "10m @250w",
    "10m @60% 110RPM",
    "20m @z2",
    "1.5m @60%",
    "1.2345s @60%",
    "10m @94-88%",
    "10m @60% 100-90rpm",
    "10m @160-140bpm",
    "0s @60%",
    "0:00 @60%",
    "1:75 @60%",
    "75:00 @60%",
    "1:5 @60%",
    "0x 30s @150% / 30s @50%",
    "10m @Z9",
    "10m @Z0",
    "10m @60% 250rpm",
    "10m @20bpm",
    "10m @2000%",
    "10m @4000W",
    '5m @90% "x" at 5m',
    '5m @90% "x" at 6m',
    "10m @60% @Z2",
    "10m @60% ramp 50%-60%",
    "10m",
    '10m "Go"',
    "recovery 3m",
    "5001x 1s @50% / 1s @60%",
    '30s"Go" @150%',
    '30s @150%"Go"',
    "6x30s @150%",
    "6X 30s @150%",
    "1m1h @60%",
    "@ 150%",
    "30s @150%/ 30s @50%",
    "30s @150% /30s @50%",
    "10m @60% 'Go'",
    "10m @60% blah",
    "warmup strides 20s",
    '10m @60% "unterminated',
    "at 30s 10m @60%",
    '10m "Go" @60%',
    "ramp 50% 10m",
    "10m ramp 50%",
    "10m @60 %",
    "10m @60%-70W",
    ".5m @60%",
    "10m @-5%",
    "10m @0%",
    "10m @88%-94W",
    "1h1h @60%",
    "x 10m @60%",
    "3x",
    "3x:extra",
    "10m @60% " + '"' + _long(2001) + '"',
    "10m @" + _long(120) + "%",
    "10m " + _long(150),
    "25h @60%",
    "1000x 1m @60%",
)
BAD_RUN_STEPS = (
    "10m @250W",
    "10m @Z2",
    "10m 90rpm",
    "4x spinup 30s",
    "10m @4:30-4:20/km",
    "10m @4:20/mi-4:30/km",
    "10m @1:00/km",
    "10m @4:75/km",
    ".5km @4:30/km",
    "0km @4:30/km",
    "0mtr @4:30/km",
    "400m @4:00/km",
    "120m @5:30/km",
    "1km @90%",
    "400mtr",
    "10m @4:30",
    "10m @4:30/KM",
    "1.5mi @5:00/mi",
    "ramp 1km @4:30/km",
    "10m ramp 250W-300W",
    "5km max",
)
BAD_HEADERS = (
    "sport: Run",
    "sport: cycling",
    "ftp: 0",
    "ftp: 2000",
    "ftp: abc",
    "ftp: -5",
    "lthr: 300",
    "lthr: 20",
    "lthr: 168.5",
    "max-hr: 10bpm",
    "threshold-pace: 4:75/km",
    "threshold-pace: 4:10",
    "threshold-pace: fast",
    "Name: x",
    "NAME: x",
    "nmae: x",
    "tag: a",
    "ftpp: 250",
    "tags:",
    'name: ""',
    "name:",
    "description: ",
    "author: " + _long(10001),
    "max-hr: 188rpm",
    "ftp: 250w",
    "lthr: 168 bpm",
    "zones: 7",
)


def broken(g: Gen, lines: list[str]) -> tuple[list[str], list[str]]:
    """Spoil a session in one to three ways; returns (lines, the kinds of damage)."""
    r = g.r
    kinds: list[str] = []
    for _ in range(r.choice((1, 1, 1, 2, 3))):
        kind = r.choice(
            (
                "step",
                "step",
                "step",
                "header",
                "header",
                "mixftp",
                "tab",
                "dedent",
                "nobody",
                "indent",
                "after",
                "empty",
                "deep",
                "toomany",
                "duplicate",
                "longitems",
            )
        )
        kinds.append(kind)
        body_at = next(
            (
                i
                for i, line in enumerate(lines)
                if line and not line.startswith("#") and ":" not in line.split()[0]
            ),
            len(lines),
        )
        pos = r.randint(body_at, len(lines))
        if kind == "step":
            bad = r.choice(BAD_RUN_STEPS if g.sport == "run" else BAD_STEPS)
            lines.insert(pos, bad)
        elif kind == "header":
            lines.insert(r.randint(0, body_at), r.choice(BAD_HEADERS))
        elif kind == "mixftp":
            lines[:] = [x for x in lines if not x.startswith("ftp:")]
            if g.sport == "run":
                lines[:0] = ["sport: bike"] if "sport: run" not in lines else []
                lines[:] = [x for x in lines if x != "sport: run"]
            lines.insert(pos, "5m @250W")
            lines.insert(pos, r.choice(("5m @60%", "6x sprint 10s", "5m @Z2", "warmup 5m ramp 40%-60%")))
        elif kind == "tab":
            lines.insert(pos, "2x:")
            lines.insert(pos + 1, "\t1m @100%" if r.random() < 0.5 else " \t1m @100%")
        elif kind == "dedent":
            lines[pos:pos] = ["2x:", "    1m @100%", "  1m @50%"]
        elif kind == "nobody":
            lines.insert(pos, r.choice(("3x:", "2x:  # empty")))
            if r.random() < 0.5:
                lines.insert(pos + 1, "")
        elif kind == "indent":
            lines.insert(pos, "   5m @60%")
        elif kind == "after":
            lines.append(r.choice(("ftp: 250", "name: late", "sport: run")))
        elif kind == "empty":
            lines[:] = [x for x in lines[:body_at] if r.random() < 0.8] + ["# no steps"]
        elif kind == "deep":
            lines[pos:pos] = [" " * i + "2x:" for i in range(17)] + [" " * 17 + "1s @50%"]
        elif kind == "toomany":
            lines[pos:pos] = [f"{i}0sec @60%" for i in range(1, 111)]
        elif kind == "duplicate":
            lines.insert(r.randint(0, body_at), r.choice(("name: One", "ftp: 200", "tags: x")))
            lines.insert(0, r.choice(("name: Two", "ftp: 300", "tags: y")))
        elif kind == "longitems":
            lines.insert(pos, "10m @60% " + " ".join(['"c"'] * 50) + " " + "x" * 101)
    return lines, kinds


def session(seed: int, index: int) -> tuple[bytes | str, str]:
    """The index-th session of a seed: (input as check gets it, a short description)."""
    rng = random.Random(f"nmdsl-behaviour:{seed}:{index}")
    g = Gen(rng)
    lines = g.session()
    kinds: list[str] = []
    if rng.random() < 0.3:
        lines, kinds = broken(g, lines)
    text = "\n".join(lines) + ("\n" if rng.random() < 0.95 else "")
    form = rng.choices(("str", "bytes", "crlf", "cr", "bom", "bad-utf8"), (70, 10, 8, 4, 5, 3))[0]
    if form == "bad-utf8":
        kinds.append("utf8")
    desc = f"sport={g.sport} power={g.power} broken={','.join(kinds) or '-'} form={form}\n"
    if form == "str":
        return text, desc
    if form == "crlf":
        text = text.replace("\n", "\r\n")
    elif form == "cr":
        text = text.replace("\n", "\r")
    data = text.encode("utf-8")
    if form == "bom":
        data = b"\xef\xbb\xbf" + data
    elif form == "bad-utf8":
        cut = rng.randint(0, len(data))
        data = data[:cut] + rng.choice((b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\x80")) + data[cut:]
    return data, desc


# ---------------------------------------------------------------------------
# a. generated sessions


def category_a(rec: Recorder, seed: int, count: int) -> str:
    format_text = resolve("format_text")
    format_bytes = resolve("format_bytes")
    valid = invalid = 0
    for i in range(count):
        record = f"{i:05d}"
        source, desc = session(seed, i)
        rec.add(record, "input.nm", source)
        rec.add(record, "about", desc)
        result = nmdsl.check(source, filename=FILENAME)
        text = result.source
        rec.add(record, "check", f"ok={result.ok}\n{render_all(result.diagnostics, text)}")
        try:
            f = (
                format_bytes(source, filename=FILENAME)
                if isinstance(source, bytes)
                else format_text(source, filename=FILENAME)
            )
            codes = " ".join(d.code for d in f.diagnostics)
            rec.add(
                record, "fmt", f"changed={f.changed} codes={codes}\n{'<none>' if f.text is None else f.text}"
            )
        except Exception as exc:
            rec.add(record, "fmt", f"{type(exc).__name__}: {exc}\n")
        workout = result.workout
        if workout is None:
            invalid += 1
            continue
        valid += 1
        compile_all(rec, record, workout, FORMATS, text)
        try:
            rec.add(record, "write.nm", nmdsl.write(workout))
        except Exception as exc:
            rec.add(record, "write.error", f"{type(exc).__name__}: {exc}\n")
        workout_numbers(rec, record, workout)
    return f"{count} sessions ({valid} valid, {invalid} invalid)"


# ---------------------------------------------------------------------------
# b. the corpus


def default_corpus() -> Path | None:
    for candidate in (ROOT.parent / "shared" / "corpus", Path("/work/shared/corpus")):
        if candidate.is_dir():
            return candidate
    return None


def category_b(rec: Recorder, corpus: Path | None) -> str:
    if corpus is None or not corpus.is_dir():
        rec.add("none", "absent", "no corpus\n")
        return "skipped: no corpus"
    files = sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and p.suffix.lower() in IMPORT_SUFFIXES
    )
    here = os.getcwd()
    os.chdir(corpus)  # nmdsl names the file as given: relative names only
    try:
        for rel in files:
            record = rel.replace("/", "__")
            data = Path(rel).read_bytes()
            rec.add(record, "sha256", hashlib.sha256(data).hexdigest() + "\n")
            quoted = None if rel.lower().endswith(".fit") else data.decode("utf-8", "replace")
            try:
                result = nmdsl.load(rel)
            except Exception as exc:
                rec.add(record, "load.crash", f"{type(exc).__name__}: {exc}\n")
                continue
            rec.add(record, "load", f"ok={result.ok}\n{render_all(result.diagnostics, quoted)}")
            workout = result.workout
            if workout is None:
                continue
            rec.add(record, "import.nm", result.source or "<none>\n")
            written = nmdsl.write(workout)
            rec.add(record, "write.nm", written)
            again = nmdsl.check(written, filename=FILENAME)
            rec.add(record, "recheck", f"ok={again.ok}\n{render_all(again.diagnostics, again.source)}")
            if again.workout is not None:  # the same model, source positions aside?
                before = unspanned(json.loads(nmdsl.compile(workout, "json")))
                after = unspanned(json.loads(nmdsl.compile(again.workout, "json")))
                rec.add(record, "recheck.same-model", f"{before == after}\n")
            own = Path(rel).suffix.lower().lstrip(".")
            compile_all(rec, record, workout, (own, "json") if own != "json" else ("json",), quoted)
            workout_numbers(rec, record, workout)
    finally:
        os.chdir(here)
    return f"{len(files)} files"


# ---------------------------------------------------------------------------
# c. the CLI

CLI_FILES: dict[str, str] = {
    "good.nm": (
        "name: Attacks\ntags: anaerobic, attacks\nftp: 260\n\nwarmup 10m ramp 45%-70%\n3x:\n"
        '  4x 30s @150% 100-110rpm "Attack!" / 45s @55%\n  6m @88-94% "Stay seated" "Last minute!" at 5m\n'
        "  rest 5m @50%\n6x sprint 10s\ncooldown 5m ramp 60%-40%\n"
    ),
    "broken.nm": "name: Broken\n5m @94-88%\n3x:\n10m @Z9\n30sec @150%\nftp: 250\n",
    "warn.nm": "sport: run\nname: Long\n100m @5:30/km\n1km @90%\n8x strides 20s\n",
    "mixed.nm": "name: Mixed\n10m @60%\n5x 1m @300W / 1m @150W\n",
    "messy.nm": (
        'tags: vo2max ,, 30/15\nname:  "R\u00f8nnestad #1"   # the 2015 study\nftp: 250W\n'
        "author: Jo Rider\n\n\nwarmup   10min ramp 45-70%\n3x:\n"
        '    13x 30s @120%-130%\t95rpm-105rpm "On" / 15s @60%\n    3:00 @50%    #recover\n'
        "cooldown 600s   ramp 60-40%\n"
    ),
    "frac.nm": (
        "name: Fractions\nftp: 250\n16.8s @150%\n1m30.5s @100%\n1:30.25 @60%\n3x 0.5s @200% / 0.25s @50%\n"
    ),
}
LIBRARY_SIZE = 120


def cli_env(tmp: Path) -> dict[str, str]:
    package_parent = str(Path(nmdsl.__file__).resolve().parents[1])
    dropped = ("NMDSL", "SOURCE_DATE_EPOCH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONWARNINGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        {
            "PYTHONPATH": package_parent,  # the very nmdsl this process imported
            "PYTHONIOENCODING": "utf-8",
            "PYTHONUTF8": "1",
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "COLUMNS": "100",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "HOME": str(tmp),
            "TZ": "UTC",
        }
    )
    return env


def cli_runs(seed: int) -> Iterator[tuple[str, list[str], bytes | None, list[str]]]:
    """(name, arguments, stdin, files to read afterwards)."""
    yield "help", ["--help"], None, []
    for name in ("good.nm", "broken.nm", "warn.nm", "mixed.nm", "messy.nm", "frac.nm"):
        yield f"check-{name}", ["check", name], None, []
    yield "check-mixed-ftp", ["check", "--ftp", "250", "mixed.nm"], None, []
    yield "check-strict", ["check", "--strict", "warn.nm", "good.nm"], None, []
    yield "check-json", ["check", "--format", "json", "good.nm", "broken.nm", "warn.nm"], None, []
    yield "check-github", ["check", "--format", "github", "broken.nm", "warn.nm"], None, []
    yield "check-stdin", ["check", "-"], CLI_FILES["broken.nm"].encode(), []
    yield "check-library", ["check", "lib"], None, []
    yield "check-library-json", ["check", "--format", "json", "-j", "1", "lib"], None, []
    for fmt in FORMATS:
        yield f"compile-good-{fmt}", ["compile", "good.nm", "-f", fmt, "-o", "-"], None, []
    yield "compile-frac-zwo", ["compile", "frac.nm", "-f", "zwo", "-o", "-"], None, []
    yield "compile-frac-erg", ["compile", "frac.nm", "-f", "erg", "-o", "-"], None, []
    yield "compile-broken", ["compile", "broken.nm", "-f", "zwo", "-o", "-"], None, []
    yield "compile-mixed-erg", ["compile", "mixed.nm", "-f", "erg", "-o", "-"], None, []
    yield "compile-mixed-ftp", ["compile", "mixed.nm", "--ftp", "250", "-f", "mrc", "-o", "-"], None, []
    yield "compile-run-zwo", ["compile", "warn.nm", "-f", "zwo", "-o", "-"], None, []
    yield "compile-stdin", ["compile", "-", "-f", "json"], CLI_FILES["frac.nm"].encode(), []
    yield (
        "compile-options",
        ["compile", "good.nm", "-f", "erg", "--max-effort", "180", "--free-ride", "40", "--crlf", "-o", "-"],
        None,
        [],
    )
    dist = sorted(f"dist/s{i:03d}.{s}" for i in range(LIBRARY_SIZE) for s in ("zwo", "fit"))
    yield "compile-library", ["compile", "lib", "-f", "zwo", "-f", "fit", "-o", "dist"], None, dist
    yield "compile-to-file", ["compile", "good.nm", "-f", "zwo"], None, ["good.zwo"]
    yield "import-zwo", ["import", "good.zwo", "-o", "-"], None, []
    yield (
        "compile-fit-file",
        ["compile", "good.nm", "-f", "fit", "-o", "out/good.fit"],
        None,
        ["out/good.fit"],
    )
    yield "import-fit", ["import", "out/good.fit", "-o", "-"], None, []
    yield "fmt-check", ["fmt", "--check", "good.nm", "messy.nm", "frac.nm", "broken.nm"], None, []
    yield "fmt-diff", ["fmt", "--diff", "messy.nm"], None, []
    yield "fmt-stdin", ["fmt", "-"], CLI_FILES["messy.nm"].encode(), []
    yield "fmt-inplace", ["fmt", "messy.nm", "good.nm"], None, ["messy.nm", "good.nm"]
    yield "fmt-check-after", ["fmt", "--check", "messy.nm"], None, []
    yield "stats", ["stats", "good.nm", "warn.nm"], None, []
    yield "stats-json", ["stats", "--format", "json", "good.nm", "frac.nm"], None, []
    yield "stats-csv", ["stats", "--format", "csv", "good.nm", "warn.nm"], None, []
    yield "schema", ["schema"], None, []
    yield "bad-usage", ["compile", "good.nm", "-f", "nope"], None, []


def category_c(rec: Recorder, seed: int) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="nmdsl-behaviour-"))
    runs = 0
    try:
        (tmp / "nmdsl.toml").write_text("", encoding="utf-8")  # no configuration above this folder counts
        for name, text in CLI_FILES.items():
            (tmp / name).write_text(text, encoding="utf-8", newline="")
        (tmp / "lib").mkdir()
        for i in range(LIBRARY_SIZE):
            source, _ = session(seed, i)
            data = source.encode("utf-8") if isinstance(source, str) else source
            (tmp / "lib" / f"s{i:03d}.nm").write_bytes(data)
        env = cli_env(tmp)
        prefixes = sorted({str(tmp), str(tmp.resolve()), os.path.realpath(tmp)}, key=len, reverse=True)
        for name, args, stdin, outputs in cli_runs(seed):
            proc = subprocess.run(
                [sys.executable, "-m", "nmdsl", *args],
                cwd=tmp,
                env=env,
                input=stdin if stdin is not None else b"",
                capture_output=True,
                timeout=300,
                check=False,
            )
            runs += 1
            stdout, stderr = proc.stdout, proc.stderr
            for p in prefixes:
                stdout = stdout.replace(p.encode(), b"<TMP>")
                stderr = stderr.replace(p.encode(), b"<TMP>")
            rec.add(name, "argv", " ".join(["nmdsl", *args]) + "\n")
            rec.add(name, "exit", f"{proc.returncode}\n")
            rec.add(name, "stdout", stdout)
            rec.add(name, "stderr", stderr)
            for out in outputs:
                path = tmp / out
                key = "file." + out.replace("/", "__")
                rec.add(name, key, path.read_bytes() if path.exists() else b"<missing>\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return f"{runs} runs"


# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--count", type=int, default=3000, help="generated sessions (default 3000)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    ap.add_argument(
        "--only", default=",".join(CATEGORIES), help="categories to run, e.g. a,c (default a,b,c)"
    )
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--dump", type=Path, help="write every recorded item below this folder")
    ap.add_argument("--corpus", type=Path, default=None, help="the shared corpus (default ../shared/corpus)")
    args = ap.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in only if c not in CATEGORIES]
    if unknown or not only:
        ap.error(f"--only takes some of {','.join(CATEGORIES)}, not {args.only!r}")
    only = [c for c in CATEGORIES if c in only]
    if args.dump is not None:
        if args.dump.exists():
            if any(args.dump.iterdir()) and not (args.dump / "hashes.txt").is_file():
                ap.error(f"--dump {args.dump}: a non-empty folder that is not an earlier dump")
            shutil.rmtree(args.dump)
        args.dump.mkdir(parents=True)
    corpus = args.corpus if args.corpus is not None else default_corpus()

    started = time.perf_counter()
    resolve("render")
    resolve("format_text")
    resolve("format_bytes")
    runners: dict[str, Callable[[Recorder], str]] = {
        "a": lambda rec: category_a(rec, args.seed, args.count),
        "b": lambda rec: category_b(rec, corpus),
        "c": lambda rec: category_c(rec, args.seed),
    }
    titles = {"a": "sessions", "b": "corpus", "c": "cli"}
    results: dict[str, dict[str, Any]] = {}
    for c in only:
        t0 = time.perf_counter()
        rec = Recorder(c, args.dump)
        what = runners[c](rec)
        results[c] = {
            "title": titles[c],
            "what": what,
            "items": rec.items,
            "sha256": rec.digest(),
            "seconds": round(time.perf_counter() - t0, 2),
        }
    overall = hashlib.sha256("".join(f"{c} {results[c]['sha256']}\n" for c in only).encode()).hexdigest()
    elapsed = time.perf_counter() - started

    header = f"nmdsl behaviour fingerprint: seed {args.seed}, count {args.count}, categories {','.join(only)}"
    lines = [header]
    for c in only:
        r = results[c]
        lines.append(f"{c} {r['title']:<8} {r['sha256']}  {r['what']}, {r['items']} items")
    lines.append(f"overall    {overall}")
    if args.json:
        doc = {
            "seed": args.seed,
            "count": args.count,
            "categories": only,
            "results": {c: {k: v for k, v in r.items() if k != "seconds"} for c, r in results.items()},
            "overall": overall,
        }
        print(json.dumps(doc, indent=2))
    else:
        print("\n".join(lines))
    if args.dump is not None:
        (args.dump / "hashes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    where = ", ".join(f"{k} = {v}" for k, v in sorted(RESOLVED.items()))
    print(f"nmdsl {nmdsl.__version__} from {Path(nmdsl.__file__).parent}; {where}", file=sys.stderr)
    per = ", ".join(f"{c} {results[c]['seconds']} s" for c in only)
    print(f"wall time {elapsed:.1f} s ({per})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
