"""One batch of members' answers, written together: each gets its own outcome."""

from __future__ import annotations

import uuid

from sqlmodel import select

from models.feedback import rating_values
from models.rawsql import transaction
from models.tables import Photo, RateCounter, Rating, RatingStat
from survey.photos import CleanPhoto
from survey.submissions import Submission, write
from tests import factories


def sub(key: str, *, branch_id: int | None = None, **options) -> Submission:
    rating = None
    if branch_id is not None:
        rating = rating_values(branch_id=branch_id, score=4, submission_id=options.pop("sid", uuid.uuid4().hex),
                               link_id=options.get("link_id"))
    return Submission(client_key=f"post:{key}", rating=rating, **options)


def test_a_mixed_batch_gets_each_answer_its_own_outcome(engine, session):
    b = factories.branch(session)
    capped = factories.survey_link(session, b, max_responses=1)
    session.commit()
    photo = CleanPhoto(mime="image/jpeg", width=1, height=1, data=b"\xff\xd8jpeg")
    batch = [
        sub("a", branch_id=b.id),
        sub("a", branch_id=b.id),
        sub("a", branch_id=b.id),  # the third from one address in a minute, limit 2: refused
        sub("b"),  # an answer with errors: only counted
        sub("c", branch_id=b.id, link_id=capped.id, max_responses=1),
        sub("d", branch_id=b.id, link_id=capped.id, max_responses=1),  # the capped link is full by now
        sub("e", branch_id=b.id, photo=photo),
    ]
    with transaction(engine) as tx:
        outcomes = write(tx, batch, limit=2)
    assert outcomes == ["stored", "stored", "over limit", "counted", "stored", "full", "stored"]
    session.expire_all()
    stored = list(session.exec(select(Rating)))
    assert len(stored) == 4 and sum(r.link_id == capped.id for r in stored) == 1
    [with_photo] = [r for r in stored if r.photo_id is not None]
    assert session.get(Photo, with_photo.photo_id).data == b"\xff\xd8jpeg"
    counts = {c.key: c.count for c in session.exec(select(RateCounter))}
    assert counts == {"post:a": 2, "post:b": 1, "post:c": 1, "post:d": 1, "post:e": 1}
    [stat] = session.exec(select(RatingStat)).all()  # capped, photo and plain answers all rolled up
    assert (stat.count, stat.photos, stat.n4) == (4, 1, 4)


def test_a_retried_answer_with_a_photo_leaves_no_stray_photo(engine, session):
    b = factories.branch(session)
    session.commit()
    photo = CleanPhoto(mime="image/png", width=1, height=1, data=b"png")
    sid = uuid.uuid4().hex
    with transaction(engine) as tx:
        assert write(tx, [sub("a", branch_id=b.id, sid=sid, photo=photo),
                          sub("a", branch_id=b.id, sid=sid, photo=photo)], limit=2) == ["stored", "stored"]
    session.expire_all()
    assert len(list(session.exec(select(Rating)))) == 1 and len(list(session.exec(select(Photo)))) == 1


def test_without_a_limit_nothing_is_counted(engine, session):
    b = factories.branch(session)
    session.commit()
    with transaction(engine) as tx:
        assert write(tx, [sub("a", branch_id=b.id), sub("a", branch_id=b.id)], limit=0) == ["stored", "stored"]
    assert list(session.exec(select(RateCounter))) == []


def test_capped_links_and_the_roll_up_are_locked_in_one_order(engine, session):
    """Two servers' batches with answers to the same capped links, in opposite orders; and a capped
    answer in the same batch as a plain one. PostgreSQL locks a capped link's row and the roll-up
    rows: taken in one order, the second batch waits for the first instead of deadlocking with it."""
    import pytest

    from tests.locks import interleave

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time")
    a, b = factories.branch(session), factories.branch(session)
    link_a = factories.survey_link(session, a, max_responses=10)
    link_b = factories.survey_link(session, b, max_responses=10)
    session.commit()

    def capped(branch, link) -> Submission:
        return sub(uuid.uuid4().hex, branch_id=branch.id, link_id=link.id, max_responses=10)

    def batch(*answers: Submission):
        return lambda tx: write(tx, list(answers), limit=0)

    # Capped links in opposite orders.
    assert interleave(engine, batch(capped(a, link_a)), batch(capped(b, link_b), capped(a, link_a)),
                      batch(capped(b, link_b))) == ["stored", "stored"]
    # A capped answer for b with a plain one for a, against a plain a then a plain b: the capped
    # answer's roll-up waits for the end of its batch, in key order with the plain one's.
    assert interleave(engine, batch(sub("p1", branch_id=a.id)), batch(capped(b, link_b), sub("p2", branch_id=a.id)),
                      batch(sub("p3", branch_id=b.id))) == ["stored", "stored"]
    session.expire_all()
    assert sorted(session.exec(select(RatingStat.branch_id, RatingStat.count)).all()) == [(a.id, 4), (b.id, 4)]
