"""The records behind any figure: plain rows for drill-down screens, alerts and reports.

Every function filters by the same scopes as :mod:`models.progress` (a period, a city, a county, a
department, a cadre) so that a figure and the list under it always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models.field import beyond_present
from models.figures.period import Period
from models.provenance import UNVERIFIED, VERIFIED, report_provenance, verified_rating_ids
from models.sources import sources
from models.tables import (
    BRANCH_KIND_LABELS,
    Activity,
    Branch,
    Cadre,
    City,
    County,
    Department,
    Lecture,
    MonthlyReport,
    Rating,
    SpotCheck,
    SpotSession,
    Visit,
    VisitCadre,
)
from models.targets import targets_for

RATING_IDS_SHOWN = 1000  # ratings listed behind a figure on screen (the report lists every id)


def _period_bounds(session: Session, period: Period | None) -> tuple[date, date] | None:
    return None if period is None else period.bounds(targets_for(session, period.year))


@dataclass
class VisitRow:
    id: int
    department: str
    city: str
    county: str  # "" when the visit stayed at city level
    town: str
    start_date: date
    end_date: date
    full_days: float
    max_meeting_size: int | None
    cadres: list[str]
    notes: str
    county_id: int | None
    department_id: int
    source: str = ""  # where it was recorded (models.sources): 手机页面, 看板表单, 导入


def visits(
    session: Session,
    period: Period | None = None,
    *,
    city_id: int | None = None,
    county_id: int | None = None,
    department_id: int | None = None,
    cadre_id: int | None = None,
    ids: list[int] | None = None,
) -> list[VisitRow]:
    """Visits in the scope, newest first, with their cadres' names."""
    query = (
        select(Visit, Department.name, City.name, County.name)
        .join(Department, Department.id == Visit.department_id)
        .join(City, City.id == Visit.city_id)
        .join(County, County.id == Visit.county_id, isouter=True)
    )
    bounds = _period_bounds(session, period)
    if bounds:
        query = query.where(Visit.start_date >= bounds[0], Visit.start_date <= bounds[1])
    if city_id is not None:
        query = query.where(Visit.city_id == city_id)
    if county_id is not None:
        query = query.where(Visit.county_id == county_id)
    if department_id is not None:
        query = query.where(Visit.department_id == department_id)
    if cadre_id is not None:
        query = query.where(col(Visit.id).in_(select(VisitCadre.visit_id).where(VisitCadre.cadre_id == cadre_id)))
    if ids is not None:
        query = query.where(col(Visit.id).in_(ids))
    rows = session.exec(query.order_by(col(Visit.start_date).desc(), col(Visit.id).desc())).all()
    names: dict[int, list[str]] = {}
    visit_ids = [v.id for v, *_ in rows]
    if visit_ids:
        for vid, name in session.exec(
            select(VisitCadre.visit_id, Cadre.name).join(Cadre, Cadre.id == VisitCadre.cadre_id)
            .where(col(VisitCadre.visit_id).in_(visit_ids)).order_by(Cadre.id)
        ):
            names.setdefault(vid, []).append(name)
    where = sources(session, "visit", [v.id for v, *_ in rows])
    return [
        VisitRow(v.id, dept, city, county or "", v.town, v.start_date, v.end_date, v.full_days,
                 v.max_meeting_size, names.get(v.id, []), v.notes, v.county_id, v.department_id, where[v.id])
        for v, dept, city, county in rows
    ]


@dataclass
class SpotCheckRow:
    id: int
    visit_id: int
    branch_id: int
    branch: str
    county: str
    checked_on: date
    wechat_ok: bool
    secretary_operates: bool
    notes: str
    source: str = ""

    @property
    def failed(self) -> bool:
        return not (self.wechat_ok and self.secretary_operates)


