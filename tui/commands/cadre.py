"""``zhudian cadre``: cadres' personal links to the field pages (issue, revoke, list)."""

from __future__ import annotations

import sys
from datetime import datetime, time

import click
from sqlmodel import col, select

from models import audit
from models.clock import LOCAL_TZ, local
from models.db import session_scope
from models.field import FieldError, find_cadre, issue_link, link_state, revoke
from models.tables import Cadre, CadreLink, Department
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.commands.link import public_url_option, resolve_public_url
from tui.say import say

STATES = {"ok": "有效", "revoked": "已停用", "expired": "已过期", "unknown": "无效"}


def _show(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


@click.group()
def cadre() -> None:
    """驻点干部的个人链接（手机上记录驻点、出示现场二维码、记录抽查）。"""


@cadre.command("link")
@click.option("--cadre", "ref", required=True, help="专职干部姓名或编号")
@click.option("--expires", help="有效期至（日期，北京时间），默认驻点工作期间结束")
@public_url_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def link_cmd(app: AppContext, ref: str, expires: str | None, public_url: str | None, as_json: bool,
             actor: str) -> None:
    """为专职干部生成个人链接和二维码（通过微信发给本人；打开后手机记住身份）。"""
    from models import qr

    base = resolve_public_url(public_url)
    until = None
    if expires:
        try:
            until = datetime.combine(datetime.fromisoformat(expires.strip()).date(), time(23, 59, 59), LOCAL_TZ)
        except ValueError:
            fail(f"有效期格式不正确：{expires}（例如 2019-11-30）")
    try:
        with session_scope(app.engine()) as session, audit.tracking(session, "命令行 zhudian cadre link", actor):
            person = find_cadre(session, ref)
            row, token = issue_link(session, person, until)
            dept = session.get(Department, person.department_id).name
            info = {"cadre_id": person.id, "cadre": person.name, "department": dept, "link_id": row.id,
                    "url": f"{base}/c/k/{token}", "expires_at": _show(row.expires_at)}
    except FieldError as exc:
        fail(str(exc), 2, app.demo_hint())
    if as_json:
        echo_json(info)
        return
    say(f"专职干部：{info['department']} · {info['cadre']}（编号 {info['cadre_id']}）")
    say(f"个人链接：{info['url']}")
    say(f"有效期至：{info['expires_at']}（北京时间）；请只发给本人，可随时用 zhudian cadre revoke 停用")
    click.echo(qr.terminal(info["url"], color=sys.stdout.isatty()))


@cadre.command("revoke")
@click.option("--cadre", "ref", required=True, help="专职干部姓名或编号")
@click.option("--actor", default="", help="操作人（记入审计日志）")
@pass_app
def revoke_cmd(app: AppContext, ref: str, actor: str) -> None:
    """停用专职干部的全部个人链接（手机立即失去访问权限，已提交的记录保留）。"""
    try:
        with session_scope(app.engine()) as session, audit.tracking(session, "命令行 zhudian cadre revoke", actor):
            person = find_cadre(session, ref)
            count = revoke(session, person)
            name = person.name
    except FieldError as exc:
        fail(str(exc), 2, app.demo_hint())
    say(f"已停用 {name} 的 {count} 个个人链接：打开过这些链接的手机立即不能再记录，已提交的记录保留"
               if count else f"{name} 没有有效的个人链接，未做任何改动")


@cadre.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def list_cmd(app: AppContext, as_json: bool) -> None:
    """列出已发放的个人链接及其状态。"""
    with session_scope(app.engine()) as session:
        rows = session.exec(select(CadreLink, Cadre.name, Department.name)
                            .join(Cadre, Cadre.id == CadreLink.cadre_id)
                            .join(Department, Department.id == Cadre.department_id)
                            .order_by(col(CadreLink.id))).all()
        out = [{"link_id": link.id, "cadre_id": link.cadre_id, "cadre": name, "department": dept,
                "state": STATES[link_state(link)], "created_at": _show(link.created_at),
                "expires_at": _show(link.expires_at), "revoked_at": _show(link.revoked_at) or None}
               for link, name, dept in rows]
    if as_json:
        echo_json(out)
        return
    if not out:
        say("还没有发放个人链接（zhudian cadre link --cadre 姓名）")
    for r in out:
        say(f"{r['link_id']:>4}  {r['department']} · {r['cadre']}  {r['state']}  有效期至 {r['expires_at']}")
