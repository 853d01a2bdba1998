"""Find repeats in a flat list of steps: the importers' ``Nx a / b``.

Files such as ERG or unrolled ZWO list every repetition.  ``compress`` folds
runs of an identical block of steps into a :class:`Repeat`, then looks again
at the folded list so sets of intervals become nested repeats::

    a b a b a b c a b a b a b c   ->   2x: (3x a / b) c

Steps compare equal with everything but their source span, so a cue that
differs between repetitions keeps them apart: nothing the file says is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nmdsl.model import Item, Repeat

#: Longest block of items considered as one repetition.
MAX_PATTERN = 8


def _key(item: Item) -> object:
    return replace(item, span=None) if item.kind == "step" else _repeat_key(item)


def _repeat_key(item: Repeat) -> object:
    return ("repeat", item.count, tuple(_freeze(_key(s)) for s in item.steps))


def _freeze(x: object) -> object:
    if isinstance(x, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in x.items()))
    if isinstance(x, (list, tuple)):
        return tuple(_freeze(v) for v in x)
    return x


def compress(items: Sequence[Item], *, max_pattern: int = MAX_PATTERN) -> list[Item]:
    """Fold consecutive repetitions into repeats, to a fixed point."""
    current = list(items)
    while True:
        folded = _fold_once(current, max_pattern)
        if len(folded) == len(current):
            return folded
        current = folded


def _fold_once(items: list[Item], max_pattern: int) -> list[Item]:
    keys = [_freeze(_key(i)) for i in items]
    out: list[Item] = []
    i, n = 0, len(items)
    while i < n:
        best_len, best_count = 1, 1
        # A repetition never starts with a recovery step: nmdsl spells a
        # recovery as the step after a '/', so the text could not say it.
        starts_with_recovery = _is_recovery(items, i)
        for length in range(1, 0 if starts_with_recovery else min(max_pattern, (n - i) // 2) + 1):
            pattern = keys[i : i + length]
            count = 1
            while keys[i + count * length : i + (count + 1) * length] == pattern:
                count += 1
            if _is_recovery(items, i + count * length):
                # The step after the run is a recovery: it must stay on the line
                # of the step before it, so leave the last repetition unfolded.
                count -= 1
            # Prefer covering more items; on a tie the shorter pattern.
            if count >= 2 and count * length > best_count * best_len:
                best_len, best_count = length, count
        if best_count >= 2:
            body = items[i : i + best_len]
            if best_len == 1 and isinstance(body[0], Repeat):
                # 2x (3x a / b) -> 6x a / b
                inner = body[0]
                out.append(Repeat(count=inner.count * best_count, steps=inner.steps, block=inner.block))
            else:
                out.append(
                    Repeat(count=best_count, steps=tuple(body), block=len(body) > 0 and _needs_block(body))
                )
            i += best_len * best_count
        else:
            out.append(items[i])
            i += 1
    return out


def _is_recovery(items: Sequence[Item], index: int) -> bool:
    if index >= len(items):
        return False
    item = items[index]
    return item.kind == "step" and item.intensity == "recovery"


def _needs_block(body: Sequence[Item]) -> bool:
    return any(isinstance(b, Repeat) for b in body)
