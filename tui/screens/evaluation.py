"""评价: cities and departments ranked, each component of the score visible (objective data,
members' ratings, promoted experience) with the campaign's weights."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from textual.app import ComposeResult
from textual.widgets import Static, TabPane

from tui.components import fmt
from tui.components.keyed_table import KeyedTable
from tui.components.safe import literal
from tui.components.tabs import Tabs
from tui.screens.base import LiveScreen

COLUMNS = [("rank", "名次"), ("name", "名称"), ("total", "总分"), ("objective", "客观数据"),
           ("ratings", "团员评价"), ("experience", "经验推广"), ("detail", "依据")]


def score_rows(kind: str, scores: list[Any]) -> list[tuple[str, list[Any]]]:
    return [
        (f"{kind}:{s.id}", [
            fmt.cell(str(s.rank)), literal(s.name, 14, "bold" if s.rank <= 3 else ""),
            fmt.cell(f"{s.total:.1f}", "bold"), fmt.cell(f"{s.objective:.1f}"), fmt.cell(f"{s.ratings:.1f}"),
            fmt.cell(f"{s.experience:.1f}"), literal(s.detail, 48),
        ])
        for s in scores
    ]


class EvaluationScreen(LiveScreen):
    MODE = "evaluation"
    REFRESH_SECONDS = 15.0

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            with TabPane("地市", id="tab-cities"):
                yield KeyedTable(COLUMNS, id="eval-cities", fixed_columns=2)
            with TabPane("部门", id="tab-departments"):
                yield KeyedTable(COLUMNS, id="eval-departments", fixed_columns=2)
        yield from self.compose_bottom()

    def fetch(self, session: Session, period: Any) -> Any:
        from models.evaluation import evaluate

        # The seed evaluates the campaign year as a whole, whichever month is selected.
        return evaluate(session, period.year)

    def show(self, result: Any, period: Any) -> None:
        self.query_one("#eval-cities", KeyedTable).sync(score_rows("city", result.cities))
        self.query_one("#eval-departments", KeyedTable).sync(score_rows("department", result.departments))
        w = result.weights
        self.query_one("#title", Static).update(
            f"{period.year}年 · 总分 = 客观数据×{w[0]:g} + 团员评价×{w[1]:g} + 经验推广×{w[2]:g}（各项满分 100）"
        )
