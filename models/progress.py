"""Progress figures at every level — the one query module behind the dashboard, the exports and the tests.

Each metric is read with one grouped query at its finest grain (county, department, cadre) and rolled
up in Python: the tables involved are small (visits, checks, reports), and ratings are read from the
``ratingstat`` roll-up, so the cost of a refresh stays flat as ratings grow.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from models import deadlines
from models.clock import today as clock_today
from models.deadlines import form_due
from models.provenance import verified_by_county
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
    SpotCheck,
    Visit,
    VisitCadre,
)
from models.targets import Targets, targets_for
from models.visits import days_by_month

LEVELS = ("province", "city", "county", "department", "cadre")
LEVEL_LABELS = {"province": "全省", "city": "地市", "county": "县（市、区）", "department": "部门", "cadre": "专职干部"}
STATUS_LABELS = {"below": "未达标", "at_risk": "有风险", "on_track": "达标"}


@dataclass(frozen=True)
class Period:
    """A month of a campaign year, or the whole campaign year (``month`` None)."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2019-05`` or ``2019``; raises ValueError with a Chinese message otherwise."""
        text = text.strip()
        try:
            if "-" in text:
                y, m = text.split("-", 1)
                period = cls(int(y), int(m))
                if not 1 <= period.month <= 12:  # type: ignore[operator]
                    raise ValueError
                return period
            return cls(int(text))
        except ValueError:
            raise ValueError(f"月份格式应为 YYYY-MM（如 2019-05）或年份 YYYY：{text}") from None

    @property
    def label(self) -> str:
        return f"{self.year}年全年" if self.month is None else f"{self.year}年{self.month}月"

    @property
    def key(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def months(self, targets: Targets) -> list[int]:
        return targets.months if self.month is None else [self.month]

    def bounds(self, targets: Targets) -> tuple[date, date]:
        """First and last day covered (the campaign's months for a whole year)."""
        months = self.months(targets)
        first, last = months[0], months[-1]
        return date(self.year, first, 1), date(self.year, last, calendar.monthrange(self.year, last)[1])

    def year_to_date(self, targets: Targets) -> tuple[date, date]:
        """From the campaign's start to this period's end (cumulative figures)."""
        return date(self.year, targets.start_month, 1), self.bounds(targets)[1]

    def shifted(self, step: int, targets: Targets) -> Period:
        """The month selector: whole year, then the campaign months in order, cycling."""
        options: list[int | None] = [None, *targets.months]
        idx = options.index(self.month) if self.month in options else 0
        return Period(self.year, options[(idx + step) % len(options)])


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


# --- the organisation tree, read once per call -----------------------------------------------------


@dataclass
class _Tree:
    cities: dict[int, City]
    counties: dict[int, County]
    departments: dict[int, Department]
    cadres: dict[int, Cadre]
    dept_cities: dict[int, list[int]]
    city_depts: dict[int, list[int]]
    city_counties: dict[int, list[int]]
    county_branches: dict[int, int]
    branch_county: dict[int, int]

    def dept_counties(self, dept_id: int) -> list[int]:
        return [c for city in self.dept_cities.get(dept_id, []) for c in self.city_counties.get(city, [])]


def _tree(session: Session) -> _Tree:
    cities = {c.id: c for c in session.exec(select(City).order_by(City.code))}
    counties = {c.id: c for c in session.exec(select(County).order_by(County.code))}
    departments = {d.id: d for d in session.exec(select(Department).order_by(Department.seq))}
    cadres = {c.id: c for c in session.exec(select(Cadre).order_by(Cadre.department_id, Cadre.id))}
    dept_cities: dict[int, list[int]] = defaultdict(list)
    city_depts: dict[int, list[int]] = defaultdict(list)
    for a in session.exec(select(Assignment).order_by(Assignment.id)):
        dept_cities[a.department_id].append(a.city_id)
        city_depts[a.city_id].append(a.department_id)
    for lst in city_depts.values():
        lst.sort(key=lambda d: departments[d].seq)
    city_counties: dict[int, list[int]] = defaultdict(list)
    for c in counties.values():
        city_counties[c.city_id].append(c.id)
    branch_county = dict(session.exec(select(Branch.id, Branch.county_id)).all())
    county_branches: dict[int, int] = defaultdict(int)
    for county_id in branch_county.values():
        county_branches[county_id] += 1
    return _Tree(cities, counties, departments, cadres, dept_cities, city_depts, city_counties,
                 county_branches, branch_county)


# --- the subjects of one level, each with the counties it covers -------------------------------------


@dataclass
class _Subject:
    fig: Figures
    counties: set[int]  # geographic scope (for branches, checks, ratings, reports)
    cities: set[int]
    departments: set[int]  # whose visits count
    cadres: set[int] | None = None  # cadre level: whose visits and lectures count


def _subjects(tree: _Tree, level: str, city_id: int | None, department_id: int | None) -> list[_Subject]:
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


# --- the figures -----------------------------------------------------------------------------------


def progress(
    session: Session,
    level: str,
    period: Period,
    *,
    city_id: int | None = None,
    department_id: int | None = None,
    today: date | None = None,
) -> list[Figures]:
    """Figures for every subject of ``level`` in ``period``.

    ``city_id`` narrows cities/counties to one city; ``department_id`` narrows departments/cadres.
    ``today`` decides which monthly forms are already due (default: today in China).
    """
    targets = targets_for(session, period.year)
    today = today or clock_today()
    tree = _tree(session)
    subjects = _subjects(tree, level, city_id, department_id)
    first, last = period.bounds(targets)
    ytd_first, _ = period.year_to_date(targets)

    # Visits of the year to date (cumulative days), with their cadres for the cadre level. A visit's
    # days count in the months its dates fall in.
    month_lo, month_hi = first.year * 100 + first.month, last.year * 100 + last.month
    visit_rows = []
    for vid, dept, city, county, start, end, days in session.exec(
        select(Visit.id, Visit.department_id, Visit.city_id, Visit.county_id, Visit.start_date, Visit.end_date,
               Visit.full_days)
        .where(Visit.end_date >= ytd_first, Visit.start_date <= last)
    ).all():
        split = days_by_month(start, end, days)
        period_days = sum(d for m, d in split.items() if month_lo <= m <= month_hi)
        to_date = sum(d for m, d in split.items() if m <= month_hi)
        visit_rows.append((vid, dept, city, county, end >= first, period_days, to_date))
    visit_cadres: dict[int, set[int]] = defaultdict(set)
    if level == "cadre":
        for vid, cad in session.exec(
            select(VisitCadre.visit_id, VisitCadre.cadre_id).join(Visit, Visit.id == VisitCadre.visit_id)
            .where(Visit.end_date >= ytd_first, Visit.start_date <= last)
        ):
            visit_cadres[vid].add(cad)

    checks = session.exec(
        select(SpotCheck.branch_id, SpotCheck.wechat_ok, SpotCheck.secretary_operates)
        .where(SpotCheck.checked_on >= first, SpotCheck.checked_on <= last)
    ).all()
    checked: dict[int, bool] = {}  # branch -> failed in any check of the period
    for branch_id, wechat_ok, operates in checks:
        checked[branch_id] = checked.get(branch_id, False) or not (wechat_ok and operates)

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

    # Plain rows, read only (every refresh reads some thousands; ORM objects cost a third of the refresh).
    table = MonthlyReport.__table__  # type: ignore[attr-defined]
    reports = session.connection().execute(
        select(table).where(table.c.year == period.year, table.c.month >= targets.start_month,
                            table.c.month <= last.month)
    ).all()
    report_by_key = {(r.department_id, r.county_id, r.month): r for r in reports}

    # A lecture counts on any day of the campaign year (the seed: 每年……至少1次).
    lecture_first, lecture_last = (first, last) if period.month else (date(period.year, 1, 1),
                                                                      date(period.year, 12, 31))
    lectures = session.exec(
        select(Lecture.cadre_id, Lecture.county_id)
        .where(Lecture.held_on >= lecture_first, Lecture.held_on <= lecture_last)
    ).all()
    cadre_dept = {cid: c.department_id for cid, c in tree.cadres.items()}
    period_months = set(period.months(targets))

    for subj in subjects:
        fig = subj.fig
        fig.counties_total = len(subj.counties)
        fig.branches_total = sum(tree.county_branches.get(k, 0) for k in subj.counties)

        covered: set[int] = set()
        for vid, dept, city, county, overlaps, days, days_to_date in visit_rows:
            if subj.cadres is not None:
                if not (visit_cadres.get(vid, set()) & subj.cadres):
                    continue
            elif level in ("department",):
                if dept not in subj.departments:
                    continue
            elif level == "county":
                if county not in subj.counties:
                    continue
            elif city not in subj.cities:
                continue
            fig.visit_days_year += days_to_date
            if overlaps:
                fig.visits += 1
                fig.visit_days += days
                if county is not None:
                    covered.add(county)
        fig.counties_covered = len(covered & subj.counties) if level != "cadre" else len(covered)

        if subj.cadres is None:
            for branch_id, failed in checked.items():
                if tree.branch_county.get(branch_id) in subj.counties:
                    fig.branches_checked += 1
                    fig.check_failures += int(failed)

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

            _report_figures(fig, subj, tree, report_by_key, period, targets, today, period_months)

        fig.lectures = sum(
            1 for cadre_id, county in lectures
            if level == "province"
            or (subj.cadres is not None and cadre_id in subj.cadres)
            or (subj.cadres is None and level == "department" and cadre_dept.get(cadre_id) in subj.departments)
            or (subj.cadres is None and level != "department" and county in subj.counties)
        )
        fig.visit_days_target = _visit_target(level, period, targets, tree, subj)
        fig.status = _status(fig, level, period, targets)
    return [s.fig for s in subjects]


def _visit_target(level: str, period: Period, targets: Targets, tree: _Tree, subj: _Subject) -> float | None:
    months = len(period.months(targets))
    per_month = targets.dept_days_per_month
    if level == "department":
        return per_month * months
    if level == "province":
        return per_month * months * len(tree.departments)
    if level == "city":
        # A department paired with several cities shares its days between them.
        return sum(per_month * months / max(1, len(tree.dept_cities[d])) for d in subj.departments)
    if level == "cadre":
        return targets.cadre_days_per_year if period.month is None else None
    return None


def _status(fig: Figures, level: str, period: Period, targets: Targets) -> str:
    if level == "cadre":
        ratio = fig.visit_days_year / targets.cadre_days_per_year if targets.cadre_days_per_year else 1.0
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


def _report_figures(fig: Figures, subj: _Subject, tree: _Tree, reports: dict, period: Period,
                    targets: Targets, today: date, period_months: set[int]) -> None:
    """Monthly-form status and the figures departments reported (None stays 未录入)."""
    latest: dict[int, MonthlyReport] = {}  # county -> latest report of the period
    weights_rate: list[tuple[float, int]] = []
    hours: list[tuple[float, int]] = []
    times: list[tuple[float, int]] = []
    for county in subj.counties:
        city = tree.counties[county].city_id
        for dept in tree.city_depts.get(city, []):
            if dept not in subj.departments:
                continue
            for month in period_months:
                report = reports.get((dept, county, month))
                state = deadlines.state(report.submitted_on if report else None,
                                        form_due(period.year, month, targets), today)
                setattr(fig, f"forms_{state}", getattr(fig, f"forms_{state}") + 1)
                if report is not None and (county not in latest or latest[county].month < month):
                    latest[county] = report
        for month in period_months:
            for dept in tree.city_depts.get(city, []):
                report = reports.get((dept, county, month))
                if report is None:
                    continue
                if report.new_nonpublic_orgs is not None:
                    fig.new_nonpublic_orgs = (fig.new_nonpublic_orgs or 0) + report.new_nonpublic_orgs
                if report.new_social_orgs is not None:
                    fig.new_social_orgs = (fig.new_social_orgs or 0) + report.new_social_orgs
    for report in latest.values():
        weight = report.league_members or 1
        if report.volunteer_rate is not None:
            weights_rate.append((report.volunteer_rate, weight))
        if report.service_hours_per_capita is not None:
            hours.append((report.service_hours_per_capita, weight))
        if report.service_times_per_capita is not None:
            times.append((report.service_times_per_capita, weight))
        if report.nonpublic_baseline is not None:
            fig.nonpublic_baseline = (fig.nonpublic_baseline or 0) + report.nonpublic_baseline
        if report.social_baseline is not None:
            fig.social_baseline = (fig.social_baseline or 0) + report.social_baseline
    fig.volunteer_rate = _weighted(weights_rate)
    fig.service_hours = _weighted(hours)
    fig.service_times = _weighted(times)


def _weighted(values: list[tuple[float, int]]) -> float | None:
    total = sum(w for _v, w in values)
    return sum(v * w for v, w in values) / total if total else None


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
    """Department → month → full days visited (the heat grid against 3 a month)."""
    targets = targets_for(session, year)
    grid: dict[int, dict[int, float]] = {d: {m: 0.0 for m in targets.months}
                                          for d in session.exec(select(Department.id)).all()}
    rows = session.exec(
        select(Visit.department_id, Visit.start_date, Visit.end_date, Visit.full_days)
        .where(Visit.end_date >= date(year, targets.start_month, 1),
               Visit.start_date <= date(year, targets.end_month, calendar.monthrange(year, targets.end_month)[1]))
    ).all()
    for dept, start, end, days in rows:
        for key, share in days_by_month(start, end, days).items():
            if key // 100 == year:
                row = grid.setdefault(dept, {})
                row[key % 100] = row.get(key % 100, 0.0) + share
    return grid
