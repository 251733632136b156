"""The year's evaluation of cities and departments (seed, 工作要求 3: 工作评价运用).

Three components, each scored 0–100, weighted by the campaign's targets (``weight_objective``,
``weight_ratings``, ``weight_experience``):

- **系统客观数据** (objective data): each figure against its target, capped at 100 %, averaged.
  Departments: visit days a month, cadres' days a year, lectures per cadre, visits at county level or
  below, monthly forms handed in. Cities: registered-volunteer rate, service hours and times per
  capita (the latest recorded month), 两新 organisations founded against the baselines.
- **团员青年评价** (members' ratings): the mean score of the year's ratings, 1 star = 0, 5 stars = 100.
- **典型经验推广** (promoted experience): experiences promoted province-wide in the monthly forms;
  ``EXPERIENCE_FULL_MARKS`` of them give full marks.

A figure with no record behind it scores 0 and is shown as 未录入: the seed counts nothing that
cannot be verified. The dashboard's 评价 screen and ``zhudian report evaluation`` both call
:func:`evaluate`, so they show the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import (
    Assignment,
    Branch,
    Cadre,
    City,
    County,
    Department,
    Lecture,
    MonthlyReport,
    RatingStat,
    Visit,
    VisitCadre,
)
from models.targets import Targets, targets_for

EXPERIENCE_FULL_MARKS = 2  # promoted experiences that give the component full marks
NOT_RECORDED = "未录入"


@dataclass(frozen=True)
class Figure:
    """One figure behind a component: what was achieved, against what target, and its score."""

    label: str
    actual: float | None
    target: float | None
    score: float  # 0..100
    unit: str = ""

    @property
    def actual_text(self) -> str:
        return NOT_RECORDED if self.actual is None else f"{self.actual:g}{self.unit}"


@dataclass
class Score:
    """One city's or department's evaluation."""

    name: str
    kind: str  # "city" / "department"
    objective: float = 0.0
    ratings: float = 0.0
    experience: float = 0.0
    total: float = 0.0
    rank: int = 0
    figures: list[Figure] = field(default_factory=list)
    rating_count: int = 0
    rating_mean: float | None = None
    experiences: int = 0
    id: int = 0  # the city's or department's id (keys the dashboard's rows)

    @property
    def detail(self) -> str:
        """The figures behind the objective component, in one line."""
        return "；".join(f"{f.label} {f.actual_text}" for f in self.figures)


@dataclass
class CadreScore:
    name: str
    department: str
    days: float
    lectures: int
    days_target: float
    lectures_target: float

    @property
    def met(self) -> bool:
        return self.days >= self.days_target and self.lectures >= self.lectures_target


@dataclass
class Evaluation:
    year: int
    targets: Targets
    cities: list[Score]
    departments: list[Score]
    cadres: list[CadreScore]

    @property
    def weights(self) -> tuple[float, float, float]:
        return (self.targets.weight_objective, self.targets.weight_ratings, self.targets.weight_experience)


def _ratio(actual: float | None, target: float) -> float:
    if actual is None or target <= 0:
        return 0.0 if actual is None else 100.0
    return round(min(actual / target, 1.0) * 100, 1)


def _ratings_by(session: Session, year: int, group) -> dict[int, tuple[int, int]]:
    """(count, score sum) of the year's ratings per ``group`` column, from the roll-up table."""
    query = (select(group, func.sum(RatingStat.count), func.sum(RatingStat.score_sum))
             .join(Branch, Branch.id == RatingStat.branch_id)
             .join(County, County.id == Branch.county_id)
             .where(RatingStat.month >= year * 100 + 1, RatingStat.month <= year * 100 + 12)
             .group_by(group))
    return {key: (int(n or 0), int(s or 0)) for key, n, s in session.exec(query)}


def _rating_component(score: Score, count: int, total: int) -> None:
    score.rating_count = count
    score.rating_mean = round(total / count, 2) if count else None
    score.ratings = round((score.rating_mean - 1) / 4 * 100, 1) if score.rating_mean is not None else 0.0


