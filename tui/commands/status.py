"""``zhudian status``: the per-city progress table on stdout, for scripts and cron."""

from __future__ import annotations

import click
from sqlmodel import Session

from models.clock import today
from models.figures.overview import RowContext, load_overview
from models.figures.period import Period
from models.progress import Figures
from models.provenance import report_marks_by_city
from models.targets import campaign_years, targets_for
from tui.cli import AppContext, echo_json, pass_app
from tui.say import say
from tui.textwidth import table


def default_period(session: Session) -> Period:
    """This month if it falls in the latest campaign, else that campaign's whole year."""
    years = campaign_years(session)
    year = years[-1] if years else today().year
    now = today()
    if now.year == year and now.month in targets_for(session, year).months:
        return Period(year, now.month)
    return Period(year)


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "未录入" if value is None else fmt.format(value)


def city_rows(figures: list[Figures], context: dict[int, RowContext],
              marks: dict[int, tuple[int, int]] | None = None) -> list[list[str]]:
    """One row per city; the seed sets visit-day targets per department, so a city's days carry none."""
    rows = []
    for f in figures:
        violations, missed, risks = context[f.id].alerts
        rows.append([
            f.name,
            "、".join(f.departments),
            f"{f.visit_days:g}",
            f"{f.visit_days_year:g}",
            f"{f.counties_covered}/{f.counties_total}",
            f"{f.branches_checked}/{f.check_failures}",
            str(f.rating_count),
            str(f.verified_ratings),
            _num(f.rating_mean, "{:.2f}") if f.rating_count else "—",
            str(f.suggestions),
            _num(f.volunteer_rate, "{:.1f}%"),
            _num(f.service_hours),
            str(f.lectures),
            f"{f.forms_on_time}/{f.forms_late}/{f.forms_missing}",
            f"{violations}/{missed}/{risks}",
            "{}/{}".format(*(marks or {}).get(f.id, (0, 0))),
        ])
    return rows


HEADERS = ["地市", "对接部门", "驻点天数", "累计天数", "覆盖县区", "抽查/问题", "评价数", "其中核实", "平均分",
           "意见", "注册志愿者率", "人均时长", "党团课", "月报 按时/迟/缺", "违规/未达标/风险",
           "月报 未核实/报送后修改"]


@click.command()
@click.option("--month", "month", metavar="YYYY-MM", help="统计月份（如 2019-05）或年份（如 2019，表示全年）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def status(app: AppContext, month: str | None, as_json: bool) -> None:
    """各地市驻点工作进度。"""
    with Session(app.engine()) as session:
        if month:
            try:
                period = Period.parse(month)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--month") from None
        else:
            period = default_period(session)
        # The dashboard's overview rows (models.figures.overview), so the two never disagree.
        data = load_overview(session, period, today())
        # Forms whose figures no export or on-site check backs, and forms changed after their deadline.
        marks = report_marks_by_city(session, period.year, [period.month] if period.month else
                                     targets_for(session, period.year).months)
    if as_json:
        echo_json({"period": period.key, "label": period.label,
                   "cities": [{**f.as_dict(), "violations": data.context[f.id].alerts[0],
                               "missed": data.context[f.id].alerts[1], "risks": data.context[f.id].alerts[2],
                               "forms_unverified": marks.get(f.id, (0, 0))[0],
                               "forms_amended": marks.get(f.id, (0, 0))[1]} for f in data.figures]})
        return
    say(f"{period.label} 各地市驻点工作进度（驻点天数的目标按部门计：每个部门每月 3 个整天；违规 = 违反禁止性规定，未达标含未报）")
    say(table(HEADERS, city_rows(data.figures, data.context, marks),
              right=(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15)))
