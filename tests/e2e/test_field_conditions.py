"""The real server where members really are: stalled phones, spoofed path headers, addresses kept out of logs."""

from __future__ import annotations

import re
import socket
import time

import pytest
import requests

from tests.e2e.test_serve import make_link, post_rating
from tests.serving import stored_ratings

pytestmark = pytest.mark.e2e

THREADS = 4


def stall(port: int, what: bytes) -> socket.socket:
    """A connection that sends ``what`` and then nothing more, as a phone losing its signal does."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(what)
    return sock


def test_stalled_phones_beyond_the_thread_count_never_hold_a_member_up(serve, db_url, engine):
    token, activity_id = make_link(engine)
    server = serve(db_url, threads=THREADS)
    body_start = b"--x\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n\xff\xd8"
    stalled = [stall(server.port, b"POST /s/" + token.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 5000000\r\n\r\n" + body_start)
               for _ in range(3 * THREADS)]  # uploading a photo, then silence
    stalled += [stall(server.port, b"GET /s/" + token.encode() + b" HTTP/1.1\r\nHost") for _ in range(THREADS)]
    try:
        started = time.monotonic()
        assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
        post_rating(server.url, token, activity_id, "5", "网络不好也能提交")
        assert time.monotonic() - started < 1.0
        assert [r.suggestion for r in stored_ratings(engine, 1)] == ["网络不好也能提交"]
    finally:
        for sock in stalled:
            sock.close()


def raw_get(port: int, path: str, headers: dict[str, str], source: str = "127.0.0.1") -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{head}\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_path_headers_from_a_peer_change_no_members_form(serve, db_url, engine):
    token, _ = make_link(engine)
    server = serve(db_url, extra_env={"ZHUDIAN_LINK_CACHE_SECONDS": "60"})
    spoofed = raw_get(server.port, f"/s/{token}", {"SCRIPT_NAME": "/evil", "X-Forwarded-Prefix": "/evil",
                                                   "X-Forwarded-Host": "evil.example", "X-Script-Name": "/evil"})
    honest = requests.get(f"{server.url}/s/{token}", timeout=10).text
    for page in (spoofed, honest):
        assert re.search(r'<form method="post" action="([^"]*)"', page).group(1) == f"/s/{token}"
        assert "evil" not in page


def test_the_log_names_no_client_address(serve, db_url, engine):
    token, activity_id = make_link(engine)
    server = serve(db_url)
    phone = "127.0.0.2"  # a loopback address of its own, so any trace of it in the log is found
    raw_get(server.port, f"/s/{token}", {}, phone)
    raw_get(server.port, "/s/" + "x" * 32, {}, phone)  # 404
    raw_get(server.port, f"/s/{token}/thanks", {"Cookie": "zd_cid=\x7f"}, phone)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(phone, 0)) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")  # a malformed request
        sock.recv(65536)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(phone, 0)) as sock:
        sock.sendall(f"POST /s/{token} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                     "Content-Length: 10\r\n\r\n--b\r\nbroke".encode())  # a body cut short, then closed
    post_rating(server.url, token, activity_id, "4", "")
    requests.get(f"{server.url}/healthz", timeout=5)
    assert phone not in server.output()
