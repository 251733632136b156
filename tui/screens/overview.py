"""总览: one row per city with the seed's figures for the selected period; Enter opens the city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from tui.components import fmt
from tui.components.filter_box import FilterBox
from tui.components.keyed_table import KeyedTable
from tui.components.safe import clean, literal
from tui.screens.base import LiveScreen

COLUMNS = [
    ("name", "地市"),
    ("depts", "对接部门"),
    ("days", "本期驻点天数"),
    ("year", "累计天数"),
    ("counties", "县区覆盖"),
    ("checks", "抽查/不合格"),
    ("ratings", "评价数"),
    ("mean", "均分"),
    ("trend", "趋势"),
    ("suggestions", "意见"),
    ("volunteer", "注册志愿者%"),
    ("hours", "人均时长"),
    ("nonpublic", "非公新建/底数"),
    ("social", "社会组织新建/底数"),
    ("lectures", "党团课"),
    ("forms", "月报 按时/迟/缺"),
    ("alerts", "预警"),
]


@dataclass
class OverviewData:
    figures: list[Any]
    trends: dict[int, list[tuple[int, int, float | None]]]
    alert_counts: dict[int, int]


def load_overview(session: Session, period: Any, today: date) -> OverviewData:
    """What the overview shows (also read ahead by the app's start-up worker, for a fast first paint)."""
    from models.alert_places import alerts_by_city
    from models.progress import progress, rating_trend
    from models.rules import alerts

    figures = progress(session, "city", period, today=today)
    trends = rating_trend(session, period.year, level="city")
    counts = alerts_by_city(session, alerts(session, period, today=today))
    return OverviewData(figures, trends, counts)


def days_cell(f: Any) -> Any:
    target = f.visit_days_target
    text = fmt.days(f.visit_days) + (f"/{fmt.days(target)}" if target is not None else "")
    return fmt.status_cell(f"{fmt.STATUS_MARK.get(f.status, '')} {text}", f.status)


def figure_row(f: Any, trend: list[tuple[int, int, float | None]], alerts: int) -> list[Any]:
    """The overview columns for one Figures (also used for the county rows of the city screen)."""
    return [
        literal(f.name, 12, fmt.STATUS_STYLE.get(f.status, "")),
        literal("、".join(f.departments), 16),
        days_cell(f),
        fmt.cell(fmt.days(f.visit_days_year)),
        fmt.cell(f"{f.counties_covered}/{f.counties_total}"),
        fmt.cell(f"{f.branches_checked}/{f.check_failures}", "red" if f.check_failures else ""),
        fmt.cell(fmt.num(f.rating_count)),
        fmt.cell(fmt.num(f.rating_mean, 2)),
        fmt.sparkline([mean for _month, _count, mean in trend]),
        fmt.cell(fmt.num(f.suggestions)),
        fmt.optional(f.volunteer_rate, 1),
        fmt.optional(f.service_hours, 1),
        fmt.cell(f"{fmt.num(f.new_nonpublic_orgs)}/{fmt.num(f.nonpublic_baseline)}"),
        fmt.cell(f"{fmt.num(f.new_social_orgs)}/{fmt.num(f.social_baseline)}"),
        fmt.cell(fmt.num(f.lectures)),
        fmt.cell(f"{f.forms_on_time}/{f.forms_late}/{f.forms_missing}",
                 "red" if f.forms_missing else "yellow" if f.forms_late else ""),
        fmt.cell(str(alerts) if alerts else "", "bold red" if alerts else ""),
    ]


def matches(f: Any, text: str) -> bool:
    if not text:
        return True
    hay = " ".join([f.name, *f.departments, f.parent_name or ""])
    return text.lower() in hay.lower()


class OverviewScreen(FilterBox, LiveScreen):
    MODE = "overview"
    BINDINGS = [
        Binding("slash", "filter", "筛选", show=True),
        Binding("enter", "drill", "下钻", show=True),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filter_text = ""
        self.data: OverviewData | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Input(placeholder="输入地市或部门名称筛选，回车确定（只剩一个时直接打开），Esc 取消", id="filter", classes="filter")
        yield KeyedTable(COLUMNS, id="cities", fixed_columns=1)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(KeyedTable).focus()
        super().on_mount()

    def fetch(self, session: Session, period: Any) -> OverviewData:
        return load_overview(session, period, self.app.today())

    def prefetched(self, params: Any) -> Any:
        return self.app.take_prefetched(params)

    def show(self, data: OverviewData, period: Any) -> None:
        self.data = data
        self._fill()

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        rows = [
            (f"city:{f.id}", figure_row(f, data.trends.get(f.id, []), data.alert_counts.get(f.id, 0)))
            for f in data.figures
            if matches(f, self.filter_text)
        ]
        self.query_one(KeyedTable).sync(rows)
        below = sum(1 for f in data.figures if f.status == "below")
        shown = f"（筛选“{clean(self.filter_text, 20)}”：{len(rows)} 个）" if self.filter_text else ""
        self.query_one("#title", Static).update(
            f"全省 {len(data.figures)} 个地市 · {self.app.period_label} · 未达标 {below} 个{shown}"
        )

    # --- keys ---------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            table = self.query_one(KeyedTable)
            table.focus()
            if not event.value.strip():
                event.input.display = False
            elif table.row_count == 1:
                self.action_drill()  # one city left: Enter opens it

    def action_drill(self) -> None:
        key = self.query_one(KeyedTable).current_key
        if key and key.startswith("city:"):
            from tui.screens.city import CityScreen

            self.app.push_screen(CityScreen(int(key.split(":")[1])))

    def on_data_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        event.stop()
        self.action_drill()
