"""Progress figures at every level — the one query module behind the dashboard, the exports and the tests.

Each metric is read with one grouped query at its finest grain (county, department, cadre) and rolled
up in Python: the tables involved are small (visits, checks, reports), and ratings are read from the
``ratingstat`` roll-up, so the cost of a refresh stays flat as ratings grow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from models.clock import today as clock_today
from models.figures import deadlines, monthly, outcomes
from models.figures import visits as days_of
from models.figures.lectures import counted_lectures
from models.figures.period import Period
from models.figures.tree import Tree, load_tree
from models.provenance import verified_by_county
from models.tables import Branch, County, Department, MonthlyReport, RatingStat
from models.targets import Targets, targets_for

__all__ = ["LEVELS", "LEVEL_LABELS", "STATUS_LABELS", "Figures", "progress", "rating_trend", "visit_days_grid",
           "year_reports"]

LEVELS = ("province", "city", "county", "department", "cadre")
LEVEL_LABELS = {"province": "全省", "city": "地市", "county": "县（市、区）", "department": "部门", "cadre": "专职干部"}
STATUS_LABELS = {"below": "未达标", "at_risk": "有风险", "on_track": "达标"}


@dataclass
class Figures:
    level: str
    id: int | None
    name: str
    parent_name: str = ""
    departments: list[str] = field(default_factory=list)
    visits: int = 0
    visit_days: float = 0.0
    visit_days_target: float | None = None
    visit_days_year: float = 0.0
    counties_covered: int = 0
    counties_total: int = 0
    branches_total: int = 0
    branches_checked: int = 0
    check_failures: int = 0
    activities_rated: int = 0
    rating_count: int = 0
    verified_ratings: int = 0  # of them, verified (models.provenance): only these count in a score
    rating_sum: int = 0
    score_counts: list[int] = field(default_factory=lambda: [0] * 5)
    suggestions: int = 0
    photos: int = 0
    volunteer_rate: float | None = None
    service_hours: float | None = None
    service_times: float | None = None
    nonpublic_baseline: int | None = None
    new_nonpublic_orgs: int | None = None
    social_baseline: int | None = None
    new_social_orgs: int | None = None
    lectures: int = 0
    forms_on_time: int = 0
    forms_late: int = 0
    forms_missing: int = 0
    forms_pending: int = 0
    city_level_visits: int = 0  # visits that stopped at the city: shown, never counted as days
    target_note: str = ""  # cadre level: why the target is not the seed's (调离, 经党组批准不参加)
    # Stock figures' months: the month each county unit's value comes from (models.figures.monthly)
    figure_months: dict[str, list[int]] = field(default_factory=dict)
    status: str = "on_track"

    @property
    def rating_mean(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def forms_expected(self) -> int:
        return self.forms_on_time + self.forms_late + self.forms_missing + self.forms_pending

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items()}
        data["rating_mean"] = None if self.rating_mean is None else round(self.rating_mean, 3)
        return data


# --- the subjects of one level, each with the counties it covers -------------------------------------


@dataclass
class _Subject:
    fig: Figures
    counties: set[int]  # geographic scope (for branches, checks, ratings, reports)
    cities: set[int]
    departments: set[int]  # whose visits count
    cadres: set[int] | None = None  # cadre level: whose visits and lectures count


def _subjects(tree: Tree, level: str, city_id: int | None, department_id: int | None) -> list[_Subject]:
    def dept_names(ids: Iterable[int]) -> list[str]:
        return [tree.departments[d].name for d in ids]

    out: list[_Subject] = []
    if level == "province":
        out.append(_Subject(Figures("province", None, "广东省", departments=dept_names(tree.departments)),
                            set(tree.counties), set(tree.cities), set(tree.departments)))
    elif level == "city":
        for cid, city in tree.cities.items():
            if city_id is not None and cid != city_id:
                continue
            out.append(_Subject(Figures("city", cid, city.name, "广东省", dept_names(tree.city_depts[cid])),
                                set(tree.city_counties[cid]), {cid}, set(tree.city_depts[cid])))
    elif level == "county":
        for kid, county in tree.counties.items():
            if city_id is not None and county.city_id != city_id:
                continue
            depts = tree.city_depts[county.city_id]
            out.append(_Subject(Figures("county", kid, county.name, tree.cities[county.city_id].name,
                                        dept_names(depts)), {kid}, {county.city_id}, set(depts)))
    elif level == "department":
        for did, dept in tree.departments.items():
            if department_id is not None and did != department_id:
                continue
            cities = tree.dept_cities[did]
            out.append(_Subject(Figures("department", did, dept.name, "、".join(tree.cities[c].name for c in cities),
                                        [dept.name]), set(tree.dept_counties(did)), set(cities), {did}))
    elif level == "cadre":
        for cad_id, cadre in tree.cadres.items():
            if department_id is not None and cadre.department_id != department_id:
                continue
            did = cadre.department_id
            out.append(_Subject(Figures("cadre", cad_id, cadre.name, tree.departments[did].name,
                                        [tree.departments[did].name]),
                                set(tree.dept_counties(did)), set(tree.dept_cities[did]), {did}, {cad_id}))
    else:
        raise ValueError(f"unknown level {level!r}")
    return out


@dataclass
class _PlaceReads:
    """What places' figures read once per call: spot checks, the ratings roll-up per county unit, the
    verified ratings, the monthly forms that count and every expected form's state."""

    checks: list = field(default_factory=list)
    stats: list = field(default_factory=list)
    verified: dict[int, int] = field(default_factory=dict)
    activities: dict[int, int] = field(default_factory=dict)
    chosen: dict = field(default_factory=dict)
    states: list = field(default_factory=list)

    @classmethod
    def read(cls, session: Session, tree: Tree, period: Period, targets: Targets, today: date,
             year_forms: list) -> _PlaceReads:
        first, last = period.bounds(targets)
        month_lo, month_hi = first.year * 100 + first.month, last.year * 100 + last.month
        checks = outcomes.check_outcomes(session, first, last)

        stat_cols = [func.sum(getattr(RatingStat, c)) for c in ("count", "score_sum", "suggestions", "photos",
                                                                "n1", "n2", "n3", "n4", "n5")]
        # Summed per county in the database: one row per county comes back however many ratings (and
        # rated activities) there are, so the Python side below stays flat as ratings grow.
        # For a period of several months most of the roll-up is read anyway: "month + 0" keeps SQLite
        # from walking ix_ratingstat_month and looking up every row by rowid (a plain scan is ~2x faster);
        # a single month still uses the index.
        stat_month = RatingStat.month + 0 if month_hi > month_lo else RatingStat.month
        in_period = (stat_month >= month_lo, stat_month <= month_hi)
        stats = session.exec(
            select(Branch.county_id, *stat_cols)
            .join(Branch, Branch.id == RatingStat.branch_id)
            .where(*in_period)
            .group_by(Branch.county_id)
        ).all()
        rated = (
            select(Branch.county_id, RatingStat.branch_id, RatingStat.activity_id)
            .join(Branch, Branch.id == RatingStat.branch_id)
            .where(*in_period, RatingStat.activity_id != 0)
            .distinct()
            .subquery()
        )
        verified = verified_by_county(session, first, last)
        activities_rated: dict[int, int] = dict(
            session.exec(select(rated.c.county_id, func.count()).group_by(rated.c.county_id)).all()  # type: ignore[arg-type]
        )

        reports = [r for r in year_forms if targets.start_month <= r.month <= last.month]
        chosen = monthly.counting_forms(reports, lambda county: tree.city_depts.get(tree.county_city(county), []))
        report_by_key = {(r.department_id, r.county_id, r.month): r for r in reports}
        states = deadlines.form_states(tree.paired(), report_by_key, period.year, period.months(targets), targets,
                                       today)
        return cls(checks, stats, verified, activities_rated, chosen, states)


