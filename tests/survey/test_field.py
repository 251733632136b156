"""The cadres' field pages through the Flask test client: personal links, visits, live QR sessions,
spot checks and lectures, each bad input refused with the typed values kept and nothing written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from models import clock
from models.clock import today
from models.field import issue_link, revoke
from models.live_codes import read_code
from models.provenance import verified_rating_ids
from models.records import spot_sessions
from models.tables import AuditEntry, Campaign, Lecture, Rating, SpotCheck, SpotSession, Visit, VisitCadre
from tests import factories
from tests.survey.conftest import hidden_fields


@dataclass
class Field:
    cadre_id: int
    colleague_id: int
    branch_id: int
    other_county_branch_id: int
    activity_id: int
    token: str
    county_id: int
    other_city_county_id: int


TODAY = date(2026, 11, 20)  # the app runs as of this campaign day, whatever the machine's day


@pytest.fixture
def field(session: Session) -> Field:
    clock.set_today(TODAY)
    year = today().year
    if session.get(Campaign, year) is None:
        session.add(Campaign(year=year, start_month=4, end_month=11, title="测试"))
    cadre = factories.cadre(session, "组织部", "李驻点")
    colleague = factories.cadre(session, "组织部", "王同行")
    branch = factories.branch(session, "梅江区", "江南社区团支部")
    act = factories.activity(session, branch, "五四主题团日", today())
    other = factories.branch(session, "蕉岭县", "蕉岭团支部")
    _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
    session.commit()
    yield Field(cadre.id, colleague.id, branch.id, other.id, act.id, token, branch.county_id,
                factories.county(session, "荔湾区").id)
    clock.set_today(None)
    campaign = session.get(Campaign, year)
    if campaign is not None and campaign.title == "测试":
        session.delete(campaign)
        session.commit()


def sign_in(client: FlaskClient, token: str):
    return client.get(f"/c/k/{token}")


@pytest.fixture
def phone(app, field) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, field.token)
    assert response.status_code == 303 and response.headers["Location"] == "/c/"
    return client


def form_of(client: FlaskClient, path: str) -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return hidden_fields(page.get_data(as_text=True))


def count(session: Session, table) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(table)).one()


def visit_answer(field: Field, **changes) -> dict[str, str]:
    return {"start_date": today().isoformat(), "full_days": "1", "county_id": str(field.county_id),
            "town": "江南街道", "cadres": [str(field.cadre_id), str(field.colleague_id)], **changes}


def test_the_link_sets_a_private_cookie_and_leaves_the_address_bar(app, field):
    client = app.test_client()
    response = sign_in(client, field.token)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and field.token not in cookie
    home = client.get("/c/").get_data(as_text=True)
    assert "李驻点 的驻点" in home and "0</b> / 10 个整天" in home and "0</b> / 1 次" in home


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired"])
def test_unknown_revoked_or_expired_links_get_a_clear_page_and_write_nothing(app, session, field, how):
    client = app.test_client()
    token = field.token
    if how == "unknown":
        token = "x" * 32
    elif how == "revoked":
        assert sign_in(client, token).status_code == 303
        revoke(session, session.get(factories.Cadre, field.cadre_id))
        session.commit()
    else:  # a link whose expiry has passed (issue_link itself refuses to make one)
        link, token = issue_link(session, session.get(factories.Cadre, field.cadre_id),
                                 clock.now() + timedelta(days=1))
        link.expires_at = clock.now() - timedelta(seconds=1)
        session.add(link)
        session.commit()
    before = count(session, Visit)
    page = sign_in(client, token) if how != "revoked" else client.get("/c/")
    text = page.get_data(as_text=True)
    assert page.status_code == 403
    assert {"unknown": "链接无效", "revoked": "链接已停用", "expired": "链接已过期"}[how] in text
    assert client.post("/c/visit", data=visit_answer(field)).status_code == 403
    assert count(session, Visit) == before


def test_a_cadre_records_a_visit_and_a_retry_stores_it_once(phone, session, field):
    fields = form_of(phone, "/c/visit")
    first = phone.post("/c/visit", data={**fields, **visit_answer(field)})
    again = phone.post("/c/visit", data={**fields, **visit_answer(field)})  # the network retried it
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    [visit] = session.exec(select(Visit)).all()
    assert (visit.county_id, visit.town, visit.full_days) == (field.county_id, "江南街道", 1)
    assert sorted(session.exec(select(VisitCadre.cadre_id)).all()) == sorted([field.cadre_id, field.colleague_id])
    entry = session.exec(select(AuditEntry).where(AuditEntry.table_name == "visit")).first()
    assert entry.actor == "李驻点" and entry.source == "驻点干部手机页面"
    assert "1</b> / 10 个整天" in phone.get("/c/").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"county_id": ""}, "只到市级的驻点不予登记"),
    ({"full_days": "0.5"}, "整天数应为正整数"),
    ({"start_date": "2001-05-06"}, "驻点工作年度"),
    ({"start_date": "2026-12-01"}, "驻点工作期间内"),
    ({"start_date": "2026-06-15", "end_date": "2026-11-30"}, "不能晚于今天"),
    ({"start_date": "2026-06-15", "end_date": "2026-11-15"}, "只有 1 个整天"),
    ({"cadres": []}, "请把自己也勾选"),
])
def test_bad_visits_are_refused_with_the_typed_values_kept(phone, session, field, changes, message):
    fields = form_of(phone, "/c/visit")
    response = phone.post("/c/visit", data={**fields, **visit_answer(field, **changes)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'value="江南街道"' in page
    assert count(session, Visit) == 0


def test_another_departments_city_is_refused(phone, session, field):
    fields = form_of(phone, "/c/visit")
    response = phone.post("/c/visit", data={**fields, **visit_answer(field, county_id=str(field.other_city_county_id))})
    assert response.status_code == 422 and "本部门按附件1对接地市" in response.get_data(as_text=True)
    assert count(session, Visit) == 0


def test_a_meeting_over_ten_is_confirmed_then_recorded(phone, session, field):
    fields = form_of(phone, "/c/visit")
    answer = visit_answer(field, max_meeting_size="15")
    asked = phone.post("/c/visit", data={**fields, **answer})
    assert asked.status_code == 422 and "超过不得超过 10 人的规定" in asked.get_data(as_text=True)
    assert count(session, Visit) == 0
    confirmed = phone.post("/c/visit", data={**fields, **answer, "confirm": "1"})
    assert confirmed.status_code == 303 and session.exec(select(Visit.max_meeting_size)).one() == 15


def start_visit(phone: FlaskClient, field: Field) -> int:
    fields = form_of(phone, "/c/visit")
    response = phone.post("/c/visit", data={**fields, **visit_answer(field)})
    assert response.headers["Location"].endswith("?saved=1")
    return int(response.headers["Location"].removesuffix("?saved=1").rsplit("/", 1)[1])


def test_a_spot_check_session_ties_the_members_ratings_to_it(app, phone, session, field):
    visit_id = start_visit(phone, field)
    page = phone.get(f"/c/visit/{visit_id}?q=江南").get_data(as_text=True)
    assert "江南社区团支部" in page and "蕉岭团支部" not in page
    fields = hidden_fields(page)
    started = phone.post(f"/c/visit/{visit_id}/session", data={**fields, "branch_id": str(field.branch_id),
                                                               "present": "2"})
    assert started.status_code == 303
    live = phone.get(started.headers["Location"]).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in live and "<svg" in live and "已收到 <b id=\"count\">0</b>" in live
    [spot] = session.exec(select(SpotSession)).all()
    # Three members scan the code the phone shows; two are present, so the third is kept but flagged.
    code_url = re.search(r"/l/[^\s<\"]+", live).group(0)
    assert read_code(code_url[3:], app.extensions["zhudian.secret"]).session_id == spot.id
    for score in ("5", "4", "3"):
        member = app.test_client()
        form = member.get(code_url)
        hidden = hidden_fields(form.get_data(as_text=True))
        action = re.search(r'action="([^"]+)"', form.get_data(as_text=True)).group(1)
        done = member.post(action, data={**hidden, "activity": str(field.activity_id), "score": score},
                           content_type="multipart/form-data")
        assert done.status_code == 303
    live = phone.get(started.headers["Location"]).get_data(as_text=True)
    assert "已收到 <b id=\"count\">3</b>" in live and "超出 1 份" in live and "都不计入" in live
    ratings = session.exec(select(Rating).order_by(Rating.id)).all()
    assert {r.link_id for r in ratings} == {spot.link_id}
    assert verified_rating_ids(session, [r.id for r in ratings]) == set()  # no spot check recorded yet

    fields = form_of(phone, f"/c/session/{spot.id}/check")
    bad = phone.post(f"/c/session/{spot.id}/check", data={**fields, "has_group": "1", "group_members": "30",
                                                          "branch_members": "20", "secretary_operates": "1",
                                                          "notes": "现场看了群", "checked_on": "2026-11-20",
                                                          "present": "2"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "不能多于团支部团员数" in text and "现场看了群" in text
    assert count(session, SpotCheck) == 0
    ok = phone.post(f"/c/session/{spot.id}/check", data={**fields, "has_group": "1", "group_members": "14",
                                                         "branch_members": "20", "secretary_operates": "0",
                                                         "notes": "现场看了群", "checked_on": "2026-11-20",
                                                         "present": "2"})
    assert ok.status_code == 303
    saved = phone.get(ok.headers["Location"]).get_data(as_text=True)
    assert "已保存抽查结果：江南社区团支部，2026-11-20" in saved and "不计入" in saved
    session.expire_all()
    [check] = session.exec(select(SpotCheck)).all()
    assert (check.wechat_ok, check.secretary_operates, check.group_members) == (False, False, 14)  # 14 < 3/4 × 20
    assert session.get(SpotSession, spot.id).spotcheck_id == check.id
    # Three ratings for two present: none counts (kept, flagged), so no place goes to whoever answered first.
    assert verified_rating_ids(session, [r.id for r in ratings]) == set()
    # The cadre recounts and confirms three were present: then all three count.
    fields = form_of(phone, f"/c/session/{spot.id}/check")
    again = phone.post(f"/c/session/{spot.id}/check", data={**fields, "has_group": "1", "group_members": "14",
                                                            "branch_members": "20", "secretary_operates": "0",
                                                            "checked_on": "2026-11-20", "present": "3"})
    assert again.status_code == 303
    session.expire_all()
    assert verified_rating_ids(session, [r.id for r in ratings]) == {r.id for r in ratings}


def test_a_branch_outside_the_visits_county_is_refused(phone, session, field):
    visit_id = start_visit(phone, field)
    fields = form_of(phone, f"/c/visit/{visit_id}")
    response = phone.post(f"/c/visit/{visit_id}/session", data={**fields, "branch_id": str(field.other_county_branch_id),
                                                                "present": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "本次驻点县" in page and 'value="12"' in page
    assert count(session, SpotSession) == 0


def test_a_lecture_is_recorded_once(phone, session, field):
    fields = form_of(phone, "/c/lecture")
    answer = {"title": "青年大学习", "held_on": today().isoformat(), "place": "江南社区", "audience": "35",
              "materials": "网盘/课件.pptx"}
    bad = phone.post("/c/lecture", data={**fields, **answer, "audience": "0"})
    assert bad.status_code == 422 and "听课人数" in bad.get_data(as_text=True) and 'value="青年大学习"' in bad.get_data(
        as_text=True)
    assert phone.post("/c/lecture", data={**fields, **answer}).status_code == 303
    assert phone.post("/c/lecture", data={**fields, **answer}).status_code == 303  # a retry
    [lecture] = session.exec(select(Lecture)).all()
    assert (lecture.cadre_id, lecture.audience, lecture.materials) == (field.cadre_id, 35, "网盘/课件.pptx")
    saved = phone.post("/c/lecture", data={**fields, **answer})  # the retry lands on the same confirmation
    home = phone.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已保存党团课：2026-11-20《青年大学习》，江南社区，听课 35 人；计入2026年。" in home
    later = phone.post("/c/lecture", data={**form_of(phone, "/c/lecture"), **answer, "held_on": "2026-11-21"})
    assert later.status_code == 422 and "授课日期不能晚于今天（2026-11-20）" in later.get_data(as_text=True)


def test_a_form_from_elsewhere_is_refused(phone, session, field):
    response = phone.post("/c/visit", data={"sid": "a" * 32, "ft": "forged", **visit_answer(field)})
    assert response.status_code == 422 and count(session, Visit) == 0


def test_lecture_materials_are_uploaded_with_the_lecture(phone, session, field):
    import io

    from models.tables import LectureMaterial

    fields = form_of(phone, "/c/lecture")
    answer = {"title": "团史学习", "held_on": today().isoformat(), "place": "江南社区", "audience": "20"}
    bad = phone.post("/c/lecture", data={**fields, **answer, "material": (io.BytesIO(b"MZ\x90"), "run.exe")},
                     content_type="multipart/form-data")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "课件只能是" in page and 'value="团史学习"' in page
    assert count(session, Lecture) == 0
    good = phone.post("/c/lecture", data={**fields, **answer, "material": (io.BytesIO(b"%PDF-1.4 slides"), "团史.pdf")},
                      content_type="multipart/form-data")
    assert good.status_code == 303
    [lecture] = session.exec(select(Lecture)).all()
    [material] = session.exec(select(LectureMaterial)).all()
    assert (material.lecture_id, material.filename, material.mime, material.data) == (
        lecture.id, "团史.pdf", "application/pdf", b"%PDF-1.4 slides")
    assert lecture.materials == "已上传：团史.pdf"


def test_a_spot_checks_photo_is_re_encoded_and_kept(phone, session, field):
    import io

    from PIL import Image

    from models.tables import Photo

    visit_id = start_visit(phone, field)
    fields = form_of(phone, f"/c/visit/{visit_id}")
    started = phone.post(f"/c/visit/{visit_id}/session", data={**fields, "branch_id": str(field.branch_id),
                                                               "present": "8"})
    spot_id = int(started.headers["Location"].rsplit("/", 1)[1])
    raw = io.BytesIO()
    Image.new("RGB", (2400, 1800), (20, 90, 160)).save(raw, "JPEG")
    fields = form_of(phone, f"/c/session/{spot_id}/check")
    done = phone.post(f"/c/session/{spot_id}/check", content_type="multipart/form-data",
                      data={**fields, "has_group": "0", "group_members": "0", "branch_members": "12",
                            "secretary_operates": "1", "checked_on": "2026-11-20", "present": "8", "photo": (io.BytesIO(raw.getvalue()), "现场.jpg")})
    assert done.status_code == 303
    session.expire_all()
    [check] = session.exec(select(SpotCheck)).all()
    photo = session.get(Photo, check.photo_id)
    assert not check.wechat_ok and (photo.mime, max(photo.width, photo.height)) == ("image/jpeg", 1600)


# --- live codes verify only the members present (issue 21.4), attacked the way a script would: a blank
# 在场, a script answering first through a live code with fresh cookies, a visit that ends months ahead or
# spans months for one whole day, a code shown on a day that is not the visit's. -------------------------


def show_qr(phone: FlaskClient, visit_id: int, branch_id: int, present: str) -> tuple[int, str]:
    """The cadre starts a session and reads the URL the live QR shows."""
    fields = form_of(phone, f"/c/visit/{visit_id}")
    started = phone.post(f"/c/visit/{visit_id}/session", data={**fields, "branch_id": str(branch_id),
                                                               "present": present})
    assert started.status_code == 303, started.get_data(as_text=True)
    spot_id = int(started.headers["Location"].rsplit("/", 1)[1])
    live = phone.get(started.headers["Location"]).get_data(as_text=True)
    return spot_id, re.search(r"/l/[^\s<\"]+", live).group(0)


def rate(app: Flask, code_url: str, activity_id: int, score: int) -> None:
    """One phone (fresh cookies, as a script would use) rating through the live code."""
    member = app.test_client()
    form = member.get(code_url).get_data(as_text=True)
    action = re.search(r'action="([^"]+)"', form).group(1)
    done = member.post(action, data={**hidden_fields(form), "activity": str(activity_id), "score": str(score)},
                       content_type="multipart/form-data")
    assert done.status_code == 303


def record_check(phone: FlaskClient, spot_id: int, present: str) -> None:
    fields = form_of(phone, f"/c/session/{spot_id}/check")
    done = phone.post(f"/c/session/{spot_id}/check", data={**fields, "has_group": "1", "group_members": "10",
                                                           "branch_members": "12", "secretary_operates": "1",
                                                           "checked_on": "2026-11-20", "present": present})
    assert done.status_code == 303, done.get_data(as_text=True)


def test_a_blank_present_is_refused_before_the_qr(phone, session, field):
    visit_id = start_visit(phone, field)
    page = phone.get(f"/c/visit/{visit_id}").get_data(as_text=True)
    assert 'id="present"' in page and "required" in page.split('id="present"')[1].split(">")[0]
    fields = hidden_fields(page)
    refused = phone.post(f"/c/visit/{visit_id}/session", data={**fields, "branch_id": str(field.branch_id),
                                                               "present": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请先填写在场团员人数" in text
    assert f'value="{field.branch_id}" checked' in text  # the chosen branch survives the refusal
    assert count(session, SpotSession) == 0  # no QR, no live link


def test_a_script_answering_first_does_not_take_the_honest_members_places(app, phone, session, field):
    visit_id = start_visit(phone, field)
    spot_id, code = show_qr(phone, visit_id, field.branch_id, present="5")
    for _ in range(60):  # a script got the code first: 60 one-star ratings, fresh cookies each
        rate(app, code, field.activity_id, 1)
    first_ids = {r for r in session.exec(select(Rating.id)).all()}
    for _ in range(5):  # then the five members in the room
        rate(app, code, field.activity_id, 5)
    live = phone.get(f"/c/session/{spot_id}").get_data(as_text=True)
    assert "已收到 <b id=\"count\">65</b>" in live and "都不计入" in live and "不按先后取舍" in live
    record_check(phone, spot_id, present="5")
    session.expire_all()
    everything = session.exec(select(Rating.id)).all()
    # Nobody's place went to whoever answered first: none of the flooded session counts …
    assert verified_rating_ids(session, everything) == set()
    # … all 65 are kept, and flagged on the dashboard's session row (60 beyond the 5 present).
    [row] = [r for r in spot_sessions(session) if r.id == spot_id]
    assert (row.ratings, row.beyond, row.verified) == (65, 60, 0)

    # The cadre shows a fresh code to the members present: their five ratings count, the script's none.
    spot2, code2 = show_qr(phone, visit_id, field.branch_id, present="5")
    for _ in range(5):
        rate(app, code2, field.activity_id, 5)
    record_check(phone, spot2, present="5")
    session.expire_all()
    spot = session.get(SpotSession, spot2)
    honest = set(session.exec(select(Rating.id).where(Rating.link_id == spot.link_id)).all())
    verified = verified_rating_ids(session, session.exec(select(Rating.id)).all())
    assert verified == honest and len(honest) == 5 and not verified & first_ids
    scores = session.exec(select(func.avg(Rating.score)).where(Rating.id.in_(verified))).one()
    assert scores == 5  # the verified average the evaluation reads is the members', not the script's


def test_a_visit_ending_months_ahead_or_spread_over_months_is_refused(phone, session, field):
    clock.set_today(date(2026, 6, 20))  # restored by the fixture
    fields = form_of(phone, "/c/visit")
    ahead = phone.post("/c/visit", data={**fields, **visit_answer(field, start_date="2026-06-15",
                                                                   end_date="2026-11-30")})
    text = ahead.get_data(as_text=True)
    assert ahead.status_code == 422
    assert "结束日期（2026-11-30）不能晚于今天（2026-06-20）" in text and "只有 1 个整天" in text
    clock.set_today(date(2026, 11, 20))
    spread = phone.post("/c/visit", data={**fields, **visit_answer(field, start_date="2026-06-15",
                                                                    end_date="2026-11-20")})
    assert spread.status_code == 422 and "驻点日期跨 159 天，但只有 1 个整天" in spread.get_data(as_text=True)
    assert count(session, Visit) == 0


def test_a_live_code_is_shown_only_on_the_visits_own_days(phone, session, field):
    fields = form_of(phone, "/c/visit")
    done = phone.post("/c/visit", data={**fields, **visit_answer(field, start_date="2026-11-18")})
    visit_id = int(done.headers["Location"].removesuffix("?saved=1").rsplit("/", 1)[1])
    page = phone.get(f"/c/visit/{visit_id}").get_data(as_text=True)
    # Said before any QR: ratings through it today could never count.
    assert "今天（2026-11-20）不是本次驻点的日期（2026-11-18）" in page and "disabled" in page
    refused = phone.post(f"/c/visit/{visit_id}/session", data={**hidden_fields(page), "present": "5",
                                                               "branch_id": str(field.branch_id)})
    assert refused.status_code == 422 and "现场二维码只在驻点当天有效" in refused.get_data(as_text=True)
    assert count(session, SpotSession) == 0


def test_a_refused_spot_check_says_beside_the_photo_that_it_must_be_chosen_again(phone, session, field):
    import io

    from PIL import Image

    visit_id = start_visit(phone, field)
    spot_id, _code = show_qr(phone, visit_id, field.branch_id, present="8")
    raw = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 90, 160)).save(raw, "JPEG")
    fields = form_of(phone, f"/c/session/{spot_id}/check")
    refused = phone.post(f"/c/session/{spot_id}/check", content_type="multipart/form-data",
                         data={**fields, "has_group": "1", "group_members": "30", "branch_members": "12",
                               "secretary_operates": "1", "checked_on": "2026-11-20", "present": "8",
                               "notes": "群里人不多", "photo": (io.BytesIO(raw.getvalue()), "现场.jpg")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不能多于团支部团员数" in page and "群里人不多" in page
    beside = page.split('id="photo"')[1]
    assert 'aria-invalid="true"' in beside.split(">")[0] and "浏览器不会保留已选的照片，请重新选择" in beside
    assert count(session, SpotCheck) == 0
    early = phone.post(f"/c/session/{spot_id}/check", data={**fields, "has_group": "0", "group_members": "0",
                                                            "branch_members": "12", "secretary_operates": "1",
                                                            "checked_on": "2026-11-19", "present": "8"})
    assert early.status_code == 422 and "抽查日期应在本次驻点的日期内" in early.get_data(as_text=True)


def test_a_spot_check_saved_the_day_after_still_verifies_the_days_ratings(app, phone, session, field):
    visit_id = start_visit(phone, field)  # 2026-11-20
    spot_id, code = show_qr(phone, visit_id, field.branch_id, present="3")
    for score in (5, 4):
        rate(app, code, field.activity_id, score)
    clock.set_today(date(2026, 11, 21))  # the cadre writes the result up the next morning
    assert "<svg" not in phone.get(f"/c/session/{spot_id}").get_data(as_text=True)  # no code off the visit's day
    fields = form_of(phone, f"/c/session/{spot_id}/check")
    done = phone.post(f"/c/session/{spot_id}/check", data={**fields, "has_group": "0", "group_members": "0",
                                                           "branch_members": "12", "secretary_operates": "1",
                                                           "checked_on": "2026-11-20", "present": "3"})
    home = phone.get(done.headers["Location"]).get_data(as_text=True)
    assert "2026-11-20" in home and "现场二维码评价 2 份计为已核实" in home
