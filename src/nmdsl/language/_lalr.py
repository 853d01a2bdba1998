"""A small LALR(1) driver: runs the parse tables lark computes, without lark.

lark stays the tool that turns ``grammar/nmdsl.lark`` into LALR tables (at
development time, see :mod:`nmdsl.language._grammar`), but importing it costs tens of
milliseconds, a large share of a one-file ``nmdsl compile``.  Parsing itself
is a short loop over those tables, so nmdsl runs them here, with its own
:class:`Token` and :class:`Tree`:

* ``actions[state][terminal]`` is the action for the next token: a number
  ``>= 0`` shifts the token and goes to that state; a negative number ``~r``
  reduces by rule ``r``.
* ``goto[state][rule name]`` is the state after a reduction.
* ``rules[r]`` says how long the rule is and how lark's tree builder shapes
  its result (:class:`Rule`), so the trees are the ones lark would build:
  filtered-out tokens (``":"``, ``"/"``) dropped, ``_rule`` and the helper
  rules of ``x*`` inlined, ``?rule`` replaced by its only child, ``-> alias``
  naming the tree, ``[x]`` leaving ``None`` where ``x`` is absent.

A token the tables have no action for raises :class:`UnexpectedToken` with
the token and the set of terminals the state expected (the same set lark's
``UnexpectedToken.expected`` holds, so the E001 messages built from it are
unchanged).  The test ``tests/test_lalr.py`` runs this driver and lark's
parser side by side over many token sequences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Union

__all__ = ["END", "Parser", "Rule", "Token", "Tree", "UnexpectedToken"]

#: The terminal that ends every token sequence (lark's name for it).
END = "$END"

_new_str = str.__new__


class Token(str):
    """One token: its text (the ``str`` value), terminal name and place.

    Lines and columns are 1-based; ``end_column`` is one past the last
    character.  Two tokens of different types are never equal (as with
    lark's Token); a token equals a plain string with its text.
    """

    __slots__ = ("column", "end_column", "end_line", "line", "type", "value")

    type: str
    value: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __new__(
        cls,
        type: str,
        value: str,
        line: int = 1,
        column: int = 1,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Token:
        tok = _new_str(cls, value)
        tok.type = type
        tok.value = value
        tok.line = line
        tok.column = column
        tok.end_line = line if end_line is None else end_line
        tok.end_column = column + len(value) if end_column is None else end_column
        return tok

    def __reduce__(self) -> tuple[Any, ...]:
        return (Token, (self.type, self.value, self.line, self.column, self.end_line, self.end_column))

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Token) and self.type != other.type:
            return False
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__


#: A tree's child.  (With a ``[x]`` in the grammar an absent ``x`` is a None
#: child, as with lark; nmdsl's grammar has none, so the type leaves it out.)
Child = Union["Tree", Token]


class Tree:
    """A rule's result: its name (``data``) and its children."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Child]) -> None:
        self.data = data
        self.children = children

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tree):
            return NotImplemented
        return self.data == other.data and self.children == other.children

    __hash__ = None  # type: ignore[assignment]  # mutable, like lark's Tree

    def iter_tokens(self) -> list[Token]:
        """The tokens under this tree, in order."""
        out: list[Token] = []
        stack: list[Child] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Tree):
                stack.extend(reversed(node.children))
            elif node is not None:  # a [x] placeholder is None
                out.append(node)
        return out


class UnexpectedToken(Exception):
    """The tables have no action for ``token`` in the state the parse reached.

    ``expected`` holds the terminals that state has an action for.
    """

    def __init__(self, token: Token, expected: set[str], state: int) -> None:
        super().__init__(f"unexpected token {token!r}; expected one of {sorted(expected)}")
        self.token = token
        self.expected = expected
        self.state = state


class Rule(NamedTuple):
    """One grammar rule, as the driver reduces it."""

    #: The rule's name: the goto table is looked up with it.
    origin: str
    #: How many symbols its expansion has (popped from the stacks).
    size: int
    #: The name of the tree it builds (an ``-> alias`` or the rule's name).
    tree: str
    #: ``?rule``: a single kept child replaces the tree.
    expand1: bool
    #: Which children are kept, or ``None`` for all of them, as they are:
    #: (position, inline its tree's children instead, Nones placed before it).
    keep: tuple[tuple[int, bool, int], ...] | None
    #: Nones after the last kept child (``[x]`` absent at the end).
    trailing_nones: int


class Parser:
    """LALR tables and the loop that runs them."""

    def __init__(
        self,
        actions: Sequence[dict[str, int]],
        goto: Sequence[dict[str, int]],
        rules: Sequence[Rule],
        start: int,
        accept: int,
    ) -> None:
        self.actions = actions
        self.goto = goto
        self.rules = rules
        self.start = start
        #: The state after the start rule is reduced with the end in view.
        self.accept = accept

    def expected(self, state: int) -> set[str]:
        """The terminals ``state`` has an action for."""
        return {name for name in self.actions[state] if name.isupper()}

    def parse(self, tokens: Sequence[Token]) -> Any:
        """The tree of the start rule for ``tokens``, or :class:`UnexpectedToken`."""
        actions, goto, rules, accept = self.actions, self.goto, self.rules, self.accept
        states = [self.start]
        values: list[Any] = []
        if tokens:
            last = tokens[-1]
            end = Token(END, "", last.line, last.column, last.end_line, last.end_column)
        else:
            end = Token(END, "", 1, 1)
        for tok in (*tokens, end):
            kind = tok.type
            while True:
                state = states[-1]
                try:
                    act = actions[state][kind]
                except KeyError:
                    raise UnexpectedToken(tok, self.expected(state), state) from None
                if act >= 0:
                    if kind == END:  # pragma: no cover - lark's tables never shift the end
                        raise AssertionError("the end of the input was shifted")
                    states.append(act)
                    values.append(tok)
                    break
                rule = rules[~act]
                size = rule.size
                if size:
                    children = values[-size:]
                    del values[-size:]
                    del states[-size:]
                else:
                    children = []
                keep = rule.keep
                if keep is not None:
                    kept: list[Any] = []
                    for i, inline, nones in keep:
                        if nones:
                            kept += [None] * nones
                        if inline and not kept:
                            # The helper rule of ``x*`` is left-recursive: take
                            # over its list rather than copy it at every item,
                            # which made a line of n steps cost n * n (as lark does).
                            kept = children[i].children
                        elif inline:
                            kept += children[i].children
                        else:
                            kept.append(children[i])
                    if rule.trailing_nones:
                        kept += [None] * rule.trailing_nones
                    children = kept
                value = children[0] if rule.expand1 and len(children) == 1 else Tree(rule.tree, children)
                states.append(goto[states[-1]][rule.origin])
                values.append(value)
                if kind == END and states[-1] == accept:
                    return value
        raise AssertionError("the tables ended the input without accepting it")  # pragma: no cover
