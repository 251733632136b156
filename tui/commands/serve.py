"""``zhudian serve``: the survey server for members' phones and cadres' field pages (waitress)."""

from __future__ import annotations

import click

from tui.cli import AppContext, pass_app
from tui.say import say


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="监听地址")  # noqa: S104 (phones must reach it)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="监听端口")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="处理请求的线程数")
@click.option("--public-url", envvar="ZHUDIAN_PUBLIC_URL", metavar="URL",
              help="团员访问本服务器的公开地址（用于二维码），也可设置 ZHUDIAN_PUBLIC_URL")
@pass_app
def serve(app: AppContext, host: str, port: int, threads: int, public_url: str | None) -> None:
    """启动团员评价问卷服务器（生产环境 WSGI 服务器 waitress，非开发服务器）。"""
    from models.secret import load_secret, secret_path
    from survey.server import serve as run

    engine = app.engine()  # refuses an unreachable or un-migrated database before serving
    engine.dispose()
    load_secret()  # created before the first request, never in code
    url = app.url
    say(f"问卷服务器（waitress，{threads} 个线程）监听 http://{host}:{port}", err=True)
    say(f"数据库：{engine.url.render_as_string(hide_password=True)}；密钥文件：{secret_path()}", err=True)
    if public_url:
        say(f"公开地址：{public_url.rstrip('/')}（健康检查 {public_url.rstrip('/')}/healthz）", err=True)

    def factory():
        from survey.app import create_app

        return create_app({"DATABASE_URL": url, "PUBLIC_URL": public_url or ""})

    run(factory, host=host, port=port, threads=threads)
