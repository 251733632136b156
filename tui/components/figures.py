"""The rows of progress figures shown by the overview (one per city) and the city screen (one per
county unit): what needs action first, so it stays on screen at 80 columns, then the rest.

Marks are the rules' verdicts (:func:`models.alert_places.verdicts`): the seed sets visit-day targets
for a department per month and for a cadre per year, not for a city or a county, so a city shows its
paired departments' monthly verdict and its own days without a mark; a county shows its figures.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from models.figures.overview import RowContext
from tui.components import fmt
from tui.components.safe import literal

# Action first: at 80 columns the name, the departments' verdict, the days, the monthly forms, the
# alerts and the spot checks are in view; a wider terminal shows the rest.
CITY_COLUMNS = [
    ("name", "地市"),
    ("dept_state", "部门驻点"),
    ("days", "本期天数"),
    ("forms", "月报 按时/迟/缺"),
    ("alerts", "违规/未达标/风险"),
    ("checks", "抽查 问题/查"),
    ("depts", "对接部门"),
    ("year", "累计天数"),
    ("counties", "县区覆盖"),
    ("ratings", "评价数"),
    ("verified", "其中核实"),
    ("mean", "均分"),
    ("low", "1星"),
    ("trend", "趋势"),
    ("suggestions", "意见"),
    ("volunteer", "注册志愿者%"),
    ("hours", "人均时长"),
    ("nonpublic", "非公新建/底数"),
    ("social", "社会组织新建/底数"),
    ("lectures", "党团课"),
]
CITY_ONLY = ("dept_state", "alerts", "depts", "counties")
COUNTY_COLUMNS = [(key, "县区/镇街" if key == "name" else label) for key, label in CITY_COLUMNS
                  if key not in CITY_ONLY]


def dept_state_cell(verdict: Any, begun: bool) -> Text:
    if verdict is None:
        return fmt.marked("met" if begun else None, "", "left")
    return fmt.marked(verdict.severity, fmt.months_text(verdict.months), "left")


def forms_cell(f: Any) -> Text:
    text = f"{f.forms_on_time}/{f.forms_late}/{f.forms_missing}"
    if f.forms_missing:
        return fmt.marked("breach", text)
    if f.forms_late:
        return fmt.marked("at_risk", text)
    return fmt.marked("met" if f.forms_on_time else None, text)


def alerts_cell(violations: int, missed: int, risks: int) -> Text:
    """违规 / 未达标·未报 / 有风险·迟报, each in its mark's colour."""
    out = Text(no_wrap=True, justify="right")
    for i, (mark, n) in enumerate((("violation", violations), ("breach", missed), ("at_risk", risks))):
        out.append("/" if i else "")
        out.append(str(n), style=fmt.MARK_STYLE[mark] if n else "")
    return out


def checks_cell(f: Any) -> Text:
    # A branch failing a spot check is a risk the rules report (实地抽查发现问题), not a breach.
    text = f"{f.check_failures}/{f.branches_checked}"
    return fmt.marked("at_risk" if f.check_failures else None, text)


def figure_cells(f: Any, ctx: RowContext) -> dict[str, Any]:
    return {
        "name": literal(f.name, 12),
        "dept_state": dept_state_cell(ctx.dept_verdict, ctx.months_begun),
        "days": fmt.cell(fmt.days(f.visit_days)),
        "forms": forms_cell(f),
        "alerts": alerts_cell(*ctx.alerts),
        "checks": checks_cell(f),
        "depts": literal("、".join(f.departments), 16),
        "year": fmt.cell(fmt.days(f.visit_days_year)),
        "counties": fmt.cell(f"{f.counties_covered}/{f.counties_total}"),
        "ratings": fmt.cell(fmt.num(f.rating_count)),
        # Only ratings through a spot check's live code count in a score; the rest are 未核实 feedback.
        "verified": fmt.cell(fmt.num(f.verified_ratings)),
        "mean": fmt.cell(fmt.num(f.rating_mean, 2)),
        "low": fmt.cell(fmt.num(f.score_counts[0])),
        "trend": fmt.sparkline([mean for _month, _count, mean in ctx.trend]),
        "suggestions": fmt.cell(fmt.num(f.suggestions)),
        "volunteer": fmt.optional(f.volunteer_rate, 1),
        "hours": fmt.optional(f.service_hours, 1),
        "nonpublic": fmt.cell(f"{fmt.num(f.new_nonpublic_orgs)}/{fmt.num(f.nonpublic_baseline)}"),
        "social": fmt.cell(f"{fmt.num(f.new_social_orgs)}/{fmt.num(f.social_baseline)}"),
        "lectures": fmt.cell(fmt.num(f.lectures)),
    }


def figure_row(f: Any, ctx: RowContext, columns: list[tuple[str, str]] = CITY_COLUMNS) -> list[Any]:
    cells = figure_cells(f, ctx)
    return [cells[key] for key, _label in columns]


def has_violation(f: Any, ctx: RowContext) -> bool:
    """A row the 只看违规 view (``b``) keeps: a prohibition of the seed broken there."""
    return bool(ctx.violations)
