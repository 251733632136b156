"""``zhudian audit``: who created, changed or deleted which record, when, from where."""

from __future__ import annotations

from datetime import UTC, datetime, time

import click

from tui.cli import AppContext, echo_json, fail, pass_app
from tui.say import say


def _parse_since(value: str | None) -> datetime | None:
    if not value:
        return None
    from models.clock import LOCAL_TZ

    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since 的格式应为 2019-05-06 或 2019-05-06T08:00：{value}")
    if len(value) <= 10:
        parsed = datetime.combine(parsed.date(), time.min)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)  # coordinators think in China time
    return parsed.astimezone(UTC)


def _value(value: object) -> str:
    """A stored value as a coordinator reads it: 是/否 and （空）, not Python's True/None."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return repr(value) if isinstance(value, str) else str(value)


@click.command()
@click.option("--since", default=None, help="只列出此时间之后的记录（如 2019-05-06，按北京时间）")
@click.option("--kind", default=None, help="记录类型（表名）：visit 驻点记录、spotcheck 实地抽查、lecture 党团课、"
              "branch 团支部、cadre 专职干部、monthlyreport 月度数据、serviceproject 项目报告")
@click.option("--limit", type=int, default=None, help="最多列出条数")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def audit(app: AppContext, since: str | None, kind: str | None, limit: int | None, as_json: bool) -> None:
    """审计日志：每条记录的新增、修改、删除（谁、何时、来源、修改前后的值）。"""
    from sqlmodel import Session

    from models import audit as trail
    from models.clock import local

    since_dt = _parse_since(since)
    with Session(app.engine()) as session:
        changes = trail.entries(session, since=since_dt, kind=kind, limit=limit)
    if as_json:
        echo_json([c.as_dict() for c in changes])
        return
    if not changes:
        say("没有审计记录。")
        return
    for c in changes:
        when = local(c.at).strftime("%Y-%m-%d %H:%M:%S")
        label = trail.ACTION_LABELS.get(c.action, c.action)
        what = trail.TABLE_LABELS.get(c.table, "")
        say(f"{when}  {label}  {c.table}#{c.record_id}{f'（{what}）' if what else ''}  {c.actor or '-'}  {c.source}")
        if c.action == "update":
            for key in c.new:
                say(f"    {trail.FIELD_LABELS.get(key, key)}：{_value(c.old.get(key))} → {_value(c.new[key])}")
    say(f"共 {len(changes)} 条")
