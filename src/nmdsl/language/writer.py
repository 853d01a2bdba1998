"""Model -> idiomatic nmdsl source text.

The inverse of the parser, used by ``nmdsl import`` (and later ``fmt``):
``parse(write(w))`` has the same timeline as ``w``.  Repeats whose body is
plain steps become one ``Nx a / b`` line when the intensities read back the
same (first step not a recovery, later ones recoveries); otherwise a block.
A drill repeated with its default recovery is written ``Nx strides 20s``.
"""

from __future__ import annotations

from collections.abc import Sequence

from nmdsl.language import drills
from nmdsl.limits import MAX_CUE_CHARS, MAX_HEADER_CHARS
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
    Repeat,
    Sport,
    Step,
    WattsTarget,
    Workout,
    ZoneTarget,
)

INDENT = "  "


def write(workout: Workout) -> str:
    """The nmdsl source for ``workout`` (ends with a newline)."""
    lines = _header(workout.meta)
    if lines:
        lines.append("")
    lines.extend(_items(workout.steps, workout.meta.sport, 0))
    return "\n".join(lines) + "\n"


def _header(meta: Metadata) -> list[str]:
    out: list[str] = []
    for key, value in (("name", meta.name), ("author", meta.author), ("description", meta.description)):
        text = header_text(value or "")
        if text:  # an empty value cannot be written (E104): leave the key out
            out.append(f"{key}: {text}")
    if meta.sport != "bike":
        out.append(f"sport: {meta.sport}")
    tags = [t for t in (" ".join(t.replace(",", " ").split()) for t in meta.tags) if t]
    if tags:
        out.append("tags: " + header_text(", ".join(tags)))
    if meta.ftp_w is not None:
        out.append(f"ftp: {number(meta.ftp_w)}")
    if meta.threshold_pace is not None:
        out.append(f"threshold-pace: {meta.threshold_pace}")
    if meta.lthr_bpm is not None:
        out.append(f"lthr: {meta.lthr_bpm}")
    if meta.max_hr_bpm is not None:
        out.append(f"max-hr: {meta.max_hr_bpm}")
    if meta.pmax_w is not None:
        out.append(f"pmax: {number(meta.pmax_w)}W")
    if meta.vmax is not None:
        out.append(f"vmax: {meta.vmax}")
    return out


def header_text(value: str) -> str:
    """A header value that reads back as ``value`` where the language can say it.

    One line; quoted when it holds ``#``.  What has no exact spelling is
    adjusted: a ``#`` beside a ``"`` is spelled "No.", and a value that is
    itself one quoted string (which would read back without its quotes) gets
    single quotes.
    """
    value = " ".join(value.split())
    # Twice at most: "No." is longer than "#", so a value cut to the limit
    # may need cutting again (and the second cut has no "#" left to spell).
    for _ in range(2):
        value = value[:MAX_HEADER_CHARS]
        whole_quoted = value.startswith('"') and value.endswith('"') and len(value) > 1
        if whole_quoted and value.count('"') == 2:
            value = "'" + value[1:-1] + "'"
        if "#" in value and '"' in value:
            value = value.replace("#", "No.")
    if "#" in value:
        return f'"{value}"'
    if value.strip('"') == "":
        return ""
    return value


def number(x: float) -> str:
    """``150``, ``87.5``, ``0.33``: integers without a point, else up to 2 decimals."""
    r = round(x)
    if abs(x - r) < 1e-9:
        return str(int(r))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def duration(seconds: float) -> str:
    """``30s``, ``10m``, ``1m30s``, ``1h30m``; a fraction of a second as written: ``16.8s``, ``1m30.25s``."""
    whole, ms = divmod(round(seconds * 1000), 1000)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s}.{ms:03d}".rstrip("0") + "s" if ms else f"{s}s" if s else ""
    parts = [f"{h}h" if h else "", f"{m}m" if m else "", sec]
    return "".join(parts) or "0s"


