"""``zhudian import KIND FILE``: validate a whole spreadsheet, then write it (all or nothing, audited);
``zhudian import export FILE --system …``: keep a system export as evidence and write its figures."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from tui.cli import AppContext, echo_json, pass_app
from tui.commands.template import KIND_NAMES
from tui.say import say

SYSTEM_NAMES = ("智慧团建", "i志愿", "青年之声")


def _date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD（如 2019-05-31）：{value}") from None


def _month(_ctx, _param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        year, month = (int(x) for x in value.split("-"))
        date(year, month, 1)
    except ValueError:
        raise click.BadParameter(f"月份格式应为 YYYY-MM（如 2019-05）：{value}") from None
    return year, month


@click.command("import")
@click.argument("kind", type=click.Choice((*KIND_NAMES, "export")))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--actor", default=None, help="操作人（默认：当前系统用户）")
@click.option("--backfill", is_flag=True, help="补录：系统启用前的历史记录（须同时写 --reason），标记为补录，按年度目标计分（默认不计为按时）")
@click.option("--reason", default="", help="补录的原因")
@click.option("--system", type=click.Choice(SYSTEM_NAMES), help="export：导出文件所属系统")
@click.option("--exported", callback=_date, help="export：系统导出日期 YYYY-MM-DD")
@click.option("--department", help="export：带来该文件的部门")
@click.option("--city", help="export：地市（县区重名时）")
@click.option("--county", help="export：县（市、区）；不写时按文件的“所属县区”列")
@click.option("--month", callback=_month, help="export：文件作为哪个月份的依据 YYYY-MM（默认：导出日期所在月）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果或错误")
@pass_app
def import_cmd(app: AppContext, kind: str, file: Path, actor: str | None, backfill: bool, reason: str,
               system: str | None, exported: date | None, department: str | None, city: str | None,
               county: str | None, month: tuple[int, int] | None, as_json: bool) -> None:
    """导入 XLSX 或 CSV（UTF-8、带 BOM 的 UTF-8、GB18030）。

    先校验全部行：任何一行有误则不写入任何数据，并列出每个错误（行、列、值、原因）。
    同一文件重复导入不会改变任何数据；每条新增或修改都记入审计日志。

    类型与 zhudian template 相同：cadres 专职干部名册、visits 驻点记录、spotchecks 实地抽查、
    lectures 党团课、branches 团支部名录、monthly 月度数据、projects 服务青年工作项目报告、
    experiences 典型经验、plans 地市实施方案。

    报送时间以系统收到（导入）的时间为准，文件中填写的报送日期仅作保存。

    KIND 为 export 时导入“智慧团建”“i志愿”的导出文件：保留文件的 SHA-256、大小和行数，
    由文件各行计算数字（姓名、身份证号、手机号等个人信息读取时即丢弃）。
    """
    if backfill and not reason.strip():
        raise click.UsageError("--backfill 须同时用 --reason 写明补录原因")
    if not backfill and reason.strip():
        raise click.UsageError("--reason 只用于 --backfill 补录")
    if kind == "export":
        _export(app, file, actor, reason.strip() if backfill else "", system, exported, department, city, county,
                month, as_json)
        return
    from models.db import session_scope
    from models.importing import KINDS, ImportRejected, run_import

    engine = app.engine()
    try:
        with session_scope(engine) as session:
            result = run_import(session, KINDS[kind], file, actor=actor, backfill=reason.strip() if backfill else "")
    except ImportRejected as exc:
        if as_json:
            echo_json({"ok": False, "message": exc.file_problem or str(exc),
                       "errors": [e.__dict__ for e in exc.errors]})
        else:
            if exc.file_problem:
                say(f"错误：{exc.file_problem}", err=True)
            else:
                say(f"错误：文件“{file.name}”有 {len(exc.errors)} 处问题，未写入任何数据：", err=True)
                for error in exc.errors:
                    say(f"  {error}", err=True)
        sys.exit(1)
    if as_json:
        echo_json({"ok": True, **result.as_dict()})
        return
    label = KINDS[kind].label
    say(f"已导入{label} {result.rows} 行：新增 {result.created}，修改 {result.updated}，"
        f"未变 {result.unchanged}" + ("（已跳过模板示例行）" if result.skipped_example else "")
        + ("（补录）" if backfill else ""))
    for warning in result.warnings:
        say(f"  提示：{warning}")


def _export(app: AppContext, file: Path, actor: str | None, backfill: str, system: str | None,
            exported: date | None, department: str | None, city: str | None, county: str | None,
            month: tuple[int, int] | None, as_json: bool) -> None:
    missing = [name for name, value in (("--system", system), ("--exported", exported),
                                        ("--department", department)) if not value]
    if missing:
        raise click.UsageError(f"import export 须写明：{'、'.join(missing)}")
    from models.db import session_scope
    from models.evidence import ExportRejected, import_export

    try:
        with session_scope(app.engine()) as session:
            result = import_export(session, file, system=system, exported=exported, department=department,
                                   county=county, city=city, month=month, actor=actor, backfill=backfill)
    except ExportRejected as exc:
        if as_json:
            echo_json({"ok": False, "message": exc.message, "errors": [e.__dict__ for e in exc.errors]})
        else:
            say(f"错误：{exc.message}", err=True)
            for error in exc.errors:
                say(f"  {error}", err=True)
        sys.exit(1)
    if as_json:
        echo_json({"ok": True, **result.as_dict()})
        return
    from models.evidence.layouts import BY_KEY

    if result.outcome == "unchanged":
        say(f"文件“{result.file}”已导入过（SHA-256 {result.sha256[:12]}…），未改变任何数据")
        return
    say(f"已导入{BY_KEY[result.layout].name()}“{result.file}”：SHA-256 {result.sha256}，{result.size} 字节，"
               f"数据 {result.rows_total} 行，用于计算 {result.rows_used} 行" + ("（补录）" if backfill else ""))
    for skipped in result.skipped:
        say(f"  未计入：{skipped}")
    from models.figures.monthly import FIGURE_LABELS as labels

    for county_name, values in result.figures.items():
        shown = "，".join(f"{labels.get(k, k)} {v:g}" for k, v in values.items())
        say(f"  {county_name}：{shown or '（无月报数字）'}")
    if result.branches:
        say(f"  团支部名录：新增或更新 {result.branches} 个")
    if result.activities:
        say(f"  支部活动：新增 {result.activities} 项（团员扫码评价时可选）")
