"""What the server answers, as pure functions of a :class:`~nmdsl.lsp.document.Document`.

Every function takes the document and the protocol's position or range and
returns the protocol's types (lsprotocol); none of them reads a file or
talks to a client, so each is tested on its own.  None of them raises for a
half-typed line: a place the document does not explain gets no answer
(None, or an empty list).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Sequence

from lsprotocol import types

from nmdsl.analysis.metrics import ZONE_NAMES, zone_of
from nmdsl.diagnostics import CODES, Diagnostic, Severity, Span
from nmdsl.language import drills
from nmdsl.language.fmt import format_text
from nmdsl.language.lexer import HEADER_KEYS, HEADER_RE, strip_comment
from nmdsl.language.parser import BlockLine, CstNode, HeaderLine, StepLine, line_tokens, span_of
from nmdsl.language.writer import distance, target_text
from nmdsl.library import DISABLE_RE
from nmdsl.limits import ZONES
from nmdsl.lsp.document import Document, LineTimes, Timed, last_line, lsp_diagnostic
from nmdsl.model import (
    CadenceTarget,
    FreeTarget,
    HeartRatePercentTarget,
    HeartRateTarget,
    HeartRateZoneTarget,
    MaxTarget,
    Metadata,
    Pace,
    PaceTarget,
    PeakPercentTarget,
    PercentTarget,
    RampTarget,
    Step,
    WattsTarget,
    ZoneTarget,
)
from nmdsl.model.workout import (
    AnyHeartRateTarget,
    IntensityTarget,
    heart_rate_bpm,
    peak_speeds_mps,
    peak_watts,
)

#: What each header key is (hover, completion).
HEADER_HELP: dict[str, str] = {
    "name": "The workout's name, as apps and devices list it.",
    "author": "Who wrote the workout.",
    "description": "A longer text about the workout, shown beside it in apps.",
    "sport": "`bike` (the default) or `run`: which targets, units and drills the session may use.",
    "tags": "Comma-separated labels (`vo2max, 30/15`); `repeated-sprint` tells lint W602 that short "
    "recoveries are the point.",
    "ftp": "Functional threshold power in watts (`250` or `250W`, at most 1000): what a bike's `%` targets, "
    "zones and ramps are a share of.",
    "threshold-pace": "Threshold pace, `m:ss/km` or `m:ss/mi`: what a run's `%` targets are a share of "
    "(of its speed); it also gives distance steps a time.",
    "lthr": "Lactate-threshold heart rate in bpm (30-240): what `@80%lthr` refers to, and the base of "
    "the heart-rate zones `@Z1hr`..`@Z5hr`.",
    "max-hr": "Maximum heart rate in bpm (30-240): what `@70%maxhr` refers to; the zones' base without "
    "`lthr:`.",
    "pmax": "Bike only: peak power in watts (the best ~5 s): what `@95%pmax` refers to.",
    "vmax": "Run only: top sprint speed written as a pace (`2:30/km`): what `@95%vmax` refers to.",
}

INTENSITY_HELP: dict[str, str] = {
    "warmup": "A warm-up step (its intensity is `warmup`).",
    "cooldown": "A cool-down step (its intensity is `cooldown`).",
    "rest": "A rest step; `rest 2m` alone is a free recovery.",
    "recovery": "A recovery step; it needs a target (`recovery 3m @50%`).",
}

HR_ZONE_NAMES = {1: "recovery", 2: "aerobic", 3: "tempo", 4: "threshold", 5: "anaerobic"}

DRILLS = (
    "sprint",
    "strides",
    "accel",
    "spinup",
    "standing-start",
    "torque",
    "hill-sprint",
    "flying",
)

_WORD = re.compile(r"[^\s\"#]+")


# -- numbers as people read them -------------------------------------------------------


def clock(seconds: float) -> str:
    """``0:10:00``; a fraction of a second is kept to the millisecond (``0:00:16.8``)."""
    ms = round(seconds * 1000)
    whole, frac = divmod(ms, 1000)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    text = f"{h}:{m:02d}:{s:02d}"
    return text + f".{frac:03d}".rstrip("0") if frac else text


def length(seconds: float) -> str:
    """A length of time: ``30s``, ``1:15``, ``1:05:00`` (fractions to the millisecond)."""
    if seconds < 60:
        ms = round(seconds * 1000)
        return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms / 1000:g}s"
    text = clock(seconds)
    return text[2:].lstrip("0") if text.startswith("0:") else text


def _num(x: float, digits: int = 0) -> str:
    """``x`` to ``digits`` decimals, halves rounded up (144.5 bpm reads 145, as people round)."""
    scale = 10**digits
    value = math.floor(x * scale + 0.5) / scale
    return f"{value:.{digits}f}" if digits else str(int(value))


def _range(low: float, high: float, digits: int = 0) -> str:
    a, b = _num(low, digits), _num(high, digits)
    return a if a == b else f"{a}-{b}"


def _pct(low: float, high: float) -> str:
    return _range(low, high, 1).replace(".0", "")


def _pace_text(s_per_km: float, per: str) -> str:
    s = s_per_km if per == "km" else s_per_km * 1.609344
    whole = round(s)
    return f"{whole // 60}:{whole % 60:02d}/{per}"


def _pace_range(fast_s: float, slow_s: float, per: str) -> str:
    a, b = _pace_text(fast_s, per), _pace_text(slow_s, per)
    return a if a == b else f"{a.split('/')[0]}-{b}"


def _zone(low: float, high: float) -> str:
    z = zone_of((low + high) / 2)
    return f"zone {z} ({ZONE_NAMES[z]})"


# -- what a target means ---------------------------------------------------------------


def target_meaning(t: IntensityTarget, meta: Metadata) -> str:
    """An intensity target in the athlete's numbers: ``150% FTP = 390 W, zone 6 (anaerobic capacity)``."""
    ftp = meta.ftp_w
    tp = meta.threshold_pace
    if isinstance(t, PercentTarget):
        if t.of == "ftp":
            text = f"{_pct(t.low_pct, t.high_pct)}% FTP"
            if ftp is not None:
                text += f" = {_range(ftp * t.low_pct / 100, ftp * t.high_pct / 100)} W"
            return f"{text}, {_zone(t.low_pct, t.high_pct)}"
        text = f"{_pct(t.low_pct, t.high_pct)}% of threshold speed"
        if tp is not None:
            text += " = " + _speeds(tp, t.low_pct, t.high_pct)
        return text
    if isinstance(t, WattsTarget):
        text = f"{_range(t.low_w, t.high_w)} W"
        if ftp is not None:
            lo, hi = t.low_w / ftp * 100, t.high_w / ftp * 100
            text += f" = {_pct(lo, hi)}% FTP, {_zone(lo, hi)}"
        return text
    if isinstance(t, ZoneTarget):
        text = f"zone {t.zone} ({ZONE_NAMES[t.zone]}) = {_pct(t.low_pct, t.high_pct)}% FTP"
        if ftp is not None:
            text += f" = {_range(ftp * t.low_pct / 100, ftp * t.high_pct / 100)} W"
        return text
    if isinstance(t, RampTarget):
        if t.unit == "watts":
            text = f"ramp {_num(t.start)} W → {_num(t.end)} W"
            if ftp is not None:
                a, b = t.start / ftp * 100, t.end / ftp * 100
                text += f" = {_pct(a, a)}% → {_pct(b, b)}% FTP"
            return text
        if t.of == "ftp":
            text = f"ramp {_pct(t.start, t.start)}% → {_pct(t.end, t.end)}% FTP"
            if ftp is not None:
                text += f" = {_num(ftp * t.start / 100)} W → {_num(ftp * t.end / 100)} W"
            return text
        text = f"ramp {_pct(t.start, t.start)}% → {_pct(t.end, t.end)}% of threshold speed"
        if tp is not None and t.start > 0 and t.end > 0:
            text += f" = {_speeds(tp, t.start, t.start)} → {_speeds(tp, t.end, t.end)}"
        return text
    if isinstance(t, MaxTarget):
        return "all-out (`max`): no number to hold, as hard as possible"
    if isinstance(t, FreeTarget):
        return "free: no target, ride or run as you like"
    if isinstance(t, PaceTarget):
        text = f"pace {target_text(t)[1:]}"
        if tp is not None:
            lo = tp.s_per_km / t.slow.s_per_km * 100
            hi = tp.s_per_km / t.fast.s_per_km * 100
            text += f" = {_pct(lo, hi)}% of threshold speed"
        return text
    if isinstance(t, PeakPercentTarget):
        text = f"{_pct(t.low_pct, t.high_pct)}% of {t.of}"
        watts = peak_watts(t, meta)
        if watts is not None:
            text += f" = {_range(*watts)} W"
            if ftp is not None:
                text += f" ({_pct(watts[0] / ftp * 100, watts[1] / ftp * 100)}% FTP)"
        speeds = peak_speeds_mps(t, meta)
        if speeds is not None and meta.vmax is not None:
            text += " = " + _pace_range(1000 / speeds[1], 1000 / speeds[0], meta.vmax.per)
        return text
    raise AssertionError(t)  # pragma: no cover


