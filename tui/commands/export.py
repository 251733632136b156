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


def _day(value) -> date | None:
    return value.date() if value else None
