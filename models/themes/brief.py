"""The monthly brief for a meeting: per city, the top themes with counts, trend and quotes, the
lowest-rated activities with their suggestions, and first what needs attention: the complaints of
formalism the seed forbids (with the visit and cadre concerned, when the rating came through a spot
check's live code) and the flagged suggestions (safety, urgent hardship). The report (``zhudian report feedback``) and ``zhudian feedback themes --json`` print this.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models.clock import LOCAL_TZ
from models.figures.period import Period
from models.tables import Activity, Branch, City, County, Rating, RatingStat
from models.themes.lexicon import FORMALISM, URGENT
from models.themes.query import (
    SuggestionRow,
    ThemeScope,
    ThemeSummary,
    VisitLink,
    scope_branches,
    scope_label,
    theme_suggestions,
    theme_summary,
    visit_links,
)
from models.themes.store import analyse_pending

LOWEST = 5  # activities listed as the lowest rated
MIN_RATINGS = 3  # an activity needs this many ratings in the month to be ranked (one bad mark is no trend)
QUOTES = 3
FLAGGED = 50  # flagged suggestions listed per section at most


@dataclass
class LowActivity:
    branch_id: int
    branch: str
    county: str
    activity: str
    count: int
    mean: float
    suggestions: list[str] = field(default_factory=list)  # the lowest-scored first


@dataclass
class Section:
    """What the brief says about one scope (a city, or the province) in one period."""

    scope: str
    period: Period
    summary: ThemeSummary
    flagged: list[SuggestionRow]
    lowest: list[LowActivity]
    formalism: list[SuggestionRow] = field(default_factory=list)  # complaints of formalism, newest first
    visits: dict[int, VisitLink] = field(default_factory=dict)  # rating id → the visit it came through


@dataclass
class Brief:
    period: Period
    province: Section | None  # only when the brief covers every city
    cities: list[Section]


def scope_from_names(session: Session, *, city: str | None = None, county: str | None = None,
                     department: str | None = None, branch_id: int | None = None) -> ThemeScope:
    """Names as typed (``梅州``, ``梅江区``, ``组织部``) → a scope; raises ``UnknownName`` with close
    matches, or ``ValueError`` for a branch number that does not exist."""
    from models.reference import find_city, find_county, find_department

    if branch_id is not None:
        if session.get(Branch, branch_id) is None:
            raise ValueError(f"没有编号为 {branch_id} 的团支部（zhudian branch list 可查编号）")
        return ThemeScope(branch_id=branch_id)
    city_row = find_city(session, city) if city else None
    if county:
        return ThemeScope(county_id=find_county(session, county, city_row).id)
    if city_row is not None:
        return ThemeScope(city_id=city_row.id)
    if department:
        return ThemeScope(department_id=find_department(session, department).id)
    return ThemeScope()


def section(session: Session, scope: ThemeScope, period: Period, *, quotes: int = QUOTES) -> Section:
    """The brief's content for one scope and period (``analyse_pending`` must have run)."""
    summary = theme_summary(session, scope, period, quotes=quotes)
    flagged = theme_suggestions(session, URGENT, scope, period, limit=FLAGGED) if summary.urgent.count else []
    formal = next((r for r in summary.themes if r.code == FORMALISM), None)
    formalism = theme_suggestions(session, FORMALISM, scope, period, limit=FLAGGED) if formal and formal.count else []
    return Section(scope_label(session, scope), period, summary, flagged, lowest_activities(session, scope, period),
                   formalism, visit_links(session, [r.id for r in formalism]))


def feedback_brief(session: Session, period: Period, city_id: int | None = None) -> Brief:
    """The brief for ``period``: one city, or the province and every city. Analyses pending suggestions first."""
    analyse_pending(session)
    if city_id is not None:
        return Brief(period, None, [section(session, ThemeScope(city_id=city_id), period)])
    cities = session.execute(select(City.id).order_by(City.code)).scalars().all()
    return Brief(period, section(session, ThemeScope(), period),
                 [section(session, ThemeScope(city_id=c), period) for c in cities])


