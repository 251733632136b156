"""Themes per scope and period — the one query behind the dashboard's themes view, the city and branch
screens, ``zhudian feedback themes`` and the brief.

Counts, shares, mean scores and month-on-month changes come from the county-and-month roll-up
(:class:`~models.tables.ThemeStat`; a branch reads its own few rows), so a refresh does not rescan
suggestions. Representative suggestions are the most *typical* of a sample of the newest ones:
the suggestion whose keywords are, as a set, closest to the sample's keyword counts (cosine
similarity to the centroid) — a long suggestion with many words of its own does not win.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from models.figures.period import Period
from models.tables import (
    Activity,
    Assignment,
    Branch,
    City,
    County,
    Department,
    Rating,
    RatingStat,
    SuggestionAnalysis,
    SuggestionTheme,
    ThemeStat,
)
from models.targets import targets_for
from models.themes.lexicon import FORMALISM, OTHER, TOTAL, URGENT, lexicon

SAMPLE = 200  # newest suggestions of a theme read to pick its representatives and keywords


@dataclass(frozen=True)
class ThemeScope:
    """Whose suggestions: the province (nothing set), a city, a county, a department's cities, a branch."""

    city_id: int | None = None
    county_id: int | None = None
    department_id: int | None = None
    branch_id: int | None = None


@dataclass
class Quote:
    rating_id: int
    text: str
    score: int
    branch: str
    county: str


@dataclass
class ThemeRow:
    code: str
    name: str
    count: int
    share: float | None  # of the analysed suggestions in scope and period (a suggestion may carry several)
    mean: float | None  # mean score of the ratings that carry it
    previous: int | None  # the month before's count (month periods only)
    change: int | None  # count minus ``previous``
    trend: list[tuple[int, int]] = field(default_factory=list)  # (yyyymm, count) over the campaign months
    keywords: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class ThemeSummary:
    period: Period
    analysed: int  # suggestions analysed in scope and period
    suggestions: int  # suggestions written in scope and period (analysed or not yet)
    themes: list[ThemeRow]  # most frequent first, 其他 last
    urgent: ThemeRow  # the flagged suggestions (safety, urgent hardship)

    @property
    def pending(self) -> int:
        return max(self.suggestions - self.analysed, 0)


def _month_range(period: Period, months: list[int]) -> tuple[int, int]:
    first, last = (period.month, period.month) if period.month else (months[0], months[-1])
    return period.year * 100 + first, period.year * 100 + last


def _previous(key: int) -> int:
    year, month = divmod(key, 100)
    return (year - 1) * 100 + 12 if month == 1 else key - 1


def scope_branches(scope: ThemeScope) -> Any | None:
    """A subquery of the scope's branch ids (``None``: the whole province)."""
    if scope.branch_id is not None:
        return select(Branch.id).where(Branch.id == scope.branch_id)
    counties = _scope_counties(scope)
    return None if counties is None else select(Branch.id).where(Branch.county_id.in_(counties))


def _scope_counties(scope: ThemeScope) -> Any | None:
    if scope.county_id is not None:
        return select(County.id).where(County.id == scope.county_id)
    if scope.city_id is not None:
        return select(County.id).where(County.city_id == scope.city_id)
    if scope.department_id is not None:
        paired = select(Assignment.city_id).where(Assignment.department_id == scope.department_id)
        return select(County.id).where(County.city_id.in_(paired))
    return None


