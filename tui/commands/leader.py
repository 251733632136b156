"""``zhudian leader``: leaders' personal links to the read-only leaders' pages (link, list, revoke)."""

from __future__ import annotations

import sys
from datetime import datetime, time

import click

from models import audit
from models.clock import LOCAL_TZ, local
from models.db import session_scope
from models.text import clean_text
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.commands.link import public_url_option, resolve_public_url
from tui.say import say

STATES = {"ok": "有效", "revoked": "已停用", "expired": "已过期", "unknown": "无效"}


def _show(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


@click.group()
def leader() -> None:
    """领导的个人链接（手机上只读查看本月概况、驻点天数、违规与未达标、评价排名和需关注意见）。"""


@leader.command("link")
@click.option("--name", required=True, help="领导姓名")
@click.option("--role", default="", help="职务，如 副书记、基层组织建设部部长")
@click.option("--expires", help="有效期至（日期，北京时间），默认驻点工作期间结束")
@public_url_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def link_cmd(app: AppContext, name: str, role: str, expires: str | None, public_url: str | None, as_json: bool,
             actor: str) -> None:
    """为领导生成个人只读链接和二维码（只发给本人；可随时用 zhudian leader revoke 停用）。"""
    from models import qr
    from models.leaders import FieldError, issue_leader_link

    base = resolve_public_url(public_url)
    until = None
    if expires:
        try:
            until = datetime.combine(datetime.fromisoformat(expires.strip()).date(), time(23, 59, 59), LOCAL_TZ)
        except ValueError:
            fail(f"有效期格式不正确：{expires}（例如 2019-11-30）")
    try:
        with session_scope(app.engine()) as session, audit.tracking(session, "命令行 zhudian leader link", actor):
            row, token = issue_leader_link(session, name, role, until)
            info = {"link_id": row.id, "name": row.name, "role": row.role, "url": f"{base}/ld/k/{token}",
                    "expires_at": _show(row.expires_at)}
    except FieldError as exc:
        fail(str(exc), 2)
    if as_json:
        echo_json(info)
        return
    say(f"领导：{info['name']}{'（' + info['role'] + '）' if info['role'] else ''}（链接编号 {info['link_id']}）")
    say(f"个人链接：{info['url']}")
    say(f"有效期至：{info['expires_at']}（北京时间）；请只发给本人，可随时用 zhudian leader revoke 停用")
    click.echo(qr.terminal(info["url"], color=sys.stdout.isatty()))


@leader.command("revoke")
@click.argument("ref")
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def revoke_cmd(app: AppContext, ref: str, actor: str) -> None:
    """停用领导的个人链接（按链接编号或姓名；手机立即无法再查看）。"""
    from models.leaders import revoke_leader

    with session_scope(app.engine()) as session, audit.tracking(session, "命令行 zhudian leader revoke", actor):
        count = len(revoke_leader(session, ref))
    if not count:
        fail(f"没有找到“{ref}”的有效链接（可用 zhudian leader list 查看）", 2)
    say(f"已停用 {ref} 的 {count} 个个人链接")


@leader.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """列出已发放的领导链接及其状态。"""
    from models.leaders import leader_links, link_state

    with session_scope(app.engine()) as session:
        out = [{"link_id": r.id, "name": r.name, "role": r.role, "state": STATES[link_state(r)],
                "created_at": _show(r.created_at), "expires_at": _show(r.expires_at),
                "revoked_at": _show(r.revoked_at) or None} for r in leader_links(session)]
    if as_json:
        echo_json(out)
        return
    if not out:
        say("还没有发放领导链接（zhudian leader link --name 姓名 --role 职务）")
    for r in out:
        say(f"{r['link_id']:>4}  {clean_text(r['name'])}  {clean_text(r['role'])}  {r['state']}  "
                   f"有效期至 {r['expires_at']}")
