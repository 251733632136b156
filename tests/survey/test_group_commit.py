"""Group commit: answers that arrive together share one transaction; one bad answer costs no one else."""

from __future__ import annotations

import threading

from sqlalchemy.exc import IntegrityError, OperationalError

from models.rawsql import RawStatement, RawTransaction
from survey.db import GroupCommit, make_write_lock


def rows(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT key FROM ratecounter ORDER BY key")]


INSERT = RawStatement('INSERT INTO ratecounter (key, "window", count) VALUES (:key, 1, 1)')


def write_keys(tx: RawTransaction, keys: list[str]) -> list[str]:
    for key in keys:
        if key == "boom":
            raise ValueError("a bad item")
        tx.execute(INSERT, {"key": key})
    return [f"ok {key}" for key in keys]


def test_a_lone_item_commits_at_once(engine):
    group = GroupCommit(engine, make_write_lock(engine), write_keys)
    assert group.submit("a") == "ok a"
    assert rows(engine) == ["a"] and (group.batches, group.items) == (1, 1)


def test_items_queued_while_a_batch_commits_share_the_next_transaction(engine):
    entered, release = threading.Event(), threading.Event()

    def slow_first(tx: RawTransaction, keys: list[str]) -> list[str]:
        if keys == ["first"]:
            entered.set()
            release.wait(10)
        return write_keys(tx, keys)

    group = GroupCommit(engine, make_write_lock(engine), slow_first)
    results: dict[str, str] = {}

    def send(key: str) -> None:
        results[key] = group.submit(key)

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert entered.wait(10)
    others = [threading.Thread(target=send, args=(f"k{i}",)) for i in range(6)]
    for t in others:
        t.start()
    while len(group._queue) < 6:  # every other thread has queued behind the first batch
        threading.Event().wait(0.001)
    release.set()
    for t in [first, *others]:
        t.join(10)
    assert results == {"first": "ok first", **{f"k{i}": f"ok k{i}" for i in range(6)}}
    assert group.batches == 2 and group.items == 7
    assert len(rows(engine)) == 7


def test_one_failing_item_does_not_cost_the_others_theirs(engine):
    group = GroupCommit(engine, make_write_lock(engine), write_keys)
    entries = [group_entry(k) for k in ("a", "a", "b")]  # the second "a" breaks the primary key
    group._commit(entries)
    assert [e.result for e in entries] == ["ok a", None, "ok b"]
    assert isinstance(entries[1].error, IntegrityError)  # raised as SQLAlchemy's, whatever the driver
    assert rows(engine) == ["a", "b"]


def test_a_python_error_in_one_item_is_isolated_too(engine):
    group = GroupCommit(engine, make_write_lock(engine), write_keys)
    entries = [group_entry(k) for k in ("a", "boom", "b")]
    group._commit(entries)
    assert [e.result for e in entries] == ["ok a", None, "ok b"]
    assert isinstance(entries[1].error, ValueError)


def test_when_the_database_is_away_every_item_fails_at_once(engine):
    calls: list[list[str]] = []

    def away(tx: RawTransaction, keys: list[str]) -> list[str]:
        calls.append(keys)
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    group = GroupCommit(engine, make_write_lock(engine), away)
    entries = [group_entry(k) for k in ("a", "b", "c")]
    group._commit(entries)
    assert calls == [["a", "b", "c"]]  # not retried one by one against a database that is gone
    assert all(isinstance(e.error, OperationalError) and e.finished for e in entries)


def group_entry(item: str):
    from survey.db import _Entry

    return _Entry(item)


class Deadlock(Exception):
    sqlstate = "40P01"  # as PostgreSQL's driver reports a deadlock it broke


def test_a_batch_given_up_in_a_conflict_is_written_again(engine):
    calls: list[list[str]] = []

    def conflicting_once(tx: RawTransaction, keys: list[str]) -> list[str]:
        calls.append(keys)
        if len(calls) == 1:
            write_keys(tx, keys)  # written, then rolled back with the conflict
            raise OperationalError("INSERT", {}, Deadlock("deadlock detected"))
        return write_keys(tx, keys)

    group = GroupCommit(engine, make_write_lock(engine), conflicting_once)
    entries = [group_entry(k) for k in ("a", "b")]
    group._commit(entries)
    assert [e.result for e in entries] == ["ok a", "ok b"] and not any(e.error for e in entries)
    assert calls == [["a", "b"], ["a", "b"]] and group.conflicts == 1
    assert rows(engine) == ["a", "b"]  # once each


def test_a_conflict_that_keeps_coming_back_fails_the_batch_like_an_outage(engine):
    def always(tx: RawTransaction, keys: list[str]) -> list[str]:
        raise OperationalError("INSERT", {}, Deadlock("deadlock detected"))

    group = GroupCommit(engine, make_write_lock(engine), always)
    entries = [group_entry(k) for k in ("a", "b")]
    group._commit(entries)
    assert all(isinstance(e.error, OperationalError) and e.finished for e in entries)
    assert group.conflicts == 3  # three more tries, then the members get the busy page
