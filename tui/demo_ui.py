"""``zhudian demo`` without ``--no-ui``: the survey server in the background, the dashboard in front.

The server (``zhudian serve``, a real WSGI server in its own process group) listens on a free port of
every interface so a phone on the same network can scan the live QR; quitting the dashboard stops it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from models.db import data_dir


def _default_route_interface() -> str | None:
    """Linux: the interface of the default route, read from the kernel's routing table."""
    try:
        with open("/proc/net/route", encoding="ascii") as routes:
            for line in routes.readlines()[1:]:
                fields = line.split()
                if len(fields) > 2 and fields[1] == "00000000":
                    return fields[0]
    except OSError:
        pass
    return None


def _interface_address(name: str) -> str | None:
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
        return socket.inet_ntoa(packed[20:24])
    except (ImportError, OSError):
        return None


def lan_address() -> str:
    """The address other machines on the network reach us at (asked of the kernel; no traffic)."""
    iface = _default_route_interface()
    address = _interface_address(iface) if iface else None
    if address:
        return address
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return "127.0.0.1"
    for *_rest, sockaddr in infos:
        if not sockaddr[0].startswith("127."):
            return sockaddr[0]
    return "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:  # noqa: S310
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop the server's whole process group (the server and anything it started): TERM, then KILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)
    except ProcessLookupError:
        pass


@contextmanager
def survey_server(url: str, port: int, public_url: str, log_path: Path) -> Iterator[subprocess.Popen]:
    cmd = [sys.executable, "-m", "tui", "--db", url, "serve", "--host", "0.0.0.0", "--port", str(port),  # noqa: S104
           "--threads", "8", "--public-url", public_url]
    env = {**os.environ, "ZHUDIAN_PUBLIC_URL": public_url}
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)  # noqa: S603
    try:
        yield proc
    finally:
        stop(proc)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def demo_cadre_link(url: str) -> tuple[str, str]:
    """A personal field-page link for the demo's first cadre, valid for 30 days (issued anew each run)."""
    from datetime import timedelta

    from sqlmodel import select

    from models import audit
    from models.clock import now
    from models.db import make_engine, session_scope
    from models.field import issue_link
    from models.tables import Cadre

    engine = make_engine(url)
    try:
        with session_scope(engine) as session, audit.tracking(session, "zhudian demo"):
            cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
            _, token = issue_link(session, cadre, now() + timedelta(days=30))
            return cadre.name, token
    finally:
        engine.dispose()


def demo_member_link(url: str) -> tuple[str, str]:
    """A member's link of one branch (the first with activities to rate): its name and the link's token."""
    from sqlmodel import col, select

    from models.db import make_engine, session_scope
    from models.tables import Activity, Branch, SurveyLink

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            row = session.exec(
                select(Branch.name, SurveyLink.token).join(SurveyLink, SurveyLink.branch_id == Branch.id)
                .where(col(SurveyLink.live).is_(False),
                       col(Branch.id).in_(select(Activity.branch_id)))
                .order_by(Branch.id).limit(1)).first()
            return (row[0], row[1]) if row else ("", "")
    finally:
        engine.dispose()


def run(url: str) -> None:
    """Start the survey server, open the dashboard on ``url``; stop the server when it closes."""
    from tui.app import forget_inherited_size, make_app

    forget_inherited_size()
    port = free_port()
    public = f"http://{lan_address()}:{port}"
    log_path = data_dir() / "demo-survey.log"
    os.environ["ZHUDIAN_PUBLIC_URL"] = public  # the QR screen's live codes point at this server
    # Closing the terminal (SIGHUP) or a kill (SIGTERM) must also stop the server: unwind through `finally`.
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _exit_on_signal)
    with survey_server(url, port, public, log_path) as proc:
        doors = None
        if wait_healthy(port, proc):
            from tui.components.demo_doors import DemoDoors

            click.echo(f"问卷服务器已启动：{public}（退出看板时自动停止；日志 {log_path}）")
            name, token = demo_cadre_link(url)
            branch, member = demo_member_link(url)
            doors = DemoDoors(public, name, f"{public}/c/k/{token}", branch, f"{public}/s/{member}")
            # Each address on a line of its own: at 80 columns a label before it would break it in two.
            click.echo(f"驻点干部手机页面（演示干部：{name}，同一网络中的手机可打开）：")
            click.echo(doors.cadre_url)
            click.echo(f"团员评价链接（{branch}）：")
            click.echo(doors.member_url)
            click.echo("看板中按 d 随时查看这些地址及其二维码。")
        else:
            click.echo(f"问卷服务器未能启动，二维码暂不可用；详见日志 {log_path}", err=True)
        make_app(url, early=True, doors=doors).run()
    click.echo("已退出看板，问卷服务器已停止。")
