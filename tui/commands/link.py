"""``zhudian link``: survey links and their QR codes (create, printable sheet, live rotating QR)."""

from __future__ import annotations

import signal
import sys
import time
from datetime import datetime
from pathlib import Path

import click

from models.clock import LOCAL_TZ, local, now
from models.db import session_scope
from tui.cli import AppContext, echo_json, fail, pass_app
from tui.say import say

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

public_url_option = click.option(
    "--public-url", envvar="ZHUDIAN_PUBLIC_URL", metavar="URL",
    help="团员访问问卷服务器的公开地址（二维码中的地址），也可设置 ZHUDIAN_PUBLIC_URL")


def resolve_public_url(value: str | None) -> str:
    if not value:
        say(f"提示：未设置 --public-url 或 ZHUDIAN_PUBLIC_URL，二维码使用 {DEFAULT_PUBLIC_URL}，"
            "手机可能无法访问。", err=True)
        return DEFAULT_PUBLIC_URL
    if not value.startswith(("http://", "https://")):
        fail(f"公开地址必须以 http:// 或 https:// 开头：{value}")
    return value.rstrip("/")


def _parse_time(value: str | None, name: str) -> datetime | None:
    """A time as coordinators write it (China time unless it says otherwise): 2019-05-06 09:00."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("/", "-"))
    except ValueError:
        fail(f"{name}格式不正确：{value}（例如 2019-05-06 09:00）")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


def _show(value: datetime | None) -> str | None:
    return local(value).strftime("%Y-%m-%d %H:%M") if value else None


def _colour() -> bool:
    return sys.stdout.isatty()


@click.group()
def link() -> None:
    """问卷链接与二维码。"""


@link.command("create")
@click.option("--branch", "branch_id", type=int, required=True, help="团支部编号")
@click.option("--visit", "visit_id", type=int, help="关联的驻点记录编号")
@click.option("--opens", help="开始时间（北京时间），如 2019-05-06 09:00")
@click.option("--closes", help="截止时间（北京时间）")
@click.option("--max", "max_responses", type=int, help="最多接收的评价份数")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="把二维码另存为 PNG 文件")
@click.option("--svg", type=click.Path(dir_okay=False, path_type=Path), help="把二维码另存为 SVG 文件")
@public_url_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_app
def create(app: AppContext, branch_id: int, visit_id: int | None, opens: str | None, closes: str | None,
           max_responses: int | None, png: Path | None, svg: Path | None, public_url: str | None,
           as_json: bool) -> None:
    """为团支部生成问卷链接，并在终端显示二维码。"""
    from models import qr
    from models.links import LinkError, branch_info, create_link

    base = resolve_public_url(public_url)
    opens_at, closes_at = _parse_time(opens, "开始时间"), _parse_time(closes, "截止时间")
    try:
        with session_scope(app.engine()) as session:
            row = create_link(session, branch_id, visit_id=visit_id, opens_at=opens_at, closes_at=closes_at,
                              max_responses=max_responses)
            info = branch_info(session, branch_id)
            token, link_id = row.token, row.id
    except LinkError as exc:
        fail(str(exc), 2, app.demo_hint() if str(exc).startswith("找不到") else "")
    url = f"{base}/s/{token}"
    if closes_at is not None and closes_at <= now():
        click.echo(f"提示：截止时间 {_show(closes_at)} 已过，这个链接打开后只显示“评价已截止”，团员无法提交。",
                   err=True)
    try:
        if png:
            qr.write_png(url, png)
        if svg:
            qr.write_svg(url, svg)
    except OSError as exc:
        fail(f"无法写入二维码文件：{exc.filename}（{exc.strerror}）；链接已生成：{url}")
    if as_json:
        echo_json({"token": token, "url": url, "link_id": link_id, "branch_id": branch_id,
                   "branch": info.name, "county": info.county, "city": info.city, "visit_id": visit_id,
                   "opens_at": _show(opens_at), "closes_at": _show(closes_at), "max_responses": max_responses,
                   "png": str(png) if png else None, "svg": str(svg) if svg else None})
        return
    say(f"团支部：{info.city} · {info.county} · {info.name}")
    say(f"链接：{url}")
    limits = [f"开始 {_show(opens_at)}" if opens_at else "", f"截止 {_show(closes_at)}" if closes_at else "",
              f"最多 {max_responses} 份" if max_responses else ""]
    if any(limits):
        say("限制：" + "，".join(x for x in limits if x))
    click.echo(qr.terminal(url, color=_colour()))
    for path in (png, svg):
        if path:
            say(f"已保存：{path}")


@link.command("sheet")
@click.option("--county", "county_name", required=True, help="县（市、区）名称，如 梅江区")
@click.option("--city", "city_name", help="地市名称（县区重名时使用）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.html（默认 二维码-<县区>.html）或 .pdf（需本机安装 Chromium）")
@public_url_option
@pass_app
def sheet(app: AppContext, county_name: str, city_name: str | None, output: Path | None,
          public_url: str | None) -> None:
    """生成某县区各团支部二维码的 A4 打印页（HTML 用浏览器打印，或直接生成 PDF）。"""
    from models import qr
    from models.links import branch_info, county_branches, printed_link
    from models.reference import find_city, find_county

    base = resolve_public_url(public_url)
    with session_scope(app.engine()) as session:
        city = find_city(session, city_name) if city_name else None
        county = find_county(session, county_name, city)
        branches = county_branches(session, county.id)
        if not branches:
            fail(f"{county.name}还没有录入团支部，无法生成二维码", hint=app.demo_hint())
        entries = []
        for b in branches:
            info = branch_info(session, b.id)
            entries.append(qr.SheetEntry(info.name, info.county, info.city,
                                         f"{base}/s/{printed_link(session, b.id).token}"))
        title = f"{entries[0].city} · {county.name} 团支部评价二维码"
    output = output or Path(f"二维码-{county.name}.html")
    html = qr.sheet_html(title, entries)
    if output.suffix.lower() == ".pdf":
        try:
            qr.print_pdf(html, output)
        except qr.PdfError as exc:
            fail(str(exc))
        say(f"已生成 {len(entries)} 个团支部的二维码 PDF（A4）：{output}")
        return
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        fail(f"无法写入 {output}：{exc.strerror}")
    say(f"已生成 {len(entries)} 个团支部的二维码打印页：{output}（用浏览器打开后打印，A4）")


@link.command("live")
@click.option("--branch", "branch_id", type=int, required=True, help="团支部编号")
@click.option("--visit", "visit_id", type=int, help="关联的驻点记录编号")
@public_url_option
@click.option("--once", is_flag=True, help="只输出当前这一分钟的二维码后退出")
@pass_app
def live(app: AppContext, branch_id: int, visit_id: int | None, public_url: str | None, once: bool) -> None:
    """实地抽查用的现场二维码：每分钟更换一次，只有在场团员能扫码评价。按 Ctrl+C 退出。"""
    from models import live_codes as live_qr
    from models import qr
    from models.links import branch_info
    from models.secret import load_secret
    from models.tables import Visit

    base = resolve_public_url(public_url)
    with session_scope(app.engine()) as session:
        info = branch_info(session, branch_id)
        if info is None:
            fail(f"找不到编号为 {branch_id} 的团支部", 2, app.demo_hint())
        if visit_id is not None and session.get(Visit, visit_id) is None:
            fail(f"找不到编号为 {visit_id} 的驻点记录", 2)
    secret = load_secret()
    title = f"{info.city} · {info.county} · {info.name}"
    colour = _colour()

    def frame() -> tuple[str, int]:
        url = live_qr.current_url(branch_id, base, secret, visit_id=visit_id)
        return url, live_qr.minute_of()

    if once:
        url, _ = frame()
        say(f"现场二维码：{title}")
        say(f"链接：{url}")
        click.echo(qr.terminal(url, color=colour))
        say(f"{live_qr.seconds_left()} 秒后更换；扫码后 {live_qr.FORM_MINUTES} 分钟内可提交评价")
        return
    drawn_minute = None
    # Ctrl+C must stop the loop even when started from a shell that ignores SIGINT (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while True:
            url, minute = frame()
            if minute != drawn_minute:
                click.echo("\x1b[H\x1b[2J", nl=False)
                say(f"现场二维码：{title}（按 Ctrl+C 退出）")
                click.echo(qr.terminal(url, color=colour))
                say(url)
                drawn_minute = minute
            left = live_qr.seconds_left()
            click.echo(f"\r\x1b[K{left:>2} 秒后更换二维码；转发或拍照的旧二维码会失效", nl=False)
            time.sleep(min(1.0, max(0.05, left - (time.time() % 1))))  # wake at each second's boundary
    except KeyboardInterrupt:
        say("\n已停止显示现场二维码。")
