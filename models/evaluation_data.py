"""Everything the year's evaluation reads, loaded once (the evaluation scores it twice: verified data
only, and — to show what unverified data would change — everything)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from models.figures import deadlines, monthly, outcomes
from models.figures import visits as days_of
from models.figures.lectures import counted_lectures
from models.figures.period import Period
from models.figures.tree import Tree, load_tree
from models.provenance import Provenance, experience_provenance, report_provenance, verified_ratings
from models.tables import (
    Branch,
    Cadre,
    City,
    Department,
    Experience,
    Lecture,
    MonthlyReport,
    Rating,
    RatingStat,
    Visit,
)
from models.targets import Targets


@dataclass
class Data:
    year: int
    t: Targets
    today: date
    tree: Tree | None = None
    cities: list[City] = field(default_factory=list)
    county_city: dict[int, int] = field(default_factory=dict)
    departments: list[Department] = field(default_factory=list)
    dept_counties: dict[int, set[int]] = field(default_factory=dict)
    cadres: list[Cadre] = field(default_factory=list)  # every cadre (a cadre who left still counts, pro rata)
    visits: list[days_of.VisitDays] = field(default_factory=list)  # the campaign's visits with their real days
    lectures: list[Lecture] = field(default_factory=list)
    reports: list[MonthlyReport] = field(default_factory=list)
    report_prov: dict[int, Provenance] = field(default_factory=dict)
    form_states: list[deadlines.FormState] = field(default_factory=list)
    lecture_states: list[deadlines.ReportState] = field(default_factory=list)
    project_states: list[deadlines.ReportState] = field(default_factory=list)
    plan_states: list[deadlines.ReportState] = field(default_factory=list)
    checks: list[outcomes.CheckOutcome] = field(default_factory=list)
    experiences: list[Experience] = field(default_factory=list)
    experience_prov: dict[int, Provenance] = field(default_factory=dict)
    ratings_all: dict[int, tuple[int, int]] = field(default_factory=dict)  # county -> (count, score sum)
    ratings_verified: dict[int, tuple[int, int]] = field(default_factory=dict)
    verified_ids: dict[int, list[int]] = field(default_factory=dict)  # county -> verified rating ids
    forms: dict[bool, monthly.Forms] = field(default_factory=dict)  # the forms that count, per view

    def target(self, cadre: Cadre) -> float | None:
        """The cadre's yearly days target (None: exempt, or gone before the campaign)."""
        return days_of.cadre_target(cadre, self.t)

    def paired(self, county_id: int) -> list[int]:
        assert self.tree is not None
        return self.tree.city_depts.get(self.tree.county_city(county_id), [])


def load(session: Session, year: int, t: Targets, today: date) -> Data:
    first, last = date(year, 1, 1), date(year, 12, 31)
    d = Data(year, t, today)
    tree = d.tree = load_tree(session)
    d.cities = list(tree.cities.values())
    d.county_city = {k: c.city_id for k, c in tree.counties.items()}
    d.departments = list(tree.departments.values())
    d.dept_counties = {dept: set(tree.dept_counties(dept)) for dept in tree.departments}
    d.cadres = list(tree.cadres.values())
    d.visits = days_of.load_visits(session, first, last)
    d.lectures = counted_lectures(session, first, last, t, today)
    d.reports = list(session.exec(select(MonthlyReport).where(MonthlyReport.year == year).order_by(MonthlyReport.id)))
    d.report_prov = report_provenance(session, d.reports, today=today, targets=t)
    d.form_states = deadlines.form_states(
        tree.paired(), {(r.department_id, r.county_id, r.month): r for r in d.reports}, year, t.months, t, today)
    d.lecture_states = deadlines.lecture_states(session, tree, year, t, today)
    d.project_states = deadlines.project_states(session, tree, year, t, today)
    d.plan_states = deadlines.plan_states(session, tree, year, t, today)
    d.checks = outcomes.check_outcomes(session, *Period(year).bounds(t))
    d.experiences = list(session.exec(select(Experience).where(Experience.year == year).order_by(Experience.id)))
    d.experience_prov = experience_provenance(session, d.experiences, today=today)
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
