"""评分最低的团支部: the province's branches members rate lowest in the period (only branches with
enough ratings are ranked; the minimum is stated on screen). Enter opens the branch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from models.branch_ratings import MIN_RATINGS, RankedBranch
from tui.components.drill import DrillDown
from tui.components.records_table import RecordsTable
from tui.components.safe import clean
from tui.screens.base import LiveScreen, Loaded


@dataclass
class LowestLoaded(Loaded):
    """The ranked branches read for ``params`` (period, minimum ratings)."""

    data: list[RankedBranch]


class LowestBranchesScreen(DrillDown, LiveScreen):
    BINDINGS = [
        DrillDown.drill_binding("打开支部"),
        Binding("plus_sign,equals_sign", "min_ratings(2)", "提高门槛", show=True),
        Binding("minus", "min_ratings(0.5)", "降低门槛", show=True),
    ]
    LOADED = LowestLoaded

    def __init__(self, min_ratings: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.min_ratings = min_ratings or MIN_RATINGS
        self.rows: list[Any] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="worst", classes="screen-title", markup=False)
        yield RecordsTable("ranked_branch", id="lowest", fixed_columns=2)
        yield from self.compose_bottom()

    def params(self) -> Any:
        return (self.app.period, self.min_ratings)

    def fetch(self, session: Session, params: Any) -> list[Any]:
        from models.branch_ratings import lowest_branches

        period, least = params
        return lowest_branches(session, period, min_ratings=least)

    @on(LowestLoaded)
    def _loaded(self, message: LowestLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)

    def show(self, data: list[Any], params: Any) -> None:
        self.rows = [RankRow.of(i, r) for i, r in enumerate(data, start=1)]
        self._fill()

    def _fill(self) -> None:
        self.query_one(RecordsTable).set_records(self.rows)
        worst = self.rows[0] if self.rows else None
        self.query_one("#title", Static).update(
            f"全省评分最低的团支部 · {self.app.period_label} · 至少 {self.min_ratings} 条评价才排名（+/- 调整）")
        self.query_one("#worst", Static).update(
            f"共 {len(self.rows)} 个 · 最低：{clean(worst.name, 30)} {worst.mean:.2f} 分（{worst.rated:,} 条评价）"
            if worst else "本期没有达到评价条数的团支部（按 - 降低门槛）")

    def action_min_ratings(self, factor: float) -> None:
        self.min_ratings = max(1, round(self.min_ratings * factor))
        self.reload()

    def open_current(self) -> None:
        row = self.query_one(RecordsTable).current
        if row is not None:
            self.app.open("branch", row.id)


@dataclass
class RankRow:
    """One ranked branch as the table shows it (``id``: the branch's, so the row key opens it)."""

    id: int
    rank: int
    name: str
    city: str
    county: str
    rated: int
    mean: float
    verified: int
    verified_mean: float | None

    @classmethod
    def of(cls, rank: int, ranked: Any) -> RankRow:
        b, r = ranked.branch, ranked.rating
        return cls(b.id, rank, b.name, b.city, b.county, r.count, r.mean, r.verified, r.verified_mean)
