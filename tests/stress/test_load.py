"""Load: many phones rating at once against the real ``zhudian serve``, while a second
process refreshes the dashboard's figures; every acknowledged rating is stored exactly once."""

from __future__ import annotations

import pytest

from tests.stress.conftest import (
    CLIENTS,
    SERVER_ENV,
    SUBMISSIONS,
    assert_acknowledged_stored_once,
    no_lock_errors,
)
from tests.stress.load import run_load

pytestmark = [pytest.mark.stress, pytest.mark.e2e]


def test_concurrent_ratings_each_stored_once_while_dashboard_refreshes(serve, db_url, engine, load_scene,
                                                                       refresher):
    server = serve(db_url, extra_env=SERVER_ENV)
    dashboard = refresher()
    result = run_load(server.url, load_scene.token, load_scene.activity_id, SUBMISSIONS, CLIENTS)
    summary = dashboard.stop()

    assert not result.server_errors(), result.statuses()
    no_lock_errors(*(s.body for s in result.submissions), server.output(), *summary["errors"])
    assert result.statuses() == {303: SUBMISSIONS}, result.statuses()
    assert_acknowledged_stored_once(engine, result, exact=True)
    assert summary["errors"] == [] and summary["refreshes"] >= 2  # refreshed before and during the load
    assert "Traceback" not in server.output()
