"""意见主题: the themes of members' suggestions for a scope (from the 意见 screen's filters, a city or a
branch) and the selected period — count, share, mean score, change against the month before, trend,
keywords and a typical suggestion; the flagged suggestions (safety, urgent hardship) first.

Enter on a theme lists its suggestions; Enter on one opens it whole. Each refresh first analyses the
new ratings (a new rating costs its own analysis only), within a time budget, in the worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.components import theme_cells as cells
from tui.components.drill import DrillDown
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RecordsTable, show_value
from tui.components.safe import clean, literal
from tui.i18n_textual import ChineseBindings
from tui.screens.base import LiveScreen, Loaded

COLUMNS = [("name", "主题"), ("count", "意见数"), ("share", "占比"), ("mean", "均分"), ("change", "较上月"),
           ("trend", "各月"), ("keywords", "热词"), ("quote", "代表性意见")]
URGENT_STYLE = "bold red"


@dataclass
class ThemesData:
    scope: str
    summary: Any


def read_themes(session: Session, scope: Any, period: Any) -> ThemesData:
    """Analyse what is new (within the budget), then the scope's themes (worker thread)."""
    from models.themes.query import scope_label, theme_summary
    from models.themes.store import analyse_pending

    analyse_pending(session, budget_seconds=cells.ANALYSE_SECONDS)
    return ThemesData(scope_label(session, scope), theme_summary(session, scope, period, quotes=1))


@dataclass
class ThemesLoaded(Loaded):
    data: ThemesData


class ThemesScreen(DrillDown, LiveScreen):
    LOADED = ThemesLoaded
    REFRESH_SECONDS = 2.0
    BINDINGS = [DrillDown.drill_binding("该主题的意见")]

    def __init__(self, scope: Any, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scope = scope
        self.data: ThemesData | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="themes-note", classes="screen-title", markup=False)
        yield KeyedTable(COLUMNS, id="themes", fixed_columns=1)
        yield from self.compose_bottom()

    def params(self) -> Any:
        return (self.app.period, self.scope)

    @on(ThemesLoaded)
    def _loaded(self, message: ThemesLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, params: Any) -> ThemesData:
        period, scope = params
        return read_themes(session, scope, period)

    def show(self, data: ThemesData, params: Any) -> None:
        self.data = data
        s = data.summary
        self.query_one("#title", Static).update(
            f"意见主题 · {clean(data.scope, 30)} · {self.app.period_label} · 意见 {s.suggestions:,} 条 · 每 2 秒自动刷新")
        note = cells.progress_note(s) or "一条意见可属多个主题；代表性意见取最典型的一条。回车查看该主题的全部意见"
        self.query_one("#themes-note", Static).update(note)
        rows = [r for r in ([s.urgent] if s.urgent.count else []) + s.themes if r.count]
        self.query_one("#themes", KeyedTable).sync([(f"theme:{r.code}", self._cells(r, r is s.urgent)) for r in rows])

    @staticmethod
    def _cells(row: Any, urgent: bool) -> list[Text]:
        style = URGENT_STYLE if urgent else ""
        quote = row.quotes[0].text if row.quotes else ""
        return [literal(("! " if urgent else "") + row.name, 16, style), Text(f"{row.count:,}", justify="right"),
                Text(cells.share(row), justify="right"), Text(cells.mean(row), justify="right"),
                Text(cells.change(row), justify="right"), Text(cells.trend(row), style="cyan"),
                literal(cells.keywords(row, 4), 24), literal(quote, 40, style)]

    def open_current(self) -> None:
        code = (self.query_one("#themes", KeyedTable).current_key or "").partition(":")[2]
        if self.data is None or not code:
            return
        row = next((r for r in [self.data.summary.urgent, *self.data.summary.themes] if r.code == code), None)
        if row is not None:
            self.app.push_screen(ThemeSuggestionsScreen(code, row.name, self.scope, self.data.scope))


@dataclass
class SuggestionsLoaded(Loaded):
    data: list[Any]


class ThemeSuggestionsScreen(DrillDown, LiveScreen):
    """The newest suggestions of one theme in the scope and period; Enter opens one whole."""

    LOADED = SuggestionsLoaded
    REFRESH_SECONDS = 5.0

    def __init__(self, code: str, name: str, scope: Any, scope_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code, self.theme_name, self.scope, self.scope_name = code, name, scope, scope_name

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield RecordsTable("rating", id="suggestions")
        yield from self.compose_bottom()

    def params(self) -> Any:
        return (self.app.period, self.scope)

    @on(SuggestionsLoaded)
    def _loaded(self, message: SuggestionsLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, params: Any) -> list[Any]:
        from models.themes.query import theme_suggestions

        period, scope = params
        return theme_suggestions(session, self.code, scope, period)

    def show(self, rows: list[Any], params: Any) -> None:
        self.query_one(RecordsTable).set_records(rows)
        self.query_one("#title", Static).update(
            f"{clean(self.theme_name, 20)} · {clean(self.scope_name, 30)} · {self.app.period_label} · 最新 {len(rows)} 条"
            " · 回车查看全文")

    def open_current(self) -> None:
        row = self.query_one(RecordsTable).current
        if row is not None:
            self.app.push_screen(SuggestionScreen(row))


class SuggestionScreen(ChineseBindings, Screen):
    """One suggestion whole: every character as typed (control characters removed), wrapped."""

    BINDINGS = [Binding("escape", "back", "返回", show=True)]

    def __init__(self, row: Any, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row = row

    def compose(self) -> ComposeResult:
        r = self.row
        facts = [show_value(r.created_at), f"{r.score}分", r.city, r.county, r.branch, r.activity]
        words = getattr(r, "urgent_words", "")
        if words:
            facts.append("提及：" + "、".join(words.split()))
        yield Static(Text(" · ".join(clean(x, 30) for x in facts if x)), id="title", classes="screen-title")
        with VerticalScroll(id="suggestion-scroll"):
            yield Static(Text(clean(r.suggestion, None)), id="suggestion-text")
        yield Footer()

    def action_back(self) -> None:
        self.app.pop_screen()
