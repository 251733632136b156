"""Statements on the driver's cursor: rendered per parameter style, errors raised as SQLAlchemy's."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from models.rawsql import RawStatement, RowsStatement, transaction

INSERT = RawStatement('INSERT INTO ratecounter (key, "window", count) VALUES (:key, :window, 1)')
COUNT = RawStatement("SELECT count(*) FROM ratecounter WHERE key LIKE '%' || :prefix || '%'")


def test_statements_render_in_each_drivers_style():
    pg, sqlite = PGDialect_psycopg(), SQLiteDialect_pysqlite()
    assert COUNT.render(pg) == "SELECT count(*) FROM ratecounter WHERE key LIKE '%%' || %(prefix)s || '%%'"
    assert COUNT.render(sqlite) == "SELECT count(*) FROM ratecounter WHERE key LIKE '%' || :prefix || '%'"
    rows = RowsStatement("INSERT INTO t", ("a", "b"), "RETURNING a")
    assert rows.render(pg, 2) == "INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s) RETURNING a"
    assert rows.render(sqlite, 1) == "INSERT INTO t (a, b) VALUES (?, ?) RETURNING a"


def test_a_failed_block_commits_nothing_and_raises_sqlalchemys_error(engine):
    with pytest.raises(IntegrityError):
        with transaction(engine) as tx:
            tx.execute(INSERT, {"key": "a", "window": 1})
            tx.execute(INSERT, {"key": "a", "window": 1})
    with transaction(engine) as tx:
        assert tx.scalar(COUNT, {"prefix": "a"}) == 0
        tx.execute(INSERT, {"key": "a", "window": 1})
    with transaction(engine) as tx:
        assert tx.scalar(COUNT, {"prefix": "a"}) == 1  # committed, and the pool's connection is usable


def test_a_broken_statement_is_an_sqlalchemy_error_too(engine):
    with pytest.raises(DBAPIError), transaction(engine) as tx:  # OperationalError, ProgrammingError …
        tx.execute(RawStatement("SELECT * FROM no_such_table"), {})
