"""Signed tokens of the form: the per-form token (CSRF, form age, live-form expiry) and the device cookies.

The form token binds one rendered form to its link, its submission id and the browser's client-id
cookie (double-submit), so another site cannot post a rating in a member's name; it carries when the
form was issued (a form posted within seconds of being shown came from a script) and, for a live-QR
form, the moment it stops being valid. Plain HMAC-SHA256 over dot-separated fields: no field can hold a dot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from models.secret import derive

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
    live_until: float  # epoch seconds; 0 for links that are not live
    issued: float  # epoch seconds


def new_submission_id() -> str:
    return secrets.token_hex(16)


def new_client_id() -> str:
    return secrets.token_urlsafe(16)


_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{16,40}")
_SUBMISSION_ID = re.compile(r"[0-9a-f]{32}")


def is_client_id(value: str) -> bool:
    """Whether a device cookie looks like one this server issued (anything else is replaced)."""
    return _CLIENT_ID.fullmatch(value) is not None


def is_submission_id(value: str) -> bool:
    return _SUBMISSION_ID.fullmatch(value) is not None


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).decode("ascii")


class Tokens:
    def __init__(self, secret: bytes) -> None:
        # Keyed once; each signature copies the keyed state (hmac's own way to reuse a key).
        self._form = hmac.new(derive(secret, "form-token"), digestmod=hashlib.sha256)
        self._done = hmac.new(derive(secret, "device-cookie"), digestmod=hashlib.sha256)

    def _sign(self, payload: str, client_id: str) -> str:
        mac = self._form.copy()
        mac.update(f"{payload}|{client_id}".encode())
        return _b64(mac.digest()[:18])  # 144 bits

    def form_token(self, link_id: int, submission_id: str, client_id: str, live_until: float = 0,
                   issued: float | None = None) -> str:
        payload = f"{link_id}.{submission_id}.{int(live_until)}.{int(time.time() if issued is None else issued)}"
        return f"{payload}.{self._sign(payload, client_id)}"

    def read_form_token(self, token: str, client_id: str, max_age: int = FORM_MAX_AGE) -> FormToken:
        """The token's fields if it was made by us for this browser (``client_id``: its cookie)."""
        if not token or len(token) > 200:
            raise FormTokenError("missing")
        payload, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(payload, client_id).encode()):
            raise FormTokenError("invalid")
        fields = payload.split(".")
        if len(fields) != 4:
            raise FormTokenError("invalid")
        try:
            parsed = FormToken(int(fields[0]), fields[1], float(int(fields[2])), float(int(fields[3])))
        except ValueError as exc:
            raise FormTokenError("invalid") from exc
        if time.time() - parsed.issued > max_age:
            raise FormTokenExpired("expired")
        return parsed

    # --- one response per device per link -------------------------------------------------------

    @staticmethod
    def done_cookie_name(link_id: int) -> str:
        return f"{DONE_COOKIE_PREFIX}{link_id}"

    def done_cookie_value(self, link_id: int) -> str:
        """"This device answered link N", signed; the same for every device, so it names no one."""
        mac = self._done.copy()
        mac.update(str(link_id).encode())
        return f"{link_id}.{_b64(mac.digest()[:18])}"

    def is_done(self, link_id: int, cookie_value: str | None) -> bool:
        if not cookie_value:
            return False
        return hmac.compare_digest(cookie_value.encode(), self.done_cookie_value(link_id).encode())
