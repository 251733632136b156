"""Leaders' personal links to the read-only leaders' pages (``/ld/``).

The cadres' link mechanism (:mod:`models.field`): a 192-bit secret of which only the SHA-256 is stored,
an expiry (the end of the campaign by default), revocable at once. A leader's link is its own table, so
a cadre's link can never open the leaders' pages nor a leader's the cadres'.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.clock import now
from models.field import FieldError, link_state, new_secret, token_hash
from models.tables import LeaderLink
from models.text import clean_text

__all__ = ["FieldError", "issue_leader_link", "leader_by_token", "leader_links", "link_state", "revoke_leader"]


def issue_leader_link(session: Session, name: str, role: str = "",
                      expires_at: datetime | None = None) -> tuple[LeaderLink, str]:
    """A new link for the leader ``name``: the row and the secret (shown once, never stored). Flushes."""
    name, role = clean_text(name), clean_text(role)  # printed in terminals and on the audit trail
    if not name or len(name) > 40:
        raise FieldError("请填写领导姓名（不超过 40 个字）")
    if len(role) > 60:
        raise FieldError("职务不超过 60 个字")
    token, expires_at = new_secret(session, expires_at)
    link = LeaderLink(name=name, role=role, token_hash=token_hash(token), expires_at=expires_at)
    session.add(link)
    session.flush()
    return link, token


def leader_by_token(session: Session, token: str) -> LeaderLink | None:
    if not token or len(token) > 64:
        return None
    return session.exec(select(LeaderLink).where(LeaderLink.token_hash == token_hash(token))).first()


def leader_links(session: Session) -> list[LeaderLink]:
    return list(session.exec(select(LeaderLink).order_by(col(LeaderLink.id))))


def revoke_leader(session: Session, ref: str) -> list[LeaderLink]:
    """Revoke the live links of a leader, by link number or by name; the links revoked. Flushes."""
    query = select(LeaderLink).where(col(LeaderLink.revoked_at).is_(None))
    query = query.where(LeaderLink.id == int(ref)) if ref.strip().isdigit() else query.where(
        LeaderLink.name == ref.strip())
    links = list(session.exec(query))
    for link in links:
        link.revoked_at = now()
        session.add(link)
    session.flush()
    return links
