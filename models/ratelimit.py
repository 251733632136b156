"""Request counters per client and minute, kept in the database so every worker and machine shares them."""

from __future__ import annotations

import random

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.tables import RateCounter

KEEP_WINDOWS = 10  # minutes of counters kept for abuse review before purging


def hit(session: Session, key: str, window: int) -> int:
    """Count one request for ``key`` in ``window`` and return the window's count so far.

    One atomic upsert, so concurrent workers never lose a count. The caller commits.
    """
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(RateCounter).values(
        key=key, window=window, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key", "window"], set_={"count": RateCounter.count + 1}  # type: ignore[operator]
    ).returning(RateCounter.count)
    count = session.connection().execute(stmt).scalar_one()
    if count == 1 and random.random() < 0.05:  # noqa: S311 (housekeeping, not security)
        purge(session, window - KEEP_WINDOWS)
    return count


def purge(session: Session, before_window: int) -> int:
    result = session.connection().execute(delete(RateCounter).where(RateCounter.window < before_window))  # type: ignore[arg-type]
    return result.rowcount or 0


def current(session: Session, key: str, window: int) -> int:
    """The count so far, without counting (a cheap read before doing any work for a request)."""
    from sqlmodel import select

    row = session.exec(select(RateCounter.count).where(RateCounter.key == key, RateCounter.window == window)).first()
    return row or 0
