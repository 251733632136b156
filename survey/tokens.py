"""Signed tokens of the form: the per-form token (CSRF, live-form expiry) and the device cookie.

The form token binds one rendered form to its link, its submission id and the browser's client-id
cookie (double-submit), so another site cannot post a rating in a member's name. For a live-QR form
it also carries the moment the form stops being valid.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
import threading
import time
from dataclasses import dataclass

from survey.keys import mac
from survey.memo import remember

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


class _RandomPool:
    """Bytes from the operating system's CSPRNG, fetched 4 KB at a time, per thread.

    Every form shown needs fresh random ids; one ``os.urandom`` call each would be a system call
    that also hands the interpreter lock to another thread. Each byte is handed out once; each
    thread has its own buffer (no lock), and a forked process starts with none of its parent's.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._local = threading.local()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._local = threading.local()

    def take(self, n: int) -> bytes:
        local = self._local
        buffer: bytes = getattr(local, "buffer", b"")
        pos: int = getattr(local, "pos", 0)
        if pos + n > len(buffer):
            buffer, pos = os.urandom(max(self._size, n)), 0
            local.buffer = buffer
        local.pos = pos + n
        return buffer[pos:pos + n]


_random = _RandomPool()


def new_submission_id() -> str:
    return _random.take(16).hex()


def new_client_id() -> str:
    return base64.urlsafe_b64encode(_random.take(16)).rstrip(b"=").decode("ascii")


_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{16,40}")


def is_client_id(value: str) -> bool:
    """Whether a device cookie looks like one this server issued (anything else is replaced)."""
    return _CLIENT_ID.fullmatch(value) is not None


def is_submission_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


class Tokens:
    def __init__(self, secret: bytes) -> None:
        self._form_mac = mac(secret, "form-token")
        self._done_mac = mac(secret, "device-cookie")
        self._done_values: dict[int, str] = {}  # link id -> its (device-independent) cookie value

    # --- the form token: "link.submission.client.live_until.issued.mac" ----------------------------
    # A plain HMAC-SHA256 over dot-separated fields (no field can hold a dot): it is made for every
    # form shown and checked for every answer, and costs a fraction of a serializer's round trip.

    def _mac(self, payload: str) -> str:
        digest = self._form_mac.digest(payload.encode())[:18]  # 144 bits
        return base64.urlsafe_b64encode(digest).decode("ascii")

    def form_token(self, link_id: int, submission_id: str, client_id: str, live_until: float = 0,
                   issued: float | None = None) -> str:
        payload = f"{link_id}.{submission_id}.{client_id}.{int(live_until)}.{int(issued or time.time())}"
        return f"{payload}.{self._mac(payload)}"

    def read_form_token(self, token: str, max_age: int = FORM_MAX_AGE) -> FormToken:
        if not token or len(token) > 300:
            raise FormTokenError("missing")
        payload, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature.encode(), self._mac(payload).encode()):
            raise FormTokenError("invalid")
        fields = payload.split(".")
        if len(fields) != 5:
            raise FormTokenError("invalid")
        link_id, sid, cid, live_until, issued = fields
        try:
            age = time.time() - int(issued)
            parsed = FormToken(int(link_id), sid, cid, float(int(live_until)))
        except ValueError as exc:
            raise FormTokenError("invalid") from exc
        if age > max_age:
            raise FormTokenExpired("expired")
        return parsed

    # --- one response per device per link -------------------------------------------------------

    @staticmethod
    def done_cookie_name(link_id: int) -> str:
        return f"{DONE_COOKIE_PREFIX}{link_id}"

    def done_cookie_value(self, link_id: int) -> str:
        """"This device answered link N", signed; the same for every device, so it names no one."""
        value = self._done_values.get(link_id)
        if value is None:
            payload = str(link_id)
            digest = self._done_mac.digest(payload.encode())[:18]
            value = f"{payload}.{base64.urlsafe_b64encode(digest).decode('ascii')}"
            remember(self._done_values, link_id, value, 4096)
        return value

    def is_done(self, link_id: int, cookie_value: str | None) -> bool:
        if not cookie_value:
            return False
        return hmac.compare_digest(cookie_value.encode(), self.done_cookie_value(link_id).encode())
