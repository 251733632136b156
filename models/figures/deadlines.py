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
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import clock
from models.figures.monthly import CONTENT_ATTRS
from models.tables import CityPlan, Lecture, LectureMaterial, MonthlyReport, ServiceProject
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
    ``reports`` the year's forms by (department, county unit, month). A form counts as handed in on its
    receipt (:func:`receipt`: the system's stamp; an empty form is not handed in)."""
    out = []
    for month in months:
        due = form_due(year, month, targets)
        for dept, county in pairs:
            r = reports.get((dept, county, month))
            submitted = receipt(r, targets) if r is not None else None
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
        submitted = receipt(p, targets) if reviewed else None
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
    received = materials_receipts(session, rows, targets)
    out = []
    for lec in rows:
        cadre = tree.cadres.get(lec.cadre_id)
        if cadre is None:
            continue
        submitted = received[lec.id]
        out.append(ReportState(state(submitted, due, today), due, submitted, lec.id,
                               department_id=cadre.department_id, cadre_id=cadre.id,
                               note=f"{cadre.name} {lec.held_on:%m月%d日}"))
    out.sort(key=lambda s: tree.departments[s.department_id].seq)  # stable: by date within
    return out


def plan_states(session: Session, tree: Any, year: int, targets: Targets, today: date) -> list[ReportState]:
    """Each city's own implementation plan, due to 基层组织建设部 before 5月10日."""
    due = targets.due("city_plan")
    plans = {p.city_id: p for p in session.exec(select(CityPlan).where(CityPlan.year == year))}
    received = {c: receipt(p, targets) for c, p in plans.items()}
    return [ReportState(state(received.get(city_id), due, today), due, received.get(city_id),
                        p.id if p else None, city_id=city_id)
            for city_id, p in ((c, plans.get(c)) for c in tree.cities)]


BACKFILL = "补录"
AMENDED = "报送后修改"


# --- time is the system's: receipts -------------------------------------------------------------------------------


def is_empty(report: MonthlyReport) -> bool:
    """A form with no figure and no text: not a submitted form, whatever date it carries."""
    return all(getattr(report, a) in (None, "") for a in CONTENT_ATTRS)


def is_received(obj) -> bool:
    """Received once: stamped, or recorded with a date before receipts were stamped."""
    return obj.received_at is not None or getattr(obj, "submitted_on", None) is not None


def receive(obj, moment: datetime | None = None, *, claimed: date | None = None, backfill: str = "",
            materials: bool = False) -> None:
    """Stamp ``obj``'s receipt with the system clock (once: the first receipt stands); ``claimed`` is the
    date typed for it, kept as claimed. ``materials``: a lecture's materials rather than the lecture."""
    moment = moment or clock.now()
    if materials:
        if obj.materials_received_at is None and obj.materials_submitted_on is None:
            obj.materials_received_at = moment
            obj.materials_submitted_on = clock.local(moment).date()
        if claimed is not None:
            obj.materials_claimed_on = claimed
    else:
        if not is_received(obj):
            obj.received_at = moment
            if hasattr(obj, "submitted_on"):
                obj.submitted_on = clock.local(moment).date()
        if claimed is not None and hasattr(obj, "claimed_on"):
            obj.claimed_on = claimed
    if backfill and not obj.backfill_reason:
        obj.backfill_reason = backfill[:200]


def record_change(report: MonthlyReport, moment: datetime, targets) -> bool:
    """A change to a received form's figures: after its deadline it is 报送后修改 (kept, audited, shown)."""
    if not is_received(report) or clock.local(moment).date() <= form_due(report.year, report.month, targets):
        return False
    report.amended_at = moment
    return True


def receipt(obj: MonthlyReport | CityPlan | ServiceProject | Lecture, targets=None) -> date | None:
    """THE date a form, plan, project report or lecture's materials count as received: the system's stamp
    (China time), never a typed date. 补录 counts on its claimed date only when the targets say so
    (``backfill_on_time``). An empty monthly form is not received. Rows recorded before receipts were
    stamped keep their recorded date."""
    if isinstance(obj, Lecture):
        if not obj.materials.strip():
            return None
        stamped, claimed, legacy = obj.materials_received_at, obj.materials_claimed_on, obj.materials_submitted_on
    else:
        # A monthly form, as an object or as a plain row (the figures read forms as rows).
        if not isinstance(obj, CityPlan | ServiceProject) and is_empty(obj):
            return None
        stamped, claimed, legacy = obj.received_at, obj.claimed_on, obj.submitted_on
    if stamped is None:
        return legacy
    if obj.backfill_reason and claimed is not None and targets is not None and targets.backfill_on_time:
        return claimed
    return clock.local(stamped).date()


def receipt_flags(obj) -> tuple[str, ...]:
    """补录 and 报送后修改, as they are shown beside a figure."""
    flags = []
    if getattr(obj, "backfill_reason", ""):
        flags.append(f"{BACKFILL}（{obj.backfill_reason}）")
    if getattr(obj, "amended_at", None) is not None:
        flags.append(f"{AMENDED}（{clock.local(obj.amended_at):%Y-%m-%d}）")
    return tuple(flags)


def materials_receipts(session: Session, lectures: Iterable[Lecture], targets=None) -> dict[int, date | None]:
    """Per lecture (by id): when its materials reached the system — an import's stamp (:func:`receipt`), or
    the first file uploaded from the cadre's field page (stamped by the server when stored)."""
    lectures = list(lectures)
    uploads: dict[int, datetime] = {}
    ids = [lec.id for lec in lectures]
    if ids:
        for lecture_id, at in session.exec(select(LectureMaterial.lecture_id, func.min(LectureMaterial.created_at))
                                           .where(col(LectureMaterial.lecture_id).in_(ids))
                                           .group_by(LectureMaterial.lecture_id)):
            uploads[lecture_id] = at
    out: dict[int, date | None] = {}
    for lec in lectures:
        stamped = receipt(lec, targets)
        uploaded = clock.local(uploads[lec.id]).date() if lec.id in uploads else None
        out[lec.id] = min(d for d in (stamped, uploaded) if d is not None) if (stamped or uploaded) else None
    return out
