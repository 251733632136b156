"""``zhudian report evaluation``: cities and departments ranked, every component with its figures."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from models.evaluation import COMPONENT_LABELS, Evaluation, Score
from tui.exports.printing import print_setup
from tui.exports.style import note, table, title

RANKING_WIDTHS = (6, 28, 8, 12, 12, 12, 8, 8)


def _ranking(ws, ev: Evaluation, scores: list[Score], what: str) -> None:
    t = ev.targets
    title(ws, f"{ev.year}年驻点工作评价：{what}排名", 8)
    note(ws, 2, (
        f"权重：{COMPONENT_LABELS['objective']} {t.weight_objective:g}、{COMPONENT_LABELS['ratings']} "
        f"{t.weight_ratings:g}、{COMPONENT_LABELS['experience']} {t.weight_experience:g}；各项 0–100 分，"
        "无记录的数据按 0 分计（未录入）"), 8, sum(RANKING_WIDTHS))
    # One ranking, one page width; its column headers on every page.
    print_setup(ws, f"{ev.year}年驻点工作评价：{what}排名", header_rows="3:3")
    rows = [[s.rank, s.name, s.total, s.objective, s.ratings, s.experience,
             s.rating_count, s.rating_mean if s.rating_mean is not None else "未录入"] for s in scores]
    table(ws, ["排名", what, "总分", "系统客观数据", "团员青年评价", "典型经验推广", "评价数", "平均分"], rows,
          start_row=3, widths=RANKING_WIDTHS)


def _figures(ws, scores: list[Score], what: str, year: int) -> None:
    rows = []
    for s in scores:
        for f in s.figures:
            rows.append([s.name, f"系统客观数据：{f.label}", f.actual_text,
                         "" if f.target is None else f"{f.target:g}{f.unit}", f.score])
        rows.append([s.name, "团员青年评价：评价数 / 平均分",
                     f"{s.rating_count} 条 / " + (f"{s.rating_mean:g}" if s.rating_mean is not None else "未录入"),
                     "5 分制（1 星 = 0 分，5 星 = 100 分）", s.ratings])
        rows.append([s.name, "典型经验推广：在全省推广的经验数", f"{s.experiences} 条", "", s.experience])
    table(ws, [what, "指标", "实际", "目标", "得分"], rows, widths=(28, 44, 18, 30, 8))
    print_setup(ws, f"{year}年驻点工作评价：{what}指标明细", landscape=True, header_rows="1:1")


def write_evaluation(ev: Evaluation, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "地市排名"
    _ranking(ws, ev, ev.cities, "地市")
    _ranking(wb.create_sheet("部门排名"), ev, ev.departments, "部门")
    _figures(wb.create_sheet("地市指标明细"), ev.cities, "地市", ev.year)
    _figures(wb.create_sheet("部门指标明细"), ev.departments, "部门", ev.year)
    rows = [[c.department, c.name, c.days, c.days_target, c.lectures, c.lectures_target, "是" if c.met else "否"]
            for c in ev.cadres]
    cadres = wb.create_sheet("专职干部")
    table(cadres, ["部门", "干部", "年累计驻点（整天）", "目标", "党团课（次）", "目标", "达标"],
          rows, widths=(28, 12, 18, 8, 14, 8, 8))
    print_setup(cadres, f"{ev.year}年专职干部驻点天数与党团课", header_rows="1:1")
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
