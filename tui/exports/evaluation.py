"""``zhudian report evaluation``: cities and departments ranked, every component with its formula and
figures (verified or not), and per figure the ids of the records it rests on."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from models.evaluation import COMPONENT_LABELS, RECORD_LABELS, Evaluation, Score
from tui.exports.printing import print_setup
from tui.exports.style import WRAP, table, title

IDS_PER_CELL = 150  # ids per "依据记录" row: a row that prints whole on one page


def _ranking(ws, ev: Evaluation, scores: list[Score], what: str) -> None:
    city = what == "地市"
    keys = ("total", "objective") if city else ("department_total", "own", "outcomes")
    width = 9 if city else 10
    title(ws, f"{ev.year}年驻点工作评价：{what}排名（只计已核实的数据）", width)
    formulas = ev.formulas
    ws.cell(row=2, column=1, value="\n".join(formulas[k] for k in (*keys, "ratings", "experience")))
    ws.cell(row=2, column=1).alignment = WRAP
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[2].height = 64 if city else 100
    # One ranking, one page width; its column headers on every page.
    print_setup(ws, f"{ev.year}年驻点工作评价：{what}排名", header_rows="3:3")
    parts = ["objective"] if city else ["own", "outcomes"]
    rows = [[s.rank, s.name, s.total, *(s.component(k).score for k in parts), s.ratings, s.experience, s.worked,
             s.total_all, s.rank_all] for s in scores]
    table(ws, ["排名", what, "总分", *(COMPONENT_LABELS[k] for k in parts), COMPONENT_LABELS["ratings"],
               COMPONENT_LABELS["experience"], "计算", "若计入未核实数据：总分", "名次"], rows,
          start_row=3, widths=(6, 28, 8, *([12] * len(parts)), 12, 12, 36, 12, 8))


def _figures(ws, scores: list[Score], what: str, year: int) -> None:
    rows = []
    for s in scores:
        for c in s.components:
            rows.append([s.name, c.label, f"小计：{c.worked}", "", "", c.score, "", "", "", "", ""])
            for f in c.figures:
                rows.append([s.name, c.label, f.label, f.actual_text, f.target_text, f.score,
                             "是" if f.counted else "否（未到期）", f.verified_text, f.detail, f.unverified,
                             sum(len(v) for v in f.records.values())])
    table(ws, [what, "分项", "指标", "实际", "目标", "得分", "计分", "核实", "说明", "未核实数据（不计分）",
               "依据记录数"], rows, widths=(14, 12, 40, 12, 10, 8, 10, 8, 30, 30, 10))
    print_setup(ws, f"{year}年驻点工作评价：{what}指标明细", landscape=True, header_rows="1:1")


def _records(ws, scores: list[Score], year: int) -> None:
    """Per figure, the ids of its records (one row per table, long lists over several rows)."""
    rows = []
    for s in scores:
        for f in s.figures:
            for table_name, ids in f.records.items():
                for start in range(0, len(ids), IDS_PER_CELL):
                    rows.append([s.name, f.label, RECORD_LABELS.get(table_name, table_name),
                                 "、".join(str(i) for i in ids[start:start + IDS_PER_CELL])])
    table(ws, ["名称", "指标", "记录类型", "记录编号"], rows, widths=(14, 40, 12, 80))
    print_setup(ws, f"{year}年驻点工作评价：依据记录", landscape=True, header_rows="1:1")


def _evidence(ws, ev: Evaluation) -> None:
    """Per record a figure rests on: verified or not and why, the export files (system, export date,
    SHA-256, rows used), the on-site check, the system's receipt and the typed date, the marks."""
    rows = []
    for e in ev.evidence:
        files = "；".join(f"{x['system']}《{x['file']}》{x['exported_on']} 导出，SHA-256 {x['sha256']}，"
                         f"用 {x['rows_used']}/{x['rows_total']} 行" for x in e["files"])
        visits = "；".join(f"驻点 #{v['id']} {v['county']} {v['start']}—{v['end']} {v.get('cadre', '')}".rstrip()
                          for v in e["visits"])
        rows.append([RECORD_LABELS.get(e["table"], e["table"]), e["id"], "已核实" if e["verified"] else "未核实",
                     e["text"], e["received"] or "", e["claimed"] or "", "；".join(e["flags"]), files, visits])
    table(ws, ["记录类型", "编号", "核实", "来源", "系统收到", "所填日期", "标记", "导出文件", "实地核实"], rows,
          widths=(10, 8, 8, 36, 12, 12, 24, 60, 36))
    print_setup(ws, f"{ev.year}年驻点工作评价：核实依据", landscape=True, header_rows="1:1")


def write_evaluation(ev: Evaluation, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "地市排名"
    _ranking(ws, ev, ev.cities, "地市")
    _ranking(wb.create_sheet("部门排名"), ev, ev.departments, "部门")
    _figures(wb.create_sheet("地市指标明细"), ev.cities, "地市", ev.year)
    _figures(wb.create_sheet("部门指标明细"), ev.departments, "部门", ev.year)
    _records(wb.create_sheet("依据记录"), [*ev.cities, *ev.departments], ev.year)
    _evidence(wb.create_sheet("核实依据"), ev)
    rows = [[c.department, c.name, c.days, c.days_target, c.lectures, c.lectures_target, c.exempt or c.note,
             "是" if c.met else "否"] for c in ev.cadres]
    cadres = wb.create_sheet("专职干部")
    table(cadres, ["部门", "干部", "年累计驻点（整天）", "目标", "党团课（次）", "目标", "经党组批准不参加 / 调离折算", "达标"],
          rows, widths=(28, 12, 18, 8, 14, 8, 30, 8))
    print_setup(cadres, f"{ev.year}年专职干部驻点天数与党团课", header_rows="1:1")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
