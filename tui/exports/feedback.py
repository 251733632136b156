"""Writing members' ratings to CSV (UTF-8 with BOM), XLSX (summary + chart + every rating) or JSON lines."""

from __future__ import annotations

import csv
import io
import json
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
)
from tui.exports.safety import neutralise

FORMATS = ("csv", "xlsx", "json")


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


def write_xlsx(session: Session, flt: FeedbackFilter, out: Path, photos: PhotoSaver) -> int:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    # Write-only mode streams rows to disk: 100,000 ratings stay well under the memory budget.
    wb = Workbook(write_only=True)
    summary = wb.create_sheet("各地市汇总")
    summary.column_dimensions["A"].width = 12
    bold = Font(bold=True)
    header = ["地市", "评价数", "平均分", "1星", "2星", "3星", "4星", "5星"]
    summary.append([_bold(summary, h, bold) for h in header])
    cities = feedback_summary(session, flt)
    for s in cities:
        summary.append([s.city, s.count, s.mean, *s.distribution])
    if cities:
        n = len(cities) + 1
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "各地市团员评价分布"
        chart.y_axis.title = "评价数"
        chart.x_axis.title = "地市"
        chart.add_data(Reference(summary, min_col=4, max_col=8, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(summary, min_col=1, min_row=2, max_row=n))
        chart.width, chart.height = 24, 12
        summary.add_chart(chart, "J2")

        means = BarChart()
        means.type = "col"
        means.title = "各地市平均分"
        means.y_axis.scaling.min = 0
        means.y_axis.scaling.max = 5
        means.add_data(Reference(summary, min_col=3, min_row=1, max_row=n), titles_from_data=True)
        means.set_categories(Reference(summary, min_col=1, min_row=2, max_row=n))
        means.width, means.height = 24, 10
        summary.add_chart(means, "J28")

    detail = wb.create_sheet("评价明细")
    for letter, width in zip("ABCDEFGHI", (8, 8, 14, 28, 20, 6, 50, 12, 20), strict=True):
        detail.column_dimensions[letter].width = width
    detail.append([_bold(detail, h, bold) for h in HEADERS])
    count = 0
    for row in feedback_rows(session, flt, neutralise):
        detail.append(_cells(row, photos(row)))
        count += 1
    detail.freeze_panes = "A2"
    wb.save(out)
    return count


def _bold(ws, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}


def export_feedback(session: Session, flt: FeedbackFilter, fmt: str, out: Path,
                    photos_dir: Path | None = None) -> tuple[int, int]:
    """Write the export; returns (ratings written, photos saved)."""
    saver = PhotoSaver(session, photos_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = WRITERS[fmt](session, flt, out, saver)
    return count, saver.saved