def _counts(session: Session, scope: ThemeScope, low: int, high: int) -> dict[tuple[str, int], tuple[int, int]]:
    """(theme, month) → (count, score sum) in scope, months ``low``..``high``."""
    if scope.branch_id is not None:
        query = (select(SuggestionTheme.theme, SuggestionTheme.month, func.count(), func.sum(SuggestionTheme.score))
                 .where(SuggestionTheme.branch_id == scope.branch_id, SuggestionTheme.month.between(low, high))
                 .group_by(SuggestionTheme.theme, SuggestionTheme.month))
        counts = {(t, m): (n, s) for t, m, n, s in session.execute(query)}
        totals = (select(SuggestionTheme.month, func.count(func.distinct(SuggestionTheme.rating_id)),
                         func.sum(SuggestionTheme.score))
                  .where(SuggestionTheme.branch_id == scope.branch_id, SuggestionTheme.month.between(low, high),
                         SuggestionTheme.theme != URGENT)
                  .group_by(SuggestionTheme.month))
        # Every analysed suggestion carries at least one theme (其他 when none matched); each counted once.
        counts.update({(TOTAL, m): (n, 0) for m, n, _s in session.execute(totals)})
        return counts
    query = (select(ThemeStat.theme, ThemeStat.month, func.sum(ThemeStat.count), func.sum(ThemeStat.score_sum))
             .where(ThemeStat.month.between(low, high)).group_by(ThemeStat.theme, ThemeStat.month))
    counties = _scope_counties(scope)
    if counties is not None:
        query = query.where(ThemeStat.county_id.in_(counties))
    return {(t, m): (int(n), int(s)) for t, m, n, s in session.execute(query)}


def _written(session: Session, scope: ThemeScope, low: int, high: int) -> int:
    """Suggestions written in scope and months (from the ratings' roll-up)."""
    query = select(func.coalesce(func.sum(RatingStat.suggestions), 0)).where(RatingStat.month.between(low, high))
    branches = scope_branches(scope)
    if branches is not None:
        query = query.where(RatingStat.branch_id.in_(branches))
    return int(session.execute(query).scalar() or 0)


def theme_summary(session: Session, scope: ThemeScope, period: Period, *, quotes: int = 1,
                  keywords: int = 5) -> ThemeSummary:
    """Every theme's count, share, mean score, change against the month before, trend, keywords and
    ``quotes`` representative suggestions, in ``scope`` and ``period``. Call ``analyse_pending`` first."""
    months = targets_for(session, period.year).months
    low, high = _month_range(period, months)
    first = min(_previous(low), period.year * 100 + months[0])
    counts = _counts(session, scope, first, high)
    in_period = [m for m in range(low, high + 1) if 1 <= m % 100 <= 12]

    def total(theme: str, keys: list[int]) -> tuple[int, int]:
        pairs = [counts.get((theme, m), (0, 0)) for m in keys]
        return sum(n for n, _ in pairs), sum(s for _, s in pairs)

    analysed = total(TOTAL, in_period)[0]
    lex = lexicon()

    def row(code: str) -> ThemeRow:
        n, s = total(code, in_period)
        previous = total(code, [_previous(low)])[0] if period.month else None
        trend = [(period.year * 100 + m, counts.get((code, period.year * 100 + m), (0, 0))[0]) for m in months]
        return ThemeRow(code, lex.label(code), n, n / analysed if analysed else None, s / n if n else None,
                        previous, None if previous is None else n - previous, trend)

    rows = [row(code) for code in lex.codes]
    # 形式主义 (the seed's prohibitions reported by members) comes first whenever there is any; 其他 last.
    rows.sort(key=lambda r: (not (r.code == FORMALISM and r.count), r.code == OTHER, -r.count))
    urgent = row(URGENT)
    for r in [*rows, urgent]:
        if r.count:
            r.keywords, r.quotes = _typical(session, r.code, scope, low, high, quotes, keywords)
    return ThemeSummary(period, analysed, _written(session, scope, low, high), rows, urgent)


def top_themes(session: Session, scope: ThemeScope, period: Period, limit: int = 3, *,
               analyse_seconds: float | None = None) -> list[ThemeRow]:
    """The scope's most frequent themes (not 其他), for the city and branch screens' one line; with
    ``analyse_seconds``, new ratings are analysed first within that budget (see ``analyse_pending``)."""
    if analyse_seconds is not None:
        from models.themes.store import analyse_pending

        analyse_pending(session, budget_seconds=analyse_seconds)
    summary = theme_summary(session, scope, period, quotes=0, keywords=0)
    return [r for r in summary.themes if r.count and r.code != OTHER][:limit]


