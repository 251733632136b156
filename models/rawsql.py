"""SQL run straight on the database driver's cursor, for the few statements on the survey's hot path.

A member's submission runs a handful of short statements. Through SQLAlchemy each one costs several
times the statement itself (execution contexts, result objects, ORM bookkeeping), which is what
limited ratings per second. These statements are written once as SQL with ``:name`` parameters,
rendered in the driver's parameter style per dialect, and executed on the DBAPI cursor. Values are
bound as SQLAlchemy binds them (:func:`bind_datetime`), and driver errors are raised as SQLAlchemy's
own exception classes (:func:`driver_errors`), so callers handle an outage exactly as elsewhere.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


class RawStatement:
    """One SQL statement with ``:name`` parameters, rendered once per driver parameter style."""

    def __init__(self, sql: str) -> None:
        self.sql = " ".join(sql.split())
        self._rendered: dict[str, str] = {}

    def render(self, dialect: Dialect) -> str:
        style = dialect.paramstyle
        sql = self._rendered.get(style)
        if sql is None:
            if style in ("named", "qmark", "numeric"):
                sql = self.sql  # sqlite3 accepts :name whatever SQLAlchemy's own choice
            elif style == "pyformat":
                sql = _NAMED.sub(r"%(\1)s", self.sql.replace("%", "%%"))
            else:
                raise NotImplementedError(f"parameter style {style}")
            self._rendered[style] = sql
        return sql

    def execute(self, cursor: Any, dialect: Dialect, params: dict[str, Any]) -> Any:
        cursor.execute(self.render(dialect), params)
        return cursor

    def scalar(self, cursor: Any, dialect: Dialect, params: dict[str, Any]) -> Any:
        """The first column of the first row, or ``None`` when there is no row."""
        row = self.execute(cursor, dialect, params).fetchone()
        return row[0] if row else None


class RowsStatement:
    """A statement over many rows at once: ``head`` + ``VALUES (…), (…), …`` + ``tail``.

    One statement for a whole batch (instead of one per row) is what makes batched writes cheap.
    Rows are tuples in ``columns`` order; the SQL for each row count is rendered once.
    """

    def __init__(self, head: str, columns: tuple[str, ...], tail: str = "") -> None:
        self.head = " ".join(head.split())
        self.columns = columns
        self.tail = " ".join(tail.split())
        self._rendered: dict[tuple[str, int], str] = {}

    def render(self, dialect: Dialect, rows: int) -> str:
        key = (dialect.paramstyle, rows)
        sql = self._rendered.get(key)
        if sql is None:
            mark = "?" if dialect.paramstyle == "qmark" else "%s"
            one = f"({', '.join([mark] * len(self.columns))})"
            sql = f"{self.head} ({', '.join(self.columns)}) VALUES {', '.join([one] * rows)} {self.tail}".strip()
            if len(self._rendered) < 256:
                self._rendered[key] = sql
        return sql

    def execute(self, tx: RawTransaction, rows: list[tuple]) -> Any:
        if tx.dialect.paramstyle not in ("qmark", "format", "pyformat"):
            raise NotImplementedError(f"parameter style {tx.dialect.paramstyle}")
        tx.cursor.execute(self.render(tx.dialect, len(rows)), [value for row in rows for value in row])
        return tx.cursor


_datetime_binders: dict[str, Callable[[datetime], Any] | None] = {}


def bind_datetime(dialect: Dialect, value: datetime) -> Any:
    """``value`` as SQLAlchemy binds a ``DateTime`` column on this dialect (text on SQLite)."""
    if dialect.name not in _datetime_binders:
        _datetime_binders[dialect.name] = DateTime().dialect_impl(dialect).bind_processor(dialect)
    binder = _datetime_binders[dialect.name]
    return binder(value) if binder else value


@contextmanager
def driver_errors(dialect: Dialect) -> Iterator[None]:
    """Raise the driver's errors as SQLAlchemy's (``OperationalError``, ``IntegrityError`` …)."""
    dbapi = dialect.loaded_dbapi
    try:
        yield
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error) from exc


class RawTransaction:
    """Statements inside one driver transaction (see :func:`transaction`)."""

    def __init__(self, connection: Any, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.cursor = connection.cursor()

    def execute(self, statement: RawStatement, params: dict[str, Any]) -> Any:
        return statement.execute(self.cursor, self.dialect, params)

    def scalar(self, statement: RawStatement, params: dict[str, Any]) -> Any:
        return statement.scalar(self.cursor, self.dialect, params)


@contextmanager
def _committed(conn: Any, dialect: Dialect, drop_dead: Callable[[], None]) -> Iterator[RawTransaction]:
    """The block's statements on ``conn``, committed when it ends without error, else rolled back.

    A connection that cannot even roll back (the database went away) is handed to ``drop_dead``.
    """
    try:
        yield RawTransaction(conn, dialect)
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except dialect.loaded_dbapi.Error:
            drop_dead()
        raise


@contextmanager
def transaction(engine: Engine) -> Iterator[RawTransaction]:
    """One transaction on a pooled driver connection, committed when the block ends without error.

    On any error the transaction is rolled back, and a connection that cannot even roll back (the
    database went away) is dropped from the pool instead of being handed to the next request.
    """
    dialect = engine.dialect
    with driver_errors(dialect):
        conn = engine.raw_connection()
        try:
            with _committed(conn, dialect, conn.invalidate) as tx:
                yield tx
        finally:
            conn.close()


class HeldConnection:
    """One driver connection kept by a writer whose transactions run one at a time.

    Checking a connection out of the pool and back for every write costs about as much as a small
    write itself; a writer that commits one transaction at a time (``survey.db.GroupCommit``) keeps
    one connection instead, whose page cache also stays warm. A connection that fails is dropped and
    the next transaction opens a fresh one; one that sat idle is pinged first (what the pool's
    pre-ping does for pooled connections), so a database restarted in between costs no answer.
    """

    IDLE_PING_SECONDS = 5.0
    _PING = RawStatement("SELECT 1")

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Any = None
        self._used = 0.0

    def _connection(self) -> Any:
        conn = self._conn
        if conn is not None and time.monotonic() - self._used > self.IDLE_PING_SECONDS \
                and self._engine.dialect.name != "sqlite":
            try:
                self._PING.execute(conn.cursor(), self._engine.dialect, {})
                conn.rollback()
            except self._engine.dialect.loaded_dbapi.Error:
                self._drop(invalidate=True)
                conn = None
        if conn is None:
            conn = self._conn = self._engine.raw_connection()
        return conn

    def _drop(self, *, invalidate: bool) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            if invalidate:
                conn.invalidate()
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[RawTransaction]:
        """Like :func:`transaction`, on the held connection (reconnecting next time if it died)."""
        dialect = self._engine.dialect
        with driver_errors(dialect):
            try:
                with _committed(self._connection(), dialect, lambda: self._drop(invalidate=True)) as tx:
                    yield tx
            finally:
                self._used = time.monotonic()

    def close(self) -> None:
        self._drop(invalidate=False)
