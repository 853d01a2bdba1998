"""Concrete syntax tree -> validated model.

Reads values out of tokens, applies the language's rules (one intensity
target per step, which units each sport takes, drill defaults, recovery
intensity in repeats) and reports every violation at its span.  Whole-
workout checks (limits, mixing watts and %FTP) live in :mod:`nmdsl.language.checks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from nmdsl.diagnostics import Fix, Report, Span
from nmdsl.language import drills
from nmdsl.language._lalr import Token
from nmdsl.language.lexer import HEADER_KEYS, STEP_WORDS
from nmdsl.language.parser import BlockLine, CstNode, HeaderLine, StepLine, StepNode, TargetNode, span_of
from nmdsl.language.values import Problem, distance_m, duration_s, number_range, ordered, pace, pace_range
from nmdsl.limits import (  # re-exported: builder.ZONES is public
    CADENCE_LIMITS_RPM,
    FASTEST_PACE_S_PER_KM,
    FASTEST_VMAX_S_PER_KM,
    HEART_RATE_LIMITS_BPM,
    HR_PERCENT_LIMIT,
    MAX_CUE_CHARS,
    MAX_HEADER_CHARS,
    MAX_PERCENT,
    MAX_PMAX_W,
    MAX_WATTS,
    PEAK_PERCENT_LIMIT,
    ZONES,
)
from nmdsl.model import (
    AnyHeartRateTarget,
    CadenceTarget,
    Cue,
    FreeTarget,
    HeaderSpan,
    HeartRateEnd,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    IntensityTarget,
    Item,
    LapEnd,
    MaxTarget,
    Metadata,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Repeat,
    Sport,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
)

BIKE_ONLY = {"WATTS": "watts", "ZONE": "power zones", "CADENCE": "cadence targets (rpm)"}
RUN_ONLY = {"PACE": "pace targets", "DISTANCE": "distances"}


class Builder:
    def __init__(self, report: Report, ftp_w: float | None = None):
        self.report = report
        self.default_ftp_w = ftp_w
        self.sport: Sport = "bike"
        self.meta = Metadata()
        #: Building stopped after MAX_ERRORS errors (E013 said where).
        self.stopped = False

    # -- header ---------------------------------------------------------

    def build(self, nodes: list[CstNode]) -> Workout:
        headers: list[HeaderLine] = []
        body: list[CstNode] = []
        for node in nodes:
            if isinstance(node, HeaderLine):
                if body:
                    self.report.add(
                        "E105",
                        f"the header line '{node.key}:' comes after the first step",
                        span_of(node.key),
                        "move it above the steps",
                    )
                else:
                    headers.append(node)
            else:
                body.append(node)
        meta = self._metadata(headers)
        self.meta = meta
        self.sport = meta.sport
        steps = self._items(body, depth=0)
        return Workout(meta=meta, steps=tuple(steps))

    def _metadata(self, headers: list[HeaderLine]) -> Metadata:
        fields: dict[str, Any] = {}
        spans: list[HeaderSpan] = []
        key_spans: dict[str, Span] = {}
        seen: dict[str, HeaderLine] = {}
        for h in headers:
            key = str(h.key)
            span = span_of(h.key)
            if key not in HEADER_KEYS:
                if key in STEP_WORDS:
                    self.report.add(
                        "E101",
                        f"'{key}:' looks like a header line, but '{key}' starts a step",
                        span,
                        f"steps take no ':': write '{key} 10m ...'",
                    )
                elif key.lower() in HEADER_KEYS:
                    self.report.add(
                        "E102",
                        f"header keys are lowercase: '{key}'",
                        span,
                        f"write '{key.lower()}:'",
                        fix=_fix(span, key.lower()),
                    )
                else:
                    import difflib  # only for a mistake: not at start-up

                    close = difflib.get_close_matches(key.lower(), HEADER_KEYS, n=1, cutoff=0.5)
                    hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(HEADER_KEYS)
                    fix = _fix(span, close[0]) if close else None
                    self.report.add("E101", f"unknown header key '{key}'", span, hint, fix=fix)
                continue
            if key in seen:
                self.report.add(
                    "E103",
                    f"'{key}' is set twice (first on line {seen[key].line})",
                    span,
                    "keep one of them",
                )
                continue
            seen[key] = h
            value = str(h.value)
            vspan = span_of(h.value)
            if len(value) > MAX_HEADER_CHARS:
                self._too_long(f"the '{key}' value", len(value), MAX_HEADER_CHARS, vspan)
                continue
            if not value:
                self.report.add(
                    "E104",
                    f"'{key}' has no value",
                    span_of(h.key, h.value),
                    f"write a value after '{key}:' or remove the line",
                )
                continue
            try:
                name, parsed = _header_value(key, value)
            except Problem as p:
                self.report.add(p.code, p.message, vspan, p.hint)
                continue
            fields[name] = parsed
            spans.append(HeaderSpan(key=key, span=vspan))
            key_spans[key] = span_of(h.key, h.value)
        # pmax: is a bike's, vmax: a run's (the sport may be set on any header line).
        sport = fields.get("sport", "bike")
        for key, name, its in (("pmax", "pmax_w", "bike"), ("vmax", "vmax", "run")):
            if name in fields and sport != its:
                self.report.add(
                    "E301",
                    f"'{key}:' is for {its} sessions; this is a {sport} session",
                    key_spans[key],
                    "remove the line"
                    + ("; a run's top speed is 'vmax: 2:30/km'" if key == "pmax" else "")
                    + ("; a bike's peak power is 'pmax: 1150W'" if key == "vmax" else ""),
                )
                del fields[name]
                spans = [hs for hs in spans if hs.key != key]
        if fields.get("ftp_w") is None and self.default_ftp_w is not None:
            fields["ftp_w"] = float(self.default_ftp_w)
        return Metadata(**fields, header_spans=tuple(spans))

    # -- steps ------------------------------------------------------------

    def _items(self, nodes: list[CstNode], depth: int) -> list[Item]:
        out: list[Item] = []
        for node in nodes:
            if self.report.full:
                # As the parser does: the first MAX_ERRORS errors, then E013.
                if not self.stopped:
                    self.stopped = True
                    span = span_of(node.value) if isinstance(node, HeaderLine) else node.span
                    self.report.stop(span.line)
                break
            if isinstance(node, BlockLine):
                until = None
                if node.count.type == "UNTIL":
                    until = self._until(node.count, node.bound)
                    count = node.times if until is not None else None
                else:
                    count = self._count(node.count)
                body = self._items(node.body, depth + 1)
                if count is not None and body:
                    out.append(
                        Repeat(
                            count=count,
                            steps=tuple(body),
                            block=True,
                            until=until,
                            estimated=node.estimate is not None,
                            span=node.span,
                        )
                    )
            elif isinstance(node, StepLine):
                out.extend(self._step_line(node))
            else:
                self.report.add(
                    "E105",
                    f"the header line '{node.key}:' is inside a block",
                    span_of(node.key),
                    "header lines go at the top of the file, before the steps",
                )
        return out

    def _count(self, tok: Token) -> int | None:
        n = int(str(tok)[:-1])
        if n == 0:
            self.report.add(
                "E203", "a repeat of 0 times", span_of(tok), "remove the line, or repeat at least once: 1x"
            )
            return None
        return n

    def _step_line(self, node: StepLine) -> list[Item]:
        count = self._count(node.count) if node.count is not None else None
        steps: list[Step] = []
        ok = True
        for i, raw in enumerate(node.steps):
            step = self._step(raw, recovery=i > 0)
            if step is None:
                ok = False
            else:
                steps.append(step)
        if not ok:
            return []
        if node.count is None:
            return list(steps)
        if count is None:
            return []
        if len(steps) == 1 and steps[0].drill is not None:
            d = drills.defaults(steps[0].drill, self.sport)
            if d is not None:
                steps.append(d.recovery)
        return [Repeat(count=count, steps=tuple(steps), span=node.span)]

    def _step(self, raw: StepNode, recovery: bool) -> Step | None:
        errors_before = len(self.report.items)
        word = str(raw.word) if raw.word is not None else None
        intensity = "recovery" if recovery else "active"
        drill = None
        if raw.word is not None and raw.word.type == "INTENSITY":
            intensity = word  # type: ignore[assignment]
        elif raw.word is not None:
            # A drill is work wherever it stands, after a '/' too.
            intensity = "active"
            drill = word
            if drills.defaults(drill, self.sport) is None:  # type: ignore[arg-type]
                home = "run" if self.sport == "bike" else "bike"
                self.report.add(
                    "E307",
                    f"'{drill}' is a {home} drill; this is a {self.sport} session",
                    span_of(raw.word),
                    "use strides or accel for runs"
                    if self.sport == "run"
                    else "use sprint or standing-start for bike sprints",
                )

        duration: int | float | None = None
        distance: float | None = None
        until: LapEnd | HeartRateEnd | None = None
        estimate: int | float | None = None
        amount = raw.amount
        for extra in raw.more:
            hint = "write one of a duration (3m), a distance (2km), 'lap' or 'until <130bpm'"
            if amount.type == extra.type == "DURATION":
                # '1m 30s': one duration with a space in it, or two steps without their '/'.
                hint = (
                    f"did you mean {amount}{extra} (no space inside a duration), "
                    "or ' / ' between two steps?"
                )
            self.report.add(
                "E211",
                f"a step has one way to end; this one already ends with {str(amount)!r}",
                span_of(extra),
                hint,
            )
        if amount.type == "DISTANCE":
            distance = self._value(amount, distance_m)
        elif amount.type == "LAP":
            until = LapEnd(span=span_of(amount))
        elif amount.type == "UNTIL":
            until = self._until(amount, raw.bound)
        else:
            duration = self._value(amount, duration_s)
            if duration is not None and self.sport == "run":
                from nmdsl.language.values import minutes_written_bare

                n = minutes_written_bare(str(amount))
                if n is not None and n >= 100:
                    self.report.add(
                        "W101",
                        f"a {n}-minute step ('m' means minutes)",
                        span_of(amount),
                        f"did you mean {n}mtr?",
                    )

        if raw.estimate is not None:
            if duration is not None:
                self.report.add(
                    "E212",
                    f"an estimate goes with 'lap', 'until' or a distance; this step lasts {amount}",
                    span_of(raw.estimate),
                    f"remove {str(raw.estimate)!r}: a timed step's time is known",
                )
            else:
                estimate = self._value(raw.estimate, lambda t: duration_s(t[1:]))

        target: IntensityTarget | None = None
        cadence: CadenceTarget | None = None
        heart_rate: AnyHeartRateTarget | None = None
        first_seen: dict[str, TargetNode] = {}
        for t in raw.targets:
            slot = {
                "CADENCE": "cadence",
                "BPM": "heart rate",
                "HR_ZONE": "heart rate",
                "HR_PCT": "heart rate",
            }.get(t.kind, "intensity")
            if slot in first_seen:
                other = first_seen[slot]
                self.report.add(
                    "E302",
                    f"a step has one {slot} target; {str(other.value)!r} is already given",
                    t.span,
                    "remove one of them" if slot != "intensity"
                    else "one of %, W, Zn, pace, %pmax/%vmax, ramp, max, free per step "
                    "(plus a cadence and a heart rate)",
                )
                continue
            first_seen[slot] = t
            made = self._target(t)
            if made is None:
                continue
            if isinstance(made, CadenceTarget):
                cadence = made
            elif isinstance(made, HeartRateTarget | HeartRateZoneTarget | HeartRatePercentTarget):
                heart_rate = made
            else:
                target = made

        if drill is not None:
            d = drills.defaults(drill, self.sport)  # type: ignore[arg-type]
            if d is not None:
                if "intensity" not in first_seen:
                    target = d.target
                if "cadence" not in first_seen and d.cadence is not None:
                    cadence = d.cadence
        if target is None and cadence is None and heart_rate is None and not first_seen:
            if word == "rest":
                target = FreeTarget()
            elif drill is None:
                self.report.add(
                    "E303",
                    "this step has no target",
                    raw.span,
                    "add one: "
                    + (
                        "@60%, @250W, @Z2, @95%pmax, ramp 45%-70%, max, free"
                        if self.sport == "bike"
                        else "@60%, @4:30/km, @95%vmax, ramp 45%-70%, max, free"
                    )
                    + " (or write 'rest 3m' for an easy recovery)",
                )

        cues: list[Cue] = []
        for c in raw.cues:
            offset = 0
            if c.at is not None:
                # 'at 0s' is the step's start, the same as no 'at'.
                at_s = self._value(c.at, lambda t: duration_s(t, allow_zero=True))
                if at_s is None:
                    continue
                offset = at_s
                limit = duration if duration is not None else self._estimated_s(distance, target)
                if limit is not None and offset >= limit:
                    self.report.add(
                        "E209",
                        f"the cue is at {c.at}, but the step lasts "
                        + (str(raw.amount) if duration is not None else f"about {limit:.0f}s"),
                        span_of(c.at),
                        "a cue's offset must be smaller than its step's duration",
                    )
                    continue
            text = str(c.text)[1:-1]
            if len(text) > MAX_CUE_CHARS:
                self._too_long("the cue", len(text), MAX_CUE_CHARS, span_of(c.text))
                continue
            cues.append(Cue(text=text, offset_s=offset, span=span_of(c.text, c.at)))

        if any(d.is_error for d in self.report.items[errors_before:]):
            return None
        return Step(
            intensity=intensity,  # type: ignore[arg-type]
            duration_s=duration,
            distance_m=distance,
            until=until,
            estimate_s=estimate,
            target=target,
            cadence=cadence,
            heart_rate=heart_rate,
            drill=drill,  # type: ignore[arg-type]
            cues=tuple(cues),
            span=raw.span,
        )

    def _until(self, word: Token, bound: Token | None) -> HeartRateEnd | None:
        """``until <130bpm``: the heart rate that ends the step."""
        assert bound is not None  # the grammar has UNTIL HR_BOUND
        text = str(bound)
        if not text.endswith("bpm"):
            return self._until_share(word, bound, text)
        bpm = int(text[1:-3])
        lo, hi = HEART_RATE_LIMITS_BPM
        if not lo <= bpm <= hi:
            self.report.add(
                "E207",
                f"until {text}: {bpm} bpm is outside the heart rates people have ({lo}-{hi} bpm)",
                span_of(bound),
                "until <130bpm ends the step when heart rate falls below 130",
            )
            return None
        return HeartRateEnd(below=text[0] == "<", bpm=bpm, span=span_of(word, bound))

    def _share_base(self, share_of: Literal["lthr", "max_hr"]) -> tuple[str, int | None]:
        """The header key a heart-rate share is of, and its value (None when the header lacks it)."""
        return ("lthr", self.meta.lthr_bpm) if share_of == "lthr" else ("max-hr", self.meta.max_hr_bpm)

    def _until_share(self, word: Token, bound: Token, text: str) -> HeartRateEnd | None:
        """``until <70%maxhr``, ``until >95%lthr``: a share of the header's max-hr or lthr."""
        share_of: Literal["lthr", "max_hr"] = "lthr" if text.endswith("lthr") else "max_hr"
        pct = float(text[1 : text.index("%")])
        key, have = self._share_base(share_of)
        if have is None:
            self.report.add(
                "E214",
                f"until {text} is a share of the header's {key}, which this session does not set",
                span_of(bound),
                f"add '{key}: {165 if share_of == 'lthr' else 190}' to the header, "
                f"or write bpm: until {text[0]}130bpm",
            )
            return None
        if pct <= 0 or pct > HR_PERCENT_LIMIT:
            self.report.add(
                "E207",
                f"until {text}: a heart rate is above 0% and at most {HR_PERCENT_LIMIT}% of {key}",
                span_of(bound),
                "e.g. until <70%maxhr or until >95%lthr",
            )
            return None
        return HeartRateEnd(below=text[0] == "<", pct=pct, of=share_of, span=span_of(word, bound))

    def _estimated_s(self, distance: float | None, target: Any) -> float | None:
        """The estimated time of a distance step (for checking cue offsets)."""
        if distance is None or target is None:
            return None
        from nmdsl.model import step_seconds

        probe = Step(distance_m=distance, target=target)
        return step_seconds(probe, self.meta)[0]

    def _too_long(self, what: str, n: int, limit: int, span: Span) -> None:
        self.report.add(
            "E210",
            f"{what} is {n:,} characters long; the limit is {limit:,}",
            span,
            "shorten it: devices show a few dozen characters",
        )

    def _value(self, tok: Token, fn: Callable[[str], Any]) -> Any:
        try:
            return fn(str(tok))
        except Problem as p:
            span = span_of(tok)
            self.report.add(p.code, p.message, span, p.hint, fix=_fix(span, p.fix))
            return None

    def _wrong_sport(self, tok: Token | TargetNode, what: str) -> None:
        span = tok.span if isinstance(tok, TargetNode) else span_of(tok)
        if self.sport == "bike":
            self.report.add(
                "E301",
                f"{what} are for run sessions; this is a bike session",
                span,
                "add 'sport: run' to the header for a run"
                + (
                    "; write a duration instead (metres are 'mtr', 'm' is minutes)"
                    if what == "distances"
                    else ""
                ),
            )
        else:
            self.report.add(
                "E301",
                f"{what} are for bike sessions; this is a run session",
                span,
                "runs take %, pace (@4:30/km), heart rate, max and free",
            )

    def _target(self, t: TargetNode) -> Any:
        text = str(t.value)
        kind = t.kind
        if self.sport == "run" and kind in BIKE_ONLY:
            return self._wrong_sport(t, BIKE_ONLY[kind])
        if self.sport == "bike" and kind in RUN_ONLY:
            return self._wrong_sport(t, RUN_ONLY[kind])
        try:
            return self._make_target(kind, text, t.span)
        except Problem as p:
            self.report.add(p.code, p.message, t.span, p.hint, fix=_fix(t.span, p.fix))
            return None

    def _make_target(self, kind: str, text: str, span: Span) -> Any:
        of: Literal["ftp", "threshold_speed"] = "threshold_speed" if self.sport == "run" else "ftp"
        if kind == "POWER_PCT":
            lo, hi = number_range(text, "%")
            ordered(text, lo, hi, "%")
            _plausible_percent(hi)
            if lo <= 0:
                raise Problem(
                    "E208", f"{text} is zero", "a steady target above 0%; for no target write 'free'"
                )
            return PercentTarget(low_pct=float(lo), high_pct=float(hi), of=of, span=span)
        if kind == "PEAK_PCT":
            return self._peak_target(text, span)
        if kind == "WATTS":
            lo, hi = number_range(text, "W")
            ordered(text, lo, hi, "W")
            if hi > MAX_WATTS:
                raise Problem("E208", f"{text} is more than {MAX_WATTS:.0f} W", "did you mean a percentage?")
            if lo <= 0:
                raise Problem("E208", f"{text} is zero", "for no target write 'free'")
            return WattsTarget(low_w=float(lo), high_w=float(hi), span=span)
        if kind == "ZONE":
            zone = int(text[2:])
            if zone not in ZONES:
                raise Problem("E205", f"there is no power zone Z{zone}", "zones are Z1 to Z7")
            lo, hi = ZONES[zone]
            return ZoneTarget(zone=zone, low_pct=lo, high_pct=hi, span=span)
        if kind == "PACE":
            fast, slow = pace_range(text)
            if fast.s_per_km < FASTEST_PACE_S_PER_KM:
                raise Problem(
                    "E208",
                    f"{text} is faster than any human runs",
                    "paces are minutes:seconds per km or mile",
                )
            return PaceTarget(fast=fast, slow=slow, span=span)
        if kind == "BPM":
            lo, hi = number_range(text, "bpm")
            ordered(text, lo, hi, "bpm")
            _plausible(lo, hi, HEART_RATE_LIMITS_BPM, "E207", "heart rate", "bpm", text)
            return HeartRateTarget(low_bpm=int(lo), high_bpm=int(hi), span=span)
        if kind == "HR_ZONE":
            zone = int(text[2:-2])
            if not 1 <= zone <= 5:
                raise Problem(
                    "E205", f"there is no heart-rate zone Z{zone}hr", "heart-rate zones are Z1hr to Z5hr"
                )
            return HeartRateZoneTarget(zone=zone, span=span)
        if kind == "HR_PCT":
            share_of: Literal["lthr", "max_hr"] = "lthr" if text.endswith("lthr") else "max_hr"
            number_text = text[: -len("lthr")] if share_of == "lthr" else text[: -len("maxhr")]
            lo, hi = number_range(number_text, "%")
            ordered(text, lo, hi, "%", text[len(number_text) :])
            key, have = self._share_base(share_of)
            if have is None:
                raise Problem(
                    "E214",
                    f"{text} is a share of the header's {key}, which this session does not set",
                    f"add '{key}: {165 if share_of == 'lthr' else 190}' to the header, or write bpm: @150bpm",
                )
            if lo <= 0 or hi > HR_PERCENT_LIMIT:
                raise Problem(
                    "E207",
                    f"{text} is outside what a heart rate can be (above 0%, at most {HR_PERCENT_LIMIT}%)",
                    "e.g. @80%lthr or @65-75%maxhr",
                )
            return HeartRatePercentTarget(low_pct=float(lo), high_pct=float(hi), of=share_of, span=span)
        if kind == "CADENCE":
            lo, hi = number_range(text, "rpm")
            ordered(text, lo, hi, "rpm")
            _plausible(lo, hi, CADENCE_LIMITS_RPM, "E206", "cadence", "rpm", text)
            return CadenceTarget(low_rpm=int(lo), high_rpm=int(hi), span=span)
        if kind == "ramp":
            unit = "%" if text.endswith("%") else "W"
            if unit == "W" and self.sport == "run":
                raise Problem(
                    "E301",
                    "watts are for bike sessions; this is a run session",
                    "ramp 80%-120% (of threshold speed)",
                )
            start, end = number_range(text, unit)
            if unit == "%":
                _plausible_percent(max(start, end))
            elif max(start, end) > MAX_WATTS:
                raise Problem("E208", f"{text} is more than {MAX_WATTS:.0f} W")
            return RampTarget(
                start=float(start),
                end=float(end),
                unit="percent" if unit == "%" else "watts",
                of=of,
                span=span,
            )
        if kind == "max_effort":
            return MaxTarget(span=span)
        if kind == "free_ride":
            return FreeTarget(span=span)
        raise AssertionError(kind)  # pragma: no cover

    def _peak_target(self, text: str, span: Span) -> PeakPercentTarget:
        """``@95%pmax`` (bike, needs ``pmax:``), ``@90-95%vmax`` (run, needs ``vmax:``)."""
        of: Literal["pmax", "vmax"] = "pmax" if text.endswith("pmax") else "vmax"
        its = "bike" if of == "pmax" else "run"
        if self.sport != its:
            raise Problem(
                "E301",
                f"%{of} targets are for {its} sessions; this is a {self.sport} session",
                "on a run write %vmax (of top speed, 'vmax:'), on a bike %pmax (of peak power, 'pmax:')",
            )
        lo, hi = number_range(text[:-4], "%")
        ordered(text, lo, hi, "%", of)
        if lo <= 0 or hi > PEAK_PERCENT_LIMIT:
            raise Problem(
                "E208",
                f"{text} is outside what a share of {of} can be (above 0%, at most {PEAK_PERCENT_LIMIT}%)",
                "e.g. @95%pmax or @85-95%pmax; for all-out efforts write 'max'",
            )
        have = self.meta.pmax_w if of == "pmax" else self.meta.vmax
        if have is None:
            raise Problem(
                "E215",
                f"{text} is a share of the header's {of}, which this session does not set",
                f"add '{'pmax: 1150W' if of == 'pmax' else 'vmax: 2:30/km'}' to the header"
                + (", or write watts: @1000W" if of == "pmax" else ", or write a pace: @2:45/km"),
            )
        return PeakPercentTarget(low_pct=float(lo), high_pct=float(hi), of=of, span=span)