def _speeds(tp: Pace, low_pct: float, high_pct: float) -> str:
    """Percent of threshold speed as paces, in the threshold's unit (the higher percent the faster)."""
    if low_pct <= 0 or high_pct <= 0:
        return "?"
    return _pace_range(tp.s_per_km * 100 / high_pct, tp.s_per_km * 100 / low_pct, tp.per)


def heart_rate_meaning(h: AnyHeartRateTarget, meta: Metadata) -> str:
    bpm = heart_rate_bpm(h, meta)
    numbers = f"{_range(*bpm)} bpm" if bpm is not None else None
    if isinstance(h, HeartRateTarget):
        return f"heart rate {numbers}"
    if isinstance(h, HeartRateZoneTarget):
        text = f"heart-rate zone {h.zone} ({HR_ZONE_NAMES[h.zone]})"
        if numbers is not None:
            base = "lthr" if meta.lthr_bpm is not None else "max-hr"
            return f"{text} = {numbers} (from {base}:)"
        return text + " (the device's own zones; set lthr: or max-hr: to see bpm)"
    assert isinstance(h, HeartRatePercentTarget)
    of = "LTHR" if h.of == "lthr" else "max HR"
    text = f"{_pct(h.low_pct, h.high_pct)}% of {of}"
    return f"{text} = {numbers}" if numbers is not None else text


