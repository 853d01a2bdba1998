"""Writing intervals.icu's workout text: what pastes into its workout builder and means the session.

Step lines start with ``- ``; a repeat is an ``Nx`` line over its steps,
with a blank line before and after it; warm-up and cool-down steps at the
top go under ``Warmup`` and ``Cooldown`` lines.  Targets are written as the
session writes them (``75%``, ``220w``, ``Z2``, ``70% HR``, ``80% Pace``),
never through watts, so nothing drifts.  intervals.icu has no nested
repeats: a repeat inside a repeat is unrolled, at whichever level keeps the
text shorter.

What the text cannot say (an all-out ``max``, ``until <130bpm``, ``%pmax``,
bpm, fractions of a second) is written as the closest thing it can, with a
warning naming the step, so ``--strict`` refuses it.  The same session gives
the same bytes; ``nmdsl import --from icu`` reads the text back to the same
timeline.  docs/format-icu.md has the table of what is kept and lost.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import assert_never

from nmdsl.diagnostics import Code, Report, Severity, register
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.icu.syntax import (
    PUNCTUATION,
    REPEAT,
    SECTION_HEADERS,
    SECTION_WORDS,
    UNIT_KINDS,
    classify,
    duration_text,
    number_text,
)
from nmdsl.model import (
    METRES_PER_MILE,
    AnyHeartRateTarget,
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    IntensityTarget,
    Item,
    LapEnd,
    MaxTarget,
    Metadata,
    Pace,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    iter_steps,
    peak_speeds_mps,
    peak_watts,
    repeats_until,
)

W = Severity.WARNING

register(
    Code("W480", W, "all-out step written as freeride"),
    Code("W481", W, "heart-rate end written as a lap press"),
    Code("W482", W, "peak-relative target written in absolute numbers"),
    Code("W483", W, "bpm target written as a share or dropped"),
    Code("W484", W, "time rounded to whole seconds"),
    Code("W485", W, "cue text changed so it stays text"),
    Code("W486", W, "step time estimate not kept"),
    Code("W487", W, "repeat-until written as a count"),
)

#: A unit of the written text: a step, or a one-level repeat of steps.
_Unit = Step | tuple[int, tuple[Step, ...]]


class IcuBackend:
    name = "icu"
    suffix = ".txt"
    description = "intervals.icu workout builder text"

    def emit(self, workout: Workout, report: Report, options: EmitOptions) -> bytes:
        lines = _Writer(workout, report).lines()
        newline = "\r\n" if options.crlf else "\n"
        return (newline.join(lines) + newline).encode("utf-8")


class _Writer:
    def __init__(self, workout: Workout, report: Report) -> None:
        self.workout = workout
        self.meta: Metadata = workout.meta
        self.report = report
        #: Each step's line (without its intensity option), made once: its warnings are said once.
        self.cache: dict[int, str] = {}

    def lines(self) -> list[str]:
        for repeat in repeats_until(self.workout.steps):
            self.report.add(
                "W487",
                f"intervals.icu cannot repeat until a heart rate: written as {repeat.count} time(s)"
                + ("" if repeat.estimated else " (no ~Nx estimate)"),
                repeat.span,
                "write the number of times: '4x:'",
            )
        units = [u for item in self.workout.steps for u in self._best(item)]
        out = self._description()
        groups: list[list[str]] = []
        section: str | None = None
        for unit in units:
            if isinstance(unit, tuple):
                count, body = unit
                groups.append([f"{count}x", *(self._with_intensity(s, None) for s in body)])
                section = None
                continue
            wanted = unit.intensity if unit.intensity in SECTION_HEADERS else "plain"
            if section != wanted or not groups:
                head = SECTION_HEADERS.get(wanted)
                groups.append([head] if head else [])
                section = wanted
            groups[-1].append(self._with_intensity(unit, None if wanted == "plain" else wanted))
        for group in groups:
            if out:
                out.append("")
            out.extend(group)
        return out

    def _description(self) -> list[str]:
        """The session's description as the text's first line (intervals.icu shows it above the steps)."""
        text = " ".join((self.meta.description or "").split()).lstrip("-").strip()
        if not text:
            return []
        words = text.split()
        if REPEAT.fullmatch(words[-1]) or " ".join(words).lower().rstrip(":") in SECTION_WORDS:
            text += "."  # not a repeat's nor a section's header line
        return [text]

    # -- nested repeats ------------------------------------------------------------------------

    def _best(self, item: Item) -> list[_Unit]:
        """The item as steps and one-level repeats, whichever unrolling gives the shorter text."""
        if isinstance(item, Step):
            return [item]
        flat = tuple(step for step, _ in iter_steps(item.steps))
        keep: list[_Unit] = [(item.count, flat)] if item.count > 1 else list(flat)
        if all(isinstance(s, Step) for s in item.steps):
            return keep
        body = [u for inner in item.steps for u in self._best(inner)]
        options = [keep, body * item.count]
        if len(body) == 1 and isinstance(body[0], tuple):
            # 10x (2x a / b) is 20x a / b.
            options.append([(item.count * body[0][0], body[0][1])])
        return min(options, key=self._cost)

    def _cost(self, units: Sequence[_Unit]) -> int:
        total = 0
        for unit in units:
            if isinstance(unit, tuple):
                count, body = unit
                total += len(f"{count}x") + 2 + sum(len(self._line(s)) + 1 for s in body)
            else:
                total += len(self._line(unit)) + 1
        return total

    # -- one step ------------------------------------------------------------------------

    def _with_intensity(self, step: Step, section: str | None) -> str:
        line = self._line(step)
        if step.intensity != "active" and step.intensity != section:
            line += f" intensity={step.intensity}"
        return line

    def _line(self, step: Step) -> str:
        key = id(step)
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = self._make_line(step)
        return got

    def _make_line(self, step: Step) -> str:
        parts = ["-"]
        parts.extend(self._cues(step))
        amount, lap = self._amount(step)
        parts.append(amount)
        parts.extend(self._target(step))
        if step.heart_rate is not None:
            parts.extend(self._heart_rate(step, step.heart_rate))
        if step.cadence is not None:
            parts.append(_cadence(step.cadence))
        if lap:
            parts.append("Press lap")
        return " ".join(p for p in parts if p)

    def _amount(self, step: Step) -> tuple[str, bool]:
        """The duration or distance, and whether the step ends at a lap press."""
        match step.until:
            case None:
                if step.duration_s is not None:
                    return self._seconds(step, step.duration_s, "its duration"), False
                if step.estimate_s is not None:
                    self.report.add(
                        "W486",
                        f"the estimate ~{duration_text(round(step.estimate_s))} is not kept: intervals.icu "
                        "estimates a distance's time from its pace",
                        step.span,
                    )
                return _distance(step.distance_m or 0.0), False
            case LapEnd():
                pass
            case HeartRateEnd():
                self.report.add(
                    "W481",
                    "intervals.icu cannot end a step at a heart rate: written as 'Press lap' (press it when "
                    "the heart rate gets there)",
                    step.until.span or step.span,
                )
            case _:
                assert_never(step.until)
        if step.estimate_s is None:
            self.report.add(
                "W486",
                "intervals.icu wants a duration beside 'Press lap', and the step has no ~D estimate: "
                "written as 1m",
                step.span,
                "add an estimate: 'lap ~5m'",
            )
            return "1m", True
        return self._seconds(step, step.estimate_s, "its estimate"), True

    def _seconds(self, step: Step, seconds: float, what: str) -> str:
        whole = max(round(seconds), 1)
        if abs(whole - seconds) > 1e-9:
            self.report.add(
                "W484",
                f"intervals.icu takes whole seconds: {what}, {seconds:g} s, is written as {whole} s",
                step.span,
            )
        return duration_text(whole)

    def _cues(self, step: Step) -> list[str]:
        """The step's text: its cue at 0 s, then ``T^ text`` for the cues at T seconds."""
        cues: list[Cue] = list(step.cues)
        if step.drill is not None and not any(c.offset_s == 0 for c in cues):
            cues.insert(0, Cue(text=step.drill))
        out: list[str] = []
        for i, cue in enumerate(cues):
            text = self._cue_text(step, cue.text)
            if not text:
                continue
            offset = math.floor(cue.offset_s)
            if offset != cue.offset_s:
                self.report.add(
                    "W484",
                    f"intervals.icu times a prompt in whole seconds: '{text}' at {cue.offset_s:g} s is "
                    f"written at {offset} s",
                    cue.span or step.span,
                )
            if offset or (i and out):
                out.append(f"{offset}^")
            out.append(text)
        return out

    def _cue_text(self, step: Step, text: str) -> str:
        """The cue's words, each kept as text: a word intervals.icu would read as a value is split."""
        words = text.split()
        changed: list[str] = []
        for i, word in enumerate(words):
            token = classify(word, 1)
            after = words[i + 1].lower().strip(PUNCTUATION) if i + 1 < len(words) else ""
            value = token.kind in UNIT_KINDS or token.kind in ("zone", "custom_zone", "prompt", "end_prompts")
            press = word.lower() == "press" and after == "lap"
            if value or press:
                changed.append(word)
                words[i] = _defused(word) if value else word + ","
        if changed:
            self.report.add(
                "W485",
                f"intervals.icu would read {', '.join(repr(w) for w in changed)} in the cue as part of the "
                f"step: written '{' '.join(words)}'",
                step.span,
                "keep numbers with units out of cues, or accept the spaces",
            )
        return " ".join(words)

    def _target(self, step: Step) -> list[str]:
        t: IntensityTarget | None = step.target
        run = self.meta.sport == "run"
        match t:
            case None:
                return []
            case PercentTarget():
                text = _range(t.low_pct, t.high_pct, "%")
                return [text, "Pace"] if t.of == "threshold_speed" else [text]
            case WattsTarget():
                return [_range(t.low_w, t.high_w, "w")]
            case ZoneTarget():
                return [f"Z{t.zone}"]
            case RampTarget():
                unit = "%" if t.unit == "percent" else "w"
                text = f"{number_text(t.start)}-{number_text(t.end)}{unit}"
                return ["ramp", text, "Pace"] if t.of == "threshold_speed" else ["ramp", text]
            case MaxTarget():
                self.report.add(
                    "W480",
                    "intervals.icu has no all-out target: 'max' is written as 'freeride' (ERG off)",
                    t.span or step.span,
                    'a cue such as "All out!" tells the athlete',
                )
                return ["freeride"]
            case FreeTarget():
                return ["freeride"]
            case PaceTarget():
                return [_pace_range(t.slow, t.fast), "Pace"]
            case PeakPercentTarget():
                if t.of == "pmax":
                    watts = peak_watts(t, self.meta)
                    if watts is None:  # pragma: no cover - the language requires pmax: for %pmax
                        return ["freeride"]
                    text = _range(round(watts[0]), round(watts[1]), "w")
                    self.report.add(
                        "W482",
                        f"intervals.icu has no share of peak power: {_range(t.low_pct, t.high_pct, '%pmax')} "
                        f"is written as {text} (from pmax: {number_text(self.meta.pmax_w or 0)}W)",
                        t.span or step.span,
                    )
                    return [text]
                speeds = peak_speeds_mps(t, self.meta)
                if speeds is None or not run:  # pragma: no cover - the language requires vmax: on runs
                    return ["freeride"]
                slow, fast = (Pace(seconds=max(round(1000 / v), 1)) for v in speeds)
                text = _pace_range(slow, fast)
                self.report.add(
                    "W482",
                    f"intervals.icu has no share of top speed: {_range(t.low_pct, t.high_pct, '%vmax')} is "
                    f"written as the pace {text} (from vmax: {self.meta.vmax})",
                    t.span or step.span,
                )
                return [text, "Pace"]
            case _:
                assert_never(t)

    def _heart_rate(self, step: Step, h: AnyHeartRateTarget) -> list[str]:
        match h:
            case HeartRatePercentTarget():
                return [_range(h.low_pct, h.high_pct, "%"), "LTHR" if h.of == "lthr" else "HR"]
            case HeartRateZoneTarget():
                return [f"Z{h.zone}", "HR"]
            case HeartRateTarget():
                base, word, key = (
                    (self.meta.lthr_bpm, "LTHR", "lthr")
                    if self.meta.lthr_bpm is not None
                    else (self.meta.max_hr_bpm, "HR", "max-hr")
                )
                bpm = f"{h.low_bpm}-{h.high_bpm}bpm" if h.low_bpm != h.high_bpm else f"{h.low_bpm}bpm"
                if base is None:
                    self.report.add(
                        "W483",
                        f"intervals.icu takes heart rates as shares of max HR or LTHR: @{bpm} is dropped "
                        "(the header sets neither)",
                        h.span or step.span,
                        "add 'lthr: 165' or 'max-hr: 190' to the header, or write @80%lthr",
                    )
                    return []
                low, high = (round(b * 100 / base, 1) for b in (h.low_bpm, h.high_bpm))
                text = _range(low, high, "%")
                self.report.add(
                    "W483",
                    f"intervals.icu takes heart rates as shares of max HR or LTHR: @{bpm} is written as "
                    f"{text} {word} (from {key}: {base})",
                    h.span or step.span,
                )
                return [text, word]
            case _:
                assert_never(h)


