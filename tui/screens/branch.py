"""A branch: its spot-check results and sessions, activities, members' ratings and suggestions, photos."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabPane

from tui.components.records_table import SPECS, TITLES, RecordsTable, show_value
from tui.components.safe import clean
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen

PARTS = [("checks", "spot_check"), ("sessions", "spot_session"), ("activities", "activity"), ("ratings", "rating"),
         ("photos", "photo")]


class BranchScreen(LiveScreen):
    BINDINGS = [Binding("f", "feedback", "该支部全部评价", show=True), Binding("m", "themes", "意见主题", show=True)]

    def __init__(self, branch_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.branch_id = branch_id
        self.detail: Any = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="themes-line", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            for attr, kind in PARTS:
                with TabPane(TITLES[kind], id=f"tab-{attr}"):
                    yield RecordsTable(kind, id=attr)
        yield from self.compose_bottom()

    def params(self) -> Any:
        return self.branch_id

    def fetch(self, session: Session, branch_id: Any) -> Any:
        from models.records import branch_detail
        from models.themes.query import ThemeScope, top_themes
        from tui.components.theme_cells import ANALYSE_SECONDS

        themes = top_themes(session, ThemeScope(branch_id=branch_id), self.app.period, analyse_seconds=ANALYSE_SECONDS)
        return branch_detail(session, branch_id), themes

    def show(self, data: Any, params: Any) -> None:
        from tui.components.theme_cells import top_line

        detail, themes = data
        self.query_one("#themes-line", Static).update(top_line(themes))
        self.detail = detail
        info = getattr(detail, "branch", detail)
        bits = [clean(getattr(info, "name", ""), 30)]
        for attr in ("city", "county", "kind_label", "member_count", "cadre"):
            value = getattr(info, attr, None)
            if value not in (None, ""):
                label = {"member_count": "团员 ", "cadre": "团建指导员 "}.get(attr, "")
                bits.append(label + clean(show_value(value), 16))
        self.query_one("#title", Static).update(" · ".join(bits))
        if detail is None:
            self.query_one("#title", Static).update("该团支部已不存在")
            return
        for attr, kind in PARTS:
            if attr == "photos":  # photos come with ratings: list the ratings that carry one
                rows = [r for r in detail.ratings if r.has_photo]
            else:
                rows = list(getattr(detail, attr, []) or [])
            table = self.query_one(f"#{attr}", RecordsTable)
            table.set_records(rows)
            pane = self.query_one(Tabs).get_tab(f"tab-{attr}")
            pane.label = f"{TITLES[kind]} {len(rows)}"
        assert SPECS  # specs are shared with the records screen

    def action_themes(self) -> None:
        from models.themes.query import ThemeScope

        self.app.open("themes", scope=ThemeScope(branch_id=self.branch_id))

    def action_feedback(self) -> None:
        self.app.open("branch_feedback", self.branch_id)
