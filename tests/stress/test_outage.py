"""Database outage: our own PostgreSQL stops mid-load and starts again. While it is down the form
answers 503 "服务繁忙，请稍后重试" with the member's answer kept; the server recovers by itself and
nothing acknowledged is lost."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator

import pytest
import requests
from sqlmodel import Session

from models.db import make_engine, session_scope
from models.migrate import upgrade
from models.reference import load_reference
from tests import factories
from tests.serving import wait_for
from tests.stress.conftest import (
    CLIENTS,
    SERVER_ENV,
    SUBMISSIONS,
    assert_acknowledged_stored_once,
    no_lock_errors,
)
from tests.stress.load import HIDDEN, LoadResult, Submission, resubmit, run_load
from tests.stress.pgserver import ThrowawayPostgres, binaries

pytestmark = [pytest.mark.stress, pytest.mark.e2e]

BUSY = "服务繁忙，请稍后重试"


@pytest.fixture
def own_postgres() -> Iterator[ThrowawayPostgres]:
    if binaries() is None or os.geteuid() != 0:
        pytest.skip("needs the PostgreSQL server binaries and root (to run them as the postgres user)")
    pg = ThrowawayPostgres()
    try:
        pg.start()
        engine = make_engine(pg.url)
        upgrade(engine)
        with session_scope(engine) as session:
            load_reference(session)
        engine.dispose()
        yield pg
    finally:
        pg.destroy()


def open_form(base: str, token: str) -> tuple[requests.Session, dict[str, str]]:
    browser = requests.Session()
    page = browser.get(f"{base}/s/{token}", timeout=10)
    assert page.status_code == 200
    return browser, dict(HIDDEN.findall(page.text))


def test_postgres_stops_and_starts_mid_load(serve, own_postgres):
    pg = own_postgres
    engine = make_engine(pg.url)
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "停机测试团支部")
        act = factories.activity(session, b, "五四主题团日")
        token = factories.survey_link(session, b).token
        session.commit()
        activity_id = act.id
    # Caching off: while the database is down even the form's page needs it, the hardest case.
    server = serve(pg.url, extra_env={**SERVER_ENV, "ZHUDIAN_LINK_CACHE_SECONDS": "0"})
    member, fields = open_form(server.url, token)

    progress: list[Submission] = []
    stop = threading.Event()
    holder: dict[str, LoadResult] = {}
    clients = max(4, CLIENTS // 5)
    loader = threading.Thread(target=lambda: holder.setdefault("r", run_load(
        server.url, token, activity_id, SUBMISSIONS * 20, clients, stop=stop, progress=progress)))
    loader.start()
    try:
        wait_for(lambda: sum(s.acknowledged for s in progress) >= SUBMISSIONS // 5, 120, "ratings before the stop")
        pg.stop("fast")

        # The member who opened the form before the outage submits now.
        typed = "数据库停机时填写的意见 <script>x</script>"
        down = member.post(f"{server.url}/s/{token}", data={**fields, "activity": str(activity_id), "score": "5",
                                                             "suggestion": typed}, timeout=30, allow_redirects=False)
        assert down.status_code == 503, down.text[:500]
        assert BUSY in down.text and "数据库停机时填写的意见 &lt;script&gt;x&lt;/script&gt;" in down.text
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 503
        during = len(progress)
        wait_for(lambda: len(progress) > during + clients, 60, "load against the stopped database")

        pg.start()
        # The server recovers by itself: no restart, no signal, only time.
        wait_for(lambda: requests.get(f"{server.url}/healthz", timeout=10).status_code == 200, 60, "recovery")
        after = sum(s.acknowledged for s in progress)
        wait_for(lambda: sum(s.acknowledged for s in progress) >= after + SUBMISSIONS // 5, 120,
                   "ratings after recovery")
    finally:
        stop.set()
        loader.join(timeout=120)
    result = holder["r"]

    # The member presses 重新提交 on the busy page: stored once, however often pressed.
    kept = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', down.text))
    for _ in range(2):
        again = member.post(f"{server.url}/s/{token}", data={**kept, "suggestion": typed}, timeout=30,
                            allow_redirects=False)
        assert again.status_code == 303, again.text[:500]

    statuses = result.statuses()
    assert 503 in statuses or "GET 503" in statuses, statuses
    assert not [s for s in result.submissions if s.status >= 500 and s.status != 503], statuses
    assert all(BUSY in s.body for s in result.submissions if 503 in (s.status, s.get_status))
    unanswered = [s for s in result.posted if not s.acknowledged]
    resubmit(server.url, token, activity_id, unanswered)  # phones retrying after the outage
    assert all(s.acknowledged for s in unanswered), [(s.status, s.body[:200]) for s in unanswered if
                                                    not s.acknowledged][:3]
    stored = assert_acknowledged_stored_once(engine, result, exact=False, also_posted={fields["sid"]})
    assert stored[fields["sid"]] == 1
    no_lock_errors(server.output())
    assert "Traceback" not in server.output(), server.output()[-3000:]
    engine.dispose()




def test_dashboard_banner_and_recovery_when_postgres_restarts(own_postgres):
    """The dashboard's refresh worker on our throwaway PostgreSQL: the banner while it is stopped, the
    figures back by themselves once it runs again, and no traceback in between."""
    import asyncio

    from tests.tui.demo_data import TODAY
    from tests.tui.helpers import wait_for, wait_loaded, wait_text
    from tests.tui.screen_text import screen_text
    from tui.app import make_app
    from tui.components.banner import DbBanner
    from tui.screens.overview import OverviewScreen

    pg = own_postgres

    async def scenario() -> None:
        app = make_app(pg.url, now=lambda: TODAY)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_loaded(pilot, OverviewScreen, timeout=30)
            screen = app.screen
            banner = screen.query_one(DbBanner)
            assert not banner.display
            await wait_text(pilot, "梅州", timeout=30)
            pg.stop("fast")
            screen.reload()
            # Wait for what the coordinator sees: the banner painted, not only its flag set.
            await wait_for(pilot, lambda: banner.display and "数据库暂时不可用" in screen_text(app), timeout=30,
                           what="the banner")
            loads = screen.loads
            pg.start()
            await wait_for(pilot, lambda: not banner.display and screen.loads > loads, timeout=30,
                           what="recovery by itself")
            await wait_text(pilot, "梅州", timeout=30)
        assert app.return_code in (None, 0)

    asyncio.run(scenario())
