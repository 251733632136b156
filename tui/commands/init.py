"""``zhudian init``: bring the database to the latest schema and load the seed's reference data."""

from __future__ import annotations

import click

from models.db import session_scope
from models.migrate import head_revision, upgrade
from models.reference import load_reference
from models.targets import campaign_years, current_year
from tui.cli import AppContext, echo_json, pass_app
from tui.say import say


@click.command()
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="驻点工作年度（默认为当前年度：4 月起为今年，之前为上一年；已有的年度保留）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_app
def init(app: AppContext, year: int | None, as_json: bool) -> None:
    """初始化数据库：迁移到最新结构并载入参考数据（可重复运行）。"""
    app.real_only = True  # never the demo database, which other commands use until this has run
    engine = app.engine(migrated=False)
    upgrade(engine)
    with session_scope(engine) as session:
        year = year or current_year()
        result = load_reference(session, year)
        years = campaign_years(session)
    if as_json:
        echo_json({"url": engine.url.render_as_string(hide_password=True), "schema": head_revision(),
                   "added": result.added, "year": year, "years": years})
    else:
        say(f"数据库：{engine.url.render_as_string(hide_password=True)}")
        say(f"结构版本：{head_revision()}；新增参考数据 {result.added} 条")
        say(f"驻点工作年度：{year}（数据库中的年度：{'、'.join(str(y) for y in years)}）")
