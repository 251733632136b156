"""Reliability figures at full scale: load, crash and database outage against the real ``zhudian serve``.

Runs the stress scenarios of ``tests/stress`` outside pytest at the issue's scale and prints what
happened. Default: 20,000 rating submissions from 200 concurrent clients against ``zhudian serve``,
on SQLite and on PostgreSQL, while a second process refreshes the dashboard's figures; then a SIGKILL of
every server process mid-load on each database; then a stop/start of a throwaway PostgreSQL mid-load.

Usage: python bench/bench_reliability.py [--submissions 20000] [--clients 200] [--pg URL] [--skip-outage]
(``--pg`` names a PostgreSQL server where a scratch database is created and dropped; without it only
SQLite and the throwaway outage server are used.) Load goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models.db import make_engine, session_scope  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.reference import load_reference  # noqa: E402
from models.tables import Rating, RatingStat  # noqa: E402
from tests import factories  # noqa: E402
from tests.serving import kill_server, restart_server, start_server, stop_server, wait_for  # noqa: E402
from tests.stress.conftest import Refresher, sqlite_integrity  # noqa: E402
from tests.stress.load import LoadResult, Submission, resubmit, run_load  # noqa: E402
from tests.stress.pgserver import ThrowawayPostgres, binaries  # noqa: E402

SERVER_ENV = {"ZHUDIAN_RATE_LIMIT_POST": "100000000"}
OUTAGE_SECONDS = 10


def prepare(url: str) -> tuple[str, int]:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_reference(session)
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", f"压测团支部{uuid.uuid4().hex[:6]}")
        act = factories.activity(session, b, "五四主题团日")
        token = factories.survey_link(session, b).token
        session.commit()
        activity_id = act.id
    engine.dispose()
    return token, activity_id


def audit(url: str, result: LoadResult, also: set[str] = frozenset()) -> dict:  # type: ignore[assignment]
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = Counter(conn.execute(select(Rating.submission_id)).scalars())
        stat = conn.execute(select(func.coalesce(func.sum(RatingStat.count), 0))).scalar_one()
    engine.dispose()
    posted = {s.sid for s in result.posted} | set(also)
    return {
        "acknowledged": len(result.acknowledged),
        "stored": sum(stored.values()),
        "duplicates": sum(1 for n in stored.values() if n > 1),
        "acknowledged_missing": sum(1 for s in result.acknowledged if stored[s.sid] != 1),
        "stored_never_posted": len(set(stored) - posted),
        "rollup_matches": stat == sum(stored.values()),
    }


def line(label: str, value) -> None:
    print(f"  {label:<38} {value}")


def scratch_pg(admin_url: str) -> tuple[str, callable]:
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"zhudian_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def load_run(name: str, url: str, home: Path, n: int, clients: int) -> bool:
    token, activity_id = prepare(url)
    server = start_server(url, home, extra_env=SERVER_ENV, timeout=60)
    dashboard = Refresher(url, home)
    dashboard.wait_ready()
    try:
        result = run_load(server.url, token, activity_id, n, clients)
    finally:
        summary = dashboard.stop()
        stop_server(server)
    logs = server.output()
    figures = audit(url, result)
    locked = sum("database is locked" in s.body.lower() for s in result.submissions) + logs.lower().count(
        "database is locked")
    errors_5xx = len(result.server_errors())
    print(f"\nLOAD {name}: {n} submissions (form GET + rating POST each) from {clients} clients, zhudian serve")
    line("wall time", f"{result.seconds:.1f} s ({len(result.acknowledged) / result.seconds:.0f} ratings/s)")
    line("responses", dict(result.statuses()))
    line("5xx responses", errors_5xx)
    line('"database is locked" (responses + logs)', locked)
    line("p50 / p99 per submission (GET+POST)", f"{result.latency(0.5):.0f} ms / {result.latency(0.99):.0f} ms")
    for key, value in figures.items():
        line(key, value)
    line("dashboard refreshes during the load", f"{summary['refreshes']} (errors {len(summary['errors'])}, "
         f"slowest {summary['slowest'] * 1000:.0f} ms)")
    if url.startswith("sqlite"):
        line("SQLite integrity_check", sqlite_integrity(url))
    return (errors_5xx == 0 and locked == 0 and figures["acknowledged"] == n == figures["stored"]
            and not figures["duplicates"] and figures["rollup_matches"] and not summary["errors"])


def run_until(server_url: str, token: str, activity_id: int, clients: int, total: int):
    progress: list[Submission] = []
    stop = threading.Event()
    holder: dict[str, LoadResult] = {}
    thread = threading.Thread(target=lambda: holder.setdefault("r", run_load(
        server_url, token, activity_id, total, clients, stop=stop, progress=progress)))
    thread.start()
    return progress, stop, thread, holder


def crash_run(name: str, url: str, home: Path, n: int, clients: int) -> bool:
    token, activity_id = prepare(url)
    server = start_server(url, home, extra_env=SERVER_ENV, timeout=60)
    processes = len(server.group_pids())
    progress, stop, thread, holder = run_until(server.url, token, activity_id, clients, n * 10)
    wait_for(lambda: sum(s.acknowledged for s in progress) >= n // 2, 600, "acknowledged ratings")
    kill_server(server)
    killed_at = sum(s.acknowledged for s in progress)
    wait_for(lambda: sum(s.get_status == 0 and not s.sid for s in progress) >= clients, 120, "clients")
    stop.set()
    thread.join()
    result = holder["r"]
    integrity = sqlite_integrity(url) if url.startswith("sqlite") else "n/a"
    t0 = time.perf_counter()
    server = restart_server(server, timeout=60)
    restart = time.perf_counter() - t0
    before = audit(url, result)
    unanswered = [s for s in result.posted if not s.acknowledged]
    resubmit(server.url, token, activity_id, unanswered)
    stop_server(server)
    after = audit(url, result)
    print(f"\nCRASH {name}: SIGKILL to all {processes} server processes after {killed_at} acknowledged ratings")
    line("POSTs in flight or unanswered at the kill", len(unanswered))
    line("of those, stored (committed, answer lost)", before["stored"] - before["acknowledged"])
    line("SQLite integrity_check after the kill", integrity)
    line("restart to healthy", f"{restart:.1f} s")
    for key, value in before.items():
        line(f"after restart: {key}", value)
    line("retries of unanswered POSTs acknowledged", f"{sum(s.acknowledged for s in unanswered)} / {len(unanswered)}")
    line("after retries: stored / posted", f"{after['stored']} / {len(result.posted)}")
    line("after retries: duplicates", after["duplicates"])
    return (integrity in ("ok", "n/a") and not before["acknowledged_missing"] and not before["duplicates"]
            and after["stored"] == len(result.posted) and not after["duplicates"] and after["rollup_matches"])


def outage_run(home: Path, n: int, clients: int) -> bool:
    import requests

    pg = ThrowawayPostgres()
    try:
        pg.start()
        token, activity_id = prepare(pg.url)
        server = start_server(pg.url, home, extra_env={**SERVER_ENV, "ZHUDIAN_LINK_CACHE_SECONDS": "0"},
                              timeout=60)
        progress, stop, thread, holder = run_until(server.url, token, activity_id, clients, n * 10)
        wait_for(lambda: sum(s.acknowledged for s in progress) >= n // 3, 600, "ratings before the stop")
        t0 = time.perf_counter()
        pg.stop("fast")
        stopped = time.perf_counter()
        # Down for at least OUTAGE_SECONDS, and until every client has met the busy page.
        wait_for(lambda: sum(1 for s in progress if 503 in (s.status, s.get_status)) >= clients
                   and time.perf_counter() - stopped >= OUTAGE_SECONDS, 120, "503s")
        pg.start()
        started = time.perf_counter()
        wait_for(lambda: requests.get(f"{server.url}/healthz", timeout=10).status_code == 200, 120, "recovery")
        recovered = time.perf_counter() - started
        mark = sum(s.acknowledged for s in progress)
        wait_for(lambda: sum(s.acknowledged for s in progress) >= mark + n // 3, 600, "ratings after recovery")
        stop.set()
        thread.join()
        result = holder["r"]
        busy = [s for s in result.submissions if 503 in (s.status, s.get_status)]
        other_5xx = [s for s in result.submissions if max(s.status, s.get_status) >= 500 and s not in busy]
        unanswered = [s for s in result.posted if not s.acknowledged]
        resubmit(server.url, token, activity_id, unanswered)
        stop_server(server)
        figures = audit(pg.url, result)
        print(f"\nOUTAGE throwaway PostgreSQL {pg.port}: pg_ctl stop -m fast mid-load, {clients} clients, "
              "zhudian serve (link cache off)")
        line("pg_ctl stop took", f"{stopped - t0:.1f} s; database down for {started - stopped:.1f} s")
        line("503 服务繁忙 pages served while down", len(busy))
        line("with the Chinese busy text", sum("服务繁忙，请稍后重试" in s.body for s in busy))
        line("other 5xx", len(other_5xx))
        line("server healthy again after pg start", f"{recovered:.1f} s (no restart)")
        line("unanswered POSTs retried, acknowledged", f"{sum(s.acknowledged for s in unanswered)} / {len(unanswered)}")
        for key, value in figures.items():
            line(key, value)
        return (not other_5xx and all("服务繁忙，请稍后重试" in s.body for s in busy) and not figures["duplicates"]
                and not figures["acknowledged_missing"] and figures["stored"] == len(result.posted))
    finally:
        pg.destroy()


def versions(pg_urls: list[str]) -> None:
    import sqlite3
    from importlib.metadata import version

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {version('sqlalchemy')}, Flask {version('flask')}, "
          f"waitress {version('waitress')}, psycopg {version('psycopg')}")
    for url in pg_urls:
        engine = make_engine(url)
        with engine.connect() as conn:
            print(f"PostgreSQL: {conn.execute(text('SHOW server_version')).scalar_one()}")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--pg", default=os.environ.get("ZHUDIAN_TEST_PG_URL"), help="PostgreSQL admin URL")
    parser.add_argument("--skip-outage", action="store_true")
    parser.add_argument("--only", choices=["load", "crash", "outage"], default=None)
    args = parser.parse_args()
    n, c = args.submissions, args.clients
    home = Path(tempfile.mkdtemp(prefix="zhudian-rel-"))
    drops = []
    ok = True
    try:
        targets = [("SQLite", f"sqlite:///{home / 'load.db'}", f"sqlite:///{home / 'crash.db'}")]
        if args.pg:
            load_pg, drop1 = scratch_pg(args.pg)
            crash_pg, drop2 = scratch_pg(args.pg)
            drops += [drop1, drop2]
            targets.append(("PostgreSQL", load_pg, crash_pg))
        versions([args.pg] if args.pg else [])
        for name, load_url, crash_url in targets:
            if args.only in (None, "load"):
                ok &= load_run(name, load_url, home, n, c)
            if args.only in (None, "crash"):
                ok &= crash_run(name, crash_url, home, n, c)
        if args.only in (None, "outage") and not args.skip_outage and binaries() and os.geteuid() == 0:
            ok &= outage_run(home, n, c)
    finally:
        for drop in drops:
            drop()
        shutil.rmtree(home, ignore_errors=True)
    print(f"\nRESULT: {'all checks passed' if ok else 'SOME CHECK FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
