"""A county unit's monthly figures (附件2), read one way everywhere.

**Which form counts.** For a county unit and month, the form of the department 附件1 pairs with its
city; when only other departments' forms exist, the one recorded last. **Which value counts.**
- Stock figures (注册志愿者比例, 人均服务时长/次数, the 两新 任务底数) are the county unit's standing:
  the latest counting form up to the period's end, within the campaign year, *that carries the
  figure*. A blank cell means 未录入 (not recorded), never "cleared", so May's 80 % stands after a
  June form that left the rate blank — and the 90 % rule sees it. The month it comes from is kept.
- Flow figures (本月新建 两新 organisations) add up the counting forms of the period's months.
- Several county units: rates weighted by league members when every unit gives them, else a plain mean;
  counts and baselines add up.

The overview, the city screen, the rules, the evaluation (verified forms only), ``zhudian status`` and
the reports all call :func:`county_figures` / :func:`figures_for`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

STOCK = ("volunteer_rate", "service_hours_per_capita", "service_times_per_capita", "nonpublic_baseline",
         "social_baseline")
FLOW = ("new_nonpublic_orgs", "new_social_orgs")
RATES = ("volunteer_rate", "service_hours_per_capita", "service_times_per_capita")


def counting_forms(reports: Iterable[Any], paired: Callable[[int], Iterable[int]],
                   keep: Callable[[Any], bool] = lambda _r: True) -> dict[tuple[int, int], Any]:
    """(county unit, month) → the form that counts; ``paired(county)`` gives the departments 附件1
    pairs with its city; ``keep`` filters first (the evaluation keeps verified forms only)."""
    chosen: dict[tuple[int, int], Any] = {}
    for r in sorted(reports, key=lambda r: r.id or 0):
        if not keep(r):
            continue
        key = (r.county_id, r.month)
        current = chosen.get(key)
        if current is None or r.department_id in paired(r.county_id) \
                or current.department_id not in paired(r.county_id):
            chosen[key] = r
    return chosen


@dataclass
class Reading:
    """One county unit's (or several's) value of a figure and the forms it was read from."""

    value: float | None = None
    report_ids: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)  # the months the values come from


@dataclass
class MonthlyFigures:
    volunteer_rate: Reading = field(default_factory=Reading)
    service_hours_per_capita: Reading = field(default_factory=Reading)
    service_times_per_capita: Reading = field(default_factory=Reading)
    nonpublic_baseline: Reading = field(default_factory=Reading)
    social_baseline: Reading = field(default_factory=Reading)
    new_nonpublic_orgs: Reading = field(default_factory=Reading)
    new_social_orgs: Reading = field(default_factory=Reading)

    def get(self, attr: str) -> Reading:
        return getattr(self, attr)


def figures_for(chosen: dict[tuple[int, int], Any], counties: Iterable[int], months: Iterable[int],
                upto: int) -> MonthlyFigures:
    """The monthly figures of these county units: stock figures as of month ``upto`` (the period's
    last), flow figures summed over ``months`` (the period's)."""
    counties = set(counties)
    months = set(months)
    out = MonthlyFigures()
    by_county: dict[int, list[Any]] = {}
    for (county, _month), r in chosen.items():
        if county in counties:
            by_county.setdefault(county, []).append(r)
    for attr in STOCK:
        latest = []
        for forms in by_county.values():
            carrying = [r for r in forms if r.month <= upto and getattr(r, attr) is not None]
            if carrying:
                latest.append(max(carrying, key=lambda r: r.month))
        reading = out.get(attr)
        if latest:
            if attr in RATES:
                weights = [r.league_members for r in latest]
                if all(w for w in weights):
                    reading.value = round(sum(getattr(r, attr) * r.league_members for r in latest) / sum(weights), 2)
                else:
                    reading.value = round(sum(getattr(r, attr) for r in latest) / len(latest), 2)
            else:
                reading.value = float(sum(getattr(r, attr) for r in latest))
            reading.report_ids = sorted(r.id for r in latest)
            reading.months = sorted({r.month for r in latest})
    for attr in FLOW:
        found = [r for forms in by_county.values() for r in forms
                 if r.month in months and getattr(r, attr) is not None]
        reading = out.get(attr)
        if found:
            reading.value = float(sum(getattr(r, attr) for r in found))
            reading.report_ids = sorted(r.id for r in found)
            reading.months = sorted({r.month for r in found})
    return out