def spot_checks(
    session: Session,
    period: Period | None = None,
    *,
    city_id: int | None = None,
    county_id: int | None = None,
    branch_id: int | None = None,
    failed_only: bool = False,
    ids: list[int] | None = None,
) -> list[SpotCheckRow]:
    query = (
        select(SpotCheck, Branch.name, County.name)
        .join(Branch, Branch.id == SpotCheck.branch_id)
        .join(County, County.id == Branch.county_id)
    )
    bounds = _period_bounds(session, period)
    if bounds:
        query = query.where(SpotCheck.checked_on >= bounds[0], SpotCheck.checked_on <= bounds[1])
    if city_id is not None:
        query = query.where(County.city_id == city_id)
    if county_id is not None:
        query = query.where(Branch.county_id == county_id)
    if branch_id is not None:
        query = query.where(SpotCheck.branch_id == branch_id)
    if failed_only:
        query = query.where(or_(SpotCheck.wechat_ok == False, SpotCheck.secretary_operates == False))  # noqa: E712
    if ids is not None:
        query = query.where(col(SpotCheck.id).in_(ids))
    rows = session.exec(query.order_by(col(SpotCheck.checked_on).desc(), col(SpotCheck.id).desc())).all()
    where = sources(session, "spotcheck", [s.id for s, *_ in rows])
    return [
        SpotCheckRow(s.id, s.visit_id, s.branch_id, branch, county, s.checked_on, s.wechat_ok,
                     s.secretary_operates, s.notes, where[s.id])
        for s, branch, county in rows
    ]


@dataclass
class BranchRow:
    id: int
    name: str
    county_id: int
    county: str
    city: str
    kind: str
    member_count: int
    has_secretary: bool

    @property
    def kind_label(self) -> str:
        return BRANCH_KIND_LABELS.get(self.kind, self.kind)


def branches(session: Session, *, city_id: int | None = None, county_id: int | None = None,
             ids: list[int] | None = None) -> list[BranchRow]:
    query = (
        select(Branch, County.name, City.name)
        .join(County, County.id == Branch.county_id)
        .join(City, City.id == County.city_id)
    )
    if city_id is not None:
        query = query.where(County.city_id == city_id)
    if county_id is not None:
        query = query.where(Branch.county_id == county_id)
    if ids is not None:
        query = query.where(col(Branch.id).in_(ids))
    rows = session.exec(query.order_by(County.code, Branch.name)).all()
    return [
        BranchRow(b.id, b.name, b.county_id, county, city, b.kind, b.member_count, b.has_secretary)
        for b, county, city in rows
    ]


@dataclass
class RatingRow:
    id: int
    created_at: datetime
    city: str
    county: str
    branch_id: int
    branch: str
    activity: str
    score: int
    suggestion: str
    has_photo: bool
    photo_id: int | None
    provenance: str = ""  # 已核实 (a live code of a spot check) or 未核实


