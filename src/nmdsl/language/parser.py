"""Text -> concrete syntax tree (one node per line, blocks nested).

Each logical line is tokenized by :mod:`nmdsl.language.lexer` and parsed on its own
with the LALR line grammar, so a syntax error on one line never hides the
errors on the others; indentation is handled here, the way CPython's
tokenizer does it, rather than by lark's ``Indenter`` (which counts a tab as
8 spaces and misplaces indentation errors).

The line grammar's tables are computed by lark from ``grammar/nmdsl.lark``
and shipped with the package; :mod:`nmdsl.language._lalr` runs them, so parsing never
imports lark (see :mod:`nmdsl.language._grammar`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nmdsl.diagnostics import Report, Span, quoted, unread_lines
from nmdsl.language import _grammar
from nmdsl.language._lalr import Parser, Token, Tree, UnexpectedToken
from nmdsl.language.lexer import HEADER_KEYS, Line, TerminalTable, tokenize_line
from nmdsl.limits import (
    MAX_DEPTH,  # re-exported
    MAX_ERRORS,
    MAX_EXPANDED_CUES,
    MAX_EXPANDED_STEPS,
    MAX_LINE_ITEMS,
)
from nmdsl.source import iter_lines, lines_after


def span_of(first: Token, last: Token | None = None) -> Span:
    last = last or first
    return Span(
        line=first.line or 1,
        column=first.column or 1,
        end_line=last.end_line or first.line or 1,
        end_column=last.end_column or (first.column or 1) + len(str(first)),
    )


@dataclass
class HeaderLine:
    key: Token
    value: Token

    @property
    def line(self) -> int:
        return self.key.line or 0


@dataclass
class CueNode:
    text: Token
    at: Token | None


@dataclass
class TargetNode:
    #: The grammar's name for it: POWER_PCT, WATTS, ..., ramp, max_effort, free_ride.
    kind: str
    #: The token holding the value (for ramp: the range; for max/free: the word).
    value: Token
    span: Span


@dataclass
class StepNode:
    word: Token | None  # warmup / cooldown / rest / recovery, or a drill
    amount: Token  # how it ends: DURATION, DISTANCE, LAP or UNTIL
    targets: list[TargetNode]
    cues: list[CueNode]
    span: Span
    #: The HR_BOUND after UNTIL (``<130bpm``).
    bound: Token | None = None
    #: ``~D`` (ESTIMATE).
    estimate: Token | None = None
    #: Further ways to end written after the first (an error, E211).
    more: list[Token] = field(default_factory=list)


@dataclass
class StepLine:
    count: Token | None
    steps: list[StepNode]
    span: Span


@dataclass
class BlockLine:
    #: REPEAT (``3x``), or UNTIL for a repeat until a heart rate.
    count: Token
    span: Span
    body: list[CstNode] = field(default_factory=list)
    #: The HR_BOUND after UNTIL (``>80%maxhr``).
    bound: Token | None = None
    #: ``~3x`` (REPEAT_ESTIMATE) after the bound.
    estimate: Token | None = None

    @property
    def times(self) -> int:
        """How many times the body is done: the count, or a repeat-until's estimate (else once)."""
        if self.count.type == "REPEAT":
            return int(str(self.count)[:-1])
        return int(str(self.estimate)[1:-1]) if self.estimate is not None else 1

    @property
    def head_text(self) -> str:
        """The head as written, without its ':' (``3x``, ``until >80%maxhr ~3x``)."""
        words = [str(t) for t in (self.count, self.bound, self.estimate) if t is not None]
        return " ".join(words)


CstNode = HeaderLine | StepLine | BlockLine


# Terminal names in words, for "expected ..." messages.
_WORDS = {
    "DURATION": "a duration (30s, 10m, 1:30)",
    "DISTANCE": "a distance (400mtr, 1km)",
    "INTENSITY": "warmup, cooldown, rest or recovery",
    "DRILL": "a drill (sprint, strides, accel, spinup, standing-start, torque, hill-sprint, flying)",
    "REPEAT": "a repeat count (6x)",
    "STRING": 'a cue ("...")',
    "AT": "'at'",
    "SLASH": "'/'",
    "COLON": "':'",
    "RAMP_RANGE": "the ramp's range (45%-70%)",
    "LAP": "'lap'",
    "UNTIL": "'until'",
    "HR_BOUND": "a heart rate to end at (<130bpm, >165bpm)",
    "ESTIMATE": "an estimate (~3m)",
    "REPEAT_ESTIMATE": "an estimate of the repetitions (~3x)",
    "$END": "the end of the line",
    "HEADER_VALUE": "a value",
    "HEADER_KEY": "a header line (name: ...)",
}
#: Terminals that are one fixed word: "found 'at'", not "found 'at' 'at'".
_LITERALS = {"AT", "SLASH", "COLON", "RAMP", "MAX", "FREE", "LAP", "UNTIL"}
_TARGETS = {
    "POWER_PCT",
    "WATTS",
    "ZONE",
    "PACE",
    "BPM",
    "HR_ZONE",
    "HR_PCT",
    "PEAK_PCT",
    "CADENCE",
    "RAMP",
    "MAX",
    "FREE",
}
_TARGET_WORDS = (
    "a target (@150%, @250W, @Z2, ramp 45%-70%, max, free, 110rpm, @150bpm, @Z2hr, @80%lthr, @95%pmax)"
)


