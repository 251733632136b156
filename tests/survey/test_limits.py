"""The flood guard and what holds a script back, while a whole hall behind one address gets through."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models.tables import RateCounter
from survey.keys import address_group, client_key
from tests import factories
from tests.survey.conftest import open_form, rating_count, submit


@pytest.fixture
def one_minute(monkeypatch):
    """Pin the counting window, so a test never straddles a minute boundary."""
    monkeypatch.setattr("survey.limits.window", lambda: 29_000_000)


def test_the_flood_guard_is_shared_by_servers_and_keeps_the_typed_answer(make_app, scene, session, one_minute):
    # Two app instances stand for two servers on one database.
    server_a, server_b = make_app(RATE_LIMIT_POST=3), make_app(RATE_LIMIT_POST=3)
    statuses = []
    for server in (server_a, server_b, server_a):
        statuses.append(submit(server.test_client(), scene.url, activity=str(scene.activity_ids[0]),
                               score="4").status_code)
    assert statuses == [303, 303, 303]
    phone = server_b.test_client()
    response = submit(phone, scene.url, activity=str(scene.activity_ids[0]), score="4", suggestion="多办活动")
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "提交了太多次" in page and "多办活动</textarea>" in page
    assert 'value="4" checked' in page and 1 <= int(response.headers["Retry-After"]) <= 60
    assert rating_count(session) == 3
    session.expire_all()
    [counter] = session.exec(select(RateCounter)).all()
    assert counter.count == 4 and "127.0.0.1" not in counter.key  # every POST counted once


def test_other_addresses_and_other_links_have_their_own_allowance(make_app, scene, session, one_minute):
    app = make_app(RATE_LIMIT_POST=1)
    activity = str(scene.activity_ids[0])
    assert submit(app.test_client(), scene.url, activity=activity, score="4").status_code == 303
    assert submit(app.test_client(), scene.url, activity=activity, score="4").status_code == 429
    other = app.test_client()
    fields = open_form(other, scene.url)
    response = other.post(scene.url, data={**fields, "activity": activity, "score": "2"},
                          environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 303
    second_link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id))
    session.commit()
    assert submit(app.test_client(), f"/s/{second_link.token}", activity=activity, score="4").status_code == 303


def test_a_capped_links_allowance_is_scaled_to_its_cap(make_app, scene, session, one_minute):
    link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id), max_responses=1)
    session.commit()
    app = make_app(RATE_LIMIT_POST=1200)
    statuses = [submit(app.test_client(), f"/s/{link.token}", score="4").status_code for _ in range(13)]
    assert statuses[:12] == [422] * 12 and statuses[12] == 429  # 2 × cap + 10 POSTs, then the guard


def test_a_hall_of_phones_behind_one_address_is_all_stored(make_app, scene, session, one_minute):
    app = make_app(RATE_LIMIT_POST=1200)  # the default
    phones = [app.test_client() for _ in range(600)]
    forms = [open_form(phone, scene.url) for phone in phones]
    statuses = [phone.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "5"},
                           content_type="multipart/form-data").status_code
                for phone, fields in zip(phones, forms, strict=True)]
    assert statuses == [303] * 600 and rating_count(session) == 600


def test_a_script_clearing_its_cookies_is_held_to_the_guard(make_app, scene, session, one_minute):
    app = make_app(RATE_LIMIT_POST=20)
    statuses = [submit(app.test_client(), scene.url, activity=str(scene.activity_ids[0]), score="5").status_code
                for _ in range(30)]  # a new cookie jar each time: one "device" per answer
    assert statuses == [303] * 20 + [429] * 10 and rating_count(session) == 20


def test_a_form_posted_the_moment_it_was_shown_is_asked_to_confirm(make_app, scene, session, monkeypatch):
    app = make_app(MIN_FORM_SECONDS=3)
    phone = app.test_client()
    fields = open_form(phone, scene.url)
    answer = {"activity": str(scene.activity_ids[0]), "score": "5", "suggestion": "场地太小"}
    fast = phone.post(scene.url, data={**fields, **answer}, content_type="multipart/form-data")
    page = fast.get_data(as_text=True)
    assert fast.status_code == 422 and "再点击一次" in page and "场地太小</textarea>" in page
    assert rating_count(session) == 0
    import time

    later = time.time() + 4
    monkeypatch.setattr("survey.views.time.time", lambda: later)
    again = phone.post(scene.url, data={**fields, **answer}, content_type="multipart/form-data")
    assert again.status_code == 303 and rating_count(session) == 1


@pytest.mark.parametrize(("address", "group"), [
    ("203.0.113.9", "203.0.113.9"),
    ("::ffff:203.0.113.9", "203.0.113.9"),  # a dual-stack listener's view of an IPv4 client
    ("64:ff9b::cb00:7109", "203.0.113.9"),  # NAT64
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::"),
    ("2001:db8:1:2:bbbb::7", "2001:db8:1:2::"),
    ("not an address", "not an address"),
])
def test_addresses_are_grouped_as_one_device_or_exit(address, group):
    assert address_group(address) == group


def test_client_keys_cannot_link_an_address_across_days_or_links():
    secret = b"s" * 64
    day = date(2019, 5, 6)
    key = client_key(secret, "203.0.113.9", 1, day)
    assert key == client_key(secret, "::ffff:203.0.113.9", 1, day)
    assert key != client_key(secret, "203.0.113.9", 1, date(2019, 5, 7))
    assert key != client_key(secret, "203.0.113.9", 2, day)
    assert key != client_key(b"t" * 64, "203.0.113.9", 1, day) and "203" not in key


def test_an_incomplete_form_posted_at_once_names_its_missing_fields(make_app, scene, session):
    """"Press again" is for a complete form only: missing fields get their own errors, however fast."""
    app = make_app(MIN_FORM_SECONDS=3)
    phone = app.test_client()
    fields = open_form(phone, scene.url)
    fast = phone.post(scene.url, data={**fields, "suggestion": "场地太小"}, content_type="multipart/form-data")
    page = fast.get_data(as_text=True)
    assert fast.status_code == 422 and "再点击一次" not in page
    assert "请选择要评价的活动" in page and "请选择 1～5 星评分" in page and "场地太小</textarea>" in page
    assert rating_count(session) == 0
