"""Signed tokens of the form: the per-form token (CSRF, live-form expiry) and the device cookie.

The form token binds one rendered form to its link, its submission id and the browser's client-id
cookie (double-submit), so another site cannot post a rating in a member's name. For a live-QR form
it also carries the moment the form stops being valid.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, Signer, URLSafeTimedSerializer

from survey.keys import derive

FORM_MAX_AGE = 12 * 3600  # a form left open half a day still submits; older ones are re-issued
CLIENT_COOKIE = "zd_cid"
DONE_COOKIE_PREFIX = "zd_done_"


class FormTokenError(Exception):
    pass


class FormTokenExpired(FormTokenError):
    pass


@dataclass(frozen=True)
class FormToken:
    link_id: int
    submission_id: str
    client_id: str
    live_until: float  # epoch seconds; 0 for links that are not live


def new_submission_id() -> str:
    return secrets.token_hex(16)


def new_client_id() -> str:
    return secrets.token_urlsafe(16)


def is_submission_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


class Tokens:
    def __init__(self, secret: bytes) -> None:
        self._form = URLSafeTimedSerializer(derive(secret, "form-token"), salt="zhudian.form")
        self._done = Signer(derive(secret, "device-cookie"), salt="zhudian.done")

    def form_token(self, link_id: int, submission_id: str, client_id: str, live_until: float = 0) -> str:
        return self._form.dumps([link_id, submission_id, client_id, int(live_until)])

    def read_form_token(self, token: str, max_age: int = FORM_MAX_AGE) -> FormToken:
        if not token or len(token) > 300:
            raise FormTokenError("missing")
        try:
            link_id, sid, cid, live_until = self._form.loads(token, max_age=max_age)
        except SignatureExpired as exc:
            raise FormTokenExpired("expired") from exc
        except (BadSignature, ValueError, TypeError) as exc:
            raise FormTokenError("invalid") from exc
        return FormToken(int(link_id), str(sid), str(cid), float(live_until))

    # --- one response per device per link -------------------------------------------------------

    @staticmethod
    def done_cookie_name(link_id: int) -> str:
        return f"{DONE_COOKIE_PREFIX}{link_id}"

    def done_cookie_value(self, link_id: int) -> str:
        return self._done.sign(f"{link_id}.{int(time.time())}").decode("ascii")

    def is_done(self, link_id: int, cookie_value: str | None) -> bool:
        if not cookie_value:
            return False
        try:
            payload = self._done.unsign(cookie_value).decode("ascii")
        except BadSignature:
            return False
        return payload.split(".", 1)[0] == str(link_id)
