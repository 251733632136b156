"""Slow and stalled connections against the real ``zhudian serve``: members are still served.

One address (127.0.0.2) opens more sockets than the server's whole connection limit and trickles a
byte now and then, as a Slowloris script does; a lecture hall (127.0.0.3) keeps 600 connections
alive at once; a member (127.0.0.1) loads the form meanwhile. Linux routes all of 127.0.0.0/8 to
the loopback device, so each is a different source address to the server.
"""

from __future__ import annotations

import errno
import socket
import time
from collections import Counter

import pytest
import requests

from survey import server as survey_server
from tests.serving import wait_for

HEADER_SECONDS = 3  # shortened from 30 s so the deadline can be watched in a test
STALLERS = survey_server.CONNECTION_LIMIT + 100
HALL = 600

pytestmark = pytest.mark.stress


def _connect(source: str, port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.setblocking(False)
    sock.connect_ex(("127.0.0.1", port))
    return sock


def _member_get(url: str) -> float:
    started = time.monotonic()
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and "提交评价" in response.text
    took = time.monotonic() - started
    print(f"member served in {took * 1000:.0f} ms")  # the figure docs/reliability.md gives
    return took


def _send_all(sock: socket.socket, data: bytes) -> bool:
    try:
        sock.send(data)
        return True
    except OSError:  # closed by the server (over its address's share): that is the point
        return False


def test_stalled_sockets_beyond_the_limit_leave_members_and_a_hall_served(serve, sqlite_url, link_token):
    server = serve(sqlite_url, extra_env={"ZHUDIAN_HEADER_SECONDS": str(HEADER_SECONDS)})
    form_url = f"{server.url}/s/{link_token}"
    stallers = [_connect("127.0.0.2", server.port) for _ in range(STALLERS)]
    try:
        # The burst of connects is over once the server has taken or refused every one: it keeps
        # its per-address share open and has closed the rest.
        excess = STALLERS - survey_server.PER_ADDRESS
        wait_for(lambda: _states(stallers)["closed"] >= excess, 60, "the server refusing the excess")
        assert _states(stallers) == {"open": survey_server.PER_ADDRESS, "closed": excess}
        for sock in stallers:
            _send_all(sock, b"G")  # the first byte of a request it never finishes
        assert _member_get(form_url) < 1.0

        hall = [socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=("127.0.0.3", 0))
                for _ in range(HALL)]
        try:
            for sock in hall:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: zd\r\n\r\n")
            answers = [_read_response(sock) for sock in hall]
            assert answers.count(200) == HALL  # every phone of the hall served, connections kept open
            assert _member_get(form_url) < 1.0
        finally:
            for sock in hall:
                sock.close()

        # A byte every second keeps the idle timeout from firing; the request deadline still closes them.
        def closed() -> bool:
            for sock in stallers:
                _send_all(sock, b"E")
            return _states(stallers)["open"] == 0

        trickle_started = time.monotonic()
        wait_for(closed, HEADER_SECONDS + survey_server.CHECK_SECONDS + 10, "the stalled requests closed")
        print(f"stalled requests all closed {time.monotonic() - trickle_started:.1f} s after the trickle began")
        assert _member_get(form_url) < 1.0
    finally:
        for sock in stallers:
            sock.close()


def _read_response(sock: socket.socket) -> int:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "the server closed a hall phone's connection"
        data += chunk
    return int(data.split(b" ", 2)[1])


def _states(stallers: list[socket.socket]) -> Counter:
    """How many staller sockets are open, closed by the server, or still connecting."""
    states: Counter = Counter()
    for sock in stallers:
        try:
            states["open" if sock.recv(1, socket.MSG_PEEK) else "closed"] += 1
        except BlockingIOError:
            states["open"] += 1
        except OSError as exc:
            states["pending" if exc.errno == errno.ENOTCONN else "closed"] += 1
    return states


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    import shutil

    path = tmp_path / "slow.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def link_token(sqlite_url) -> str:
    from sqlmodel import Session

    from models.db import make_engine
    from tests import factories

    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        branch = factories.branch(session, "梅江区", "慢连接团支部")
        factories.activity(session, branch, "五四主题团日")
        token = factories.survey_link(session, branch).token
        session.commit()
    engine.dispose()
    return token