def _sample_query(code: str, scope: ThemeScope, low: int, high: int) -> Any:
    query = (select(SuggestionTheme.rating_id, SuggestionAnalysis.keywords)
             .join(SuggestionAnalysis, SuggestionAnalysis.rating_id == SuggestionTheme.rating_id)
             .where(SuggestionTheme.theme == code, SuggestionTheme.month.between(low, high)))
    if scope.branch_id is not None:
        query = query.where(SuggestionTheme.branch_id == scope.branch_id)
    else:
        branches = scope_branches(scope)
        if branches is not None:
            query = query.where(SuggestionTheme.branch_id.in_(branches))
    return query.order_by(SuggestionTheme.month.desc(), SuggestionTheme.rating_id.desc()).limit(SAMPLE)


def _typical(session: Session, code: str, scope: ThemeScope, low: int, high: int, quotes: int,
             keywords: int) -> tuple[list[str], list[Quote]]:
    """The theme's commonest keywords and its ``quotes`` most typical distinct suggestions."""
    if not quotes and not keywords:
        return [], []
    sample = [(rid, tuple(dict.fromkeys(kw.split()))) for rid, kw in session.execute(_sample_query(code, scope, low, high))]
    df = Counter(w for _, words in sample for w in words)
    common = [w for w, _ in df.most_common(keywords)]
    if not quotes:
        return common, []
    best: dict[tuple[str, ...], tuple[float, int, int]] = {}
    for rid, words in sample:
        if words and words not in best:  # the same words: the same suggestion, or its twin
            # Leave-one-out: a word counts by how many *other* suggestions share it, so words of its
            # own add nothing (with plain counts the longest suggestion would win on length alone).
            shared = sum(df[w] - 1 for w in words)
            best[words] = (shared / math.sqrt(len(words)), len(words), rid)
    # Most typical first; then the shorter (a quote to read out); then the newest.
    chosen = sorted(best.values(), key=lambda v: (-v[0], v[1], -v[2]))[:quotes]
    return common, quotes_for(session, [rid for *_, rid in chosen])


def quotes_for(session: Session, rating_ids: list[int]) -> list[Quote]:
    """The suggestions of ``rating_ids`` with their branch and county, in that order."""
    if not rating_ids:
        return []
    query = (select(Rating.id, Rating.suggestion, Rating.score, Branch.name, County.name)
             .join(Branch, Branch.id == Rating.branch_id).join(County, County.id == Branch.county_id)
             .where(Rating.id.in_(rating_ids)))
    found = {rid: Quote(rid, text, score, branch, county) for rid, text, score, branch, county in session.execute(query)}
    return [found[rid] for rid in rating_ids if rid in found]


def scope_label(session: Session, scope: ThemeScope) -> str:
    """The scope in words: 全省, 梅州市, 梅州市梅江区, 组织部对接地市, a branch's name."""
    if scope.branch_id is not None:
        branch = session.get(Branch, scope.branch_id)
        return branch.name if branch else "（已删除的团支部）"
    if scope.county_id is not None:
        county = session.get(County, scope.county_id)
        city = session.get(City, county.city_id) if county else None
        return f"{city.full_name if city else ''}{county.name if county else ''}"
    if scope.city_id is not None:
        city = session.get(City, scope.city_id)
        return city.full_name if city else ""
    if scope.department_id is not None:
        dept = session.get(Department, scope.department_id)
        return f"{dept.name if dept else ''}对接地市"
    return "全省"


@dataclass
class SuggestionRow:
    """One suggestion under a theme, with where it came from (the records screen's rating columns)."""

    id: int
    created_at: Any
    score: int
    suggestion: str
    branch_id: int
    branch: str
    activity: str
    county: str
    city: str
    urgent_words: str


