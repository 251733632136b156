"""预警: every rule broken or at risk and every monthly form late or missing; Enter shows the records."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from tui.components import fmt
from tui.components.filter_box import FilterBox
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RECORD_KINDS
from tui.components.safe import clean, literal
from tui.screens.base import LiveScreen

LEVEL = {"province": "全省", "city": "地市", "county": "县区", "department": "部门", "cadre": "干部",
         "branch": "团支部", "visit": "驻点"}


def alert_key(alert: Any, index: int) -> str:
    return f"alert:{alert.rule}:{alert.level}:{alert.subject_id}:{index}"


class AlertsScreen(FilterBox, LiveScreen):
    MODE = "alerts"
    BREACHES = True
    BINDINGS = [
        Binding("slash", "filter", "筛选", show=True),
        Binding("enter", "drill", "查看记录", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.alerts: dict[str, Any] = {}
        self.all: list[Any] = []
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Input(placeholder="筛选：规则、对象或说明中的文字", id="filter", classes="filter")
        # The explanation names the rule, the month and the figure: it comes before the rule's name.
        yield KeyedTable([("severity", "程度"), ("subject", "对象"), ("message", "说明"), ("rule", "规则"),
                          ("records", "记录")], id="alerts")
        yield Static("", id="row-detail", markup=False)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(KeyedTable).focus()
        super().on_mount()

    def fetch(self, session: Session, period: Any) -> list[Any]:
        from models.rules import alerts

        return list(alerts(session, period, today=self.app.today()))

    def show(self, data: list[Any], period: Any) -> None:
        self.all = data
        self._fill()

    def _fill(self) -> None:
        text = self.filter_text.lower()
        rows, self.alerts = [], {}
        seen: dict[str, int] = {}
        for a in self.all:
            if text and text not in f"{a.rule_label} {a.subject_name} {a.message}".lower():
                continue
            if self.breaches_only and a.mark != "violation":
                continue
            base = f"alert:{a.rule}:{a.level}:{a.subject_id}"
            n = seen[base] = seen.get(base, 0) + 1
            key = f"{base}:{n}"
            self.alerts[key] = a
            count = sum(len(v) for v in (a.records or {}).values())
            rows.append((key, [fmt.marked(a.mark, a.word, "left"),
                               literal(a.subject_name, 16), literal(a.message, 60),
                               fmt.cell(a.rule_label, "", "left"), fmt.cell(str(count) if count else "")]))
        self.query_one(KeyedTable).sync(rows)
        words: dict[str, int] = {}
        for a in self.all:
            words[a.word] = words.get(a.word, 0) + 1
        counts = "，".join(f"{w} {words[w]}" for w in ("违规", "未达标", "未报", "有风险", "迟报") if w in words)
        shown = f" · 筛选“{clean(self.filter_text, 20)}”：{len(rows)} 条" if self.filter_text else ""
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

    def action_drill(self) -> None:
        key = self.query_one(KeyedTable).current_key
        alert = self.alerts.get(key or "")
        if alert is None:
            return
        if not any(ids for table, ids in alert.records.items() if table.lower() in RECORD_KINDS):
            self.notify("这条预警没有对应的记录（例如本月没有任何驻点）。", title="无记录")
            return
        self.app.open("records", title=f"{alert.subject_name}：{alert.message}", wanted=alert.records)

    def on_data_table_row_selected(self, event: KeyedTable.RowSelected) -> None:
        event.stop()
        self.action_drill()