def _fix(span: Span, text: str | None) -> Fix | None:
    """A :class:`Fix` putting ``text`` in place of ``span`` (None for no text)."""
    return None if text is None else Fix(span, text, f"Replace with '{text}'")


def _plausible_percent(pct: float) -> None:
    if pct > MAX_PERCENT:
        raise Problem(
            "E208",
            f"{pct:g}% is more than {MAX_PERCENT:.0f}%",
            "check for a typo; for all-out efforts write 'max'",
        )


def _plausible(
    lo: float, hi: float, limits: tuple[int, int], code: str, what: str, unit: str, text: str
) -> None:
    if lo < limits[0] or hi > limits[1]:
        raise Problem(
            code,
            f"{text}: a {what} outside {limits[0]}-{limits[1]} {unit}",
            f"check for a typo; a {what} is between {limits[0]} and {limits[1]} {unit}",
        )


def _header_value(key: str, value: str) -> tuple[str, Any]:
    if key in ("name", "author", "description"):
        return key, value
    if key == "sport":
        if value not in ("bike", "run"):
            guess = {
                "cycling": "bike",
                "ride": "bike",
                "bicycle": "bike",
                "running": "run",
                "bike": "bike",
                "run": "run",
            }.get(value.lower())
            raise Problem(
                "E106",
                f"unknown sport {value!r}",
                f"did you mean '{guess}'?" if guess else "sport is 'bike' (the default) or 'run'",
            )
        return "sport", value
    if key == "tags":
        return "tags", tuple(t.strip() for t in value.split(",") if t.strip())
    if key == "ftp":
        v = value[:-1] if value.endswith("W") else value
        try:
            ftp = float(v)
        except ValueError:
            raise Problem(
                "E106", f"ftp {value!r} is not a number of watts", "write it like 'ftp: 250' or 'ftp: 250W'"
            ) from None
        if not 1 <= ftp <= 1000:
            raise Problem(
                "E106", f"ftp {value} is not a plausible FTP", "an FTP in watts, between 1 and 1000"
            )
        return "ftp_w", ftp
    if key == "threshold-pace":
        return "threshold_pace", pace(value)
    if key == "pmax":
        v = value[:-1] if value.endswith("W") else value
        try:
            pmax = float(v)
        except ValueError:
            raise Problem(
                "E106",
                f"pmax {value!r} is not a number of watts",
                "write it like 'pmax: 1150W' or 'pmax: 1150'",
            ) from None
        if not 1 <= pmax <= MAX_PMAX_W:
            raise Problem(
                "E106",
                f"pmax {value} is not a plausible peak power",
                f"a peak power in watts, between 1 and {MAX_PMAX_W:.0f}",
            )
        return "pmax_w", pmax
    if key == "vmax":
        top = pace(value)
        if top.s_per_km < FASTEST_VMAX_S_PER_KM:
            raise Problem(
                "E106",
                f"vmax {value} is faster than any human runs (about 12.5 m/s, 1:20/km)",
                "vmax is the athlete's top sprint speed as a pace, e.g. 'vmax: 2:30/km'",
            )
        return "vmax", top
    # lthr, max-hr
    try:
        bpm = int(value[:-3] if value.endswith("bpm") else value)
    except ValueError:
        raise Problem(
            "E106", f"{key} {value!r} is not a number of beats per minute", f"write it like '{key}: 170'"
        ) from None
    if not HEART_RATE_LIMITS_BPM[0] <= bpm <= HEART_RATE_LIMITS_BPM[1]:
        raise Problem("E207", f"{key} {bpm} bpm is not a plausible heart rate")
    return ("lthr_bpm" if key == "lthr" else "max_hr_bpm"), bpm
