"""The figures behind each component of a city's or department's evaluation.

Each function takes a :class:`View` that says which data may count: the scoring view lets in only
verified data (:mod:`models.provenance`); the "everything" view lets in all of it, so a figure can
show what unverified data would change (feedback, never a score).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models import deadlines
from models.evaluation_data import Data
from models.provenance import UNVERIFIED, VERIFIED
from models.tables import City, Department, MonthlyReport

NOT_RECORDED = "未录入"


@dataclass
class Figure:
    """One figure: what was achieved, against what target, its score, and the records behind it."""

    key: str
    label: str
    actual: float | None
    target: float | None
    score: float  # 0..100
    unit: str = ""
    verified: bool | None = None  # None: the campaign's own records (visits, lectures), no source to check
    records: dict[str, list[int]] = field(default_factory=dict)  # table name -> ids
    detail: str = ""  # the breakdown in words (按时 3、迟报 1、未报 2)
    unverified: str = ""  # what unverified data would make of it — shown, never scored
    counted: bool = True  # False while not yet due: left out of the component's mean
    count: int | None = None  # records counted, where they are not all listed (unverified ratings)

    @property
    def basis(self) -> int:
        return self.count if self.count is not None else sum(len(v) for v in self.records.values())

    @property
    def actual_text(self) -> str:
        return NOT_RECORDED if self.actual is None else f"{self.actual:g}{self.unit}"

    @property
    def target_text(self) -> str:
        return "" if self.target is None else f"{self.target:g}{self.unit}"

    @property
    def verified_text(self) -> str:
        return {True: VERIFIED, False: UNVERIFIED}.get(self.verified, "—")

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "actual": self.actual, "target": self.target,
                "unit": self.unit, "score": self.score, "counted": self.counted,
                "verified": self.verified_text, "detail": self.detail, "unverified": self.unverified,
                "records": self.records}


@dataclass(frozen=True)
class View:
    everything: bool  # count unverified data too
    rating_weight: float  # weight of an unverified rating

    def report(self, d: Data, r: MonthlyReport) -> bool:
        return self.everything or d.report_prov[r.id].verified


def ratio(actual: float | None, target: float | None) -> float:
    if actual is None:
        return 0.0
    if not target or target <= 0:
        return 100.0
    return round(min(actual / target, 1.0) * 100, 1)


def _day(day) -> str:
    return f"{day.month}月{day.day}日"


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _deadline(key: str, label: str, states: list[tuple[str, int | None]], d: Data, table: str) -> Figure:
    """A deadline figure: the mean of each report's state score (on time / late / missing)."""
    due = [(s, rid) for s, rid in states if s != deadlines.PENDING]
    counts = {s: sum(1 for x, _ in due if x == s) for s in (deadlines.ON_TIME, deadlines.LATE, deadlines.MISSING)}
    detail = "、".join(f"{deadlines.STATE_LABELS[s]} {n}" for s, n in counts.items())
    if not due:
        # Nothing due yet (or nothing to hand in): left out of the mean rather than scored 0.
        return Figure(key, label, None, None, 0.0, "份", detail="未到期" if states else "无需报送", counted=False)
    score = _mean([deadlines.score(s, d.t) or 0.0 for s, _ in due])
    return Figure(key, label, counts[deadlines.ON_TIME], len(due), score, "份",
                  records={table: [rid for _s, rid in due if rid is not None]}, detail=detail)


# --- members' ratings and experience (both kinds of subject) ---------------------------------------------


def rating_figure(d: Data, counties: set[int], view: View) -> Figure:
    n_v = sum(d.ratings_verified.get(k, (0, 0))[0] for k in counties)
    s_v = sum(d.ratings_verified.get(k, (0, 0))[1] for k in counties)
    n_a = sum(d.ratings_all.get(k, (0, 0))[0] for k in counties)
    s_a = sum(d.ratings_all.get(k, (0, 0))[1] for k in counties)
    w = 1.0 if view.everything else view.rating_weight
    n, s = n_v + w * (n_a - n_v), s_v + w * (s_a - s_v)
    mean = round(s / n, 2) if n else None
    ids = sorted(i for k in counties for i in d.verified_ids.get(k, []))
    return Figure("ratings", "抽查团员青年评价（现场二维码）平均星级", mean, 5, 0.0 if mean is None else
                  round((mean - 1) / 4 * 100, 1), "星", verified=True, records={"rating": ids},
                  count=n_v + (n_a - n_v if w else 0),
                  detail=f"已核实 {n_v} 条，未核实 {n_a - n_v} 条" + (f"（权重 {w:g}）" if w and n_a > n_v else ""))


