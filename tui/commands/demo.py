"""``zhudian demo``: build (or reuse) the demo province in its own database, then show it.

The demo never writes into the user's real database: without an explicit ``--db`` on the command
line it uses ``demo.db`` in the data directory (even when ``ZHUDIAN_DATABASE_URL`` is set), it
refuses ``zhudian.db``, and it refuses any database holding records it did not write.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from click.core import ParameterSource
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from models import clock
from models.db import (
    DatabaseError,
    check_connection,
    default_url,
    demo_url,
    is_sqlite,
    make_engine,
    normalise_url,
)
from models.demo import (
    DEFAULT_RATINGS,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    DemoParams,
    DemoSummary,
    build_demo,
    demo_marker,
)
from models.migrate import upgrade
from models.targets import DEFAULT_END_MONTH, DEFAULT_START_MONTH, current_year
from tui.cli import AppContext, echo_json
from tui.say import say

COUNT_LABELS = [("branch", "团支部", "个"), ("cadre", "专职干部", "名"), ("visit", "驻点", "次"),
                ("spotcheck", "实地抽查", "次"), ("activity", "团支部活动", "项"), ("lecture", "党团课", "次"),
                ("monthlyreport", "月报表", "份"), ("surveylink", "评价链接", "个"), ("rating", "团员评价", "条")]


def _sqlite_path(url: str) -> Path | None:
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    return Path(database).resolve() if database and database != ":memory:" else None


def target_url(ctx: click.Context, app: AppContext) -> str:
    """``--db`` when typed on the command line; otherwise the demo file, never the configured database."""
    parent = ctx.parent
    source = parent.get_parameter_source("db_url") if parent is not None else None
    if app.db_url and source == ParameterSource.COMMANDLINE:
        url = normalise_url(app.db_url)
        real = _sqlite_path(normalise_url(default_url()))
        if real is not None and _sqlite_path(url) == real:
            raise DatabaseError(f"演示数据不能写入正式数据库 {real}；请去掉 --db 或换一个数据库。")
        return url
    if app.db_url:
        say("提示：演示数据不会写入 ZHUDIAN_DATABASE_URL 指定的数据库，改用数据目录中的 demo.db。", err=True)
    return demo_url()


def _remove_sqlite_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare(url: str, params: DemoParams, force: bool) -> tuple[DemoSummary | None, dict | None]:
    """Build the demo at ``url`` unless a complete one with the same parameters is there.

    Returns (summary of a new build, None) or (None, the stored marker of the reused build).
    """
    own_file = _sqlite_path(url) is not None and _sqlite_path(url) == _sqlite_path(demo_url())
    engine = make_engine(url)
    try:
        try:
            check_connection(engine)
            upgrade(engine)
            marker = demo_marker(engine)
        except (DatabaseError, SQLAlchemyError):
            if not own_file:
                raise
            marker = None  # our own demo.db is unreadable or from another version: just build it again
        if (marker is not None and marker.get("params") == params.as_dict()
                and marker.get("generator") == GENERATOR_VERSION and not force):
            return None, marker
        if own_file:
            # Our own throwaway file: starting afresh is faster than deleting a million rows.
            engine.dispose()
            _remove_sqlite_file(_sqlite_path(url))  # type: ignore[arg-type]
            engine = make_engine(url)
        return build_demo(engine, params, progress=lambda step: say(f"  生成：{step}…", err=True)), None
    finally:
        engine.dispose()


def describe(summary: DemoSummary) -> list[str]:
    counts = summary.counts
    made = "、".join(f"{label} {counts.get(key, 0):,} {unit}" for key, label, unit in COUNT_LABELS)
    upto = f"，记录截至 {summary.params.today:%Y-%m-%d}" if summary.params.today else ""
    lines = [f"已生成 {summary.params.year} 年演示数据（种子 {summary.params.seed}{upto}，用时 {summary.seconds:.1f} 秒）："
             f"{made}。"]
    breaks = [f"{dept} {month} 月仅驻点 {days:g} 天" for dept, month, days in summary.short_months]
    breaks += [f"驻点记录 #{vid} 仅到地市一级" for vid in summary.city_level_visits]
    breaks += [f"驻点记录 #{vid} 座谈会 {size} 人" for vid, size in summary.big_meetings]
    breaks += [f"{dept} {month} 月未报送月报表" for dept, month in summary.missing_forms]
    lines.append("有意设置的违规情况（供预警演示）：" + "；".join(breaks) + "。")
    return lines


def demo_params(ratings: int, seed: int, year: int | None, as_of: date) -> DemoParams:
    """The campaign to build as of ``as_of``: the most recent one by default, records up to ``as_of``."""
    year = year or current_year(as_of)
    first = date(year, DEFAULT_START_MONTH, 1)
    if as_of < first:
        raise click.UsageError(f"{year}年的驻点工作从{first:%Y-%m-%d}开始，今天（{as_of:%Y-%m-%d}）还没有记录；"
                               f"请换一个年度（--year）或日期（--today）")
    last = campaign_last_day(year)
    return DemoParams(ratings=ratings, seed=seed, year=year, today=as_of if as_of < last else None)


def campaign_last_day(year: int) -> date:
    return date(year, DEFAULT_END_MONTH + 1, 1) - date.resolution if DEFAULT_END_MONTH < 12 else date(year, 12, 31)


def walk_day(params: DemoParams, as_of: date) -> date:
    """The day the demo's server and dashboard run as of: ``as_of`` while the campaign is under way;
    after it ended, its last day, so the field pages can still be walked end to end (a visit on a
    campaign day, its live QR shown on that day, the spot check)."""
    return min(as_of, campaign_last_day(params.year))


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return clock.parse_today(value)
    except clock.ClockError as exc:
        raise click.BadParameter(str(exc)) from None


def open_ui(url: str) -> None:
    """Show the demo: the survey server in the background and the dashboard in front (see tui.demo_ui)."""
    from tui.demo_ui import run

    run(url)


@click.command()
@click.option("--no-ui", is_flag=True, help="只生成演示数据库，不打开看板")
@click.option("--ratings", type=click.IntRange(0, 20_000_000), default=DEFAULT_RATINGS, show_default=True,
              help="团员评价条数")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="随机种子（相同种子生成相同数据）")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="驻点工作年度（默认为今天所在的最近一个年度：4 月起为今年，之前为上一年）")
@click.option("--today", "as_of", metavar="YYYY-MM-DD", callback=_as_of,
              help=f"以这一天为“今天”生成并运行演示（记录截至这一天；也可设环境变量 {clock.TODAY_ENV}）")
@click.option("--force", is_flag=True, help="即使已有相同参数的演示数据库也重新生成")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出生成结果")
@click.pass_context
def demo(ctx: click.Context, no_ui: bool, ratings: int, seed: int, year: int | None, as_of: date | None, force: bool,
         as_json: bool) -> None:
    """生成演示省份数据（独立的 demo.db，不会写入正式数据库），然后打开看板。"""
    app = ctx.find_object(AppContext)
    assert app is not None
    previous = os.environ.get(clock.TODAY_ENV)
    if as_of is not None:
        # The dashboard here and the survey server it starts run as of the same day.
        clock.set_today(as_of)
        os.environ[clock.TODAY_ENV] = as_of.isoformat()
    try:
        params = demo_params(ratings, seed, year, clock.today())
        day = walk_day(params, clock.today())
        if not no_ui and day != clock.today():
            clock.set_today(day)
            os.environ[clock.TODAY_ENV] = day.isoformat()
            click.echo(f"{params.year}年驻点工作期间已结束：演示的问卷服务器和看板按期间最后一天（{day:%Y-%m-%d}）运行，"
                       f"以便走完记录驻点、现场二维码、抽查的全过程（--today 可另选日期）。", err=True)
        _demo(ctx, app, no_ui, params, force, as_json)
    finally:
        clock.set_today(None)
        if previous is None:
            os.environ.pop(clock.TODAY_ENV, None)
        else:
            os.environ[clock.TODAY_ENV] = previous


def _demo(ctx: click.Context, app: AppContext, no_ui: bool, params: DemoParams, force: bool, as_json: bool) -> None:
    url = target_url(ctx, app)
    shown = make_url(url).render_as_string(hide_password=True)
    summary, marker = prepare(url, params, force)
    if as_json:
        data = summary.as_dict() if summary else marker
        echo_json({"url": shown, "reused": summary is None, **(data or {}),
                   "seconds": round(summary.seconds, 2) if summary else None})
    else:
        say(f"演示数据库：{shown}")
        if summary is None:
            say("已存在参数相同的完整演示数据库，直接使用（加 --force 可重新生成）。")
        else:
            for line in describe(summary):
                say(line)
    if not no_ui:
        open_ui(url)
