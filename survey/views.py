"""The member's pages: the form at ``/s/<token>``, the live-QR entry ``/l/<code>``, thanks, health."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from models.db import DatabaseError, check_connection
from models.feedback import rating_values
from models.links import LinkState, branch_info, link_state, live_link, submission_stored
from survey import limits, pages
from survey.cache import LinkView, link_view
from survey.db import get_engine, get_session, group_commit, write_lock
from survey.keys import client_hash
from survey.live import LiveCodeExpired, LiveCodeInvalid, read_code
from survey.memo import remember
from survey.photos import MAX_BYTES, PhotoError, reencode
from survey.submissions import Outcome, Submission
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


def tokens() -> Tokens:
    return current_app.extensions["zhudian.tokens"]


def secret() -> bytes:
    return current_app.extensions["zhudian.secret"]


def client() -> str:
    """The salted hash of the client's address, computed once per address and worker."""
    address = request.remote_addr or ""
    hashes: dict[str, str] = current_app.extensions.setdefault("zhudian.client_hashes", {})
    hashed = hashes.get(address)
    if hashed is None:
        hashed = remember(hashes, address, client_hash(secret(), address), 50_000)
    return hashed


def cookie(name: str) -> str | None:
    """One of this app's own cookies, read from the header without parsing every cookie.

    Our values are never quoted (base64url, digits and dots); a quoted or odd value simply fails the
    check that follows it, as a missing cookie would. The first of duplicates wins, as in werkzeug.
    """
    header = request.environ.get("HTTP_COOKIE")
    if not header or name not in header:
        return None
    for part in header.split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip(" \t") == name:
            return value.strip(" \t")
    return None


def _cookie(name: str, value: str) -> str:
    """A year-long, HttpOnly, SameSite ``Set-Cookie`` header for values that need no quoting.

    Written out (not ``set_cookie``): it goes with every new phone's form and every stored rating.
    """
    return (f"{name}={value}; Max-Age={YEAR}; Path=/; HttpOnly; SameSite=Lax"
            f"{'; Secure' if request.is_secure else ''}")


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


# The blank form is the same for every member of a link but for two hidden values: it is rendered once
# per link (and per refresh of the link's cached data) with unguessable placeholders filled in per request.
_SID_SLOT = f"sid-{secrets.token_hex(12)}"
_FT_SLOT = f"ft-{secrets.token_hex(12)}"
# token -> (the LinkView it was rendered from, its pieces); rendered again only when the link's
# content changed, not when the link cache merely refreshed it.
_blank_forms: dict[str, tuple[LinkView, tuple[bytes, bytes, bytes, bool]]] = {}
_blank_lock = threading.Lock()


def _render(link: LinkView, answer: Answer | None, sid: str, ft: str) -> str:
    return render_template(
        "form.html", info=link.info, activities=link.activities, answer=answer or Answer(),
        errors=(answer.errors if answer else {}), sid=sid, ft=ft,
        action=url_for("survey.form", token=link.token), suggestion_max=SUGGESTION_MAX,
    )


def _blank_form(link: LinkView, sid: str, ft: str) -> bytes:
    """The blank form with this request's two values: three encoded pieces joined around them."""
    cached = _blank_forms.get(link.token)
    if cached is not None and (cached[0] is link or cached[0] == link):
        pieces = cached[1]
    else:
        page = _render(link, None, _SID_SLOT, _FT_SLOT)
        sid_first = page.index(_SID_SLOT) < page.index(_FT_SLOT)
        first, second = (_SID_SLOT, _FT_SLOT) if sid_first else (_FT_SLOT, _SID_SLOT)
        head, rest = page.split(first, 1)
        middle, tail = rest.split(second, 1)
        pieces = (head.encode(), middle.encode(), tail.encode(), sid_first)
    if cached is None or cached[0] is not link:
        # Kept with this view, so the next request with it matches by identity (no deep compare).
        with _blank_lock:
            remember(_blank_forms, link.token, (link, pieces), 2048)
    head, middle, tail, sid_first = pieces
    first, second = (sid, ft) if sid_first else (ft, sid)
    return b"".join((head, first.encode(), middle, second.encode(), tail))


def render_form(link: LinkView, *, answer: Answer | None = None, ft: str | None = None, sid: str | None = None,
                live_until: float = 0, status: int = 200) -> Response:
    cid = cookie(CLIENT_COOKIE) or ""
    new_cid = not is_client_id(cid)
    if new_cid:
        cid = new_client_id()
    if ft is None or sid is None:
        sid = new_submission_id()
        ft = tokens().form_token(link.id, sid, cid, live_until)
    headers = [("Cache-Control", "no-store")]
    if new_cid:
        headers.append(("Set-Cookie", _cookie(CLIENT_COOKIE, cid)))
    if answer is not None:
        return Response(_render(link, answer, sid, ft), status, headers, mimetype="text/html")
    html = _blank_form(link, sid, ft)
    headers.append(("Content-Type", "text/html; charset=utf-8"))  # the length is set with the body
    return _AsBuilt(html, status, headers)


