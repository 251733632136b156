"""Per-process memos that cannot grow without limit (link views, client hashes, cookies, rendered forms)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` and return it; a full memo is emptied first.

    Crude but bounded: whatever a memo holds is cheap to compute or read again, and keys a client
    chooses (unknown tokens, addresses) cannot grow a worker's memory.
    """
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
