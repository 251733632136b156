"""What counts as verified (seed: 一切无法核实的信息和数据……一律不计入工作成效) — the one place that says so.

- **A member's rating** is verified when it came through a live (rotating) code of a branch shown
  during a recorded visit that spot-checked that branch, on a day of the visit: :func:`verified_ratings`.
  A cadre's spot-check session on the field pages (``models.field``) has a live link of its own; its
  ratings count once the session's spot check is recorded, and only when they are no more than the
  members present (stated before the QR is shown, confirmed by the cadre with the spot check). A
  session with more ratings than that counts none of them (all kept, flagged): anonymous ratings
  cannot tell a present member from a script that got the code, so which ones count is never decided
  by who answered first — the seed's 无法核实的一律不计入; the cadre sees the count live and can
  show a fresh code to the members present. Every other rating (printed sheets, static links, a live code
  with no spot check behind it, or used outside the visit's dates) is unverified.
- **A monthly figure** (附件2) is verified when its row names a system export (智慧团建, i志愿 or
  青年之声) with the file and the export date, or was checked on site (实地核实) by a cadre who took part
  in a recorded visit to that county unit: :func:`report_provenance`.
- **A typical experience** is verified when a cadre checked it on a recorded visit to its county unit,
  and promoted when where, when and by whom it was promoted are recorded: :func:`experience_provenance`.

The evaluation, the rules, the screens and the exports all ask here; only verified data enters a score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, cast, func, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from models.clock import LOCAL_TZ
from models.tables import (
    Cadre,
    Experience,
    MonthlyReport,
    Rating,
    SpotCheck,
    SpotSession,
    SurveyLink,
    Visit,
    VisitCadre,
)

SYSTEMS = ("智慧团建", "i志愿", "青年之声")
ON_SITE = "实地核实"
SOURCES = (*SYSTEMS, ON_SITE)
VERIFIED = "已核实"
UNVERIFIED = "未核实"


@dataclass(frozen=True)
class Provenance:
    verified: bool
    text: str  # Chinese: where the figure came from, or 未核实
    promoted: bool = False  # experiences only: its province-wide promotion is recorded


def _local_day(session: Session, moment):
    """The China-time date of a stored UTC moment, computed by the database (UTC+8, no DST since 1991)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(LOCAL_TZ.key, moment), Date)
    return func.date(moment, "+8 hours", type_=Date)


def verified_ratings(session: Session, *columns) -> Select:
    """``select(*columns)`` over verified ratings only — THE rule of a verified rating.

    A verified rating came through the live link of a branch and a recorded visit (the link's
    ``visit_id``) that spot-checked that branch, on a day of that visit; a spot-check session's link
    counts once the session is tied to that spot check, and only while its ratings are no more than
    the members ``present`` (more: none of them count, whoever answered first). Callers may
    join further tables (Branch, County) and group. The query starts from the live links, so its cost
    follows the verified ratings (found through ``ix_rating_link_id``), not all ratings.
    """
    day = _local_day(session, Rating.created_at)
    same = aliased(Rating)
    received = (select(func.count()).select_from(same).where(same.link_id == Rating.link_id).scalar_subquery())
    return (
        select(*columns).select_from(SurveyLink)
        .join(SpotCheck, and_(SpotCheck.visit_id == SurveyLink.visit_id, SpotCheck.branch_id == SurveyLink.branch_id))
        .join(Visit, Visit.id == SurveyLink.visit_id)
        .join(Rating, Rating.link_id == SurveyLink.id)
        .outerjoin(SpotSession, SpotSession.link_id == SurveyLink.id)
        # "+ 0": the ratings are found by their link (ix_rating_link_id); matched on the branch index
        # instead, SQLite walked every rating of the branch for each live link (1 s on a million).
        .where(col(SurveyLink.live).is_(True), Rating.branch_id + 0 == SurveyLink.branch_id,
               day >= Visit.start_date, day <= Visit.end_date,
               or_(col(SpotSession.id).is_(None),
                   and_(SpotSession.spotcheck_id == SpotCheck.id, col(SpotSession.present).is_not(None),
                        received <= SpotSession.present)))
    )


