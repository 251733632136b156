"""Who the cadre on this phone is: the session cookie his personal link sets, and the field forms' tokens.

Opening ``/c/k/<token>`` (the personal link) checks the token's hash and sets an HttpOnly, SameSite
cookie naming the link, signed with a key derived from the survey secret; every later request reads
the link again, so a revoked or expired link stops working at once. Field forms carry a submission id
and a token binding it to the link (a forged or replayed form from elsewhere fails).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app, request

from models.field import link_state
from models.secret import derive
from models.tables import Cadre, CadreLink
from survey.db import get_session

COOKIE = "zd_cadre"
MAX_AGE = 180 * 24 * 3600


def sign(purpose: str, message: str) -> str:
    """A MAC of ``message`` under a key derived from the survey secret for ``purpose`` (cookies, forms)."""
    key = derive(current_app.extensions["zhudian.secret"], purpose)
    return base64.urlsafe_b64encode(hmac.digest(key, message.encode(), hashlib.sha256)[:18]).decode()


def cookie_value(link_id: int) -> str:
    return f"{link_id}.{sign('cadre-session', str(link_id))}"


def current_link() -> tuple[CadreLink | None, str]:
    """The link behind this phone's cookie and its state (``"ok"``, ``"unknown"``, ``"revoked"``, ``"expired"``)."""
    value = request.cookies.get(COOKIE, "")
    link_id, _, mac = value.partition(".")
    if not link_id.isdigit() or not hmac.compare_digest(mac.encode(), sign("cadre-session", link_id).encode()):
        return None, "unknown"
    link = get_session().get(CadreLink, int(link_id))
    return link, link_state(link)


def current_cadre() -> Cadre | None:
    link, state = current_link()
    return get_session().get(Cadre, link.cadre_id) if link is not None and state == "ok" else None


def new_form() -> tuple[str, str]:
    """(submission id, token) for a field form of the current link."""
    link, _ = current_link()
    sid = secrets.token_hex(16)
    return sid, sign("cadre-form", f"{link.id if link else 0}.{sid}")


def form_ok() -> bool:
    """Whether a posted field form was issued to this link."""
    link, _ = current_link()
    sid, token = request.form.get("sid", ""), request.form.get("ft", "")
    return bool(link and len(sid) == 32 and hmac.compare_digest(
        token.encode(), sign("cadre-form", f"{link.id}.{sid}").encode()))
