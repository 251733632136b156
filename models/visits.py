"""Recording a visit and its spot checks, validated by the seed's rules (shared by the dashboard form
and the visits importer).

Errors refuse the visit (e.g. one that stayed above county level); warnings need the user's
confirmation and leave the breach visible to the rules (e.g. a meeting of more than 10 people).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models.clock import today as clock_today
from models.figures.visits import clashes, place_name
from models.tables import Assignment, Branch, Cadre, Campaign, County, SpotCheck, Visit, VisitCadre
from models.targets import targets_for


@dataclass
class SpotCheckInput:
    branch_id: int
    wechat_ok: bool
    secretary_operates: bool
    notes: str = ""


@dataclass
class VisitInput:
    department_id: int | None
    city_id: int | None
    county_id: int | None
    start_date: date | None
    end_date: date | None = None
    full_days: float | None = None
    town: str = ""
    max_meeting_size: int | None = None
    cadre_ids: list[int] = field(default_factory=list)
    notes: str = ""
    checks: list[SpotCheckInput] = field(default_factory=list)


@dataclass
class VisitCheck:
    errors: dict[str, str] = field(default_factory=dict)  # field -> Chinese reason; the visit is refused
    warnings: dict[str, str] = field(default_factory=dict)  # field -> Chinese reason; needs confirmation

    @property
    def ok(self) -> bool:
        return not self.errors


class VisitRejected(ValueError):
    def __init__(self, check: VisitCheck):
        self.check = check
        super().__init__("；".join([*check.errors.values(), *check.warnings.values()]))


# Calendar days a visit may span beyond its whole days: arriving one afternoon and leaving the next
# noon is one whole day over two dates; more than that and the dates no longer describe the visit
# (a visit "from 06-15 to 11-30" with 1 whole day would make its live codes verify for months).
SPAN_SLACK_DAYS = 1


def validate_visit(session: Session, data: VisitInput, today: date | None = None, *,
                   replaces: int | None = None) -> VisitCheck:
    """The seed's rules for a visit as of ``today`` (default: the clock's): errors and warnings, in
    Chinese; ``replaces`` is the recorded visit an import row updates (it does not clash with itself)."""
    today = today or clock_today()
    check = VisitCheck()
    err, warn = check.errors, check.warnings
    if data.department_id is None:
        err["department_id"] = "请选择驻点部门"
    if data.city_id is None:
        err["city_id"] = "请选择地市"
    if data.county_id is None:
        err["county_id"] = "每次驻点至少到县及以下：请选择县（市、区）或镇街，只到市级的驻点不予登记"
    elif data.city_id is not None:
        county = session.get(County, data.county_id)
        if county is None or county.city_id != data.city_id:
            err["county_id"] = "所选县（市、区）不属于该地市"
    if data.department_id is not None and data.city_id is not None:
        paired = session.exec(select(Assignment.id).where(Assignment.department_id == data.department_id,
                                                          Assignment.city_id == data.city_id)).first()
        if paired is None:
            warn["city_id"] = "该地市不是本部门按附件1对接的地市"
    if data.start_date is None:
        err["start_date"] = "请填写驻点开始日期"
    else:
        end = data.end_date or data.start_date
        targets = targets_for(session, data.start_date.year)
        if end < data.start_date:
            err["end_date"] = "结束日期不能早于开始日期"
        elif session.get(Campaign, data.start_date.year) is None:
            err["start_date"] = (f"数据库中还没有{data.start_date.year}年的驻点工作年度"
                                 f"（可运行 zhudian init --year {data.start_date.year} 设立）")
        elif data.start_date.month not in targets.months or end.month not in targets.months \
                or end.year != data.start_date.year:
            err["start_date"] = (f"驻点日期应在{data.start_date.year}年{targets.start_month}月至"
                                 f"{targets.end_month}月的驻点工作期间内")
        elif end > today:
            field_ = "end_date" if data.end_date and data.end_date != data.start_date else "start_date"
            err[field_] = f"驻点还没有结束的不能登记：结束日期（{end:%Y-%m-%d}）不能晚于今天（{today:%Y-%m-%d}）"
        span = (end - data.start_date).days + 1
        if data.full_days is None or data.full_days <= 0:
            err["full_days"] = "整天数应大于 0"
        elif data.full_days != int(data.full_days):
            err["full_days"] = f"整天数应为整数：方案要求驻点按整天计算，{data.full_days:g} 天不是整天"
        elif data.full_days > span:
            err["full_days"] = f"整天数不能超过驻点日期跨度（{span} 天）"
        elif span > data.full_days + SPAN_SLACK_DAYS:
            spread = (f"驻点日期跨 {span} 天，但只有 {data.full_days:g} 个整天：请按实际驻点的日期填写"
                      f"（最多跨 {data.full_days + SPAN_SLACK_DAYS:g} 天），分开的几次驻点请分别登记")
            err["end_date"] = "；".join(filter(None, [err.get("end_date"), spread]))
        if data.max_meeting_size is not None:
            if data.max_meeting_size < 0:
                err["max_meeting_size"] = "座谈会人数不能为负数"
            elif data.max_meeting_size > targets.max_meeting_size:
                warn["max_meeting_size"] = (f"座谈会 {data.max_meeting_size} 人，超过不得超过 "
                                            f"{targets.max_meeting_size:g} 人的规定；确认后将登记并标记为违规")
    if not data.cadre_ids:
        err["cadre_ids"] = "请至少选择一名参加驻点的专职干部"
    elif data.department_id is not None:
        depts = {c.department_id for c in session.exec(select(Cadre).where(Cadre.id.in_(data.cadre_ids)))}  # type: ignore[union-attr]
        if depts != {data.department_id} or len(data.cadre_ids) != len(set(data.cadre_ids)):
            err["cadre_ids"] = "参加驻点的专职干部应属于本部门"
    if not err and data.cadre_ids and data.start_date is not None and data.full_days is not None:
        found = clashes(session, data.cadre_ids, data.start_date, data.end_date or data.start_date,
                        data.full_days, exclude_visit_id=replaces)
        if found:
            here = place_name(session, data.department_id, data.city_id, data.county_id)
            err["cadre_ids"] = "；".join(c.message(here) for c in found)
    if data.checks and data.county_id is not None:
        branch_ids = [c.branch_id for c in data.checks]
        counties = dict(session.exec(select(Branch.id, Branch.county_id).where(Branch.id.in_(branch_ids))).all())  # type: ignore[union-attr]
        if len(set(branch_ids)) != len(branch_ids):
            err["checks"] = "同一团支部在一次驻点中只能抽查一次"
        elif any(counties.get(b) != data.county_id for b in branch_ids):
            err["checks"] = "抽查的团支部应属于本次驻点的县（市、区）"
    return check


def record_visit(session: Session, data: VisitInput, *, confirmed: bool = False, today: date | None = None) -> Visit:
    """Validate and store a visit with its cadres and spot checks (the caller commits).

    Raises :class:`VisitRejected` on errors, or on warnings the user has not ``confirmed``.
    """
    check = validate_visit(session, data, today)
    if check.errors or (check.warnings and not confirmed):
        raise VisitRejected(check)
    assert data.start_date is not None and data.full_days is not None
    visit = Visit(
        department_id=data.department_id, city_id=data.city_id, county_id=data.county_id, town=data.town,
        start_date=data.start_date, end_date=data.end_date or data.start_date, full_days=data.full_days,
        max_meeting_size=data.max_meeting_size, notes=data.notes,
    )
    session.add(visit)
    session.flush()
    for cadre_id in data.cadre_ids:
        session.add(VisitCadre(visit_id=visit.id, cadre_id=cadre_id))
    for c in data.checks:
        session.add(SpotCheck(visit_id=visit.id, branch_id=c.branch_id, checked_on=data.start_date,
                              wechat_ok=c.wechat_ok, secretary_operates=c.secretary_operates, notes=c.notes))
    session.flush()
    return visit