def describe(kind: str) -> str:
    if kind in _TARGETS:
        return {
            "CADENCE": "a cadence",
            "BPM": "a heart rate",
            "HR_ZONE": "a heart rate",
            "HR_PCT": "a heart rate",
            "RAMP": "'ramp'",
        }.get(kind, "a target")
    return _WORDS.get(kind, kind.lower())


def expected_words(expected: set[str]) -> str:
    words: list[str] = []
    if expected & _TARGETS:
        words.append(_TARGET_WORDS)
    order = [
        "INTENSITY",
        "DRILL",
        "DURATION",
        "DISTANCE",
        "LAP",
        "UNTIL",
        "HR_BOUND",
        "ESTIMATE",
        "RAMP_RANGE",
        "STRING",
        "AT",
        "SLASH",
        "COLON",
        "$END",
    ]
    for k in order:
        if k in expected:
            words.append(_WORDS[k])
    for k in sorted(expected - _TARGETS - set(order)):
        words.append(_WORDS.get(k, k.lower()))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def line_tokens(number: int, raw: str) -> list[Token]:
    """The tokens of one physical line as the parser reads them (for an editor's colours).

    An item that is no word of the language is left out, and so is the rest
    of a line that cannot be read; nothing is reported.
    """
    content = raw.lstrip(" \t")
    if not content or content.startswith("#"):
        return []
    line = Line(number, len(raw) - len(content), content)
    tokenize_line(line, _grammar.terminals(), Report())
    return line.tokens


def parse_cst(text: str, report: Report) -> list[CstNode]:
    """Parse a whole file into a list of top-level CST nodes; report problems.

    Lines are read one at a time, and reading stops as soon as the file is
    certain to be refused: when the steps or the cues read so far, times
    their repeat counts, pass the workout's limits (E305: nothing the rest of
    the file says could bring them back), and after MAX_ERRORS errors (E013).
    """
    line_parser = _grammar.parser()
    table = _grammar.terminals()
    root: list[CstNode] = []
    # (indentation, the list that lines at that indentation go into)
    stack: list[tuple[int, list[CstNode]]] = [(0, root)]
    pending: BlockLine | None = None
    previous_failed = False
    # How many times the lines of each body are repeated (by the list's id;
    # 0: not counted, a body in error), and what has been read so far, so
    # multiplied: never more than the model will have.
    times: dict[int, int] = {id(root): 1}
    steps = cues = headers = 0

    for number, raw in enumerate(iter_lines(text), start=1):
        content = raw.lstrip(" \t")
        if not content or content.startswith("#"):
            continue
        if _too_many_errors(report, headers, number, text):
            break
        lead = raw[: len(raw) - len(content)]
        if "\t" in lead:
            report.add(
                "E003",
                "a tab in the indentation",
                Span.point(number, lead.index("\t") + 1),
                "indent with spaces only",
            )
            # The block above has a body, even if this line of it is unreadable.
            pending = None
            previous_failed = True
            continue
        indent = len(lead)

        if pending is not None:
            if indent > stack[-1][0]:
                stack.append((indent, pending.body))
            else:
                _no_body(pending, report)
            pending = None
        if indent > stack[-1][0]:
            if not previous_failed:
                report.add(
                    "E004",
                    "this line is indented, but no block line (like '3x:') opens a block here",
                    Span.point(number, 1, indent),
                    "remove the indentation, or put a line like '3x:' above",
                )
            # Go on at this level, so only the first line of the run is reported.
            stack.append((indent, []))
        closed: list[int] = []
        while indent < stack[-1][0]:
            closed.append(stack.pop()[0])
        if indent != stack[-1][0]:
            levels = " or ".join(str(level) for level in sorted({lvl for lvl, _ in stack} | set(closed)))
            report.add(
                "E004",
                "this line's indentation matches no enclosing block",
                Span.point(number, 1, indent),
                f"indent it by {levels} spaces, like the lines of the block it belongs to",
            )
            stack.append((indent, stack[-1][1]))

        body = stack[-1][1]
        factor = times.get(id(body), 0)
        line = Line(number, indent, content)
        max_steps = max_cues = None
        if factor:
            max_steps, max_cues = (MAX_EXPANDED_STEPS - steps) // factor, (MAX_EXPANDED_CUES - cues) // factor
        node = _parse_line(line, line_parser, table, report, max_steps, max_cues)
        if line.stopped is not None:
            if not _syntax_error_in(line, line_parser, report):
                first = span_of(line.tokens[0]) if line.tokens else Span.point(number, indent + 1)
                _too_large(report, line.stopped, body is root, root, first)
            break

        previous_failed = node is None
        if node is None:
            continue
        if isinstance(node, BlockLine) and len(stack) > MAX_DEPTH:
            report.add("E306", f"blocks nest deeper than {MAX_DEPTH} levels", node.span)
            node.body = []
            body.append(node)
            previous_failed = True
            continue
        body.append(node)
        if isinstance(node, BlockLine):
            pending = node
            times[id(node.body)] = min(factor * node.times, MAX_EXPANDED_STEPS + 1)
        elif isinstance(node, StepLine):
            if factor:
                n = factor * (1 if node.count is None else _count(node.count))
                steps += n * len(node.steps)
                cues += n * sum(len(step.cues) for step in node.steps)
                if steps > MAX_EXPANDED_STEPS or cues > MAX_EXPANDED_CUES:
                    over = "steps" if steps > MAX_EXPANDED_STEPS else "cues"
                    _too_large(report, over, body is root, root, node.span)
                    break
        else:
            headers += 1
    else:
        if pending is not None:
            _no_body(pending, report)
    return root


