"""Request counters per client and minute, kept in the database so every worker and machine shares them.

The statements are written once as SQL text (the same on SQLite and PostgreSQL): they run on every
rating POST, where building them afresh with the ORM cost more than executing them.
"""

from __future__ import annotations

import random

from sqlalchemy import text
from sqlmodel import Session

KEEP_WINDOWS = 10  # minutes of counters kept for abuse review before purging

_HIT = text(
    'INSERT INTO ratecounter (key, "window", count) VALUES (:key, :window, 1) '
    'ON CONFLICT (key, "window") DO UPDATE SET count = ratecounter.count + 1 RETURNING count'
)
_CURRENT = text('SELECT count FROM ratecounter WHERE key = :key AND "window" = :window')
_PURGE = text('DELETE FROM ratecounter WHERE "window" < :window')


def hit(session: Session, key: str, window: int) -> int:
    """Count one request for ``key`` in ``window`` and return the window's count so far.

    One atomic upsert, so concurrent workers never lose a count. The caller commits.
    """
    count = session.connection().execute(_HIT, {"key": key, "window": window}).scalar_one()
    if count == 1 and random.random() < 0.05:  # noqa: S311 (housekeeping, not security)
        purge(session, window - KEEP_WINDOWS)
    return count


def current(session: Session, key: str, window: int) -> int:
    """The count so far, without counting (a cheap read before doing any work for a request)."""
    return session.connection().execute(_CURRENT, {"key": key, "window": window}).scalar() or 0


def purge(session: Session, before_window: int) -> int:
    result = session.connection().execute(_PURGE, {"window": before_window})
    return result.rowcount or 0
