"""How tall a wrapped cell must be: neither Excel, WPS nor LibreOffice sizes rows to their text when it
opens a file (and none sizes merged cells at all), so the writers set every row's height themselves.

Widths are in column-width units (the width of one digit of the default 11 pt font, 7 px). A Chinese
character is about 15 px at 11 pt in Excel and WPS (LibreOffice draws it narrower), so estimates err
on the tall side: a row a little too high prints fine, a row too short hides or overlaps its text.
"""

from __future__ import annotations

import unicodedata

WIDE = 2.15  # a Chinese (full-width) character, in column-width units
NARROW = 1.05  # a Latin letter, digit or space
PADDING = 1.2  # the cell's inner margins
LINE_PT = 15.6  # one line of 11 pt text, with the CJK fonts' line gap
EDGE_PT = 4.0  # space above and below the text
MAX_ROW_PT = 409.0  # Excel's largest row height
DEFAULT_ROW_PT = 15.0


def char_width(ch: str) -> float:
    return WIDE if unicodedata.east_asian_width(ch) in "WFA" else NARROW


def text_width(text: str) -> float:
    return sum(map(char_width, text))


def _tokens(paragraph: str):
    """Wide characters break anywhere; a run of Latin letters or digits wraps as one word."""
    word = ""
    for ch in paragraph:
        if char_width(ch) == WIDE or ch == " ":
            if word:
                yield word
                word = ""
            yield ch
        else:
            word += ch
    if word:
        yield word


def line_count(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide (a greedy wrap, like the office suites)."""
    usable = max(1.0, (width - PADDING) * 0.95)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for token in _tokens(paragraph):
            w = text_width(token)
            if used + w > usable and used > 0:
                if token == " ":
                    continue  # a space at the break disappears
                lines, used = lines + 1, 0.0
            while w > usable:  # a word longer than the line is cut
                lines, w = lines + 1, w - usable
            used += w
        total += lines
    return total


def height_for(lines: int, *, size: float = 11) -> float:
    return min(MAX_ROW_PT, max(DEFAULT_ROW_PT, lines * LINE_PT * size / 11 + EDGE_PT))


def max_lines(height: float = MAX_ROW_PT) -> int:
    return int((height - EDGE_PT) // LINE_PT)


def row_height(cells: list[tuple[object, float]], *, size: float = 11) -> float:
    """The height of a row holding each (value, width) cell, wrapped."""
    lines = max((line_count(str(v), w) for v, w in cells if v is not None and str(v) != ""), default=1)
    return height_for(lines, size=size)


def clip(text: str, width: float, lines: int, more: str) -> tuple[str, bool]:
    """``text`` if it fits in ``lines`` lines of ``width``; else its longest beginning that fits with ``more``
    after it (and True: the rest must go elsewhere)."""
    if line_count(text, width) <= lines:
        return text, False
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits, by bisection
        mid = (lo + hi + 1) // 2
        if line_count(text[:mid].rstrip() + more, width) <= lines:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + more, True


def chunks(text: str, width: float, lines: int) -> list[str]:
    """``text`` cut into pieces of at most ``lines`` lines each, at a sentence end where there is one, so
    a long text can fill several rows (a row never splits across pages)."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if line_count(rest, width) <= lines:
            pieces.append(rest)
            break
        head, _ = clip(rest, width, lines, "")
        cut = max(head.rfind(mark) for mark in "。！？；\n")
        end = cut + 1 if cut > len(head) // 3 else len(head)
        end = max(end, 1)
        pieces.append(rest[:end].strip())
        rest = rest[end:].strip()
    return pieces