def cadence_meaning(c: CadenceTarget) -> str:
    return f"cadence {_range(c.low_rpm, c.high_rpm)} rpm"


def step_lines(step: Step, meta: Metadata) -> list[str]:
    """What a step asks for, one fact a line (markdown)."""
    out: list[str] = []
    if step.target is not None:
        out.append(target_meaning(step.target, meta))
    if step.cadence is not None:
        out.append(cadence_meaning(step.cadence))
    if step.heart_rate is not None:
        out.append(heart_rate_meaning(step.heart_rate, meta))
    if step.drill is not None:
        out.append(f"drill `{step.drill}`")
    if step.intensity != "active":
        out.append(f"intensity: {step.intensity}")
    return out


def _when(t: Timed) -> str:
    """When it starts: ``0:10:00``, ``~0:10:00`` after an estimate, ``at least 0:10:00`` after an unknown."""
    return ("at least " if t.after_unknown else "~" if t.start_estimated else "") + clock(t.start_s)


def _how_long(seconds: float | None, estimated: bool) -> str:
    if seconds is None:
        return "unknown"
    return ("~" if estimated else "") + length(seconds)


def _step_title(step: Step, t: Timed) -> str:
    """The step's amount in bold (``**30s**``, ``**1km**``), and its expected time when it is not a time."""
    about = f" (about {length(t.duration_s)})" if t.duration_s is not None else ""
    if step.duration_s is not None:
        return f"**{length(float(step.duration_s))}**"
    if step.distance_m is not None:
        return f"**{distance(step.distance_m)}**{about}"
    if step.until is not None:
        return ("**until the lap button**" if step.until.kind == "lap" else "**until a heart rate**") + about
    return "**a step**"  # pragma: no cover - every step has an amount


# -- hover -----------------------------------------------------------------------------


def hover(doc: Document, position: types.Position) -> types.Hover | None:
    """What the thing under the cursor means, in markdown; None where nothing is explained."""
    line, column = doc.positions.place(position)
    text = doc.positions.line_text(line)
    found = _code_in_comment(text, column)
    if found is not None:
        code, start = found
        return _hover(_explain_code(code), doc, Span.point(line, start, len(code)))
    if column - 1 >= len(strip_comment(text)):
        return None
    m = HEADER_RE.match(text)
    if m and m.start(1) < column <= m.end(1) + 1 and m.group(1) in HEADER_HELP:
        key = m.group(1)
        return _hover(f"**{key}:** {HEADER_HELP[key]}", doc, Span.point(line, m.start(1) + 1, len(key)))
    node, _blocks = doc.node_at(line)
    # Below a line with an error the start times would leave that line out:
    # what a step means is still shown, when it starts is not.
    times = doc.structure.times.get(line)
    when = _times_of(doc, line) is not None
    if isinstance(node, StepLine):
        return _hover_step_line(doc, node, column, times, when)
    if isinstance(node, BlockLine):
        if times is not None and times.repeat is not None:
            return _hover(_repeat_text(times.repeat, when), doc, node.span)
        return None
    word = _word_at(text, column)
    if word is not None and word[0] in DRILLS:  # a drill on a line that does not parse
        return _hover(_drill_text(word[0], doc.structure.meta), doc, Span.point(line, word[1], len(word[0])))
    return None