def ratings(
    session: Session,
    *,
    city_id: int | None = None,
    county_id: int | None = None,
    branch_id: int | None = None,
    min_score: int | None = None,
    max_score: int | None = None,
    text: str | None = None,
    after_id: int | None = None,
    period: Period | None = None,
    with_suggestion: bool = False,
    limit: int | None = 200,
    ids: list[int] | None = None,
) -> list[RatingRow]:
    """Ratings in the scope, newest first by time (``after_id`` for the live feed: only later ids)."""
    query = (
        select(Rating, Branch.name, County.name, City.name, Activity.name)
        .join(Branch, Branch.id == Rating.branch_id)
        .join(County, County.id == Branch.county_id)
        .join(City, City.id == County.city_id)
        .join(Activity, Activity.id == Rating.activity_id, isouter=True)
    )
    if city_id is not None:
        query = query.where(County.city_id == city_id)
    if county_id is not None:
        query = query.where(Branch.county_id == county_id)
    if branch_id is not None:
        query = query.where(Rating.branch_id == branch_id)
    if min_score is not None:
        query = query.where(Rating.score >= min_score)
    if max_score is not None:
        query = query.where(Rating.score <= max_score)
    if text:
        # Bound parameter: LIKE wildcards typed by the user are taken literally.
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Rating.suggestion).like(f"%{escaped}%", escape="\\"))
    if with_suggestion:
        query = query.where(Rating.suggestion != "")
    if after_id is not None:
        query = query.where(Rating.id > after_id)
    if ids is not None:
        query = query.where(col(Rating.id).in_(ids[-RATING_IDS_SHOWN:]))
    if period is not None:
        from models.clock import LOCAL_TZ

        first, last = period.bounds(targets_for(session, period.year))
        start = datetime(first.year, first.month, first.day, tzinfo=LOCAL_TZ)
        end = datetime(last.year, last.month, last.day, 23, 59, 59, 999999, tzinfo=LOCAL_TZ)
        query = query.where(Rating.created_at >= start, Rating.created_at <= end)
    # Newest first by when it was made (a rating typed in later, or a slow phone's, has a higher id
    # than its time says); the id breaks ties.
    query = query.order_by(col(Rating.created_at).desc(), col(Rating.id).desc())
    if limit is not None:
        query = query.limit(limit)
    rows = session.exec(query).all()
    verified = verified_rating_ids(session, [r.id for r, *_ in rows])
    return [
        RatingRow(r.id, r.created_at, city, county, r.branch_id, branch, activity or r.activity_name or "其他",
                  r.score, r.suggestion, r.photo_id is not None, r.photo_id,
                  VERIFIED if r.id in verified else UNVERIFIED)
        for r, branch, county, city, activity in rows
    ]


@dataclass
class ActivityRow:
    id: int
    branch_id: int
    name: str
    kind: str
    held_on: date


