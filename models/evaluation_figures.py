"""The figures behind each component of a city's or department's evaluation.

Each function takes a :class:`View` that says which data may count: the scoring view lets in only
verified data (:mod:`models.provenance`); the "everything" view lets in all of it, so a figure can
show what unverified data would change (feedback, never a score).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models.evaluation_data import Data
from models.figures import deadlines, monthly, outcomes
from models.figures import visits as days_of
from models.provenance import UNVERIFIED, VERIFIED
from models.tables import City, Department, MonthlyReport

NOT_RECORDED = "未录入"
NO_VERIFIED_RATINGS = "无核实评价"


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
    missing_text: str = NOT_RECORDED  # what an empty actual reads as
    evidence: list[dict] = field(default_factory=list)  # per record: its files, checks, receipt (models.evidence)

    @property
    def basis(self) -> int:
        return self.count if self.count is not None else sum(len(v) for v in self.records.values())

    @property
    def actual_text(self) -> str:
        return self.missing_text if self.actual is None else f"{self.actual:g}{self.unit}"

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
                "records": self.records, "evidence": self.evidence}


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
    """(mean stars − 1) ÷ 4 × 100 of verified ratings; none verified: 无核实评价, scored 0 — a rating no
    one can verify is not evidence of the work (the seed: 一律不计入工作成效), and leaving the part out
    would reward a place where no spot check was ever made."""
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
                  count=n_v + (n_a - n_v if w else 0), missing_text=NO_VERIFIED_RATINGS,
                  detail=f"已核实 {n_v} 条，未核实 {n_a - n_v} 条" + (f"（权重 {w:g}）" if w and n_a > n_v else ""))


def experience_figure(d: Data, county_ids: set[int], department_id: int | None, view: View) -> Figure:
    """Each verified, promoted experience earns 100 ÷ ``experience_full_marks`` points, up to 100."""
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
    each = 100 / d.t.experience_full_marks if d.t.experience_full_marks else 100.0
    return Figure("experience", "经实地核实并在全省推广的典型经验", count, d.t.experience_full_marks,
                  round(min(count * each, 100.0), 1), "条", verified=True, records=records,
                  detail=f"每条 {each:g} 分；经核实 {checked} 条，其中推广 {len(records['experience'])} 条；"
                         f"共录入 {len(mine)} 条")


# --- cities ---------------------------------------------------------------------------------------------


def _monthly_figures(d: Data, counties: set[int], view: View) -> list[Figure]:
    """Volunteering and 两新 from the forms that count (:mod:`models.figures.monthly`), verified only in
    the scoring view: the county unit's standing at the campaign's end, new organisations summed."""
    t = d.t
    if view.everything not in d.forms:  # the forms that count, once per view
        d.forms[view.everything] = monthly.counting_forms([r for r in d.reports if r.month in t.months],
                                                          d.paired, lambda r: view.report(d, r))
    found = monthly.figures_for(d.forms[view.everything], counties, t.months, t.end_month)
    figures = []
    for key, attr, label, target, unit in (
        ("volunteer_rate", "volunteer_rate", "团员注册志愿者比例", t.volunteer_rate_min, "%"),
        ("service_hours", "service_hours_per_capita", "团员人均服务时长", t.service_hours_min, "小时"),
        ("service_times", "service_times_per_capita", "团员人均服务次数", t.service_times_min, "次"),
    ):
        r = found.get(attr)
        figures.append(Figure(key, label, r.value, target, ratio(r.value, target), unit, verified=True,
                              records={"monthlyreport": r.report_ids},
                              detail=f"取各县区最近一份填报该项的月报表（{'、'.join(f'{m}月' for m in r.months)}）"
                              if r.months else ""))
    new = [found.new_nonpublic_orgs, found.new_social_orgs]
    base = [found.nonpublic_baseline, found.social_baseline]
    founded = sum(r.value for r in new if r.value is not None) if any(r.value is not None for r in new) else None
    baseline = sum(r.value for r in base if r.value is not None) if any(r.value is not None for r in base) else None
    ids = sorted({i for r in (*new, *base) for i in r.report_ids})
    figures.append(Figure("founded", "“两新”组织新建团组织数（对照任务底数）", founded, baseline,
                          ratio(founded, baseline) if baseline else 0.0, "个", verified=True,
                          records={"monthlyreport": ids}))
    return figures


def city_objective(d: Data, city: City, view: View) -> list[Figure]:
    t = d.t
    counties = {k for k, c in d.county_city.items() if c == city.id}
    figures = _monthly_figures(d, counties, view)
    st = next(s for s in d.plan_states if s.city_id == city.id)
    figures.append(_deadline("city_plan", f"本地实施方案（{_day(t.due('city_plan'))}前报基层组织建设部）",
                             [(st.state, st.record_id)], d, "cityplan"))
    return figures


# --- departments ----------------------------------------------------------------------------------------


def department_objective(d: Data, dept: Department, view: View) -> list[Figure]:
    """本部门工作: what the department itself did (days, cadres, lectures, visits, forms, reports)."""
    t = d.t
    months = t.months
    visits = days_of.of_department(d.visits, dept.id)
    vids = [v.id for v in visits]
    by_month = days_of.days_by_month(visits, d.year)
    # Partial credit per month, stated as days: each month counts at most its target.
    capped = sum(min(by_month.get(m, 0), t.dept_days_per_month) for m in months)
    wanted = t.dept_days_per_month * len(months)
    targets = {c.id: d.target(c) for c in d.cadres if c.department_id == dept.id}
    mine = [c for c in d.cadres if c.department_id == dept.id and targets[c.id] is not None]
    exempt = sum(1 for c in d.cadres if c.department_id == dept.id and days_of.is_exempt(c, d.year))
    cadre_days = {c.id: days_of.days(days_of.of_cadre(d.visits, c.id), *_year(d)) for c in mine}
    lectures = [lec for lec in d.lectures if lec.cadre_id in {c.id for c in mine}]
    given: dict[int, int] = defaultdict(int)
    for lec in lectures:
        given[lec.cadre_id] += 1
    days_met = sum(1 for c in mine if cadre_days[c.id] >= (targets[c.id] or 0))
    lectures_met = sum(1 for c in mine if given[c.id] >= t.lectures_per_cadre)
    county_level = sum(1 for v in visits if v.counts)
    small = [v for v in visits if v.meeting is None or v.meeting <= t.max_meeting_size]
    left = [c for c in mine if targets[c.id] != t.cadre_days_per_year]
    notes = ([f"经党组批准不参加 {exempt} 人不计"] if exempt else []) + \
        [f"{c.name} {days_of.target_note(c, t)}" for c in left]
    figures = [
        Figure("dept_days", f"每月驻点整天数（每月最多计 {t.dept_days_per_month:g} 天）", capped, wanted,
               ratio(capped, wanted), "天", records={"visit": vids},
               detail="、".join(f"{m}月 {by_month.get(m, 0):g} 天" for m in months)),
        Figure("cadre_days", "专职干部年累计驻点达标人数（目标 10 个整天，调离者按在岗时间折算）",
               days_met if mine else None, len(mine) or None, ratio(days_met, len(mine)) if mine else 0.0, "人",
               records={"visit": vids}, detail="；".join(notes)),
        Figure("lectures", "专职干部讲党团课达标人数", lectures_met if mine else None, len(mine) or None,
               ratio(lectures_met, len(mine)) if mine else 0.0, "人", records={"lecture": [x.id for x in lectures]},
               detail="；".join(notes)),
        Figure("county_level", "到县及以下的驻点次数", county_level if visits else None, len(visits) or None,
               ratio(county_level, len(visits)) if visits else 0.0, "次", records={"visit": vids},
               detail=f"只到市级 {len(visits) - county_level} 次（违规，不计天数）" if len(visits) > county_level else ""),
        Figure("meeting_size", f"座谈会不超过 {t.max_meeting_size:g} 人的驻点次数", len(small) if visits else None,
               len(visits) or None, ratio(len(small), len(visits)) if visits else 0.0, "次",
               records={"visit": vids}, detail=f"超过规定人数 {len(visits) - len(small)} 次" if visits else ""),
    ]
    figures.append(_deadline("forms", "附件2月报表按时报送（每县区每月，月底前）",
                             [(st.state, st.report_id) for st in d.form_states if st.department_id == dept.id],
                             d, "monthlyreport"))
    counted = {c.id for c in mine}
    figures.append(_deadline(
        "lecture_materials", f"党团课材料（课件、时间、地点、授课人数）{_day(t.due('lecture_materials'))}前报宣传部",
        [(st.state, st.record_id) for st in d.lecture_states if st.cadre_id in counted], d, "lecture"))
    st = next(s for s in d.project_states if s.department_id == dept.id)
    fig = _deadline("project_report", f"服务青年工作项目报告（经分管领导审阅，{_day(t.due('project_report'))}前报组织部）",
                    [(st.state, st.record_id)], d, "serviceproject")
    fig.detail += st.note
    figures.append(fig)
    return figures


def department_outcomes(d: Data, dept: Department, view: View) -> list[Figure]:
    """对接地市成效: the results in the cities the department guides (seed: 对对接地市团的基层建设基本任务
    负有指导责任; 坚持结果导向) — its cities' spot-check findings, volunteering and 两新, verified only."""
    counties = d.dept_counties.get(dept.id, set())
    s = outcomes.summarise(d.checks, counties)
    ids = s.check_ids or []
    passed = s.branches_checked - s.branches_failed
    figures = [
        Figure("checks_passed", "抽查团支部全部达标数（微信群达 3/4、书记会操作智慧团建）",
               passed if s.branches_checked else None, s.branches_checked or None,
               ratio(passed, s.branches_checked) if s.branches_checked else 0.0, "个", verified=True,
               records={"spotcheck": ids},
               detail=f"未建微信群或不足3/4 {s.no_group} 个，书记不会操作智慧团建 {s.no_operation} 个"
               if s.branches_checked else "本年未抽查"),
    ]
    figures += _monthly_figures(d, counties, view)
    return figures


def _year(d: Data):
    return days_of.campaign_bounds(d.t)
