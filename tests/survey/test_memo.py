"""Bounded per-process memos."""

from __future__ import annotations

from survey.memo import remember


def test_a_memo_keeps_what_it_is_given_until_it_is_full():
    memo: dict[str, int] = {}
    assert remember(memo, "a", 1, limit=3) == 1
    remember(memo, "b", 2, limit=3)
    remember(memo, "a", 5, limit=3)  # a key stored again: still two entries
    assert memo == {"a": 5, "b": 2}


def test_a_full_memo_is_emptied_before_it_takes_more():
    memo: dict[int, int] = {}
    for n in range(1000):
        remember(memo, n, n * n, limit=100)
        assert len(memo) <= 100
    assert memo[999] == 999 * 999
