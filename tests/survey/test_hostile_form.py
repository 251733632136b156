"""Hostile input over the form, property-based: random Unicode, huge, missing and repeated fields, wrong
methods and content types, forged CSRF tokens and cookies, replayed submission ids, expired or tampered
live-QR codes. Never a 500, never a partial write; a rating is stored only from a genuine form.

The ``check_*`` functions hold the properties; ``tests/stress/test_hostile_deep.py`` runs them with
many more examples.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from models.live_codes import current_url, make_code
from models.tables import Photo, Rating, RatingStat
from tests.survey.conftest import hidden_fields

FIELDS = ["sid", "ft", "activity", "activity_other", "score", "suggestion", "website", "photo", "zzz", ""]
# Every code point but surrogates (a browser cannot send them): control characters, NUL, RTL marks,
# emoji, combining marks, private use.
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
HUGE = st.sampled_from([0, 600, 70_000]).map(lambda n: "长" * n)  # over the limits of a field and of form memory
VALUES = st.one_of(UNICODE, HUGE, st.sampled_from(["0", "6", "-1", "abc", "1e3", "５", "other", "' OR 1=1 --",
                                                   "<script>alert(1)</script>", "=HYPERLINK(\"x\")"]))


@dataclass
class Counts:
    ratings: int
    photos: int
    stat: int

    @classmethod
    def of(cls, engine) -> Counts:
        with engine.connect() as conn:
            return cls(conn.execute(select(func.count()).select_from(Rating)).scalar_one(),
                       conn.execute(select(func.count()).select_from(Photo)).scalar_one(),
                       conn.execute(select(func.coalesce(func.sum(RatingStat.count), 0))).scalar_one())

    def consistent(self) -> bool:
        return self.stat == self.ratings  # the roll-up moves with the ratings or not at all


def assert_no_partial_write(before: Counts, after: Counts, stored: bool) -> None:
    assert after.consistent(), (before, after)
    assert after.ratings == before.ratings + int(stored), (before, after)
    assert after.photos - before.photos in ((0, 1) if stored else (0,)), (before, after)


def assert_not_500(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:1000]
    body = response.get_data(as_text=True)
    assert "Traceback" not in body


# --- random bodies on a genuine form ---------------------------------------------------------------

bodies = st.fixed_dictionaries({
    "pairs": st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=8),
    "keep_hidden": st.booleans(),
    "keep_cookie": st.booleans(),
    "valid_core": st.booleans(),
    "encoding": st.sampled_from(["multipart/form-data", "application/x-www-form-urlencoded"]),
})


def check_body(app, scene, engine, body: dict) -> None:
    client = app.test_client()
    fields = hidden_fields(client.get(scene.url).get_data(as_text=True))
    if not body["keep_cookie"]:
        client.delete_cookie("zd_cid")
    data: list[tuple[str, str]] = []
    if body["keep_hidden"]:
        data += list(fields.items())
    if body["valid_core"]:
        data += [("activity", str(scene.activity_ids[0])), ("score", "3")]
    data += body["pairs"]
    before = Counts.of(engine)
    response = client.post(scene.url, data=MultiDict(data), content_type=body["encoding"])
    after = Counts.of(engine)
    assert_not_500(response)
    stored = response.status_code == 303 and after.ratings > before.ratings
    assert_no_partial_write(before, after, stored)
    if stored:
        # Only a genuine form (its own token, cookie and submission id, sent once) can store a rating.
        assert body["keep_hidden"] and body["keep_cookie"]
        with engine.connect() as conn:
            sid = conn.execute(select(Rating.submission_id).order_by(Rating.id.desc())).scalars().first()
        assert sid == fields["sid"]


@given(body=bodies)
def test_random_bodies_never_500_never_partial(app, scene, engine, body):
    check_body(app, scene, engine, body)


# --- methods, content types, raw bodies ---------------------------------------------------------------

requests_ = st.fixed_dictionaries({
    "method": st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]),
    "path": st.sampled_from(["{url}", "{url}/thanks", "/l/{code}", "/healthz", "/", "/s/", "/s/{rand}",
                             "/static/form.css", "/static/../survey/app.py", "{url}?{rand}"]),
    "ctype": st.sampled_from(["application/json", "text/plain", "multipart/form-data",
                              "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                              "application/xml", "", "image/png", "application/x-www-form-urlencoded; charset=gbk"]),
    "raw": st.one_of(st.binary(max_size=2000), st.sampled_from([b'{"score": 5}', b"--x\r\n\r\n--x--", b"\x00" * 100,
                                                                b"score=5&score=5&sid=" + b"a" * 32,
                                                                b"x" * (9 * 1024 * 1024)])),  # over the body limit
    "rand": st.text(st.characters(exclude_categories=("Cs",), exclude_characters="#?/"), max_size=60),
})


def check_request(app, scene, engine, req: dict) -> None:
    client = app.test_client()
    code = make_code(scene.branch_id, app.extensions["zhudian.secret"])
    path = req["path"].format(url=scene.url, code=code, rand=req["rand"])
    before = Counts.of(engine)
    response = client.open(path, method=req["method"], data=req["raw"],
                           headers={"Content-Type": req["ctype"]} if req["ctype"] else {})
    assert_not_500(response)
    assert_no_partial_write(before, Counts.of(engine), stored=False)


@given(req=requests_)
def test_methods_content_types_and_raw_bodies(app, scene, engine, req):
    check_request(app, scene, engine, req)


# --- forged tokens and cookies, replays ---------------------------------------------------------------

forgeries = st.fixed_dictionaries({
    "ft": st.one_of(st.none(), UNICODE, st.integers(0, 200)),  # int: flip one character of the genuine token
    "sid": st.one_of(st.none(), st.text("0123456789abcdef", min_size=32, max_size=32), UNICODE),
    "cid": st.one_of(st.none(), UNICODE.filter(lambda s: ";" not in s and "," not in s)),
    "done": st.one_of(st.none(), UNICODE.filter(lambda s: ";" not in s and "," not in s)),
    "repeat": st.integers(1, 3),
})


def check_forgery(app, scene, engine, forge: dict) -> None:
    client = app.test_client()
    fields = hidden_fields(client.get(scene.url).get_data(as_text=True))
    genuine = dict(fields)
    if isinstance(forge["ft"], int):
        i = forge["ft"] % len(fields["ft"])
        fields["ft"] = fields["ft"][:i] + ("A" if fields["ft"][i] != "A" else "B") + fields["ft"][i + 1:]
    elif forge["ft"] is not None:
        fields["ft"] = forge["ft"]
    if forge["sid"] is not None:
        fields["sid"] = forge["sid"]
    if forge["cid"] is not None:
        client.set_cookie("zd_cid", forge["cid"])
    if forge["done"] is not None:
        client.set_cookie(f"zd_done_{scene.link_id}", forge["done"])
    forged = fields != genuine or forge["cid"] is not None
    before = Counts.of(engine)
    statuses = []
    for _ in range(forge["repeat"]):  # a replay of the same posted form
        response = client.post(scene.url, data={**fields, "activity": str(scene.activity_ids[1]), "score": "2"},
                               content_type="multipart/form-data")
        assert_not_500(response)
        statuses.append(response.status_code)
    after = Counts.of(engine)
    stored = after.ratings > before.ratings
    assert_no_partial_write(before, after, stored)
    if forged:
        assert not stored, (forge, statuses)
    if stored:
        # Every press of a stored form answers the thanks redirect (or, in a long run, the rate limit).
        assert 303 in statuses and set(statuses) <= {303, 429}, statuses


@given(forge=forgeries)
def test_forged_tokens_cookies_and_replays(app, scene, engine, forge):
    check_forgery(app, scene, engine, forge)


# --- live-QR codes: expired, tampered, replayed -------------------------------------------------------

live_codes = st.fixed_dictionaries({
    "minutes_ago": st.integers(-5, 60 * 24 * 30),
    "tamper": st.one_of(st.none(), st.integers(0, 200)),
    "suffix": st.text(st.characters(exclude_categories=("Cs",), exclude_characters="#?/"), max_size=20),
    "form_age_minutes": st.integers(0, 60),
})


def check_live(app, scene, engine, live: dict) -> None:
    client = app.test_client()
    secret = app.extensions["zhudian.secret"]
    url = current_url(scene.branch_id, "", secret, at=time.time() - 60 * live["minutes_ago"])
    if live["tamper"] is not None:
        i = len("/l/") + live["tamper"] % (len(url) - len("/l/"))
        url = url[:i] + ("x" if url[i] != "x" else "y") + url[i + 1:]
    url += live["suffix"]
    before = Counts.of(engine)
    response = client.get(url)
    assert_not_500(response)
    page = response.get_data(as_text=True)
    fresh = -1 <= live["minutes_ago"] <= app.config["LIVE_GRACE_MINUTES"]
    if live["tamper"] is not None or live["suffix"]:
        assert response.status_code in (404, 410) or (fresh and response.status_code == 200), response.status_code
    elif not fresh:
        assert response.status_code == 410 and "二维码已过期，请扫描现场二维码" in page
    if response.status_code == 200 and 'name="sid"' in page:
        fields = hidden_fields(page)
        action = page.split('action="', 1)[1].split('"', 1)[0]
        response = client.post(action, data={**fields, "activity": str(scene.activity_ids[0]), "score": "4"},
                               content_type="multipart/form-data")
        assert_not_500(response)
    assert_no_partial_write(before, Counts.of(engine), stored=Counts.of(engine).ratings > before.ratings)


@given(live=live_codes)
def test_live_codes_expired_or_tampered(app, scene, engine, live):
    check_live(app, scene, engine, live)


def test_live_form_posted_after_its_minutes_is_refused(make_app, scene, engine):
    """A genuine live form kept open past its validity: the expired page, nothing stored."""
    app = make_app(LIVE_FORM_MINUTES=0)
    client = app.test_client()
    page = client.get(current_url(scene.branch_id, "", app.extensions["zhudian.secret"])).get_data(as_text=True)
    action = page.split('action="', 1)[1].split('"', 1)[0]
    before = Counts.of(engine)
    response = client.post(action, data={**hidden_fields(page), "activity": str(scene.activity_ids[0]),
                                         "score": "4"}, content_type="multipart/form-data")
    assert response.status_code == 410 and "二维码已过期" in response.get_data(as_text=True)
    assert Counts.of(engine) == before


def test_token_with_characters_no_link_has_is_404(client, scene):
    """Regression (found by the deep hostile run on PostgreSQL): ``/s/%00`` reached the database, where a
    NUL byte in a text parameter is an error, and answered 500."""
    for path in ("/s/%00", "/s/a%00b", f"/s/{scene.token}%00", "/s/%E2%80%AE", "/s/%20", "/s/a.b",
                 "/s/%00/thanks"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in response.get_data(as_text=True)


def test_unicode_digit_as_activity_is_a_field_error(client, scene, session):
    """Regression (found by the deep hostile run): ``activity=²`` passed ``str.isdigit`` and crashed ``int``
    with a 500; it is an unknown activity, answered beside the field with everything typed kept."""
    fields = hidden_fields(client.get(scene.url).get_data(as_text=True))
    for value in ("²", "١", "５", "𝟙"):
        response = client.post(scene.url, data={**fields, "activity": value, "score": "4", "suggestion": "保留我"},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "所选活动不存在" in page and "保留我" in page