def _count(tok: Token) -> int:
    """A repeat count's number (the lexer keeps it short: MAX_ITEM_CHARS)."""
    return int(str(tok)[:-1])


def _syntax_error_in(line: Line, line_parser: Parser, report: Report) -> bool:
    """Report (E001) a syntax error in the tokens of a line cut short, if they have one.

    A line too long to read whole is most often one that lost its '/'s: the
    error at its third item says more than its length or its steps.  The end
    of the line was not read, so an error there is no error.
    """
    try:
        line_parser.parse(line.tokens)
    except UnexpectedToken as exc:
        if exc.token.type != "$END":
            report.add("E001", *_syntax_message(exc, line))
            return True
    return False


def _too_large(report: Report, what: str, top: bool, root: list[CstNode], span: Span) -> None:
    """E305 where the limit is passed: at the top-level item read, where the whole-workout check says it."""
    if not top:
        span = root[-1].span if isinstance(root[-1], BlockLine) else span
    if what == "steps":
        message = f"the workout expands to more than {MAX_EXPANDED_STEPS:,} steps"
        hint = "use fewer repetitions; nmdsl refuses larger sessions rather than unroll them"
    elif what == "cues":
        message = f"the workout has more than {MAX_EXPANDED_CUES:,} cues once its repeats are unrolled"
        hint = "use fewer cues, or fewer repetitions of the steps that have them"
    else:
        message = (
            f"the line has more than {MAX_LINE_ITEMS:,} items, more than a workout within the limits holds"
        )
        hint = "nmdsl stops reading a line this long; split it into lines of one step or one repeat each"
    report.add("E305", message, span, hint)


def _too_many_errors(report: Report, headers: int, number: int, text: str) -> bool:
    """Whether MAX_ERRORS errors are found before line ``number``: then say so (E013).

    Header lines count too beyond one for each key: the builder will find
    each of those an error (a key set twice, an unknown key, or a header
    after the steps).
    """
    if report.error_count + max(0, headers - len(HEADER_KEYS)) < MAX_ERRORS:
        return False
    report.stop(number, unread_lines(number, number + lines_after(text, number)))
    return True


def _no_body(block: BlockLine, report: Report) -> None:
    report.add(
        "E005",
        f"'{block.head_text}:' opens a block, but no indented lines follow",
        block.span,
        "indent the lines to repeat below it, or write the repeat on one line: 6x 30s @150% / 30s @50%",
    )


