"""The survey's database access: one session per request for reads (flaskr style), closed when the
application context ends, and the writers' queue and group commit for members' answers."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import Any, Generic, TypeVar

from flask import current_app, g
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import Session

from models.db import is_sqlite
from models.rawsql import HeldConnection, RawTransaction

try:
    import fcntl
except ImportError:  # Windows: threads of the one waitress process queue on the thread lock alone
    fcntl = None  # type: ignore[assignment]


class SqliteWriterQueue:
    """Writers to one SQLite file queue here instead of polling SQLite's lock.

    SQLite lets one writer in at a time and makes the others retry with growing sleeps, which starves
    some requests for hundreds of milliseconds under load. Threads of one worker queue on a thread
    lock, and worker processes on an ``flock`` of a file beside the database, which wakes the next
    writer as soon as the last one is done.
    """

    def __init__(self, database_path: str | None) -> None:
        self._thread_lock = threading.Lock()
        self._path = f"{database_path}.writers" if database_path and database_path != ":memory:" else None
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> SqliteWriterQueue:
        self._thread_lock.acquire()
        if fcntl is not None and self._path:
            try:
                if self._fd is None or self._pid != os.getpid():  # opened in this process, after any fork
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                    self._pid = os.getpid()
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            except OSError:
                self._path = None  # cannot lock (read-only directory): SQLite's own locking still holds
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if fcntl is not None and self._path and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def is_outage(error: object) -> bool:
    """Whether ``error`` means the database is away or busy (not a fault of one answer)."""
    return isinstance(error, OperationalError | InterfaceError)


# PostgreSQL's deadlock_detected and serialization_failure: it gave up one of two transactions that
# waited on each other. Nothing of it was written, and the same transaction run again succeeds.
CONFLICT_STATES = frozenset({"40P01", "40001"})
CONFLICT_RETRIES = 3


def is_conflict(error: object) -> bool:
    orig = getattr(error, "orig", None)
    return isinstance(error, DBAPIError) and getattr(orig, "sqlstate", None) in CONFLICT_STATES


P = TypeVar("P")
R = TypeVar("R")


class _Entry(Generic[P, R]):
    __slots__ = ("item", "finished", "result", "error")

    def __init__(self, item: P) -> None:
        self.item = item
        self.finished = False
        self.result: R | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[P, R]):
    """The writes of one worker's threads share transactions (group commit).

    ``write(tx, items)`` writes a batch of items in one transaction and returns one result per item.
    Threads queue their items; the thread that gets the turn writes every queued item in one
    transaction, and the others find theirs already committed. Under load one commit (and one turn of
    the cross-process writer queue) serves several members, and ``write`` runs one statement for all
    of them where it would run one each. A lone request commits alone, at once.

    If a batch fails for a reason of its own (a constraint), its items are written again one
    transaction each, so one bad answer never costs another member theirs; if the database is away,
    every item of the batch fails. A batch PostgreSQL gave up in a conflict with another transaction
    (:func:`is_conflict`) is simply written again.
    """

    def __init__(self, engine: Engine, write_lock: AbstractContextManager,
                 write: Callable[[RawTransaction, list[P]], list[R]]) -> None:
        self._connection = HeldConnection(engine)  # used by one committing thread at a time
        self._write_lock = write_lock
        self._write = write
        self._turn = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Entry[P, R]] = []
        self.batches = 0  # transactions committed, for the bench and tests
        self.items = 0
        self.conflicts = 0  # transactions written again after a conflict (tests)

    def close(self) -> None:
        """Give the held connection back (tests; a stopping worker just exits)."""
        with self._turn:
            self._connection.close()

    def submit(self, item: P) -> R:
        entry: _Entry[P, R] = _Entry(item)
        with self._queue_lock:
            self._queue.append(entry)
        with self._turn:
            if not entry.finished:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if entry.error is not None:
            raise entry.error
        return entry.result  # type: ignore[return-value]

    def write_now(self, items: list[Any], write: Callable[[RawTransaction, list[Any]], list[Any]],
                  ) -> list[Any | BaseException]:
        """Write ``items`` with ``write`` in one transaction now, on this writer's connection and turn.

        Returns each item's result, or the exception that kept it out (an item failing on its own is
        isolated as in :meth:`submit`; when the database is away, every item gets that error).
        """
        entries = [_Entry(item) for item in items]
        with self._turn:
            self._commit(entries, write)
        return [entry.error if entry.error is not None else entry.result for entry in entries]

    def _commit(self, batch: list[_Entry], write: Callable[[RawTransaction, list[Any]], list[Any]] | None = None,
                ) -> None:
        write = write or self._write
        try:
            results = self._transaction(write, [entry.item for entry in batch])
        except BaseException as exc:
            if isinstance(exc, Exception) and len(batch) > 1 and not is_outage(exc):
                for entry in batch:
                    self._commit([entry], write)  # find the one that fails; the others still commit
                return
            for entry in batch:
                entry.error, entry.finished = exc, True
            if not isinstance(exc, Exception):
                raise  # the worker is stopping; no thread is left waiting for this batch
            return
        self.batches += 1
        self.items += len(batch)
        for entry, result in zip(batch, results, strict=True):
            entry.result, entry.finished = result, True

    def _transaction(self, write: Callable[[RawTransaction, list[Any]], list[Any]], items: list[Any]) -> list[Any]:
        attempts = 0
        while True:
            try:
                with self._write_lock, self._connection.transaction() as tx:
                    return write(tx, items)
            except DBAPIError as exc:
                attempts += 1
                if not is_conflict(exc) or attempts > CONFLICT_RETRIES:
                    raise
                self.conflicts += 1


def get_engine() -> Engine:
    return current_app.extensions["zhudian.engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def make_write_lock(engine: Engine) -> AbstractContextManager:
    return SqliteWriterQueue(engine.url.database) if is_sqlite(engine) else nullcontext()


def write_lock() -> AbstractContextManager:
    return current_app.extensions["zhudian.write_lock"]


def group_commit() -> GroupCommit:
    return current_app.extensions["zhudian.group_commit"]


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except DBAPIError:
            # The database went away mid-request (an outage): the answer is already made; drop the
            # dead connection instead of turning a finished response into a 500.
            session.invalidate()
