"""The leaders' pages through the Flask test client: a personal link opens them, every figure is the
models' own, every page view is audited; revoked, expired and cadres' links see nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.field import issue_link
from models.figures.period import Period
from models.leaders import issue_leader_link, revoke_leader
from models.summary import month_summary
from models.tables import AuditEntry, LeaderLink
from tests import factories as f

TODAY = date(2019, 5, 25)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
PAGES = ["/ld/", "/ld/map", "/ld/breaches", "/ld/ranking", "/ld/suggestions"]


@pytest.fixture
def province(session: Session):
    jia = f.cadre(session, "组织部", "甲")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2, cadres=[jia], meeting=15)
    f.visit(session, "宣传部", "广州", None, start=date(2019, 5, 8), days=1)  # went no lower than the city
    b = f.branch(session, "梅江区", "江南社区团支部")
    f.spot_check(session, v, b)
    f.live_rating(session, v, b, 4)
    f.live_rating(session, v, b, 2)
    f.rating(session, b, 1, suggestion="活动场地的电线裸露，存在安全隐患，希望尽快处理")
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 20), league_members=50)
    _, leader = issue_leader_link(session, "王领导", "副书记", FUTURE)
    _, cadre = issue_link(session, jia, FUTURE)
    session.commit()
    return {"leader": leader, "cadre": cadre}


@pytest.fixture
def client(make_app):
    return make_app(LEADERS_TODAY=TODAY).test_client()


def signed_in(client, token):
    response = client.get(f"/ld/k/{token}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/ld/")
    assert "zd_leader=" in response.headers["Set-Cookie"] and "Path=/ld" in response.headers["Set-Cookie"]
    return client


def text(response) -> str:
    return re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))


def test_the_month_at_a_glance_shows_the_summary_figures(client, province, session):
    signed_in(client, province["leader"])
    page = client.get("/ld/?m=2019-05")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    summary = month_summary(session, Period(2019, 5), today=TODAY)
    meizhou = next(r for r in summary.rows if r.city == "梅州")
    row = re.search(rf'<tr id="city-{meizhou.city_id}">(.*?)</tr>', html, re.S)[1]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    target = meizhou.visit_days_target  # 组织部's 3 a month shared by 梅州 and 清远, or none per place
    assert meizhou.visit_days == 2 and cells[0] == ("2" if target is None else f"2/{target:g}")
    assert cells[1] == f"{meizhou.forms_on_time}/{meizhou.forms_late}/{meizhou.forms_missing}" == "1/0/0"
    assert cells[2] == "1/0" and cells[5] == "2" and cells[6] == "3.00"  # verified: the two live ratings
    assert cells[7] == "1"  # the flagged suggestion
    names = re.findall(r'<tr id="city-\d+"><th scope="row">(\w+)<small>', html)
    assert names[:4] == ["中山", "梅州", "清远", "广州"] and len(names) == 21  # 附件1's order


def test_breaches_days_map_and_suggestions(client, province):
    signed_in(client, province["leader"])
    breaches = text(client.get("/ld/breaches?m=2019-05"))
    assert "违规（2）" in breaches and "座谈会超过规定人数" in breaches and "驻点未到县及以下" in breaches
    grid = client.get("/ld/map?y=2019").get_data(as_text=True)
    row = re.search(r'<th scope="row">组织部</th>(.*?)</tr>', grid, re.S)[1]
    assert re.findall(r"<td[^>]*>([\d.]+)</td>", row)[:3] == ["0", "2", "0"]  # April, May, June
    flagged = text(client.get("/ld/suggestions?m=2019-05"))
    assert "电线裸露，存在安全隐患" in flagged


def test_every_score_opens_to_its_records(client, province):
    signed_in(client, province["leader"])
    ranking = client.get("/ld/ranking?y=2019").get_data(as_text=True)
    score_url = re.search(r'href="(/ld/score/department/\d+)\?y=2019">[\d.]+</a>', ranking)
    assert score_url
    department = client.get(re.search(r'href="(/ld/score/department/2\?y=2019)"', ranking)[1])
    assert department.status_code == 200 and "组织部" in text(department)
    links = re.findall(r'href="(/ld/score/department/2/\w+\?y=2019)"', department.get_data(as_text=True))
    assert links
    days = client.get("/ld/score/department/2/dept_days?y=2019")
    assert "江南" not in text(days) and "梅江区" in text(days) and "2019-05-06" in text(days)
    ratings = text(client.get("/ld/score/department/2/ratings?y=2019"))
    assert "江南社区团支部" in ratings and "已核实" in ratings


def test_every_page_view_is_audited(client, province, session):
    signed_in(client, province["leader"])
    for path in PAGES:
        assert client.get(path).status_code == 200
    views = session.exec(select(AuditEntry).where(AuditEntry.action == "view").order_by(AuditEntry.id)).all()
    assert [v.source for v in views] == [f"领导页面 {p}" for p in PAGES]
    assert {v.actor for v in views} == {"王领导（副书记）"} and {v.table_name for v in views} == {"leaderlink"}


def test_revoked_or_expired_link_shows_nothing(client, province, session, engine):
    signed_in(client, province["leader"])
    assert client.get("/ld/").status_code == 200
    revoke_leader(session, "王领导")
    session.commit()
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 403 and "链接已停用" in text(page)
        assert "梅州" not in text(page) and "组织部" not in text(page)
    assert client.get(f"/ld/k/{province['leader']}").status_code == 403

    _, old = issue_leader_link(session, "李领导", "", FUTURE)
    session.commit()
    fresh = client.application.test_client()
    signed_in(fresh, old)
    row = session.exec(select(LeaderLink).where(LeaderLink.name == "李领导")).one()
    row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.add(row)
    session.commit()
    page = fresh.get("/ld/")
    assert page.status_code == 403 and "链接已过期" in text(page) and "梅州" not in text(page)


def test_a_leader_link_never_opens_cadres_pages_nor_a_cadre_link_the_leaders(client, province):
    assert client.get(f"/ld/k/{province['cadre']}").status_code == 403  # a cadre's token is no leader's
    assert client.get(f"/c/k/{province['leader']}").status_code == 403  # nor the other way round
    signed_in(client, province["leader"])
    assert client.get("/c/").status_code == 403
    cadre = client.application.test_client()
    assert cadre.get(f"/c/k/{province['cadre']}").status_code == 303
    assert cadre.get("/c/").status_code == 200
    for path in PAGES:
        assert cadre.get(path).status_code == 403
    # A cadre's signed cookie value under the leaders' cookie name is no leader's either.
    value = next(c.value for c in cadre._cookies.values() if c.key == "zd_cadre")
    cadre.set_cookie("zd_leader", value, path="/ld")
    assert cadre.get("/ld/").status_code == 403
