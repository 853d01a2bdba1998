"""The lines of a source text, as every reader of nmdsl counts them.

A line ends at LF, CRLF or CR (what the parser, the diagnostics' quoted
lines and the ERG/MRC reader all count; ``str.splitlines()`` also splits
on form feeds and U+2028, which would shift every line number after one).
A leading byte-order mark is not part of the first line.  These sit at the
bottom, beside the diagnostics, which quote lines by number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["count_lines", "iter_lines", "line_text", "lines_after", "split_lines"]


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR; a leading BOM is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return re.split(r"\r\n|\r|\n", text)


_BREAK = re.compile(r"\r\n|\r|\n")


def iter_lines(text: str) -> Iterator[str]:
    """:func:`split_lines`, one line at a time: a reader that stops early reads no further."""
    pos = 1 if text.startswith("\ufeff") else 0
    if "\r" not in text:
        find = text.find
        while (end := find("\n", pos)) >= 0:
            yield text[pos:end]
            pos = end + 1
    else:
        for m in _BREAK.finditer(text, pos):
            yield text[pos : m.start()]
            pos = m.end()
    yield text[pos:]


def _breaks(text: str, start: int, end: int) -> int:
    n = text.count("\n", start, end)
    cr = text.count("\r", start, end)
    return n + cr - text.count("\r\n", start, end) if cr else n


def count_lines(text: str) -> int:
    """``len(split_lines(text))``, without making the lines."""
    return _breaks(text, 0, len(text)) + 1


def lines_after(text: str, number: int) -> int:
    """How many lines ``text`` has after line ``number`` (a final line break ends the last one)."""
    return count_lines(text) - number - (1 if text.endswith(("\n", "\r")) else 0)


#: Where the last :func:`line_text` found its line: (text, line number, offset).
_cursor: tuple[str, int, int] = ("", 1, 0)
_CHUNK = 1 << 16


def line_text(text: str, number: int) -> str | None:
    """Line ``number`` (from 1) of :func:`split_lines` (text), or None past the end.

    Without splitting the text: whole chunks without the line are skipped
    by counting their line breaks, and the place found is remembered, so
    asking for the lines of a file's diagnostics in order reads it once.
    """
    global _cursor
    if number < 1:
        return None
    known, line, pos = _cursor
    if known is not text or line > number:
        line, pos = 1, 1 if text.startswith("\ufeff") else 0
    n = len(text)
    while line < number:
        end = pos + _CHUNK
        if end < n:
            if text[end - 1] == "\r" and text[end] == "\n":
                end += 1  # never between the two of a CRLF
            breaks = _breaks(text, pos, end)
            if line + breaks < number:
                line, pos = line + breaks, end
                continue
        m = _BREAK.search(text, pos)
        if m is None:
            return None
        line, pos = line + 1, m.end()
    _cursor = (text, line, pos)
    m = _BREAK.search(text, pos)
    return text[pos : m.start() if m else n]


def decode_text(data: bytes) -> tuple[str, int | None]:
    """A text file's text, and the line of its first byte that is not UTF-8 (None when all are).

    UTF-8, its byte-order mark dropped; a file that is not is, in practice,
    Windows-1252 (written by Windows editors), and is read so, its five
    undefined bytes becoming U+FFFD.  The importers of text formats say so
    with a warning of their own at that line.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return data.decode("cp1252", errors="replace"), count_lines(data[: exc.start].decode("utf-8-sig"))
