"""Printing on the command line: whatever the database holds goes out as text, never as terminal control.

Names and notes come from imports, the cadres' pages and old databases; printed raw, an ESC or CSI
sequence in one would clear the screen, write the clipboard (OSC 52) or hide a link (OSC 8), and a
bidi override would reorder the line. Every command prints through :func:`say` (and JSON through
:func:`json_text`), which drops those characters (the same set as ``models.text.clean_text``, plus
CR, which would let a line overwrite itself). Our own control output (the QR code's colours, the
live QR's screen refresh) is written by the commands that make it, never mixed with stored text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import click

from models.text import INVISIBLE

_UNSAFE = re.compile(f"{INVISIBLE.pattern[:-1]}\\r]")


def plain(value: object) -> str:
    """``value`` as printable text: line breaks kept, every control and bidi character removed."""
    return _UNSAFE.sub("", "" if value is None else str(value))


def say(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of ``message`` as :func:`plain` text."""
    click.echo(plain(message), err=err, nl=nl)


def json_text(data: Any) -> str:
    """``data`` as JSON with every character :func:`plain` would drop written as a ``\\uXXXX`` escape
    (the data stays whole; json escapes C0 itself, not DEL, C1 or the bidi controls)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
