"""The load driver of bench/bench_survey.py against a small real HTTP/1.1 server: what it counts is
what the server saw, keep-alive and closed connections alike."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.bench_survey import drive


@dataclass
class Seen:
    connections: int = 0
    requests: int = 0
    bodies: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def server() -> Iterator[tuple[int, Seen]]:
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms delayed ACKs
            with seen.lock:
                seen.connections += 1

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.answer(b"")

        def do_POST(self) -> None:
            self.answer(self.rfile.read(int(self.headers["Content-Length"])))

        def answer(self, body: bytes) -> None:
            with seen.lock:
                seen.requests += 1
                if body:
                    seen.bodies.append(body)
            status = 404 if self.path == "/missing" else 200
            reply = b"ok" * 100
            self.send_response(status)
            self.send_header("Content-Length", str(len(reply)))
            if self.path == "/close":
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(reply)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], seen
    httpd.shutdown()
    httpd.server_close()


def get(path: str):
    return lambda i: ("GET", path, None, {})


def test_each_client_keeps_one_connection_and_every_answer_is_counted(server):
    port, seen = server
    result = drive(os.getpgrp(), port, 5, 0.3, get("/"), 200, per_connection=10**9)
    assert result.ok == seen.requests > 5 * 20
    assert result.failed == 0
    assert seen.connections == 5
    assert len(result.latencies) == result.ok and all(t > 0 for t in result.latencies)


def test_a_connection_the_server_closes_is_opened_again(server):
    port, seen = server
    result = drive(os.getpgrp(), port, 3, 0.3, get("/close"), 200)
    assert result.ok == seen.requests > 3
    assert result.failed == 0
    assert seen.connections == seen.requests


def test_an_unexpected_status_counts_as_failed(server):
    port, seen = server
    result = drive(os.getpgrp(), port, 2, 0.2, get("/missing"), 200)
    assert result.ok == 0
    assert result.failed == seen.requests > 0
    assert result.unexpected == {404: result.failed}


def test_a_large_body_arrives_whole(server):
    # Larger than a socket buffer: the driver must finish sending it when the socket is writable.
    port, seen = server
    body = bytes(range(256)) * 16_384  # 4 MB
    result = drive(os.getpgrp(), port, 2, 0.2, lambda i: ("POST", "/", body, {}), 200)
    assert result.ok == seen.requests > 0 and result.failed == 0
    assert all(b == body for b in seen.bodies) and len(seen.bodies) == result.ok


def test_a_client_opens_a_new_connection_after_its_share_of_requests(server):
    port, seen = server
    result = drive(os.getpgrp(), port, 2, 0.3, get("/"), 200, per_connection=3)
    assert result.ok == seen.requests > 6 and result.failed == 0
    # each client's last connection may carry fewer than three
    assert seen.requests / 3 <= seen.connections <= seen.requests / 3 + 2
