"""What one answer writes: the rating, its photo and its roll-up, in one committed transaction."""

from __future__ import annotations

import uuid

from sqlmodel import select

from models.feedback import rating_values
from models.tables import Photo, Rating, RatingStat
from survey.photos import CleanPhoto
from survey.submissions import save
from tests import factories


def answer(branch_id: int, *, link_id: int | None = None, sid: str | None = None) -> dict:
    return rating_values(branch_id=branch_id, score=4, submission_id=sid or uuid.uuid4().hex, link_id=link_id)


def test_an_answer_its_photo_and_its_roll_up_are_committed_together(app, session):
    b = factories.branch(session)
    session.commit()
    photo = CleanPhoto(mime="image/jpeg", width=1, height=1, data=b"\xff\xd8jpeg")
    with app.app_context():
        assert save(answer(b.id), photo=photo) == "stored"
        assert save(answer(b.id)) == "stored"
    session.expire_all()
    stored = list(session.exec(select(Rating)))
    assert len(stored) == 2
    [with_photo] = [r for r in stored if r.photo_id is not None]
    assert session.get(Photo, with_photo.photo_id).data == b"\xff\xd8jpeg"
    [stat] = session.exec(select(RatingStat)).all()
    assert (stat.count, stat.photos, stat.n4) == (2, 1, 2)


def test_a_capped_link_takes_no_answer_past_its_cap(app, session):
    b = factories.branch(session)
    capped = factories.survey_link(session, b, max_responses=1)
    session.commit()
    with app.app_context():
        assert save(answer(b.id, link_id=capped.id), max_responses=1) == "stored"
        assert save(answer(b.id, link_id=capped.id), max_responses=1) == "full"
    session.expire_all()
    assert len(list(session.exec(select(Rating)))) == 1


def test_a_retried_answer_with_a_photo_leaves_no_stray_photo(app, session):
    b = factories.branch(session)
    session.commit()
    photo = CleanPhoto(mime="image/png", width=1, height=1, data=b"png")
    sid = uuid.uuid4().hex
    with app.app_context():
        assert save(answer(b.id, sid=sid), photo=photo) == "stored"
        assert save(answer(b.id, sid=sid), photo=photo) == "stored"
    session.expire_all()
    assert len(list(session.exec(select(Rating)))) == 1 and len(list(session.exec(select(Photo)))) == 1