def _parse_line(
    line: Line,
    line_parser: Parser,
    table: TerminalTable,
    report: Report,
    max_steps: int | None = None,
    max_cues: int | None = None,
) -> CstNode | None:
    tokenize_line(line, table, report, max_steps, max_cues)
    if not line.ok:
        return None
    tokens = line.tokens
    # The LALR parse of a line depends only on its token types, so it is done
    # once per sequence of types (per process) and kept as a recipe of token
    # positions; lines of the same shape are built from the recipe.
    cache = _shapes(line_parser)
    key = tuple([t.type for t in tokens])
    recipe = cache.get(key)
    if recipe is None:
        try:
            tree = line_parser.parse(tokens)
        except UnexpectedToken as exc:
            report.add("E001", *_syntax_message(exc, line))
            return None
        recipe = _recipe(tree.children[0], tokens)
        if recipe is None:  # pragma: no cover - the parser hands back the tokens it was given
            return _to_cst(tree.children[0])
        if len(cache) >= MAX_SHAPES:
            cache.clear()  # memory stays bounded whatever the library holds
        cache[key] = recipe
    return _from_recipe(recipe, tokens)


#: Distinct line shapes kept (a shape is a tuple of token types; a library of
#: 10,000 files has a few hundred).
MAX_SHAPES = 4096
_shape_cache: tuple[object, dict[tuple[str, ...], tuple[Any, ...]]] = (None, {})


def _shapes(line_parser: object) -> dict[tuple[str, ...], tuple[Any, ...]]:
    """The recipe cache of ``line_parser`` (a new parser starts a new cache)."""
    global _shape_cache
    owner, cache = _shape_cache
    if owner is not line_parser:
        cache = {}
        _shape_cache = (line_parser, cache)
    return cache


def _recipe(tree: Tree, tokens: list[Token]) -> tuple[Any, ...] | None:
    """:func:`_to_cst`'s result for ``tree``, with token positions instead of tokens."""
    where = {id(t): i for i, t in enumerate(tokens)}

    def at(t: object) -> int:
        return where[id(t)]

    try:
        node = _to_cst(tree)
        if isinstance(node, HeaderLine):
            return ("header", at(node.key), at(node.value))
        if isinstance(node, BlockLine):
            bound = None if node.bound is None else at(node.bound)
            return ("block", at(node.count), bound, None if node.estimate is None else at(node.estimate))
        steps = []
        for raw, sub in zip(node.steps, [c for c in tree.children if not isinstance(c, Token)], strict=False):
            targets = []
            trees = [c for c in sub.children if isinstance(c, Tree) and c.data not in ("amount", "cue")]
            for t, child in zip(raw.targets, trees, strict=False):
                toks = [x for x in child.children if isinstance(x, Token)]
                last = None if child.data == "target" else at(toks[-1])
                targets.append((t.kind, at(t.value), at(toks[0]), last))
            cues = tuple((at(c.text), None if c.at is None else at(c.at)) for c in raw.cues)
            first = raw.word if raw.word is not None else raw.amount
            steps.append((
                None if raw.word is None else at(raw.word),
                at(raw.amount),
                tuple(targets),
                cues,
                at(first),
                at(_last_token(sub, first)),
                None if raw.bound is None else at(raw.bound),
                None if raw.estimate is None else at(raw.estimate),
                tuple(at(t) for t in raw.more),
            ))
        first = node.count if node.count is not None else _first_token(tree)
        return (
            "steps",
            None if node.count is None else at(node.count),
            tuple(steps),
            at(first),
            at(_last_token(tree, first)),
        )
    except KeyError:  # pragma: no cover - see _parse_line
        return None


def _from_recipe(recipe: tuple[Any, ...], toks: list[Token]) -> CstNode:
    kind = recipe[0]
    if kind == "header":
        return HeaderLine(toks[recipe[1]], toks[recipe[2]])
    if kind == "block":
        head = toks[recipe[1]]
        bound = None if recipe[2] is None else toks[recipe[2]]
        estimate = None if recipe[3] is None else toks[recipe[3]]
        return BlockLine(head, span_of(head, estimate or bound), bound=bound, estimate=estimate)
    _, count, step_recipes, first, last = recipe
    steps = [
        StepNode(
            None if word is None else toks[word],
            toks[amount],
            [
                TargetNode(k, toks[value], span_of(toks[a], None if b is None else toks[b]))
                for k, value, a, b in targets
            ],
            [CueNode(toks[text], None if at is None else toks[at]) for text, at in cues],
            span_of(toks[s_first], toks[s_last]),
            None if bound is None else toks[bound],
            None if estimate is None else toks[estimate],
            [toks[t] for t in more],
        )
        for word, amount, targets, cues, s_first, s_last, bound, estimate, more in step_recipes
    ]
    return StepLine(None if count is None else toks[count], steps, span_of(toks[first], toks[last]))


