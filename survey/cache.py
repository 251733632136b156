"""A short-lived, per-process cache of what the form shows for a link (link, branch, activities).

Every phone that scans a QR asks for the same few rows; keeping them for a few seconds
(``LINK_CACHE_SECONDS``, 10 by default, 0 turns it off) spares the database those reads. Nothing
that must be exact is cached: the response count of a capped link, opening and closing times (compared
with the clock on every request), submissions and rate counters are always read fresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlmodel import Session

from models.links import BranchInfo, branch_info, find_link, recent_activities
from survey.memo import remember

MAX_ENTRIES = 2048


@dataclass(frozen=True)
class ActivityView:
    id: int
    name: str
    held_on: date


@dataclass(frozen=True)
class LinkView:
    """A detached copy of a link (the attributes ``models.links.link_state`` reads) with its branch."""

    id: int
    token: str
    branch_id: int
    visit_id: int | None
    live: bool
    opens_at: datetime | None
    closes_at: datetime | None
    max_responses: int | None
    info: BranchInfo
    activities: tuple[ActivityView, ...]

    @property
    def activity_ids(self) -> set[int]:
        return {a.id for a in self.activities}


_lock = threading.Lock()
_entries: dict[str, tuple[float, LinkView | None]] = {}


def _read(session: Session, token: str) -> LinkView | None:
    link = find_link(session, token)
    info = branch_info(session, link.branch_id) if link else None
    if link is None or info is None:
        return None
    acts = tuple(ActivityView(a.id, a.name, a.held_on) for a in recent_activities(session, link.branch_id))
    return LinkView(link.id, link.token, link.branch_id, link.visit_id, link.live, link.opens_at, link.closes_at,
                    link.max_responses, info, acts)


def link_view(session: Callable[[], Session], token: str) -> LinkView | None:
    """The link behind ``token``; ``session`` (a factory) is called only when the cache misses."""
    ttl = float(current_app.config["LINK_CACHE_SECONDS"])
    if ttl <= 0:
        return _read(session(), token)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(token)
    if hit is not None and hit[0] > now:
        return hit[1]
    view = _read(session(), token)
    with _lock:
        remember(_entries, token, (now + ttl, view), MAX_ENTRIES)
    return view


def clear() -> None:
    with _lock:
        _entries.clear()
