"""Database fixtures shared by every test: each test runs on SQLite and, when
``ZHUDIAN_TEST_PG_URL`` names a PostgreSQL server, on PostgreSQL too.

SQLite: a migrated template file with the reference data is made once and copied for each test.
PostgreSQL: one scratch database per test session (and xdist worker), emptied of work records
after each test; reference tables are kept, targets reset to the seed's defaults.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from models.db import make_engine, session_scope
from models.migrate import head_revision, upgrade
from models.reference import load_reference
from models.tables import REFERENCE_TABLES, Campaign, Target
from models.targets import DEFAULT_YEAR, ensure_campaign

PG_ENV = "ZHUDIAN_TEST_PG_URL"

# Property-based tests: modest in the normal run; the stress tests (tests/stress) ask for more
# examples explicitly. Function-scoped fixtures are shared by the examples of one test on purpose:
# the properties compare before/after counts, so they hold however many examples ran before.
settings.register_profile("zhudian", max_examples=20, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.load_profile("zhudian")


def backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get(PG_ENV) else ["sqlite"]


def _prepare(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_reference(session)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "zhudian.db"
    _prepare(f"sqlite:///{path}")
    return path


def _admin_url() -> str:
    return os.environ[PG_ENV]


def _pg_admin_engine() -> Engine:
    return make_engine(_admin_url()).execution_options(isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this test session, dropped at the end."""
    from sqlalchemy.engine import make_url

    name = f"zhudian_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    _prepare(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


WORK_TABLES = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]


def _empty_work_tables(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in WORK_TABLES) + " RESTART IDENTITY CASCADE"))
        # A test may fake a newer schema; the next test must find ours again.
        conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
    with session_scope(engine) as session:
        session.connection().execute(Target.__table__.delete())  # type: ignore[attr-defined]
        session.connection().execute(Campaign.__table__.delete().where(Campaign.year != DEFAULT_YEAR))  # type: ignore[attr-defined]
        ensure_campaign(session, DEFAULT_YEAR)
    engine.dispose()


@pytest.fixture(params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a clean, migrated database holding only the reference data."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "zhudian.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
        yield url
        _empty_work_tables(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory for the ``zhudian`` command, with no database URL in the environment."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("ZHUDIAN_HOME", str(path))
    monkeypatch.delenv("ZHUDIAN_DATABASE_URL", raising=False)
    return path
