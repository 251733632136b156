"""Per-client rate limit, counted in the database so it holds across workers and machines.

A request is counted in the same transaction as whatever it writes, and one that would go over the
limit writes nothing. Each worker also remembers which clients it saw go over the limit in the current
minute and refuses them before doing any work; the database count stays the authority (a client
over the limit through other workers is refused at its write, which is rolled back).
"""

from __future__ import annotations

import threading
import time

from flask import current_app

from models.ratelimit import hit
from models.rawsql import RawTransaction

MAX_REMEMBERED = 10_000
_over_lock = threading.Lock()


def _over() -> dict[str, int]:
    """This app's memory: client key -> the window it went over the limit in."""
    return current_app.extensions.setdefault("zhudian.over_limit", {})


def _limit(kind: str) -> int:
    return int(current_app.config[f"RATE_LIMIT_{kind.upper()}"])


def window() -> int:
    return int(time.time() // 60)


def known_over(kind: str, client: str) -> bool:
    """Whether this worker already saw ``client`` go over its limit in this minute (no database read)."""
    return _limit(kind) > 0 and _over().get(f"{kind}:{client}") == window()


def count(tx: RawTransaction, kind: str, client: str) -> bool:
    """Count this request inside the caller's transaction; ``False`` (and nothing counted) at the limit."""
    limit = _limit(kind)
    if limit <= 0:
        return True
    key, now_window = f"{kind}:{client}", window()
    if hit(tx, key, now_window, limit) is not None:
        return True
    over = _over()
    with _over_lock:
        if len(over) >= MAX_REMEMBERED:
            over.clear()  # bounded: the database still counts every request
        over[key] = now_window
    return False


def retry_after() -> int:
    return 60 - int(time.time() % 60)
