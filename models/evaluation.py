"""The seed's evaluation (三、工作评价运用): cities and departments scored from objective system data,
members' ratings and promoted experience, weighted by the campaign's targets.

Each component is 0–100 and visible with what it was made of, so a coordinator can check a score.
- objective: the mean of the met-ratios (capped at 1) of visit days against target, county units
  covered, spot checks passed, monthly forms on time, registered-volunteer rate and service hours
  against the seed's minimums (a figure not recorded — 未录入 — counts as 0: unverifiable data does
  not count, as the seed says);
- ratings: the members' mean score mapped from 1–5 to 0–100 (no rating: 0);
- experience: typical experience promoted province-wide (附件2), relative to the best in the ranking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models.progress import Figures, Period, progress
from models.tables import Assignment, County, MonthlyReport
from models.targets import Targets, targets_for


@dataclass
class Score:
    level: str
    id: int
    name: str
    objective: float
    ratings: float
    experience: float
    total: float
    rank: int
    promoted: int
    detail: str


@dataclass
class Evaluation:
    period: Period
    weights: tuple[float, float, float]  # objective, ratings, experience
    cities: list[Score]
    departments: list[Score]


def _capped(done: float | None, target: float | None) -> float:
    if done is None or not target:
        return 0.0
    return max(0.0, min(1.0, done / target))


def _objective(f: Figures, t: Targets) -> tuple[float, str]:
    due = f.forms_on_time + f.forms_late + f.forms_missing
    parts = {
        "驻点天数": _capped(f.visit_days, f.visit_days_target) if f.visit_days_target else 1.0,
        "县区覆盖": _capped(f.counties_covered, f.counties_total),
        "抽查合格": (1 - f.check_failures / f.branches_checked) if f.branches_checked else 0.0,
        "月报按时": (f.forms_on_time / due) if due else 1.0,
        "注册志愿者": _capped(f.volunteer_rate, t.volunteer_rate_min),
        "服务时长": _capped(f.service_hours, t.service_hours_min),
    }
    score = 100 * sum(parts.values()) / len(parts)
    return score, " ".join(f"{k}{v * 100:.0f}" for k, v in parts.items())


def _promoted(session: Session, period: Period, t: Targets) -> tuple[dict[int, int], dict[int, int]]:
    """Promoted experience counted per city and per department in the period."""
    query = (select(MonthlyReport.department_id, County.city_id)
             .join(County, County.id == MonthlyReport.county_id)
             .where(MonthlyReport.year == period.year, MonthlyReport.experience_promoted)
             .where(MonthlyReport.month.in_(period.months(t))))  # type: ignore[attr-defined]
    by_city: dict[int, int] = defaultdict(int)
    by_dept: dict[int, int] = defaultdict(int)
    for dept_id, city_id in session.exec(query):
        by_city[city_id] += 1
        by_dept[dept_id] += 1
    return by_city, by_dept


def _rank(level: str, figures: list[Figures], promoted: dict[int, int], t: Targets) -> list[Score]:
    best = max([promoted.get(f.id or 0, 0) for f in figures] or [0])
    scores = []
    for f in figures:
        objective, detail = _objective(f, t)
        ratings = (f.rating_mean - 1) / 4 * 100 if f.rating_mean is not None else 0.0
        count = promoted.get(f.id or 0, 0)
        experience = 100 * count / best if best else 0.0
        total = t.weight_objective * objective + t.weight_ratings * ratings + t.weight_experience * experience
        scores.append(Score(level, f.id or 0, f.name, objective, ratings, experience, total, 0, count,
                            f"{detail} 评价{f.rating_count}条 推广{count}项"))
    scores.sort(key=lambda s: (-s.total, s.id))
    for i, s in enumerate(scores, start=1):
        s.rank = i
    return scores


def evaluate(session: Session, period: Period, *, today: date | None = None) -> Evaluation:
    t = targets_for(session, period.year)
    by_city, by_dept = _promoted(session, period, t)
    cities = progress(session, "city", period, today=today)
    departments = progress(session, "department", period, today=today)
    # A department is also judged by what members say in the cities it is paired with.
    pairs = session.exec(select(Assignment.department_id, Assignment.city_id)).all()
    city_fig = {f.id: f for f in cities}
    for dept in departments:
        mine = [city_fig[c] for d, c in pairs if d == dept.id and c in city_fig]
        if not dept.rating_count and mine:
            dept.rating_count = sum(f.rating_count for f in mine)
            dept.rating_sum = sum(f.rating_sum for f in mine)
    return Evaluation(period, (t.weight_objective, t.weight_ratings, t.weight_experience),
                      _rank("city", cities, by_city, t), _rank("department", departments, by_dept, t))
