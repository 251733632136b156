"""Request counters per client and minute, kept in the database so every worker and machine shares them.

The statements run on the driver's cursor (:mod:`models.rawsql`) inside the caller's transaction:
they run on every rating POST.
"""

from __future__ import annotations

import random

from models.rawsql import RawStatement, RawTransaction

KEEP_WINDOWS = 10  # minutes of counters kept for abuse review before purging

_HIT = RawStatement(
    'INSERT INTO ratecounter (key, "window", count) VALUES (:key, :window, 1) '
    'ON CONFLICT (key, "window") DO UPDATE SET count = ratecounter.count + 1 RETURNING count'
)
# At the limit the row is left as it is and nothing is returned: a refused request writes nothing.
_HIT_UNDER = RawStatement(
    'INSERT INTO ratecounter (key, "window", count) VALUES (:key, :window, 1) '
    'ON CONFLICT (key, "window") DO UPDATE SET count = ratecounter.count + 1 '
    "WHERE ratecounter.count < :limit RETURNING count"
)
_PURGE = RawStatement('DELETE FROM ratecounter WHERE "window" < :window')


def hit(tx: RawTransaction, key: str, window: int, limit: int | None = None) -> int | None:
    """Count one request for ``key`` in ``window`` and return the window's count so far.

    With a ``limit``, a request that would go over it is not counted and ``None`` is returned. One
    atomic upsert, so concurrent workers never lose a count or let one past the limit. The caller
    commits.
    """
    if limit is None:
        count = tx.scalar(_HIT, {"key": key, "window": window})
    else:
        count = tx.scalar(_HIT_UNDER, {"key": key, "window": window, "limit": limit})
    if count == 1 and random.random() < 0.05:  # noqa: S311 (housekeeping, not security)
        purge(tx, window - KEEP_WINDOWS)
    return count


def purge(tx: RawTransaction, before_window: int) -> int:
    return tx.execute(_PURGE, {"window": before_window}).rowcount or 0
