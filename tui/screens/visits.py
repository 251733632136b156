"""The visits (and lectures) of one department or cadre in the selected period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static, TabPane

from tui.components.records_table import RecordsTable
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen, Loaded


@dataclass
class VisitsLoaded(Loaded):
    data: tuple[list[Any], list[Any]]


class VisitsScreen(LiveScreen):
    LOADED = VisitsLoaded
    REFRESH_SECONDS = 10.0

    def __init__(self, department_id: int | None = None, cadre_id: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.department_id = department_id
        self.cadre_id = cadre_id

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            with TabPane("驻点记录", id="tab-visits"):
                yield RecordsTable("visit", id="visits")
            with TabPane("党团课", id="tab-lectures"):
                yield RecordsTable("lecture", id="lectures")
        yield from self.compose_bottom()

    @on(VisitsLoaded)
    def _loaded(self, message: VisitsLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, period: Any) -> tuple[list[Any], list[Any]]:
        from models import records

        who = {"department_id": self.department_id, "cadre_id": self.cadre_id}
        return (list(records.visits(session, period, **who)), list(records.lectures(session, period, **who)))

    def show(self, data: tuple[list[Any], list[Any]], period: Any) -> None:
        visits, lectures = data
        self.query_one("#visits", RecordsTable).set_records(visits)
        self.query_one("#lectures", RecordsTable).set_records(lectures)
        days = sum(getattr(v, "full_days", 0) or 0 for v in visits)
        who = "部门" if self.department_id is not None else "干部"
        self.query_one("#title", Static).update(
            f"{who}驻点记录 · {self.app.period_label} · {len(visits)} 次，共 {days:g} 个整天 · 党团课 {len(lectures)} 次"
        )
