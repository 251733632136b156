"""Storing members' ratings and keeping their roll-up (:class:`RatingStat`) in step.

Every writer of ratings goes through :func:`add_rating` (one rating) or
:func:`rebuild_rating_stats` (after a bulk load), so the dashboard can read the roll-up instead of
scanning every rating.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from models.clock import month_key, now
from models.tables import Rating, RatingStat

SCORE_COLUMNS = ("n1", "n2", "n3", "n4", "n5")


_STAT_KEYS = ("branch_id", "activity_id", "month")
_STAT_COUNTS = ("count", "score_sum", "suggestions", "photos", *SCORE_COLUMNS)
_statements: dict[tuple[str, str], Any] = {}


def _insert_for(dialect: str):
    return pg_insert if dialect == "postgresql" else sqlite_insert


def _statement(session: Session, name: str):
    """The two statements of :func:`add_rating`, built once per dialect (they run on every rating)."""
    dialect = session.get_bind().dialect.name
    stmt = _statements.get((dialect, name))
    if stmt is None:
        insert_ = _insert_for(dialect)
        if name == "stat":
            base = insert_(RatingStat)
            stmt = base.on_conflict_do_update(
                index_elements=list(_STAT_KEYS),
                set_={k: getattr(base.excluded, k) + getattr(RatingStat, k) for k in _STAT_COUNTS},
            )
        else:
            # A retry of a stored submission inserts nothing and returns no id: no error, no savepoint.
            stmt = (insert_(Rating).on_conflict_do_nothing(index_elements=["submission_id"])
                    .returning(Rating.__table__.c.id))  # type: ignore[attr-defined]
        _statements[(dialect, name)] = stmt
    return stmt


def _upsert_stat(session: Session, values: dict) -> None:
    session.connection().execute(_statement(session, "stat"), values)


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


def add_rating(
    session: Session,
    *,
    branch_id: int,
    score: int,
    submission_id: str,
    link_id: int | None = None,
    activity_id: int | None = None,
    activity_name: str = "",
    suggestion: str = "",
    photo_id: int | None = None,
    client_hash: str = "",
    created_at: datetime | None = None,
) -> Rating | None:
    """Store one rating and update its roll-up in the same transaction.

    Returns ``None`` when a rating with this ``submission_id`` is already stored: a retry, a double
    tap or a resubmission is harmless. The caller commits.
    """
    if not 1 <= score <= 5:
        raise ValueError("score must be 1..5")
    created_at = created_at or now()
    values = {
        "link_id": link_id,
        "branch_id": branch_id,
        "activity_id": activity_id,
        "activity_name": activity_name,
        "score": score,
        "suggestion": suggestion,
        "photo_id": photo_id,
        "submission_id": submission_id,
        "client_hash": client_hash,
        "created_at": created_at,
    }
    session.flush()  # pending ORM rows (a photo, say) go first: the rating may refer to them
    rating_id = session.connection().execute(_statement(session, "rating"), values).scalar()
    if rating_id is None:
        return None  # a retry, a double tap or a concurrent request with the same submission id
    # The row is in the database; hand it back as a persistent object without reading it again.
    rating = Rating(id=rating_id, **values)
    make_transient_to_detached(rating)
    session.add(rating)
    _upsert_stat(
        session,
        stat_values(branch_id, activity_id, created_at, score, bool(suggestion.strip()), photo_id is not None),
    )
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
        for key in ("count", "score_sum", "suggestions", "photos", *SCORE_COLUMNS):
            acc[key] += values[key]
    session.connection().execute(delete(RatingStat))
    payload = [
        {"branch_id": b, "activity_id": a, "month": m, **acc} for (b, a, m), acc in totals.items()
    ]
    for start in range(0, len(payload), 5000):
        session.connection().execute(insert(RatingStat), payload[start:start + 5000])
    session.flush()
    return len(payload)
