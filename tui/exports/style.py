"""Shared look of the workbooks we write: header fill, thin borders, column widths, safe cells."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tui.exports.safety import neutralise
from tui.exports.textfit import DEFAULT_ROW_PT, height_for, line_count, row_height

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")  # top: a tall row reads (and extracts) line by line
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unused worksheet name for ``name`` (31 characters, no ``[]:*?/\\``); adds it to ``used``."""
    base = name.translate(BAD_SHEET_CHARS)[:31] or "表"
    candidate, n = base, 2
    while candidate in used:
        suffix = f"({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, start_row: int = 1,
          widths: Sequence[int] = ()) -> int:
    """Headers and rows with borders; every text cell passes the formula-safety helper; each row is as
    tall as its wrapped text needs (given ``widths``). Returns the last row."""
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=start_row, column=j, value=h)
        c.font, c.fill, c.border, c.alignment = BOLD, HEADER_FILL, BORDER, CENTER
    fit_height(ws, start_row, headers, widths)
    r = start_row
    for row in rows:
        r += 1
        for j, value in enumerate(row, start=1):
            c = ws.cell(row=r, column=j, value=neutralise(value))
            c.border, c.alignment = BORDER, WRAP
        fit_height(ws, r, row, widths)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    return r


def title(ws: Worksheet, text: str, width: int, units: float | None = None) -> None:
    """``text`` in 14 pt across the first ``width`` columns of row 1 (``units`` wide: the row grows to
    hold a title that wraps)."""
    ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = CENTER
    lines = line_count(text, units * 11 / 14) if units else 1
    ws.row_dimensions[1].height = max(28, height_for(lines, size=14))


def fit_height(ws: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float]) -> None:
    """Make ``row`` tall enough for its wrapped values (nothing to do for one line of text)."""
    if not widths:
        return
    height = row_height(list(zip(values, widths, strict=False)))
    if height > DEFAULT_ROW_PT:
        ws.row_dimensions[row].height = height


def note(ws: Worksheet, row: int, text: str, width: int, units: float) -> None:
    """A line of explanation across the first ``width`` columns (``units`` wide), wrapped, its row as tall
    as it needs."""
    c = ws.cell(row=row, column=1, value=neutralise(text))
    c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = height_for(line_count(text, units))
