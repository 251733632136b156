"""A QR code drawn with half-block characters: two modules per terminal cell, dark on light.

Large enough to scan from a phone at arm's length when the terminal gives it room; a quiet zone of
two modules is kept so phone cameras lock on.
"""

from __future__ import annotations

from pathlib import Path

from qrcode.constants import ERROR_CORRECT_L
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from models import qr

_DARK = Style(color="black", bgcolor="white")
QUIET = 2


def matrix(data: str) -> list[list[bool]]:
    # Level L keeps a live URL (~70 characters) at version 4: 37 modules with the quiet zone, 19 rows,
    # so it fits an 80x24 terminal. A screen is not a worn sticker; L's 7 % recovery is enough there.
    return qr.matrix(data, border=QUIET, level=ERROR_CORRECT_L)


def half_block_lines(modules: list[list[bool]]) -> list[str]:
    """Rows of text: each character shows two vertical modules (▀ upper, ▄ lower, █ both)."""
    lines = []
    for top in range(0, len(modules), 2):
        upper = modules[top]
        lower = modules[top + 1] if top + 1 < len(modules) else [False] * len(upper)
        chars = []
        for u, d in zip(upper, lower, strict=True):
            chars.append("█" if u and d else "▀" if u else "▄" if d else " ")
        lines.append("".join(chars))
    return lines


def save_png(data: str, path: str) -> None:
    qr.write_png(data, Path(path))


class QrView(Widget):
    """Shows ``data`` as a QR code, centred; empty when there is nothing to show."""

    DEFAULT_CSS = "QrView { width: 1fr; height: 1fr; }"

    def __init__(self, data: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._lines: list[str] = []
        self.data = ""
        self.set_data(data)

    def set_data(self, data: str) -> None:
        if data == self.data:
            return
        self.data = data
        self._lines = half_block_lines(matrix(data)) if data else []
        self.refresh()

    @property
    def needed_size(self) -> tuple[int, int]:
        return (len(self._lines[0]) if self._lines else 0, len(self._lines))

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        need_w, need_h = self.needed_size
        top = max(0, (height - need_h) // 2)
        left = max(0, (width - need_w) // 2)
        row = y - top
        if self._lines and (need_w > width or need_h > height):
            # Never draw a cropped code (a phone would misread it): say what to do instead.
            message = "窗口太小，放大终端或按 Ctrl+S 保存图片" if y == height // 2 else ""
            return Strip([Segment(message)]).crop(0, width)
        if not self._lines or row < 0 or row >= need_h:
            return Strip.blank(width)
        # Dark modules drawn in black on a white cell: ▀ = dark top, light bottom.
        text = self._lines[row]
        segments = [Segment(" " * left), Segment(text, _DARK)]
        segments.append(Segment(" " * max(0, width - left - need_w)))
        return Strip(segments).crop(0, width)