def _gate(link: LinkView, kept: str = "") -> Response | None:
    """The page to show instead of the form, if any: link not open, or this device already answered.

    ``kept``: a suggestion just posted, shown on a "closed" page so the member can copy it.
    """
    # A LinkView has the attributes link_state reads; the session is opened only for a capped link.
    state = link_state(get_session() if link.max_responses is not None else None, link)  # type: ignore[arg-type]
    if state is not LinkState.OPEN:
        return pages.state_page(state, link.info, kept)
    if tokens().is_done(link.id, cookie(tokens().done_cookie_name(link.id))):
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
        parsed = read_code(code, secret(), grace_minutes=int(cfg["LIVE_GRACE_MINUTES"]))
    except LiveCodeExpired:
        return pages.expired_page()
    except LiveCodeInvalid:
        abort(404)
    session = get_session()
    if branch_info(session, parsed.branch_id) is None:
        abort(404)
    with write_lock():
        token = live_link(session, parsed.branch_id, parsed.visit_id).token
        session.commit()
    link = _load(token)
    return _gate(link) or render_form(link, live_until=time.time() + 60 * float(cfg["LIVE_FORM_MINUTES"]))


def _done_cookie(link_id: int) -> str:
    """The ``Set-Cookie`` header marking this device as done with a link, built once per link."""
    cache: dict[tuple[int, bool], str] = current_app.extensions.setdefault("zhudian.done_cookies", {})
    key = (link_id, request.is_secure)
    header = cache.get(key)
    if header is None:
        # Digits, dots and base64url: nothing to quote.
        name, value = tokens().done_cookie_name(link_id), tokens().done_cookie_value(link_id)
        header = remember(cache, key, _cookie(name, value), 4096)
    return header


class _AsBuilt(Response):
    """A response sent with its headers exactly as built: the blank form and the thanks 303.

    Those two answer nearly every request. Their headers are complete (length, type) and their only
    location is our own path with a URL-safe token, so werkzeug's per-response header fixing (IRI
    quoting, location and length checks) has nothing to do.
    """

    autocorrect_location_header = False

    def get_wsgi_headers(self, environ: dict) -> Any:
        return self.headers


def _thanks_redirect(link: LinkView) -> Response:
    # Built directly (not with redirect/url_for/set_cookie): this answers every stored rating.
    return _AsBuilt(status=303, headers=[("Location", f"{request.script_root}/s/{link.token}/thanks"),
                                        ("Set-Cookie", _done_cookie(link.id)), ("Content-Length", "0")])


def _too_many() -> Response:
    response = pages.error_page(429)
    response.headers["Retry-After"] = str(limits.retry_after())
    return response


def _read_token(link: LinkView, sid: str, ft: str) -> tuple[FormToken | None, str]:
    try:
        token = tokens().read_form_token(ft)
    except FormTokenError:
        return None, "页面已过期或不完整"
    if token.link_id != link.id or token.submission_id != sid:
        return None, "页面已过期或不完整"
    if token.client_id != cookie(CLIENT_COOKIE):
        return None, "浏览器没有保存本页的 Cookie"
    return token, ""


def _write(submission: Submission, who: str) -> Outcome:
    """Hand the submission to this worker's journal or group commit; a refused client is remembered."""
    journal = current_app.extensions.get("zhudian.journal")
    outcome = (journal or group_commit()).submit(submission)
    if outcome == "over limit":
        limits.note_over("post", who)  # its next requests this minute are refused before any work
    return outcome


def submit(link: LinkView) -> Response:
    who = client()
    if limits.known_over("post", who):
        return _too_many()
    form = request.form
    sid, ft = form.get("sid", ""), form.get("ft", "")
    token, token_problem = _read_token(link, sid, ft)
    typed = form.get("suggestion", "")
    if link.live and (token is None or token.live_until < time.time()):
        return pages.expired_page(link.info, typed)
    if form.get("website"):
        # The honeypot: only a robot fills a field no person can see. It learns nothing.
        return redirect(url_for("survey.thanks", token=link.token), code=303)
    gate = _gate(link, typed)
    if gate is not None:
        if is_submission_id(sid) and submission_stored(get_session(), sid):
            return _thanks_redirect(link)  # a retry of a stored answer (the link may be full by now)
        return gate

    answer = read_answer(form, link.activity_ids)
    photos = [f for f in request.files.getlist("photo") if f.filename or f.content_length]
    photo = None
    if len(photos) > 1:
        answer.errors["photo"] = "只能上传一张照片"
    elif photos:
        try:
            photo = reencode(photos[0].stream.read(MAX_BYTES + 1))
        except PhotoError as exc:
            answer.errors["photo"] = str(exc)
    if token is None:
        answer.errors["form"] = (f"{token_problem}，您填写的内容已保留，请检查后再次点击“提交评价”。"
                                 "（如仍无法提交，请允许浏览器使用 Cookie。）")

    submission = Submission(client_key=limits.key("post", who))
    if not answer.ok:
        if limits.limit("post") and _write(submission, who) == "over limit":
            return _too_many()
        if photo is not None:
            answer.errors["photo"] = "照片没有问题，但浏览器不会保留已选的照片，请重新选择"
        if token is None or not is_submission_id(sid):
            return render_form(link, answer=answer, status=422)
        return render_form(link, answer=answer, ft=ft, sid=sid, status=422)

    rating = rating_values(
        branch_id=link.branch_id, link_id=link.id, score=answer.score_value, submission_id=sid,
        activity_id=answer.activity_id, activity_name=answer.activity_other if answer.activity_id is None else "",
        suggestion=answer.suggestion, client_hash=who,
    )
    outcome = _write(Submission(client_key=submission.client_key, rating=rating, link_id=link.id,
                                max_responses=link.max_responses, photo=photo), who)
    if outcome == "over limit":
        return _too_many()
    if outcome == "full" and not submission_stored(get_session(), sid):
        return pages.state_page(LinkState.FULL, link.info, typed)
    return _thanks_redirect(link)


@bp.get("/s/<token>/thanks")
def thanks(token: str) -> Response:
    return pages.thanks_page(_load(token).info)