def _latest(reports: list[MonthlyReport], attr: str) -> float | None:
    """The latest recorded month's value, weighted by league members across the county units."""
    by_month: dict[tuple[int, int], list[MonthlyReport]] = defaultdict(list)
    for r in reports:
        if getattr(r, attr) is not None:
            by_month[(r.year, r.month)].append(r)
    if not by_month:
        return None
    latest = by_month[max(by_month)]
    # Latest figure per county unit of that month (several departments may report the same county).
    per_county = {r.county_id: r for r in latest}
    weights = [(getattr(r, attr), r.league_members or 0) for r in per_county.values()]
    total_weight = sum(w for _v, w in weights)
    if total_weight:
        return round(sum(v * w for v, w in weights) / total_weight, 2)
    return round(sum(v for v, _w in weights) / len(weights), 2)


def _finish(score: Score, t: Targets) -> None:
    score.objective = round(sum(f.score for f in score.figures) / len(score.figures), 1) if score.figures else 0.0
    score.experience = round(min(score.experiences / EXPERIENCE_FULL_MARKS, 1.0) * 100, 1)
    score.total = round(t.weight_objective * score.objective + t.weight_ratings * score.ratings
                        + t.weight_experience * score.experience, 1)


def _rank(scores: list[Score]) -> list[Score]:
    scores.sort(key=lambda s: (-s.total, s.name))
    for i, s in enumerate(scores, start=1):
        # Equal totals share a rank.
        s.rank = scores[i - 2].rank if i > 1 and scores[i - 2].total == s.total else i
    return scores


