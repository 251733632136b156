"""The one print setup of every workbook we write: A4, the paper form's orientation, fit to the page
width, header rows repeated on every page, margins, the title in the page header and page numbers
in the footer. Each writer applies it with one call per sheet."""

from __future__ import annotations

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

A4 = Worksheet.PAPERSIZE_A4
PAGE_NUMBERS = "第 &P 页，共 &N 页"
# Printable area of A4 inside the margins below, in points (1 inch = 72 pt).
MARGINS = {"left": 0.6, "right": 0.6, "top": 0.85, "bottom": 0.8, "header": 0.35, "footer": 0.35}
PORTRAIT_PT = (595 - 72 * (MARGINS["left"] + MARGINS["right"]), 842 - 72 * (MARGINS["top"] + MARGINS["bottom"]))
LANDSCAPE_PT = (842 - 72 * (MARGINS["left"] + MARGINS["right"]), 595 - 72 * (MARGINS["top"] + MARGINS["bottom"]))


def _header_text(text: str) -> str:
    # "&" starts a header code (&P, &N ...); a literal ampersand is written "&&".
    return text.replace("&", "&&")


def print_setup(ws, title: str, *, landscape: bool = False, header_rows: str | None = None,
                left: str = "") -> None:
    """A4, ``landscape`` or portrait, one page wide (as many pages tall as the rows need), ``header_rows``
    (e.g. ``"1:3"``) repeated on every page, ``title`` centred in the page header (``left`` beside it)
    and "第 N 页，共 M 页" in the footer. Works on ordinary and write-only worksheets."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages tall as needed (only the width is fitted)
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_options.horizontalCentered = True
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddHeader.center.text = _header_text(title)
    ws.oddHeader.center.size = 10
    if left:
        ws.oddHeader.left.text = _header_text(left)
        ws.oddHeader.left.size = 10
    ws.oddFooter.center.text = PAGE_NUMBERS
    ws.oddFooter.center.size = 9


def page_size(landscape: bool = False) -> tuple[float, float]:
    """Width and height (points) inside the margins of the page :func:`print_setup` sets."""
    return LANDSCAPE_PT if landscape else PORTRAIT_PT
