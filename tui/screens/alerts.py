"""预警: every rule broken or at risk and every monthly form late or missing; Enter shows the records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from tui.components.alert_rows import ALERT_COLUMNS, matches, open_alert, sync_alerts
from tui.components.drill import DrillDown
from tui.components.filter_box import FilterBox
from tui.components.keyed_table import KeyedTable
from tui.components.safe import clean
from tui.screens.base import LiveScreen, Loaded


@dataclass
class AlertsData:
    alerts: list[Any]  # models.rules.Alert
    city_names: dict[int, str]


@dataclass
class AlertsLoaded(Loaded):
    data: AlertsData


class AlertsScreen(DrillDown, FilterBox, LiveScreen):
    MODE = "alerts"
    LOADED = AlertsLoaded
    BREACHES = True
    BINDINGS = [
        Binding("slash", "filter", "筛选", show=True),
        DrillDown.drill_binding("查看记录"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.alerts: dict[str, Any] = {}
        self.all: list[Any] = []
        self.names: dict[int, str] = {}
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Input(placeholder="筛选：地市、规则、对象或说明中的文字", id="filter", classes="filter")
        # The explanation names the rule, the month and the figure: it comes before the rule's name.
        yield KeyedTable(ALERT_COLUMNS, id="alerts")
        yield Static("", id="row-detail", markup=False)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(KeyedTable).focus()
        super().on_mount()

    def fetch(self, session: Session, period: Any) -> AlertsData:
        from models.choices import cities
        from models.rules import alerts

        return AlertsData(list(alerts(session, period, today=self.app.today())),
                          {ident: name for name, ident in cities(session)})

    @on(AlertsLoaded)
    def _loaded(self, message: AlertsLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)

    def show(self, data: AlertsData, period: Any) -> None:
        self.all, self.names = data.alerts, data.city_names
        self._fill()

    def _fill(self) -> None:
        text = self.filter_text.strip()
        shown_alerts = [a for a in self.all if matches(a, text, self.names)
                        and (not self.breaches_only or a.mark == "violation")]
        # Wide terminals show the explanation whole (up to 120 cells); 80 columns keep 60.
        width = 120 if self.app.size.width >= 150 else 60
        self.alerts = sync_alerts(self.query_one(KeyedTable), shown_alerts, self.names, width)
        words: dict[str, int] = {}
        for a in self.all:
            words[a.word] = words.get(a.word, 0) + 1
        counts = "，".join(f"{w} {words[w]}" for w in ("违规", "未达标", "未报", "有风险", "迟报") if w in words)
        shown = f" · 筛选“{clean(self.filter_text, 20)}”：{len(shown_alerts)} 条" if self.filter_text else ""
        only = " · 只看违规" if self.breaches_only else ""
        self.query_one("#title", Static).update(
            f"{self.app.period_label} · 预警 {len(self.all)} 条（{counts or '无'}）"
            f"{shown}{only}"
        )
        self._show_detail()

    def on_data_table_row_highlighted(self, event: KeyedTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted alert's whole explanation under the table (i: every field)."""
        alert = self.alerts.get(self.query_one(KeyedTable).current_key or "")
        self.query_one("#row-detail", Static).update(clean(alert.message, 400) if alert else "")

    def row_detail(self, table: Any, key: str) -> Any:
        a = self.alerts.get(key)
        if a is None:
            return None
        return f"预警 · {a.word}", [("程度", a.word), ("规则", a.rule_label),
                                   ("对象", a.subject_name), ("说明", a.message)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(KeyedTable).focus()

    def open_current(self) -> None:
        alert = self.alerts.get(self.query_one(KeyedTable).current_key or "")
        if alert is not None:
            open_alert(self.app, alert)
