"""``zhudian import KIND FILE``: validate a whole spreadsheet, then write it (all or nothing, audited)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tui.cli import AppContext, echo_json, pass_app
from tui.commands.template import KIND_NAMES
from tui.say import say


@click.command("import")
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--actor", default=None, help="操作人（默认：当前系统用户）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果或错误")
@pass_app
def import_cmd(app: AppContext, kind: str, file: Path, actor: str | None, as_json: bool) -> None:
    """导入 XLSX 或 CSV（UTF-8、带 BOM 的 UTF-8、GB18030）。

    先校验全部行：任何一行有误则不写入任何数据，并列出每个错误（行、列、值、原因）。
    同一文件重复导入不会改变任何数据；每条新增或修改都记入审计日志。

    类型与 zhudian template 相同：cadres 专职干部名册、visits 驻点记录、spotchecks 实地抽查、
    lectures 党团课、branches 团支部名录、monthly 月度数据、projects 服务青年工作项目报告、
    experiences 典型经验、plans 地市实施方案。
    """
    from models.db import session_scope
    from models.importing import KINDS, ImportRejected, run_import

    engine = app.engine()
    try:
        with session_scope(engine) as session:
            result = run_import(session, KINDS[kind], file, actor=actor)
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
        f"未变 {result.unchanged}" + ("（已跳过模板示例行）" if result.skipped_example else ""))
    for warning in result.warnings:
        say(f"  提示：{warning}")
