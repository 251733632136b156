"""What a member's answer writes: the rate count, then the rating (with its photo).

Answers reach the database in batches, one transaction each: one statement counts all their
clients, one stores all their ratings, one adds them to the roll-up. On PostgreSQL (and for capped
links and photos everywhere) the worker threads hand them to :class:`survey.db.GroupCommit`, which
writes those that arrive together through :func:`write` before the member is answered; on SQLite
the rating journal (:mod:`survey.journal`) answers first and drains through :func:`write_acknowledged`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from models.feedback import drop_photo, roll_up, store, store_many, store_photo
from models.links import has_room
from models.ratelimit import count_many, hit_many
from models.rawsql import RawTransaction
from survey import limits
from survey.photos import CleanPhoto

Outcome = Literal["stored", "counted", "full", "over limit"]


@dataclass(frozen=True)
class Submission:
    """One POST of the form, ready to write."""

    client_key: str  # the rate-limit counter's key ("post:<salted client hash>")
    rating: dict[str, Any] | None = None  # from models.feedback.rating_values; None: only counted
    link_id: int = 0
    max_responses: int | None = None
    photo: CleanPhoto | None = None


def write(tx: RawTransaction, batch: list[Submission], *, limit: int) -> list[Outcome]:
    """Write a batch of submissions in ``tx``; each one's outcome, in order.

    ``limit``: submissions per client and minute (0: none), counted in the minute of the commit.

    ``"over limit"``: refused, nothing written; ``"counted"``: an answer with errors, only counted;
    ``"full"``: a capped link had no place left; ``"stored"``: the rating is stored (or already was:
    a retry with the same submission id).
    """
    if limit > 0:
        allowed = hit_many(tx, [s.client_key for s in batch], limits.window(), limit)
    else:
        allowed = [True] * len(batch)
    outcomes: list[Outcome | None] = [None] * len(batch)
    plain: list[int] = []
    one_by_one: list[int] = []
    for i, (submission, ok) in enumerate(zip(batch, allowed, strict=True)):
        if not ok:
            outcomes[i] = "over limit"
        elif submission.rating is None:
            outcomes[i] = "counted"
        elif submission.max_responses is not None or submission.photo is not None:
            one_by_one.append(i)
        else:
            plain.append(i)
    # Row locks in one order for every batch (see store_many): capped links by link, each link's
    # answers in their order of arrival, and the whole batch's roll-up in one sorted statement last.
    new: list[dict[str, Any]] = []
    for i in sorted(one_by_one, key=lambda i: batch[i].link_id):
        outcomes[i] = _write_one(tx, batch[i], new)  # capped links: each checked after the last is in
    store_many(tx, [batch[i].rating for i in plain], deferred=new)  # type: ignore[misc]
    roll_up(tx, new)
    for i in plain:
        outcomes[i] = "stored"
    return outcomes  # type: ignore[return-value]


def write_acknowledged(tx: RawTransaction, batch: list[Submission]) -> tuple[list[Outcome], dict[str, int]]:
    """Write a batch of submissions already acknowledged to their members (``survey.journal``).

    Nothing is refused: each request is counted in the current minute and each rating stored (a
    retry of a stored submission id stores nothing twice). Capped links and photos never come here.
    Returns each one's outcome and, per client key, its count in the minute after this batch.
    """
    totals = {key: total for key, (_n, total) in count_many(tx, [s.client_key for s in batch], limits.window()).items()}
    store_many(tx, [s.rating for s in batch if s.rating is not None])
    return ["counted" if s.rating is None else "stored" for s in batch], totals


def _write_one(tx: RawTransaction, submission: Submission, new: list[dict[str, Any]]) -> Outcome:
    if submission.max_responses is not None and not has_room(tx, submission.link_id, submission.max_responses):
        return "full"  # the last places went to other members while this one was typing
    values = dict(submission.rating or {})
    photo = submission.photo
    if photo is not None:
        values["photo_id"] = store_photo(tx, mime=photo.mime, width=photo.width, height=photo.height, data=photo.data)
    if store(tx, values, deferred=new) is None and photo is not None:
        drop_photo(tx, values["photo_id"])  # the same submission won a race elsewhere: no stray photo
    return "stored"