def distance(metres: float) -> str:
    """``400mtr``, ``5km``, ``1.5km``, ``1mi``."""
    miles = metres / METRES_PER_MILE
    if abs(miles - round(miles, 2)) < 1e-9 and round(miles, 2) > 0 and metres >= 1000:
        return f"{number(round(miles, 2))}mi"
    if metres >= 1000 and abs(metres / 1000 - round(metres / 1000, 2)) < 1e-9:
        return f"{number(metres / 1000)}km"
    return f"{number(metres)}mtr"


def _range(low: float, high: float, unit: str) -> str:
    if low == high:
        return f"{number(low)}{unit}"
    return f"{number(low)}-{number(high)}{unit}"


def _pace(p: Pace) -> str:
    return str(p)


def target_text(t: IntensityTarget) -> str:
    match t:
        case PercentTarget():
            return "@" + _range(t.low_pct, t.high_pct, "%")
        case WattsTarget():
            return "@" + _range(t.low_w, t.high_w, "W")
        case ZoneTarget():
            return f"@Z{t.zone}"
        case RampTarget():
            unit = "%" if t.unit == "percent" else "W"
            return f"ramp {number(t.start)}{unit}-{number(t.end)}{unit}"
        case MaxTarget():
            return "max"
        case FreeTarget():
            return "free"
        case PeakPercentTarget():
            return "@" + _range(t.low_pct, t.high_pct, "%" + t.of)
        case PaceTarget():
            if t.fast == t.slow:
                return "@" + _pace(t.fast)
            fast = _pace(t.fast).split("/")[0]
            if t.fast.per == t.slow.per:
                return f"@{fast}-{_pace(t.slow)}"
            return f"@{_pace(t.fast)}-{_pace(t.slow)}"  # pragma: no cover - one unit per range
    raise AssertionError(t)  # pragma: no cover


def _cadence(c: CadenceTarget) -> str:
    return _range(c.low_rpm, c.high_rpm, "rpm")


def _hr(h: AnyHeartRateTarget) -> str:
    match h:
        case HeartRateTarget():
            return "@" + _range(h.low_bpm, h.high_bpm, "bpm")
        case HeartRateZoneTarget():
            return f"@Z{h.zone}hr"
        case HeartRatePercentTarget():
            return "@" + _range(h.low_pct, h.high_pct, "%" + ("lthr" if h.of == "lthr" else "maxhr"))
    raise AssertionError(h)  # pragma: no cover


_SHARE = {"lthr": "lthr", "max_hr": "maxhr"}


def repeat_head(repeat: Repeat) -> str:
    """A repeat-until's block head, without its ':' (``until >80%maxhr ~3x``)."""
    assert repeat.until is not None
    return _until_text(repeat.until) + (f" ~{repeat.count}x" if repeat.estimated else "")


def _until_text(end: HeartRateEnd) -> str:
    """``until <130bpm``, ``until >80%maxhr``."""
    share = f"{number(end.pct or 0)}%{_SHARE[end.of or 'lthr']}"
    amount = f"{end.bpm}bpm" if end.bpm is not None else share
    return f"until {'<' if end.below else '>'}{amount}"


def end_text(step: Step) -> str:
    """How the step ends: ``30s``, ``2km``, ``lap``, ``until <130bpm``, with ``~D`` when estimated."""
    match step.until:
        case LapEnd():
            words = ["lap"]
        case HeartRateEnd():
            words = [_until_text(step.until)]
        case None:
            if step.duration_s is not None:
                return duration(step.duration_s)
            assert step.distance_m is not None
            words = [distance(step.distance_m)]
    if step.estimate_s is not None:
        words.append("~" + duration(step.estimate_s))
    return " ".join(words)


def cue_text(text: str) -> str:
    """Cues have no escapes: a double quote becomes a single one, line breaks spaces.

    Text past the language's limit (limits.MAX_CUE_CHARS) is cut, so what an
    importer writes always reads back.
    """
    text = text.replace('"', "'").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return text[:MAX_CUE_CHARS]


def _cue(c: Cue) -> str:
    s = f'"{cue_text(c.text)}"'
    if c.offset_s:
        s += f" at {duration(c.offset_s)}"
    return s


