"""Writing members' ratings to CSV (UTF-8 with BOM), XLSX (summary + chart + every rating) or JSON lines."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from models.feedback_export import (
    HEADERS,
    FeedbackFilter,
    FeedbackRow,
    feedback_batches,
    feedback_csv_batches,
    feedback_rows,
    feedback_summary,
    photo,
    photo_filename,
    summary_total,
)
from tui.exports.printing import print_setup
from tui.exports.safety import neutralise
from tui.exports.style import WRAP
from tui.exports.textfit import DEFAULT_ROW_PT, PADDING, WIDE, row_height

FORMATS = ("csv", "xlsx", "json", "pdf")


class PhotoSaver:
    """Copies each rating's photo into a folder (when asked) and names the file in the export."""

    def __init__(self, session: Session, folder: Path | None):
        self.session = session
        self.folder = folder
        self.saved = 0
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, row: FeedbackRow) -> str:
        if row.photo_id is None:
            return ""
        if self.folder is None:
            return f"照片#{row.photo_id}"
        ph = photo(self.session, row.photo_id)
        if ph is None:
            return ""
        name = photo_filename(row.id, ph.mime)
        (self.folder / name).write_bytes(ph.data)
        self.saved += 1
        return name


def _cells(row: FeedbackRow, photo_name: str) -> tuple:
    return (row.id, row.city, row.county, row.branch, row.activity, row.score, row.suggestion, photo_name,
            row.created_at)


def write_csv(session: Session, flt: FeedbackFilter, out: Path, photos: PhotoSaver) -> int:
    count = 0
    # utf-8-sig: the BOM makes Excel and WPS open the Chinese text correctly.
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(HEADERS)
        if photos.folder is None:
            # The fast path: the database joins, formats and neutralises; rows go straight to the file.
            batches = feedback_csv_batches(session, flt)
        else:
            batches = ([_cells(r, photos(r)) for r in map(FeedbackRow._make, batch)]
                       for batch in feedback_batches(session, flt, neutralise))
        for batch in batches:
            writer.writerows(batch)
            count += len(batch)
            f.write(buf.getvalue())  # one write per batch: the encoder runs once, not per row
            buf.seek(0)
            buf.truncate()
        f.write(buf.getvalue())
    return count


def write_json(session: Session, flt: FeedbackFilter, out: Path, photos: PhotoSaver) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for row in feedback_rows(session, flt):
            f.write(json.dumps({
                "id": row.id, "city": row.city, "county": row.county, "branch": row.branch,
                "activity": row.activity, "score": row.score, "suggestion": row.suggestion,
                "photo": photos(row) or None, "created_at": row.created_at.replace(" ", "T") + "+08:00",
            }, ensure_ascii=False) + "\n")
            count += 1
    return count


SUMMARY_HEADERS = ["地市", "评价数", "平均分", "1星", "2星", "3星", "4星", "5星"]
SUMMARY_WIDTHS = (12, 10, 10, 8, 8, 8, 8, 8)
DETAIL_WIDTHS = (8, 8, 14, 28, 20, 6, 50, 10, 20)
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
CHART_CM = (25.0, 12.0)  # ≈ 709 × 340 pt: within a landscape page's width and one row's height
CHART_ROW_PT = 409.0  # each chart has a row of its own, and a row never splits across pages
# The charts stand this far down their rows: a page that ends early (the next row did not fit) still
# shows what lies below its last row down to its bottom margin, and must not show a chart's top.
CHART_DROP_PT = 60.0


def _photo_cell(photos: PhotoSaver, row: FeedbackRow) -> str:
    """是/否 — or the photo's file name when photos are saved to a folder."""
    if row.photo_id is None:
        return "否"
    return photos(row) if photos.folder is not None else "是"


def _mean_axis(means: list[float]) -> tuple[float, float]:
    """An axis from just under the lowest mean to just over the highest, so the bars show the
    differences (on a 0–5 axis every city's 4.2 looks the same)."""
    low, high = min(means), max(means)
    return max(0.0, math.floor(low * 10 - 1) / 10), min(5.0, math.ceil(high * 10 + 1) / 10)


