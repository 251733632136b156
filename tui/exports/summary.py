"""``zhudian report summary``: the province's monthly summary for its leaders — one A4 page first (every
city's row), then the detail (all columns), the departments and the flagged suggestions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from models.clock import local
from models.evaluation import NOT_RECORDED
from models.figures.deadlines import STATE_LABELS
from models.summary import CityRow, Summary
from models.text import clean_text
from tui.exports.printing import print_setup
from tui.exports.style import note, table, title


def _n(value: float | int | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return NOT_RECORDED
    return f"{value:.{digits}f}{unit}" if isinstance(value, float) and value != int(value) else f"{value:g}{unit}"


def _mean(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:.2f}"


def _days(r: CityRow) -> str:
    return f"{r.visit_days:g}/{r.visit_days_target:g}" if r.visit_days_target is not None else f"{r.visit_days:g}"


def _forms(r: CityRow) -> str:
    return f"{r.forms_on_time}/{r.forms_late}/{r.forms_missing}" + (f"（未到期{r.forms_pending}）" if r.forms_pending else "")


def _two_new(r: CityRow) -> str:
    return f"{_n(r.new_nonpublic_orgs)}/{_n(r.new_social_orgs)}"


LEADER_HEADERS = ["序号", "地市", "对接部门", "驻点天数\n实际/目标", "月报表\n按时/迟报/未报", "抽查支部\n/发现问题",
                  "新建团组织\n非公/社会", "志愿者\n注册率", "已核实\n评价(本月)", "核实评价\n平均星级", "需优先\n关注意见", "进度"]
LEADER_WIDTHS = (5, 7, 30, 10, 14, 10, 11, 9, 10, 10, 9, 9)


def _leader_row(r: CityRow) -> list:
    return [r.seq or "", r.city, r.departments if r.seq else "15个部门", _days(r), _forms(r),
            f"{r.branches_checked}/{r.check_failures}", _two_new(r), _n(r.volunteer_rate, "%"), r.verified_ratings,
            _mean(r.verified_mean), r.flagged, r.status_label]


DETAIL_HEADERS = ["序号", "地市", "对接部门", "驻点天数", "目标天数", "月报按时", "迟报", "未报", "未到期", "抽查支部",
                  "发现问题支部", "新建非公企业团组织", "非公企业任务底数", "新建社会组织团组织", "社会组织任务底数",
                  "团员注册志愿者比例", "人均服务时长（小时）", "年平均服务次数", "已核实评价（本月）",
                  "核实评价平均星级（年度累计）", "计入平均的评价数", "需优先关注意见", "进度"]
DETAIL_WIDTHS = (5, 7, 30, 7, 7, 7, 6, 6, 7, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 10, 9, 8, 7)


def _detail_row(r: CityRow) -> list:
    return [r.seq or "", r.city, r.departments, r.visit_days, _n(r.visit_days_target), r.forms_on_time, r.forms_late,
            r.forms_missing, r.forms_pending, r.branches_checked, r.check_failures, _n(r.new_nonpublic_orgs),
            _n(r.nonpublic_baseline), _n(r.new_social_orgs), _n(r.social_baseline), _n(r.volunteer_rate, "%"),
            _n(r.service_hours, "", 2), _n(r.service_times, "", 2), r.verified_ratings, _mean(r.verified_mean),
            r.verified_mean_count, r.flagged, r.status_label]


def write_summary(summary: Summary, out: Path) -> None:
    wb = Workbook()
    heading = f"{summary.label}团省委专职干部驻点工作汇总"
    asof = f"截至 {summary.today:%Y-%m-%d}"

    ws = wb.active
    ws.title = "领导阅"
    title(ws, heading, len(LEADER_HEADERS), sum(LEADER_WIDTHS))
    table(ws, LEADER_HEADERS, [*(_leader_row(r) for r in summary.rows), _leader_row(summary.total)],
          start_row=2, widths=LEADER_WIDTHS)
    last = len(summary.rows) + 3
    note(ws, last + 1, f"{asof}。驻点天数按部门对接地市分摊目标；月报表为本月各县（市、区）份数；核实评价平均星级为年度累计、"
                       "只计实地抽查时现场二维码的评价；需优先关注意见指提及安全、紧急困难的意见。明细见后页。",
         len(LEADER_HEADERS), sum(LEADER_WIDTHS))
    print_setup(ws, heading, landscape=True, left=asof)
    ws.page_setup.fitToHeight = 1  # the leaders' version is one page, whatever the row heights

    detail = wb.create_sheet("明细")
    title(detail, f"{heading}（明细）", len(DETAIL_HEADERS), sum(DETAIL_WIDTHS))
    table(detail, DETAIL_HEADERS, [*(_detail_row(r) for r in summary.rows), _detail_row(summary.total)],
          start_row=2, widths=DETAIL_WIDTHS)
    print_setup(detail, f"{heading}（明细）", landscape=True, header_rows="2:2", left=asof)

    depts = wb.create_sheet("各部门")
    title(depts, f"{summary.label}各部门驻点情况", 6, 130)
    rows = []
    for d in summary.departments:
        forms = "；".join(f"{s.city}·{s.county}（{STATE_LABELS[s.state]}）" for s in d.forms) or "均已报送"
        cadres = "；".join(f"{clean_text(c.name)} {c.days:g}天（应达{c.share:g}）" for c in d.cadres_short) or "无"
        rows.append([d.name, d.cities, f"{d.visit_days:g}/{_n(d.visit_days_target)}", forms, cadres,
                     {"on_track": "达标", "at_risk": "有风险", "below": "未达标"}.get(d.status, d.status)])
    table(depts, ["部门", "对接地市", "本月驻点天数\n实际/目标", "月报表未收到的县（市、区）", "累计驻点低于进度的干部", "进度"],
          rows, start_row=2, widths=(22, 14, 12, 40, 34, 8))
    print_setup(depts, f"{summary.label}各部门驻点情况", landscape=True, header_rows="2:2", left=asof)

    flagged = wb.create_sheet("需优先关注意见")
    title(flagged, f"{summary.label}需优先关注的团员青年意见", 6, 130)
    table(flagged, ["时间", "地市", "县（市、区）", "团支部", "星级", "意见建议"],
          [[local(r.created_at).strftime("%Y-%m-%d %H:%M"), r.city, r.county, clean_text(r.branch), r.score,
            clean_text(r.suggestion, multiline=True)]
           for r in summary.flagged], start_row=2, widths=(16, 8, 14, 24, 6, 62))
    if not summary.flagged:
        note(flagged, 4, "本月没有需优先关注的意见。", 6, 130)
    print_setup(flagged, f"{summary.label}需优先关注的团员青年意见", landscape=True, header_rows="2:2", left=asof)

    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
