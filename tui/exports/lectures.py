"""``zhudian report lectures``: the lecture materials summary for 宣传部."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from models.lectures import LectureSummary
from tui.exports.printing import print_setup
from tui.exports.style import table, title


def write_lectures(summary: LectureSummary, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "党团课汇总"
    title(ws, f"{summary.year}年专职干部讲党团课材料汇总（报宣传部）", 9)
    rows = [[r.department, r.cadre, r.title, r.held_on.isoformat(), r.place, r.audience, r.county or "未录入",
             r.materials or "未录入", r.source] for r in summary.rows]
    last = table(ws, ["部门", "授课干部", "题目", "时间", "地点", "授课人数", "县（市、区）", "课件材料", "记录来源"], rows,
                 start_row=2, widths=(24, 10, 32, 12, 20, 8, 16, 30, 16))
    ws.cell(row=last + 2, column=1, value=f"共 {len(summary.rows)} 次，授课人数合计 "
                                          f"{sum(r.audience for r in summary.rows)} 人")
    print_setup(ws, f"{summary.year}年专职干部讲党团课材料汇总", landscape=True, header_rows="2:2")
    missing = wb.create_sheet("未达标干部")
    table(missing, ["部门", "干部", "说明"],
          [[d, n, f"本年度讲党团课少于 {summary.target:g} 次"] for d, n in summary.missing], widths=(28, 12, 30))
    print_setup(missing, f"{summary.year}年讲党团课未达标的专职干部", header_rows="1:1")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
