"""The year's evaluation of cities and departments (seed, 工作要求 3: 根据系统客观数据、抽查团员青年评价、
典型经验在全省推广情况), from verified data only (一切无法核实的信息和数据……一律不计入工作成效).

Three components, each scored 0–100, weighted by the campaign's targets:

    总分 = weight_objective × 系统客观数据 + weight_ratings × 团员青年评价 + weight_experience × 典型经验推广

- **系统客观数据**: the plain mean of its figures' scores; a figure scores actual ÷ target (at most 100);
  a deadline figure scores each report on time / late / missing as the targets say
  (``deadline_score_*``). Departments: visit days a month, cadres' 10 days and lectures (exempt cadres
  left out), visits at county level, meetings within the size limit, 附件2 forms on time, lecture
  materials and the service-project report on time. Cities: volunteer rate, service hours and times,
  两新 organisations against the baselines (verified monthly figures only), the city's own plan on time.
- **团员青年评价**: (mean stars − 1) ÷ 4 × 100 of verified ratings (:mod:`models.provenance`); unverified
  ratings weigh ``unverified_rating_weight`` (default 0).
- **典型经验推广**: verified, promoted experiences ÷ ``experience_full_marks`` × 100 (at most 100).

Every figure names the records it rests on. The same data is also scored as if everything counted
(``total_all``/``rank_all``), so coordinators see what unverified data would have changed. The 评价
screen, ``zhudian report evaluation`` (XLSX and ``--json``) and the tests all call :func:`evaluate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from models.clock import today as clock_today
from models.evaluation_data import Data, load
from models.evaluation_figures import (
    NOT_RECORDED,
    Figure,
    View,
    city_objective,
    department_objective,
    department_outcomes,
    experience_figure,
    rating_figure,
)
from models.evidence import evidence
from models.figures import visits as days_of
from models.targets import Targets, targets_for

__all__ = ["COMPONENT_LABELS", "RECORD_LABELS", "NOT_RECORDED", "CadreScore", "Component", "Evaluation", "Figure", "Score",
           "evaluate"]

COMPONENT_LABELS = {"objective": "系统客观数据", "own": "本部门工作", "outcomes": "对接地市成效",
                    "ratings": "团员青年评价", "experience": "典型经验推广"}
# The tables a figure's records come from, as coordinators call them.
RECORD_LABELS = {"visit": "驻点记录", "lecture": "党团课", "monthlyreport": "月报表", "rating": "团员评价",
                 "experience": "典型经验", "cityplan": "实施方案", "serviceproject": "项目报告"}


def component_formulas(t: Targets) -> dict[str, str]:
    """How each component is computed, in words, with the campaign's numbers."""
    own = round(t.weight_objective - t.weight_dept_outcomes, 3)
    each = 100 / t.experience_full_marks if t.experience_full_marks else 100
    mean = ("各项指标得分的平均数；每项 = 实际 ÷ 目标 × 100（最高 100）；报送类每份按时 "
            f"{t.deadline_score_on_time:g}、迟报 {t.deadline_score_late:g}、未报 {t.deadline_score_missing:g} 分，未到期的不计")
    return {
        "total": (f"地市总分 = {t.weight_objective:g}×系统客观数据 + {t.weight_ratings:g}×团员青年评价 + "
                  f"{t.weight_experience:g}×典型经验推广（各项满分 100）"),
        "department_total": (f"部门总分 = {own:g}×本部门工作 + {t.weight_dept_outcomes:g}×对接地市成效 + "
                             f"{t.weight_ratings:g}×团员青年评价 + {t.weight_experience:g}×典型经验推广（各项满分 100）"),
        "objective": f"系统客观数据 = {mean}；只计已核实的数据",
        "own": (f"本部门工作 = {mean}；驻点天数按不同日历日计、只计到县及以下的驻点，"
                f"每月最多计 {t.dept_days_per_month:g} 天"),
        "outcomes": ("对接地市成效 = 对接地市的各项结果得分的平均数：实地抽查团支部达标比例、注册志愿者比例、"
                     "人均服务时长和次数、“两新”新建团组织对照任务底数；只计已核实的数据"),
        "ratings": ("团员青年评价 = (平均星级 − 1) ÷ 4 × 100；只计实地抽查时现场二维码的评价，"
                    f"未核实评价的权重 {t.unverified_rating_weight:g}"),
        "experience": (f"典型经验推广 = 经实地核实并在全省推广的经验条数 × {each:g} 分（{t.experience_full_marks:g} 条满分，"
                       "最高 100）"),
    }


