"""Reading intervals.icu's workout text into the model.

The text a coach writes in intervals.icu's workout builder, or pastes from
it: step lines start with ``-``; a line ending in ``Nx`` opens a repeat that
a blank line ends; ``Warmup``/``Cooldown`` lines mark the steps under them.
On a step line the cue is the text before the first number with a unit,
then come the duration (or distance) and the targets, the last of a kind
winning.  The rules, and how sure each one is, are in docs/format-icu.md.

Where intervals.icu drops something silently (a step line without a
duration, text after the targets), nmdsl drops it too, and says so with the
line and the column.  Then :func:`nmdsl.model.compress.compress` folds the
repetitions the text spells out into ``Nx`` repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

from nmdsl.diagnostics import Code, Report, Severity, Span, register
from nmdsl.formats.base import ReadOptions
from nmdsl.formats.icu.syntax import (
    INTENSITIES,
    KIND_WORDS,
    OPTION,
    PLACEHOLDER_LTHR,
    PLACEHOLDER_MAX_HR,
    PUNCTUATION,
    REPEAT,
    SECTION_WORDS,
    TAGS,
    UNIT_KINDS,
    Token,
    classify,
)
from nmdsl.limits import (
    CADENCE_LIMITS_RPM,
    FASTEST_PACE_S_PER_KM,
    HR_PERCENT_LIMIT,
    MAX_DURATION_S,
    MAX_EXPANDED_STEPS,
    MAX_PERCENT,
    MAX_WATTS,
    ZONES,
)
from nmdsl.model import (
    CadenceTarget,
    Cue,
    FreeTarget,
    HeartRatePercentTarget,
    HeartRateZoneTarget,
    Intensity,
    IntensityTarget,
    Item,
    LapEnd,
    Metadata,
    Pace,
    PaceTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
    seconds_of_ms,
)
from nmdsl.model.compress import compress
from nmdsl.source import decode_text, iter_lines

E, W = Severity.ERROR, Severity.WARNING

register(
    Code("E560", E, "no step in the text"),
    Code("W560", W, "step line without a duration dropped"),
    Code("W561", W, "text after the targets dropped"),
    Code("W562", W, "target nmdsl cannot say dropped"),
    Code("W563", W, "target outside nmdsl's limits dropped"),
    Code("W564", W, "power or cadence target on a run dropped"),
    Code("W565", W, "header value set for a heart-rate share"),
    Code("W566", W, "zone range read as a range"),
    Code("W567", W, "option not understood, ignored"),
    Code("W568", W, "repeat header without steps"),
    Code("W569", W, "value read with an assumption"),
    Code("W570", W, "watts and %FTP mixed"),
    Code("W571", W, "text is not UTF-8"),
    Code("W572", W, "prompt after the step's end dropped"),
)


@dataclass
class _Targets:
    """A step line's targets by kind, the last of a kind winning: (target, token, line)."""

    power: tuple[IntensityTarget, Token] | None = None
    pace: tuple[IntensityTarget, Token] | None = None
    hr: tuple[HeartRatePercentTarget | HeartRateZoneTarget, Token] | None = None
    cadence: tuple[CadenceTarget, Token] | None = None


@dataclass
class _StepLine:
    line: int
    intensity: Intensity
    duration_ms: int | None
    distance_m: float | None
    lap: bool
    targets: _Targets
    cues: tuple[Cue, ...]


@dataclass
class _Block:
    """An open ``Nx`` header: its count, where it is, and its steps so far."""

    count: int
    line: int
    column: int
    width: int
    steps: list[_StepLine] = field(default_factory=list)


class IcuImporter:
    name = "icu"
    suffixes = (".txt",)

    def read(self, data: bytes, report: Report, options: ReadOptions) -> Workout | None:
        return _Reader(report).read(_decode(data, report), options)


def _decode(data: bytes, report: Report) -> str:
    text, not_utf8 = decode_text(data)
    if not_utf8 is not None:
        report.add(
            "W571",
            "the text is not UTF-8: it is read as Windows-1252",
            Span.point(not_utf8, 1),
            "check the accented letters in the imported cues",
        )
    return text


