"""总览: one row per city with the seed's figures for the selected period; Enter opens the city."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from models.figures.overview import OverviewData, RowContext, load_overview
from models.themes.query import PriorityCounts
from tui.components.drill import DrillDown
from tui.components.figures import CITY_COLUMNS, figure_row, has_violation
from tui.components.filter_box import FilterBox
from tui.components.keyed_table import KeyedTable
from tui.components.safe import clean
from tui.screens.base import LiveScreen, Loaded


@dataclass
class OverviewLoaded(Loaded):
    data: OverviewData


@dataclass
class PriorityLoaded(Message):
    """The suggestions needing attention first (``models.themes.query.PriorityCounts``) for ``period``."""

    counts: PriorityCounts
    period: Any


@cache
def province_order() -> dict[str, int]:
    """City name → its place in 附件1 (the seed's table, as ``models/data/departments.csv`` lists it)."""
    from models.reference import assignment_pairs

    order: dict[str, int] = {}
    for _dept, city in assignment_pairs():
        order.setdefault(city, len(order))
    return order


def matches(f: Any, text: str) -> bool:
    """The city's own name or a paired department's (not the province's: "东" would match 广东省)."""
    if not text:
        return True
    hay = " ".join([f.name, *f.departments])
    return text.lower() in hay.lower()


class OverviewScreen(DrillDown, FilterBox, LiveScreen):
    MODE = "overview"
    LOADED = OverviewLoaded
    BREACHES = True
    BINDINGS = [
        Binding("slash", "filter", "筛选", show=True),
        DrillDown.drill_binding("下钻"),
        Binding("w", "lowest", "评分最低支部", show=True),
        Binding("m", "themes", "意见主题", show=True),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filter_text = ""
        self.data: OverviewData | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="priority", classes="screen-title priority", markup=False)
        yield Input(placeholder="输入地市或部门名称筛选，回车确定（只剩一个时直接打开），Esc 取消", id="filter", classes="filter")
        # Sorting on 地市 keeps 附件1's order (not the characters' code points: 东莞, 中山, 云浮…).
        yield KeyedTable(CITY_COLUMNS, id="cities", fixed_columns=1, own_order=("name",))
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(KeyedTable).focus()
        super().on_mount()

    def fetch(self, session: Session, period: Any) -> OverviewData:
        return load_overview(session, period, self.app.today())

    @on(OverviewLoaded)
    def _loaded(self, message: OverviewLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)
        self._read_priority(message.params)

    @work(thread=True, exclusive=True, group="priority", exit_on_error=False)
    def _read_priority(self, period: Any) -> None:
        """Apart from the figures (a first analysis loads the segmenter, seconds): the paint never waits."""
        from models.themes.query import priority_counts
        from models.themes.store import analyse_pending
        from tui.components.theme_cells import ANALYSE_SECONDS

        try:
            with Session(self.app.engine) as session:
                analyse_pending(session, budget_seconds=ANALYSE_SECONDS)  # new suggestions counted too
                counts = priority_counts(session, period)
        except Exception:  # the figures' own read reports database trouble; this line just waits
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PriorityLoaded(counts, period))

    @on(PriorityLoaded)
    def _priority(self, message: PriorityLoaded) -> None:
        message.stop()
        if message.period != self.app.period:
            return
        c = message.counts
        line = self.query_one("#priority", Static)
        if c.formalism or c.urgent:
            line.update(f"需优先关注：团员反映形式主义 {c.formalism:,} 条 · 安全或紧急困难 {c.urgent:,} 条（m 查看意见主题）")
        else:
            line.update("")

    def action_themes(self) -> None:
        from models.themes.query import ThemeScope

        self.app.open("themes", scope=ThemeScope())

    def prefetched(self, params: Any) -> Any:
        return self.app.take_prefetched(params)

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        default = RowContext()
        order = province_order()
        rows = [
            (f"city:{f.id}", figure_row(f, data.context.get(f.id, default)))
            for f in sorted(data.figures, key=lambda f: order.get(f.name.removesuffix("市"), len(order)))
            if matches(f, self.filter_text)
            and (not self.breaches_only or has_violation(f, data.context.get(f.id, default)))
        ]
        self.query_one(KeyedTable).sync(rows)
        breach = data.cities_with_violations
        shown = f"（筛选“{clean(self.filter_text, 20)}”：{len(rows)} 个）" if self.filter_text else ""
        only = " · 只看违规（b 显示全部）" if self.breaches_only else ""
        self.query_one("#title", Static).update(
            f"全省 {len(data.figures)} 个地市 · {self.app.period_label} · 有违规的地市 {breach} 个{shown}{only} · ? 图例"
        )

    def row_detail(self, table: Any, key: str) -> Any:
        found = super().row_detail(table, key)
        f = next((f for f in (self.data.figures if self.data else []) if f"city:{f.id}" == key), None)
        if found is None or f is None:
            return found
        ctx = self.data.context.get(f.id, RowContext()) if self.data else RowContext()
        extra: list[tuple[str, object]] = [("对接部门（全称）", "、".join(f.departments))]
        if ctx.dept_verdict is not None:
            extra += [("部门驻点预警", a.message) for a in ctx.dept_verdict.alerts]
        return f"{f.name} · {self.app.period_label}", found[1] + extra

    # --- keys ---------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            table = self.query_one(KeyedTable)
            table.focus()
            if not event.value.strip():
                event.input.display = False
            elif table.row_count == 1:
                self.action_drill()  # one city left: Enter opens it

    def open_current(self) -> None:
        key = self.query_one(KeyedTable).current_key
        if key and key.startswith("city:"):
            self.app.open("city", int(key.split(":")[1]))

    def action_lowest(self) -> None:
        self.app.open("lowest")
