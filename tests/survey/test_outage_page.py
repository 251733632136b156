"""The database goes away under the form: a Chinese 503 page that keeps the member's answer, then recovery."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.survey.conftest import hidden_fields, open_form, rating_count

BUSY = "服务繁忙，请稍后重试"


@pytest.fixture
def sqlite_only(db_url: str) -> Path:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL outages are tested against a throwaway server in tests/stress/test_outage.py")
    return Path(db_url.removeprefix("sqlite:///"))


def take_away(app, db_file: Path) -> Path:
    """Move the database's whole directory away (SQLite cannot open it) and drop pooled connections."""
    moved = db_file.parent.with_name(db_file.parent.name + "-away")
    shutil.move(db_file.parent, moved)
    app.extensions["zhudian.engine"].dispose()
    return moved


def test_post_while_database_is_gone_keeps_the_answer_and_retries_once(app, client, scene, session, sqlite_only):
    fields = open_form(client, scene.url)
    moved = take_away(app, sqlite_only)
    typed = "停电时写的意见：<b>不要</b>丢 & 保留"
    response = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "4",
                                            "suggestion": typed}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and BUSY in page
    assert response.headers["Retry-After"].isdigit()
    assert "停电时写的意见：&lt;b&gt;不要&lt;/b&gt;丢 &amp; 保留" in page  # kept, escaped, never markup
    assert "<b>不要</b>" not in page
    kept = hidden_fields(page)
    assert kept["sid"] == fields["sid"] and kept["score"] == "4"

    shutil.move(moved, sqlite_only.parent)  # the database is back; the member presses 重新提交
    again = client.post(scene.url, data={**kept, "suggestion": typed}, content_type="multipart/form-data")
    assert again.status_code == 303
    twice = client.post(scene.url, data={**kept, "suggestion": typed}, content_type="multipart/form-data")
    assert twice.status_code == 303
    assert rating_count(session) == 1


def test_get_and_health_while_database_is_gone(app, client, scene, sqlite_only):
    moved = take_away(app, sqlite_only)
    response = client.get(scene.url)
    assert response.status_code == 503 and BUSY in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    shutil.move(moved, sqlite_only.parent)
    assert client.get(scene.url).status_code == 200
    assert client.get("/healthz").status_code == 200
