"""The seed's rules, checked against the records: every alert names the records behind it.

The numbers come from :mod:`models.targets` (per campaign year); the figures from
:mod:`models.progress`; nothing here is a literal of the seed.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from models import deadlines
from models.clock import today as clock_today
from models.deadlines import form_due
from models.progress import Period, progress
from models.tables import (
    Assignment,
    Branch,
    Cadre,
    City,
    CityPlan,
    County,
    Department,
    Lecture,
    MonthlyReport,
    ServiceProject,
    SpotCheck,
    Visit,
    VisitCadre,
)
from models.targets import Targets, targets_for
from models.visits import days_by_month, is_exempt

RULE_LABELS = {
    "dept_days": "部门每月驻点天数",
    "cadre_days": "专职干部年度驻点天数",
    "visit_level": "驻点未到县及以下",
    "meeting_size": "座谈会超过规定人数",
    "volunteer_rate": "团员注册志愿者比例",
    "service_hours": "团员人均服务时长",
    "service_times": "团员年平均服务次数",
    "lectures": "专职干部讲党团课",
    "form_late": "月报表迟报",
    "form_missing": "月报表未报",
    "spot_check": "实地抽查发现问题",
    "project_report": "服务青年工作项目报告",
    "lecture_materials": "党团课材料报送",
    "city_plan": "地市实施方案报送",
}
SEVERITY_LABELS = {"breach": "违反规定", "at_risk": "有风险"}


@dataclass
class Alert:
    rule: str
    severity: str  # "breach" or "at_risk"
    level: str  # department / cadre / county / visit …
    subject_id: int | None
    subject_name: str
    message: str  # Chinese, for coordinators
    records: dict[str, list[int]] = field(default_factory=dict)  # table name -> ids behind the alert
    month: int | None = None

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def alerts(session: Session, period: Period, *, today: date | None = None) -> list[Alert]:
    """Every rule broken (``breach``) or heading that way (``at_risk``) in ``period``.

    A month still under way is judged "at risk", never "breached"; months that have not begun are skipped.
    """
    targets = targets_for(session, period.year)
    today = today or clock_today()
    months = [m for m in period.months(targets) if date(period.year, m, 1) <= today]
    found: list[Alert] = []
    found += _department_days(session, period.year, months, targets, today)
    found += _visit_rules(session, period, months, targets)
    found += _forms(session, period.year, months, targets, today)
    found += _spot_checks(session, period.year, months)
    found += _volunteering(session, period, months, targets)
    if period.month is None or period.month == targets.end_month:
        found += _cadre_year(session, period.year, targets, today)
        found += _projects(session, period.year, targets, today)
        found += _lecture_materials(session, period.year, targets, today)
    if period.month is None or period.month == int(targets.city_plan_due_month):
        found += _city_plans(session, period.year, targets, today)
    order = {"breach": 0, "at_risk": 1}
    found.sort(key=lambda a: (order[a.severity], a.rule, a.month or 0, a.subject_name))
    return found


def _department_days(session: Session, year: int, months: list[int], targets: Targets,
                     today: date) -> list[Alert]:
    out = []
    depts = session.exec(select(Department).order_by(Department.seq)).all()
    visits_by: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    if months:
        for vid, dept, start, end, days in session.exec(
            select(Visit.id, Visit.department_id, Visit.start_date, Visit.end_date, Visit.full_days)
            .where(Visit.end_date >= date(year, months[0], 1), Visit.start_date <= _month_end(year, months[-1]))
        ):
            # A visit's days count in the months its dates fall in.
            for key, share in days_by_month(start, end, days).items():
                if key // 100 == year:
                    visits_by[(dept, key % 100)].append((vid, share))
    for month in months:
        finished = _month_end(year, month) < today
        for dept in depts:
            rows = visits_by.get((dept.id, month), [])
            days = sum(d for _v, d in rows)
            if days >= targets.dept_days_per_month:
                continue
            severity = "breach" if finished else "at_risk"
            out.append(Alert(
                "dept_days", severity, "department", dept.id, dept.name,
                f"{dept.name} {year}年{month}月驻点 {days:g} 个整天，少于规定的 {targets.dept_days_per_month:g} 个整天",
                {"visit": [v for v, _d in rows], "department": [dept.id]}, month,
            ))
    return out


def _visit_rules(session: Session, period: Period, months: list[int], targets: Targets) -> list[Alert]:
    if not months:
        return []
    out = []
    rows = session.exec(
        select(Visit, Department.name, City.name)
        .join(Department, Department.id == Visit.department_id)
        .join(City, City.id == Visit.city_id)
        .where(Visit.start_date >= date(period.year, months[0], 1),
               Visit.start_date <= _month_end(period.year, months[-1]))
        .order_by(Visit.start_date, Visit.id)
    ).all()
    for visit, dept, city in rows:
        if targets.visit_county_level and visit.county_id is None:
            out.append(Alert(
                "visit_level", "breach", "visit", visit.id, f"{dept}·{city}",
                f"{dept} {visit.start_date:%m月%d日} 在{city}的驻点只到市级，未到县及以下",
                {"visit": [visit.id]}, visit.start_date.month,
            ))
        if visit.max_meeting_size is not None and visit.max_meeting_size > targets.max_meeting_size:
            out.append(Alert(
                "meeting_size", "breach", "visit", visit.id, f"{dept}·{city}",
                f"{dept} {visit.start_date:%m月%d日} 在{city}召开 {visit.max_meeting_size} 人座谈会，"
                f"超过 {targets.max_meeting_size:g} 人上限",
                {"visit": [visit.id]}, visit.start_date.month,
            ))
    return out


def _forms(session: Session, year: int, months: list[int], targets: Targets, today: date) -> list[Alert]:
    out = []
    table = MonthlyReport.__table__  # type: ignore[attr-defined]  (plain rows, read only: see progress)
    reports = {(r.department_id, r.county_id, r.month): r
               for r in session.connection().execute(select(table).where(table.c.year == year))}
    pairs = session.exec(
        select(Department, County)
        .join(Assignment, Assignment.department_id == Department.id)
        .join(County, County.city_id == Assignment.city_id)
        .order_by(Department.seq, County.code)
    ).all()
    for month in months:
        due = form_due(year, month, targets)
        for dept, county in pairs:
            report = reports.get((dept.id, county.id, month))
            submitted = report.submitted_on if report else None
            state = deadlines.state(submitted, due, today)
            where = {"department": [dept.id], "county": [county.id]}
            if state == deadlines.MISSING:
                out.append(Alert(
                    "form_missing", "breach", "county", county.id, f"{dept.name}·{county.name}",
                    f"{dept.name} 未报送{county.name} {year}年{month}月的推动情况表（应于{due:%m月%d日}前报送）",
                    where | ({"monthlyreport": [report.id]} if report else {}), month,
                ))
            elif state == deadlines.LATE:
                out.append(Alert(
                    "form_late", "at_risk", "county", county.id, f"{dept.name}·{county.name}",
                    f"{dept.name} 于{submitted:%m月%d日}报送{county.name} {year}年{month}月的推动情况表，"
                    f"晚于{due:%m月%d日}",
                    where | {"monthlyreport": [report.id]}, month,
                ))
    return out


def _spot_checks(session: Session, year: int, months: list[int]) -> list[Alert]:
    if not months:
        return []
    rows = _failed_checks(session, year, months)
    grouped: dict[tuple[int, int], list[tuple[int, bool, bool]]] = defaultdict(list)
    names: dict[int, str] = {}
    for check_id, checked_on, wechat_ok, operates, county_id, county_name in rows:
        grouped[(county_id, checked_on.month)].append((check_id, wechat_ok, operates))
        names[county_id] = county_name
    out = []
    for (county_id, month), checks in sorted(grouped.items()):
        no_group = sum(1 for _c, w, _o in checks if not w)
        no_ops = sum(1 for _c, _w, o in checks if not o)
        parts = []
        if no_group:
            parts.append(f"{no_group} 个团支部未建微信群或群内团员不足3/4")
        if no_ops:
            parts.append(f"{no_ops} 个团支部书记不会操作智慧团建")
        out.append(Alert(
            "spot_check", "at_risk", "county", county_id, names[county_id],
            f"{names[county_id]} {year}年{month}月实地抽查：" + "；".join(parts),
            {"spotcheck": [c for c, _w, _o in checks], "county": [county_id]}, month,
        ))
    return out


def _failed_checks(session: Session, year: int, months: list[int]) -> list[tuple]:
    return list(session.exec(
        select(SpotCheck.id, SpotCheck.checked_on, SpotCheck.wechat_ok, SpotCheck.secretary_operates,
               County.id, County.name)
        .join(Branch, Branch.id == SpotCheck.branch_id)
        .join(County, County.id == Branch.county_id)
        .where(SpotCheck.checked_on >= date(year, months[0], 1),
               SpotCheck.checked_on <= _month_end(year, months[-1]),
               (SpotCheck.wechat_ok == False) | (SpotCheck.secretary_operates == False))  # noqa: E712
        .order_by(SpotCheck.id)
    ).all())


def _volunteering(session: Session, period: Period, months: list[int], targets: Targets) -> list[Alert]:
    """注册志愿者 rate, per-capita hours and times from each county's latest report of the period."""
    if not months:
        return []
    latest: dict[int, MonthlyReport] = {}
    for report in session.exec(
        select(MonthlyReport).where(MonthlyReport.year == period.year, col(MonthlyReport.month).in_(months))
        .order_by(MonthlyReport.month, MonthlyReport.id)
    ):
        latest[report.county_id] = report
    names = dict(session.exec(select(County.id, County.name)).all())
    out = []
    for county_id, report in sorted(latest.items()):
        name = names[county_id]
        where = {"monthlyreport": [report.id], "county": [county_id]}
        if report.volunteer_rate is not None and report.volunteer_rate < targets.volunteer_rate_min:
            # The seed's 注册率90%以上: anything under it is below target, however close.
            out.append(Alert("volunteer_rate", "breach", "county", county_id, name,
                             f"{name} 团员注册志愿者比例 {report.volunteer_rate:g}%，低于 {targets.volunteer_rate_min:g}%",
                             where, report.month))
        # The yearly service targets are judged pro rata: by month m, m/12 of the year's target.
        share = 1.0 if report.month == 12 else report.month / 12
        for rule, value, target, unit in (
            ("service_hours", report.service_hours_per_capita, targets.service_hours_min, "小时"),
            ("service_times", report.service_times_per_capita, targets.service_times_min, "次"),
        ):
            expected = target * share
            if value is not None and value < expected:
                out.append(Alert(rule, "at_risk", "county", county_id, name,
                                 f"{name} 截至{report.month}月 {RULE_LABELS[rule]} {value:g}{unit}，"
                                 f"按全年 {target:g}{unit} 的进度应达 {expected:.1f}{unit}",
                                 where, report.month))
    return out


