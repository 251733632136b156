"""The overview's rows: one per city, its figures and what its row shows besides them (the rating
trend, the paired departments' verdict on 3 days a month, its alerts by word). The dashboard's overview,
``zhudian status`` and the leaders' view read this one function."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from models.alert_places import Verdict, marks_by_city, verdicts
from models.figures.period import Period
from models.figures.tree import load_tree
from models.progress import Figures, progress, rating_trend, year_reports
from models.rules import MARK_ORDER, Alert, alerts
from models.targets import targets_for


@dataclass
class RowContext:
    """What a city's row needs besides its Figures."""

    trend: list[tuple[int, int, float | None]] = field(default_factory=list)
    dept_verdict: Verdict | None = None  # worst department-days verdict of the paired departments (None: met)
    alerts: tuple[int, int, int] = (0, 0, 0)  # 违规, 未达标/未报, 有风险/迟报
    months_begun: bool = True  # False: nothing is due yet, so no ✓ either

    @property
    def violations(self) -> int:
        return self.alerts[0]


@dataclass
class OverviewData:
    figures: list[Figures]
    context: dict[int, RowContext]  # city id -> what its row shows besides its figures
    alerts: list[Alert] = field(default_factory=list)

    @property
    def cities_with_violations(self) -> int:
        return sum(1 for f in self.figures if self.context[f.id].violations)


def worst(found: Iterable[Verdict | None]) -> Verdict | None:
    """The worst of several verdicts (违规, then 未达标/未报, then 有风险), months of that mark merged."""
    present = [v for v in found if v is not None]
    for mark in MARK_ORDER:
        same = [v for v in present if v.severity == mark]
        if same:
            return Verdict(mark, sorted({m for v in same for m in v.months}), [a for v in same for a in v.alerts])
    return None


def load_overview(session: Session, period: Period, today: date) -> OverviewData:
    tree, forms = load_tree(session), year_reports(session, period.year)
    figures = progress(session, "city", period, today=today, tree=tree, forms=forms)
    trends = rating_trend(session, period.year, level="city")
    found = alerts(session, period, today=today, tree=tree, forms=forms)
    counts = marks_by_city(found)
    # The seed's visit-day target is a department's, per month: a city shows its departments' verdict.
    dept = {v.alerts[0].subject_name: v for (rule, level, _id), v in verdicts(found).items()
            if rule == "dept_days" and level == "department"}
    begun = any(date(period.year, m, 1) <= today for m in period.months(targets_for(session, period.year)))
    context = {f.id: RowContext(trends.get(f.id, []), worst(dept.get(name) for name in f.departments),
                                counts.get(f.id, (0, 0, 0)), begun)
               for f in figures}
    return OverviewData(figures, context, found)
