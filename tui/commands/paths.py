"""``zhudian paths``: where the data directory, the databases and the survey secret are (for backups)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from models.db import data_dir, demo_url, is_sqlite, resolve_url
from models.secret import secret_path
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.say import say


def _sqlite_file(url: str) -> Path:
    return Path(make_url(url).database or "")


@click.command()
@click.option("--database", "only_database", is_flag=True,
              help="只输出正式数据库文件的路径（供脚本使用，如 sqlite3 备份）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def paths(app: AppContext, only_database: bool, as_json: bool) -> None:
    """数据目录、正式数据库、演示数据库和问卷密钥文件的位置。"""
    url = resolve_url(app.db_url)  # the real database: --db / ZHUDIAN_DATABASE_URL, else zhudian.db
    database = str(_sqlite_file(url)) if is_sqlite(url) else None
    if only_database:
        if database is None:
            fail("正式数据库不是 SQLite 文件（--db 或 ZHUDIAN_DATABASE_URL 指向其他数据库），请用该数据库自己的备份工具")
        say(database)
        return
    found = {"data_dir": str(data_dir()), "database": database or url.split("@")[-1],
             "demo_database": str(_sqlite_file(demo_url())), "secret_file": str(secret_path())}
    if as_json:
        echo_json(found)
        return
    real_exists = Path(database).exists() if database else True
    say(f"数据目录：{found['data_dir']}")
    say(f"正式数据库：{found['database']}{'' if real_exists else '（尚未创建，zhudian init 后生成）'}")
    say(f"演示数据库：{found['demo_database']}")
    say(f"问卷密钥文件：{found['secret_file']}（备份时一并保存，勿存入数据库）")