def _hover(markdown: str, doc: Document, span: Span) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=doc.positions.range(span),
    )


def _times_of(doc: Document, line: int) -> LineTimes | None:
    """The times of ``line``, unless an earlier line has an error (they would leave it out)."""
    s = doc.structure
    if s.first_error_line is not None and s.first_error_line <= line:
        return None
    return s.times.get(line)


def _hover_step_line(
    doc: Document, node: StepLine, column: int, times: LineTimes | None, when: bool
) -> types.Hover | None:
    meta = doc.structure.meta
    index = next((i for i, s in enumerate(node.steps) if s.span.column <= column < s.span.end_column), None)
    if node.count is not None and node.count.column <= column < node.count.end_column:
        index = None
    elif index is None:
        return None
    if index is not None:
        raw = node.steps[index]
        if (
            raw.word is not None
            and raw.word.column <= column < raw.word.end_column
            and str(raw.word) in DRILLS
        ):
            return _hover(_drill_text(str(raw.word), meta), doc, span_of(raw.word))
        if raw.word is not None and raw.word.column <= column < raw.word.end_column:
            word = str(raw.word)
            return _hover(f"**{word}**: {INTENSITY_HELP[word]}", doc, span_of(raw.word))
        if times is None or len(times.steps) != len(node.steps):
            return None
        timed = times.steps[index]
        assert timed.step is not None
        parts = [_step_title(timed.step, timed), *(f"- {x}" for x in step_lines(timed.step, meta))]
        if when:
            parts.append(f"starts at {_when(timed)}" + (" in the first repetition" if times.repeat else ""))
        if times.repeat is not None:
            parts += ["", _repeat_text(times.repeat, when)]
        return _hover("\n".join(parts), doc, raw.span)
    if times is None or times.repeat is None:
        return None
    return _hover(_repeat_text(times.repeat, when), doc, node.span)


def _repeat_text(r: Timed, when: bool = True) -> str:
    once = _how_long(r.duration_s, r.estimated)
    total = _how_long(r.total_s, r.estimated)
    head = (
        f"**{r.count} ×**"
        if r.repeat is None or r.repeat.until is None
        else "**repeated until a heart rate**"
    )
    extra = ""
    if r.repeat is not None and r.repeat.until is not None:
        extra = f" (expected {r.count} times)" if r.repeat.estimated else " (counted once: add ~3x)"
    text = f"{head}{extra}: {once} per repetition, {total} in all"
    return text + (f"; starts at {_when(r)}" if when else "")


def _drill_text(drill: str, meta: Metadata) -> str:
    d = drills.defaults(drill, meta.sport)  # type: ignore[arg-type]
    if d is None:
        other = "run" if meta.sport == "bike" else "bike"
        return f"**{drill}**: a drill for {other} sessions, not available on a {meta.sport} (E307)"
    target = target_text(d.target)
    if d.cadence is not None:
        target += f" {d.cadence.low_rpm}-{d.cadence.high_rpm}rpm"
    rec = d.recovery
    recovery = f"{length(float(rec.duration_s or 0))} {target_text(rec.target) if rec.target else 'free'}"
    return (
        f"**{drill}** ({meta.sport}): {d.summary}\n\n"
        f"- default target: `{target}`\n"
        f"- default recovery after each repetition of `Nx {drill} D`: `{recovery}`\n"
        f"- a target written on the step replaces the default of its kind"
    )


def _code_in_comment(text: str, column: int) -> tuple[str, int] | None:
    """The code under ``column`` in a ``# nmdsl: disable=`` comment, and the column it starts at."""
    if "nmdsl:" not in text:
        return None
    m = DISABLE_RE.match(text, len(strip_comment(text)))
    if m is None:
        return None
    for w in re.finditer(r"[^,\s]+", m.group(1)):
        start = m.start(1) + w.start() + 1
        if start <= column <= start + len(w.group()):
            return w.group(), start
    return None


