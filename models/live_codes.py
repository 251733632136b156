"""The live QR for spot checks: a signed, time-stamped code that changes every minute.

The code names the branch (and optionally the visit) and the minute it was shown, signed with a key
derived from the survey secret. A scan within ``GRACE_MINUTES`` of the code's minute opens a form that
stays valid for ``FORM_MINUTES`` (15 by default); a forwarded photo of an older code is refused with
"二维码已过期，请扫描现场二维码". Shared by the survey server (which reads codes) and the dashboard and field pages (which show them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer

from models.secret import derive

ROTATE_SECONDS = 60
GRACE_MINUTES = 2  # a code stays scannable for its own minute and the two after (walking up, weak network)
FORM_MINUTES = 15


class LiveCodeError(Exception):
    """Base of the two ways a live code can fail."""


class LiveCodeInvalid(LiveCodeError):
    """Not a code we signed (typed by hand, altered)."""


class LiveCodeExpired(LiveCodeError):
    """A genuine code, shown too long ago."""


@dataclass(frozen=True)
class LiveCode:
    branch_id: int
    visit_id: int | None
    minute: int
    session_id: int | None = None  # a cadre's spot-check session (models.field), whose ratings it ties


def _signer(secret: bytes | str) -> Signer:
    key = secret.encode() if isinstance(secret, str) else secret
    return Signer(derive(key, "live-qr"), salt="zhudian.live")


def minute_of(at: float | None = None) -> int:
    return int((time.time() if at is None else at) // ROTATE_SECONDS)


def seconds_left(at: float | None = None) -> int:
    """Seconds until the code changes (for the countdown beside the QR)."""
    at = time.time() if at is None else at
    return ROTATE_SECONDS - int(at % ROTATE_SECONDS)


def make_code(branch_id: int, secret: bytes | str, *, visit_id: int | None = None, at: float | None = None,
              session_id: int | None = None) -> str:
    payload = f"{branch_id}-{visit_id or 0}-{minute_of(at):x}" + (f"-{session_id}" if session_id else "")
    return _signer(secret).sign(payload).decode("ascii")


def current_url(branch_id: int, public_url: str, secret: bytes | str, *, visit_id: int | None = None,
                at: float | None = None, session_id: int | None = None) -> str:
    """The URL the live QR shows right now for a branch; it changes at each full minute."""
    code = make_code(branch_id, secret, visit_id=visit_id, at=at, session_id=session_id)
    return f"{public_url.rstrip('/')}/l/{code}"


def read_code(code: str, secret: bytes | str, *, at: float | None = None,
              grace_minutes: int = GRACE_MINUTES) -> LiveCode:
    """The branch and visit of a genuine, fresh code; raises :class:`LiveCodeInvalid` or :class:`LiveCodeExpired`."""
    if len(code) > 120:
        raise LiveCodeInvalid(code[:20])
    try:
        payload = _signer(secret).unsign(code).decode("ascii")
        branch, visit, minute_hex, *rest = payload.split("-")
        if len(rest) > 1:
            raise ValueError(payload)
        parsed = LiveCode(int(branch), int(visit) or None, int(minute_hex, 16), int(rest[0]) if rest else None)
    except (BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise LiveCodeInvalid(code[:20]) from exc
    age = minute_of(at) - parsed.minute
    # -1 tolerates a server clock slightly behind the laptop showing the code.
    if not -1 <= age <= grace_minutes:
        raise LiveCodeExpired(code[:20])
    return parsed
