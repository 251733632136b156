"""Everything the year's evaluation reads, loaded once (the evaluation scores it twice: verified data
only, and — to show what unverified data would change — everything)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.provenance import Provenance, experience_provenance, report_provenance, verified_ratings
from models.tables import (
    Assignment,
    Branch,
    Cadre,
    City,
    CityPlan,
    County,
    Department,
    Experience,
    Lecture,
    MonthlyReport,
    Rating,
    RatingStat,
    ServiceProject,
    Visit,
    VisitCadre,
)
from models.targets import Targets
from models.visits import days_by_month, is_exempt


@dataclass
class Data:
    year: int
    t: Targets
    today: date
    cities: list[City] = field(default_factory=list)
    county_city: dict[int, int] = field(default_factory=dict)
    departments: list[Department] = field(default_factory=list)
    dept_counties: dict[int, set[int]] = field(default_factory=dict)
    cadres: list[Cadre] = field(default_factory=list)  # active
    visits: list[Visit] = field(default_factory=list)
    visit_months: dict[int, dict[int, float]] = field(default_factory=dict)  # visit -> month -> days
    visit_cadres: dict[int, set[int]] = field(default_factory=dict)
    lectures: list[Lecture] = field(default_factory=list)
    reports: list[MonthlyReport] = field(default_factory=list)
    report_prov: dict[int, Provenance] = field(default_factory=dict)
    experiences: list[Experience] = field(default_factory=list)
    experience_prov: dict[int, Provenance] = field(default_factory=dict)
    plans: dict[int, CityPlan] = field(default_factory=dict)
    projects: dict[int, ServiceProject] = field(default_factory=dict)
    ratings_all: dict[int, tuple[int, int]] = field(default_factory=dict)  # county -> (count, score sum)
    ratings_verified: dict[int, tuple[int, int]] = field(default_factory=dict)
    verified_ids: dict[int, list[int]] = field(default_factory=dict)  # county -> verified rating ids

    def exempt(self, cadre: Cadre) -> bool:
        return is_exempt(cadre, self.year)


def load(session: Session, year: int, t: Targets, today: date) -> Data:
    first, last = date(year, 1, 1), date(year, 12, 31)
    d = Data(year, t, today)
    d.cities = list(session.exec(select(City).order_by(City.code)))
    d.county_city = dict(session.exec(select(County.id, County.city_id)).all())
    d.departments = list(session.exec(select(Department).order_by(Department.seq)))
    paired: dict[int, set[int]] = defaultdict(set)
    for a in session.exec(select(Assignment)):
        paired[a.department_id].add(a.city_id)
    d.dept_counties = {dept: {k for k, c in d.county_city.items() if c in cities} for dept, cities in paired.items()}
    d.cadres = list(session.exec(select(Cadre).where(col(Cadre.active).is_(True)).order_by(Cadre.id)))

    d.visits = list(session.exec(select(Visit).where(Visit.end_date >= first, Visit.start_date <= last)
                                 .order_by(Visit.start_date, Visit.id)))
    for v in d.visits:
        d.visit_months[v.id] = {k % 100: n for k, n in days_by_month(v.start_date, v.end_date, v.full_days).items()
                                if k // 100 == year}
    for vid, cad in session.exec(select(VisitCadre.visit_id, VisitCadre.cadre_id)
                                 .where(col(VisitCadre.visit_id).in_([v.id for v in d.visits] or [0]))):
        d.visit_cadres.setdefault(vid, set()).add(cad)
    d.lectures = list(session.exec(select(Lecture).where(Lecture.held_on >= first, Lecture.held_on <= last)
                                   .order_by(Lecture.id)))
    d.reports = list(session.exec(select(MonthlyReport).where(MonthlyReport.year == year).order_by(MonthlyReport.id)))
    d.report_prov = report_provenance(session, d.reports)
    d.experiences = list(session.exec(select(Experience).where(Experience.year == year).order_by(Experience.id)))
    d.experience_prov = experience_provenance(session, d.experiences)
    d.plans = {p.city_id: p for p in session.exec(select(CityPlan).where(CityPlan.year == year))}
    d.projects = {p.department_id: p for p in session.exec(select(ServiceProject).where(ServiceProject.year == year))}

    # Every rating of the year from the roll-up; the verified ones from their live links.
    for county, n, s in session.exec(
        select(Branch.county_id, func.sum(RatingStat.count), func.sum(RatingStat.score_sum))
        .join(Branch, Branch.id == RatingStat.branch_id)
        .where(RatingStat.month >= year * 100 + 1, RatingStat.month <= year * 100 + 12)
        .group_by(Branch.county_id)
    ):
        d.ratings_all[county] = (int(n or 0), int(s or 0))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for county, rid, score in session.exec(
        verified_ratings(session, Branch.county_id, Rating.id, Rating.score)
        .join(Branch, Branch.id == Rating.branch_id)
        .where(Visit.start_date >= first, Visit.start_date <= last)
        .order_by(Rating.id)
    ):
        counts[county][0] += 1
        counts[county][1] += score
        d.verified_ids.setdefault(county, []).append(rid)
    d.ratings_verified = {k: (n, s) for k, (n, s) in counts.items()}
    return d