def _explain_code(code: str) -> str:
    from nmdsl.analysis.lint import RULES
    from nmdsl.library.codes import all_codes

    known = all_codes().get(code)
    if known is None:
        return f"**{code}** is not a diagnostic code (W103)"
    doc = "lints.md" if code.startswith("W6") else "diagnostics.md"
    text = f"**{code}** ({known.severity.value}): {known.title}"
    if code in RULES:
        text += f"\n\n{RULES[code]}"
    if known.severity.value == "error":
        text += "\n\nErrors cannot be disabled."
    return text + f"\n\nSee docs/{doc}#{code.lower()}."


def _word_at(text: str, column: int) -> tuple[str, int] | None:
    for m in _WORD.finditer(text):
        if m.start() < column <= m.end():
            return m.group(), m.start() + 1
    return None


# -- inlay hints -----------------------------------------------------------------------


def inlay_hints(doc: Document, rng: types.Range | None = None) -> list[types.InlayHint]:
    """At the end of each step line the time it starts; a repeat's also how long it lasts in all."""
    first = 1 if rng is None else rng.start.line + 1
    last = len(doc.positions.lines) if rng is None else rng.end.line + 1
    out = []
    for line, times in sorted(doc.structure.times.items()):
        if not first <= line <= last or _times_of(doc, line) is None:
            continue
        label = hint_label(times)
        if label is None:
            continue
        code = strip_comment(doc.positions.line_text(line)).rstrip()
        out.append(
            types.InlayHint(
                position=doc.positions.position(line, len(code) + 1),
                label=label,
                kind=types.InlayHintKind.Type,
                padding_left=True,
            )
        )
    return out


def hint_label(times: LineTimes) -> str | None:
    """``0:10:00``; for a repeat ``0:10:00 · 6 x 1:15 = 7:30`` (with a multiplication sign)."""
    start = times.start
    if start is None:
        return None
    label = _when(start).replace("at least ", "≥ ")
    r = times.repeat
    if r is not None:
        label += (
            f" · {r.count} × {_how_long(r.duration_s, r.estimated)} = {_how_long(r.total_s, r.estimated)}"
        )
    return label


# -- symbols and folding ---------------------------------------------------------------


def document_symbols(doc: Document) -> list[types.DocumentSymbol]:
    """The header's keys, and the steps, repeats and blocks in their nesting."""
    return list(_symbols(doc, doc.structure.cst))


def _symbols(doc: Document, nodes: Sequence[CstNode]) -> Iterator[types.DocumentSymbol]:
    pos = doc.positions
    for node in nodes:
        if isinstance(node, HeaderLine):
            span = span_of(node.key, node.value)
            yield types.DocumentSymbol(
                name=str(node.key),
                detail=str(node.value),
                kind=types.SymbolKind.Property,
                range=pos.range(span),
                selection_range=pos.range(span_of(node.key)),
            )
            continue
        line = node.span.line
        text = strip_comment(pos.line_text(line)).strip()
        times = _times_of(doc, line)
        detail = hint_label(times) if times is not None else None
        end = last_line(node)
        full = Span(line=line, column=1, end_line=end, end_column=len(pos.line_text(end)) + 1)
        children = list(_symbols(doc, node.body)) if isinstance(node, BlockLine) else None
        repeat = isinstance(node, BlockLine) or node.count is not None
        yield types.DocumentSymbol(
            name=text or "?",
            detail=detail or "",
            kind=types.SymbolKind.Array if repeat else types.SymbolKind.Event,
            range=pos.range(full),
            selection_range=pos.range(node.span),
            children=children,
        )


def folding_ranges(doc: Document) -> list[types.FoldingRange]:
    """Each block (``Nx:``) folds to its head; so do the header and runs of comment lines."""
    out: list[types.FoldingRange] = []
    headers = [n.line for n in doc.structure.cst if isinstance(n, HeaderLine)]
    if len(headers) > 1:
        out.append(types.FoldingRange(start_line=headers[0] - 1, end_line=headers[-1] - 1))

    def blocks(nodes: Sequence[CstNode]) -> None:
        for n in nodes:
            if isinstance(n, BlockLine):
                end = last_line(n)
                if end > n.span.line:
                    out.append(types.FoldingRange(start_line=n.span.line - 1, end_line=end - 1))
                blocks(n.body)

    blocks(doc.structure.cst)
    run: list[int] = []
    for i, text in enumerate([*doc.positions.lines, ""]):
        if text.lstrip(" \t\ufeff").startswith("#"):
            run.append(i)
            continue
        if len(run) > 1:
            out.append(
                types.FoldingRange(start_line=run[0], end_line=run[-1], kind=types.FoldingRangeKind.Comment)
            )
        run = []
    return sorted(out, key=lambda r: (r.start_line, r.end_line))


