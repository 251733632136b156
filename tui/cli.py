"""The ``zhudian`` command: a click group whose ``--db`` applies to every subcommand.

Subcommands live in ``tui/commands/<name>.py`` and are imported only when run, so ``zhudian --help``
stays fast and the survey room (Flask) is loaded only by the commands that start it.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from models import clock
from models.db import DatabaseError, default_url, demo_url, make_engine, resolve_url
from tui import i18n
from tui.say import json_text, say

# click's own words (Usage:, Options, errors) in Chinese for every command, the tests' CliRunner too.
i18n.install()

# command name -> "module:attribute"; each command module holds one job.
COMMANDS: dict[str, str] = {
    "init": "tui.commands.init:init",
    "demo": "tui.commands.demo:demo",
    "status": "tui.commands.status:status",
    "branch": "tui.commands.branch:branch",
    "dashboard": "tui.commands.dashboard:dashboard",
    "link": "tui.commands.link:link",
    "serve": "tui.commands.serve:serve",
    "template": "tui.commands.template:template",
    "import": "tui.commands.importer:import_cmd",
    "audit": "tui.commands.audit:audit",
    "export": "tui.commands.export:export",
    "feedback": "tui.commands.feedback:feedback",
    "report": "tui.commands.report:report",
    "cadre": "tui.commands.cadre:cadre",
    "remind": "tui.commands.remind:remind",
    "leader": "tui.commands.leader:leader",
    "paths": "tui.commands.paths:paths",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return i18n.localize(getattr(importlib.import_module(module), attr))

    def invoke(self, ctx: click.Context) -> Any:
        # Whatever the subcommand, a database or name problem is one Chinese line, never a traceback.
        from models.reference import UnknownName

        try:
            return super().invoke(ctx)
        except DatabaseError as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(2)
        except UnknownName as exc:
            click.echo(f"错误：{exc}", err=True)
            ctx.exit(2)


def _sqlite_file(url: str) -> Path:
    return Path(make_url(url).database or "")


@dataclass
class AppContext:
    """What the group hands every subcommand: the database URL and a lazily made engine."""

    db_url: str | None
    _engine: Engine | None = field(default=None, repr=False)
    real_only: bool = False  # ``zhudian init``: always the real database, never the demo
    _told: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        """``--db`` / ``ZHUDIAN_DATABASE_URL``; else the real database once it exists; until then the
        demo province, if ``zhudian demo`` built one — so every command can be tried on it right away."""
        if self.db_url or self.real_only:
            return resolve_url(self.db_url)
        real, demo = default_url(), demo_url()
        if _sqlite_file(real).exists() or not _sqlite_file(demo).exists():
            return real
        if not self._told:
            self._told = True
            click.echo(f"提示：尚未初始化正式数据库（zhudian init），使用演示数据库 {_sqlite_file(demo)}。", err=True)
        return demo

    def demo_hint(self) -> str:
        """For an answer that found nothing: a line saying where the demo data is, when the command ran
        on the real database by default (``zhudian init`` switched to it); empty otherwise."""
        if self.db_url or self.url != default_url():
            return ""
        demo = _sqlite_file(demo_url())
        if demo.exists():
            return (f"提示：正在使用正式数据库 {_sqlite_file(default_url())}（zhudian init 之后的默认）；"
                    f"要在演示数据上试用，请加 --db sqlite:///{demo}")
        return "提示：正式数据库中还没有这些数据；运行 zhudian demo --no-ui 可生成演示省份试用"

    def engine(self, *, migrated: bool = True) -> Engine:
        """The engine, connected; with ``migrated`` the schema must be current (``zhudian init``)."""
        if self._engine is None:
            from models.db import check_connection

            self._engine = make_engine(self.url)
            check_connection(self._engine)
            if migrated:
                from models.migrate import require_current

                require_current(self._engine)
        return self._engine


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    envvar="ZHUDIAN_DATABASE_URL",
    metavar="URL",
    help="数据库地址（默认：数据目录中的 SQLite 文件；可用 postgresql://…）",
)
@click.version_option(package_name="zhudian")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """驻点：团员评价收集与驻点工作进度看板。"""
    try:
        clock.fixed_today()  # a mistyped ZHUDIAN_TODAY: one Chinese line, before anything runs
    except clock.ClockError as exc:
        click.echo(f"错误：环境变量 {clock.TODAY_ENV} {exc}", err=True)
        ctx.exit(2)
    ctx.obj = AppContext(db_url=db_url)


i18n.localize(cli)


pass_app = click.make_pass_decorator(AppContext)


def echo_json(data: Any) -> None:
    click.echo(json_text(data))  # stored text inside is escaped, never sent to the terminal raw


def fail(message: str, code: int = 1, hint: str = "") -> None:
    """One line on stderr (and a hint line, if any) and the exit status; never a traceback."""
    say(f"错误：{message}", err=True)
    if hint:
        say(hint, err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="zhudian")


if __name__ == "__main__":
    main()
