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
from functools import cached_property
from typing import Any

# The figures of 附件2 that are scored and so need evidence (任务底数 are tasks, not figures).
FIGURE_ATTRS = ("league_members", "branches_without_cadre", "new_nonpublic_orgs", "new_nonpublic_members",
                "new_social_orgs", "new_social_members", "volunteer_rate", "service_hours_per_capita",
                "service_times_per_capita")
FIGURE_LABELS = {"league_members": "团员数", "branches_without_cadre": "无团干团支部数",
                 "new_nonpublic_orgs": "本月新建团非公企业数", "new_nonpublic_members": "本月新增非公企业团员数",
                 "new_social_orgs": "本月新建团社会组织数", "new_social_members": "本月新增社会组织团员数",
                 "volunteer_rate": "注册志愿者比例", "service_hours_per_capita": "人均服务时长",
                 "service_times_per_capita": "人均服务次数"}
CONTENT_ATTRS = (*FIGURE_ATTRS, "nonpublic_baseline", "social_baseline", "typical_org_name", "typical_org_experience",
                 "branch_experience")
STOCK = ("volunteer_rate", "service_hours_per_capita", "service_times_per_capita", "nonpublic_baseline",
         "social_baseline")
FLOW = ("new_nonpublic_orgs", "new_social_orgs")
RATES = ("volunteer_rate", "service_hours_per_capita", "service_times_per_capita")


class Forms(dict):
    """(county unit, month) → the form that counts, also grouped by county unit."""

    @cached_property
    def by_county(self) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        for (county, _month), r in self.items():
            out.setdefault(county, []).append(r)
        for forms in out.values():
            forms.sort(key=lambda r: r.month, reverse=True)  # latest first: a stock figure stops early
        return out


def counting_forms(reports: Iterable[Any], paired: Callable[[int], Iterable[int]],
                   keep: Callable[[Any], bool] = lambda _r: True) -> Forms:
    """(county unit, month) → the form that counts; ``paired(county)`` gives the departments 附件1
    pairs with its city; ``keep`` filters first (the evaluation keeps verified forms only)."""
    chosen = Forms()
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


def figures_for(chosen: Forms, counties: Iterable[int], months: Iterable[int], upto: int) -> MonthlyFigures:
    """The monthly figures of these county units: stock figures as of month ``upto`` (the period's
    last), flow figures summed over ``months`` (the period's)."""
    months = set(months)
    out = MonthlyFigures()
    by_county = {c: chosen.by_county[c] for c in set(counties) if c in chosen.by_county}
    for attr in STOCK:
        latest = []
        for forms in by_county.values():
            found = next((r for r in forms if r.month <= upto and getattr(r, attr) is not None), None)
            if found is not None:
                latest.append(found)
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
