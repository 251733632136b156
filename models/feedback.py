"""Storing members' ratings and keeping their roll-up (:class:`RatingStat`) in step.

Every writer of ratings goes through :func:`store` (one rating: the survey directly, everything
else through :func:`add_rating`) or :func:`rebuild_rating_stats` (after a bulk load), so the
dashboard can read the roll-up instead of scanning every rating.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel, select

from models.clock import month_key, now
from models.tables import Photo, Rating, RatingStat

SCORE_COLUMNS = ("n1", "n2", "n3", "n4", "n5")
STAT_COUNTS = ("count", "score_sum", "suggestions", "photos", *SCORE_COLUMNS)
RATING_COLUMNS = ("link_id", "branch_id", "activity_id", "activity_name", "score", "suggestion", "photo_id",
                  "submission_id", "client_hash", "created_at")


def upsert(dialect: str, table: type[SQLModel]) -> Any:
    """An ``INSERT`` of ``table`` that takes the dialect's ``ON CONFLICT`` clauses (SQLite, PostgreSQL)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table.__table__)  # type: ignore[attr-defined]


@functools.cache
def _statements(dialect: str) -> tuple[Any, Any, Any]:
    """The three statements an answer runs, built once per dialect and given values as parameters
    (so SQLAlchemy compiles each once; built per call they cost a millisecond an answer)."""
    rating = upsert(dialect, Rating).on_conflict_do_nothing(index_elements=["submission_id"]).returning(
        Rating.__table__.c.id)  # type: ignore[attr-defined]
    stat = upsert(dialect, RatingStat)
    table = RatingStat.__table__  # type: ignore[attr-defined]
    stat = stat.on_conflict_do_update(index_elements=["branch_id", "activity_id", "month"],
                                      set_={c: table.c[c] + stat.excluded[c] for c in STAT_COUNTS})
    photo = insert(Photo.__table__).returning(Photo.__table__.c.id)  # type: ignore[attr-defined]
    return rating, stat, photo


def store_photo(connection: Connection, *, mime: str, width: int, height: int, data: bytes) -> int:
    """Store a (re-encoded) photo for a rating about to be stored; returns its id."""
    statement = _statements(connection.dialect.name)[2]
    return connection.execute(statement, {"mime": mime, "width": width, "height": height, "data": data,
                                          "created_at": now()}).scalar_one()


def store(connection: Connection, values: dict[str, Any]) -> int | None:
    """Insert one rating (a dict from :func:`rating_values`) and count it in the roll-up.

    Returns the new rating's id, or ``None`` when a rating with its submission id is already stored
    (a retry, a double tap): nothing is written then. The one place rating rows are written:
    :func:`add_rating` and the survey both come here. The caller's transaction commits.
    """
    rating_id = connection.execute(_statements(connection.dialect.name)[0], values).scalar()
    if rating_id is not None:
        roll_up(connection, values)
    return rating_id


def roll_up(connection: Connection, values: dict[str, Any]) -> None:
    """Count one newly stored rating in its (branch, activity, month) roll-up row."""
    add = stat_values(values["branch_id"], values["activity_id"], values["created_at"], values["score"],
                      values["suggestion"] != "", values["photo_id"] is not None)
    connection.execute(_statements(connection.dialect.name)[1], add)


def rating_values(*, branch_id: int, score: int, submission_id: str, link_id: int | None = None,
                  activity_id: int | None = None, activity_name: str = "", suggestion: str = "",
                  photo_id: int | None = None, client_hash: str = "", created_at: datetime | None = None,
                  ) -> dict[str, Any]:
    """A rating's column values, checked: what :func:`store` takes."""
    if not 1 <= score <= 5:
        raise ValueError("score must be 1..5")
    return {
        "link_id": link_id,
        "branch_id": branch_id,
        "activity_id": activity_id,
        "activity_name": activity_name,
        "score": score,
        "suggestion": suggestion,
        "photo_id": photo_id,
        "submission_id": submission_id,
        "client_hash": client_hash,
        "created_at": created_at or now(),
    }


def stat_values(branch_id: int, activity_id: int | None, created_at: datetime, score: int,
                has_suggestion: bool, has_photo: bool) -> dict:
    values = {
        "branch_id": branch_id,
        "activity_id": activity_id or 0,
        "month": month_key(created_at),
        "count": 1,
        "score_sum": score,
        "suggestions": int(has_suggestion),
        "photos": int(has_photo),
    }
    for i, col in enumerate(SCORE_COLUMNS, start=1):
        values[col] = int(score == i)
    return values


def add_rating(session: Session, **fields: Any) -> Rating | None:
    """Store one rating and update its roll-up in the session's transaction (fields: :func:`rating_values`).

    Returns ``None`` when a rating with this ``submission_id`` is already stored: a retry, a double
    tap or a resubmission is harmless. The caller commits.
    """
    values = rating_values(**fields)
    session.flush()  # pending ORM rows (a photo, say) go first: the rating may refer to them
    rating_id = store(session.connection(), values)
    if rating_id is None:
        return None  # a retry, a double tap or a concurrent request with the same submission id
    # The row is in the database; hand it back as a persistent object without reading it again.
    rating = Rating(id=rating_id, **values)
    make_transient_to_detached(rating)
    session.add(rating)
    return rating


def rebuild_rating_stats(session: Session) -> int:
    """Recompute the whole roll-up from the ratings (after bulk loads, or to repair). Returns rows."""
    totals: dict[tuple[int, int, int], dict] = defaultdict(lambda: defaultdict(int))
    rows = session.exec(
        select(Rating.branch_id, Rating.activity_id, Rating.created_at, Rating.score,
               Rating.suggestion != "", Rating.photo_id.is_not(None))  # type: ignore[union-attr]
        .execution_options(yield_per=50_000)
    )
    for branch_id, activity_id, created_at, score, has_sugg, has_photo in rows:
        values = stat_values(branch_id, activity_id, created_at, score, bool(has_sugg), bool(has_photo))
        acc = totals[(values["branch_id"], values["activity_id"], values["month"])]
        for key in STAT_COUNTS:
            acc[key] += values[key]
    session.connection().execute(delete(RatingStat))
    payload = [
        {"branch_id": b, "activity_id": a, "month": m, **acc} for (b, a, m), acc in totals.items()
    ]
    for start in range(0, len(payload), 5000):
        session.connection().execute(insert(RatingStat), payload[start:start + 5000])
    session.flush()
    return len(payload)