# -- formatting ------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def formatting(doc: Document, rng: types.Range | None = None) -> list[types.TextEdit] | None:
    """``nmdsl fmt`` as edits (only the lines that change); None when the document has errors.

    With a range, only the changes that lie inside its lines (a change that
    reaches outside is left for whole-document formatting).
    """
    result = format_text(doc.text, filename=doc.path or "<buffer>", ftp_w=doc.config.ftp_w)
    if result.text is None:
        return None
    old = _LINE.findall(doc.text)
    new = _LINE.findall(result.text)
    first = 0 if rng is None else rng.start.line
    last = len(old) if rng is None else rng.end.line
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for i1, i2, j1, j2 in _line_changes(matcher.get_opcodes()):
        if rng is not None and not (first <= i1 and i2 - 1 <= last and (i1 < i2 or i1 <= last)):
            continue
        start = types.Position(line=i1, character=0)
        end = (
            types.Position(line=i2, character=0)
            if i2 < len(old) or doc.text.endswith(("\n", "\r"))
            else doc.positions.end()
        )
        edits.append(types.TextEdit(range=types.Range(start=start, end=end), new_text="".join(new[j1:j2])))
    return edits


def _line_changes(opcodes: Sequence[tuple[str, int, int, int, int]]) -> Iterator[tuple[int, int, int, int]]:
    """The changed runs of lines, a replacement split into one edit per line where the counts allow.

    A run of 3 old lines replaced by 2 new ones is a deletion of the first old
    line, then 2 one-line replacements: fmt mostly squeezes blank lines
    before a line it rewrites, and a range then holds the rewritten line
    alone.  With more new lines than old, the extra ones are inserted after
    the replacements.  No two edits overlap or start at one place.
    """
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            continue
        if op != "replace":
            yield i1, i2, j1, j2
            continue
        old, new = i2 - i1, j2 - j1
        paired = min(old, new)
        if old > new:
            yield i1, i2 - paired, j1, j1
        first_old, first_new = i2 - paired, j1 + (new - paired if old > new else 0)
        for k in range(paired):
            yield first_old + k, first_old + k + 1, first_new + k, first_new + k + 1
        if new > old:
            yield i2, i2, j1 + paired, j2


# -- code actions ----------------------------------------------------------------------