def _defused(word: str) -> str:
    """``5m`` as ``5 m``, ``Z2,`` as ``Z 2,``, ``<!>`` as ``< ! >``: no longer one value, so it stays text."""
    core = word.strip(PUNCTUATION) or word
    at = word.index(core)
    before, after = word[:at], word[at + len(core) :]
    if not any(c.isdigit() for c in core):
        return before + " ".join(core) + after
    out = core[0]
    for last, c in itertools.pairwise(core):
        out += (" " if last.isdigit() != c.isdigit() else "") + c
    return before + out + after


def _range(low: float, high: float, unit: str) -> str:
    if low == high:
        return f"{number_text(low)}{unit}"
    return f"{number_text(low)}-{number_text(high)}{unit}"


def _cadence(c: CadenceTarget) -> str:
    return f"{c.low_rpm}rpm" if c.low_rpm == c.high_rpm else f"{c.low_rpm}-{c.high_rpm}rpm"


def _pace(p: Pace) -> str:
    return f"{p.seconds // 60}:{p.seconds % 60:02d}/{p.per}"


def _pace_range(slow: Pace, fast: Pace) -> str:
    """``5:00/km``, or the slow end first as intervals.icu's guide writes it: ``7:15-7:00/km``."""
    if slow == fast:
        return _pace(fast)
    if slow.per == fast.per:
        return f"{slow.seconds // 60}:{slow.seconds % 60:02d}-{_pace(fast)}"
    return f"{_pace(slow)}-{_pace(fast)}"


def _distance(metres: float) -> str:
    """``400mtr``, ``2km``, ``1.5km``, ``1mi``: never ``m``, which is minutes."""
    km = number_text(metres / 1000)
    if metres >= 1000 and float(km) * 1000 == metres:
        return f"{km}km"
    miles = number_text(metres / METRES_PER_MILE)
    if metres >= METRES_PER_MILE / 2 and float(miles) * METRES_PER_MILE == metres:
        return f"{miles}mi"
    return f"{number_text(metres)}mtr"
