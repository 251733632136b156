"""The seed's rules as data: one number per key and campaign year, with the seed's defaults.

Rules, progress colours and the evaluation read targets through :func:`targets_for`; nothing else
writes these numbers as literals.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, fields
from datetime import date

from sqlmodel import Session, select

from models.clock import CAMPAIGN_START_MONTH, campaign_year, today
from models.tables import Campaign, Target

# key -> (seed default, Chinese label). Order is the order shown to coordinators.
DEFAULTS: dict[str, tuple[float, str]] = {
    "dept_days_per_month": (3, "每个部门每月驻点至少（整天）"),
    "cadre_days_per_year": (10, "每名专职干部每年累计驻点至少（整天）"),
    "visit_county_level": (1, "每次驻点至少到县及以下（1=要求）"),
    "max_meeting_size": (10, "座谈会人数上限（人）"),
    "volunteer_rate_min": (90, "团员注册志愿者比例至少（%）"),
    "service_times_min": (3, "团员年平均服务次数至少（次）"),
    "service_hours_min": (8, "团员年人均服务时长至少（小时）"),
    "lectures_per_cadre": (1, "每名专职干部每年讲党团课至少（次）"),
    "monthly_form_grace_days": (0, "月报表于月底报送，宽限（天）"),
    "project_report_due_month": (12, "服务青年工作项目报告截止（月）"),
    "project_report_due_day": (10, "服务青年工作项目报告截止（日，12月初）"),
    "lecture_materials_due_month": (12, "党团课材料截止（月）"),
    "lecture_materials_due_day": (31, "党团课材料截止（日）"),
    "city_plan_due_month": (5, "地市实施方案报送截止（月）"),
    "city_plan_due_day": (10, "地市实施方案报送截止（日，5月10日前）"),
    "deadline_score_on_time": (100, "按时报送的得分（月报表、项目报告、党团课材料、实施方案）"),
    "deadline_score_late": (50, "迟报的得分"),
    "deadline_score_missing": (0, "未报的得分"),
    "at_risk_ratio": (0.8, "低于目标但达到该比例视为“有风险”"),
    "weight_objective": (0.5, "评价权重：系统客观数据"),
    "weight_ratings": (0.3, "评价权重：团员青年评价"),
    "weight_experience": (0.2, "评价权重：典型经验推广"),
    "experience_full_marks": (5, "典型经验推广：在全省推广几条经核实的经验得满分（条；每条得 100 ÷ 该数）"),
    "unverified_rating_weight": (0, "未经抽查核实的团员评价计入评价的权重（0 = 不计入）"),
    "weight_dept_outcomes": (0.2, "部门评价权重：对接地市成效（从系统客观数据的权重中划出，其余为本部门工作）"),
    "plan_issued_month": (4, "实施方案印发日期（月）：党团课自此日起计"),
    "plan_issued_day": (12, "实施方案印发日期（日）"),
    "lecture_min_audience": (5, "党团课听课团员青年少于此人数的标记为存疑、不计入（人）"),
    "backfill_on_time": (0, "补录（系统启用前的历史记录）按所填日期计为按时（0 = 不计为按时）"),
}

DEFAULT_YEAR = 2019  # the seed's own campaign year (fixtures and the tests' fixed province)
DEFAULT_START_MONTH = CAMPAIGN_START_MONTH
DEFAULT_END_MONTH = 11


@dataclass(frozen=True)
class Targets:
    year: int
    start_month: int
    end_month: int
    dept_days_per_month: float
    cadre_days_per_year: float
    visit_county_level: float
    max_meeting_size: float
    volunteer_rate_min: float
    service_times_min: float
    service_hours_min: float
    lectures_per_cadre: float
    monthly_form_grace_days: float
    project_report_due_month: float
    project_report_due_day: float
    lecture_materials_due_month: float
    lecture_materials_due_day: float
    city_plan_due_month: float
    city_plan_due_day: float
    deadline_score_on_time: float
    deadline_score_late: float
    deadline_score_missing: float
    at_risk_ratio: float
    weight_objective: float
    weight_ratings: float
    weight_experience: float
    experience_full_marks: float
    unverified_rating_weight: float
    weight_dept_outcomes: float
    plan_issued_month: float
    plan_issued_day: float
    lecture_min_audience: float
    backfill_on_time: float

    @property
    def months(self) -> list[int]:
        return list(range(self.start_month, self.end_month + 1))

    @property
    def plan_issued(self) -> date:
        """The day the year's plan was issued (the seed: 2019年4月12日): lectures count from it."""
        month = int(self.plan_issued_month)
        return date(self.year, month, min(int(self.plan_issued_day), calendar.monthrange(self.year, month)[1]))

    def due(self, what: str) -> date:
        """The campaign year's deadline ``what``: project_report, lecture_materials or city_plan."""
        month = int(getattr(self, f"{what}_due_month"))
        day = min(int(getattr(self, f"{what}_due_day")), calendar.monthrange(self.year, month)[1])
        return date(self.year, month, day)


assert [f.name for f in fields(Targets)][3:] == list(DEFAULTS), "Targets fields must follow DEFAULTS"


def ensure_campaign(session: Session, year: int = DEFAULT_YEAR) -> int:
    """Create the campaign and any missing target with the seed's default; never overwrite one.

    Returns how many rows were added.
    """
    added = 0
    campaign = session.get(Campaign, year)
    if campaign is None:
        campaign = Campaign(
            year=year,
            start_month=DEFAULT_START_MONTH,
            end_month=DEFAULT_END_MONTH,
            title=f"{year}年团省委专职干部驻点工作",
        )
        session.add(campaign)
        session.flush()
        added += 1
    have = set(session.exec(select(Target.key).where(Target.year == year)).all())
    for key, (value, label) in DEFAULTS.items():
        if key not in have:
            session.add(Target(year=year, key=key, value=value, label=label))
            added += 1
    session.flush()
    return added


def current_year(day: date | None = None) -> int:
    """The campaign year the product works in as of ``day`` (default: the clock's today): this year's
    from April on, last year's before."""
    return campaign_year(day or today(), DEFAULT_START_MONTH)


def campaign_years(session: Session) -> list[int]:
    return list(session.exec(select(Campaign.year).order_by(Campaign.year)).all())


def targets_for(session: Session, year: int) -> Targets:
    """The campaign's targets; a key missing from the database falls back to the seed's default."""
    campaign = session.get(Campaign, year)
    values = {key: default for key, (default, _label) in DEFAULTS.items()}
    values.update({t.key: t.value for t in session.exec(select(Target).where(Target.year == year))})
    return Targets(
        year=year,
        start_month=campaign.start_month if campaign else DEFAULT_START_MONTH,
        end_month=campaign.end_month if campaign else DEFAULT_END_MONTH,
        **values,
    )
