"""Real processes: ``python -m tui serve`` on a free port, waited for through ``/healthz``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(db_url: str, home: Path, *, workers: int = 2, extra_env: dict[str, str] | None = None,
                 timeout: float = 30.0, server: str = "auto") -> Server:
    port = free_port()
    log = home / f"serve-{port}.log"
    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT), **(extra_env or {})}
    env.pop("ZHUDIAN_DATABASE_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers), "--public-url", f"http://127.0.0.1:{port}", "--server", server],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}:\n{server.output()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):  # still starting, or busy booting workers
            pass
        time.sleep(0.1)  # poll interval of a bounded wait, not a fixed delay
    stop_server(server)
    raise AssertionError(f"serve did not answer /healthz within {timeout} s:\n{server.output()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)  # the process group we started: arbiter and workers
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    started: list[Server] = []

    def start(db_url: str, **kwargs) -> Server:
        home = tmp_path / f"home{len(started)}"
        home.mkdir(exist_ok=True)
        server = start_server(db_url, kwargs.pop("home", home), **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
