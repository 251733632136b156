"""Real server processes for the end-to-end and stress tests: ``python -m tui serve`` on a free port.

Shared by ``tests/e2e`` and ``tests/stress`` (and ``bench/bench_reliability.py``): start the real command
in its own process group, wait for ``/healthz``, stop it gently (SIGTERM) or kill it outright (SIGKILL
to the whole group). Forms are posted by programs standing in for people, so the servers started here
take a form the moment it is shown (``ZHUDIAN_MIN_FORM_SECONDS=0``) unless a test asks otherwise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def stored_ratings(engine, count: int, timeout: float = 10.0) -> list:
    """The stored ratings, once there are at least ``count`` (another process may still be writing)."""
    from sqlmodel import Session, select

    from models.tables import Rating

    rows: list = []

    def enough() -> bool:
        nonlocal rows
        with Session(engine) as session:
            rows = list(session.exec(select(Rating).order_by(Rating.id)))
        return len(rows) >= count

    wait_for(enough, timeout, f"{count} stored rating(s)")
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    port: int = 0
    db_url: str = ""
    home: Path | None = None
    options: dict = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def group_pids(self) -> list[int]:
        """Every live process of the server's process group, from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Fields after the command name: state, ppid, pgrp. A zombie is dead already.
            state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == self.process.pid and state != "Z":
                pids.append(int(entry.name))
        return sorted(pids)


def wait_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"serve exited with {server.process.returncode}:\n{server.output()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # still starting, or busy booting workers
            pass
        time.sleep(0.1)  # poll interval of a bounded wait, not a fixed delay
    stop_server(server)
    raise AssertionError(f"serve did not answer /healthz within {timeout} s:\n{server.output()}")


def start_server(db_url: str, home: Path, *, extra_env: dict[str, str] | None = None,
                 timeout: float = 30.0, port: int | None = None, threads: int | None = None,
                 host: str = "127.0.0.1") -> Server:
    port = port or free_port()
    log = home / f"serve-{port}.log"
    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT), "ZHUDIAN_MIN_FORM_SECONDS": "0",
           **(extra_env or {})}
    env.pop("ZHUDIAN_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "tui", "--db", db_url, "serve", "--host", host, "--port", str(port),
           "--public-url", f"http://127.0.0.1:{port}"]
    if threads:
        cmd += ["--threads", str(threads)]
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    started = Server(f"http://127.0.0.1:{port}", process, log, port, db_url, home,
                     {"extra_env": extra_env, "threads": threads, "host": host})
    wait_healthy(started, timeout)
    return started


def restart_server(server: Server, timeout: float = 30.0) -> Server:
    """The same server again (same port, data directory and so secret), after it stopped or was killed."""
    assert server.home is not None
    return start_server(server.db_url, server.home, port=server.port, timeout=timeout, **server.options)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)  # the process group we started
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


def kill_server(server: Server, timeout: float = 10.0) -> None:
    """SIGKILL every process of the server (no cleanup, as a power cut of the processes would)."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    while server.group_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not server.group_pids(), "server processes survived SIGKILL"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """``serve(db_url, **options)`` starts a server; every server started is stopped after the test."""
    started: list[Server] = []

    def start(db_url: str, **kwargs) -> Server:
        home = tmp_path / f"home{len(started)}"
        home.mkdir(exist_ok=True)
        server = start_server(db_url, kwargs.pop("home", home), **kwargs)
        started.append(server)
        return server

    start.started = started  # type: ignore[attr-defined]  (restarts are appended here too)
    yield start
    for server in started:
        stop_server(server)
