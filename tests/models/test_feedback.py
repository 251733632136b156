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


def test_store_writes_new_ratings_once_and_rolls_them_up_exactly(engine, session):
    from datetime import UTC, datetime

    from models.feedback import rating_values, rebuild_rating_stats, store

    b1, b2 = factories.branch(session), factories.branch(session)
    act = factories.activity(session, b1)
    session.commit()
    known = uuid.uuid4().hex
    add_rating(session, branch_id=b1.id, score=2, submission_id=known)
    session.commit()
    may, june = datetime(2019, 5, 31, 17, tzinfo=UTC), datetime(2019, 6, 1, 1, tzinfo=UTC)  # China time: June 1 both
    fresh = [uuid.uuid4().hex for _ in range(4)]
    batch = [
        rating_values(branch_id=b1.id, activity_id=act.id, score=5, submission_id=fresh[0], suggestion="好",
                      created_at=may),
        rating_values(branch_id=b1.id, activity_id=act.id, score=3, submission_id=fresh[1], created_at=june),
        rating_values(branch_id=b1.id, score=4, submission_id=known),  # stored before: a retry
        rating_values(branch_id=b2.id, score=1, submission_id=fresh[2], suggestion="  "),
        rating_values(branch_id=b1.id, activity_id=act.id, score=5, submission_id=fresh[1]),  # a double tap
        rating_values(branch_id=b2.id, score=4, submission_id=fresh[3], activity_name="其他活动"),
    ]
    with engine.begin() as connection:
        ids = [store(connection, values) for values in batch]
    assert [i is not None for i in ids] == [True, True, False, True, False, True]
    session.expire_all()
    stored = {r.submission_id: r for r in session.exec(select(Rating))}
    assert len(stored) == 5 and stored[fresh[1]].score == 3 and stored[fresh[3]].activity_name == "其他活动"
    assert stored[fresh[0]].created_at.replace(tzinfo=UTC) == may  # bound as SQLAlchemy binds it
    assert stored[fresh[0]].id == ids[0]
    rolled_up = sorted((s.branch_id, s.activity_id, s.month, s.count, s.score_sum, s.n5, s.suggestions)
                       for s in session.exec(select(RatingStat)))
    rebuild_rating_stats(session)
    session.commit()
    session.expire_all()
    rebuilt = sorted((s.branch_id, s.activity_id, s.month, s.count, s.score_sum, s.n5, s.suggestions)
                     for s in session.exec(select(RatingStat)))
    assert rolled_up == rebuilt
    assert (b1.id, act.id, 201906, 2, 8, 1, 1) in rolled_up  # May 31 17:00 UTC is June 1 in China
