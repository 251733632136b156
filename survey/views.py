"""The member's pages: the form at ``/s/<token>``, the live-QR entry ``/l/<code>``, thanks, health.

A POST is checked cheapest first: its size (before anything is read), the form token, the link's
state, the flood guard (which counts only posts carrying a valid, unused form token, so junk costs
the members behind the same address nothing), the answer, and only then the photo's pixels.
Whatever is refused after the body is read comes back on the page with everything typed kept.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request

from models.db import DatabaseError, check_connection
from models.feedback import rating_values
from models.links import LinkState, branch_info, link_state, live_link, submission_stored
from models.live_codes import LiveCodeExpired, LiveCodeInvalid, read_code
from models.tables import SpotSession, SurveyLink
from survey import limits, pages
from survey.cache import LinkView, link_view
from survey.db import get_engine, get_session
from survey.photos import MAX_BYTES, PhotoError, reencode
from survey.submissions import save
from survey.tokens import (
    CLIENT_COOKIE,
    FormToken,
    FormTokenError,
    Tokens,
    is_client_id,
    is_submission_id,
    new_client_id,
    new_submission_id,
)
from survey.validate import SUGGESTION_MAX, Answer, read_answer

bp = Blueprint("survey", __name__)

YEAR = 365 * 24 * 3600
FORM_LIMIT = 64 * 1024  # a body with no file in it: the text fields, with room to spare


def tokens() -> Tokens:
    return current_app.extensions["zhudian.tokens"]


def base_path() -> str:
    """The path our pages live under, from the configured public URL, never from request headers."""
    return urlsplit(current_app.config["PUBLIC_URL"] or "").path.rstrip("/")


def secure_cookies() -> bool:
    """Whether cookies get ``Secure``: on https, or whenever the public URL is https (the server
    behind a TLS proxy sees plain http, yet every phone reaches it over https)."""
    return request.is_secure or urlsplit(current_app.config["PUBLIC_URL"] or "").scheme == "https"


def form_path(token: str) -> str:
    return f"{base_path()}/s/{token}"


def _set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=YEAR, path="/", httponly=True, samesite="Lax",
                        secure=secure_cookies())


# --- health ---------------------------------------------------------------------------------------


@bp.get("/healthz")
def healthz() -> Response:
    try:
        check_connection(get_engine())
    except DatabaseError:
        return make_response("database unavailable\n", 503, {"Content-Type": "text/plain"})
    return make_response("ok\n", 200, {"Content-Type": "text/plain", "Cache-Control": "no-store"})


@bp.get("/favicon.ico")
def favicon() -> Response:
    return make_response("", 204)


# --- the form -------------------------------------------------------------------------------------


def _load(token: str) -> LinkView:
    view = link_view(get_session, token)
    if view is None:
        abort(404)
    return view


def render_form(link: LinkView, *, answer: Answer | None = None, token: FormToken | None = None,
                live_until: float = 0, status: int = 200) -> Response:
    """The form, blank or with ``answer`` and its errors; ``token``: keep the posted form's identity."""
    cid = request.cookies.get(CLIENT_COOKIE, "")
    new_cid = not is_client_id(cid)
    if new_cid:
        cid = new_client_id()
    if token is None:
        sid = new_submission_id()
        ft = tokens().form_token(link.id, sid, cid, live_until)
    else:  # same submission id and form: a second press after a refusal never stores twice
        sid = token.submission_id
        ft = tokens().form_token(link.id, sid, cid, token.live_until, token.issued)
    html = render_template(
        "form.html", info=link.info, activities=link.activities, answer=answer or Answer(),
        errors=(answer.errors if answer else {}), sid=sid, ft=ft, action=form_path(link.token),
        suggestion_max=SUGGESTION_MAX)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    if new_cid:
        _set_cookie(response, CLIENT_COOKIE, cid)
    return response


def _gate(link: LinkView, kept: str = "") -> Response | None:
    """The page to show instead of the form, if any: link not open, or this device already answered.

    ``kept``: a suggestion just posted, shown on a "closed" page so the member can copy it.
    """
    # A LinkView has the attributes link_state reads; the session is opened only for a capped link.
    state = link_state(get_session() if link.max_responses is not None else None, link)  # type: ignore[arg-type]
    if state is not LinkState.OPEN:
        return pages.state_page(state, link.info, kept)
    if tokens().is_done(link.id, request.cookies.get(tokens().done_cookie_name(link.id))):
        return pages.already_page(link.info)
    return None


@bp.route("/s/<token>", methods=["GET", "POST"])
def form(token: str) -> Response:
    link = _load(token)
    if request.method == "POST":
        return submit(link)
    if link.live:
        # A live link is reached only through a fresh rotating code (/l/...), never by its own address.
        return pages.expired_page(link.info)
    return _gate(link) or render_form(link)