def step_text(step: Step, sport: Sport, *, recovery_position: bool = False) -> str:
    """One step.  ``recovery_position``: it follows a ``/``, where recovery is implied."""
    words: list[str] = []
    # A recovery says so where nothing else makes it one: not after a '/'.
    keyword: str | None = None
    if step.intensity in ("warmup", "cooldown", "rest") or (
        step.intensity == "recovery" and not recovery_position
    ):
        keyword = step.intensity
    defaults = drills.defaults(step.drill, sport) if step.drill else None
    if defaults is not None and keyword is None:
        words.append(str(step.drill))
    elif keyword is not None:
        words.append(keyword)
    words.append(end_text(step))
    written_drill = defaults is not None and keyword is None
    if (
        step.target is not None
        and not (written_drill and defaults is not None and step.target == defaults.target)
        and not (
            keyword == "rest"
            and isinstance(step.target, FreeTarget)
            and step.cadence is None
            and step.heart_rate is None
        )
    ):
        words.append(target_text(step.target))
    if step.cadence is not None and not (
        written_drill and defaults is not None and step.cadence == defaults.cadence
    ):
        words.append(_cadence(step.cadence))
    if step.heart_rate is not None:
        words.append(_hr(step.heart_rate))
    if written_drill and defaults is not None and step.target is None:
        pass  # pragma: no cover - drills always have a target
    words.extend(_cue(c) for c in step.cues)
    return " ".join(words)


def _is_drill(step: Step, sport: Sport) -> bool:
    return step.drill is not None and drills.defaults(step.drill, sport) is not None


def _one_line(repeat: Repeat, sport: Sport) -> str | None:
    """``Nx a / b / c`` when that reads back to the same steps, else None."""
    steps = repeat.steps
    if not all(isinstance(s, Step) for s in steps):
        return None
    plain: list[Step] = [s for s in steps if isinstance(s, Step)]
    first = plain[0]
    d = drills.defaults(first.drill, sport) if first.drill else None
    if (
        len(plain) == 2
        and d is not None
        and plain[1] == d.recovery
        and first.intensity == "active"
    ):
        return f"{repeat.count}x {step_text(first, sport)}"
    if not _reads_back(plain, sport):
        return None
    parts = [step_text(s, sport, recovery_position=i > 0) for i, s in enumerate(plain)]
    return f"{repeat.count}x " + " / ".join(parts)


def _reads_back(steps: Sequence[Step], sport: Sport) -> bool:
    """Intensities on a ``/`` line: first active (or a keyword), later recovery (or a keyword)."""
    for i, s in enumerate(steps):
        if s.implicit:
            return False
        if s.intensity in ("warmup", "cooldown", "rest") or (
            i == 0 and s.intensity == "recovery" and not s.drill
        ):
            continue
        drill = _is_drill(s, sport)
        # After a '/' a step is a recovery, unless it is a drill (always work).
        expected = "recovery" if i > 0 and not drill else "active"
        if s.intensity != expected:
            return False
    # A lone drill on a line with a count would get a default recovery added.
    return not (len(steps) == 1 and steps[0].drill is not None)


def _items(items: Sequence[Item], sport: Sport, depth: int) -> list[str]:
    pad = INDENT * depth
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, Repeat):
            line = None if item.block or item.until is not None else _one_line(item, sport)
            if line is not None:
                out.append(pad + line)
            elif item.until is not None:
                out.append(f"{pad}{repeat_head(item)}:")
                out.extend(_items(item.steps, sport, depth + 1))
            else:
                out.append(f"{pad}{item.count}x:")
                out.extend(_items(item.steps, sport, depth + 1))
            i += 1
            continue
        # A run of steps: an active step followed by recoveries shares a line
        # (a warm-up followed by a recovery reads better as two lines).
        group = [item]
        j = i + 1
        while item.intensity == "active" and j < len(items):
            nxt = items[j]
            if not isinstance(nxt, Step) or nxt.intensity != "recovery" or _is_drill(nxt, sport):
                break
            group.append(nxt)
            j += 1
        if item.intensity == "recovery" or item.implicit:
            # A recovery that starts a line says so: 'recovery 3m @50%'.
            out.append(pad + step_text(item, sport))
            i += 1
            continue
        out.append(
            pad + " / ".join(step_text(s, sport, recovery_position=k > 0) for k, s in enumerate(group))
        )
        i = j
    return out
