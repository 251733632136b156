"""The one engine factory, and where the data lives.

Default: one SQLite file in the user's data directory (``ZHUDIAN_HOME`` overrides it), in WAL mode
with a busy timeout and foreign keys on. Any other database — PostgreSQL for several survey servers —
is chosen by a URL (``--db`` or ``ZHUDIAN_DATABASE_URL``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlmodel import Session

ENV_HOME = "ZHUDIAN_HOME"
ENV_URL = "ZHUDIAN_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """A database problem worth one clear line to the user (Chinese), not a traceback."""


def data_dir() -> Path:
    """The directory holding the default database, the demo database and the survey secret."""
    home = os.environ.get(ENV_HOME)
    path = Path(home) if home else Path(user_data_dir("zhudian", appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # members' answers and the secret: the owner's only
    return path


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'zhudian.db'}"


def demo_url() -> str:
    return f"sqlite:///{data_dir() / 'demo.db'}"


def resolve_url(url: str | None = None) -> str:
    """``url``, else ``ZHUDIAN_DATABASE_URL``, else the default SQLite file."""
    return url or os.environ.get(ENV_URL) or default_url()


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``postgresql://``) and use psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"数据库地址格式不正确：{url}") from exc
    driver = parsed.drivername
    if driver in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


def _sqlite_pragmas(path: str | None, dbapi_conn, _record) -> None:
    if path and os.path.getsize(path) == 0:
        # A file SQLite has just created: members' answers are readable by the service account only.
        # SQLite gives the -wal and -shm files (made by the pragma below) the database file's permissions.
        os.chmod(path, 0o600)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    # NORMAL in WAL mode: durable against a process crash; a power loss may lose the last commits.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    """The one engine factory. Raises :class:`DatabaseError` for a malformed or unsupported URL."""
    full = normalise_url(resolve_url(url))
    try:
        if is_sqlite(full):
            path = make_url(full).database
            if not path or path == ":memory:" or path.startswith("file:"):
                path = None
            else:
                Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            engine = create_engine(
                full,
                echo=echo,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            )
            event.listen(engine, "connect", functools.partial(_sqlite_pragmas, path))
        else:
            # A bounded connect: a server that went away shows up as an error in seconds, not minutes.
            engine = create_engine(full, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10,
                                   connect_args={"connect_timeout": 5})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseError(f"不支持的数据库地址：{make_url(full).render_as_string()}（{exc}）") from exc
    except ModuleNotFoundError as exc:
        raise DatabaseError(f"缺少数据库驱动 {exc.name}：请安装：pip install 'zhudian[postgres]'（在源码目录中：pip install '.[postgres]'）") from exc
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once; turn any failure into a one-line :class:`DatabaseError`."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseError(
            f"无法连接数据库 {engine.url.render_as_string(hide_password=True)}：{reason}"
        ) from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