class _Reader:
    def __init__(self, report: Report) -> None:
        self.report = report
        #: Top-level items in order: a step line, or a closed repeat (count, line, steps).
        self.items: list[_StepLine | _Block] = []
        self.description: list[str] = []
        self.units: set[str] = set()
        #: Steps read so far, repeats unrolled (the language's limit is MAX_EXPANDED_STEPS).
        self.expanded = 0

    # -- lines -------------------------------------------------------------------------

    def read(self, text: str, options: ReadOptions) -> Workout | None:
        block: _Block | None = None
        section: Intensity | None = None
        seen_step = False
        number = last = 0
        for number, raw in enumerate(iter_lines(text), start=1):
            stripped = raw.strip()  # any white space: a text pasted from a web page has no-break spaces
            last = number if stripped else last
            if not stripped:
                self._close(block)
                block = None
                section = None
                continue
            if stripped.startswith("-"):
                seen_step = True
                indent = len(raw) - len(raw.lstrip())
                step = self._step(raw, indent + 1, number, section)
                if step is None:
                    continue
                if block is not None:
                    block.steps.append(step)
                else:
                    self.items.append(step)
                    self.expanded += 1
                pending = block.count * len(block.steps) if block is not None else 0
                if self.expanded + pending > MAX_EXPANDED_STEPS:
                    # Stop at once: a 5 MB text need not be read to the end to be refused.
                    self.report.add(
                        "E305",
                        f"the workout has more than {MAX_EXPANDED_STEPS:,} steps",
                        Span.point(number, 1),
                    )
                    return None
                continue
            self._close(block)
            block = None
            words = TAGS.sub(" ", stripped).strip().strip("#*_>").split()
            repeat = REPEAT.fullmatch(words[-1]) if words else None
            label = " ".join(words[:-1] if repeat else words)
            section = _section(label)
            if repeat is not None:
                column = raw.rfind(words[-1]) + 1
                block = _Block(int(repeat.group(1)), number, column, len(words[-1]))
            elif not seen_step and section is None and label:
                self.description.append(label)
        self._close(block)
        if not any(isinstance(i, _StepLine) or i.steps for i in self.items):
            self.report.add(
                "E560",
                "the text has no step: intervals.icu's steps are lines starting with '-'",
                Span.point(max(last, 1), 1),
                "a step line looks like '- 10m 60%'",
            )
            return None
        return self._workout(options)

    def _close(self, block: _Block | None) -> None:
        if block is None:
            return None
        if not block.steps:
            self.report.add(
                "W568",
                f"the repeat '{block.count}x' has no step line before the blank line or the next header: "
                "it repeats nothing",
                Span.point(block.line, block.column, block.width),
                "put the repeated step lines right under the 'Nx' line, without a blank line between",
            )
            return None
        if block.count == 0:
            self.report.add(
                "W560",
                f"the repeat '0x' does its step lines no times: its {len(block.steps)} step(s) are dropped",
                Span.point(block.line, block.column, block.width),
            )
            return None
        self.items.append(block)
        self.expanded += block.count * len(block.steps)
        return None

    # -- one step line -------------------------------------------------------------------

    def _step(self, raw: str, start: int, line: int, section: Intensity | None) -> _StepLine | None:
        units_before = set(self.units)  # a dropped line's targets count for nothing
        dash = raw.index("-", start - 1)
        tokens = [(m.group(), m.start() + 1) for m in re.finditer(r"\S+", raw[dash + 1 :])]
        tokens = [(t, c + dash + 1) for t, c in tokens]
        lap = False
        i = 0
        kept: list[tuple[str, int]] = []
        while i < len(tokens):
            word = tokens[i][0].lower()
            if (
                word == "press"
                and i + 1 < len(tokens)
                and tokens[i + 1][0].lower().strip(PUNCTUATION) == "lap"
            ):
                lap = True
                i += 2
                continue
            kept.append(tokens[i])
            i += 1
        toks = _merge_spaced_ranges([classify(t, c) for t, c in kept])
        for k, t in enumerate(toks):
            # A bare clock time is a pace only with the word Pace after it ('5:00 Pace').
            after = toks[k + 1].text.lower().strip(PUNCTUATION) if k + 1 < len(toks) else ""
            if t.kind == "pace" and not t.unit_written and after != "pace":
                toks[k] = Token(t.text, t.column, "word")
        # The cue: the words before the first number with a unit; a zone among them clears it.
        first = next(
            (k for k, t in enumerate(toks) if t.kind in UNIT_KINDS or t.kind == "end_prompts"), len(toks)
        )
        label, spec = toks[:first], toks[first:]
        if spec and spec[0].lead:  # '<' of '<40%' stays in the cue, as intervals.icu keeps it
            label = [*label, Token(spec[0].lead, spec[0].column, "word")]
        if spec and spec[0].kind == "end_prompts":
            spec = spec[1:]
        targets = _Targets()
        clear_label = False
        rest: list[Token] = []
        k = 0
        while k < len(label):
            t = label[k]
            if t.kind == "zone":
                clear_label = True
                k = self._target(label, k, targets, line, ramp=False)
                continue
            rest.append(t)
            k += 1
        cues = () if clear_label else _cues(rest)
        duration_ms: int | None = None
        distance_m: float | None = None
        intensity: Intensity = section or "active"
        dropped: list[Token] = []
        k = 0
        while k < len(spec):
            t = spec[k]
            if t.kind in ("duration", "distance"):
                # The last one wins, as for targets ('in the first 10min ... 45m' lasts 45 minutes).
                if t.kind == "duration":
                    duration_ms, distance_m = round(t.values[0] * 1000), None
                else:
                    duration_ms, distance_m = None, t.values[0]
                k += 1
            elif t.kind == "zone" and duration_ms is None and distance_m is None:
                cues = ()
                k = self._target(spec, k, targets, line, ramp=False)
            elif t.kind == "ramp":
                k = self._target(spec, k + 1, targets, line, ramp=True) if k + 1 < len(spec) else k + 1
            elif t.kind in ("percent", "watts", "zone", "pace", "custom_zone", "cadence"):
                k = self._target(spec, k, targets, line, ramp=False)
            elif (
                t.kind == "bare"
                and k + 1 < len(spec)
                and spec[k + 1].text.lower().strip(PUNCTUATION) == "rpm"
            ):
                self._cadence(t, targets, line)
                k += 2
            elif t.kind == "freeride":
                targets.power = (FreeTarget(), t)
                k += 1
            elif t.kind == "option":
                intensity = self._option(t, line, intensity)
                k += 1
            else:
                dropped.append(t)
                k += 1
        if dropped:
            words = " ".join(t.text for t in dropped)
            self.report.add(
                "W561",
                f"'{_short(words)}' after the step's duration is not a duration or a target: dropped, as "
                "intervals.icu drops it",
                Span.point(
                    line, dropped[0].column, dropped[-1].column + len(dropped[-1].text) - dropped[0].column
                ),
                "text for the athlete goes before the duration: '- Stay seated 5m 90%'",
            )
        if (duration_ms is None and distance_m is None) or duration_ms == 0 or distance_m == 0:
            what = (
                "a zero duration"
                if duration_ms == 0
                else "a zero distance"
                if distance_m == 0
                else "no duration or distance"
            )
            self.report.add(
                "W560",
                f"the step on line {line} has {what}: dropped, as intervals.icu drops it",
                Span.point(line, start, max(len(raw.rstrip()) - start + 1, 1)),
                "give the step a duration ('5m') or a distance ('1km', '400mtr')",
            )
            self.units = units_before
            return None
        if duration_ms is not None and duration_ms > MAX_DURATION_S * 1000:
            self.report.add("E305", "a step lasts more than 24 hours", Span.point(line, start))
            return None
        return _StepLine(line, intensity, duration_ms, distance_m, lap, targets, cues)

    def _option(self, t: Token, line: int, intensity: Intensity) -> Intensity:
        m = OPTION.fullmatch(t.text)
        key, value = (m.group("key").lower(), m.group("value").lower()) if m else ("", "")
        if key == "intensity" and value in INTENSITIES:
            return value  # type: ignore[return-value]
        why = (
            "power smoothing is the device's business: nmdsl has no setting for it"
            if key == "power"
            else f"intensity is one of {', '.join(INTENSITIES)}"
            if key == "intensity"
            else "intervals.icu's options are power= and intensity="
        )
        self.report.add("W567", f"option '{t.text}' is ignored: {why}", t.span(line))
        return intensity

    def _cadence(self, t: Token, targets: _Targets, line: int) -> None:
        lo, hi = min(t.values), max(t.values)
        low, high = CADENCE_LIMITS_RPM
        if lo != int(lo) or hi != int(hi) or lo < low or hi > high:
            self._limit(t, line, f"a cadence is a whole number of rpm from {low} to {high}")
            return
        targets.cadence = (CadenceTarget(low_rpm=int(lo), high_rpm=int(hi)), t)

    def _limit(self, t: Token, line: int, why: str) -> None:
        self.report.add("W563", f"'{t.text}' is outside nmdsl's limits ({why}): dropped", t.span(line))

    def _target(self, toks: list[Token], k: int, targets: _Targets, line: int, *, ramp: bool) -> int:
        """Read the value at ``toks[k]`` (and the word after it: HR, LTHR, Pace, MMP); the next index."""
        t = toks[k]
        nxt = toks[k + 1].text.lower().strip(PUNCTUATION) if k + 1 < len(toks) else ""
        word = nxt if nxt in KIND_WORDS else ""
        end = k + (2 if word else 1)
        if t.kind == "cadence":
            self._cadence(t, targets, line)
            return k + 1
        if word == "mmp":
            if end < len(toks) and toks[end].kind == "duration":
                end += 1
            self._cannot(t, line, "a share of the athlete's best power over a time (% MMP)", "watts or %FTP")
            return end
        if t.kind == "custom_zone":
            self._cannot(t, line, "the athlete's custom zones (CZ)", "a power zone such as Z2, or %FTP")
            return end
        if t.kind not in ("percent", "watts", "zone", "pace"):
            return k  # pragma: no cover - the callers pass values only
        if ramp and len(t.values) < 2:
            self.report.add(
                "W569",
                f"'ramp {t.text}' has one value: read as a steady target",
                t.span(line),
                "a ramp goes from one value to another: 'ramp 50-75%'",
            )
            ramp = False
        if word in ("hr", "lthr"):
            got = self._heart_rate(t, word, line, ramp)
            if got is not None:
                targets.hr = (got, t)
        elif word == "pace" or t.kind == "pace":
            if t.kind == "pace" and word != "pace":
                self.report.add(
                    "W569",
                    f"'{t.text}' is read as a pace: intervals.icu wants the word 'Pace' after it",
                    t.span(line),
                    f"write '{t.text} Pace'",
                )
            got_pace = self._pace(t, line, ramp)
            if got_pace is not None:
                targets.pace = (got_pace, t)
        else:
            got_power = self._power(t, line, ramp)
            if got_power is not None:
                targets.power = (got_power, t)
        return end

    def _cannot(self, t: Token, line: int, what: str, instead: str) -> None:
        self.report.add(
            "W562", f"'{t.text}' is {what}, which nmdsl cannot say: dropped", t.span(line), f"write {instead}"
        )

    def _heart_rate(
        self, t: Token, word: str, line: int, ramp: bool
    ) -> HeartRatePercentTarget | HeartRateZoneTarget | None:
        if ramp:
            self._ramp_as_band(t, line)
        if t.kind == "zone":
            lo_zone, hi_zone = int(t.values[0]), int(t.values[-1])
            if not 1 <= lo_zone <= 5 or not 1 <= hi_zone <= 5:
                self._limit(t, line, "heart-rate zones are Z1 to Z5")
                return None
            if lo_zone != hi_zone:
                self.report.add(
                    "W566",
                    f"'{t.text} HR' spans heart-rate zones; nmdsl's heart-rate target is one zone: "
                    f"read as Z{min(lo_zone, hi_zone)} HR",
                    t.span(line),
                    "or write the range as a share of max HR: '75-85% HR'",
                )
            return HeartRateZoneTarget(zone=min(lo_zone, hi_zone))
        if t.kind != "percent":
            self._cannot(t, line, "a heart rate in watts or as a pace", "'70% HR', '95% LTHR' or 'Z2 HR'")
            return None
        lo, hi = sorted(t.values) if len(t.values) == 2 else (t.values[0], t.values[0])
        if lo <= 0 or hi > HR_PERCENT_LIMIT:
            self._limit(t, line, f"a heart rate is above 0% and at most {HR_PERCENT_LIMIT}%")
            return None
        of: Literal["lthr", "max_hr"] = "lthr" if word == "lthr" else "max_hr"
        self.units.add(of)
        return HeartRatePercentTarget(low_pct=lo, high_pct=hi, of=of)

    def _ramp_as_band(self, t: Token, line: int) -> None:
        self.report.add(
            "W562",
            f"'ramp {t.text}': nmdsl ramps are of power or of threshold speed only: read as a steady range",
            t.span(line),
        )

    def _pace(self, t: Token, line: int, ramp: bool) -> IntensityTarget | None:
        self.units.add("pace")
        if t.kind == "percent":
            lo, hi = (t.values[0], t.values[-1])
            if min(lo, hi) < 0 or max(lo, hi) > MAX_PERCENT or (not ramp and min(lo, hi) == 0):
                self._limit(t, line, f"a share of threshold speed is above 0% and at most {MAX_PERCENT:g}%")
                return None
            if ramp:
                return RampTarget(start=lo, end=hi, of="threshold_speed")
            return PercentTarget(low_pct=min(lo, hi), high_pct=max(lo, hi), of="threshold_speed")
        if t.kind == "zone":
            self._cannot(
                t, line, "a pace zone (the athlete's own pace zones)", "a pace '5:00/km Pace' or '80% Pace'"
            )
            return None
        if t.kind != "pace":
            self._cannot(t, line, "a pace in watts", "'5:00/km Pace' or '80% Pace'")
            return None
        if ramp:
            self._ramp_as_band(t, line)
        if not t.unit_written:
            self.report.add(
                "W569",
                f"'{t.text}' has no unit: read as per km (intervals.icu takes the athlete's default unit)",
                t.span(line),
                "write the unit: '5:00/km Pace'",
            )
        per_m = t.per_m or 1000.0
        paces = []
        for seconds in t.values:
            if per_m == 1000.0 or abs(per_m - 1609.344) < 1e-9:
                paces.append(Pace(seconds=int(seconds), per="km" if per_m == 1000.0 else "mi"))
                continue
            exact = seconds * 1000 / per_m
            if abs(exact - round(exact)) > 1e-9:
                self.report.add(
                    "W569",
                    f"'{t.text}' is {exact:.2f} s per km: read as {round(exact)} s per km",
                    t.span(line),
                )
            paces.append(Pace(seconds=max(round(exact), 1), per="km"))
        if min(p.s_per_km for p in paces) < FASTEST_PACE_S_PER_KM:
            self._limit(t, line, "nothing faster than 1:30/km")
            return None
        fast = min(paces, key=lambda p: p.s_per_km)
        slow = max(paces, key=lambda p: p.s_per_km)
        return PaceTarget(fast=fast, slow=slow)

    def _power(self, t: Token, line: int, ramp: bool) -> IntensityTarget | None:
        if t.kind == "pace":  # pragma: no cover - a pace goes to _pace
            return None
        if t.kind == "zone":
            lo_zone, hi_zone = sorted(int(v) for v in t.values)
            if lo_zone not in ZONES or hi_zone not in ZONES:
                self._limit(t, line, "power zones are Z1 to Z7")
                return None
            if ramp:
                self._ramp_as_band(t, line)
            if lo_zone == hi_zone:
                low, high = ZONES[lo_zone]
                return ZoneTarget(zone=lo_zone, low_pct=low, high_pct=high)
            low, high = ZONES[lo_zone][0], ZONES[hi_zone][1]
            self.report.add(
                "W566",
                f"'{t.text}' spans power zones: read as {low:g}-{high:g}% FTP, nmdsl's bounds of those zones "
                "(intervals.icu takes the athlete's own)",
                t.span(line),
            )
            self.units.add("percent")
            return PercentTarget(low_pct=low, high_pct=high)
        unit: Literal["percent", "watts"] = "percent" if t.kind == "percent" else "watts"
        limit = MAX_PERCENT if unit == "percent" else MAX_WATTS
        lo, hi = t.values[0], t.values[-1]
        if min(lo, hi) < 0 or max(lo, hi) > limit or (not ramp and min(lo, hi) == 0) or max(lo, hi) == 0:
            sign = "%" if unit == "percent" else " W"
            self._limit(t, line, f"power is above 0 and at most {limit:g}{sign}")
            return None
        self.units.add(unit)
        if ramp:
            return RampTarget(start=lo, end=hi, unit=unit)
        lo, hi = min(lo, hi), max(lo, hi)
        if unit == "percent":
            return PercentTarget(low_pct=lo, high_pct=hi)
        return WattsTarget(low_w=lo, high_w=hi)

    # -- the whole text --------------------------------------------------------------------

    def _workout(self, options: ReadOptions) -> Workout | None:
        sport: Literal["bike", "run"] = (
            "run" if any(s.targets.pace is not None for s in _all_steps(self.items)) else "bike"
        )
        total_ms = sum(
            sum(s.duration_ms or 0 for s in i.steps) * i.count
            if isinstance(i, _Block)
            else i.duration_ms or 0
            for i in self.items
        )
        if total_ms > MAX_DURATION_S * 1000:
            self.report.add(
                "E305", "the workout lasts more than 24 hours", Span.point(self.items[-1].line, 1)
            )
            return None
        items: list[Item] = []
        for item in self.items:
            if isinstance(item, _Block):
                body = [self._model(s, sport) for s in item.steps]
                if item.count == 1:
                    items.extend(body)
                    continue
                folded = compress(body)
                if len(folded) == 1 and isinstance(folded[0], Repeat):
                    inner = folded[0]
                    items.append(Repeat(count=inner.count * item.count, steps=inner.steps, block=inner.block))
                else:
                    block = any(isinstance(b, Repeat) for b in folded)
                    items.append(Repeat(count=item.count, steps=tuple(folded), block=block))
            else:
                items.append(self._model(item, sport))
        if {"percent", "watts"} <= self.units and sport == "bike":
            self.report.add(
                "W570",
                "the workout mixes watts and %FTP targets, and the text carries no FTP",
                None,
                "add 'ftp: 250' (the athlete's FTP) to the imported header before compiling it",
            )
        max_hr = PLACEHOLDER_MAX_HR if "max_hr" in self.units else None
        lthr = PLACEHOLDER_LTHR if "lthr" in self.units else None
        for key, value, words in (
            ("max-hr", max_hr, "max HR (% HR)"),
            ("lthr", lthr, "threshold HR (% LTHR)"),
        ):
            if value is not None:
                self.report.add(
                    "W565",
                    f"the workout has heart rates as a share of {words}, which the text does not carry: "
                    f"the header says '{key}: {value}'",
                    None,
                    f"set the athlete's own {key}; the shares are kept whatever it says",
                )
        stem = PurePath(options.filename).stem if options.filename not in ("<input>", "<stdin>", "-") else ""
        meta = Metadata(
            name=stem or None,
            description=" ".join(self.description) or None,
            sport=sport,
            max_hr_bpm=max_hr,
            lthr_bpm=lthr,
        )
        return Workout(meta=meta, steps=tuple(compress(items)))

    def _model(self, s: _StepLine, sport: Literal["bike", "run"]) -> Step:
        target: IntensityTarget | None = None
        power = s.targets.power
        if sport == "run":
            if s.targets.pace is not None:
                target = s.targets.pace[0]
            if power is not None and isinstance(power[0], FreeTarget) and target is None:
                target = power[0]
            elif power is not None and not isinstance(power[0], FreeTarget):
                self.report.add(
                    "W564",
                    f"'{power[1].text}' is a power target in a run (the text has paces): dropped, "
                    "nmdsl's runs take paces, heart rates and free",
                    power[1].span(s.line),
                )
        elif power is not None:
            target = power[0]
        hr = s.targets.hr[0] if s.targets.hr is not None else None
        cadence = s.targets.cadence[0] if s.targets.cadence is not None else None
        if cadence is not None and sport == "run" and s.targets.cadence is not None:
            self.report.add(
                "W564",
                f"'{s.targets.cadence[1].text}' is a cadence in a run (the text has paces): dropped, "
                "nmdsl's cadence targets are for bikes",
                s.targets.cadence[1].span(s.line),
            )
            cadence = None
        if target is None and hr is None and cadence is None:
            target = FreeTarget()
        duration = seconds_of_ms(s.duration_ms) if s.duration_ms is not None else None
        cues = s.cues
        if s.duration_ms is not None and any(c.offset_s * 1000 >= s.duration_ms for c in cues):
            late = [c for c in cues if c.offset_s * 1000 >= s.duration_ms]
            self.report.add(
                "W572",
                f"the prompt '{_short(late[0].text)}' at {late[0].offset_s} s comes after the end of its "
                f"{duration} s step: dropped",
                Span.point(s.line, 1),
                "a prompt's time is seconds into its step, less than the step's duration",
            )
            cues = tuple(c for c in cues if c.offset_s * 1000 < s.duration_ms)
        if s.lap and s.distance_m is not None:
            self.report.add(
                "W569",
                f"the step on line {s.line} has a distance and ends at a lap press: nmdsl's step ends one "
                "way, so it keeps the distance and drops the lap press",
                Span.point(s.line, 1),
                "for a lap step write a duration: '- 8m 90% Press lap'",
            )
        elif s.lap:
            return Step(
                intensity=s.intensity,
                until=LapEnd(),
                estimate_s=duration,
                target=target,
                cadence=cadence,
                heart_rate=hr,
                cues=cues,
            )
        return Step(
            intensity=s.intensity,
            duration_s=duration,
            distance_m=s.distance_m,
            target=target,
            cadence=cadence,
            heart_rate=hr,
            cues=cues,
        )


