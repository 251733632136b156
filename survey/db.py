"""One database session per request, closed when the application context ends (flaskr style)."""

from __future__ import annotations

import os
import threading
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType

from flask import current_app, g
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models.db import is_sqlite

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


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except DBAPIError:
            # The database went away mid-request (an outage): the answer is already made; drop the
            # dead connection instead of turning a finished response into a 500.
            session.invalidate()
