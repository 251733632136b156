"""Crash: SIGKILL every server process in the middle of a load, restart; every acknowledged rating is
stored exactly once, retries of the unanswered ones store nothing twice, the SQLite file is intact."""

from __future__ import annotations

import threading

import pytest

from tests.serving import kill_server, restart_server, wait_for
from tests.stress.conftest import (
    CLIENTS,
    SERVER_ENV,
    SUBMISSIONS,
    assert_acknowledged_stored_once,
    no_lock_errors,
    sqlite_integrity,
)
from tests.stress.load import LoadResult, Submission, resubmit, run_load

pytestmark = [pytest.mark.stress, pytest.mark.e2e]


def test_sigkill_mid_load_loses_nothing_acknowledged(serve, db_url, engine, load_scene):
    server = serve(db_url, extra_env=SERVER_ENV)
    progress: list[Submission] = []
    stop = threading.Event()
    holder: dict[str, LoadResult] = {}
    loader = threading.Thread(target=lambda: holder.setdefault("r", run_load(
        server.url, load_scene.token, load_scene.activity_id, SUBMISSIONS * 10, CLIENTS, stop=stop,
        progress=progress)))
    loader.start()
    # Kill once a good share of ratings is acknowledged, while many others are in flight.
    wait_for(lambda: sum(s.acknowledged for s in progress) >= SUBMISSIONS // 3, 120, "acknowledged ratings")
    kill_server(server)
    wait_for(lambda: sum(s.get_status == 0 and not s.sid for s in progress) >= CLIENTS, 60,
             "clients to notice the server is gone")
    stop.set()
    loader.join(timeout=120)
    result = holder["r"]
    if db_url.startswith("sqlite"):
        assert sqlite_integrity(db_url) == "ok"

    restarted = restart_server(server)
    serve.started.append(restarted)
    assert_acknowledged_stored_once(engine, result, exact=False)

    # Phones whose POST got no answer retry the same form: each is then acknowledged and stored once.
    unanswered = [s for s in result.posted if not s.acknowledged]
    assert all(s.status in (0, 303) for s in result.posted), result.statuses()
    resubmit(restarted.url, load_scene.token, load_scene.activity_id, unanswered)
    assert all(s.acknowledged for s in unanswered), [(s.status, s.body[:200]) for s in unanswered][:3]
    stored = assert_acknowledged_stored_once(engine, result, exact=False)
    assert set(stored) == {s.sid for s in result.posted}
    assert not result.server_errors()
    no_lock_errors(*(s.body for s in result.submissions), restarted.output())
    if db_url.startswith("sqlite"):
        assert sqlite_integrity(db_url) == "ok"
