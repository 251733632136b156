"""Survey links in the database: unguessable tokens, states, the live and printed links, the rate counter."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlmodel import select

from models.clock import now
from models.links import (
    LinkError,
    LinkState,
    branch_info,
    create_link,
    find_link,
    link_state,
    live_link,
    printed_link,
    recent_activities,
)
from models.ratelimit import count_in, hit, purge
from models.tables import RateCounter
from tests import factories


def test_tokens_are_long_random_and_unique(session):
    b = factories.branch(session)
    tokens = {create_link(session, b.id).token for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(base64.urlsafe_b64decode(t + "==")) * 8 >= 128 for t in tokens)
    some = next(iter(tokens))
    assert find_link(session, some).token == some
    assert find_link(session, some[:-1]) is None and find_link(session, "") is None


def test_states(session):
    b = factories.branch(session)
    assert link_state(session, create_link(session, b.id)) is LinkState.OPEN
    assert link_state(session, create_link(session, b.id, opens_at=now() + timedelta(hours=1))) is LinkState.NOT_YET_OPEN
    assert link_state(session, create_link(session, b.id, closes_at=now() - timedelta(hours=1))) is LinkState.CLOSED
    capped = create_link(session, b.id, max_responses=1)
    assert link_state(session, capped) is LinkState.OPEN
    from models.feedback import add_rating

    add_rating(session, branch_id=b.id, link_id=capped.id, score=4, submission_id="a" * 32)
    assert link_state(session, capped) is LinkState.FULL


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"branch_id": 999999}, "找不到编号为 999999 的团支部"),
    ({"visit_id": 999999}, "驻点记录"),
    ({"max_responses": 0}, "正整数"),
])
def test_impossible_links_are_refused(session, kwargs, text):
    b = factories.branch(session)
    args = {"branch_id": b.id, **kwargs}
    with pytest.raises(LinkError, match=text):
        create_link(session, args.pop("branch_id"), **args)


def test_closing_before_opening_is_refused(session):
    b = factories.branch(session)
    with pytest.raises(LinkError, match="晚于"):
        create_link(session, b.id, opens_at=now(), closes_at=now() - timedelta(minutes=1))


def test_branch_info_and_activities(session):
    b = factories.branch(session, "梅江区", "某某团支部")
    factories.activity(session, b, "旧活动", held_on=now().date() - timedelta(days=30))
    factories.activity(session, b, "新活动", held_on=now().date())
    info = branch_info(session, b.id)
    assert (info.name, info.county, info.city) == ("某某团支部", "梅江区", "梅州")
    assert [a.name for a in recent_activities(session, b.id)] == ["新活动", "旧活动"]
    assert branch_info(session, 999999) is None


def test_live_and_printed_links_are_reused(session):
    b = factories.branch(session)
    live = live_link(session, b.id)
    assert live.live and live_link(session, b.id).id == live.id
    printed = printed_link(session, b.id)
    assert not printed.live and printed_link(session, b.id).id == printed.id
    printed.closes_at = now() - timedelta(minutes=1)
    session.flush()
    assert printed_link(session, b.id).id != printed.id


def counter(engine, key: str, window: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(RateCounter.count).where(RateCounter.key == key, RateCounter.window == window)
                            ).scalar()


def test_rate_counter_counts_each_request_and_purges(engine):
    with engine.begin() as connection:
        assert [hit(connection, "post:abc", 100, limit=10) for _ in range(3)] == [True, True, True]
        assert hit(connection, "post:xyz", 100, limit=10)
        assert hit(connection, "post:abc", 101, limit=10)
        assert count_in(connection, "post:abc", 100) == 3
    assert (counter(engine, "post:abc", 100), counter(engine, "post:xyz", 100), counter(engine, "post:abc", 101)) \
        == (3, 1, 1)
    with engine.begin() as connection:
        assert purge(connection, 101) == 2
    assert counter(engine, "post:abc", 100) is None and counter(engine, "post:abc", 101) == 1


def test_rate_counter_refuses_past_its_limit(engine):
    with engine.begin() as connection:
        assert [hit(connection, "a", 100, limit=3) for _ in range(5)] == [True, True, True, False, False]
        assert hit(connection, "b", 100, limit=3)
    assert counter(engine, "a", 100) == 5 and counter(engine, "b", 100) == 1  # a flood is counted whole