def _local(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=LOCAL_TZ).astimezone(UTC)


def lowest_activities(session: Session, scope: ThemeScope, period: Period, *, limit: int = LOWEST) -> list[LowActivity]:
    """The scope's lowest-rated activities of the period (at least ``MIN_RATINGS`` ratings), from the
    ratings' roll-up, each with up to three of its suggestions."""
    from models.targets import targets_for

    months = period.months(targets_for(session, period.year))
    keys = [period.year * 100 + m for m in months]
    count, total = func.sum(RatingStat.count), func.sum(RatingStat.score_sum)
    query = (select(RatingStat.branch_id, RatingStat.activity_id, Branch.name, County.name, Activity.name, count, total)
             .join(Branch, Branch.id == RatingStat.branch_id).join(County, County.id == Branch.county_id)
             .join(Activity, Activity.id == RatingStat.activity_id, isouter=True)
             .where(RatingStat.month.in_(keys))
             .group_by(RatingStat.branch_id, RatingStat.activity_id, Branch.name, County.name, Activity.name)
             .having(count >= MIN_RATINGS)
             .order_by((total * 1.0 / count), count.desc(), RatingStat.branch_id, RatingStat.activity_id)
             .limit(limit))
    branches = scope_branches(scope)
    if branches is not None:
        query = query.where(RatingStat.branch_id.in_(branches))
    start = _local(period.year, months[0])
    end = _local(period.year + (months[-1] == 12), months[-1] % 12 + 1)
    out = []
    for branch_id, activity_id, branch, county, activity, n, s in session.execute(query):
        texts = (select(Rating.suggestion)
                 .where(Rating.branch_id == branch_id, Rating.suggestion != "",
                        Rating.created_at >= start, Rating.created_at < end)
                 .order_by(Rating.score, Rating.id.desc()).limit(QUOTES * 10))
        # activity 0 in the roll-up: ratings of an activity that was not listed ("其他活动")
        texts = texts.where(Rating.activity_id == activity_id) if activity_id else texts.where(Rating.activity_id.is_(None))
        out.append(LowActivity(branch_id, branch, county, activity or "其他活动", int(n), round(int(s) / int(n), 2),
                               list(dict.fromkeys(session.execute(texts).scalars()))[:QUOTES]))
    return out


def section_dict(sec: Section) -> dict[str, Any]:
    """A section as plain data (``zhudian feedback themes --json``)."""
    s = sec.summary

    def theme(row: Any) -> dict[str, Any]:
        data = asdict(row)
        data["share"] = None if row.share is None else round(row.share, 4)
        data["mean"] = None if row.mean is None else round(row.mean, 2)
        data["trend"] = [{"month": f"{m // 100}-{m % 100:02d}", "count": n} for m, n in row.trend]
        for quote in data["quotes"]:
            quote.pop("rating_id", None)
        return data

    return {
        "scope": sec.scope,
        "period": sec.period.key,
        "suggestions": s.suggestions,
        "analysed": s.analysed,
        "flagged": {"count": s.urgent.count, "suggestions": [
            {"id": r.id, "city": r.city, "county": r.county, "branch": r.branch, "activity": r.activity,
             "score": r.score, "suggestion": r.suggestion, "words": r.urgent_words.split()} for r in sec.flagged]},
        "formalism": {"count": len(sec.formalism), "suggestions": [
            {"id": r.id, "city": r.city, "county": r.county, "branch": r.branch, "activity": r.activity,
             "score": r.score, "suggestion": r.suggestion, **_visit(sec.visits.get(r.id))} for r in sec.formalism]},
        "themes": [theme(row) for row in s.themes],
        "lowest_activities": [asdict(a) for a in sec.lowest],
    }


def _visit(link: VisitLink | None) -> dict[str, Any]:
    if link is None:
        return {"visit_id": None}
    return {"visit_id": link.visit_id, "visit_date": link.start_date.isoformat(), "department": link.department,
            "cadres": link.cadres}
