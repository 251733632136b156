"""Request counters per key and minute, kept in the database so every survey server shares them.

One statement per request, in the caller's transaction: on PostgreSQL the counter row stays locked
until that transaction ends, so concurrent servers never let one request too many through.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from sqlalchemy import Connection, delete, select

from models.feedback import upsert
from models.tables import RateCounter

KEEP_WINDOWS = 10  # minutes of counters kept before purging


@functools.cache
def _count(dialect: str) -> Any:
    """The counting statement, built once per dialect (values go as parameters; see models.feedback)."""
    table = RateCounter.__table__  # type: ignore[attr-defined]
    statement = upsert(dialect, RateCounter)
    return statement.on_conflict_do_update(index_elements=["key", "window"],
                                           set_={"count": table.c.count + 1}).returning(table.c.count)


def hit(connection: Connection, key: str, window: int, limit: int) -> bool:
    """Count one request of ``key`` in ``window``; whether it is within ``limit`` (refused ones count too)."""
    count = connection.execute(_count(connection.dialect.name), {"key": key, "window": window, "count": 1}).scalar_one()
    if count == 1 and random.random() < 0.02:  # noqa: S311 (a key's first request: now and then, tidy up)
        purge(connection, window - KEEP_WINDOWS)
    return count <= limit


def count_in(connection: Connection, key: str, window: int) -> int:
    """Requests of ``key`` counted in ``window`` so far."""
    statement = select(RateCounter.count).where(RateCounter.key == key, RateCounter.window == window)
    return connection.execute(statement).scalar() or 0


def purge(connection: Connection, before_window: int) -> int:
    return connection.execute(delete(RateCounter).where(RateCounter.window < before_window)).rowcount or 0
