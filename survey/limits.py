"""Per-client rate limit, counted in the database so it holds across workers and machines.

A request is first checked with a cheap read (a client over its limit costs no further work), and
counted later in the same transaction as whatever it writes, so a rating costs one write transaction.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlmodel import Session

from models.ratelimit import current, hit


def _limit(kind: str) -> int:
    return int(current_app.config[f"RATE_LIMIT_{kind.upper()}"])


def window() -> int:
    return int(time.time() // 60)


def over_limit(session: Session, kind: str, client: str) -> bool:
    limit = _limit(kind)
    return limit > 0 and current(session, f"{kind}:{client}", window()) >= limit


def count(session: Session, kind: str, client: str) -> bool:
    """Count this request inside the caller's transaction; ``False`` if it went over the limit.

    Callers count as the last statement before committing, so the counter row that phones behind one
    address (a room's Wi-Fi) share is locked only for the commit itself.
    """
    limit = _limit(kind)
    if limit <= 0:
        return True
    return hit(session, f"{kind}:{client}", window()) <= limit


def retry_after() -> int:
    return 60 - int(time.time() % 60)
