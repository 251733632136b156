"""Request counters per client and minute, kept in the database so every worker and machine shares them.

The statements run on the driver's cursor (:mod:`models.rawsql`) inside the caller's transaction,
for a whole batch of requests at once: they run on every rating POST.
"""

from __future__ import annotations

import random

from models.rawsql import RawStatement, RawTransaction, RowsStatement

KEEP_WINDOWS = 10  # minutes of counters kept for abuse review before purging

_PURGE = RawStatement('DELETE FROM ratecounter WHERE "window" < :window')
_ADD = RowsStatement("INSERT INTO ratecounter", ("key", '"window"', "count"),
                     'ON CONFLICT (key, "window") DO UPDATE SET count = ratecounter.count + excluded.count '
                     "RETURNING key, count")
_COUNT = RawStatement('SELECT count FROM ratecounter WHERE key = :key AND "window" = :window')
_TAKE_BACK = RawStatement('UPDATE ratecounter SET count = count - :n WHERE key = :key AND "window" = :window')


def count_many(tx: RawTransaction, keys: list[str], window: int) -> dict[str, tuple[int, int]]:
    """Count a batch of requests (one key each, repeats allowed) in ``window``, refusing none.

    Returns, per key, (requests of this batch, the key's total in the window including them).
    """
    wanted: dict[str, int] = {}
    for key in keys:
        wanted[key] = wanted.get(key, 0) + 1
    # In key order: concurrent batches take the counters' row locks in one order (no deadlock).
    totals = dict(_ADD.execute(tx, [(key, window, wanted[key]) for key in sorted(wanted)]).fetchall())
    if any(totals[key] == n for key, n in wanted.items()) and random.random() < 0.05:  # noqa: S311
        purge(tx, window - KEEP_WINDOWS)  # a new window's first requests: now and then, drop old ones
    return {key: (n, totals[key]) for key, n in wanted.items()}


def hit_many(tx: RawTransaction, keys: list[str], window: int, limit: int) -> list[bool]:
    """Count a batch of requests (one key each, repeats allowed) in ``window``; ``True`` where allowed.

    Each key is counted once for all its requests; where that went over ``limit`` the excess is
    taken back in the same transaction, so refused requests are never counted
    and the earliest requests of a key are the ones allowed. On PostgreSQL the counter row stays
    locked until commit, so concurrent servers never let one request too many through.
    """
    room: dict[str, int] = {}
    for key, (n, total) in count_many(tx, keys, window).items():
        room[key] = max(0, min(n, limit - (total - n)))
        if room[key] < n:
            tx.execute(_TAKE_BACK, {"n": n - room[key], "key": key, "window": window})
    allowed = []
    for key in keys:
        allowed.append(room[key] > 0)
        room[key] -= 1
    return allowed


def count_in(tx: RawTransaction, key: str, window: int) -> int:
    """Requests of ``key`` counted in ``window`` so far."""
    return tx.scalar(_COUNT, {"key": key, "window": window}) or 0


def purge(tx: RawTransaction, before_window: int) -> int:
    return tx.execute(_PURGE, {"window": before_window}).rowcount or 0