@dataclass
class Component:
    key: str
    weight: float
    score: float
    figures: list[Figure]

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.key]

    @property
    def worked(self) -> str:
        """The arithmetic with this subject's numbers, e.g. ``81.7 = (99.6 + 100 + 100 + 27) ÷ 4``."""
        counted = [f for f in self.figures if f.counted]
        if self.key not in MEAN_COMPONENTS:
            return f"{self.score:g}" + (f" = {counted[0].score:g}" if counted else "")
        if not counted:
            return "0（无可计分的指标）"
        return f"{self.score:g} = ({' + '.join(f'{f.score:g}' for f in counted)}) ÷ {len(counted)}"

    def as_dict(self, formula: str) -> dict:
        return {"key": self.key, "label": self.label, "weight": self.weight, "score": self.score,
                "formula": formula, "worked": self.worked, "figures": [f.as_dict() for f in self.figures]}


@dataclass
class Score:
    """One city's or department's evaluation."""

    name: str
    kind: str  # "city" / "department"
    id: int
    components: list[Component] = field(default_factory=list)
    total: float = 0.0
    rank: int = 0
    total_all: float = 0.0  # if unverified data counted too (shown beside, never ranked)
    rank_all: int = 0

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    @property
    def objective(self) -> float:
        """系统客观数据 for a city; 本部门工作 for a department."""
        return self.component("objective" if self.kind == "city" else "own").score

    @property
    def outcomes(self) -> float | None:
        """对接地市成效 (departments only)."""
        return self.component("outcomes").score if self.kind == "department" else None

    @property
    def ratings(self) -> float:
        return self.component("ratings").score

    @property
    def experience(self) -> float:
        return self.component("experience").score

    @property
    def figures(self) -> list[Figure]:
        return [f for c in self.components for f in c.figures]

    @property
    def worked(self) -> str:
        parts = " + ".join(f"{c.weight:g}×{c.score:g}" for c in self.components)
        return f"{self.total:g} = {parts}"

    def as_dict(self, formulas: dict[str, str]) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "rank": self.rank, "total": self.total,
                "worked": self.worked, "total_if_unverified_counted": self.total_all,
                "rank_if_unverified_counted": self.rank_all,
                "components": [c.as_dict(formulas[c.key]) for c in self.components]}


@dataclass
class CadreScore:
    id: int
    name: str
    department: str
    days: float
    lectures: int
    days_target: float
    lectures_target: float
    exempt: str = ""  # "经党组批准不参加（批准人，日期）" when exempt (or gone before the campaign)
    note: str = ""  # why the days target is pro-rated (调离)

    @property
    def met(self) -> bool:
        return bool(self.exempt) or (self.days >= self.days_target and self.lectures >= self.lectures_target)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "department": self.department, "days": self.days,
                "days_target": self.days_target, "lectures": self.lectures, "lectures_target": self.lectures_target,
                "exempt": self.exempt, "note": self.note, "met": self.met}


@dataclass
class Evaluation:
    year: int
    targets: Targets
    cities: list[Score]
    departments: list[Score]
    cadres: list[CadreScore]
    evidence: list[dict] = field(default_factory=list)  # every record a figure rests on, with its evidence

    @property
    def weights(self) -> tuple[float, float, float]:
        return (self.targets.weight_objective, self.targets.weight_ratings, self.targets.weight_experience)

    @property
    def formulas(self) -> dict[str, str]:
        return component_formulas(self.targets)

    def as_dict(self) -> dict:
        formulas = self.formulas
        return {"year": self.year, "formulas": formulas,
                "weights": dict(zip(("objective", "ratings", "experience"), self.weights, strict=True)),
                "cities": [s.as_dict(formulas) for s in self.cities],
                "departments": [s.as_dict(formulas) for s in self.departments],
                "cadres": [c.as_dict() for c in self.cadres]}


MEAN_COMPONENTS = ("objective", "own", "outcomes")


def _mean_component(key: str, weight: float, figures: list[Figure]) -> Component:
    counted = [f.score for f in figures if f.counted]
    return Component(key, weight, round(sum(counted) / len(counted), 1) if counted else 0.0, figures)


def _score(name: str, kind: str, ident: int, t: Targets, parts: list[Component], ratings: Figure,
           experience: Figure) -> Score:
    s = Score(name, kind, ident, [
        *parts,
        Component("ratings", t.weight_ratings, ratings.score, [ratings]),
        Component("experience", t.weight_experience, experience.score, [experience]),
    ])
    s.total = round(sum(c.weight * c.score for c in s.components), 1)
    return s


