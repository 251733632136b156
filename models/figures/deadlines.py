"""The seed's deadlines and the one rule for a report's state: on time, late, missing or not yet due.

附件2 is due at each month's end per county unit (each department reports on its paired cities'
county units); the service-project report in early December (to 组织部), the lecture materials at
the end of December (to 宣传部), the cities' own implementation plans before 5月10日 (to
基层组织建设部). Progress, rules and the evaluation all read a state through :func:`state`, and every expected form's through
:func:`form_states`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from models.tables import CityPlan, Lecture, ServiceProject
from models.targets import Targets

ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
PENDING = "pending"
STATE_LABELS = {ON_TIME: "按时", LATE: "迟报", MISSING: "未报", PENDING: "未到期"}


def state(submitted_on: date | None, due: date, today: date) -> str:
    """On time when handed in by ``due``, late after it; missing once ``due`` has passed without it."""
    if submitted_on is not None:
        return ON_TIME if submitted_on <= due else LATE
    return MISSING if today > due else PENDING


def form_due(year: int, month: int, targets: Targets) -> date:
    """The monthly form (附件2) is due at the month's end, plus any grace days."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last + timedelta(days=int(targets.monthly_form_grace_days))


def score(state_: str, targets: Targets) -> float | None:
    """What a report in ``state_`` scores (the targets table's); ``None`` while it is not yet due."""
    return {ON_TIME: targets.deadline_score_on_time, LATE: targets.deadline_score_late,
            MISSING: targets.deadline_score_missing}.get(state_)


@dataclass(frozen=True)
class FormState:
    """One expected 附件2: a department's form for a paired county unit and campaign month."""

    department_id: int
    county_id: int
    month: int
    state: str
    due: date
    report_id: int | None
    submitted_on: date | None


def form_states(pairs: Iterable[tuple[int, int]], reports: dict[tuple[int, int, int], Any], year: int,
                months: Iterable[int], targets: Targets, today: date) -> list[FormState]:
    """The state of every expected form: ``pairs`` are (department, county unit) per 附件1,
    ``reports`` the year's forms by (department, county unit, month). A form counts as handed in with
    its 报送日期 only."""
    out = []
    for month in months:
        due = form_due(year, month, targets)
        for dept, county in pairs:
            r = reports.get((dept, county, month))
            submitted = r.submitted_on if r is not None else None
            out.append(FormState(dept, county, month, state(submitted, due, today), due,
                                 r.id if r is not None else None, submitted))
    return out


@dataclass(frozen=True)
class ReportState:
    """A once-a-year report's state: a department's project report or lecture materials, a city's plan."""

    state: str
    due: date
    submitted_on: date | None
    record_id: int | None
    department_id: int | None = None
    city_id: int | None = None
    cadre_id: int | None = None
    note: str = ""


def project_states(session: Session, tree: Any, year: int, targets: Targets, today: date) -> list[ReportState]:
    """Each department's service-project report: handed in only once its 分管领导's review is recorded."""
    due = targets.due("project_report")
    projects = {p.department_id: p for p in session.exec(select(ServiceProject).where(ServiceProject.year == year))}
    out = []
    for dept_id in tree.departments:
        p = projects.get(dept_id)
        reviewed = p is not None and bool(p.reviewed_by.strip())
        submitted = p.submitted_on if reviewed else None
        note = "：已报送但未记录分管领导审阅（按未报计）" if p is not None and p.submitted_on and not reviewed else ""
        out.append(ReportState(state(submitted, due, today), due, submitted, p.id if p else None,
                               department_id=dept_id, note=note))
    return out


def lecture_states(session: Session, tree: Any, year: int, targets: Targets, today: date) -> list[ReportState]:
    """Each lecture's materials (课件、时间、地点、授课人数), due to 宣传部 at the end of December."""
    due = targets.due("lecture_materials")
    rows = session.exec(
        select(Lecture).where(Lecture.held_on >= date(year, 1, 1), Lecture.held_on <= date(year, 12, 31))
        .order_by(Lecture.held_on, Lecture.id)
    ).all()
    out = []
    for lec in rows:
        cadre = tree.cadres.get(lec.cadre_id)
        if cadre is None:
            continue
        submitted = lec.materials_submitted_on if lec.materials.strip() else None
        out.append(ReportState(state(submitted, due, today), due, submitted, lec.id,
                               department_id=cadre.department_id, cadre_id=cadre.id,
                               note=f"{cadre.name} {lec.held_on:%m月%d日}"))
    out.sort(key=lambda s: tree.departments[s.department_id].seq)  # stable: by date within
    return out


def plan_states(session: Session, tree: Any, year: int, targets: Targets, today: date) -> list[ReportState]:
    """Each city's own implementation plan, due to 基层组织建设部 before 5月10日."""
    due = targets.due("city_plan")
    plans = {p.city_id: p for p in session.exec(select(CityPlan).where(CityPlan.year == year))}
    return [ReportState(state(p.submitted_on if p else None, due, today), due, p.submitted_on if p else None,
                        p.id if p else None, city_id=city_id)
            for city_id, p in ((c, plans.get(c)) for c in tree.cities)]
