"""A cadre's double tap on a slow network: one field form posted 10 times at once to the real server.

Each form is stored once and every post is answered with the saved page (a 303 to it), never a 500,
on SQLite and on PostgreSQL (``ZHUDIAN_TEST_PG_URL``).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlmodel import Session, func, select

from models.clock import today
from models.field import issue_link
from models.tables import Campaign, FieldSubmission, Lecture, Visit
from tests import factories
from tests.survey.conftest import hidden_fields

TAPS = 10

pytestmark = pytest.mark.stress


@pytest.fixture
def cadre(engine):
    with Session(engine) as session:
        year = today().year
        if session.get(Campaign, year) is None:
            session.add(Campaign(year=year, start_month=1, end_month=12, title="测试"))
        cadre = factories.cadre(session, "组织部", "李双击")
        branch = factories.branch(session, "梅江区", "双击团支部")
        _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
        session.commit()
        return token, cadre.id, branch.county_id


def at_once(phone: requests.Session, url: str, data: dict) -> list[requests.Response]:
    """``TAPS`` posts of the same form, released together."""
    barrier = threading.Barrier(TAPS)
    answers: list[requests.Response] = []

    def tap() -> None:
        barrier.wait()
        answers.append(phone.post(url, data=data, allow_redirects=False, timeout=60))

    threads = [threading.Thread(target=tap) for _ in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_a_field_form_posted_ten_times_at_once_is_stored_once(serve, db_url, engine, cadre):
    token, cadre_id, county_id = cadre
    server = serve(db_url)
    phone = requests.Session()
    assert phone.get(f"{server.url}/c/k/{token}", allow_redirects=False, timeout=10).status_code == 303

    fields = hidden_fields(phone.get(f"{server.url}/c/visit", timeout=10).text)
    visit = {**fields, "start_date": today().isoformat(), "full_days": "1", "county_id": str(county_id),
             "town": "江南街道", "cadres": [str(cadre_id)]}
    answers = at_once(phone, f"{server.url}/c/visit", visit)
    assert [a.status_code for a in answers] == [303] * TAPS, [a.text[:200] for a in answers if a.status_code != 303]
    assert len({a.headers["Location"] for a in answers}) == 1  # every tap lands on the one saved visit
    assert count(engine, Visit) == 1

    fields = hidden_fields(phone.get(f"{server.url}/c/lecture", timeout=10).text)
    lecture = {**fields, "title": "双击的党课", "held_on": today().isoformat(), "place": "团校", "audience": "40"}
    answers = at_once(phone, f"{server.url}/c/lecture", lecture)
    assert [a.status_code for a in answers] == [303] * TAPS, [a.text[:200] for a in answers if a.status_code != 303]
    assert count(engine, Lecture) == 1 and count(engine, FieldSubmission) == 2
    assert "Traceback" not in server.output() and "IntegrityError" not in server.output()