def code_actions(doc: Document, uri: str, rng: types.Range) -> list[types.CodeAction]:
    """Quick fixes for the diagnostics on ``rng``'s lines: the hint's replacement, or silencing a warning."""
    pos = doc.positions
    out: list[types.CodeAction] = []
    silenced: set[str] = set()
    newline = _newline(doc.text)
    for d in doc.diagnostics:
        where = pos.range(d.span)
        if where.end.line < rng.start.line or where.start.line > rng.end.line:
            continue
        lsp = lsp_diagnostic(d, pos)
        if d.fix is not None:
            # An inserted line ends as the file's lines end.
            text = d.fix.text.replace("\n", newline) if newline != "\n" else d.fix.text
            edit = types.TextEdit(range=pos.range(d.fix.span), new_text=text)
            out.append(
                types.CodeAction(
                    title=d.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
        # A warning of the catalogue can be silenced (also when the rules make it an error);
        # W103 and W104 are about the comments and the count themselves.
        known = CODES.get(d.code)
        silenceable = known is not None and known.severity is Severity.WARNING
        if silenceable and d.code not in silenced and d.code not in ("W103", "W104"):
            silenced.add(d.code)
            out.append(
                types.CodeAction(
                    title=f"Silence {d.code} in this file",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    edit=types.WorkspaceEdit(changes={uri: [_disable_edit(doc, d)]}),
                )
            )
    return out


def _disable_edit(doc: Document, d: Diagnostic) -> types.TextEdit:
    """Add ``d``'s code to the file's first ``# nmdsl: disable=`` comment, or add one at the top."""
    pos = doc.positions
    for number in range(1, len(pos.lines) + 1):
        text = pos.line_text(number)
        if "nmdsl:" not in text:
            continue
        m = DISABLE_RE.match(text, len(strip_comment(text)))
        if m is not None:
            at = m.start(1) + len(m.group(1).rstrip()) + 1
            p = pos.position(number, at)
            return types.TextEdit(range=types.Range(start=p, end=p), new_text=f",{d.code}")
    p = pos.position(1, 1)
    return types.TextEdit(
        range=types.Range(start=p, end=p), new_text=f"# nmdsl: disable={d.code}{_newline(doc.text)}"
    )


def _newline(text: str) -> str:
    """The file's line ending (its first one; LF for a file of one line)."""
    m = re.search(r"\r\n|\r|\n", text)
    return m.group() if m else "\n"


# -- completion ------------------------------------------------------------------------

_UNITS_AMOUNT = (
    ("s", "seconds"),
    ("m", "minutes"),
    ("h", "hours"),
    ("mtr", "metres"),
    ("km", "kilometres"),
    ("mi", "miles"),
)
_UNITS_TARGET = (
    ("%", "percent of FTP (bike) or of threshold speed (run)"),
    ("W", "watts (bike)"),
    ("bpm", "heart rate"),
    ("%lthr", "share of lthr:"),
    ("%maxhr", "share of max-hr:"),
)


def completion(doc: Document, position: types.Position) -> list[types.CompletionItem]:
    """What may be typed at the cursor: header keys, keywords, drills, zones, units, ``@`` targets."""
    line, column = doc.positions.place(position)
    text = doc.positions.line_text(line)
    before = text[: column - 1]
    if len(strip_comment(before)) < len(before) or before.count('"') % 2 == 1:
        return []  # in a comment or a cue
    m = re.search(r"[^\s]*$", before)
    word = m.group() if m else ""
    start = column - len(word)
    replace = types.Range(start=doc.positions.position(line, start), end=position)
    meta = doc.structure.meta
    sport = meta.sport
    head = before[: len(before) - len(word)]
    items: list[types.CompletionItem] = []

    def add(label: str, detail: str, kind: types.CompletionItemKind, insert: str | None = None) -> None:
        items.append(
            types.CompletionItem(
                label=label,
                detail=detail,
                kind=kind,
                text_edit=types.TextEdit(range=replace, new_text=insert or label),
            )
        )

    header_key = HEADER_RE.match(text)
    in_header = _in_header(doc, line)
    if header_key and header_key.end() <= column - 1:  # a header value
        if header_key.group(1) == "sport":
            for s in ("bike", "run"):
                add(s, "the session's sport", types.CompletionItemKind.EnumMember)
        return items
    at_start = (
        head.strip() == "" or re.fullmatch(r"\s*[0-9]+x\s+", head) is not None or head.rstrip().endswith(" /")
    )
    if re.fullmatch(r"@?[0-9]+(\.[0-9]+)?", word):
        number = word
        units: Sequence[tuple[str, str]] = _UNITS_TARGET if word.startswith("@") else _UNITS_AMOUNT
        if not word.startswith("@") and not at_start and "." not in word:
            units = (("rpm", "cadence (bike)"),)
        for unit, what in units:
            if sport == "run" and unit in ("W",):
                continue
            add(number + unit, what, types.CompletionItemKind.Unit)
        if not word.startswith("@") and at_start and "." not in word:
            add(number + "x", "repeat the steps after it", types.CompletionItemKind.Keyword, number + "x ")
        return items
    if word.startswith("@"):
        for label, detail in _targets(meta):
            add(label, detail, types.CompletionItemKind.Value)
        return items
    if head.strip() == "" and in_header:
        for key in HEADER_KEYS:
            add(key, _first_sentence(HEADER_HELP[key]), types.CompletionItemKind.Property, key + ": ")
    if at_start:
        for word_ in ("warmup", "cooldown", "rest", "recovery"):
            add(word_, INTENSITY_HELP[word_], types.CompletionItemKind.Keyword, word_ + " ")
        for drill in DRILLS:
            d = drills.defaults(drill, sport)  # type: ignore[arg-type]
            if d is not None:
                add(drill, d.summary, types.CompletionItemKind.Function, drill + " ")
        if head.strip() == "":
            add(
                "until",
                "a block repeated until a heart rate: until >80%maxhr ~3x:",
                types.CompletionItemKind.Keyword,
                "until ",
            )
        return items
    for label, detail in (
        ("ramp", "a linear change: ramp 45%-70%"),
        ("max", "all-out"),
        ("free", "no target"),
        ("at", 'place the cue before it: "Go" at 30s'),
    ):
        add(label, detail, types.CompletionItemKind.Keyword, label + (" " if label in ("ramp", "at") else ""))
    for label, detail in _targets(meta):
        add(label, detail, types.CompletionItemKind.Value)
    return items


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".").replace("`", "")


def _targets(meta: Metadata) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ftp = meta.ftp_w
    if meta.sport == "bike":
        for z, (lo, hi) in ZONES.items():
            watts = f" = {_num(ftp * lo / 100)}-{_num(ftp * hi / 100)} W" if ftp is not None else ""
            out.append((f"@Z{z}", f"zone {z}, {ZONE_NAMES[z]}: {_num(lo)}-{_num(hi)}% FTP{watts}"))
        out.append(("@95%pmax", "a share of pmax: (peak power)"))
    else:
        out.append(("@95%vmax", "a share of vmax: (top sprint speed)"))
        out.append(("@4:30/km", "a pace"))
    for z in range(1, 6):
        out.append((f"@Z{z}hr", f"heart-rate zone {z} ({HR_ZONE_NAMES[z]})"))
    out.append(("@80%lthr", "a share of lthr:"))
    out.append(("@70%maxhr", "a share of max-hr:"))
    return out


def _in_header(doc: Document, line: int) -> bool:
    """Whether ``line`` comes before the first step, block or repeat."""
    for node in doc.structure.cst:
        if not isinstance(node, HeaderLine):
            return line <= node.span.line
    return True


# -- semantic tokens -------------------------------------------------------------------

#: The token types the server uses, in the legend's order (standard names, so every theme colours them).
SEMANTIC_TYPES = ("property", "string", "keyword", "function", "number", "enumMember", "operator", "comment")
_TYPE = {name: i for i, name in enumerate(SEMANTIC_TYPES)}
#: The grammar's terminals, as colours.
_SEMANTIC = {
    "HEADER_KEY": "property",
    "HEADER_VALUE": "string",
    "STRING": "string",
    "INTENSITY": "keyword",
    "RAMP": "keyword",
    "MAX": "keyword",
    "FREE": "keyword",
    "AT": "keyword",
    "LAP": "keyword",
    "UNTIL": "keyword",
    "DRILL": "function",
    "REPEAT": "number",
    "REPEAT_ESTIMATE": "number",
    "DURATION": "number",
    "DISTANCE": "number",
    "ESTIMATE": "number",
    "HR_BOUND": "enumMember",
    "POWER_PCT": "enumMember",
    "WATTS": "enumMember",
    "ZONE": "enumMember",
    "PACE": "enumMember",
    "BPM": "enumMember",
    "HR_ZONE": "enumMember",
    "HR_PCT": "enumMember",
    "PEAK_PCT": "enumMember",
    "CADENCE": "enumMember",
    "RAMP_RANGE": "enumMember",
    "SLASH": "operator",
    "COLON": "operator",
}


def semantic_legend() -> types.SemanticTokensLegend:
    return types.SemanticTokensLegend(token_types=list(SEMANTIC_TYPES), token_modifiers=[])


def semantic_tokens(doc: Document) -> types.SemanticTokens:
    """Every word of the language and every comment, coloured by what it is (the protocol's relative form).

    For editors without a grammar for nmdsl (Neovim, Helix, Emacs), this is
    the highlighting.  Words that are no word of the language stay plain.
    """
    pos = doc.positions
    data: list[int] = []
    last_line = last_start = 0
    for number in range(1, len(pos.lines) + 1):
        text = pos.line_text(number)
        found = [(t.column, t.end_column, _SEMANTIC.get(t.type)) for t in line_tokens(number, text)]
        code = strip_comment(text)
        if len(code) < len(text):
            found.append((len(code) + 1, len(text) + 1, "comment"))
        for column, end_column, kind in found:
            if kind is None or end_column <= column:
                continue
            start = pos.position(number, column)
            end = pos.position(number, end_column)
            delta_line = start.line - last_line
            delta_start = start.character - (last_start if delta_line == 0 else 0)
            data += [delta_line, delta_start, end.character - start.character, _TYPE[kind], 0]
            last_line, last_start = start.line, start.character
    return types.SemanticTokens(data=data)