@bp.get("/l/<code>")
def live(code: str) -> Response:
    cfg = current_app.config
    try:
        parsed = read_code(code, current_app.extensions["zhudian.secret"],
                           grace_minutes=int(cfg["LIVE_GRACE_MINUTES"]))
    except LiveCodeExpired:
        return pages.expired_page()
    except LiveCodeInvalid:
        abort(404)
    session = get_session()
    if branch_info(session, parsed.branch_id) is None:
        abort(404)
    if parsed.session_id is not None:  # a cadre's spot-check session: its own link ties the ratings to it
        spot = session.get(SpotSession, parsed.session_id)
        if spot is None or spot.branch_id != parsed.branch_id:
            abort(404)
        token = session.get(SurveyLink, spot.link_id).token
    else:
        with current_app.extensions["zhudian.write_lock"]:
            token = live_link(session, parsed.branch_id, parsed.visit_id).token
            session.commit()
    link = _load(token)
    return _gate(link) or render_form(link, live_until=time.time() + 60 * float(cfg["LIVE_FORM_MINUTES"]))


def _thanks(link: LinkView) -> Response:
    response = make_response("", 303)
    response.headers["Location"] = f"{form_path(link.token)}/thanks"
    _set_cookie(response, tokens().done_cookie_name(link.id), tokens().done_cookie_value(link.id))
    return response


def _read_token(link: LinkView) -> tuple[FormToken | None, str]:
    form = request.form
    cid = request.cookies.get(CLIENT_COOKIE, "")
    if not is_client_id(cid):
        return None, "浏览器没有保存本页的 Cookie"
    try:
        token = tokens().read_form_token(form.get("ft", ""), cid)
    except FormTokenError:
        return None, "页面已过期或不完整"
    if token.link_id != link.id or token.submission_id != form.get("sid", ""):
        return None, "页面已过期或不完整"
    return token, ""


def _refused(link: LinkView, answer: Answer, token: FormToken | None, message: str, status: int) -> Response:
    """The form again with the member's answer and ``message`` above it."""
    answer.errors["form"] = message
    response = render_form(link, answer=answer, token=token, status=status)
    if status == 429:
        response.headers["Retry-After"] = str(limits.retry_after())
    return response


def submit(link: LinkView) -> Response:
    if request.mimetype != "multipart/form-data" and (request.content_length or 0) > FORM_LIMIT:
        abort(413)  # no file can be in it: refused before a byte of it is read
    form = request.form
    token, token_problem = _read_token(link)
    typed = form.get("suggestion", "")
    if link.live and (token is None or token.live_until < time.time()):
        return pages.expired_page(link.info, typed)
    if form.get("website"):
        # The honeypot: only a robot fills a field no person can see. It learns nothing.
        return make_response("", 303, {"Location": f"{form_path(link.token)}/thanks"})
    sid = form.get("sid", "")
    gate = _gate(link, typed)
    if gate is not None:
        if is_submission_id(sid) and submission_stored(get_session(), sid):
            return _thanks(link)  # a retry of a stored answer (the link may be full by now)
        return gate
    if token is not None and submission_stored(get_session(), sid):
        return _thanks(link)  # a retry of a stored answer: nothing to count, nothing to store

    # Only a post with a valid, unused form token of this server is counted by the flood guard:
    # junk without one is refused above or below at no cost to the hall sharing its address.
    who = limits.client(link.id)
    if token is not None and not limits.admit_post(link, who):
        return _refused(link, read_answer(form, link.activity_ids), token,
                        "您所在的网络在一分钟内提交了太多次。您填写的内容已保留，"
                        f"请 {limits.retry_after()} 秒后再点击“提交评价”。", 429)

    answer = read_answer(form, link.activity_ids)
    if token is None:
        answer.errors["form"] = (f"{token_problem}，您填写的内容已保留，请检查后再次点击“提交评价”。"
                                 "（如仍无法提交，请允许浏览器使用 Cookie。）")
        return render_form(link, answer=answer, status=422)
    too_fast = time.time() - token.issued < float(current_app.config["MIN_FORM_SECONDS"])
    if not answer.ok or too_fast:
        complete = answer.ok
        if request.files.get("photo") and request.files["photo"].filename:
            answer.errors.setdefault("photo", "浏览器不会保留已选的照片，请重新选择")
        if complete:  # only a complete form posted too fast: the member checks it and presses again
            return _refused(link, answer, token, "请确认填写的内容后，再点击一次“提交评价”。", 422)
        # Missing or wrong fields get their own errors, however fast the post.
        return render_form(link, answer=answer, token=token, status=422)

    photos = [f for f in request.files.getlist("photo") if f.filename or f.content_length]
    photo = None
    if (request.content_length or 0) > current_app.config["PHOTO_BODY_LIMIT"]:
        answer.errors["photo"] = "照片不能超过 5 MB，请换一张或压缩后再选"
    elif len(photos) > 1:
        answer.errors["photo"] = "只能上传一张照片"
    elif photos:
        try:
            photo = reencode(photos[0].stream.read(MAX_BYTES + 1))
        except PhotoError as exc:
            answer.errors["photo"] = str(exc)
    if not answer.ok:
        return render_form(link, answer=answer, token=token, status=422)

    rating = rating_values(
        branch_id=link.branch_id, link_id=link.id, score=answer.score_value, submission_id=sid,
        activity_id=answer.activity_id, activity_name=answer.activity_other if answer.activity_id is None else "",
        suggestion=answer.suggestion, client_hash=who,
    )
    if save(rating, max_responses=link.max_responses, photo=photo) == "full":
        return pages.state_page(LinkState.FULL, link.info, typed)
    return _thanks(link)


@bp.get("/s/<token>/thanks")
def thanks(token: str) -> Response:
    return pages.thanks_page(_load(token).info)

