"""The attached sheets of 附件2 (可附页): what did not fit on the form, printed right after it.

- 附页（意见）: every opinion of the month, one row each — number, branch, activity, score and text
  together on one page width, the column headers repeated on every page;
- 附页（全文）: the full text of each field the form had to shorten, in pieces that each fit a page;
- 附页（照片）: the members' photos of the spot-checked branches, each scaled to fit its own row
  (a row never splits across pages, so neither does a photo).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from models.monthly_form import MonthlyForm
from tui.exports.printing import print_setup
from tui.exports.safety import neutralise
from tui.exports.style import BORDER, WRAP, table, title
from tui.exports.textfit import chunks

OPINION_WIDTHS = (6, 22, 18, 6, 44)
TEXT_WIDTHS = (22, 74)
PHOTO_WIDTHS = (24, 72)
PIECE_LINES = 12  # lines of one piece of a long text: pages fill well, a piece never needs two
PHOTO_PX = (480, 360)  # the largest photo on the sheet (fits the column and a row)


@dataclass(frozen=True)
class Overflow:
    label: str  # the form's field
    text: str  # its full text


def _sheet(wb: Workbook, name: str, form: MonthlyForm, what: str, widths: tuple[int, ...]) -> Worksheet:
    ws = wb.create_sheet(name)
    title(ws, f"{form.attachment_title}：{what}", len(widths), sum(widths))
    print_setup(ws, f"{form.attachment_title}：{what}", left="附件2", header_rows="1:2")
    return ws


def _opinions(wb: Workbook, name: str, form: MonthlyForm) -> None:
    ws = _sheet(wb, name, form, "基层青年意见", OPINION_WIDTHS)
    rows = [[i, o.branch, o.activity, o.score, o.text] for i, o in enumerate(form.opinion_rows, 1)]
    table(ws, ["序号", "团支部", "活动", "评分", "基层青年意见"], rows, start_row=2, widths=OPINION_WIDTHS)


def _texts(wb: Workbook, name: str, form: MonthlyForm, overflow: list[Overflow]) -> None:
    ws = _sheet(wb, name, form, "表内未能列全的内容", TEXT_WIDTHS)
    rows = []
    for item in overflow:
        for n, piece in enumerate(chunks(item.text, TEXT_WIDTHS[1], PIECE_LINES)):
            rows.append([item.label if n == 0 else f"{item.label}（续）", piece])
    table(ws, ["栏目", "全文"], rows, start_row=2, widths=TEXT_WIDTHS)


def _photos(wb: Workbook, name: str, session: Session, form: MonthlyForm) -> None:
    from openpyxl.drawing.image import Image as XlImage
    from PIL import Image

    from models.feedback_export import photo

    ws = _sheet(wb, name, form, "被抽查团支部团员上传的活动照片", PHOTO_WIDTHS)
    table(ws, ["团支部", "活动照片"], [], start_row=2, widths=PHOTO_WIDTHS)
    row = 3
    for photo_id, branch in form.photo_ids:
        ph = photo(session, photo_id)
        if ph is None:
            continue
        try:
            with Image.open(io.BytesIO(ph.data)) as im:
                im.thumbnail(PHOTO_PX)
                buf = io.BytesIO()
                im.convert("RGB").save(buf, format="JPEG", quality=80)
        except OSError:
            continue  # an unreadable image is skipped, never a failed report
        img = XlImage(io.BytesIO(buf.getvalue()))
        for col, value in ((1, neutralise(branch)), (2, None)):
            c = ws.cell(row=row, column=col, value=value)
            c.border, c.alignment = BORDER, WRAP
        ws.add_image(img, f"B{row}")
        ws.row_dimensions[row].height = img.height * 0.75 + 8  # px → pt, and a margin below
        row += 1
    ws.cell(row=row + 1, column=1, value=f"共 {row - 3} 张").font = Font(italic=True)


def write_attachments(wb: Workbook, session: Session, form: MonthlyForm, shown: int, overflow: list[Overflow],
                      name: Callable[[str], str]) -> None:
    """The attached sheets ``form`` needs, named by ``name(suffix)``; none when everything fit."""
    if shown < len(form.opinion_rows):
        _opinions(wb, name("（意见）"), form)
    if overflow:
        _texts(wb, name("（全文）"), form, overflow)
    if form.photo_ids:
        _photos(wb, name("（照片）"), session, form)