def experience_figure(d: Data, county_ids: set[int], department_id: int | None, view: View) -> Figure:
    mine = [e for e in d.experiences if e.county_id in county_ids
            and (department_id is None or e.department_id == department_id)]
    promoted = [e.id for e in mine if d.experience_prov[e.id].promoted]
    checked = sum(1 for e in mine if d.experience_prov[e.id].verified)
    records: dict[str, list[int]] = {"experience": promoted}
    if view.everything:
        promoted = [e.id for e in mine if e.promoted_on or e.promoted_where.strip()]
        flags = [r.id for r in d.reports if r.experience_promoted and r.county_id in county_ids
                 and (department_id is None or r.department_id == department_id)]
        records = {"experience": promoted, "monthlyreport": flags}
    count = sum(len(v) for v in records.values())
    return Figure("experience", "经实地核实并在全省推广的典型经验", count, d.t.experience_full_marks,
                  ratio(count, d.t.experience_full_marks), "条", verified=True, records=records,
                  detail=f"经核实 {checked} 条，其中推广 {len(records['experience'])} 条；共录入 {len(mine)} 条")


# --- cities ---------------------------------------------------------------------------------------------


def _latest(d: Data, reports: list[MonthlyReport], attr: str) -> tuple[float | None, list[int]]:
    """Per county unit its latest report with ``attr``; the value weighted by league members."""
    latest: dict[int, MonthlyReport] = {}
    for r in sorted(reports, key=lambda r: (r.month, r.id or 0)):
        if getattr(r, attr) is not None:
            latest[r.county_id] = r
    if not latest:
        return None, []
    pairs = [(getattr(r, attr), r.league_members or 0) for r in latest.values()]
    weight = sum(w for _v, w in pairs)
    value = sum(v * w for v, w in pairs) / weight if weight else sum(v for v, _w in pairs) / len(pairs)
    return round(value, 2), sorted(r.id for r in latest.values())


def _founded(reports: list[MonthlyReport]) -> tuple[float | None, float | None, list[int]]:
    """两新 organisations founded (each county unit and month once) against the latest baselines."""
    chosen: dict[tuple[int, int], MonthlyReport] = {}
    for r in sorted(reports, key=lambda r: r.id or 0):
        chosen[(r.county_id, r.month)] = r
    rows = list(chosen.values())
    any_founded = any(r.new_nonpublic_orgs is not None or r.new_social_orgs is not None for r in rows)
    founded = sum((r.new_nonpublic_orgs or 0) + (r.new_social_orgs or 0) for r in rows) if any_founded else None
    base: dict[int, MonthlyReport] = {}
    for r in sorted(rows, key=lambda r: r.month):
        if r.nonpublic_baseline is not None or r.social_baseline is not None:
            base[r.county_id] = r
    baseline = float(sum((r.nonpublic_baseline or 0) + (r.social_baseline or 0) for r in base.values())) \
        if base else None
    return founded, baseline, sorted(r.id for r in rows)


def city_objective(d: Data, city: City, view: View) -> list[Figure]:
    t = d.t
    reports = [r for r in d.reports if d.county_city[r.county_id] == city.id and r.month in t.months
               and view.report(d, r)]
    figures = []
    for key, attr, label, target, unit in (
        ("volunteer_rate", "volunteer_rate", "团员注册志愿者比例", t.volunteer_rate_min, "%"),
        ("service_hours", "service_hours_per_capita", "团员人均服务时长", t.service_hours_min, "小时"),
        ("service_times", "service_times_per_capita", "团员人均服务次数", t.service_times_min, "次"),
    ):
        value, ids = _latest(d, reports, attr)
        figures.append(Figure(key, label, value, target, ratio(value, target), unit, verified=True,
                              records={"monthlyreport": ids}))
    founded, baseline, ids = _founded([r for r in reports if r.new_nonpublic_orgs is not None
                                       or r.new_social_orgs is not None or r.nonpublic_baseline is not None
                                       or r.social_baseline is not None])
    figures.append(Figure("founded", "“两新”组织新建团组织数（对照任务底数）", founded, baseline,
                          ratio(founded, baseline) if baseline else 0.0, "个", verified=True,
                          records={"monthlyreport": ids}))
    plan = d.plans.get(city.id)
    state = deadlines.state(plan.submitted_on if plan else None, t.due("city_plan"), d.today)
    figures.append(_deadline("city_plan", f"本地实施方案（{_day(t.due('city_plan'))}前报基层组织建设部）",
                             [(state, plan.id if plan else None)], d, "cityplan"))
    return figures


# --- departments ----------------------------------------------------------------------------------------


