"""Storing members' ratings and keeping their roll-up (:class:`RatingStat`) in step.

Every writer of ratings goes through :func:`store` (one rating: the survey directly, everything
else through :func:`add_rating`) or :func:`rebuild_rating_stats` (after a bulk load), so the
dashboard can read the roll-up instead of scanning every rating.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from models.clock import month_key, now
from models.rawsql import RawStatement, RawTransaction, RowsStatement, bind_datetime, driver_errors
from models.tables import Rating, RatingStat

SCORE_COLUMNS = ("n1", "n2", "n3", "n4", "n5")


# Written out in full (not generated) so that what runs on every submission can be read here.
# A retry of a stored submission inserts nothing and returns nothing: no error, no savepoint.
RATING_COLUMNS = ("link_id", "branch_id", "activity_id", "activity_name", "score", "suggestion", "photo_id",
                  "submission_id", "client_hash", "created_at")
INSERT_RATINGS = RowsStatement(
    "INSERT INTO rating", RATING_COLUMNS, "ON CONFLICT (submission_id) DO NOTHING RETURNING id, submission_id")
STAT_COLUMNS = ("branch_id", "activity_id", "month", "count", "score_sum", "suggestions", "photos",
                "n1", "n2", "n3", "n4", "n5")
UPSERT_STATS = RowsStatement("INSERT INTO ratingstat", STAT_COLUMNS, """
    ON CONFLICT (branch_id, activity_id, month) DO UPDATE SET
        count = ratingstat.count + excluded.count, score_sum = ratingstat.score_sum + excluded.score_sum,
        suggestions = ratingstat.suggestions + excluded.suggestions, photos = ratingstat.photos + excluded.photos,
        n1 = ratingstat.n1 + excluded.n1, n2 = ratingstat.n2 + excluded.n2, n3 = ratingstat.n3 + excluded.n3,
        n4 = ratingstat.n4 + excluded.n4, n5 = ratingstat.n5 + excluded.n5
""")
ROWS_PER_STATEMENT = 500  # far below SQLite's 32766 parameters


INSERT_PHOTO = RawStatement("""
    INSERT INTO photo (mime, width, height, data, created_at)
    VALUES (:mime, :width, :height, :data, :created_at) RETURNING id
""")
DELETE_PHOTO = RawStatement("DELETE FROM photo WHERE id = :id")


def store_photo(tx: RawTransaction, *, mime: str, width: int, height: int, data: bytes) -> int:
    """Store a (re-encoded) photo for a rating about to be stored; returns its id."""
    return tx.scalar(INSERT_PHOTO, {"mime": mime, "width": width, "height": height, "data": data,
                                    "created_at": bind_datetime(tx.dialect, now())})


def drop_photo(tx: RawTransaction, photo_id: int) -> None:
    """Remove a photo whose rating turned out to be a retry (no stray photo is kept)."""
    tx.execute(DELETE_PHOTO, {"id": photo_id})


def store(tx: RawTransaction, values: dict[str, Any], *, deferred: list[dict[str, Any]] | None = None) -> int | None:
    """Insert one rating; see :func:`store_many`."""
    return store_many(tx, [values], deferred=deferred)[0]


def store_many(tx: RawTransaction, ratings: list[dict[str, Any]], *,
               deferred: list[dict[str, Any]] | None = None) -> list[int | None]:
    """Insert ratings (dicts from :func:`rating_values`) and count the new ones in the roll-up.

    Returns each rating's new id, in order, or ``None`` where a rating with that submission id is
    already stored (or comes earlier in ``ratings``). This is the one place rating rows are written:
    :func:`add_rating` and the survey both come here. A whole batch costs two statements.

    With ``deferred``, the new ratings are added to that list instead of the roll-up, for one
    :func:`roll_up` of a whole transaction's ratings at its end (one order of row locks).
    """
    first: dict[str, int] = {}
    fresh: list[dict[str, Any]] = []
    for i, values in enumerate(ratings):
        if values["submission_id"] not in first:
            first[values["submission_id"]] = i
            fresh.append(values)
    ids: dict[str, int] = {}
    # Rows go in key order, here and in the roll-up: concurrent batches (other workers, other servers
    # on PostgreSQL) then take their row locks in one order and cannot deadlock on each other.
    fresh.sort(key=lambda v: v["submission_id"])
    for start in range(0, len(fresh), ROWS_PER_STATEMENT):
        chunk = fresh[start:start + ROWS_PER_STATEMENT]
        rows = [tuple(bind_datetime(tx.dialect, v[c]) if c == "created_at" else v[c] for c in RATING_COLUMNS)
                for v in chunk]
        ids.update((sid, rating_id) for rating_id, sid in INSERT_RATINGS.execute(tx, rows).fetchall())
    new = [values for values in fresh if values["submission_id"] in ids]
    if deferred is None:
        roll_up(tx, new)
    else:
        deferred.extend(new)
    return [ids.get(v["submission_id"]) if first[v["submission_id"]] == i else None for i, v in enumerate(ratings)]


def roll_up(tx: RawTransaction, ratings: list[dict[str, Any]]) -> None:
    """Count newly stored ratings in the roll-up: one upsert per (branch, activity, month), in key order."""
    stats: dict[tuple, dict[str, int]] = {}
    for values in ratings:
        # "Has a suggestion" as rebuild_rating_stats counts it: not empty (the survey strips it).
        add = stat_values(values["branch_id"], values["activity_id"], values["created_at"], values["score"],
                          values["suggestion"] != "", values["photo_id"] is not None)
        key = (add["branch_id"], add["activity_id"], add["month"])
        if key in stats:
            for column in STAT_COLUMNS[3:]:
                stats[key][column] += add[column]
        else:
            stats[key] = add
    rows = [tuple(stats[key][c] for c in STAT_COLUMNS) for key in sorted(stats)]
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        UPSERT_STATS.execute(tx, rows[start:start + ROWS_PER_STATEMENT])


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
    connection = session.connection()
    with driver_errors(connection.dialect):
        rating_id = store(RawTransaction(connection.connection, connection.dialect), values)
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
