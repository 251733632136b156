"""Per-client rate limit, counted in the database so it holds across workers and machines.

A request is counted in the same transaction as whatever it writes (``survey.submissions``), and
one that would go over the limit writes nothing. Each worker also remembers which clients it saw go
over the limit in the current minute and refuses them before doing any work; the database count stays
the authority (a client over the limit through other workers is refused at its write).
"""

from __future__ import annotations

import threading
import time

from flask import current_app

from survey.memo import remember

MAX_REMEMBERED = 10_000
_over_lock = threading.Lock()


def limit(kind: str) -> int:
    """Requests of ``kind`` per client and minute (0: no limit)."""
    return int(current_app.config[f"RATE_LIMIT_{kind.upper()}"])


def window() -> int:
    return int(time.time() // 60)


def key(kind: str, client: str) -> str:
    return f"{kind}:{client}"


def _over() -> dict[str, int]:
    """This app's memory: client key -> the window it went over the limit in."""
    return current_app.extensions.setdefault("zhudian.over_limit", {})


def known_over(kind: str, client: str) -> bool:
    """Whether this worker already saw ``client`` go over its limit in this minute (no database read)."""
    return limit(kind) > 0 and _over().get(key(kind, client)) == window()


def note_over(kind: str, client: str) -> None:
    """Remember that ``client`` was refused, so its next requests this minute cost nothing."""
    remember_over(_over(), key(kind, client))


def remember_over(over: dict[str, int], client_key: str) -> None:
    """``note_over`` on an app's memory (``zhudian.over_limit``) by key, outside any request."""
    with _over_lock:
        remember(over, client_key, window(), MAX_REMEMBERED)  # the database still counts every request


def retry_after() -> int:
    return 60 - int(time.time() % 60)