# --- the figures -----------------------------------------------------------------------------------


def progress(
    session: Session,
    level: str,
    period: Period,
    *,
    city_id: int | None = None,
    department_id: int | None = None,
    today: date | None = None,
    tree: Tree | None = None,
    forms: list | None = None,
) -> list[Figures]:
    """Figures for every subject of ``level`` in ``period``, assembled from :mod:`models.figures`.

    ``city_id`` narrows cities/counties to one city; ``department_id`` narrows departments/cadres.
    ``today`` decides which monthly forms are already due (default: today in China); ``tree`` and
    ``forms`` (:func:`year_reports`) are the organisation and the year's forms when the caller has read
    them already.
    """
    targets = targets_for(session, period.year)
    today = today or clock_today()
    tree = tree or load_tree(session)
    subjects = _subjects(tree, level, city_id, department_id)
    first, last = period.bounds(targets)
    ytd_first, _ = period.year_to_date(targets)

    visits = days_of.load_visits(session, ytd_first, last)
    # Places' figures (checks, ratings, forms) are read only for places: a cadre has none.
    places = _PlaceReads.read(session, tree, period, targets, today,
                              forms if forms is not None else year_reports(session, period.year)) \
        if level != "cadre" else _PlaceReads()
    checks, stats, verified, activities_rated = places.checks, places.stats, places.verified, places.activities
    chosen, states = places.chosen, places.states

    # A lecture counts on any day of the campaign year (the seed: 每年……至少1次).
    lecture_first, lecture_last = (first, last) if period.month else (date(period.year, 1, 1),
                                                                      date(period.year, 12, 31))
    lectures = [(lec.cadre_id, lec.county_id)
                for lec in counted_lectures(session, lecture_first, lecture_last, targets, today)]
    cadre_dept = {cid: c.department_id for cid, c in tree.cadres.items()}
    index = _VisitIndex(visits)

    for subj in subjects:
        fig = subj.fig
        fig.counties_total = len(subj.counties)
        fig.branches_total = sum(tree.county_branches.get(k, 0) for k in subj.counties)

        mine = index.of(subj, level)
        fig.visit_days = days_of.days(mine, first, last)
        fig.visit_days_year = days_of.days(mine, ytd_first, last)
        in_period_visits = [v for v in mine if v.end >= first]
        fig.visits = len(in_period_visits)
        fig.city_level_visits = sum(1 for v in in_period_visits if not v.counts)
        covered = {v.county_id for v in in_period_visits if v.counts}
        fig.counties_covered = len(covered & subj.counties) if level != "cadre" else len(covered)

        if subj.cadres is None:
            found = outcomes.summarise(checks, subj.counties)
            fig.branches_checked, fig.check_failures = found.branches_checked, found.branches_failed

            for county, count, total, sugg, photos, *dist in stats:
                if county not in subj.counties:
                    continue
                fig.rating_count += count or 0
                fig.rating_sum += total or 0
                fig.suggestions += sugg or 0
                fig.photos += photos or 0
                for i, n in enumerate(dist):
                    fig.score_counts[i] += n or 0
            fig.verified_ratings = sum(verified.get(county, 0) for county in subj.counties)
            # A (branch, activity) pair lies in exactly one county, so per-county counts add up.
            fig.activities_rated = sum(activities_rated.get(county, 0) for county in subj.counties)

            for st in states:
                if st.county_id in subj.counties and st.department_id in subj.departments:
                    setattr(fig, f"forms_{st.state}", getattr(fig, f"forms_{st.state}") + 1)
            _monthly(fig, monthly.figures_for(chosen, subj.counties, period.months(targets), last.month))

        fig.lectures = sum(
            1 for cadre_id, county in lectures
            if level == "province"
            or (subj.cadres is not None and cadre_id in subj.cadres)
            or (subj.cadres is None and level == "department" and cadre_dept.get(cadre_id) in subj.departments)
            or (subj.cadres is None and level != "department" and county in subj.counties)
        )
        if level == "cadre":
            cadre = tree.cadres[fig.id]
            fig.visit_days_target = days_of.cadre_target(cadre, targets) if period.month is None else None
            fig.target_note = days_of.target_note(cadre, targets)
        else:
            fig.visit_days_target = _visit_target(level, period, targets, tree, subj)
        fig.status = _status(fig, level, targets, tree)
    return [s.fig for s in subjects]