def _charts(wb, summary, n: int, means: list[float]) -> None:
    """The charts of the summary on a sheet of their own, each in a row as tall as itself: two such rows
    do not fit one landscape page, so each chart prints whole on a page of its own."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import cm_to_EMU, pixels_to_EMU

    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "各地市团员评价分布"
    chart.y_axis.title, chart.x_axis.title = "评价数", "地市"
    chart.add_data(Reference(summary, min_col=4, max_col=8, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=n))

    low, high = _mean_axis(means)
    mean_chart = BarChart()
    mean_chart.type = "col"
    mean_chart.title = f"各地市平均分（纵轴自 {low:.1f} 分起）"
    mean_chart.y_axis.title, mean_chart.x_axis.title = "平均分", "地市"
    mean_chart.y_axis.scaling.min, mean_chart.y_axis.scaling.max = low, high
    mean_chart.y_axis.majorUnit = 0.1 if high - low <= 1.2 else 0.5
    mean_chart.y_axis.number_format = "0.0"
    mean_chart.legend = None
    mean_chart.add_data(Reference(summary, min_col=3, min_row=1, max_row=n), titles_from_data=True)
    mean_chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=n))
    mean_chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False,
                                          showLegendKey=False, showPercent=False)

    sheet = wb.create_sheet("图表")
    print_setup(sheet, "团员评价图表", landscape=True)
    sheet.append(["图中数据见“各地市汇总”工作表"])
    for row, ch in enumerate((chart, mean_chart), start=2):
        # openpyxl hides axes unless told otherwise (delete=True by default in 3.1).
        ch.x_axis.delete = ch.y_axis.delete = False
        ch.width, ch.height = CHART_CM
        ch.anchor = OneCellAnchor(_from=AnchorMarker(col=0, row=row - 1, rowOff=pixels_to_EMU(CHART_DROP_PT * 4 / 3)),
                                  ext=XDRPositiveSize2D(cm_to_EMU(CHART_CM[0]), cm_to_EMU(CHART_CM[1])))
        sheet.row_dimensions[row].height = CHART_ROW_PT
        sheet.append([None])
        sheet.add_chart(ch)


def write_xlsx(session: Session, flt: FeedbackFilter, out: Path, photos: PhotoSaver) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    # Write-only mode streams rows to disk: 100,000 ratings stay well under the memory budget.
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("各地市汇总")
    for letter, width in zip("ABCDEFGH", SUMMARY_WIDTHS, strict=True):
        summary.column_dimensions[letter].width = width
    bold = Font(bold=True)
    # A write-only sheet writes its view and print properties with the first row: set them before.
    summary.freeze_panes = "A2"
    print_setup(summary, "团员评价各地市汇总", header_rows="1:1")
    summary.append([_bold(summary, h, bold) for h in SUMMARY_HEADERS])
    cities = feedback_summary(session, flt)
    for s in cities:
        summary.append([s.city, s.count, s.mean, *s.distribution])
    scoped = flt.city_id is not None or flt.county_id is not None or flt.department_id is not None
    total = summary_total(cities, "合计" if scoped else "全省合计")
    summary.append([_bold(summary, v, bold) for v in (total.city, total.count, total.mean, *total.distribution)])
    n = len(cities) + 1
    summary.auto_filter.ref = f"A1:H{n}"

    detail = wb.create_sheet("评价明细")
    for letter, width in zip("ABCDEFGHI", DETAIL_WIDTHS, strict=True):
        detail.column_dimensions[letter].width = width
    detail.freeze_panes = "A2"
    print_setup(detail, "团员评价明细", landscape=True, header_rows="1:1")
    detail.append([_bold(detail, h, bold) for h in HEADERS])
    # A row whose text wraps is written through these cells (styled once, given each row's values):
    # a styled cell per value would cost more than the rest of the export.
    wrapped = [_wrapped(detail) for _ in HEADERS]
    wrapped[-1].number_format = TIME_FORMAT
    count = 0
    for row in feedback_rows(session, flt, neutralise):
        cells = list(_cells(row, _photo_cell(photos, row)))
        cells[-1] = datetime.fromisoformat(row.created_at)  # a date-time cell Excel can sort and filter
        number = count + 2
        height = row_height([(v, w) for v, w in zip(cells[2:7], DETAIL_WIDTHS[2:7], strict=True)
                             if isinstance(v, str) and len(v) * WIDE > w - PADDING * 2])
        if height > DEFAULT_ROW_PT:
            detail.row_dimensions[number].height = height
            for cell, value in zip(wrapped, cells, strict=True):
                cell.value = value
            cells = wrapped
        detail.append(cells)
        detail.row_dimensions.pop(number, None)  # written; memory stays flat
        count += 1
    detail.auto_filter.ref = f"A1:I{count + 1}"
    if cities:
        _charts(wb, summary, n, [s.mean for s in cities if s.mean is not None])
    wb.save(out)
    return count


def _wrapped(ws):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    cell.alignment = WRAP
    return cell


def _bold(ws, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def write_pdf(session: Session, flt: FeedbackFilter, out: Path, photos: PhotoSaver) -> int:
    """The XLSX export as printed, through LibreOffice."""
    from tui.exports.pdf import write_pdf as through_office

    return through_office(lambda path: write_xlsx(session, flt, path, photos), out)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json, "pdf": write_pdf}


def export_feedback(session: Session, flt: FeedbackFilter, fmt: str, out: Path,
                    photos_dir: Path | None = None) -> tuple[int, int]:
    """Write the export; returns (ratings written, photos saved)."""
    saver = PhotoSaver(session, photos_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = WRITERS[fmt](session, flt, out, saver)
    return count, saver.saved
