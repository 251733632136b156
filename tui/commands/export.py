"""``zhudian export feedback``: members' ratings to CSV, XLSX or JSON lines (and photos to a folder)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tui.cli import AppContext, fail, pass_app
from tui.say import say


@click.group()
def export() -> None:
    """导出数据。"""


@export.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json", "pdf"]), default=None,
              help="文件格式（默认按输出文件扩展名；pdf 即 XLSX 经 LibreOffice 转换）")
@click.option("--city", default=None, help="地市")
@click.option("--county", default=None, help="县（市、区）/镇街")
@click.option("--department", default=None, help="部门（导出其对接地市的评价）")
@click.option("--month", default=None, metavar="YYYY-MM", help="月份（北京时间）")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="起始日期（含）")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="截止日期（含）")
@click.option("--photos", "photos_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="把照片另存到此文件夹")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@pass_app
def feedback(app: AppContext, fmt: str | None, city: str | None, county: str | None, department: str | None,
             month: str | None, date_from, date_to, photos_dir: Path | None, output: Path) -> None:
    """导出团员评价：CSV（UTF-8 带 BOM）、XLSX（各地市汇总、图表、评价明细）、PDF 或 JSON Lines。"""
    from sqlmodel import Session

    from models.feedback_export import make_filter
    from tui.exports.feedback import export_feedback
    from tui.exports.pdf import PdfFailed, PdfUnavailable

    if fmt is None:
        fmt = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "json", ".pdf": "pdf"}.get(
            output.suffix.lower())
        if fmt is None:
            fail("请用 --format 指定格式（csv、xlsx、pdf 或 json）")
    with Session(app.engine()) as session:
        try:
            flt = make_filter(session, city=city, county=county, department=department, month=month,
                              date_from=_day(date_from), date_to=_day(date_to))
        except ValueError as exc:
            fail(str(exc))
        try:
            count, photos = export_feedback(session, flt, fmt, output, photos_dir)
        except (PdfUnavailable, PdfFailed) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"无法写入 {output}：{exc.strerror or exc}")
    extra = f"，照片 {photos} 张保存到 {photos_dir}" if photos_dir else ""
    say(f"已导出团员评价 {count} 条到 {output}{extra}")
    if not count:
        hint = app.demo_hint()
        say(hint or "提示：没有符合条件的评价；可放宽 --city、--month 等条件再试", err=True)


def _day(value) -> date | None:
    return value.date() if value else None


@export.command()
@click.option("--year", type=int, required=True, help="年度")
@click.option("--department", default=None, help="部门（默认：全部部门）")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.xlsx，或 .pdf（经 LibreOffice 转换）")
@pass_app
def visits(app: AppContext, year: int, department: str | None, output: Path) -> None:
    """驻点台账：每次驻点的日期、地点、参加干部、整天数、座谈会人数和记录来源。"""
    from sqlmodel import Session

    from models import records
    from models.reference import find_department
    from tui.exports.pdf import PdfFailed, PdfUnavailable, save
    from tui.exports.register import write_register

    if output.suffix.lower() not in (".xlsx", ".pdf"):
        fail(f"驻点台账请输出为 .xlsx 或 .pdf 文件：{output}")
    with Session(app.engine()) as session:
        dept = find_department(session, department) if department else None
        # Oldest first, as a register is kept; the year's visits whatever the campaign months.
        entries = [v for v in reversed(records.visits(session, department_id=dept.id if dept else None))
                   if v.start_date.year == year]
    heading = f"{year}年{dept.name if dept else '各部门'}驻点台账"
    try:
        save(lambda path: write_register(entries, heading, path), output)
    except (PdfUnavailable, PdfFailed) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror or exc}")
    say(f"已导出{heading}（{len(entries)} 次驻点）：{output}")
