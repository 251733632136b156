"""The seed's rules, checked against the records: every alert names the records behind it.

The numbers come from :mod:`models.targets` (per campaign year); every figure from
:mod:`models.figures` (the same functions the overview, the evaluation and the reports read); nothing
here is a literal of the seed.

Words that mean one thing (DESIGN): **违规** only for a prohibition of the seed broken (a visit that
stopped at the city, a meeting over the size limit); **未达标** for a target missed (days, lectures,
volunteering, the spot checks' 3/4 and 智慧团建 findings); **未报 / 迟报** for a deadline. **有风险**
is a forecast, not a verdict: a target not yet met in a month (or year) still under way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from models.clock import today as clock_today
from models.figures import deadlines, monthly, outcomes
from models.figures import visits as days_of
from models.figures.period import Period
from models.figures.tree import Tree, load_tree
from models.progress import progress, year_reports
from models.targets import Targets, targets_for

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
VIOLATION, SHORTFALL, DEADLINE = "violation", "shortfall", "deadline"
RULE_KINDS = {"visit_level": VIOLATION, "meeting_size": VIOLATION, "form_late": DEADLINE,
              "form_missing": DEADLINE, "project_report": DEADLINE, "lecture_materials": DEADLINE,
              "city_plan": DEADLINE}
# (kind, severity) -> the one word for it
WORDS = {(VIOLATION, "breach"): "违规", (SHORTFALL, "breach"): "未达标", (SHORTFALL, "at_risk"): "有风险",
         (DEADLINE, "breach"): "未报", (DEADLINE, "at_risk"): "迟报"}
# The marks on screen, worst first: 违规, then 未达标/未报, then 有风险/迟报.
MARK_ORDER = ("violation", "breach", "at_risk")


@dataclass
class Alert:
    rule: str
    severity: str  # "breach" (a verdict: broken, missed, not handed in) or "at_risk" (may still be met; late)
    level: str  # department / cadre / county / visit / city
    subject_id: int | None
    subject_name: str
    message: str  # Chinese, for coordinators
    records: dict[str, list[int]] = field(default_factory=dict)  # table name -> ids behind the alert
    month: int | None = None
    city_ids: list[int] = field(default_factory=list)  # the cities it concerns (a department's: all paired)

    @property
    def kind(self) -> str:
        return RULE_KINDS.get(self.rule, SHORTFALL)

    @property
    def word(self) -> str:
        """违规, 未达标, 有风险, 未报 or 迟报."""
        return WORDS.get((self.kind, self.severity), "有风险")

    @property
    def mark(self) -> str:
        """The mark on screen: ``violation`` (违规), ``breach`` (未达标/未报) or ``at_risk``."""
        return "violation" if self.kind == VIOLATION else self.severity

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def city_id(self) -> int | None:
        return self.city_ids[0] if len(self.city_ids) == 1 else None

    def as_dict(self) -> dict:
        return dict(self.__dict__) | {"kind": self.kind, "word": self.word}


def worst_mark(alerts: list[Alert]) -> str | None:
    marks = {a.mark for a in alerts}
    return next((m for m in MARK_ORDER if m in marks), None)


def alerts(session: Session, period: Period, *, today: date | None = None, tree: Tree | None = None,
           forms: list | None = None) -> list[Alert]:
    """Every rule broken or missed (``breach``) or heading that way (``at_risk``) in ``period``.

    A month still under way is judged "at risk", never "breached"; months that have not begun are skipped.
    ``tree`` and ``forms`` (:func:`models.progress.year_reports`) when the caller has read them already.
    """
    targets = targets_for(session, period.year)
    today = today or clock_today()
    tree = tree or load_tree(session)
    forms = forms if forms is not None else year_reports(session, period.year)
    months = [m for m in period.months(targets) if date(period.year, m, 1) <= today]
    found: list[Alert] = []
    if months:
        first, last = date(period.year, months[0], 1), Period(period.year, months[-1]).bounds(targets)[1]
        visits = days_of.load_visits(session, first, last)
        found += _department_days(tree, visits, period.year, months, targets, today)
        found += _visit_rules(tree, visits, targets, first, last)
        found += _forms(forms, tree, period.year, months, targets, today)
        found += _spot_checks(tree, outcomes.check_outcomes(session, first, last), period.year)
        found += _volunteering(forms, tree, period, months, targets)
    if period.month is None or period.month == targets.end_month:
        found += _cadre_year(session, tree, period.year, targets, today)
        found += _projects(session, tree, period.year, targets, today)
        found += _lecture_materials(session, tree, period.year, targets, today)
    if period.month is None or period.month == int(targets.city_plan_due_month):
        found += _city_plans(session, tree, period.year, targets, today)
    _place(found, tree)
    order = {m: i for i, m in enumerate(MARK_ORDER)}
    found.sort(key=lambda a: (order[a.mark], a.rule, a.month or 0, a.subject_name))
    return found


def _place(found: list[Alert], tree: Tree) -> None:
    """Every alert names the cities it concerns (a county's alert its city: filtering by 湛江 finds them)."""
    for a in found:
        if a.city_ids or a.subject_id is None:
            continue
        if a.level == "county":
            a.city_ids = [tree.county_city(a.subject_id)]
        elif a.level == "city":
            a.city_ids = [a.subject_id]
        elif a.level == "department":
            a.city_ids = list(tree.dept_cities.get(a.subject_id, []))
        elif a.level == "cadre" and a.subject_id in tree.cadres:
            a.city_ids = list(tree.dept_cities.get(tree.cadres[a.subject_id].department_id, []))


def _month_last(year: int, month: int, targets: Targets) -> date:
    return Period(year, month).bounds(targets)[1]


def _department_days(tree: Tree, visits: list[days_of.VisitDays], year: int, months: list[int],
                     targets: Targets, today: date) -> list[Alert]:
    out = []
    for month in months:
        first, last = date(year, month, 1), _month_last(year, month, targets)
        finished = last < today
        for dept in tree.departments.values():
            mine = [v for v in days_of.of_department(visits, dept.id) if v.start <= last and v.end >= first]
            days = days_of.days(mine, first, last)
            if days >= targets.dept_days_per_month:
                continue
            severity = "breach" if finished else "at_risk"
            city_level = sum(1 for v in mine if not v.counts)
            note = f"（另有只到市级的驻点 {city_level} 次，不计天数）" if city_level else ""
            out.append(Alert(
                "dept_days", severity, "department", dept.id, dept.name,
                f"{dept.name} {year}年{month}月驻点 {days:g} 个整天，少于规定的 {targets.dept_days_per_month:g} 个整天{note}",
                {"visit": [v.id for v in mine], "department": [dept.id]}, month,
            ))
    return out


def _visit_rules(tree: Tree, visits: list[days_of.VisitDays], targets: Targets, first: date,
                 last: date) -> list[Alert]:
    """违规: a visit that stopped at the city; a 座谈会 over the size limit (by the visit's start)."""
    out = []
    for v in visits:
        if not first <= v.start <= last:
            continue
        dept, city = tree.departments[v.department_id].name, tree.cities[v.city_id].name
        where = {"visit": [v.id], "department": [v.department_id]}
        if targets.visit_county_level and not v.counts:
            out.append(Alert(
                "visit_level", "breach", "visit", v.id, f"{dept}·{city}",
                f"{dept} {v.start:%m月%d日} 在{city}的驻点只到市级，未到县及以下（不计驻点天数）",
                where, v.start.month, [v.city_id]))
        if v.meeting is not None and v.meeting > targets.max_meeting_size:
            out.append(Alert(
                "meeting_size", "breach", "visit", v.id, f"{dept}·{city}",
                f"{dept} {v.start:%m月%d日} 在{city}召开 {v.meeting} 人座谈会，超过 {targets.max_meeting_size:g} 人上限",
                where, v.start.month, [v.city_id]))
    return out


def _forms(forms: list, tree: Tree, year: int, months: list[int], targets: Targets,
           today: date) -> list[Alert]:
    reports = {(r.department_id, r.county_id, r.month): r for r in forms}
    out = []
    for st in deadlines.form_states(tree.paired(), reports, year, months, targets, today):
        dept, county = tree.departments[st.department_id], tree.counties[st.county_id]
        city = tree.cities[county.city_id].name
        where = {"department": [dept.id], "county": [county.id]} | (
            {"monthlyreport": [st.report_id]} if st.report_id else {})
        if st.state == deadlines.MISSING:
            out.append(Alert(
                "form_missing", "breach", "county", county.id, f"{dept.name}·{city}·{county.name}",
                f"{dept.name} 未报送{city}{county.name} {year}年{st.month}月的推动情况表（应于{st.due:%m月%d日}前报送）",
                where, st.month))
        elif st.state == deadlines.LATE:
            out.append(Alert(
                "form_late", "at_risk", "county", county.id, f"{dept.name}·{city}·{county.name}",
                f"{dept.name} 于{st.submitted_on:%m月%d日}报送{city}{county.name} {year}年{st.month}月的推动情况表，"
                f"晚于{st.due:%m月%d日}",
                where, st.month))
    return out


def _spot_checks(tree: Tree, checks: list[outcomes.CheckOutcome], year: int) -> list[Alert]:
    """未达标: branches whose WeChat group is missing or under 3/4, or whose secretary cannot operate 智慧团建."""
    grouped: dict[tuple[int, int], list[outcomes.CheckOutcome]] = defaultdict(list)
    for c in checks:
        grouped[(c.county_id, c.checked_on.month)].append(c)
    out = []
    for (county_id, month), found in sorted(grouped.items()):
        s = outcomes.summarise(found)
        if not s.branches_failed:
            continue
        county = tree.counties[county_id]
        name = f"{tree.cities[county.city_id].name}·{county.name}"
        parts = []
        if s.no_group:
            parts.append(f"{s.no_group} 个团支部未建微信群或群内团员不足3/4")
        if s.no_operation:
            parts.append(f"{s.no_operation} 个团支部书记不会操作智慧团建")
        out.append(Alert(
            "spot_check", "breach", "county", county_id, name,
            f"{name} {year}年{month}月实地抽查 {s.branches_checked} 个团支部：" + "；".join(parts),
            {"spotcheck": [c.id for c in found if c.failed], "county": [county_id]}, month))
    return out


def _volunteering(forms: list, tree: Tree, period: Period, months: list[int],
                  targets: Targets) -> list[Alert]:
    """注册志愿者 rate, per-capita hours and times: each county unit's standing as of the period's last
    begun month (:mod:`models.figures.monthly`, the reading the overview and the evaluation use)."""
    reports = [r for r in forms if targets.start_month <= r.month <= months[-1]]
    chosen = monthly.counting_forms(reports, lambda k: tree.city_depts.get(tree.county_city(k), []))
    out = []
    for county_id, county in tree.counties.items():
        found = monthly.figures_for(chosen, {county_id}, months, months[-1])
        name = f"{tree.cities[county.city_id].name}·{county.name}"
        rate = found.volunteer_rate
        if rate.value is not None and rate.value < targets.volunteer_rate_min:
            # The seed's 注册率90%以上: anything under it is below target, however close.
            out.append(Alert("volunteer_rate", "breach", "county", county_id, name,
                             f"{name} 团员注册志愿者比例 {rate.value:g}%，低于 {targets.volunteer_rate_min:g}%"
                             f"（{rate.months[-1]}月报表）",
                             {"monthlyreport": rate.report_ids, "county": [county_id]}, rate.months[-1]))
        for rule, attr, target, unit in (
            ("service_hours", "service_hours_per_capita", targets.service_hours_min, "小时"),
            ("service_times", "service_times_per_capita", targets.service_times_min, "次"),
        ):
            reading = found.get(attr)
            if reading.value is None:
                continue
            # The yearly service targets are judged pro rata: by month m, m/12 of the year's target.
            month = reading.months[-1]
            expected = target * (1.0 if month == 12 else month / 12)
            if reading.value < expected:
                out.append(Alert(rule, "at_risk", "county", county_id, name,
                                 f"{name} 截至{month}月 {RULE_LABELS[rule]} {reading.value:g}{unit}，"
                                 f"按全年 {target:g}{unit} 的进度应达 {expected:.1f}{unit}",
                                 {"monthlyreport": reading.report_ids, "county": [county_id]}, month))
    return out


def _cadre_year(session: Session, tree: Tree, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each cadre's days (10, pro-rated when he left) and one lecture a year, judged once the campaign
    has ended; exempt cadres (经党组批准) and those gone before it began are out of the yearly rules."""
    ended = Period(year).bounds(targets)[1] < today
    figures = {f.id: f for f in progress(session, "cadre", Period(year), today=today, tree=tree)}
    first, last = Period(year).bounds(targets)
    visits = days_of.load_visits(session, first, last)
    out = []
    for cadre in tree.cadres.values():
        fig = figures.get(cadre.id)
        target = days_of.cadre_target(cadre, targets)
        if fig is None or target is None:
            continue
        severity = "breach" if ended else "at_risk"
        dept = tree.departments[cadre.department_id].name
        note = f"（{fig.target_note}）" if fig.target_note else ""
        if fig.visit_days_year < target:
            out.append(Alert("cadre_days", severity, "cadre", cadre.id, f"{dept}·{cadre.name}",
                             f"{cadre.name}（{dept}）{year}年累计驻点 {fig.visit_days_year:g} 个整天，"
                             f"少于 {target:g} 个整天{note}",
                             {"visit": [v.id for v in days_of.of_cadre(visits, cadre.id)], "cadre": [cadre.id],
                              "department": [cadre.department_id]}))
        if fig.lectures < targets.lectures_per_cadre:
            out.append(Alert("lectures", severity, "cadre", cadre.id, f"{dept}·{cadre.name}",
                             f"{cadre.name}（{dept}）{year}年讲党团课 {fig.lectures} 次，"
                             f"少于 {targets.lectures_per_cadre:g} 次",
                             {"cadre": [cadre.id], "department": [cadre.department_id]}))
    return out


def _report_alert(rule: str, state: str, dept_or_city: tuple[str, int, str], what: str, due: date,
                  submitted: date | None, where: dict[str, list[int]]) -> Alert | None:
    """The alert of a once-a-year report: not handed in once due (未报), or late (迟报)."""
    level, ident, name = dept_or_city
    if state == deadlines.MISSING:
        return Alert(rule, "breach", level, ident, name, f"{name} 未报送{what}（应于{due:%m月%d日}前报送）", where)
    if state == deadlines.LATE:
        return Alert(rule, "at_risk", level, ident, name,
                     f"{name} 于{submitted:%m月%d日}报送{what}，晚于{due:%m月%d日}", where)
    return None


def _projects(session: Session, tree: Tree, year: int, targets: Targets, today: date) -> list[Alert]:
    """The service-project report, reviewed by the 分管领导, to 组织部 in early December."""
    out = []
    for st in deadlines.project_states(session, tree, year, targets, today):
        what = f"{year}年服务青年工作项目报告（经分管领导审阅后报组织部）" + st.note
        alert = _report_alert("project_report", st.state, ("department", st.department_id,
                                                           tree.departments[st.department_id].name),
                              what, st.due, st.submitted_on,
                              {"department": [st.department_id]} | ({"serviceproject": [st.record_id]}
                                                                    if st.record_id else {}))
        out += [alert] if alert else []
    return out


def _lecture_materials(session: Session, tree: Tree, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each lecture's materials (课件、时间、地点、授课人数) to 宣传部 by the end of December."""
    out = []
    for st in deadlines.lecture_states(session, tree, year, targets, today):
        dept = tree.departments[st.department_id]
        alert = _report_alert("lecture_materials", st.state, ("department", dept.id, dept.name),
                              f"{st.note}党团课的材料（课件、时间、地点、授课人数）给宣传部",
                              st.due, st.submitted_on, {"lecture": [st.record_id], "department": [dept.id]})
        out += [alert] if alert else []
    return out


def _city_plans(session: Session, tree: Tree, year: int, targets: Targets, today: date) -> list[Alert]:
    """Each city's own implementation plan to 基层组织建设部 before 5月10日."""
    out = []
    for st in deadlines.plan_states(session, tree, year, targets, today):
        city = tree.cities[st.city_id]
        alert = _report_alert("city_plan", st.state, ("city", city.id, city.name),
                              f"{year}年本地实施方案给基层组织建设部", st.due, st.submitted_on,
                              {"cityplan": [st.record_id]} if st.record_id else {})
        out += [alert] if alert else []
    return out
