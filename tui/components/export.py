"""``e``: what is on screen as a workbook — the table in view, in its shown order, with the screen's
title — and, on a county, its 附件2 for the month. Files go to ``<data directory>/导出/``; the path is
shown in a notification. Written with the shared workbook helpers (borders, formula-safe cells, A4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from rich.cells import cell_len
from rich.text import Text

from tui.exports.printing import print_setup
from tui.exports.style import table as write_table
from tui.exports.style import title as write_title

FOLDER = "导出"
BAD_NAME = str.maketrans({c: "_" for c in '\\/:*?"<>|· '})


def export_folder(base: Path) -> Path:
    folder = base / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_name(title: str, when: datetime, suffix: str = ".xlsx") -> str:
    return f"{title.translate(BAD_NAME)[:60]}-{when:%Y%m%d-%H%M%S}{suffix}"


def _plain(cell: object) -> object:
    text = cell.plain if isinstance(cell, Text) else cell
    return text.strip() if isinstance(text, str) else text


def write_rows(out: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """One sheet: ``title`` then the table (headers repeated on every printed page)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "看板导出"
    widths = [min(max([cell_len(str(h)) + 2, *(cell_len(str(_plain(r[i]))) + 2 for r in rows if i < len(r))]), 50)
              for i, h in enumerate(headers)]
    write_title(ws, title, max(len(headers), 1), sum(widths))
    write_table(ws, headers, [[_plain(c) for c in r] for r in rows], start_row=2, widths=widths)
    print_setup(ws, title, landscape=len(headers) > 5, header_rows="2:2")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def table_rows(table: object) -> tuple[list[str], list[list[object]]]:
    """A KeyedTable's headers and its rows as shown (after the filter and the sort), cells as text."""
    headers = [label for _key, label in table.column_spec]  # type: ignore[attr-defined]
    rows = [list(table.get_row(key)) for key in table.keys]  # type: ignore[attr-defined]
    return headers, rows
