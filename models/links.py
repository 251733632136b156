"""Survey links: creating them, finding them by token, and whether they accept answers now.

Pure database work, shared by the survey server and the dashboard (no Flask here). A token is
``secrets.token_urlsafe(24)``: 192 random bits, 32 URL-safe characters, so links cannot be guessed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, bindparam
from sqlmodel import Session, func, select

from models.clock import now
from models.tables import Activity, Branch, City, County, Rating, SurveyLink, Visit

TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128


class LinkState(StrEnum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    FULL = "full"


class LinkError(ValueError):
    """A link cannot be made as asked (unknown branch, bad times, ...); the message is Chinese."""


@dataclass(frozen=True)
class BranchInfo:
    id: int
    name: str
    county: str
    city: str


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_link(
    session: Session,
    branch_id: int,
    *,
    visit_id: int | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    max_responses: int | None = None,
    live: bool = False,
) -> SurveyLink:
    """A new link for a branch; raises :class:`LinkError` for an impossible request. Flushes."""
    if session.get(Branch, branch_id) is None:
        raise LinkError(f"找不到编号为 {branch_id} 的团支部")
    if visit_id is not None and session.get(Visit, visit_id) is None:
        raise LinkError(f"找不到编号为 {visit_id} 的驻点记录")
    if opens_at and closes_at and closes_at <= opens_at:
        raise LinkError("截止时间必须晚于开始时间")
    if max_responses is not None and max_responses < 1:
        raise LinkError("评价份数上限必须是正整数")
    link = SurveyLink(token=new_token(), branch_id=branch_id, visit_id=visit_id, opens_at=opens_at,
                      closes_at=closes_at, max_responses=max_responses, live=live)
    session.add(link)
    session.flush()
    return link


_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def find_link(session: Session, token: str) -> SurveyLink | None:
    # Only what new_token() can produce reaches the database (a NUL byte is an error in PostgreSQL).
    if not token or len(token) > 64 or not _TOKEN_CHARS.issuperset(token):
        return None
    return session.exec(select(SurveyLink).where(SurveyLink.token == token)).first()


def response_count(session: Session, link_id: int) -> int:
    return session.exec(select(func.count()).select_from(Rating).where(Rating.link_id == link_id)).one()


def link_state(session: Session | None, link: SurveyLink, at: datetime | None = None) -> LinkState:
    """Whether ``link`` takes answers now. ``session`` is read only for a capped link."""
    at = at or now()
    if link.opens_at is not None and at < link.opens_at:
        return LinkState.NOT_YET_OPEN
    if link.closes_at is not None and at >= link.closes_at:
        return LinkState.CLOSED
    # Counted only for capped links, so an uncapped form costs no extra query.
    if link.max_responses is not None and response_count(session, link.id) >= link.max_responses:  # type: ignore[arg-type]
        return LinkState.FULL
    return LinkState.OPEN


def has_room(connection: Connection, link_id: int, max_responses: int) -> bool:
    """Inside the writing transaction: whether a capped link can take one more rating.

    On PostgreSQL the link's row is locked until commit, so concurrent submissions to a capped link
    are counted one after the other and the cap is never exceeded. SQLite has one writer at a time.
    """
    if connection.dialect.name != "sqlite":
        connection.execute(select(SurveyLink.id).where(SurveyLink.id == link_id).with_for_update())
    count = connection.execute(select(func.count()).select_from(Rating).where(Rating.link_id == link_id)).scalar_one()
    return count < max_responses


def branch_info(session: Session, branch_id: int) -> BranchInfo | None:
    row = session.exec(
        select(Branch.id, Branch.name, County.name, City.name)
        .join(County, County.id == Branch.county_id)
        .join(City, City.id == County.city_id)
        .where(Branch.id == branch_id)
    ).first()
    return BranchInfo(*row) if row else None


def recent_activities(session: Session, branch_id: int, limit: int = 8) -> list[Activity]:
    """The branch's latest activities, newest first: what a member picks from."""
    return list(session.exec(
        select(Activity).where(Activity.branch_id == branch_id)
        .order_by(Activity.held_on.desc(), Activity.id.desc()).limit(limit)  # type: ignore[union-attr]
    ))


def live_link(session: Session, branch_id: int, visit_id: int | None = None) -> SurveyLink:
    """The branch's (and visit's) rotating-QR link, made on first use. Flushes."""
    query = select(SurveyLink).where(SurveyLink.branch_id == branch_id, SurveyLink.live.is_(True))  # type: ignore[attr-defined]
    query = query.where(SurveyLink.visit_id.is_(None) if visit_id is None  # type: ignore[union-attr]
                        else SurveyLink.visit_id == visit_id)
    # Two workers may both create one on the very first scan; the oldest wins from then on.
    existing = session.exec(query.order_by(SurveyLink.id)).first()
    return existing or create_link(session, branch_id, visit_id=visit_id, live=True)


def printed_link(session: Session, branch_id: int) -> SurveyLink:
    """An open, uncapped, non-live link of the branch for a printed sheet; made if there is none."""
    at = now()
    candidates = session.exec(
        select(SurveyLink).where(SurveyLink.branch_id == branch_id, SurveyLink.live.is_(False),  # type: ignore[attr-defined]
                                 SurveyLink.visit_id.is_(None), SurveyLink.max_responses.is_(None))  # type: ignore[union-attr]
        .order_by(SurveyLink.id)
    ).all()
    for link in candidates:
        if link_state(session, link, at) is LinkState.OPEN:
            return link
    return create_link(session, branch_id)


def county_branches(session: Session, county_id: int) -> list[Branch]:
    return list(session.exec(select(Branch).where(Branch.county_id == county_id).order_by(Branch.name)))


# Built once: it runs on every rating POST.
_SUBMISSION = select(Rating.id).where(Rating.submission_id == bindparam("sid"))


def submission_stored(session: Session, submission_id: str) -> bool:
    """Whether a rating with this submission id is already stored (a retry or a double tap)."""
    return session.connection().execute(_SUBMISSION, {"sid": submission_id}).first() is not None