def verified_by_county(session: Session, first: date, last: date) -> dict[int, int]:
    """Verified ratings per county unit made from ``first`` to ``last`` (China-time dates).

    The period is applied here, not in SQL: a date condition on the ratings made SQLite scan all of
    them (400 ms on a million) where the verified ones alone are read in a few milliseconds.
    """
    from models.tables import Branch

    day = _local_day(session, Rating.created_at)
    query = (verified_ratings(session, Branch.county_id, day, func.count(Rating.id))
             .join(Branch, Branch.id == SurveyLink.branch_id).group_by(Branch.county_id, day))
    counts: dict[int, int] = {}
    for county_id, on, n in session.exec(query).all():
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        if first <= on <= last:
            counts[county_id] = counts.get(county_id, 0) + n
    return counts


def verified_rating_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of these ratings are verified."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(session.exec(verified_ratings(session, Rating.id).where(col(Rating.id).in_(wanted))).all())


# --- figures checked on a visit: the visit must be recorded in that county unit, with that cadre ---------


def _on_site_checks(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], tuple[int | None, date, str]]:
    """(visit, cadre) → (the visit's county, its start, the cadre's name) where the cadre took part."""
    if not pairs:
        return {}
    rows = session.exec(
        select(VisitCadre.visit_id, VisitCadre.cadre_id, Visit.county_id, Visit.start_date, Cadre.name)
        .join(Visit, Visit.id == VisitCadre.visit_id).join(Cadre, Cadre.id == VisitCadre.cadre_id)
        .where(col(VisitCadre.visit_id).in_({v for v, _c in pairs}))
    ).all()
    return {(v, c): (county, start, name) for v, c, county, start, name in rows if (v, c) in pairs}


def _checked(found: dict, visit_id: int | None, cadre_id: int | None, county_id: int, year: int) -> str | None:
    """The checking cadre's name when (visit, cadre) is a recorded check of this county unit and year."""
    hit = found.get((visit_id, cadre_id)) if visit_id and cadre_id else None
    if hit is None or hit[0] != county_id or hit[1].year != year:
        return None
    return f"{ON_SITE}：{hit[2]}（{hit[1]:%m月%d日}驻点）"


def report_provenance(session: Session, reports: Iterable[MonthlyReport]) -> dict[int, Provenance]:
    """Per monthly report (by id): whether its figures are verified, and the source in words."""
    reports = list(reports)
    found = _on_site_checks(session, {(r.checked_visit_id, r.checked_by_id) for r in reports
                                      if r.source == ON_SITE and r.checked_visit_id and r.checked_by_id})
    out: dict[int, Provenance] = {}
    for r in reports:
        if r.source in SYSTEMS and r.source_file.strip() and r.source_date is not None:
            out[r.id] = Provenance(True, f"{r.source}导出（{r.source_file}，{r.source_date:%Y-%m-%d}）")
        elif r.source == ON_SITE and (text := _checked(found, r.checked_visit_id, r.checked_by_id,
                                                       r.county_id, r.year)):
            out[r.id] = Provenance(True, text)
        else:
            out[r.id] = Provenance(False, UNVERIFIED)
    return out


def experience_provenance(session: Session, experiences: Iterable[Experience]) -> dict[int, Provenance]:
    """Per experience (by id): checked on a recorded visit (verified), and its promotion recorded."""
    experiences = list(experiences)
    found = _on_site_checks(session, {(e.checked_visit_id, e.checked_by_id) for e in experiences
                                      if e.checked_visit_id and e.checked_by_id})
    out: dict[int, Provenance] = {}
    for e in experiences:
        text = _checked(found, e.checked_visit_id, e.checked_by_id, e.county_id, e.year)
        if text is None:
            out[e.id] = Provenance(False, UNVERIFIED)
            continue
        promoted = (e.promoted_on is not None and e.promoted_on.year == e.year
                    and bool(e.promoted_where.strip()) and bool(e.promoted_by.strip()))
        if promoted:
            text += f"；{e.promoted_on:%Y-%m-%d} 由{e.promoted_by}在{e.promoted_where}推广"
        out[e.id] = Provenance(True, text, promoted)
    return out
