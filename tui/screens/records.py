"""The records behind a figure or an alert: one table per kind of record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static, TabPane

from tui.components.records_table import RECORD_KINDS, TITLES, RecordsTable
from tui.components.safe import clean
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen, Loaded

KINDS = RECORD_KINDS  # table name (as in Alert.records) -> record kind of the tables


def load_records(session: Session, period: Any, kind: str, ids: list[int]) -> list[Any]:
    from models import records

    if kind == "visit":
        return list(records.visits(session, period, ids=ids))
    if kind == "spot_check":
        return list(records.spot_checks(session, period, ids=ids))
    if kind == "lecture":
        return list(records.lectures(session, period, ids=ids))
    if kind == "monthly_report":
        return list(records.monthly_reports(session, period, ids=ids))
    if kind == "branch":
        from models.branch_ratings import rated_branches

        return rated_branches(session, period, ids=ids)
    if kind == "rating":
        return list(records.ratings(session, ids=ids, limit=None))
    if kind in ("experience", "city_plan", "project"):
        from models import evaluation_records

        load = {"experience": evaluation_records.experiences, "city_plan": evaluation_records.city_plans,
                "project": evaluation_records.projects}[kind]
        return list(load(session, ids))
    return []


@dataclass
class RecordsLoaded(Loaded):
    data: dict[str, list[Any]]


class RecordsScreen(LiveScreen):
    LOADED = RecordsLoaded
    REFRESH_SECONDS = 10.0

    def __init__(self, title: str, wanted: dict[str, list[int]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        # Only record tables get a tab; the alert's subject (department, cadre, county) is in the title.
        self.wanted = {KINDS[k.lower()]: list(v) for k, v in wanted.items() if v and k.lower() in KINDS}

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static(clean(self.title_text, 200), id="title", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            for kind in self.wanted:
                with TabPane(f"{TITLES.get(kind, kind)} {len(self.wanted[kind])}", id=f"tab-{kind}"):
                    yield RecordsTable(kind, id=f"records-{kind}")
        yield from self.compose_bottom()

    def params(self) -> Any:
        return self.app.period.year

    @on(RecordsLoaded)
    def _loaded(self, message: RecordsLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, year: Any) -> dict[str, list[Any]]:
        from models.figures.period import Period

        whole = Period(year)
        out = {kind: load_records(session, whole, kind, ids) for kind, ids in self.wanted.items()}
        # A visit's own spot checks come with it.
        if "visit" in out and "spot_check" not in self.wanted:
            out["spot_check"] = []
        return out

    def show(self, data: dict[str, list[Any]], params: Any) -> None:
        for kind, rows in data.items():
            tables = self.query(f"#records-{kind}")
            if tables:
                tables.first(RecordsTable).set_records(rows)
