"""``zhudian remind``: month-end reminders to departments through their channels (企业微信、钉钉、邮件 …)."""

from __future__ import annotations

import click

from models import audit
from models.db import session_scope
from models.text import clean_text
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.say import say

STATE_LABELS = {"sent": "已发送", "failed": "发送失败（下次运行时重试）", "already": "此前已发送",
                "dry_run": "将发送（演练，未发送）", "no_channel": "未设置通知渠道，无法发送"}


@click.group(invoke_without_command=True)
@click.option("--dry-run", is_flag=True, help="只显示将发送的提醒，不发送、不记录")
@click.option("--today", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="按哪一天判断（默认今天，北京时间）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_context
def remind(ctx: click.Context, dry_run: bool, as_of, as_json: bool) -> None:
    """向各部门发送月底提醒：本月驻点天数、未收到的月报表、进度落后的干部、即将到期的报送事项。

    每个部门每个截止事项只发送一次；发送失败的下次运行时重试。只发给各部门及统筹人员，不发给基层团支部。
    """
    if ctx.invoked_subcommand is not None:
        return
    from sqlmodel import Session

    from models.clock import today
    from models.reminders import run

    app: AppContext = ctx.find_object(AppContext)
    day = as_of.date() if as_of else today()
    with Session(app.engine()) as session:
        outcomes = run(session, day, dry_run=dry_run)
    if as_json:
        echo_json([{"department": o.reminder.department, "deadline": o.reminder.deadline,
                    "due": o.reminder.due.isoformat(), "channel_id": o.channel_id, "channel": o.channel,
                    "state": o.state, "parts": o.parts, "error": o.error, "title": o.reminder.title,
                    "body": o.reminder.body} for o in outcomes])
    else:
        _print(outcomes, dry_run, day)
    if any(o.state == "failed" for o in outcomes):
        ctx.exit(1)


def _print(outcomes, dry_run: bool, day) -> None:
    if not outcomes:
        say(f"{day:%Y-%m-%d}：各部门没有需要提醒的事项。")
        return
    shown: set[tuple[str, str]] = set()
    for o in outcomes:
        key = (o.reminder.department, o.reminder.deadline)
        # Whatever was stored or answered reaches the terminal as plain text, never as an escape sequence.
        if dry_run and key not in shown:
            shown.add(key)
            say(f"\n{clean_text(o.reminder.title)}")
            say(clean_text(o.reminder.body, multiline=True))
        where = f" → {clean_text(o.channel)}" if o.channel else ""
        parts = f"（分 {o.parts} 条）" if o.parts > 1 else ""
        say(clean_text(f"{o.reminder.department} · {o.reminder.deadline}{where}：{STATE_LABELS[o.state]}{parts}"
                              + (f"：{o.error}" if o.error else "")))
    counts = {s: sum(1 for o in outcomes if o.state == s) for s in STATE_LABELS}
    say(f"\n合计：已发送 {counts['sent']}，失败 {counts['failed']}，此前已发送 {counts['already']}，"
               f"演练 {counts['dry_run']}，无渠道 {counts['no_channel']}")


@remind.group()
def channels() -> None:
    """各部门的通知渠道（Apprise 地址：wecombot://、dingtalk://、mailto:// …）。"""


@channels.command("add")
@click.option("--department", required=True, help="部门")
@click.option("--url", required=True, help="Apprise 通知地址，如 wecombot://机器人密钥")
@click.option("--label", default="", help="备注（如 组织部工作群）")
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def add_cmd(app: AppContext, department: str, url: str, label: str, actor: str) -> None:
    """为部门添加通知渠道（无法识别的地址不会保存）。"""
    from models.reference import find_department
    from models.reminders import ChannelError, add_channel, masked

    try:
        with session_scope(app.engine()) as session:
            dept = find_department(session, department)
            row = add_channel(session, dept, url, label)
            ident, name = row.id, dept.name
            # Recorded by hand with the URL masked: the trail must not keep a bot key or a password.
            audit.record(session, row, "create", source="命令行 zhudian remind channels add", actor=actor,
                         new={"department_id": dept.id, "url": masked(url), "label": row.label})
    except ChannelError as exc:
        fail(str(exc), 2)
    say(f"已为{name}添加通知渠道 {ident}：{masked(url)}")


@channels.command("list")
@click.option("--department", default=None, help="部门（默认：全部）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_cmd(app: AppContext, department: str | None, as_json: bool) -> None:
    """列出通知渠道（密钥和密码已隐去）。"""
    from sqlmodel import Session, select

    from models.reference import find_department
    from models.reminders import list_channels, masked
    from models.tables import Department

    with Session(app.engine()) as session:
        dept_id = find_department(session, department).id if department else None
        names = {d.id: d.name for d in session.exec(select(Department))}
        rows = [{"id": c.id, "department": names[c.department_id], "url": masked(c.url), "label": c.label}
                for c in list_channels(session, dept_id)]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        say("还没有通知渠道（zhudian remind channels add --department 部门 --url 地址）")
    for r in rows:
        say(f"{r['id']:>4}  {r['department']}  {clean_text(r['url'])}  {clean_text(r['label'])}")


@channels.command("remove")
@click.argument("channel_id", type=int)
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def remove_cmd(app: AppContext, channel_id: int, actor: str) -> None:
    """删除一个通知渠道（按编号）。"""
    from models.reminders import ChannelError, masked, remove_channel

    try:
        with session_scope(app.engine()) as session:
            row = remove_channel(session, channel_id)
            shown = masked(row.url)
            audit.record(session, row, "delete", source="命令行 zhudian remind channels remove", actor=actor,
                         old={"department_id": row.department_id, "url": shown, "label": row.label})
    except ChannelError as exc:
        fail(str(exc), 2)
    say(f"已删除通知渠道 {channel_id}：{shown}")
