"""The live QR: a code that changes every minute, a form valid for a while, and the expired page."""

from __future__ import annotations

import os
import stat
import time

import pytest
from sqlmodel import select

from models.live_codes import (
    LiveCodeExpired,
    LiveCodeInvalid,
    current_url,
    make_code,
    read_code,
    seconds_left,
)
from models.secret import load_secret
from models.tables import SurveyLink
from tests.survey.conftest import hidden_fields, rating_count, ratings

SECRET = b"0123456789abcdef0123456789abcdef"
T0 = 1_700_000_000.0  # a fixed moment, so tests never straddle a minute by chance


def test_code_is_stable_within_a_minute_and_changes_with_the_next():
    start = (T0 // 60) * 60
    assert make_code(7, SECRET, at=start) == make_code(7, SECRET, at=start + 59)
    assert make_code(7, SECRET, at=start) != make_code(7, SECRET, at=start + 60)
    assert make_code(7, SECRET, at=start) != make_code(8, SECRET, at=start)
    assert seconds_left(start + 45) == 15


def test_current_url_uses_the_public_address():
    url = current_url(3, "https://zd.example.org/", SECRET, at=T0)
    assert url.startswith("https://zd.example.org/l/3-0-") and "//l" not in url


def test_read_code_accepts_fresh_codes_and_refuses_old_or_forged_ones():
    code = make_code(5, SECRET, visit_id=9, at=T0)
    parsed = read_code(code, SECRET, at=T0 + 60 * 2)
    assert (parsed.branch_id, parsed.visit_id) == (5, 9)
    with pytest.raises(LiveCodeExpired):
        read_code(code, SECRET, at=T0 + 60 * 4)
    with pytest.raises(LiveCodeInvalid):
        read_code(code, b"another secret of the right length!")
    with pytest.raises(LiveCodeInvalid):
        read_code(code.replace("5-9", "6-9", 1), SECRET, at=T0)
    with pytest.raises(LiveCodeInvalid):
        read_code("x" * 500, SECRET)


@pytest.fixture
def live(app, scene):
    secret = app.extensions["zhudian.secret"]
    return lambda at=None: current_url(scene.branch_id, "", secret, at=at)


def test_scan_opens_the_form_and_the_rating_is_stored(client, scene, session, live):
    response = client.get(live())
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and scene.branch_name in html and 'name="score"' in html
    link = session.exec(select(SurveyLink).where(SurveyLink.live.is_(True))).one()
    assert f'action="/s/{link.token}"' in html
    fields = hidden_fields(html)
    response = client.post(f"/s/{link.token}", data={**fields, "activity": str(scene.activity_ids[0]),
                                                     "score": "5"})
    assert response.status_code == 303
    [row] = ratings(session)
    assert row.link_id == link.id
    # The next scan by the same phone: already answered.
    assert "您已提交过评价" in client.get(live()).get_data(as_text=True)


def test_every_scan_reuses_one_live_link(app, scene, session, live):
    for _ in range(3):
        assert app.test_client().get(live()).status_code == 200
    session.expire_all()
    assert len(session.exec(select(SurveyLink).where(SurveyLink.live.is_(True))).all()) == 1


def test_forwarded_old_code_gets_the_expired_page(client, scene, live):
    response = client.get(live(at=time.time() - 600))
    assert response.status_code == 410
    assert "二维码已过期，请扫描现场二维码" in response.get_data(as_text=True)


def test_forged_code_is_404(client, scene):
    assert client.get(f"/l/{scene.branch_id}-0-1234.forgedsignature").status_code == 404


def test_live_link_address_alone_does_not_open_the_form(client, scene, session, live):
    client.get(live())
    link = session.exec(select(SurveyLink).where(SurveyLink.live.is_(True))).one()
    response = client.get(f"/s/{link.token}")
    assert response.status_code == 410 and "二维码已过期" in response.get_data(as_text=True)


def test_form_expires_after_its_minutes(make_app, scene, session):
    app = make_app(LIVE_FORM_MINUTES=0)
    client = app.test_client()
    html = client.get(current_url(scene.branch_id, "", app.extensions["zhudian.secret"])).get_data(as_text=True)
    link = session.exec(select(SurveyLink).where(SurveyLink.live.is_(True))).one()
    response = client.post(f"/s/{link.token}", data={**hidden_fields(html), "score": "5",
                                                     "activity": str(scene.activity_ids[0]),
                                                     "suggestion": "会场太热"})
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "二维码已过期" in page
    assert "会场太热" in page  # the member's words are there to copy, not lost
    assert rating_count(session) == 0


def test_live_form_post_without_a_token_is_refused(client, scene, session, live):
    client.get(live())
    link = session.exec(select(SurveyLink).where(SurveyLink.live.is_(True))).one()
    response = client.post(f"/s/{link.token}", data={"score": "5", "activity": str(scene.activity_ids[0])})
    assert response.status_code == 410 and rating_count(session) == 0


# --- the secret ---------------------------------------------------------------------------------


def test_secret_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "d" / "survey_secret.key"
    first = load_secret(path)
    assert len(first) >= 64 and load_secret(path) == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["survey_secret.key"]


def test_secret_lives_in_the_data_directory(home):
    from models.secret import secret_path

    load_secret()
    assert secret_path() == home / "survey_secret.key" and secret_path().exists()
