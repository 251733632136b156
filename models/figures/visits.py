"""Real days (seed: 每个部门保证1个月至少3个整天，每名……专职干部保证每年累计时间至少10个整天；每次驻点至少到县及以下).

- A visit's whole days fall on its first ``full_days`` calendar days (a visit from 4月29日 to 5月2日
  with 4 whole days: 2 in April, 2 in May; with 3 whole days over those dates: 4月29日—5月1日).
- Only visits at county level or below count; a visit that stopped at the city is kept and shown
  (违规 in the rules) and counts toward neither the 3 nor the 10 days.
- Days are distinct calendar days: a department's days in a month are the dates on which at least one
  of its cadres was at county level or below (two cadres in two counties on one date: one day); a
  cadre's days are the dates he was; a place's days are distinct (department, date) pairs.
- One cadre is in one place a day: :func:`clashes` names the records a new visit would collide with.
- A cadre's yearly target: 10 days, pro-rated to the campaign days he was in post when he left
  (调离日期); none when the 党组 approved that he takes no part (经党组批准, with approver and date).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from models.tables import Cadre, City, County, Department, Visit, VisitCadre
from models.targets import Targets


def whole_dates(start: date, end: date, full_days: float) -> tuple[date, ...]:
    """The calendar days a visit's whole days fall on: the first ``full_days`` of its dates."""
    span = (end - start).days + 1
    return tuple(start + timedelta(days=i) for i in range(max(0, min(int(full_days), span))))


@dataclass(frozen=True)
class VisitDays:
    id: int
    department_id: int
    city_id: int
    county_id: int | None  # None: the visit stopped at the city (counts no days)
    start: date
    end: date
    dates: tuple[date, ...]  # its whole days
    cadres: frozenset[int]
    meeting: int | None = None  # its largest 座谈会

    @property
    def counts(self) -> bool:
        return self.county_id is not None


def load_visits(session: Session, first: date, last: date) -> list[VisitDays]:
    """Every visit with a date from ``first`` to ``last``, with its whole days and its cadres."""
    rows = session.exec(
        select(Visit.id, Visit.department_id, Visit.city_id, Visit.county_id, Visit.start_date, Visit.end_date,
               Visit.full_days, Visit.max_meeting_size)
        .where(Visit.end_date >= first, Visit.start_date <= last)
        .order_by(Visit.start_date, Visit.id)
    ).all()
    cadres: dict[int, set[int]] = defaultdict(set)
    if rows:
        for vid, cad in session.exec(
            select(VisitCadre.visit_id, VisitCadre.cadre_id).join(Visit, Visit.id == VisitCadre.visit_id)
            .where(Visit.end_date >= first, Visit.start_date <= last)
        ):
            cadres[vid].add(cad)
    return [VisitDays(vid, dept, city, county, start, end, whole_dates(start, end, days), frozenset(cadres[vid]),
                      meeting)
            for vid, dept, city, county, start, end, days, meeting in rows]


def day_set(visits: Iterable[VisitDays], first: date, last: date) -> set[tuple[int, date]]:
    """Distinct (department, date) pairs at county level or below from ``first`` to ``last``."""
    return {(v.department_id, d) for v in visits if v.counts for d in v.dates if first <= d <= last}


def days(visits: Iterable[VisitDays], first: date, last: date) -> int:
    """THE count of real days: distinct department-days at county level or below in the dates given.

    For one department these are its distinct dates; for one cadre (one department) his distinct dates;
    for a place, the days each department spent there."""
    return len(day_set(visits, first, last))


def days_by_month(visits: Iterable[VisitDays], year: int) -> dict[int, int]:
    """Month → real days in ``year`` (the visits given: one department's, one cadre's, one place's)."""
    out: dict[int, int] = defaultdict(int)
    for _dept, d in day_set(visits, date(year, 1, 1), date(year, 12, 31)):
        out[d.month] += 1
    return dict(out)


def of_department(visits: Iterable[VisitDays], dept_id: int) -> list[VisitDays]:
    return [v for v in visits if v.department_id == dept_id]


