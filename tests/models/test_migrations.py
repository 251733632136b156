import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from models.db import DatabaseError, make_engine
from models.migrate import current_revision, head_revision, require_current, upgrade


def test_migrations_from_empty_match_the_tables(engine):
    # The fixture database was migrated from empty; the models and the migrations must agree.
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()


def test_upgrade_twice_is_a_no_op(engine):
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_newer_schema_is_refused_and_untouched(engine):
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    try:
        with pytest.raises(DatabaseError, match="比本程序新"):
            upgrade(engine)
        with pytest.raises(DatabaseError, match="比本程序新"):
            require_current(engine)
        assert current_revision(engine) == "9999_future"
    finally:
        # The PostgreSQL scratch database is shared by the whole session: put the version back.
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})


def test_empty_database_must_be_initialised(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseError, match="zhudian init"):
        require_current(engine)


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_upgrade_keeps_the_rows_other_tables_refer_to(engine, session):
    """SQLite alters a table by copying it: a branch's activities, rated by members, survive the upgrade
    to this version from the one before this session's migrations (0007)."""
    from alembic import command
    from sqlalchemy import text

    from models.migrate import alembic_config, head_revision
    from tests import factories as f

    b = f.branch(session, "梅江区")
    f.rating(session, b, 4, a=f.activity(session, b), suggestion="多组织志愿服务")
    session.commit()
    cfg = alembic_config()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0007_suggestion_themes")
    engine.dispose()  # a fresh connection: foreign keys enforced again, as for every user
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert conn.execute(text("SELECT count(*) FROM activity")).scalar() == 1
        assert conn.execute(text("SELECT suggestion FROM rating")).scalar() == "多组织志愿服务"