def _all_steps(items: list[_StepLine | _Block]) -> list[_StepLine]:
    out: list[_StepLine] = []
    for i in items:
        out.extend(i.steps if isinstance(i, _Block) else [i])
    return out


def _section(label: str) -> Intensity | None:
    word = " ".join(label.lower().rstrip(":").split())
    got = SECTION_WORDS.get(word)
    return "warmup" if got == "warmup" else "cooldown" if got == "cooldown" else None


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _cues(label: list[Token]) -> tuple[Cue, ...]:
    """The cue text, split at the timed prompts: ``First 60^30 Second`` is First at 0 s, Second at 60 s."""
    cues: list[Cue] = []
    at = 0
    words: list[str] = []
    for t in label:
        if t.kind == "prompt":
            if words:
                cues.append(Cue(text=" ".join(words), offset_s=at))
            at, words = int(t.values[0]), []
        elif t.kind != "end_prompts":
            words.append(t.text.replace('"', "'"))  # nmdsl's cues cannot hold a double quote
    if words:
        cues.append(Cue(text=" ".join(words), offset_s=at))
    return tuple(cues)


def _merge_spaced_ranges(toks: list[Token]) -> list[Token]:
    """``315w - 330w`` as one range, when the three words read as one value."""
    out: list[Token] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if k + 2 < len(toks) and toks[k + 1].text in ("-", "\u2013") and t.text[:1].isdigit():
            merged = classify(f"{t.text}-{toks[k + 2].text}", t.column)
            if merged.kind in ("percent", "watts", "pace", "cadence", "zone"):
                out.append(merged)
                k += 3
                continue
        out.append(t)
        k += 1
    return out
