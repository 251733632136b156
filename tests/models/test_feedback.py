"""add_rating: one row per submission id, however many times or however concurrently it is sent."""

from __future__ import annotations

import threading
import uuid

from sqlmodel import Session, func, select

from models.feedback import add_rating
from models.tables import Rating, RatingStat
from tests import factories


def test_retry_stores_nothing_and_keeps_the_roll_up(session):
    b = factories.branch(session)
    sid = uuid.uuid4().hex
    first = add_rating(session, branch_id=b.id, score=3, submission_id=sid, suggestion="好")
    assert first is not None and first.id and first in session and first.score == 3
    assert add_rating(session, branch_id=b.id, score=5, submission_id=sid) is None
    session.commit()
    assert session.exec(select(func.count()).select_from(Rating)).one() == 1
    stat = session.exec(select(RatingStat)).one()
    assert (stat.count, stat.score_sum, stat.n3, stat.suggestions) == (1, 3, 1, 1)
    first.suggestion = "改过"  # the returned row is a live, persistent object
    session.commit()
    session.expire_all()
    assert session.get(Rating, first.id).suggestion == "改过"


def test_concurrent_duplicates_store_one_row(engine, session):
    branch_id = factories.branch(session).id
    session.commit()
    sid = uuid.uuid4().hex
    results: list[object] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        with Session(engine) as own:
            barrier.wait()
            results.append(add_rating(own, branch_id=branch_id, score=4, submission_id=sid) is not None)
            own.commit()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Rating)).one() == 1
    assert session.exec(select(RatingStat.count)).one() == 1
