"""Agreeing on one secret per database: the first writer wins, everyone else adopts it."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models.tables import SharedSecret


def adopt(engine: Engine, name: str, candidate: str) -> str:
    """The secret ``name`` stored in the database; ``candidate`` becomes it if there is none yet.

    Safe when several servers start at once: the insert does nothing on conflict and all read the winner.
    """
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.begin() as conn:
        conn.execute(insert(SharedSecret).values(name=name, value=candidate).on_conflict_do_nothing())
        return conn.execute(select(SharedSecret.value).where(SharedSecret.name == name)).scalar_one()
