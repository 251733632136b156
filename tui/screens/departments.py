"""部门: the 15 departments by month — visit days against the monthly target as a heat grid — and
each cadre's cumulative days against the yearly target and lectures against theirs. Marks are the
rules' verdicts for the year (the seed's levels: a department per month, a cadre per year)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static, TabPane

from tui.components import fmt
from tui.components.drill import DrillDown
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen, Loaded


@dataclass
class DepartmentsData:
    months: list[int]
    departments: list[Any]  # Figures at department level for the whole year
    grid: dict[int, dict[int, float]]
    cadres: list[Any]
    month_target: float
    year_target: float
    lecture_target: float
    verdicts: dict[tuple[str, str, int], Any]  # the year's rule verdicts (models.alert_places.verdicts)
    department_verdicts: dict[int, Any]  # every rule on a department's own work (by_department)


def heat(value: float, target: float, future: bool, current: bool = False) -> Text:
    """A month of one department: green met, yellow short in the month under way, red short in a
    finished month (a breach, as the rules say); months not begun are dots."""
    if future:
        return Text("·", style="dim", justify="center")
    style = "on dark_green" if value >= target else "black on yellow" if current else "white on dark_red"
    return Text(f"{value:g}".center(4), style=style, justify="center")


def month_bars(months: list[int], totals: list[float], short: list[int], target: float, width: int) -> Text:
    """All departments' days per month as horizontal bars, one line a month: every month labelled,
    bars never merge, and a month in which departments fell short says how many."""
    out = Text(no_wrap=True)
    top = max([*totals, target, 1.0])
    room = max(10, width - 34)
    line = round(target / top * room)
    for month, total, n_short in zip(months, totals, short, strict=True):
        filled = round(total / top * room)
        bar = "".join("█" if i < filled else ("│" if i == line else " ") for i in range(room + 1))
        out.append(f"{month:>2}月 ")
        out.append(bar, style=fmt.MARK_STYLE["breach"] if n_short else fmt.MARK_STYLE["met"])
        out.append(f" {total:>4g}")
        if n_short:
            out.append(f"  ✗ {n_short} 个部门不足", style=fmt.MARK_STYLE["breach"])
        out.append("\n")
    return out


@dataclass
class DepartmentsLoaded(Loaded):
    data: DepartmentsData


class DepartmentsScreen(DrillDown, LiveScreen):
    LOADED = DepartmentsLoaded
    MODE = "departments"
    REFRESH_SECONDS = 10.0
    BREACHES = True
    BINDINGS = [DrillDown.drill_binding("驻点记录")]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: DepartmentsData | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            with TabPane("月度热力图", id="tab-grid"):
                yield KeyedTable([("name", "部门")], id="grid", fixed_columns=1, cursor_type="row")
            with TabPane("专职干部", id="tab-cadres"):
                yield KeyedTable([("status", "状态"), ("name", "干部"), ("days", "累计驻点天数"),
                                  ("lectures", "党团课"), ("dept", "部门")], id="cadres")
            with TabPane("每月驻点天数", id="tab-chart"):
                with VerticalScroll():
                    yield Static("", id="chart-title", classes="screen-title", markup=False)
                    yield Static("", id="chart")
        yield from self.compose_bottom()

    def params(self) -> Any:
        return self.app.period.year

    @on(DepartmentsLoaded)
    def _loaded(self, message: DepartmentsLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, year: int) -> DepartmentsData:
        from models.alert_places import by_department, verdict_of, verdicts
        from models.figures.period import Period
        from models.progress import progress, visit_days_grid
        from models.rules import alerts
        from models.targets import targets_for

        t = targets_for(session, year)
        whole = Period(year)
        found = alerts(session, whole, today=self.app.today())
        return DepartmentsData(
            months=t.months,
            departments=progress(session, "department", whole, today=self.app.today()),
            grid=visit_days_grid(session, year),
            cadres=progress(session, "cadre", whole, today=self.app.today()),
            month_target=t.dept_days_per_month,
            year_target=t.cadre_days_per_year,
            lecture_target=t.lectures_per_cadre,
            verdicts=verdicts(found),
            department_verdicts={d: verdict_of(a) for d, a in by_department(found).items()},
        )

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        year, today = self.app.period.year, self.app.today()
        self._fill_grid(data, year, today)
        self._fill_cadres(data)
        below = sum(1 for c in data.cadres if self.cadre_severity(c.id) == "breach")
        self.query_one("#title", Static).update(
            f"{year}年 · 每部门每月 {data.month_target:g} 天 · 每名干部全年 {data.year_target:g} 天、党团课"
            f" {data.lecture_target:g} 次 · 专职干部 {len(data.cadres)} 名，未达标 {below} 名 · ? 图例"
        )
        totals = [sum(data.grid.get(d.id, {}).get(m, 0.0) for d in data.departments) for m in data.months]
        short = [sum(1 for d in data.departments if data.grid.get(d.id, {}).get(m, 0.0) < data.month_target)
                 if (year, m) < (today.year, today.month) else 0 for m in data.months]
        target = data.month_target * len(data.departments)
        self.query_one("#chart-title", Static).update(
            f"全部门每月驻点天数（│ 为目标合计 {target:g} 天 = {len(data.departments)} 个部门 × {data.month_target:g} 天）")
        self.query_one("#chart", Static).update(month_bars(data.months, totals, short, target, self.size.width or 80))

    def _fill_grid(self, data: DepartmentsData, year: int, today: Any) -> None:
        grid = self.query_one("#grid", KeyedTable)
        grid.set_columns([*[(f"m{m}", f"{m}月") for m in data.months], ("total", "合计"), ("state", "状态")])
        rows = []
        for d in data.departments:
            per_month = data.grid.get(d.id, {})
            # The state is every rule on the department's own work (days, visits, forms, cadres, reports):
            # ✓ only when all of them hold.
            verdict = data.department_verdicts.get(d.id)
            if self.breaches_only and (verdict is None or verdict.severity != "violation"):
                continue
            cells: list[Any] = [literal(d.name, 14)]
            for m in data.months:
                future = (year, m) > (today.year, today.month)
                current = (year, m) == (today.year, today.month)
                cells.append(heat(per_month.get(m, 0.0), data.month_target, future, current))
            cells.append(fmt.cell(f"{sum(per_month.values()):g}"))
            words = sorted({a.word for a in verdict.alerts if a.mark == verdict.severity}) if verdict else []
            cells.append(fmt.marked(verdict.severity if verdict else "met",
                                    ("、".join(words) + " " + fmt.months_text(verdict.months)).strip()
                                    if verdict else "", "left"))
            rows.append((f"department:{d.id}", cells))
        grid.sync(rows)

    def _fill_cadres(self, data: DepartmentsData) -> None:
        rank = {"violation": 0, "breach": 0, "at_risk": 1, None: 2}
        rows = []
        # Who needs a call first: breaches, then risks, the fewest days first.
        for c in sorted(data.cadres, key=lambda c: (rank[self.cadre_severity(c.id)], c.visit_days_year)):
            severity = self.cadre_severity(c.id)
            if self.breaches_only and severity != "breach":
                continue
            days_v = data.verdicts.get(("cadre_days", "cadre", c.id))
            lect_v = data.verdicts.get(("lectures", "cadre", c.id))
            rows.append((f"cadre:{c.id}", [
                fmt.marked(severity or "met", fmt.MARK_LABEL[severity or "met"], "left"),
                literal(c.name, 10),
                fmt.marked(days_v.severity if days_v else None,
                           f"{c.visit_days_year:g}/{c.visit_days_target:g}" if c.visit_days_target is not None
                           else f"{c.visit_days_year:g}/不参加"),
                fmt.marked(lect_v.severity if lect_v else None, f"{c.lectures}/{data.lecture_target:g}"),
                literal(c.parent_name or "", 14),
            ]))
        self.query_one("#cadres", KeyedTable).sync(rows)

    def cadre_severity(self, cadre_id: int) -> str | None:
        if self.data is None:
            return None
        found = [self.data.verdicts.get((rule, "cadre", cadre_id)) for rule in ("cadre_days", "lectures")]
        severities = {v.severity for v in found if v is not None}
        return "breach" if "breach" in severities else "at_risk" if severities else None

    def visit_context(self) -> dict[str, int]:
        key = self.query_one("#grid", KeyedTable).current_key or ""
        if self.query_one(Tabs).active == "tab-grid" and key.startswith("department:"):
            return {"department_id": int(key.split(":")[1])}
        return {}

    def open_current(self) -> None:
        active = self.query_one(Tabs).active
        table = self.query_one("#cadres" if active == "tab-cadres" else "#grid", KeyedTable)
        key = table.current_key
        if not key:
            return
        kind, _, ident = key.partition(":")
        self.app.open(kind, int(ident))
