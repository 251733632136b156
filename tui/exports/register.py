"""``zhudian export visits``: the visit register (驻点台账) — every visit with its dates, place, cadres,
days, meeting size and where the record came from; A4 landscape like the other reports."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from models.records import VisitRow
from models.text import clean_text
from tui.exports.printing import print_setup
from tui.exports.style import note, table, title

HEADERS = ["序号", "部门", "开始日期", "结束日期", "地市", "县（市、区）", "乡镇（街道）", "参加干部", "整天数", "座谈会人数", "记录来源"]
WIDTHS = (6, 22, 11, 11, 7, 14, 14, 26, 7, 9, 20)


def write_register(entries: list[VisitRow], heading: str, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "驻点台账"
    title(ws, heading, len(HEADERS), sum(WIDTHS))
    rows = [[i, e.department, e.start_date.isoformat(), e.end_date.isoformat(), e.city, e.county or "未到县（只到市级）",
             clean_text(e.town) or "未录入", clean_text("、".join(e.cadres)) or "未录入", e.full_days,
             "未录入" if e.max_meeting_size is None else e.max_meeting_size, e.source] for i, e in enumerate(entries, start=1)]
    last = table(ws, HEADERS, rows, start_row=2, widths=WIDTHS)
    note(ws, last + 2, f"共 {len(entries)} 次驻点，合计 {sum(e.full_days for e in entries):g} 个整天。", len(HEADERS), sum(WIDTHS))
    print_setup(ws, heading, landscape=True, header_rows="2:2")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
