"""Hostile networks and hostile text, through the app: junk beside a hall, https cookies, text cleaning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models.clock import today
from models.field import issue_link
from models.tables import Campaign, Lecture, RateCounter
from tests import factories
from tests.survey.conftest import hidden_fields, open_form, rating_count


@pytest.fixture
def one_minute(monkeypatch):
    monkeypatch.setattr("survey.limits.window", lambda: 29_000_001)


def junk(client, url: str, n: int) -> list[int]:
    """``n`` posts as a script on the same network sends them: no token, a forged one, a stolen one."""
    forged = "1.%s.0.1700000000.AAAAAAAAAAAAAAAAAAAAAAAA" % ("0" * 32)
    bodies = [{"activity": "1", "score": "5"}, {"sid": "0" * 32, "ft": forged, "score": "5"},
              {"sid": "f" * 32, "ft": "x" * 300, "suggestion": "垃圾"}]
    return [client.post(url, data=bodies[i % 3], content_type="multipart/form-data").status_code for i in range(n)]


def test_a_junk_flood_beside_a_hall_of_600_refuses_no_member(make_app, scene, session, one_minute):
    app = make_app()  # the default flood guard: 1,200 posts a minute per address and link
    flood = app.test_client()
    phones = [app.test_client() for _ in range(600)]
    forms = [open_form(phone, scene.url) for phone in phones]
    statuses = []
    for n, (phone, fields) in enumerate(zip(phones, forms, strict=True)):
        assert set(junk(flood, scene.url, 2)) <= {422}  # 1,200 junk posts (the whole budget) in all, interleaved with the hall
        statuses.append(phone.post(scene.url, data={**fields, "activity": str(scene.activity_ids[n % 2]), "score": "5"},
                                   content_type="multipart/form-data").status_code)
    assert statuses == [303] * 600 and rating_count(session) == 600
    session.expire_all()
    [counter] = session.exec(select(RateCounter)).all()
    assert counter.count == 600  # only the posts with a valid, unused form token were counted


def test_junk_cannot_use_up_a_capped_links_allowance(make_app, scene, session, one_minute):
    link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id), max_responses=3)
    session.commit()
    app = make_app()
    junk(app.test_client(), f"/s/{link.token}", 200)  # far over 2 × cap + 10
    phones = [app.test_client() for _ in range(3)]
    statuses = [phone.post(f"/s/{link.token}", data={**open_form(phone, f"/s/{link.token}"),
                                                      "activity": str(scene.activity_ids[0]), "score": "4"},
                           content_type="multipart/form-data").status_code for phone in phones]
    assert statuses == [303, 303, 303]


def test_a_retry_of_a_stored_answer_is_thanked_and_not_counted(make_app, scene, session, one_minute):
    app = make_app(RATE_LIMIT_POST=1)
    phone = app.test_client()
    fields = open_form(phone, scene.url)
    answer = {**fields, "activity": str(scene.activity_ids[0]), "score": "3"}
    assert phone.post(scene.url, data=answer, content_type="multipart/form-data").status_code == 303
    phone.delete_cookie(f"zd_done_{scene.link_id}")  # as a retry from a phone that lost the cookie
    assert phone.post(scene.url, data=answer, content_type="multipart/form-data").status_code == 303
    assert rating_count(session) == 1


@pytest.fixture
def cadre_token(session) -> str:
    year = today().year
    if session.get(Campaign, year) is None:
        session.add(Campaign(year=year, start_month=1, end_month=12, title="测试"))
    cadre = factories.cadre(session, "宣传部", "陈讲课")
    _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
    session.commit()
    return token


@pytest.mark.parametrize(("public_url", "secure", "cadre_path"), [
    ("https://zd.example.cn/zd/", True, "/zd/c"),
    ("https://zd.example.cn", True, "/c"),
    ("http://192.168.1.10:8000", False, "/c"),
])
def test_cookies_are_secure_behind_https_and_the_cadre_cookie_follows_the_public_path(
        make_app, scene, cadre_token, public_url, secure, cadre_path):
    app = make_app(PUBLIC_URL=public_url)
    client = app.test_client()
    member = client.get(scene.url).headers["Set-Cookie"]
    assert ("; Secure" in member) is secure and "Path=/;" in member
    signed = client.get(f"/c/k/{cadre_token}")  # the proxy strips /zd before the request reaches us
    cookie = signed.headers["Set-Cookie"]
    assert signed.status_code == 303 and ("; Secure" in cookie) is secure and f"Path={cadre_path};" in cookie
    assert signed.headers["Location"] == f"{cadre_path}/"
    # The browser sends the cookie back on the pages under that path (the proxy strips the prefix).
    browser = app.test_client()
    browser.set_cookie("zd_cadre", cookie.split(";", 1)[0].partition("=")[2])
    assert "陈讲课" in browser.get("/c/").get_data(as_text=True)


def test_text_from_the_cadres_pages_goes_through_the_one_cleaner(make_app, cadre_token, session):
    client = make_app().test_client()
    client.get(f"/c/k/{cadre_token}")
    fields = hidden_fields(client.get("/c/lecture").get_data(as_text=True))
    response = client.post("/c/lecture", data={
        **fields, "title": "党课\x1b[2J\x00学习\u202e", "held_on": today().isoformat(),
        "place": "团校\x9b31m礼堂", "audience": "30", "materials": "网盘\x07链接"})
    assert response.status_code == 303
    session.expire_all()
    [lecture] = session.exec(select(Lecture)).all()
    assert (lecture.title, lecture.place, lecture.materials) == ("党课[2J学习", "团校31m礼堂", "网盘链接")


def test_a_nul_typed_on_the_cadres_pages_is_no_server_error(make_app, session):
    year = today().year
    if session.get(Campaign, year) is None:
        session.add(Campaign(year=year, start_month=1, end_month=12, title="测试"))
    cadre = factories.cadre(session, "组织部", "李空字符")
    branch = factories.branch(session, "梅江区", "江南社区团支部")
    _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
    session.commit()
    client = make_app().test_client()
    client.get(f"/c/k/{token}")
    fields = hidden_fields(client.get("/c/visit").get_data(as_text=True))
    response = client.post("/c/visit", data={**fields, "start_date": today().isoformat(), "full_days": "1",
                                             "county_id": str(branch.county_id), "town": "江南\x00街道",
                                             "cadres": [str(cadre.id)]})
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"] + "?q=江南\x00社区")  # PostgreSQL refuses a NUL in a query
    assert page.status_code == 200 and "江南社区团支部" in page.get_data(as_text=True)
