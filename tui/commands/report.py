"""``zhudian report``: the official monthly form (附件2), the evaluation, the lecture summary and the
monthly brief of members' suggestions."""

from __future__ import annotations

from pathlib import Path

import click

from models.targets import DEFAULT_YEAR
from tui.cli import AppContext, fail, pass_app
from tui.say import say

OUTPUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                      help="输出文件：.xlsx，或 .pdf（经 LibreOffice 转换）")


@click.group()
def report() -> None:
    """生成报表（附件2 月报表、评价、党团课汇总、意见建议简报）。"""


@report.command()
@click.option("--year", type=int, default=DEFAULT_YEAR, show_default=True, help="年度")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出的 .xlsx 文件")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出评价树（名次、各项公式、指标及其依据记录编号）")
@pass_app
def evaluation(app: AppContext, year: int, output: Path | None, as_json: bool) -> None:
    """地市和部门评价排名：只计已核实的数据，含各项公式、指标及其依据的记录。"""
    from sqlmodel import Session

    from models.evaluation import evaluate
    from tui.cli import echo_json
    from tui.exports.evaluation import write_evaluation

    if output is None and not as_json:
        fail("请用 -o 指定输出的 .xlsx 文件，或加 --json 输出评价树", 2)
    with Session(app.engine()) as session:
        ev = evaluate(session, year)
    if output is not None:
        _save(lambda path: write_evaluation(ev, path), output)
    if as_json:
        echo_json(ev.as_dict())
    else:
        say(f"已生成{year}年评价表：{output}")


@report.command()
@click.option("--year", type=int, default=DEFAULT_YEAR, show_default=True, help="年度")
@OUTPUT
@pass_app
def lectures(app: AppContext, year: int, output: Path) -> None:
    """专职干部讲党团课材料汇总（授课人、题目、时间、地点、人数），报宣传部。"""
    from sqlmodel import Session

    from models.lectures import lecture_summary
    from tui.exports.lectures import write_lectures

    with Session(app.engine()) as session:
        summary = lecture_summary(session, year)
    _save(lambda path: write_lectures(summary, path), output)
    say(f"已生成{year}年党团课汇总（{len(summary.rows)} 次）：{output}")


def _save(write, output: Path) -> None:
    """``write(path)`` to ``output``: the workbook, or its PDF through LibreOffice for a .pdf name."""
    from tui.exports.pdf import PdfFailed, PdfUnavailable, save

    try:
        save(write, output)
    except (PdfUnavailable, PdfFailed) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror or exc}")


@report.command()
@click.option("--city", required=True, help="地市")
@click.option("--county", default=None, help="县（市、区）/镇街（默认：该地市全部）")
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@OUTPUT
@pass_app
def monthly(app: AppContext, city: str, county: str | None, month: str, output: Path) -> None:
    """附件2《团的基层建设推动情况》月报表：每个县（市、区）一张工作表，无记录的栏目填“未录入”。"""
    from sqlmodel import Session

    from models.monthly_form import monthly_forms
    from tui.exports.monthly import write_monthly

    with Session(app.engine()) as session:
        try:
            forms = monthly_forms(session, city, month, county)
        except ValueError as exc:
            fail(str(exc))
        _save(lambda path: write_monthly(session, forms, path), output)
    say(f"已生成 {forms[0].city if forms else city} {month} 月报表（{len(forms)} 个县区）：{output}")


@report.command()
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@click.option("--city", default=None, help="地市（默认：全省和每个地市各一张工作表）")
@OUTPUT
@pass_app
def feedback(app: AppContext, month: str, city: str | None, output: Path) -> None:
    """团员青年意见建议月度简报：各地市主要意见主题（数量、趋势、代表性意见）、评分最低的活动、需优先关注的意见。"""
    from sqlmodel import Session

    from models.reference import find_city
    from models.themes.brief import feedback_brief
    from tui.exports.brief import write_brief

    period = _month(month, output, "简报")
    with Session(app.engine()) as session:
        city_id = find_city(session, city).id if city else None
        brief = feedback_brief(session, period, city_id)
    _save(lambda path: write_brief(brief, path), output)
    flagged = sum(sec.summary.urgent.count for sec in brief.cities)
    say(f"已生成{brief.cities[0].scope if city else '全省'}{period.label}意见建议简报"
               f"（需优先关注 {flagged} 条）：{output}")


@report.command()
@click.option("--month", required=True, metavar="YYYY-MM", help="月份")
@click.option("--today", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="按哪一天判断报送状态（默认今天，北京时间）")
@OUTPUT
@pass_app
def summary(app: AppContext, month: str, as_of, output: Path) -> None:
    """全省月度汇总：第一页为领导阅的 A4 一页表（每个地市一行），其后为明细、各部门情况和需优先关注的意见。"""
    from sqlmodel import Session

    from models.summary import month_summary
    from tui.exports.summary import write_summary

    period = _month(month, output, "汇总")
    with Session(app.engine()) as session:
        result = month_summary(session, period, today=as_of.date() if as_of else None)
    _save(lambda path: write_summary(result, path), output)
    say(f"已生成{period.label}全省汇总（{len(result.rows)} 个地市）：{output}")


def _month(month: str, output: Path, what: str):
    """A month's report: ``--month`` must name a month (YYYY-MM) and the file be .xlsx or .pdf."""
    from models.figures.period import Period

    try:
        period = Period.parse(month)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    if period.month is None:
        raise click.BadParameter(f"请给出月份 YYYY-MM（如 2019-05）：{month}", param_hint="--month")
    if output.suffix.lower() not in (".xlsx", ".pdf"):
        fail(f"{what}请输出为 .xlsx 或 .pdf 文件：{output}")
    return period
