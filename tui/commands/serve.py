"""``zhudian serve``: the survey server for members' phones, under gunicorn (or waitress)."""

from __future__ import annotations

import os

import click

from tui.cli import AppContext, pass_app


def default_workers() -> int:
    return max(2, min(8, (os.cpu_count() or 1) * 2))


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True, help="监听地址")  # noqa: S104 (phones must reach it)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="监听端口")
@click.option("--workers", default=default_workers, show_default="CPU 核数×2，2～8",
              type=click.IntRange(1, 64), help="工作进程数")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="每个进程的线程数")
@click.option("--public-url", envvar="ZHUDIAN_PUBLIC_URL", metavar="URL",
              help="团员访问本服务器的公开地址（用于二维码），也可设置 ZHUDIAN_PUBLIC_URL")
@click.option("--access-log", is_flag=True, help="输出访问日志")
@click.option("--server", "server_name", type=click.Choice(["auto", "gunicorn", "waitress"]), default="auto",
              show_default=True, help="WSGI 服务器（auto：能用 gunicorn 时用 gunicorn，否则 waitress）")
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int, threads: int, public_url: str | None,
          access_log: bool, server_name: str) -> None:
    """启动团员评价问卷服务器（生产环境 WSGI 服务器，非开发服务器）。"""
    from survey.keys import load_secret, secret_path
    from survey.server import choose
    from survey.server import serve as run

    engine = app.engine()  # refuses an unreachable or un-migrated database before any worker starts
    load_secret(engine=engine)  # created (or adopted from the database) before workers fork, never in code
    engine.dispose()
    url = app.url
    server = choose(server_name)
    shape = f"{workers} 个进程 × {threads} 线程" if server == "gunicorn" else f"{max(4, workers * threads)} 个线程"
    click.echo(f"问卷服务器（{server}，{shape}）监听 http://{host}:{port}", err=True)
    click.echo(f"数据库：{engine.url.render_as_string(hide_password=True)}；密钥文件：{secret_path()}", err=True)
    if public_url:
        click.echo(f"公开地址：{public_url.rstrip('/')}（健康检查 {public_url.rstrip('/')}/healthz）", err=True)

    def factory():
        from survey.app import create_app

        return create_app({"DATABASE_URL": url, "PUBLIC_URL": public_url or ""})

    run(factory, host=host, port=port, workers=workers, threads=threads, access_log=access_log, server=server)
