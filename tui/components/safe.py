"""Showing text that members or cadres typed: literally, on one line, never as markup.

Everything typed by a person goes through :func:`literal` before it reaches a widget, so square
brackets, ANSI escapes, control characters, bidi overrides and very long lines cannot change or
break the screen.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text

# C0/C1 controls (ESC included), zero-width and bidirectional formatting characters.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")


def clean(value: object, limit: int | None = 60) -> str:
    """One printable line of at most ``limit`` terminal cells (double-width counted), ``…`` if cut."""
    text = "" if value is None else str(value)
    text = _SPACES.sub(" ", _INVISIBLE.sub(" ", text)).strip()
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


def literal(value: object, limit: int | None = 60, style: str = "") -> Text:
    """A :class:`rich.text.Text` that shows ``value`` exactly (cleaned), never parsed as markup."""
    return Text(clean(value, limit), style=style, no_wrap=True, overflow="ellipsis")