def _scores(d: Data, view: View) -> tuple[list[Score], list[Score]]:
    cities = []
    for city in d.cities:
        counties = {k for k, c in d.county_city.items() if c == city.id}
        cities.append(_score(city.name, "city", city.id, d.t,
                             [_mean_component("objective", d.t.weight_objective, city_objective(d, city, view))],
                             rating_figure(d, counties, view), experience_figure(d, counties, None, view)))
    departments = []
    for dept in d.departments:
        counties = d.dept_counties.get(dept.id, set())
        own = round(d.t.weight_objective - d.t.weight_dept_outcomes, 3)
        departments.append(_score(dept.name, "department", dept.id, d.t, [
            _mean_component("own", own, department_objective(d, dept, view)),
            _mean_component("outcomes", d.t.weight_dept_outcomes, department_outcomes(d, dept, view)),
        ], rating_figure(d, counties, view), experience_figure(d, counties, dept.id, view)))
    return cities, departments


def _ranks(scores: list[Score], key) -> dict[int, int]:
    ordered = sorted(scores, key=lambda s: (-key(s), s.name))
    ranks: dict[int, int] = {}
    for i, s in enumerate(ordered, start=1):
        prev = ordered[i - 2] if i > 1 else None
        # Equal totals share a rank.
        ranks[s.id] = ranks[prev.id] if prev is not None and key(prev) == key(s) else i
    return ranks


def _merge(verified: list[Score], everything: list[Score]) -> list[Score]:
    """Verified scores, each figure noting what unverified data would make of it, ranked both ways."""
    by_id = {s.id: s for s in everything}
    for s in verified:
        other = by_id[s.id]
        s.total_all = other.total
        for mine, theirs in zip(s.figures, other.figures, strict=True):
            extra = max(theirs.basis - mine.basis,
                        sum(len(set(ids) - set(mine.records.get(k, []))) for k, ids in theirs.records.items()))
            if extra > 0 and theirs.actual != mine.actual:
                mine.unverified = f"计入 {extra} 条未核实记录则为 {theirs.actual_text}"
            if mine.verified and not mine.basis and extra > 0:
                mine.verified = False  # nothing verified behind it, only unverified data
    ranks = _ranks(verified, lambda s: s.total)
    ranks_all = _ranks(verified, lambda s: s.total_all)
    for s in verified:
        s.rank, s.rank_all = ranks[s.id], ranks_all[s.id]
    verified.sort(key=lambda s: (s.rank, s.name))
    return verified


def _cadres(d: Data) -> list[CadreScore]:
    """Each cadre's real days (distinct dates at county level or below) and lectures against his target."""
    names = {dept.id: dept.name for dept in d.departments}
    given: dict[int, int] = {}
    for lec in d.lectures:
        given[lec.cadre_id] = given.get(lec.cadre_id, 0) + 1
    first, last = days_of.campaign_bounds(d.t)
    out = []
    for c in d.cadres:
        target = d.target(c)
        out.append(CadreScore(c.id, c.name, names.get(c.department_id, ""),
                              days_of.days(days_of.of_cadre(d.visits, c.id), first, last), given.get(c.id, 0),
                              target if target is not None else 0.0, d.t.lectures_per_cadre,
                              days_of.target_note(c, d.t) if target is None else "",
                              days_of.target_note(c, d.t) if target is not None else ""))
    order = {dept.name: dept.seq for dept in d.departments}
    out.sort(key=lambda c: (order.get(c.department, 99), -c.days, c.name))
    return out


def evaluate(session: Session, year: int, *, today: date | None = None) -> Evaluation:
    """The year's evaluation; ``today`` decides which deadlines have passed (default: today in China)."""
    t = targets_for(session, year)
    d = load(session, year, t, today or clock_today())
    cities, departments = _scores(d, View(False, t.unverified_rating_weight))
    cities_all, departments_all = _scores(d, View(True, 1.0))
    result = Evaluation(year, t, _merge(cities, cities_all), _merge(departments, departments_all), _cadres(d))
    _attach_evidence(session, result, d.today)
    return result


EVIDENCE_TABLES = ("monthlyreport", "experience", "lecture")


def _attach_evidence(session: Session, result: Evaluation, today: date) -> None:
    """Every scored figure opens to its evidence: the export files, the on-site check (visit and cadre),
    the receipt and the marks of each record it rests on (:func:`models.evidence.evidence`)."""
    figures = [f for s in (*result.cities, *result.departments) for f in s.figures]
    wanted = {t: sorted({i for f in figures for i in f.records.get(t, [])}) for t in EVIDENCE_TABLES}
    found = {(e.table, e.record_id): e.as_dict() for e in evidence(session, wanted, today=today)}
    for f in figures:
        f.evidence = [found[(t, i)] for t in EVIDENCE_TABLES for i in f.records.get(t, []) if (t, i) in found]
    result.evidence = sorted(found.values(), key=lambda e: (EVIDENCE_TABLES.index(e["table"]), e["id"]))
