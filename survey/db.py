"""The survey's database access: one session per request for reads (flaskr style), closed when the
application context ends, and one short transaction per write.

On SQLite the server's threads take turns to write (a lock): SQLite lets one writer in at a time and
makes the others poll with growing sleeps, which left some members waiting hundreds of milliseconds
under load. PostgreSQL locks rows itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from flask import current_app, g
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from models.db import is_sqlite


def get_engine() -> Engine:
    return current_app.extensions["zhudian.engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def make_write_lock(engine: Engine) -> threading.Lock | nullcontext:
    return threading.Lock() if is_sqlite(engine) else nullcontext()


@contextmanager
def writing() -> Iterator[Connection]:
    """One write transaction, committed when the block ends (rolled back on an error)."""
    with current_app.extensions["zhudian.write_lock"], get_engine().begin() as connection:
        yield connection


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except DBAPIError:
            # The database went away mid-request (an outage): the answer is already made; drop the
            # dead connection instead of turning a finished response into a 500.
            session.invalidate()