def year_reports(session: Session, year: int) -> list:
    """The year's 附件2 forms, as plain read-only rows (every refresh reads some thousands; ORM objects
    cost a third of the refresh). Read once per refresh and passed to whatever needs them."""
    table = MonthlyReport.__table__  # type: ignore[attr-defined]
    return list(session.connection().execute(select(table).where(table.c.year == year)).all())


class _VisitIndex:
    """The period's visits by cadre, department, county unit and city: each subject finds its own."""

    def __init__(self, visits: list[days_of.VisitDays]):
        self.keys: dict[tuple[str, int | None], list[days_of.VisitDays]] = defaultdict(list)
        for v in visits:
            for c in v.cadres:
                self.keys[("cadre", c)].append(v)
            self.keys[("department", v.department_id)].append(v)
            self.keys[("county", v.county_id)].append(v)
            self.keys[("city", v.city_id)].append(v)

    def of(self, subj: _Subject, level: str) -> list[days_of.VisitDays]:
        if subj.cadres is not None:
            return list({v.id: v for c in subj.cadres for v in self.keys[("cadre", c)]}.values())
        if level == "department":
            return [v for d in subj.departments for v in self.keys[("department", d)]]
        if level == "county":
            return [v for k in subj.counties for v in self.keys[("county", k)]]
        return [v for c in subj.cities for v in self.keys[("city", c)]]