def _cadre_year(session: Session, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each cadre's 10 full days and one lecture a year (judged once the campaign has ended)."""
    ended = _month_end(year, targets.end_month) < today
    figures = {f.id: f for f in progress(session, "cadre", Period(year), today=today)}
    visit_ids: dict[int, list[int]] = defaultdict(list)
    for vid, cad in session.exec(
        select(VisitCadre.visit_id, VisitCadre.cadre_id).join(Visit, Visit.id == VisitCadre.visit_id)
        .where(Visit.start_date >= date(year, 1, 1), Visit.start_date <= date(year, 12, 31))
    ):
        visit_ids[cad].append(vid)
    out = []
    for cadre in session.exec(select(Cadre).where(Cadre.active == True).order_by(Cadre.id)):  # noqa: E712
        fig = figures.get(cadre.id)
        if fig is None or is_exempt(cadre, year):
            continue  # 经党组批准可不参加: out of the yearly rules
        severity = "breach" if ended else "at_risk"
        if fig.visit_days_year < targets.cadre_days_per_year:
            out.append(Alert("cadre_days", severity, "cadre", cadre.id, f"{fig.parent_name}·{cadre.name}",
                             f"{cadre.name}（{fig.parent_name}）{year}年累计驻点 {fig.visit_days_year:g} 个整天，"
                             f"少于 {targets.cadre_days_per_year:g} 个整天",
                             {"visit": visit_ids.get(cadre.id, []), "cadre": [cadre.id]}))
        if fig.lectures < targets.lectures_per_cadre:
            out.append(Alert("lectures", severity, "cadre", cadre.id, f"{fig.parent_name}·{cadre.name}",
                             f"{cadre.name}（{fig.parent_name}）{year}年讲党团课 {fig.lectures} 次，"
                             f"少于 {targets.lectures_per_cadre:g} 次",
                             {"cadre": [cadre.id]}))
    return out


def _report_alert(rule: str, state: str, dept_or_city: tuple[str, int, str], what: str, due: date,
                  submitted: date | None, where: dict[str, list[int]]) -> Alert | None:
    """The alert of a once-a-year report: missing once due (a breach), or late (at risk)."""
    level, ident, name = dept_or_city
    if state == deadlines.MISSING:
        return Alert(rule, "breach", level, ident, name, f"{name} 未报送{what}（应于{due:%m月%d日}前报送）", where)
    if state == deadlines.LATE:
        return Alert(rule, "at_risk", level, ident, name,
                     f"{name} 于{submitted:%m月%d日}报送{what}，晚于{due:%m月%d日}", where)
    return None


def _projects(session: Session, year: int, targets: Targets, today: date) -> list[Alert]:
    """The service-project report, reviewed by the 分管领导, to 组织部 in early December."""
    due = targets.due("project_report")
    projects = {p.department_id: p for p in session.exec(select(ServiceProject).where(ServiceProject.year == year))}
    out = []
    for dept in session.exec(select(Department).order_by(Department.seq)):
        project = projects.get(dept.id)
        reviewed = project is not None and bool(project.reviewed_by.strip())
        submitted = project.submitted_on if reviewed else None
        where = {"department": [dept.id]} | ({"serviceproject": [project.id]} if project else {})
        what = f"{year}年服务青年工作项目报告（经分管领导审阅后报组织部）"
        if project is not None and project.submitted_on and not reviewed:
            what += "：已报送但未记录分管领导审阅"
        alert = _report_alert("project_report", deadlines.state(submitted, due, today),
                              ("department", dept.id, dept.name), what, due, submitted, where)
        out += [alert] if alert else []
    return out


def _lecture_materials(session: Session, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each lecture's materials (课件、时间、地点、授课人数) to 宣传部 by the end of December."""
    due = targets.due("lecture_materials")
    rows = session.exec(
        select(Lecture, Cadre.name, Department.id, Department.name).join(Cadre, Cadre.id == Lecture.cadre_id)
        .join(Department, Department.id == Cadre.department_id)
        .where(Lecture.held_on >= date(year, 1, 1), Lecture.held_on <= date(year, 12, 31))
        .order_by(Department.seq, Lecture.held_on, Lecture.id)
    ).all()
    out = []
    for lecture, cadre, dept_id, dept in rows:
        submitted = lecture.materials_submitted_on if lecture.materials.strip() else None
        alert = _report_alert("lecture_materials", deadlines.state(submitted, due, today),
                              ("department", dept_id, dept),
                              f"{cadre} {lecture.held_on:%m月%d日}党团课的材料（课件、时间、地点、授课人数）给宣传部",
                              due, submitted, {"lecture": [lecture.id], "department": [dept_id]})
        out += [alert] if alert else []
    return out


def _city_plans(session: Session, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each city's own implementation plan to 基层组织建设部 before 5月10日."""
    due = targets.due("city_plan")
    plans = {p.city_id: p for p in session.exec(select(CityPlan).where(CityPlan.year == year))}
    out = []
    for city in session.exec(select(City).order_by(City.code)):
        plan = plans.get(city.id)
        submitted = plan.submitted_on if plan else None
        alert = _report_alert("city_plan", deadlines.state(submitted, due, today), ("city", city.id, city.name),
                              f"{year}年本地实施方案给基层组织建设部", due, submitted,
                              {"cityplan": [plan.id]} if plan else {})
        out += [alert] if alert else []
    return out