def _syntax_message(exc: UnexpectedToken, line: Line) -> tuple[str, Span, str | None]:
    tok = exc.token
    expected = set(exc.expected)
    if tok.type == "$END":
        last = line.tokens[-1] if line.tokens else None
        col = (last.end_column or 1) if last else line.indent + 1
        span = Span.point(line.number, col)
        what = "found the end of the line"
    else:
        span = span_of(tok)
        if tok.type in _LITERALS:
            what = f"found {quoted(str(tok))}"
        else:
            what = f"found {describe(tok.type)} {quoted(str(tok))}"
    hint: str | None = None
    if tok.type == "AT":
        hint = "'at D' follows the cue it places: \"Last minute!\" at 4m"
    elif tok.type == "REPEAT":
        hint = "a repeat count starts the line: 6x 30s @150% / 30s @50%"
    elif tok.type == "COLON":
        hint = "only a repeat count takes ':' (3x:), with the block's lines indented below"
    elif tok.type in _TARGETS and not expected & _TARGETS:
        hint = "targets come after the duration, and cues after the targets"
    elif tok.type == "ESTIMATE":
        hint = "~D follows 'lap', 'until <Nbpm' or a distance, before the targets: lap ~10m @Z2"
    elif tok.type == "UNTIL":
        hint = "'until' ends a step on a heart rate: until <130bpm (in place of a duration)"
    elif tok.type in ("DURATION", "DISTANCE") and "SLASH" in expected:
        hint = "separate the steps of a repeat with ' / '"
    elif tok.type == "$END" and expected <= {"DURATION", "DISTANCE", "INTENSITY", "DRILL"}:
        hint = "a step needs a duration or a distance"
    message = f"expected {expected_words(expected)}; {what}"
    return message, span, hint


def _to_cst(tree: Tree) -> CstNode:
    kind = tree.data
    if kind == "header":
        key, value = tree.children
        assert isinstance(key, Token) and isinstance(value, Token)
        return HeaderLine(key, value)
    if kind == "block_head":
        toks = [t for t in tree.children if isinstance(t, Token) and t.type != "COLON"]
        head = toks[0]
        bound = toks[1] if len(toks) > 1 else None
        estimate = toks[2] if len(toks) > 2 else None
        return BlockLine(head, span_of(head, estimate or bound), bound=bound, estimate=estimate)
    assert kind == "step_line", kind
    count: Token | None = None
    steps: list[StepNode] = []
    for child in tree.children:
        if isinstance(child, Token):
            count = child
        else:
            steps.append(_step(child))
    return StepLine(count, steps, _span_tree(tree, count or _first_token(tree)))


def _step(tree: Tree) -> StepNode:
    word: Token | None = None
    amount: Token | None = None
    bound: Token | None = None
    estimate: Token | None = None
    more: list[Token] = []
    targets: list[TargetNode] = []
    cues: list[CueNode] = []
    for child in tree.children:
        if isinstance(child, Token):
            word = child
        elif child.data == "amount":
            for part in child.children:
                if isinstance(part, Token):  # ESTIMATE
                    estimate = part
                    continue
                toks = [t for t in part.children if isinstance(t, Token)]
                if amount is None:
                    amount = toks[0]
                    bound = toks[1] if len(toks) > 1 else None
                else:
                    more.append(toks[0])
        elif child.data == "cue":
            toks = [t for t in child.children if isinstance(t, Token)]
            at = toks[2] if len(toks) == 3 else None
            cues.append(CueNode(toks[0], at))
        else:  # target, ramp, max_effort, free_ride
            toks = [t for t in child.children if isinstance(t, Token)]
            if child.data == "target":
                targets.append(TargetNode(toks[0].type, toks[0], span_of(toks[0])))
            else:
                targets.append(TargetNode(child.data, toks[-1], span_of(toks[0], toks[-1])))
    assert amount is not None
    return StepNode(word, amount, targets, cues, _span_tree(tree, word or amount), bound, estimate, more)


def _first_token(tree: Tree) -> Token:
    tokens = tree.iter_tokens()
    assert tokens, "empty tree"
    return tokens[0]


def _last_token(tree: Tree, first: Token) -> Token:
    tokens = tree.iter_tokens()
    return tokens[-1] if tokens else first


def _span_tree(tree: Tree, first: Token) -> Span:
    return span_of(first, _last_token(tree, first))
