"""Showing text that members or cadres typed: literally, on one line, never as markup.

Everything typed by a person goes through :func:`literal` before it reaches a widget, so square
brackets, ANSI escapes, control characters, bidi overrides and very long lines cannot change or
break the screen. The cleaning itself is :func:`models.text.clean_text` (the one rule); this module
adds only the cut to a width.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from models.text import clean_text


def cut(text: str, limit: int | None) -> str:
    """``text`` in at most ``limit`` terminal cells (double-width counted), ``…`` if cut."""
    if limit is None or cell_len(text) <= limit:
        return text
    out, width = [], 0
    for ch in text:
        w = cell_len(ch)
        if width + w > limit - 1:
            break
        out.append(ch)
        width += w
    return "".join(out) + "…"


def clean(value: object, limit: int | None = 60) -> str:
    """One printable line of at most ``limit`` terminal cells, ``…`` if cut."""
    return cut(clean_text(value), limit)


def literal(value: object, limit: int | None = 60, style: str = "") -> Text:
    """A :class:`rich.text.Text` that shows ``value`` exactly (cleaned), never parsed as markup."""
    return Text(clean(value, limit), style=style, no_wrap=True, overflow="ellipsis")
