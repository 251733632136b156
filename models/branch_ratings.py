"""What members say of each branch: its number of ratings and mean score in a period, all and verified
only — the one reading behind every branch list of the dashboard (a city's, a county's, the search),
the province's lowest-rated branches and a branch's own screen.

All ratings come from the ``ratingstat`` roll-up (the cost stays flat as ratings grow); verified ones
from :func:`models.provenance.verified_ratings` (the one rule of a verified rating), whose cost follows
the verified ratings only. The period is applied to the verified ones by China-time day, as
:func:`models.provenance.verified_by_county` does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.figures.period import Period
from models.provenance import _local_day, verified_ratings
from models.records import BranchRow, branches
from models.tables import Branch, County, Rating, RatingStat, SurveyLink
from models.targets import targets_for

MIN_RATINGS = 20  # a branch needs this many ratings in the period to be ranked among the lowest


@dataclass(frozen=True)
class BranchRating:
    branch_id: int
    count: int  # every rating in the period (verified or not)
    mean: float | None
    verified: int  # ratings through a spot check's live code (models.provenance)
    verified_mean: float | None


@dataclass
class RatedBranch(BranchRow):
    """A branch row of the lists with what its members say in the period."""

    rated: int = 0
    mean: float | None = None
    verified: int = 0
    verified_mean: float | None = None


@dataclass(frozen=True)
class RankedBranch:
    """A branch with its figures (the lowest-rated list)."""

    branch: BranchRow
    rating: BranchRating


def _month_keys(session: Session, period: Period) -> list[int]:
    return [period.year * 100 + m for m in period.months(targets_for(session, period.year))]


def branch_ratings(session: Session, period: Period, *, city_id: int | None = None, county_id: int | None = None,
                   branch_ids: list[int] | None = None) -> dict[int, BranchRating]:
    """Branch id → its ratings in ``period`` (only branches with at least one rating are listed)."""
    keys = _month_keys(session, period)
    query = (select(RatingStat.branch_id, func.sum(RatingStat.count), func.sum(RatingStat.score_sum))
             .where(col(RatingStat.month).in_(keys)).group_by(RatingStat.branch_id))
    day = _local_day(session, Rating.created_at)  # one expression in SELECT and GROUP BY (PostgreSQL)
    verified = (verified_ratings(session, SurveyLink.branch_id, day, func.count(Rating.id), func.sum(Rating.score))
                .group_by(SurveyLink.branch_id, day))
    if county_id is not None or city_id is not None:
        place = Branch.county_id == county_id if county_id is not None else County.city_id == city_id
        in_place = select(Branch.id).join(County, County.id == Branch.county_id).where(place)
        query = query.where(col(RatingStat.branch_id).in_(in_place))
        verified = verified.where(col(SurveyLink.branch_id).in_(in_place))
    if branch_ids is not None:
        query = query.where(col(RatingStat.branch_id).in_(branch_ids))
        verified = verified.where(col(SurveyLink.branch_id).in_(branch_ids))
    totals = {b: (int(n or 0), int(s or 0)) for b, n, s in session.exec(query).all()}
    first, last = period.bounds(targets_for(session, period.year))
    checked: dict[int, list[int]] = {}
    for b, day, n, s in session.exec(verified).all():
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        if first <= day <= last:
            acc = checked.setdefault(b, [0, 0])
            acc[0] += int(n)
            acc[1] += int(s or 0)
    out = {}
    for b in totals.keys() | checked.keys():
        n, s = totals.get(b, (0, 0))
        vn, vs = checked.get(b, (0, 0))
        if n or vn:
            out[b] = BranchRating(b, n, s / n if n else None, vn, vs / vn if vn else None)
    return out


def lowest_branches(session: Session, period: Period, *, min_ratings: int = MIN_RATINGS, limit: int = 100,
                    city_id: int | None = None) -> list[RankedBranch]:
    """The province's (or a city's) branches with the lowest mean score in ``period`` among those with at
    least ``min_ratings`` ratings; ties: more ratings first, then the branch's number."""
    found = [r for r in branch_ratings(session, period, city_id=city_id).values()
             if r.count >= min_ratings and r.mean is not None]
    found.sort(key=lambda r: (r.mean, -r.count, r.branch_id))
    found = found[:limit]
    rows = {b.id: b for b in branches(session, ids=[r.branch_id for r in found])}
    return [RankedBranch(rows[r.branch_id], r) for r in found if r.branch_id in rows]


def branch_trend(session: Session, branch_id: int, year: int) -> list[tuple[int, int, float | None]]:
    """(month, ratings, mean) of one branch for each campaign month of ``year``."""
    targets = targets_for(session, year)
    rows = session.exec(
        select(RatingStat.month, func.sum(RatingStat.count), func.sum(RatingStat.score_sum))
        .where(RatingStat.branch_id == branch_id,
               RatingStat.month >= year * 100 + targets.start_month, RatingStat.month <= year * 100 + targets.end_month)
        .group_by(RatingStat.month)
    ).all()
    by_month = {m % 100: (int(n or 0), int(s or 0)) for m, n, s in rows}
    return [(m, by_month.get(m, (0, 0))[0], by_month[m][1] / by_month[m][0] if by_month.get(m, (0, 0))[0] else None)
            for m in targets.months]


def rated_branches(session: Session, period: Period, *, city_id: int | None = None, county_id: int | None = None,
                   ids: list[int] | None = None) -> list[RatedBranch]:
    """The branches of a city, a county or a list of ids, each with its ratings in ``period``."""
    rows = branches(session, city_id=city_id, county_id=county_id, ids=ids)
    figures = branch_ratings(session, period, city_id=city_id if county_id is None else None, county_id=county_id,
                             branch_ids=ids)
    return [with_rating(b, figures.get(b.id)) for b in rows]


def with_rating(row: BranchRow, rating: BranchRating | None) -> RatedBranch:
    base = {f.name: getattr(row, f.name) for f in fields(BranchRow)}
    if rating is None:
        return RatedBranch(**base)
    return RatedBranch(**base, rated=rating.count, mean=rating.mean, verified=rating.verified,
                       verified_mean=rating.verified_mean)