def theme_suggestions(session: Session, code: str, scope: ThemeScope, period: Period,
                      limit: int = 200) -> list[SuggestionRow]:
    """The newest suggestions carrying theme ``code`` (or ``urgent``) in scope and period."""
    low, high = _month_range(period, targets_for(session, period.year).months)
    query = (select(Rating.id, Rating.created_at, Rating.score, Rating.suggestion, Rating.branch_id, Branch.name,
                    func.coalesce(Activity.name, func.nullif(Rating.activity_name, ""), "其他"), County.name, City.name,
                    SuggestionAnalysis.urgent_words)
             .select_from(SuggestionTheme)
             .join(Rating, Rating.id == SuggestionTheme.rating_id)
             .join(SuggestionAnalysis, SuggestionAnalysis.rating_id == SuggestionTheme.rating_id)
             .join(Branch, Branch.id == Rating.branch_id).join(County, County.id == Branch.county_id)
             .join(City, City.id == County.city_id)
             .join(Activity, Activity.id == Rating.activity_id, isouter=True)
             .where(SuggestionTheme.theme == code, SuggestionTheme.month.between(low, high)))
    branches = scope_branches(scope)
    if branches is not None:
        query = query.where(SuggestionTheme.branch_id.in_(branches))
    query = query.order_by(SuggestionTheme.month.desc(), SuggestionTheme.rating_id.desc()).limit(limit)
    return [SuggestionRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class VisitLink:
    """The visit (and cadre) a rating came through: its live code was shown on that visit's spot check."""

    visit_id: int
    start_date: Any
    department: str
    cadres: str  # the session's cadre, or every cadre of the visit when the code was the visit's own


def visit_links(session: Session, rating_ids: list[int]) -> dict[int, VisitLink]:
    """Rating id → the visit and cadre behind it, for ratings made through a visit's live code."""
    from models.tables import Cadre, SpotSession, SurveyLink, Visit, VisitCadre

    if not rating_ids:
        return {}
    rows = session.execute(
        select(Rating.id, Visit.id, Visit.start_date, Department.short_name, SpotSession.cadre_id)
        .join(SurveyLink, SurveyLink.id == Rating.link_id).join(Visit, Visit.id == SurveyLink.visit_id)
        .join(Department, Department.id == Visit.department_id)
        .outerjoin(SpotSession, SpotSession.link_id == SurveyLink.id)
        .where(Rating.id.in_(rating_ids))
    ).all()
    if not rows:
        return {}
    visit_ids = {r[1] for r in rows}
    names: dict[int, str] = dict(session.execute(select(Cadre.id, Cadre.name)).all())
    by_visit: dict[int, list[str]] = {}
    for visit_id, cadre_id in session.execute(
            select(VisitCadre.visit_id, VisitCadre.cadre_id).where(VisitCadre.visit_id.in_(visit_ids))
            .order_by(VisitCadre.visit_id, VisitCadre.cadre_id)):
        by_visit.setdefault(visit_id, []).append(names.get(cadre_id, ""))
    return {rid: VisitLink(visit_id, start, dept,
                           names.get(cadre_id, "") if cadre_id is not None else "、".join(by_visit.get(visit_id, [])))
            for rid, visit_id, start, dept, cadre_id in rows}


def priority_flags(session: Session, rating_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Rating id → what needs attention first in it: ``formalism`` and/or ``urgent`` (analysed ratings only)."""
    if not rating_ids:
        return {}
    found: dict[int, list[str]] = {}
    for rid, theme in session.execute(
            select(SuggestionTheme.rating_id, SuggestionTheme.theme)
            .where(SuggestionTheme.rating_id.in_(rating_ids), SuggestionTheme.theme.in_((FORMALISM, URGENT)))
            .order_by(SuggestionTheme.rating_id, SuggestionTheme.theme)):
        found.setdefault(rid, []).append(theme)
    return {rid: tuple(sorted(themes, key=lambda t: t != FORMALISM)) for rid, themes in found.items()}


@dataclass(frozen=True)
class PriorityCounts:
    """What needs attention first among the period's analysed suggestions."""

    formalism: int
    urgent: int


def priority_counts(session: Session, period: Period, scope: ThemeScope | None = None) -> PriorityCounts:
    """Suggestions reporting formalism and flagged urgent in ``period`` (the roll-up: no rescan)."""
    low, high = _month_range(period, targets_for(session, period.year).months)
    counts = _counts(session, scope or ThemeScope(), low, high)
    total = {code: sum(n for (theme, _m), (n, _s) in counts.items() if theme == code) for code in (FORMALISM, URGENT)}
    return PriorityCounts(total[FORMALISM], total[URGENT])
