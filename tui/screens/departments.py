"""部门: the 15 departments by month — visit days against the monthly target as a heat grid — and
each cadre's cumulative days against the yearly target and lectures against theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabPane
from textual_plotext import PlotextPlot

from tui.components import fmt
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen


@dataclass
class DepartmentsData:
    months: list[int]
    departments: list[Any]  # Figures at department level for the whole year
    grid: dict[int, dict[int, float]]
    cadres: list[Any]
    month_target: float
    year_target: float
    lecture_target: float
    at_risk_ratio: float


def heat(value: float, target: float, at_risk: float, future: bool, current: bool = False) -> Text:
    if future:
        return Text("·", style="dim", justify="center")
    # The month under way is never "below" yet: short of the target it is at risk.
    style = ("on dark_green" if value >= target else "black on yellow" if value >= target * at_risk or current
             else "white on dark_red")
    return Text(f"{value:g}".center(4), style=style, justify="center")


class DepartmentsScreen(LiveScreen):
    MODE = "departments"
    REFRESH_SECONDS = 10.0
    BINDINGS = [Binding("enter", "drill", "驻点记录", show=True)]

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            with TabPane("月度热力图", id="tab-grid"):
                yield KeyedTable([("name", "部门")], id="grid", fixed_columns=1, cursor_type="row")
            with TabPane("专职干部", id="tab-cadres"):
                yield KeyedTable([("name", "干部"), ("dept", "部门"), ("days", "累计驻点天数"), ("lectures", "党团课"),
                                  ("status", "状态")], id="cadres", fixed_columns=1)
            with TabPane("每月驻点天数", id="tab-chart"):
                yield PlotextPlot(id="chart")
        yield from self.compose_bottom()

    def params(self) -> Any:
        return self.app.period.year

    def fetch(self, session: Session, year: int) -> DepartmentsData:
        from models.progress import Period, progress, visit_days_grid
        from models.targets import targets_for

        t = targets_for(session, year)
        whole = Period(year)
        return DepartmentsData(
            months=t.months,
            departments=progress(session, "department", whole, today=self.app.today()),
            grid=visit_days_grid(session, year),
            cadres=progress(session, "cadre", whole, today=self.app.today()),
            month_target=t.dept_days_per_month,
            year_target=t.cadre_days_per_year,
            lecture_target=t.lectures_per_cadre,
            at_risk_ratio=t.at_risk_ratio,
        )

    def show(self, data: DepartmentsData, year: int) -> None:
        grid = self.query_one("#grid", KeyedTable)
        if len(grid.columns) == 1:
            for m in data.months:
                grid.add_column(f"{m}月", key=f"m{m}")
            grid.add_column("合计", key="total")
            grid._column_spec = [("name", "部门"), *[(f"m{m}", f"{m}月") for m in data.months], ("total", "合计")]
        today = self.app.today()
        rows = []
        for d in data.departments:
            per_month = data.grid.get(d.id, {})
            cells: list[Any] = [literal(d.name, 14)]
            for m in data.months:
                future = (year, m) > (today.year, today.month)
                current = (year, m) == (today.year, today.month)
                cells.append(heat(per_month.get(m, 0.0), data.month_target, data.at_risk_ratio, future, current))
            cells.append(fmt.cell(f"{sum(per_month.values()):g}"))
            rows.append((f"department:{d.id}", cells))
        grid.sync(rows)

        cadre_rows = []
        for c in data.cadres:
            lectures_ok = c.lectures >= data.lecture_target
            cadre_rows.append((f"cadre:{c.id}", [
                literal(c.name, 10, fmt.STATUS_STYLE.get(c.status, "")),
                literal(c.parent_name or "", 12),
                fmt.status_cell(f"{c.visit_days_year:g}/{data.year_target:g}", c.status),
                fmt.cell(f"{c.lectures}/{data.lecture_target:g}", "" if lectures_ok else "yellow"),
                fmt.status_cell(fmt.STATUS_LABEL.get(c.status, ""), c.status, "left"),
            ]))
        self.query_one("#cadres", KeyedTable).sync(cadre_rows)

        below = sum(1 for c in data.cadres if c.status == "below")
        self.query_one("#title", Static).update(
            f"{year}年 · 每部门每月目标 {data.month_target:g} 天 · 每名干部全年目标 {data.year_target:g} 天"
            f" · 专职干部 {len(data.cadres)} 名，未达标 {below} 名"
        )
        plot = self.query_one("#chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        totals = [sum(data.grid.get(d.id, {}).get(m, 0.0) for d in data.departments) for m in data.months]
        labels = [f"{m}月" for m in data.months]
        plt.bar(labels, totals)
        target = data.month_target * len(data.departments)
        plt.hline(target)
        plt.title(f"全部门每月驻点天数（目标合计 {target:g} 天）")
        plot.refresh()

    def action_drill(self) -> None:
        self._open()

    def on_data_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        event.stop()
        self._open()

    def _open(self) -> None:
        active = self.query_one(Tabs).active
        table = self.query_one("#cadres" if active == "tab-cadres" else "#grid", KeyedTable)
        key = table.current_key
        if not key:
            return
        kind, _, ident = key.partition(":")
        from tui.screens.visits import VisitsScreen

        self.app.push_screen(VisitsScreen(**{f"{kind}_id": int(ident)}))
