"""``zhudian template KIND -o FILE.xlsx``: an import template with drop-down lists."""

from __future__ import annotations

from pathlib import Path

import click

from models.db import session_scope
from tui.cli import AppContext, pass_app
from tui.say import say

KIND_NAMES = ("cadres", "visits", "spotchecks", "lectures", "branches", "monthly", "projects", "experiences", "plans")


@click.command()
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 .xlsx 文件")
@pass_app
def template(app: AppContext, kind: str, output: Path) -> None:
    """生成导入模板（中文表头、示例行、部门/地市/县区下拉列表）。

    \b
    类型：
      cadres       专职干部名册
      visits       驻点记录
      spotchecks   实地抽查
      lectures     党团课
      branches     团支部名录
      monthly      月度数据
      projects     服务青年工作项目报告
      experiences  典型经验
      plans        地市实施方案
    """
    from models.importing import KINDS, write_template
    from tui.exports.printing import print_setup

    with session_scope(app.engine()) as session:
        write_template(session, KINDS[kind], output, print_setup)
    say(f"已生成{KINDS[kind].label}导入模板：{output}")