def of_cadre(visits: Iterable[VisitDays], cadre_id: int) -> list[VisitDays]:
    return [v for v in visits if cadre_id in v.cadres]


# --- cadres' yearly targets ------------------------------------------------------------------------


def is_exempt(cadre: Cadre, year: int) -> bool:
    """经党组批准可不参加: who approved it and when (by the year's end) are both recorded."""
    return bool(cadre.exempt_approved_by.strip()) and cadre.exempt_approved_on is not None \
        and cadre.exempt_approved_on <= date(year, 12, 31)


def campaign_bounds(t: Targets) -> tuple[date, date]:
    last = date(t.year, t.end_month, 1)
    return date(t.year, t.start_month, 1), (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def cadre_target(cadre: Cadre, t: Targets) -> float | None:
    """A cadre's yearly days target: the seed's 10, pro-rated to the campaign days he was in post when
    he left during the campaign (half a day up); ``None`` when exempt. A cadre who left before the
    campaign began has none either."""
    if is_exempt(cadre, t.year):
        return None
    first, last = campaign_bounds(t)
    if cadre.left_on is None or cadre.left_on >= last:
        return t.cadre_days_per_year
    if cadre.left_on < first:
        return None
    served = (cadre.left_on - first).days + 1
    return float(math.floor(t.cadre_days_per_year * served / ((last - first).days + 1) + 0.5))


def target_note(cadre: Cadre, t: Targets) -> str:
    """Why a cadre's target is not the seed's 10, in words ("" when it is)."""
    if is_exempt(cadre, t.year):
        return f"经党组批准不参加（{cadre.exempt_approved_by}，{cadre.exempt_approved_on:%Y-%m-%d}）"
    target = cadre_target(cadre, t)
    if cadre.left_on is not None and target != t.cadre_days_per_year:
        return f"{cadre.left_on:%Y-%m-%d}调离，目标按在岗时间折算为 {target or 0:g} 个整天"
    return ""


# --- one cadre in one place a day -----------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    cadre: str
    day: date
    visit_id: int
    place: str  # 部门·地市·县区 of the recorded visit
    start: date
    end: date

    def message(self, new_place: str) -> str:
        return (f"{self.cadre} {self.day:%Y-%m-%d} 已在驻点记录 #{self.visit_id}（{self.place}，"
                f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}），不能同一天又在{new_place}：一名干部一天只能在一个地方驻点")


def place_name(session: Session, department_id: int | None, city_id: int | None, county_id: int | None) -> str:
    parts = [session.get(Department, department_id).name if department_id else "",
             session.get(City, city_id).name if city_id else "",
             session.get(County, county_id).name if county_id else "（只到市级）"]
    return "·".join(p for p in parts if p)


def clashes(session: Session, cadre_ids: Iterable[int], start: date, end: date, full_days: float, *,
            exclude_visit_id: int | None = None) -> list[Clash]:
    """Recorded visits that already put one of these cadres somewhere on one of this visit's whole days
    (across departments and sources: imports, the phone pages and the dashboard form alike)."""
    wanted = set(whole_dates(start, end, full_days))
    ids = list(cadre_ids)
    if not wanted or not ids:
        return []
    rows = session.exec(
        select(Visit, Cadre.name).join(VisitCadre, VisitCadre.visit_id == Visit.id)
        .join(Cadre, Cadre.id == VisitCadre.cadre_id)
        .where(col(VisitCadre.cadre_id).in_(ids), Visit.start_date <= max(wanted), Visit.end_date >= min(wanted))
        .order_by(Visit.start_date, Visit.id)
    ).all()
    out = []
    for visit, name in rows:
        if visit.id == exclude_visit_id:
            continue
        common = sorted(wanted & set(whole_dates(visit.start_date, visit.end_date, visit.full_days)))
        if common:
            out.append(Clash(name, common[0], visit.id,
                             place_name(session, visit.department_id, visit.city_id, visit.county_id),
                             visit.start_date, visit.end_date))
    return out
