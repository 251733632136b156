"""A load of rating submissions from many concurrent clients, each submission as a new phone.

Each client is a thread with its own keep-alive connection; a submission is the form GET (no cookie,
so the server hands out a new device cookie) and the rating POST with that form's hidden fields. Every
outcome is kept (submission id, status, body when it is not the success redirect), so a test can
compare what the server acknowledged with what the database holds. Used by ``tests/stress`` and
``bench/bench_reliability.py``; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import itertools
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
COOKIE = re.compile(r"zd_cid=([^;]+)")
ACK = 303  # the form's success: post/redirect/get to the thanks page


@dataclass
class Submission:
    index: int
    sid: str = ""
    ft: str = ""
    cid: str = ""
    get_status: int = 0  # 0: no answer (connection refused or reset)
    status: int = 0  # of the POST; 0 if never answered
    body: str = ""  # kept when the answer is not the acknowledgement
    seconds: float = 0.0

    @property
    def acknowledged(self) -> bool:
        return self.status == ACK


@dataclass
class LoadResult:
    submissions: list[Submission] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def posted(self) -> list[Submission]:
        return [s for s in self.submissions if s.sid]

    @property
    def acknowledged(self) -> list[Submission]:
        return [s for s in self.submissions if s.acknowledged]

    def statuses(self) -> Counter:
        return Counter(s.status for s in self.submissions if s.sid) + Counter(
            f"GET {s.get_status}" for s in self.submissions if not s.sid)

    def server_errors(self) -> list[Submission]:
        return [s for s in self.submissions if s.status >= 500 or s.get_status >= 500]

    def bodies_containing(self, text: str) -> list[Submission]:
        return [s for s in self.submissions if text in s.body]

    def latency(self, q: float) -> float:
        data = sorted(s.seconds for s in self.acknowledged)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000 if data else float("nan")


def _conn(host: str, port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(host, port, timeout=60)


def submit_one(conn: http.client.HTTPConnection, path: str, sub: Submission, activity_id: int,
               suggestion: str) -> None:
    """GET the form as a new phone, then POST a rating. Raises OSError/HTTPException on a broken connection."""
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    sub.get_status = response.status
    if response.status != 200:
        sub.body = body
        return
    sub.cid = COOKIE.search(response.getheader("Set-Cookie") or "").group(1)
    hidden = dict(HIDDEN.findall(body))
    sub.sid, sub.ft = hidden["sid"], hidden["ft"]
    post(conn, path, sub, activity_id, suggestion)
    sub.seconds = time.perf_counter() - t0


def post(conn: http.client.HTTPConnection, path: str, sub: Submission, activity_id: int, suggestion: str,
         extra: dict[str, str] | None = None) -> None:
    data = {"sid": sub.sid, "ft": sub.ft, "activity": str(activity_id), "score": str(sub.index % 5 + 1),
            "suggestion": suggestion, **(extra or {})}
    conn.request("POST", path, body=urlencode(data).encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"zd_cid={sub.cid}"})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    sub.status = response.status
    if response.status != ACK:
        sub.body = body


def suggestion_for(index: int) -> str:
    return f"压测意见 #{index}：希望多组织志愿服务"


def run_load(base_url: str, token: str, activity_id: int, total: int, clients: int, *,
             stop: threading.Event | None = None, progress: list[Submission] | None = None) -> LoadResult:
    """``total`` submissions from ``clients`` threads (fewer if ``stop`` is set first).

    ``progress``, if given, receives every finished submission as it finishes (a live view for fault
    tests that act once enough ratings were acknowledged).
    """
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    path = f"/s/{token}"
    counter = itertools.count()
    result = LoadResult()
    lock = threading.Lock()
    stop = stop or threading.Event()

    def client() -> None:
        conn = _conn(host, port)
        mine: list[Submission] = []
        while not stop.is_set():
            i = next(counter)
            if i >= total:
                break
            sub = Submission(i)
            try:
                submit_one(conn, path, sub, activity_id, suggestion_for(i))
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = _conn(host, port)
                if sub.get_status == 0:
                    time.sleep(0.05)  # the server is down: do not spin (a phone's user would wait too)
            mine.append(sub)
            if progress is not None:
                progress.append(sub)  # list.append is atomic
        conn.close()
        with lock:
            result.submissions.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - began
    result.submissions.sort(key=lambda s: s.index)
    return result


def resubmit(base_url: str, token: str, activity_id: int, subs: list[Submission]) -> None:
    """Post each submission again with its own form (a phone retrying after a lost response)."""
    url = urlsplit(base_url)
    conn = _conn(url.hostname or "127.0.0.1", url.port or 80)
    try:
        for sub in subs:
            post(conn, f"/s/{token}", sub, activity_id, suggestion_for(sub.index))
    finally:
        conn.close()
