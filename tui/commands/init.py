"""``zhudian init``: bring the database to the latest schema and load the seed's reference data."""

from __future__ import annotations

import click

from models.db import session_scope
from models.migrate import head_revision, upgrade
from models.reference import load_reference
from models.targets import DEFAULT_YEAR
from tui.cli import AppContext, echo_json, pass_app
from tui.say import say


@click.command()
@click.option("--year", default=DEFAULT_YEAR, show_default=True, help="驻点工作年度")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_app
def init(app: AppContext, year: int, as_json: bool) -> None:
    """初始化数据库：迁移到最新结构并载入参考数据（可重复运行）。"""
    app.real_only = True  # never the demo database, which other commands use until this has run
    engine = app.engine(migrated=False)
    upgrade(engine)
    with session_scope(engine) as session:
        result = load_reference(session, year)
    if as_json:
        echo_json({"url": engine.url.render_as_string(hide_password=True), "schema": head_revision(),
                   "added": result.added})
    else:
        say(f"数据库：{engine.url.render_as_string(hide_password=True)}")
        say(f"结构版本：{head_revision()}；新增参考数据 {result.added} 条")