def _monthly(fig: Figures, found: monthly.MonthlyFigures) -> None:
    """The monthly figures departments reported (None stays 未录入)."""
    def num(attr: str) -> int | None:
        value = found.get(attr).value
        return None if value is None else int(value)

    fig.volunteer_rate = found.volunteer_rate.value
    fig.service_hours = found.service_hours_per_capita.value
    fig.service_times = found.service_times_per_capita.value
    fig.nonpublic_baseline, fig.social_baseline = num("nonpublic_baseline"), num("social_baseline")
    fig.new_nonpublic_orgs, fig.new_social_orgs = num("new_nonpublic_orgs"), num("new_social_orgs")
    fig.figure_months = {attr: found.get(attr).months for attr in monthly.STOCK if found.get(attr).months}


def _visit_target(level: str, period: Period, targets: Targets, tree: Tree, subj: _Subject) -> float | None:
    months = len(period.months(targets))
    per_month = targets.dept_days_per_month
    if level == "department":
        return per_month * months
    if level == "province":
        return per_month * months * len(tree.departments)
    return None  # the seed sets days per department a month and per cadre a year, not per place


def _status(fig: Figures, level: str, targets: Targets, tree: Tree) -> str:
    if level == "cadre":
        target = fig.visit_days_target if fig.visit_days_target is not None else \
            days_of.cadre_target(tree.cadres[fig.id], targets)
        ratio = fig.visit_days_year / target if target else 1.0
    elif fig.visit_days_target:
        ratio = fig.visit_days / fig.visit_days_target
    else:
        ratio = 1.0
    if fig.forms_missing:
        # A missing monthly form means the figures cannot be verified: never "on track".
        ratio = min(ratio, targets.at_risk_ratio)
    if ratio >= 1:
        return "on_track"
    return "at_risk" if ratio >= targets.at_risk_ratio else "below"


# --- series for charts -------------------------------------------------------------------------------


def rating_trend(session: Session, year: int, level: str = "city") -> dict[int, list[tuple[int, int, float | None]]]:
    """Per city (or county): (month, rating count, mean) for each campaign month, from the roll-up."""
    targets = targets_for(session, year)
    key = County.city_id if level == "city" else County.id
    rows = session.exec(
        select(key, RatingStat.month, func.sum(RatingStat.count), func.sum(RatingStat.score_sum))
        .join(Branch, Branch.id == RatingStat.branch_id)
        .join(County, County.id == Branch.county_id)
        .where(RatingStat.month >= year * 100 + targets.start_month, RatingStat.month <= year * 100 + targets.end_month)
        .group_by(key, RatingStat.month)
    ).all()
    found: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for subject, month, count, total in rows:
        found[subject][month % 100] = (count or 0, total or 0)
    return {
        subject: [(m, by_month.get(m, (0, 0))[0],
                   (by_month[m][1] / by_month[m][0]) if by_month.get(m, (0, 0))[0] else None)
                  for m in targets.months]
        for subject, by_month in found.items()
    }


def visit_days_grid(session: Session, year: int) -> dict[int, dict[int, float]]:
    """Department → month → real days (the heat grid against 3 a month; :mod:`models.figures.visits`)."""
    targets = targets_for(session, year)
    first, last = Period(year).bounds(targets)
    visits = days_of.load_visits(session, first, last)
    grid: dict[int, dict[int, float]] = {}
    for dept in session.exec(select(Department.id)).all():
        by_month = days_of.days_by_month(days_of.of_department(visits, dept), year)
        grid[dept] = {m: float(by_month.get(m, 0)) for m in targets.months}
    return grid
