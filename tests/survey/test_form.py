"""The member's form: showing it, validating it, storing exactly one rating, and every refusal page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from models.clock import now
from models.tables import RatingStat
from tests import factories
from tests.survey.conftest import hidden_fields, open_form, rating_count, ratings, submit


def test_form_shows_branch_activities_stars_and_limits(client, scene):
    response = client.get(scene.url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert scene.branch_name in html and "梅江区" in html and "梅州" in html
    assert "五四主题团日" in html and "青年大学习分享会" in html and "其他活动" in html
    assert "别的支部的活动" not in html
    assert len(re.findall(r'type="radio" id="s\d" name="score"', html)) == 5
    # No maxlength: a browser would cut the text silently; the server counts and refuses instead.
    assert 'data-max="500"' in html and "最多 500 字" in html and "maxlength" not in html
    assert 'type="file"' in html and 'accept="image/jpeg,image/png,image/webp"' in html
    assert html.count("<button") == 1


def test_page_is_tiny_self_contained_and_needs_no_javascript(client, scene):
    response = client.get(scene.url)
    html = response.get_data(as_text=True)
    # The stylesheet is inline, so this is the whole HTML and CSS a phone downloads.
    assert len(response.data) < 30 * 1024
    # One script only, the inline character counter (the form works without it); no script file.
    assert html.lower().count("<script") == 1 and "<script src" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html
    assert 'lang="zh-CN"' in html


def test_valid_answer_is_stored_once_and_redirects_to_thanks(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="4",
                      suggestion="  希望多组织志愿服务活动  ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{scene.token}/thanks")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "感谢您的评价" in thanks.get_data(as_text=True)
    [row] = ratings(session)
    assert (row.branch_id, row.activity_id, row.score, row.link_id) == (
        scene.branch_id, scene.activity_ids[0], 4, scene.link_id)
    assert row.suggestion == "希望多组织志愿服务活动"
    assert len(row.client_hash) == 32 and "127.0.0.1" not in row.client_hash
    stat = session.exec(select(RatingStat).where(RatingStat.branch_id == scene.branch_id)).one()
    assert (stat.count, stat.score_sum, stat.n4, stat.suggestions) == (1, 4, 1, 1)


def test_other_activity_with_a_typed_name(client, scene, session):
    response = submit(client, scene.url, activity="other", activity_other="社区 环保\t宣传", score="5")
    assert response.status_code == 303
    [row] = ratings(session)
    assert row.activity_id is None and row.activity_name == "社区 环保 宣传"


def test_a_typed_name_without_choosing_counts_as_other(client, scene, session):
    assert submit(client, scene.url, activity_other="读书会", score="3").status_code == 303
    assert ratings(session)[0].activity_name == "读书会"


@pytest.mark.parametrize("score", ["0", "6", "-1", "abc", "3.5", "", "５", "1e0"])
def test_bad_scores_are_refused_with_typed_text_kept(client, scene, session, score):
    response = submit(client, scene.url, activity=str(scene.activity_ids[1]), score=score,
                      suggestion="活动很好，希望每月一次")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="e-score"' in html and "1～5 星" in html
    assert "活动很好，希望每月一次</textarea>" in html
    assert f'value="{scene.activity_ids[1]}" checked' in html
    assert rating_count(session) == 0


def test_missing_score_field_entirely(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]))
    assert response.status_code == 422 and "请选择 1～5 星评分" in response.get_data(as_text=True)
    assert rating_count(session) == 0


@pytest.mark.parametrize(("data", "field", "text"), [
    ({}, "activity", "请选择要评价的活动"),
    ({"activity": "other"}, "activity_other", "请填写活动名称"),
    ({"activity": "other", "activity_other": "长" * 101}, "activity_other", "不能超过 100 字"),
    ({"activity": "999999"}, "activity", "所选活动不存在"),
    ({"activity": "<b>x</b>"}, "activity", "所选活动不存在"),
])
def test_activity_errors(client, scene, session, data, field, text):
    response = submit(client, scene.url, score="5", suggestion="保留我", **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="e-{field}"' in html and text in html
    assert "保留我</textarea>" in html and 'value="5" checked' in html
    assert rating_count(session) == 0


def test_activity_of_another_branch_is_refused(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.other_branch_activity_id), score="5")
    assert response.status_code == 422 and "所选活动不存在" in response.get_data(as_text=True)
    assert rating_count(session) == 0


def test_too_long_suggestion_is_kept_whole_with_a_count(client, scene, session):
    text = "很" * 520
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="2", suggestion=text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "不能超过 500 字（现有 520 字）" in html
    assert text + "</textarea>" in html
    assert rating_count(session) == 0


def test_exactly_500_characters_with_emoji_is_accepted(client, scene, session):
    text = "赞👍" * 250
    assert submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5",
                  suggestion=text).status_code == 303
    assert ratings(session)[0].suggestion == text


def test_malicious_text_is_stored_literally_and_never_runs(client, scene, session):
    evil = "<script>alert(1)</script>'; DROP TABLE rating; -- =HYPERLINK(\"x\")\x00\x07\u202e"
    response = submit(client, scene.url, activity="other", activity_other="<img src=x onerror=alert(1)>",
                      suggestion=evil)  # no score: comes back for correction
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    fields = hidden_fields(html)
    response = submit(client, scene.url, fields, activity="other", activity_other="<img src=x onerror=alert(1)>",
                      suggestion=evil, score="1")
    assert response.status_code == 303
    [row] = ratings(session)
    assert row.suggestion == "<script>alert(1)</script>'; DROP TABLE rating; -- =HYPERLINK(\"x\")"
    assert row.activity_name == "<img src=x onerror=alert(1)>"


def test_duplicated_fields_are_refused(client, scene, session):
    fields = open_form(client, scene.url)
    response = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]),
                                            "score": ["3", "5"]})
    assert response.status_code == 422 and "重复字段" in response.get_data(as_text=True)
    assert rating_count(session) == 0


def test_double_tap_and_retry_store_one_rating(client, scene, session):
    fields = open_form(client, scene.url)
    data = {**fields, "activity": str(scene.activity_ids[0]), "score": "5"}
    first = client.post(scene.url, data=data)
    second = client.post(scene.url, data=data)
    client.delete_cookie(f"zd_done_{scene.link_id}")  # a retry from a browser that lost the answer
    third = client.post(scene.url, data=data)
    assert [r.status_code for r in (first, second, third)] == [303, 303, 303]
    assert rating_count(session) == 1
    stat = session.exec(select(RatingStat)).one()
    assert stat.count == 1


def test_one_response_per_device(client, scene, session):
    fields = open_form(client, scene.url)  # a second tab opened before the first was sent
    assert submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5").status_code == 303
    again = client.get(scene.url)
    assert again.status_code == 200 and "您已提交过评价" in again.get_data(as_text=True)
    assert 'name="score"' not in again.get_data(as_text=True)
    late = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "1"})
    assert "您已提交过评价" in late.get_data(as_text=True)
    assert rating_count(session) == 1


def test_a_forged_device_cookie_is_ignored(client, scene):
    client.set_cookie(f"zd_done_{scene.link_id}", f"{scene.link_id}.1.forged")
    assert 'name="score"' in client.get(scene.url).get_data(as_text=True)


def test_our_cookies_are_found_among_others_a_phone_carries(app, scene, session):
    # A raw Cookie header as a phone may send it: other sites' cookies around ours, odd spacing.
    phone = app.test_client()
    fields = open_form(phone, scene.url)
    cid = phone.get_cookie("zd_cid").value
    header = f'_ga=GA1.2.3; zd_cid_old=x;zd_cid={cid} ;  wx="a=b; c"; zd_cid=second'
    body = {**fields, "activity": str(scene.activity_ids[0]), "score": "5"}
    stranger = app.test_client(use_cookies=False)
    stored = stranger.post(scene.url, data=body, headers={"Cookie": header})
    assert stored.status_code == 303 and rating_count(session) == 1
    done = stored.headers["Set-Cookie"].split(";")[0]  # zd_done_<link>=<value>
    again = stranger.get(scene.url, headers={"Cookie": f"a=1; {done}"})
    assert "您已提交过评价" in again.get_data(as_text=True)
    quoted = stranger.post(scene.url, data={**open_form(phone, scene.url), "score": "5"},
                           headers={"Cookie": f'zd_cid="{cid}"'})
    # A quoted value is the same cookie once unquoted (werkzeug reads cookies as RFC 6265 says):
    # only the missing activity is wrong.
    page = quoted.get_data(as_text=True)
    assert quoted.status_code == 422 and "请选择要评价的活动" in page and "允许浏览器使用 Cookie" not in page


def test_honeypot_pretends_success_and_stores_nothing(client, scene, session):
    response = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5", website="http://spam")
    assert response.status_code == 303
    assert rating_count(session) == 0


def test_missing_or_foreign_form_token_keeps_the_answer(client, scene, session):
    fields = open_form(client, scene.url)
    response = client.post(scene.url, data={"sid": fields["sid"], "activity": str(scene.activity_ids[0]),
                                            "score": "4", "suggestion": "我的意见"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "页面已过期或不完整" in html and "我的意见</textarea>" in html
    assert rating_count(session) == 0
    # The re-rendered form carries a fresh token: sending it again works.
    assert submit(client, scene.url, hidden_fields(html), activity=str(scene.activity_ids[0]),
                  score="4").status_code == 303
    assert rating_count(session) == 1


def test_token_of_another_link_is_refused(client, scene, session):
    other = factories.survey_link(session, session.get(factories.Branch, scene.branch_id))
    session.commit()
    fields = open_form(client, f"/s/{other.token}")
    response = submit(client, scene.url, fields, activity=str(scene.activity_ids[0]), score="4")
    assert response.status_code == 422 and rating_count(session) == 0


def test_cross_site_post_without_the_cookie_is_refused(app, scene, session):
    attacker = app.test_client()
    fields = open_form(attacker, scene.url)  # the attacker's own valid form
    victim = app.test_client()  # a browser that never saw the form: no client cookie
    response = victim.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "1"})
    assert response.status_code == 422 and "Cookie" in response.get_data(as_text=True)
    assert rating_count(session) == 0


def test_unknown_token_is_a_chinese_404(client):
    for url in ("/s/doesnotexist", "/s/" + "x" * 300, "/nothing-here", "/s/abc/thanks"):
        response = client.get(url)
        assert response.status_code == 404
        assert "找不到这个评价链接" in response.get_data(as_text=True) or "页面不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize(("options", "status", "text"), [
    ({"opens_at": now() + timedelta(days=1)}, 403, "评价尚未开始"),
    ({"closes_at": now() - timedelta(minutes=1)}, 410, "评价已结束"),
])
def test_link_not_open(client, session, scene, options, status, text):
    link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id), **options)
    session.commit()
    response = client.get(f"/s/{link.token}")
    assert response.status_code == status and text in response.get_data(as_text=True)
    assert scene.branch_name in response.get_data(as_text=True)


def test_link_full_after_its_cap(app, session, scene):
    link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id), max_responses=1)
    session.commit()
    url = f"/s/{link.token}"
    waiting = app.test_client()
    fields = open_form(waiting, url)
    assert submit(app.test_client(), url, activity=str(scene.activity_ids[0]), score="5").status_code == 303
    full = app.test_client().get(url)
    assert full.status_code == 410 and "评价名额已满" in full.get_data(as_text=True)
    late = waiting.post(url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "5"})
    assert late.status_code == 410 and rating_count(session) == 1


def test_link_closing_while_the_form_is_open(app, client, session, scene):
    fields = open_form(client, scene.url)
    link = session.get(factories.SurveyLink, scene.link_id)
    link.closes_at = now() - timedelta(seconds=1)
    session.commit()
    typed = "写了很久的建议：<script>alert(1)</script> & 希望多办"
    response = submit(client, scene.url, fields, activity=str(scene.activity_ids[0]), score="5", suggestion=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "评价已结束" in page
    assert rating_count(session) == 0
    # What the member typed is not lost: it is on the page to copy, escaped, never markup.
    assert "可长按复制保存" in page and "写了很久的建议：&lt;script&gt;alert(1)&lt;/script&gt; &amp; 希望多办" in page
    assert "<script>" not in page


def test_wrong_method_is_a_chinese_page(client, scene):
    response = client.put(scene.url)
    assert response.status_code == 405 and "请求方式不正确" in response.get_data(as_text=True)


def test_a_photo_too_large_comes_back_with_the_typed_answer_kept(client, scene, session):
    import io

    fields = open_form(client, scene.url)
    big = io.BytesIO(b"\xff" * (9 * 1024 * 1024))
    response = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[0]), "score": "5",
                                            "suggestion": "希望多组织志愿服务", "photo": (big, "big.jpg")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "照片不能超过 5 MB" in page and "希望多组织志愿服务" in page
    assert rating_count(session) == 0


def test_bodies_past_the_hard_limit_are_refused_unread(client, scene, session):
    fields = open_form(client, scene.url)
    response = client.post(scene.url, data=b"x" * (33 * 1024 * 1024),
                           headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 413 and "提交的内容过大" in response.get_data(as_text=True)
    assert fields and rating_count(session) == 0


def test_security_headers_and_cookies(client, scene):
    response = client.get(scene.url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", csp) and "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    done = submit(client, scene.url, activity=str(scene.activity_ids[0]), score="5")
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in done.headers.getlist("Set-Cookie"))
    assert "Content-Security-Policy" in client.get("/nothing").headers


def test_inline_style_matches_its_csp_hash(client, scene):
    import base64
    import hashlib

    response = client.get(scene.url)
    css = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok\n"


def test_link_cache_serves_repeat_scans_and_expires(make_app, session, scene):
    from survey import cache

    app = make_app(LINK_CACHE_SECONDS=60)
    cache.clear()
    client = app.test_client()
    assert client.get(scene.url).status_code == 200
    session.add(factories.Activity(branch_id=scene.branch_id, name="刚录入的活动", held_on=now().date()))
    session.commit()
    assert "刚录入的活动" not in client.get(scene.url).get_data(as_text=True)  # served from the cache
    cache.clear()  # as when the entry's seconds run out
    assert "刚录入的活动" in client.get(scene.url).get_data(as_text=True)
    cache.clear()


def test_healthz_reports_an_unreachable_database(make_app):
    app = make_app(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_every_form_gets_its_own_submission_id(app, scene):
    pages = [app.test_client().get(scene.url).get_data(as_text=True) for _ in range(3)]
    fields = [hidden_fields(p) for p in pages]
    assert len({f["sid"] for f in fields}) == 3 and len({f["ft"] for f in fields}) == 3


def test_a_cap_holds_under_concurrent_submissions(app, session, scene):
    import threading

    link = factories.survey_link(session, session.get(factories.Branch, scene.branch_id), max_responses=3)
    session.commit()
    url = f"/s/{link.token}"
    phones = [app.test_client() for _ in range(8)]
    forms = [open_form(p, url) for p in phones]
    barrier = threading.Barrier(len(phones))
    statuses: list[int] = []

    def send(phone, fields) -> None:
        barrier.wait()
        statuses.append(phone.post(url, data={**fields, "activity": str(scene.activity_ids[0]),
                                              "score": "5"}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(phones, forms, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [303, 303, 303, 410, 410, 410, 410, 410]
    assert rating_count(session) == 3
