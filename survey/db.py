"""One database session per request, closed when the application context ends (flaskr style)."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext

from flask import current_app, g
from sqlalchemy import Engine
from sqlmodel import Session

from models.db import is_sqlite

# SQLite lets one writer in at a time and makes the others poll with growing sleeps; threads of one
# worker queue on this lock instead, so only the few worker processes ever poll each other.
_sqlite_writer = threading.Lock()


def get_engine() -> Engine:
    return current_app.extensions["zhudian.engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def write_lock() -> AbstractContextManager:
    return _sqlite_writer if is_sqlite(get_engine()) else nullcontext()


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
