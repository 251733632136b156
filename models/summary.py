"""The province's monthly summary (月度汇总): one row per city in 附件1's order, one per department.

The one assembly behind ``zhudian report summary``, the leaders' pages and the reminders. Every figure
comes from the public functions of the figure modules — :func:`models.progress.progress`,
:func:`models.evaluation.evaluate`, :mod:`models.themes` — never a count of its own.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models.clock import today as clock_today
from models.evaluation import CadreScore, evaluate
from models.figures.period import Period
from models.progress import STATUS_LABELS, Figures, progress
from models.tables import Assignment, City
from models.targets import Targets, targets_for
from models.themes.lexicon import URGENT
from models.themes.query import SuggestionRow, ThemeScope, theme_suggestions, theme_summary
from models.themes.store import analyse_pending

FLAGGED = 50  # flagged suggestions listed at most (the month's newest)


@dataclass
class CityRow:
    """One city's month: the 附件2 columns as the province reads them."""

    seq: int  # 1-based, 附件1's order
    city_id: int | None
    city: str
    departments: str  # the paired departments, 附件1
    visit_days: float
    visit_days_target: float | None
    forms_on_time: int
    forms_late: int
    forms_missing: int
    forms_pending: int
    branches_checked: int
    check_failures: int  # branches found short (no group of 3/4, secretary cannot operate 智慧团建)
    new_nonpublic_orgs: int | None
    nonpublic_baseline: int | None
    new_social_orgs: int | None
    social_baseline: int | None
    volunteer_rate: float | None
    service_hours: float | None
    service_times: float | None
    verified_ratings: int  # this month's verified ratings
    verified_mean: float | None  # the evaluation's verified mean, year to date
    verified_mean_count: int
    flagged: int  # suggestions flagged for attention this month
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class Shortfall:
    """A monthly form of one county unit not yet received (``pending`` before its due day, ``missing`` after)."""

    city: str
    county: str
    state: str


@dataclass
class CadreShort:
    cadre_id: int
    name: str
    days: float  # the year's full days so far
    share: float  # his pro-rated share of the year's days by this month's end


@dataclass
class DepartmentRow:
    department_id: int
    name: str
    cities: str
    visit_days: float  # this month
    visit_days_target: float | None
    days_left: int  # calendar days left in the month after ``today`` (0 once it has ended)
    forms: list[Shortfall] = field(default_factory=list)
    cadres_short: list[CadreShort] = field(default_factory=list)
    status: str = "on_track"

    @property
    def days_short(self) -> float:
        return max(0.0, (self.visit_days_target or 0) - self.visit_days)


@dataclass
class Summary:
    period: Period
    today: date
    targets: Targets
    rows: list[CityRow]
    total: CityRow
    departments: list[DepartmentRow]
    flagged: list[SuggestionRow]

    @property
    def label(self) -> str:
        return self.period.label


def city_order(session: Session) -> list[City]:
    """The cities in 附件1's order (the order the pairs are listed)."""
    seen: dict[int, City] = {}
    for city in session.exec(select(City).join(Assignment, Assignment.city_id == City.id)
                             .order_by(Assignment.id)):
        seen.setdefault(city.id, city)
    for city in session.exec(select(City).order_by(City.code)):  # a city nobody is paired with, last
        seen.setdefault(city.id, city)
    return list(seen.values())


def _row(seq: int, fig: Figures, mean: float | None, mean_count: int, flagged: int) -> CityRow:
    return CityRow(seq, fig.id, fig.name, "、".join(fig.departments), fig.visit_days, fig.visit_days_target,
                   fig.forms_on_time, fig.forms_late, fig.forms_missing, fig.forms_pending, fig.branches_checked,
                   fig.check_failures, fig.new_nonpublic_orgs, fig.nonpublic_baseline, fig.new_social_orgs,
                   fig.social_baseline, fig.volunteer_rate, fig.service_hours, fig.service_times,
                   fig.verified_ratings, mean, mean_count, flagged, fig.status)


def cadre_share(targets: Targets, month: int, target: float | None = None) -> float:
    """The pro-rated share of a cadre's yearly ``target`` (default the seed's) by the end of campaign
    month ``month``."""
    months = targets.months
    done = months.index(month) + 1 if month in months else (len(months) if month > months[-1] else 0)
    return (targets.cadre_days_per_year if target is None else target) * done / len(months)


def month_summary(session: Session, period: Period, *, today: date | None = None) -> Summary:
    """The summary of campaign month ``period`` as of ``today`` (default: today in China)."""
    if period.month is None:
        raise ValueError("月度汇总需要给出月份 YYYY-MM")
    today = today or clock_today()
    targets = targets_for(session, period.year)
    analyse_pending(session)  # the flagged suggestions need every suggestion analysed

    figures = {f.id: f for f in progress(session, "city", period, today=today)}
    province = progress(session, "province", period, today=today)[0]
    ev = evaluate(session, period.year, today=today)
    ratings = {s.id: s.component("ratings").figures[0] for s in ev.cities}

    rows = []
    for seq, city in enumerate(city_order(session), start=1):
        rating = ratings.get(city.id)
        flagged = theme_summary(session, ThemeScope(city_id=city.id), period, quotes=0).urgent.count
        rows.append(_row(seq, figures[city.id], rating.actual if rating else None,
                         (rating.count or 0) if rating else 0, flagged))
    # The province's mean: the cities' verified means weighted by their counts (no rating counted twice).
    counted = [(r.verified_mean, r.verified_mean_count) for r in rows if r.verified_mean is not None]
    weight = sum(n for _m, n in counted)
    total = _row(0, province, round(sum(m * n for m, n in counted) / weight, 2) if weight else None, weight,
                 sum(r.flagged for r in rows))
    total.city = "全省合计"

    flagged_rows = theme_suggestions(session, URGENT, ThemeScope(), period, limit=FLAGGED) if total.flagged else []
    return Summary(period, today, targets, rows, total, _departments(session, period, targets, today, ev.cadres),
                   flagged_rows)


def _departments(session: Session, period: Period, targets: Targets, today: date,
                 cadres: list[CadreScore]) -> list[DepartmentRow]:
    assert period.month is not None
    last = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
    days_left = max(0, (last - today).days)
    counties = progress(session, "county", period, today=today)
    rows = []
    for fig in progress(session, "department", period, today=today):
        row = DepartmentRow(fig.id, fig.name, fig.parent_name, fig.visit_days, fig.visit_days_target, days_left,
                            status=fig.status)
        for county in counties:
            if fig.name in county.departments:
                for state, n in (("missing", county.forms_missing), ("pending", county.forms_pending)):
                    if n:
                        row.forms.append(Shortfall(county.parent_name, county.name, state))
        # The evaluation's cadre rows: the year's days against each cadre's own target (exempt ones have none).
        for c in cadres:
            if c.department == fig.name and not c.exempt:
                share = cadre_share(targets, period.month, c.days_target)
                if c.days < share:
                    row.cadres_short.append(CadreShort(c.id, c.name, c.days, share))
        rows.append(row)
    return rows