def activities(session: Session, branch_id: int, *, limit: int | None = None) -> list[ActivityRow]:
    """A branch's activities, most recent first."""
    query = select(Activity).where(Activity.branch_id == branch_id).order_by(
        col(Activity.held_on).desc(), col(Activity.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return [ActivityRow(a.id, a.branch_id, a.name, a.kind, a.held_on) for a in session.exec(query)]


@dataclass
class BranchDetail:
    branch: BranchRow
    checks: list[SpotCheckRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)
    sessions: list[SpotSessionRow] = field(default_factory=list)


@dataclass
class SpotSessionRow:
    """A cadre's spot-check session (the live QR shown on the field pages) and the ratings it brought."""

    id: int
    started_at: datetime
    branch_id: int
    branch: str
    county: str
    cadre: str
    present: int | None
    ratings: int
    beyond: int  # ratings past the members present: kept, flagged, not counted
    checked: bool  # its spot check is recorded (its ratings count as verified)
    verified: int


def spot_sessions(session: Session, *, branch_id: int | None = None, city_id: int | None = None,
                  limit: int = 200) -> list[SpotSessionRow]:
    """Spot-check sessions, newest first, with their ratings and how many of them count."""
    from sqlalchemy import func

    query = (select(SpotSession, Branch.name, County.name, Cadre.name, func.count(Rating.id))
             .join(Branch, Branch.id == SpotSession.branch_id).join(County, County.id == Branch.county_id)
             .join(Cadre, Cadre.id == SpotSession.cadre_id)
             .outerjoin(Rating, Rating.link_id == SpotSession.link_id)
             .group_by(SpotSession.id, Branch.name, County.name, Cadre.name))
    if branch_id is not None:
        query = query.where(SpotSession.branch_id == branch_id)
    if city_id is not None:
        query = query.where(County.city_id == city_id)
    rows = session.exec(query.order_by(col(SpotSession.started_at).desc(), col(SpotSession.id).desc())
                        .limit(limit)).all()
    links = [spot.link_id for spot, *_ in rows]
    verified: dict[int, int] = {}
    if links:
        ids = session.exec(select(Rating.id, Rating.link_id).where(col(Rating.link_id).in_(links))).all()
        counted = verified_rating_ids(session, [i for i, _ in ids])
        for rating_id, link_id in ids:
            verified[link_id] = verified.get(link_id, 0) + (rating_id in counted)
    return [SpotSessionRow(spot.id, spot.started_at, spot.branch_id, branch, county, cadre, spot.present, n,
                           beyond_present(spot, n),
                           spot.spotcheck_id is not None, verified.get(spot.link_id, 0))
            for spot, branch, county, cadre, n in rows]


def branch_detail(session: Session, branch_id: int, *, ratings_limit: int = 200) -> BranchDetail | None:
    rows = branches(session, ids=[branch_id])
    if not rows:
        return None
    return BranchDetail(
        rows[0],
        spot_checks(session, branch_id=branch_id),
        activities(session, branch_id),
        ratings(session, branch_id=branch_id, limit=ratings_limit),
        spot_sessions(session, branch_id=branch_id),
    )


@dataclass
class LectureRow:
    id: int
    cadre_id: int
    cadre: str
    department: str
    held_on: date
    place: str
    audience: int
    title: str
    materials: str
    source: str = ""


def lectures(session: Session, period: Period | None = None, *, department_id: int | None = None,
             cadre_id: int | None = None, ids: list[int] | None = None) -> list[LectureRow]:
    query = (
        select(Lecture, Cadre.name, Department.name)
        .join(Cadre, Cadre.id == Lecture.cadre_id)
        .join(Department, Department.id == Cadre.department_id)
    )
    bounds = _period_bounds(session, period)
    if bounds and period is not None and period.month is None:
        bounds = (date(period.year, 1, 1), date(period.year, 12, 31))  # a lecture counts on any day of the year
    if bounds:
        query = query.where(Lecture.held_on >= bounds[0], Lecture.held_on <= bounds[1])
    if department_id is not None:
        query = query.where(Cadre.department_id == department_id)
    if cadre_id is not None:
        query = query.where(Lecture.cadre_id == cadre_id)
    if ids is not None:
        query = query.where(col(Lecture.id).in_(ids))
    rows = session.exec(query.order_by(Department.seq, Cadre.name, Lecture.held_on)).all()
    where = sources(session, "lecture", [lec.id for lec, *_ in rows])
    return [
        LectureRow(lec.id, lec.cadre_id, cadre, dept, lec.held_on, lec.place, lec.audience, lec.title,
                   lec.materials, where[lec.id])
        for lec, cadre, dept in rows
    ]


@dataclass
class ReportRow:
    id: int
    department: str
    city: str
    county: str
    county_id: int
    year: int
    month: int
    submitted_on: date | None
    provenance: str = ""  # where its figures came from, or 未核实


def monthly_reports(session: Session, period: Period | None = None, *, city_id: int | None = None,
                    county_id: int | None = None, department_id: int | None = None,
                    ids: list[int] | None = None) -> list[ReportRow]:
    query = (
        select(MonthlyReport, Department.name, City.name, County.name)
        .join(Department, Department.id == MonthlyReport.department_id)
        .join(County, County.id == MonthlyReport.county_id)
        .join(City, City.id == County.city_id)
    )
    if period is not None:
        query = query.where(MonthlyReport.year == period.year)
        if period.month is not None:
            query = query.where(MonthlyReport.month == period.month)
    if city_id is not None:
        query = query.where(County.city_id == city_id)
    if county_id is not None:
        query = query.where(MonthlyReport.county_id == county_id)
    if department_id is not None:
        query = query.where(MonthlyReport.department_id == department_id)
    if ids is not None:
        query = query.where(col(MonthlyReport.id).in_(ids))
    rows = session.exec(query.order_by(MonthlyReport.year, MonthlyReport.month, County.code)).all()
    sources = report_provenance(session, [r for r, *_ in rows])
    return [
        ReportRow(r.id, dept, city, county, r.county_id, r.year, r.month, r.submitted_on, sources[r.id].text)
        for r, dept, city, county in rows
    ]


@dataclass
class NameHit:
    kind: str  # city / county / department / cadre / branch
    id: int
    name: str
    context: str  # where it belongs, for telling namesakes apart


def search_names(session: Session, text: str, *, limit: int = 50) -> list[NameHit]:
    """Any city, county, department, cadre or branch whose name contains ``text`` (command palette)."""
    text = text.strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    hits: list[NameHit] = []
    for city in session.exec(select(City).where(col(City.full_name).like(pattern, escape="\\")).limit(limit)):
        hits.append(NameHit("city", city.id, city.full_name, "地市"))
    for county, city in session.exec(
        select(County, City.full_name).join(City).where(col(County.name).like(pattern, escape="\\")).limit(limit)
    ):
        hits.append(NameHit("county", county.id, county.name, city))
    for dept in session.exec(
        select(Department).where(or_(col(Department.name).like(pattern, escape="\\"),
                                     col(Department.short_name).like(pattern, escape="\\"))).limit(limit)
    ):
        hits.append(NameHit("department", dept.id, dept.name, "部门"))
    for cadre, dept in session.exec(
        select(Cadre, Department.name).join(Department).where(col(Cadre.name).like(pattern, escape="\\")).limit(limit)
    ):
        hits.append(NameHit("cadre", cadre.id, cadre.name, dept))
    for branch, county in session.exec(
        select(Branch, County.name).join(County).where(col(Branch.name).like(pattern, escape="\\")).limit(limit)
    ):
        hits.append(NameHit("branch", branch.id, branch.name, county))
    return hits[:limit]


# =====================================================================================================
# Reports (issue 5): the records behind the official monthly form (附件2). Kept in one section at the
# end of the module so that branches touching the rest of it merge cleanly.
# =====================================================================================================


def monthly_report_rows(session: Session, year: int, month: int, county_id: int) -> list[tuple[str, MonthlyReport]]:
    """Every department's 附件2 figures for one county unit and month, as (department, report)."""
    query = (select(Department.name, MonthlyReport)
             .join(Department, Department.id == MonthlyReport.department_id)
             .where(MonthlyReport.year == year, MonthlyReport.month == month, MonthlyReport.county_id == county_id)
             .order_by(Department.seq))
    return [(name, report) for name, report in session.exec(query).all()]


def paired_departments(session: Session, city_id: int) -> list[str]:
    """The departments paired with a city in 附件1, in the seed's order."""
    from models.tables import Assignment

    return list(session.exec(select(Department.name).join(Assignment, Assignment.department_id == Department.id)
                             .where(Assignment.city_id == city_id).order_by(Department.seq)).all())


@dataclass
class ActivityRatingRow:
    branch_id: int
    activity: str
    count: int
    mean: float
    photos: int


def activity_ratings(session: Session, branch_ids: list[int], month_key: int) -> list[ActivityRatingRow]:
    """Members' ratings of each branch's activities in one month (yyyymm), from the roll-up table."""
    from models.tables import RatingStat

    if not branch_ids:
        return []
    query = (select(RatingStat.branch_id, RatingStat.activity_id, Activity.name, RatingStat.count,
                    RatingStat.score_sum, RatingStat.photos)
             .join(Activity, Activity.id == RatingStat.activity_id, isouter=True)
             .where(col(RatingStat.branch_id).in_(branch_ids), RatingStat.month == month_key,
                    RatingStat.count > 0)
             .order_by(RatingStat.branch_id, RatingStat.activity_id))
    return [ActivityRatingRow(b, name or "其他活动", n, round(s / n, 2), p)
            for b, _aid, name, n, s, p in session.exec(query).all()]


def rating_photo_ids(session: Session, branch_ids: list[int], start: datetime, end: datetime,
                     limit: int = 12) -> list[tuple[int, str]]:
    """(photo id, branch name) of ratings with a photo in [start, end), newest first."""
    if not branch_ids:
        return []
    query = (select(Rating.photo_id, Branch.name).join(Branch, Branch.id == Rating.branch_id)
             .where(col(Rating.branch_id).in_(branch_ids), col(Rating.photo_id).is_not(None),
                    Rating.created_at >= start, Rating.created_at < end)
             .order_by(col(Rating.id).desc()).limit(limit))
    return [(pid, name) for pid, name in session.exec(query).all()]
