"""One batch of members' answers, written together: each gets its own outcome."""

from __future__ import annotations

import uuid

from sqlmodel import select

from models.feedback import rating_values
from models.rawsql import transaction
from models.tables import Photo, RateCounter, Rating
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
