"""Recording a stationed visit and its spot checks, validated by the seed's rules.

``validate_visit`` says what is wrong (``errors``: the visit is refused, with the reason) and what
needs the recorder's confirmation (``confirm``: e.g. a meeting over the size limit, which is then
stored and flagged by the rules module). ``record_visit`` writes the visit, its cadres, its spot
checks and an audit entry in one transaction, or nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlmodel import Session, select

from models.tables import (
    Assignment,
    AuditEntry,
    Branch,
    Cadre,
    City,
    County,
    Department,
    SpotCheck,
    Visit,
    VisitCadre,
)
from models.targets import targets_for


@dataclass
class SpotCheckDraft:
    branch_id: int
    wechat_ok: bool = True
    secretary_operates: bool = True
    notes: str = ""


@dataclass
class VisitDraft:
    department_id: int | None
    city_id: int | None
    county_id: int | None
    start_date: date | None
    end_date: date | None = None
    full_days: float | None = 1.0
    town: str = ""
    max_meeting_size: int | None = None
    cadre_ids: list[int] = field(default_factory=list)
    spot_checks: list[SpotCheckDraft] = field(default_factory=list)
    notes: str = ""


@dataclass
class Verdict:
    errors: list[str] = field(default_factory=list)  # refused: the reason, in Chinese
    confirm: list[str] = field(default_factory=list)  # allowed once the recorder confirms

    @property
    def ok(self) -> bool:
        return not self.errors


class VisitRefused(ValueError):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__("；".join(verdict.errors or verdict.confirm))
        self.verdict = verdict


def validate_visit(session: Session, draft: VisitDraft) -> Verdict:
    v = Verdict()
    dept = session.get(Department, draft.department_id) if draft.department_id else None
    city = session.get(City, draft.city_id) if draft.city_id else None
    if dept is None:
        v.errors.append("请选择驻点部门")
    if city is None:
        v.errors.append("请选择驻点地市")
    if draft.start_date is None:
        v.errors.append("请填写驻点日期（如 2019-05-06）")
        return v
    end = draft.end_date or draft.start_date
    t = targets_for(session, draft.start_date.year)
    if end < draft.start_date:
        v.errors.append("结束日期不能早于开始日期")
    span = (end - draft.start_date).days + 1
    if draft.full_days is None or draft.full_days <= 0:
        v.errors.append("整天数须大于 0")
    elif draft.full_days > span:
        v.errors.append(f"整天数 {draft.full_days:g} 超过驻点日期跨度（{span} 天）")
    if draft.county_id is None:
        if t.visit_county_level >= 1:
            v.errors.append("每次驻点至少到县及以下：请选择县（市、区）或镇街；只到地市一级的驻点不予登记")
    else:
        county = session.get(County, draft.county_id)
        if county is None or (city is not None and county.city_id != city.id):
            v.errors.append("所选县区不属于该地市")
    if not draft.cadre_ids:
        v.errors.append("请选择参加驻点的专职干部")
    for cadre_id in draft.cadre_ids:
        cadre = session.get(Cadre, cadre_id)
        if cadre is None or (dept is not None and cadre.department_id != dept.id):
            v.errors.append("参加驻点的干部须是本部门的专职干部")
            break
    for check in draft.spot_checks:
        branch = session.get(Branch, check.branch_id)
        if branch is None or (draft.county_id is not None and branch.county_id != draft.county_id):
            v.errors.append("抽查的团支部须在本次驻点的县区内")
            break
    if len({c.branch_id for c in draft.spot_checks}) != len(draft.spot_checks):
        v.errors.append("同一团支部在一次驻点中只登记一次抽查")
    if draft.max_meeting_size is not None:
        if draft.max_meeting_size < 0:
            v.errors.append("座谈会人数不能为负数")
        elif draft.max_meeting_size > t.max_meeting_size:
            v.confirm.append(f"座谈会 {draft.max_meeting_size} 人，超过 {t.max_meeting_size:g} 人的上限；"
                             "确认后照实登记，并在预警中标记")
    if dept is not None and city is not None:
        paired = session.exec(select(Assignment.id).where(Assignment.department_id == dept.id,
                                                          Assignment.city_id == city.id)).first()
        if paired is None:
            v.confirm.append(f"{dept.name}不对接{city.name}（附件1）；确认是跨片驻点吗？")
    if draft.start_date.month not in t.months:
        v.confirm.append(f"{draft.start_date.month} 月不在驻点工作时间（{t.start_month}—{t.end_month} 月）内")
    return v


def record_visit(session: Session, draft: VisitDraft, *, confirmed: bool = False, actor: str = "",
                 source: str = "dashboard:visit-form") -> Visit:
    """Store the visit (caller commits). Raises :class:`VisitRefused` if invalid or unconfirmed."""
    verdict = validate_visit(session, draft)
    if verdict.errors or (verdict.confirm and not confirmed):
        raise VisitRefused(verdict)
    assert draft.department_id and draft.city_id and draft.start_date and draft.full_days
    visit = Visit(department_id=draft.department_id, city_id=draft.city_id, county_id=draft.county_id,
                  town=draft.town.strip()[:60], start_date=draft.start_date,
                  end_date=draft.end_date or draft.start_date, full_days=draft.full_days,
                  max_meeting_size=draft.max_meeting_size, notes=draft.notes)
    session.add(visit)
    session.flush()
    for cadre_id in dict.fromkeys(draft.cadre_ids):
        session.add(VisitCadre(visit_id=visit.id, cadre_id=cadre_id))
    for check in draft.spot_checks:
        session.add(SpotCheck(visit_id=visit.id, branch_id=check.branch_id, checked_on=visit.start_date,
                              wechat_ok=check.wechat_ok, secretary_operates=check.secretary_operates,
                              notes=check.notes))
    record = asdict(draft)
    record["confirmed"] = verdict.confirm
    session.add(AuditEntry(actor=actor, source=source, table_name="visit", record_id=str(visit.id),
                           action="create", new_values=json.dumps(record, ensure_ascii=False, default=str)))
    session.flush()
    return visit
