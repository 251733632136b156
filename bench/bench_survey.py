"""Load benchmark of the survey server, measured side by side with a bare hello-world Flask app.

Starts the real ``zhudian serve`` (waitress) on a fresh database and a hello-world app under the same
waitress configuration, drives both from this process with concurrent keep-alive clients (one event
loop, non-blocking sockets) on 127.0.0.1 only, and prints:

- rating POST throughput as a ratio to the hello-world endpoint, and in ratings a second (targets:
  >= 0.35 of hello and >= 300 ratings/s). Every rating is committed before its member is answered.
  The POST is measured as phones send it: the form has a photo field, so a browser posts
  ``multipart/form-data`` (every field, the empty photo part included); both apps parse it with
  werkzeug's parser. The ratio for an ``application/x-www-form-urlencoded`` body of the same fields,
  which no browser sends for this form, is printed beside it, as is the form GET's;
- p99 latency at 50 concurrent clients (target < 150 ms);
- a lecture hall: 600 phones behind one address (each its own cookies) open the form within 50 s and
  send their rating 5-10 s later, against a server with default settings (flood guard, form age):
  none refused, p99 < 500 ms;
- stored ratings against successful POST responses (must be equal);
- CPU time per request of the server's process and of this client, per phase: on a small machine the
  client shares the server's cores, and these show where the time goes.

The hello app is served the same way: same waitress settings and, as the survey here, behind
``ProxyFix`` (each simulated phone has its own ``X-Forwarded-For`` address); its POST parses a body of
the same shape and encoding. Server errors, if any, are printed to stderr.

Usage: python bench/bench_survey.py [--db URL] [--threads N] [--clients 50] [--seconds 3]
       [--rounds 5] [--branches 20] [--per-connection 20] [--hall 600]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HIDDEN = re.compile(rb'<input type="hidden" name="(\w+)" value="([^"]*)">')
COOKIE = re.compile(r"zd_cid=([^;]+)")
ENCODINGS = ("multipart", "urlencoded")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def form_body(encoding: str, fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The body and content type a browser sends for the survey form's fields.

    Multipart: with the empty photo part, under a fresh boundary per request as Chromium makes one
    ("----WebKitFormBoundary" and 16 random characters). werkzeug builds its part parser per boundary,
    so one fixed boundary for every request would measure a cost no real form has.
    """
    if encoding == "urlencoded":
        return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    boundary = "----WebKitFormBoundary" + "".join(random.choices(_ALNUM, k=16))
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename=""\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n\r\n")
    body = "".join(parts).encode() + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def answer_fields(sid: str, ft: str, activity: str, score: str) -> dict[str, str]:
    """The form's fields in page order, as a browser sends them (empty honeypot and "other" name)."""
    return {"sid": sid, "ft": ft, "website": "", "activity": activity, "activity_other": "", "score": score,
            "suggestion": "活动很好，希望多组织"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, path: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not become healthy")


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=None,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by every process of a process group (the server's master and workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    ok: int = 0
    unexpected: Counter[int] = field(default_factory=Counter)  # status of each failure (0: no response)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server's processes used during the phase
    client_cpu: float = 0.0  # CPU seconds this (client) process used during the phase

    @property
    def failed(self) -> int:
        return sum(self.unexpected.values())

    @property
    def server_us(self) -> float:
        """Server CPU per successful request, in microseconds."""
        return self.server_cpu / self.ok * 1e6 if self.ok else float("nan")

    @property
    def client_us(self) -> float:
        return self.client_cpu / self.ok * 1e6 if self.ok else float("nan")

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000


class Connection:
    """One simulated client's keep-alive connection, driven by :func:`drive`'s event loop."""

    def __init__(self, port: int, n: int) -> None:
        self.port, self.n, self.i = port, n, 0
        self.out = memoryview(b"")
        self.buf = bytearray()
        self.started = 0.0
        self._open()

    def _open(self) -> None:
        self.served = 0
        self.opened: float | None = time.perf_counter()  # the next request's latency includes the connect
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)

    def request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> None:
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept-Encoding: identity"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            head.append(f"Content-Length: {len(body)}")
        self.out = memoryview(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        self.buf.clear()
        self.started, self.opened = self.opened or time.perf_counter(), None
        self.send()

    def send(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except BlockingIOError:
            return
        self.out = self.out[sent:]

    def response(self) -> tuple[int, bool] | None:
        """(status, server keeps the connection) once the whole response is in, else ``None``."""
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
        if "content-length" not in fields:  # waitress and Flask send it for every response here
            return 0, False
        if len(self.buf) < end + 4 + int(fields["content-length"]):
            return None
        return int(head[0].split()[1]), fields.get("connection", "").lower() != "close"

    def reconnect(self) -> None:
        """The server closed the connection, or the client has sent its share on it: a new one."""
        self.sock.close()
        self._open()


def drive(server_group: int, port: int, clients: int, seconds: float,
          make_request: Callable[[int], tuple[str, str, bytes | None, dict]], expect: int,
          per_connection: int = 20) -> Result:
    """``clients`` closed-loop clients, each on a keep-alive connection, for ``seconds``; the server's
    CPU is read off its process group ``server_group``.

    All from one thread with non-blocking sockets: with a thread per client, this process's own
    interpreter lock held responses back (counted as the server's latency) and its CPU took a larger
    share of the cores the server runs on.

    A client opens a new connection after ``per_connection`` requests, as phones (one or two requests
    per connection) make the server accept connections all the time.
    """
    result = Result()
    selector = selectors.DefaultSelector()

    def next_request(conn: Connection) -> None:
        method, path, body, headers = make_request(conn.n * 1_000_000 + conn.i)
        conn.i += 1
        conn.request(method, path, body, headers)
        selector.modify(conn.sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.out else 0), conn)

    conns = [Connection(port, n) for n in range(clients)]
    for conn in conns:
        conn.opened = None  # opened before the phase began
    began, cpu0, server0 = time.perf_counter(), time.process_time(), group_cpu(server_group)
    stop_at = began + seconds
    for conn in conns:
        selector.register(conn.sock, selectors.EVENT_READ, conn)
        next_request(conn)
    busy = len(conns)
    while busy:
        ready = selector.select(timeout=30)
        if not ready:
            raise SystemExit("no response from the server in 30 s")
        for key, events in ready:
            conn = key.data
            if events & selectors.EVENT_WRITE:
                conn.send()
                if not conn.out:
                    selector.modify(conn.sock, selectors.EVENT_READ, conn)
            if not events & selectors.EVENT_READ:
                continue
            try:
                chunk = conn.sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            conn.buf += chunk
            outcome = conn.response() if chunk else (0, False)
            if outcome is None:
                continue
            status, keep = outcome
            result.latencies.append(time.perf_counter() - conn.started)
            if status == expect:
                result.ok += 1
            else:
                result.unexpected[status] += 1
            if time.perf_counter() >= stop_at:  # this client is done
                selector.unregister(conn.sock)
                conn.sock.close()
                busy -= 1
                continue
            conn.served += 1
            if not keep or conn.served >= per_connection:
                selector.unregister(conn.sock)
                conn.reconnect()
                selector.register(conn.sock, selectors.EVENT_READ, conn)
            next_request(conn)
    result.seconds = time.perf_counter() - began
    result.client_cpu = time.process_time() - cpu0
    result.server_cpu = group_cpu(server_group) - server0
    selector.close()
    return result


def fetch_forms(port: int, tokens: list[tuple[str, int]], count: int, clients: int) -> list[tuple]:
    """(token, activity, client cookie, submission id, form token) of ``count`` fresh forms, each as a new phone."""
    forms: list[tuple] = []
    lock = threading.Lock()
    per = count // clients + 1

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        got = []
        for i in range(per):
            token, activity_id = tokens[(n * per + i) % len(tokens)]
            conn.request("GET", f"/s/{token}")
            response = conn.getresponse()
            body = response.read()
            cid = COOKIE.search(response.getheader("Set-Cookie") or "").group(1)
            hidden = {k.decode(): v.decode() for k, v in HIDDEN.findall(body)}
            got.append((token, activity_id, cid, hidden["sid"], hidden["ft"]))
        with lock:
            forms.extend(got)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return forms


def lecture_hall(port: int, token: str, activity_id: int, phones: int, spread: float = 50.0) -> Result:
    """``phones`` phones behind one address (127.0.0.1), each with its own cookies: each opens the form
    at a moment spread over ``spread`` seconds and sends its rating 5-10 seconds later."""
    hall = Result()  # ok: ratings stored; unexpected: refusals by status
    lock = threading.Lock()
    rng = random.Random(7)
    began = time.monotonic() + 0.5
    plan = sorted((began + rng.uniform(0, spread), rng.uniform(5, 10)) for _ in range(phones))

    def timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
              headers: dict[str, str]) -> tuple[int, bytes, str]:
        started = time.perf_counter()
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data = response.read()
        with lock:
            hall.latencies.append(time.perf_counter() - started)
        return response.status, data, response.getheader("Set-Cookie") or ""

    def phone(opens_at: float, thinks: float) -> None:
        time.sleep(max(0.0, opens_at - time.monotonic()))
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, body, cookie = timed(conn, "GET", f"/s/{token}", None, {})
            conn.close()  # a phone opens a new connection after its user has thought
            hidden = {k.decode(): v.decode() for k, v in HIDDEN.findall(body)}
            cid = COOKIE.search(cookie).group(1)
            time.sleep(thinks)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            fields = answer_fields(hidden["sid"], hidden["ft"], str(activity_id), "5")
            body, headers = form_body("multipart", fields)
            status, _, _ = timed(conn, "POST", f"/s/{token}", body, {**headers, "Cookie": f"zd_cid={cid}"})
            conn.close()
        except (OSError, AttributeError, KeyError):
            status = 0
        with lock:
            if status == 303:
                hall.ok += 1
            else:
                hall.unexpected[status] += 1

    threads = [threading.Thread(target=phone, args=step) for step in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hall.seconds = time.monotonic() - began
    return hall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per phase and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-connection", type=int, default=20,
                        help="requests a client sends on one connection before it opens a new one")
    parser.add_argument("--branches", type=int, default=20,
                        help="branches (rooms) rated at once; 1 puts every rating on one roll-up row")
    parser.add_argument("--hall", type=int, default=600, help="phones in the lecture-hall phase (0: skip it)")
    args = parser.parse_args()

    from sqlmodel import Session, func, select

    from models.db import make_engine, session_scope
    from models.links import create_link
    from models.migrate import upgrade
    from models.reference import find_county, load_reference
    from models.tables import Activity, Branch, Rating

    home = Path(tempfile.mkdtemp(prefix="zhudian-bench-"))
    db_url = args.db or f"sqlite:///{home / 'bench.db'}"
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_reference(session)
        county = find_county(session, "梅江区")
        from datetime import date

        tokens: list[tuple[str, int]] = []
        stamp = int(time.time())
        for b in range(args.branches):
            branch = Branch(name=f"压测团支部{stamp}-{b}", county_id=county.id)
            session.add(branch)
            session.flush()
            activities = [Activity(branch_id=branch.id, name=f"主题团日{i}", held_on=date(2019, 5, i + 1))
                          for i in range(5)]
            session.add_all(activities)
            session.flush()
            tokens.append((create_link(session, branch.id).token, activities[0].id))
        with Session(engine) as s2:
            before = s2.exec(select(func.count()).select_from(Rating)).one()

    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT),
           # The limit stays on (its counter is written on every POST, as in production) but high enough
           # that one test machine standing in for thousands of phones is not refused.
           "ZHUDIAN_RATE_LIMIT_POST": "100000000",
           # Each simulated phone has its own address (X-Forwarded-For, as behind a reverse proxy).
           "ZHUDIAN_TRUSTED_PROXIES": "1",
           # The forms of a phase are fetched just before it; a person takes longer than the form's minimum age.
           "ZHUDIAN_MIN_FORM_SECONDS": "0"}
    env.pop("ZHUDIAN_DATABASE_URL", None)
    survey_port, hello_port = free_port(), free_port()
    survey = start([sys.executable, "-m", "tui", "--db", db_url, "serve", "--host", "127.0.0.1",
                    "--port", str(survey_port), "--threads", str(args.threads)], env)
    hello = start([sys.executable, "-c",
                   "from survey.server import serve; from bench.hello_app import create_hello; "
                   f"serve(create_hello, host='127.0.0.1', port={hello_port}, threads={args.threads})"], env)
    try:
        wait_healthy(survey_port, "/healthz", survey)
        wait_healthy(hello_port, "/", hello)
        c, secs, per = args.clients, args.seconds, args.per_connection
        print(f"zhudian serve: waitress, {args.threads} threads; "
              f"{c} concurrent clients ({args.per_connection} requests per connection), "
              f"{args.rounds} rounds of {secs:.0f} s per phase; {args.branches} branches; "
              f"database {engine.url.get_backend_name()}; "
              f"{os.cpu_count()} CPU cores shared by server and client")

        # Rounds interleave the four phases, so a change in the machine's other load hits both apps
        # alike; the ratio reported is the median over rounds.
        def survey_get_req(i: int):
            return "GET", f"/s/{tokens[i % len(tokens)][0]}", None, {}

        def hello_post(encoding: str):
            def request(i: int):
                body, headers = form_body(encoding, answer_fields("x" * 32, "y" * 100, "1", "5"))
                return "POST", "/", body, headers
            return request

        def survey_post(encoding: str, forms: Iterator[tuple]):
            def request(i: int):
                token, activity_id, cid, sid, ft = next(forms)  # one event loop: no lock
                body, headers = form_body(encoding, answer_fields(sid, ft, str(activity_id), str(i % 5 + 1)))
                phone = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                return "POST", f"/s/{token}", body, {**headers, "Cookie": f"zd_cid={cid}",
                                                     "X-Forwarded-For": phone}
            return request

        def one_round(secs: float) -> dict[str, Result]:
            r: dict[str, Result] = {}
            r["hello GET"] = drive(hello.pid, hello_port, c, secs, lambda i: ("GET", "/", None, {}), 200, per)
            r["survey form GET"] = drive(survey.pid, survey_port, c, secs, survey_get_req, 200, per)
            for encoding in ENCODINGS:
                # Forms for the POST phase, fetched beforehand (each as a different phone) so that the
                # timed phase measures the rating POST alone.
                need = int(max(r["survey form GET"].rate, 100) * secs) + c * 20
                forms = iter(fetch_forms(survey_port, tokens, need, c))
                r[f"hello POST {encoding}"] = drive(hello.pid, hello_port, c, secs, hello_post(encoding), 200, per)
                r[f"survey POST {encoding}"] = drive(survey.pid, survey_port, c, secs, survey_post(encoding, forms),
                                                     303, per)
            return r

        # An untimed round first: a fresh worker's first requests compile templates, fill caches and
        # import modules on first use, which the hello app hardly has; counting them made round one
        # the survey's worst.
        warm_up = one_round(1.0)
        rounds = [one_round(secs) for _ in range(args.rounds)]
    finally:
        stop(survey)
        stop(hello)
    hall = None
    if args.hall:
        # Default settings (flood guard, form age, no proxy): every phone has 127.0.0.1's address.
        defaults = {k: v for k, v in env.items() if k not in ("ZHUDIAN_RATE_LIMIT_POST", "ZHUDIAN_TRUSTED_PROXIES",
                                                             "ZHUDIAN_MIN_FORM_SECONDS")}
        hall_server = start([sys.executable, "-m", "tui", "--db", db_url, "serve", "--host", "127.0.0.1",
                             "--port", str(survey_port), "--threads", str(args.threads)], defaults)
        try:
            wait_healthy(survey_port, "/healthz", hall_server)
            hall = lecture_hall(survey_port, tokens[0][0], tokens[0][1], args.hall)
        finally:
            stop(hall_server)

    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Rating)).one() - before
    engine.dispose()
    if not args.db:
        shutil.rmtree(home, ignore_errors=True)

    def line(name: str, r: Result) -> str:
        return (f"{name:<22} {r.rate:8.0f} req/s  ok {r.ok:6d}  failed {r.failed:4d}  "
                f"p50 {r.p(0.5):6.1f} ms  p99 {r.p(0.99):6.1f} ms  "
                f"CPU/request: server {r.server_us:5.0f} µs, client {r.client_us:4.0f} µs"
                + (f"  failures by status: {dict(r.unexpected)}" if r.unexpected else ""))

    def pooled(name: str) -> Result:
        total = Result()
        for r in rounds:
            total.ok += r[name].ok
            total.unexpected.update(r[name].unexpected)
            total.latencies.extend(r[name].latencies)
            total.seconds += r[name].seconds
            total.server_cpu += r[name].server_cpu
            total.client_cpu += r[name].client_cpu
        return total

    names = ["hello GET", "survey form GET"] + [f"{app} POST {e}" for e in ENCODINGS for app in ("hello", "survey")]
    for name in names:
        print(line(name, pooled(name)))

    def ratios(survey_phase: str, hello_phase: str) -> str:
        values = sorted(r[survey_phase].rate / r[hello_phase].rate for r in rounds)
        return f"median {statistics.median(values):.2f} (rounds {', '.join(f'{x:.2f}' for x in values)})"

    print(f"GET  throughput ratio to hello world: {ratios('survey form GET', 'hello GET')}")
    print(f"POST throughput ratio to hello world, multipart as phones send it: "
          f"{ratios('survey POST multipart', 'hello POST multipart')}; target >= 0.35")
    rates = sorted(r["survey POST multipart"].rate for r in rounds)
    print(f"ratings committed per second (multipart): median {statistics.median(rates):.0f} "
          f"(rounds {', '.join(f'{x:.0f}' for x in rates)}); target >= 300")
    print(f"POST throughput ratio to hello world, urlencoded (no browser sends it for this form): "
          f"{ratios('survey POST urlencoded', 'hello POST urlencoded')}")
    get_all = pooled("survey form GET")
    posts = {e: pooled(f"survey POST {e}") for e in ENCODINGS}
    print(f"p99 at {c} concurrent clients: GET {get_all.p(0.99):.1f} ms, "
          + ", ".join(f"POST {e} {posts[e].p(0.99):.1f} ms" for e in ENCODINGS) + " (target < 150 ms)")
    acknowledged = sum(p.ok for p in posts.values()) + sum(warm_up[f"survey POST {e}"].ok for e in ENCODINGS)
    if hall is not None:
        acknowledged += hall.ok
        print(f"lecture hall: {args.hall} phones behind one address in {hall.seconds:.0f} s: stored {hall.ok}, "
              f"refused {hall.failed}"
              + (f" {dict(hall.unexpected)}" if hall.unexpected else "")
              + f", p99 {hall.p(0.99):.1f} ms (target: 0 refused, p99 < 500 ms)")
    print(f"stored ratings {stored} vs successful POST responses {acknowledged}: "
          f"{'equal' if stored == acknowledged else 'DIFFERENT'}")
    try:
        print(f"load average during the run (other work on this machine skews every figure): "
              f"{os.getloadavg()[0]:.1f}")
    except OSError:
        pass


if __name__ == "__main__":
    main()
