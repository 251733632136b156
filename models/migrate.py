"""Bring any database to the latest schema with Alembic, and refuse one that is newer than us."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from models.db import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def check_not_newer(engine: Engine) -> None:
    """A database migrated by a newer zhudian must not be touched by this one."""
    current = current_revision(engine)
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            f"数据库结构版本（{current}）比本程序新，请升级 zhudian 后再使用；未做任何修改。"
        )


def schema_is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def upgrade(engine: Engine) -> None:
    """Migrate to head (a no-op when already there)."""
    check_not_newer(engine)
    cfg = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign keys enforced,
            # dropping a table that holds referenced rows (activity, under ratings) fails. The pragma
            # only takes effect outside a transaction; the keys are checked once the copy is done.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise DatabaseError("数据库迁移后外键不一致，已撤销本次迁移")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def require_current(engine: Engine) -> None:
    """For commands that read: the schema must be exactly ours (run ``zhudian init`` first)."""
    check_not_newer(engine)
    if not schema_is_current(engine):
        raise DatabaseError("数据库尚未初始化或结构过旧：请先运行 zhudian init")
