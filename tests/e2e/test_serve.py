"""The real survey server: ``python -m tui serve`` under waitress, a rating posted over HTTP and stored."""

from __future__ import annotations

import re

import pytest
import requests
from sqlmodel import Session

from tests import factories
from tests.serving import stored_ratings

pytestmark = pytest.mark.e2e


def make_link(engine) -> tuple[str, int]:
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "江南街道团支部")
        act = factories.activity(session, b, "五四主题团日")
        link = factories.survey_link(session, b)
        session.commit()
        return link.token, act.id


def post_rating(base: str, token: str, activity_id: int, score: str, suggestion: str) -> requests.Response:
    browser = requests.Session()
    page = browser.get(f"{base}/s/{token}", timeout=10)
    assert page.status_code == 200 and "江南街道团支部" in page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    response = browser.post(f"{base}/s/{token}", data={**hidden, "activity": str(activity_id), "score": score,
                                                       "suggestion": suggestion}, timeout=10)
    assert response.status_code == 200 and "感谢您的评价" in response.text, response.text
    assert response.history and response.history[0].status_code == 303
    return response


def test_serve_stores_a_rating_posted_over_http(serve, db_url, engine):
    token, activity_id = make_link(engine)
    server = serve(db_url)
    assert "waitress" in server.output()
    post_rating(server.url, token, activity_id, "4", "希望多开展志愿服务")
    health = requests.get(f"{server.url}/healthz", timeout=5)
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    [row] = stored_ratings(engine, 1)
    assert (row.score, row.suggestion, row.activity_id) == (4, "希望多开展志愿服务", activity_id)


def test_two_servers_share_one_database(serve, db_url, engine, tmp_path):
    """Two `serve` processes (as on two machines) sharing the database and the secret file."""
    token, activity_id = make_link(engine)
    first = serve(db_url)
    second_home = tmp_path / "machine2"
    second_home.mkdir()
    second = serve(db_url, home=second_home, extra_env={"ZHUDIAN_SECRET_FILE": str(first.home / "survey_secret.key")})
    post_rating(first.url, token, activity_id, "5", "一号服务器")
    post_rating(second.url, token, activity_id, "3", "二号服务器")
    # A form rendered by one server and posted to the other (a load balancer without sticky sessions).
    browser = requests.Session()
    page = browser.get(f"{first.url}/s/{token}", timeout=10)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    crossed = browser.post(f"{second.url}/s/{token}", data={**hidden, "activity": str(activity_id), "score": "2"},
                           timeout=10)
    assert "感谢您的评价" in crossed.text
    assert sorted(r.score for r in stored_ratings(engine, 3)) == [2, 3, 5]
    assert not (second_home / "survey_secret.key").exists()  # it used the shared file, made no secret of its own


def test_serve_refuses_an_uninitialised_database(tmp_path):
    import subprocess
    import sys

    from tests.e2e.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-m", "tui", "--db", f"sqlite:///{tmp_path / 'empty.db'}", "serve", "--port", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env={"ZHUDIAN_HOME": str(tmp_path), "PATH": "/usr/bin"})
    assert result.returncode == 2 and "zhudian init" in result.stderr
