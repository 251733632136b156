"""Two PostgreSQL transactions made to interleave the same way every time (the deadlock tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from models.rawsql import RawTransaction, transaction
from tests.serving import wait_for

T = TypeVar("T")


def waiting_for_a_lock(engine: Engine) -> bool:
    """Whether a transaction on this database is waiting for a row lock."""
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ).scalar())


def interleave(engine: Engine, first: Callable[[RawTransaction], object], second: Callable[[RawTransaction], T],
               then: Callable[[RawTransaction], object]) -> T:
    """``first`` in one transaction; ``second`` in another, until it waits for a lock the first holds;
    ``then`` in the first, which commits. Returns what ``second`` returned, once it has committed too.

    Rows written in two orders deadlock here: PostgreSQL aborts one transaction and this raises.
    """
    done: list[T] = []
    failed: list[BaseException] = []

    def other() -> None:
        try:
            with transaction(engine) as tx:
                result = second(tx)
            done.append(result)
        except BaseException as exc:  # noqa: BLE001 (reported in the test's thread)
            failed.append(exc)

    with transaction(engine) as tx:
        first(tx)
        thread = threading.Thread(target=other)
        thread.start()
        wait_for(lambda: failed or waiting_for_a_lock(engine), 10, "the second transaction to wait for the first")
        then(tx)
    thread.join(10)
    if failed:
        raise failed[0]
    assert done, "the second transaction did not finish"
    return done[0]
