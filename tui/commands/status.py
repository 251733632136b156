"""``zhudian status``: the per-city progress table on stdout, for scripts and cron."""

from __future__ import annotations

import click
from sqlmodel import Session

from models.clock import today
from models.progress import STATUS_LABELS, Figures, Period, progress
from models.targets import campaign_years, targets_for
from tui.cli import AppContext, echo_json, pass_app
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


def city_rows(figures: list[Figures]) -> list[list[str]]:
    rows = []
    for f in figures:
        target = "" if f.visit_days_target is None else f"/{f.visit_days_target:g}"
        rows.append([
            f.name,
            "、".join(f.departments),
            f"{f.visit_days:g}{target}",
            f"{f.visit_days_year:g}",
            f"{f.counties_covered}/{f.counties_total}",
            f"{f.branches_checked}/{f.check_failures}",
            str(f.rating_count),
            _num(f.rating_mean, "{:.2f}") if f.rating_count else "—",
            str(f.suggestions),
            _num(f.volunteer_rate, "{:.1f}%"),
            _num(f.service_hours),
            str(f.lectures),
            f"{f.forms_on_time}/{f.forms_late}/{f.forms_missing}",
            STATUS_LABELS[f.status],
        ])
    return rows


HEADERS = ["地市", "对接部门", "驻点天数/目标", "累计天数", "覆盖县区", "抽查/问题", "评价数", "平均分",
           "意见", "注册志愿者率", "人均时长", "党团课", "月报 按时/迟/缺", "状态"]


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
        figures = progress(session, "city", period)
    if as_json:
        echo_json({"period": period.key, "label": period.label, "cities": [f.as_dict() for f in figures]})
        return
    click.echo(f"{period.label} 各地市驻点工作进度")
    click.echo(table(HEADERS, city_rows(figures), right=(2, 3, 4, 5, 6, 7, 8, 9, 10, 11)))