def department_objective(d: Data, dept: Department, view: View) -> list[Figure]:
    t = d.t
    months = t.months
    visits = [v for v in d.visits if v.department_id == dept.id]
    vids = [v.id for v in visits]
    per_month: dict[int, float] = defaultdict(float)
    for v in visits:
        for m, n in d.visit_months[v.id].items():
            per_month[m] += n
    month_scores = [min(per_month[m] / t.dept_days_per_month, 1.0) if t.dept_days_per_month else 1.0
                    for m in months]
    mine = [c for c in d.cadres if c.department_id == dept.id and not d.exempt(c)]
    exempt = sum(1 for c in d.cadres if c.department_id == dept.id and d.exempt(c))
    cadre_days: dict[int, float] = defaultdict(float)
    for v in d.visits:
        for c in d.visit_cadres.get(v.id, ()):
            cadre_days[c] += sum(d.visit_months[v.id].values())
    lectures = [lec for lec in d.lectures if lec.cadre_id in {c.id for c in mine}]
    given: dict[int, int] = defaultdict(int)
    for lec in lectures:
        given[lec.cadre_id] += 1
    days_met = sum(1 for c in mine if cadre_days[c.id] >= t.cadre_days_per_year)
    lectures_met = sum(1 for c in mine if given[c.id] >= t.lectures_per_cadre)
    county_level = sum(1 for v in visits if v.county_id is not None)
    small = [v for v in visits if v.max_meeting_size is None or v.max_meeting_size <= t.max_meeting_size]
    exempt_note = f"经党组批准不参加 {exempt} 人不计" if exempt else ""
    figures = [
        Figure("dept_days", f"每月驻点达 {t.dept_days_per_month:g} 个整天的月份", sum(1 for x in month_scores if x >= 1),
               len(months), _mean([x * 100 for x in month_scores]), "个月", records={"visit": vids},
               detail="、".join(f"{m}月 {per_month[m]:g} 天" for m in months)),
        Figure("cadre_days", f"专职干部年累计驻点达 {t.cadre_days_per_year:g} 个整天的人数", days_met if mine else None,
               len(mine) or None, ratio(days_met, len(mine)) if mine else 0.0, "人", records={"visit": vids},
               detail=exempt_note),
        Figure("lectures", "专职干部讲党团课达标人数", lectures_met if mine else None, len(mine) or None,
               ratio(lectures_met, len(mine)) if mine else 0.0, "人", records={"lecture": [x.id for x in lectures]},
               detail=exempt_note),
        Figure("county_level", "到县及以下的驻点次数", county_level if visits else None, len(visits) or None,
               ratio(county_level, len(visits)) if visits else 0.0, "次", records={"visit": vids}),
        Figure("meeting_size", f"座谈会不超过 {t.max_meeting_size:g} 人的驻点次数", len(small) if visits else None,
               len(visits) or None, ratio(len(small), len(visits)) if visits else 0.0, "次",
               records={"visit": vids}, detail=f"超过规定人数 {len(visits) - len(small)} 次" if visits else ""),
    ]
    figures.append(_forms(d, dept))
    due = t.due("lecture_materials")
    figures.append(_deadline(
        "lecture_materials", f"党团课材料（课件、时间、地点、授课人数）{_day(due)}前报宣传部",
        [(deadlines.state(lec.materials_submitted_on if lec.materials.strip() else None, due, d.today), lec.id)
         for lec in lectures], d, "lecture"))
    project = d.projects.get(dept.id)
    submitted = project.submitted_on if project and project.reviewed_by.strip() else None
    fig = _deadline("project_report", f"服务青年工作项目报告（经分管领导审阅，{_day(t.due('project_report'))}前报组织部）",
                    [(deadlines.state(submitted, t.due("project_report"), d.today), project.id if project else None)],
                    d, "serviceproject")
    if project and project.submitted_on and not project.reviewed_by.strip():
        fig.detail += "（已报送但未记录分管领导审阅，按未报计）"
    figures.append(fig)
    return figures


def _forms(d: Data, dept: Department) -> Figure:
    """附件2 per paired county unit and campaign month; a form counts only with its 报送日期."""
    by_key = {(r.county_id, r.month): r for r in d.reports if r.department_id == dept.id}
    states = []
    for county in sorted(d.dept_counties.get(dept.id, set())):
        for month in d.t.months:
            r = by_key.get((county, month))
            states.append((deadlines.state(r.submitted_on if r else None, deadlines.form_due(d.year, month, d.t),
                                           d.today), r.id if r else None))
    return _deadline("forms", "附件2月报表按时报送（每县区每月，月底前）", states, d, "monthlyreport")