def evaluate(session: Session, year: int) -> Evaluation:
    t = targets_for(session, year)
    months = t.months
    first, last = date(year, 1, 1), date(year, 12, 31)
    cities = {c.id: c for c in session.exec(select(City).order_by(City.code))}
    county_city = dict(session.exec(select(County.id, County.city_id)).all())
    reports = list(session.exec(select(MonthlyReport).where(MonthlyReport.year == year)))
    visits = list(session.exec(select(Visit).where(Visit.start_date >= first, Visit.start_date <= last)))

    # --- cities ------------------------------------------------------------------------------------
    city_reports: dict[int, list[MonthlyReport]] = defaultdict(list)
    for r in reports:
        city_reports[county_city[r.county_id]].append(r)
    city_ratings = _ratings_by(session, year, County.city_id)
    city_scores = []
    for cid, city in cities.items():
        rs = city_reports.get(cid, [])
        s = Score(city.name, "city", id=cid)
        rate = _latest(rs, "volunteer_rate")
        hours = _latest(rs, "service_hours_per_capita")
        times = _latest(rs, "service_times_per_capita")
        baselines = _latest_per_county(rs, ("nonpublic_baseline", "social_baseline"))
        founded = sum((r.new_nonpublic_orgs or 0) + (r.new_social_orgs or 0) for r in _dedupe(rs))
        any_founded = any(r.new_nonpublic_orgs is not None or r.new_social_orgs is not None for r in rs)
        s.figures = [
            Figure("团员注册志愿者比例", rate, t.volunteer_rate_min, _ratio(rate, t.volunteer_rate_min), "%"),
            Figure("团员人均服务时长", hours, t.service_hours_min, _ratio(hours, t.service_hours_min), "小时"),
            Figure("团员人均服务次数", times, t.service_times_min, _ratio(times, t.service_times_min), "次"),
            Figure("“两新”组织新建团组织数（对照任务底数）", founded if any_founded else None,
                   baselines, _ratio(founded if any_founded else None, baselines or 0) if baselines else 0.0, "个"),
        ]
        count, total = city_ratings.get(cid, (0, 0))
        _rating_component(s, count, total)
        s.experiences = sum(1 for r in rs if r.experience_promoted)
        _finish(s, t)
        city_scores.append(s)

    # --- departments -------------------------------------------------------------------------------
    departments = list(session.exec(select(Department).order_by(Department.seq)))
    paired: dict[int, set[int]] = defaultdict(set)
    for a in session.exec(select(Assignment)):
        paired[a.department_id].add(a.city_id)
    paired_counties = {d: {k for k, c in county_city.items() if c in cities_} for d, cities_ in paired.items()}
    cadres = list(session.exec(select(Cadre).where(Cadre.active == True)))  # noqa: E712
    cadre_days: dict[int, float] = defaultdict(float)
    visit_days = {v.id: v.full_days for v in visits}
    for vc in session.exec(select(VisitCadre).where(VisitCadre.visit_id.in_(list(visit_days) or [0]))):
        cadre_days[vc.cadre_id] += visit_days[vc.visit_id]
    lectures: dict[int, int] = defaultdict(int)
    for cadre_id, n in session.exec(select(Lecture.cadre_id, func.count()).where(
            Lecture.held_on >= first, Lecture.held_on <= last).group_by(Lecture.cadre_id)):
        lectures[cadre_id] = n
    county_ratings = _ratings_by(session, year, County.id)
    cadre_scores: list[CadreScore] = []
    dept_scores = []
    dept_names = {d.id: d.name for d in departments}
    for cadre in cadres:
        cadre_scores.append(CadreScore(cadre.name, dept_names.get(cadre.department_id, ""),
                                       cadre_days[cadre.id], lectures[cadre.id], t.cadre_days_per_year,
                                       t.lectures_per_cadre))
    for d in departments:
        s = Score(d.name, "department", id=d.id)
        dv = [v for v in visits if v.department_id == d.id]
        per_month: dict[int, float] = defaultdict(float)
        for v in dv:
            per_month[v.start_date.month] += v.full_days
        month_scores = [min(per_month[m] / t.dept_days_per_month, 1.0) if t.dept_days_per_month else 1.0
                        for m in months]
        mine = [c for c in cadres if c.department_id == d.id]
        days_met = sum(1 for c in mine if cadre_days[c.id] >= t.cadre_days_per_year)
        lectures_met = sum(1 for c in mine if lectures[c.id] >= t.lectures_per_cadre)
        county_level = sum(1 for v in dv if v.county_id is not None)
        dr = [r for r in reports if r.department_id == d.id]
        months_reported = {r.month for r in dr if r.month in months}
        s.figures = [
            Figure("每月驻点整天数达标的月份", sum(1 for x in month_scores if x >= 1), len(months),
                   round(sum(month_scores) / len(months) * 100, 1) if months else 0.0, "个月"),
            Figure("专职干部年累计驻点达标人数", days_met if mine else None, len(mine) or None,
                   _ratio(days_met, len(mine)) if mine else 0.0, "人"),
            Figure("专职干部讲党团课达标人数", lectures_met if mine else None, len(mine) or None,
                   _ratio(lectures_met, len(mine)) if mine else 0.0, "人"),
            Figure("到县及以下的驻点次数", county_level if dv else None, len(dv) or None,
                   _ratio(county_level, len(dv)) if dv else 0.0, "次"),
            Figure("报送月报表的月份", len(months_reported) if dr else None, len(months),
                   _ratio(len(months_reported), len(months)) if dr else 0.0, "个月"),
        ]
        mine_counties = paired_counties.get(d.id, set())
        count = sum(n for k, (n, _s) in county_ratings.items() if k in mine_counties)
        total = sum(sm for k, (_n, sm) in county_ratings.items() if k in mine_counties)
        _rating_component(s, count, total)
        s.experiences = sum(1 for r in dr if r.experience_promoted)
        _finish(s, t)
        dept_scores.append(s)

    cadre_scores.sort(key=lambda c: (c.department, -c.days, c.name))
    return Evaluation(year, t, _rank(city_scores), _rank(dept_scores), cadre_scores)


def _dedupe(reports: list[MonthlyReport]) -> list[MonthlyReport]:
    """One report per county unit and month (the latest id wins when two departments sent one)."""
    chosen: dict[tuple[int, int, int], MonthlyReport] = {}
    for r in sorted(reports, key=lambda r: r.id or 0):
        chosen[(r.county_id, r.year, r.month)] = r
    return list(chosen.values())


def _latest_per_county(reports: list[MonthlyReport], attrs: tuple[str, ...]) -> float | None:
    """Sum over county units of each one's latest recorded baseline(s)."""
    latest: dict[int, MonthlyReport] = {}
    for r in sorted(_dedupe(reports), key=lambda r: (r.year, r.month)):
        if any(getattr(r, a) is not None for a in attrs):
            latest[r.county_id] = r
    if not latest:
        return None
    return float(sum(getattr(r, a) or 0 for r in latest.values() for a in attrs))


COMPONENT_LABELS = {"objective": "系统客观数据", "ratings": "团员青年评价", "experience": "典型经验推广"}

