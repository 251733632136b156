"""评价: cities and departments ranked by verified data, the formula of every score printed; Enter
opens a city's or department's figures (:mod:`tui.screens.figures`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static, TabbedContent, TabPane

from tui.components import fmt
from tui.components.drill import DrillDown
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen, Loaded

if TYPE_CHECKING:  # the models load in the worker, after the first paint
    from models.evaluation import Evaluation

CITY_COLUMNS = [("rank", "名次"), ("name", "名称"), ("total", "总分"), ("objective", "客观数据"),
                ("ratings", "团员评价"), ("experience", "经验推广"), ("all", "含未核实"), ("worked", "计算")]
# A department's objective part is its own work and its cities' results, each weighted (models.evaluation).
DEPARTMENT_COLUMNS = [*CITY_COLUMNS[:3], ("objective", "本部门工作"), ("outcomes", "地市成效"), *CITY_COLUMNS[4:]]


def score_rows(kind: str, scores: list[Any]) -> list[tuple[str, list[Any]]]:
    return [
        (f"{kind}:{s.id}", [
            fmt.cell(str(s.rank)), literal(s.name, 14, "bold" if s.rank <= 3 else ""),
            fmt.cell(f"{s.total:.1f}", "bold"), fmt.cell(f"{s.objective:.1f}"),
            *([fmt.cell(f"{s.outcomes:.1f}")] if s.outcomes is not None else []), fmt.cell(f"{s.ratings:.1f}"),
            fmt.cell(f"{s.experience:.1f}"),
            # What unverified data would make of it: shown beside, never ranked.
            fmt.cell(f"{s.total_all:.1f}·第{s.rank_all}", "dim" if s.rank_all == s.rank else "yellow"),
            literal(s.worked, 40),
        ])
        for s in scores
    ]


@dataclass
class EvaluationLoaded(Loaded):
    data: Evaluation


class EvaluationScreen(DrillDown, LiveScreen):
    LOADED = EvaluationLoaded
    MODE = "evaluation"
    REFRESH_SECONDS = 15.0
    BINDINGS = [DrillDown.drill_binding("各项指标")]
    formulas: dict[str, str] | None = None  # the campaign's formulas, once read

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="formula", markup=False)
        with Tabs(id="tabs"):
            with TabPane("地市", id="tab-cities"):
                yield KeyedTable(CITY_COLUMNS, id="eval-cities", fixed_columns=2)
            with TabPane("部门", id="tab-departments"):
                yield KeyedTable(DEPARTMENT_COLUMNS, id="eval-departments", fixed_columns=2)
        yield from self.compose_bottom()

    @on(EvaluationLoaded)
    def _loaded(self, message: EvaluationLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, period: Any) -> Any:
        from models.evaluation import evaluate

        # The seed evaluates the campaign year as a whole, whichever month is selected.
        return evaluate(session, period.year, today=self.app.today())

    def show(self, result: Any, period: Any) -> None:
        self.query_one("#eval-cities", KeyedTable).sync(score_rows("city", result.cities))
        self.query_one("#eval-departments", KeyedTable).sync(score_rows("department", result.departments))
        self.formulas = result.formulas
        self.query_one("#title", Static).update(f"{period.year}年 · 只计已核实的数据")
        self._show_formula()

    @on(TabbedContent.TabActivated)
    def _show_formula(self) -> None:
        """The total's formula of the tab in view, whole (it wraps); each part's formula and arithmetic
        are one Enter away (各项指标)."""
        if not self.formulas:
            return
        key = "department_total" if self.query_one(Tabs).active == "tab-departments" else "total"
        self.query_one("#formula", Static).update(f"{self.formulas[key]}；回车查看各项的公式和计算")

    def open_current(self) -> None:
        active = self.query_one(Tabs).active
        key = self.query_one("#eval-departments" if active == "tab-departments" else "#eval-cities",
                             KeyedTable).current_key
        if not key:
            return
        kind, _, ident = key.partition(":")
        self.app.open(f"{kind}_score", int(ident))
