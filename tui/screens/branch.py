"""A branch: its spot-check results and sessions, activities, members' ratings and suggestions, photos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabPane
from textual_plotext import PlotextPlot

from tui.components.records_table import SPECS, TITLES, RecordsTable, show_value
from tui.components.safe import clean
from tui.components.tabs import Tabs
from tui.screens.base import Analysed, LiveScreen, Loaded

PARTS = [("checks", "spot_check"), ("sessions", "spot_session"), ("activities", "activity"), ("ratings", "rating"),
         ("photos", "photo")]


@dataclass
class BranchData:
    detail: Any  # models.records.BranchDetail, or None when the branch is gone
    themes: list[Any]
    rating: Any  # models.branch_ratings.BranchRating in the period, or None (no rating)
    trend: list[tuple[int, int, float | None]]


@dataclass
class BranchLoaded(Loaded):
    data: BranchData


def rating_line(rating: Any, period_label: str) -> str:
    """What members say of the branch in the period, all and verified."""
    if rating is None or not rating.count:
        return f"{period_label} 没有团员评价"
    verified = (f"其中核实（抽查现场）{rating.verified:,} 条，均分 {rating.verified_mean:.2f}" if rating.verified
                else "没有核实评价（抽查现场）")
    return f"{period_label} 团员评价 {rating.count:,} 条，平均分 {rating.mean:.2f}；{verified}"


class BranchScreen(LiveScreen):
    LOADED = BranchLoaded
    BINDINGS = [Binding("f", "feedback", "该支部全部评价", show=True), Binding("m", "themes", "意见主题", show=True)]

    def __init__(self, branch_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.branch_id = branch_id
        self.detail: Any = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="rating-line", classes="screen-title", markup=False)
        yield Static("", id="themes-line", classes="screen-title", markup=False)
        with Tabs(id="tabs"):
            for attr, kind in PARTS:
                with TabPane(TITLES[kind], id=f"tab-{attr}"):
                    yield RecordsTable(kind, id=attr)
            with TabPane("评价趋势", id="tab-trend"):
                yield PlotextPlot(id="trend")
        yield from self.compose_bottom()

    def params(self) -> Any:
        return (self.branch_id, self.app.period)

    def _plot(self, trend: list[tuple[int, int, float | None]], info: Any) -> None:
        plt = self.query_one("#trend", PlotextPlot).plt
        plt.clear_data()
        points = [(m, mean) for m, _n, mean in trend if mean is not None]
        if points:
            plt.plot([m for m, _ in points], [v for _, v in points], marker="braille")
            plt.xticks([m for m, _ in points], [f"{m}月" for m, _ in points])
        plt.ylim(1, 5)
        plt.title(f"{clean(getattr(info, 'name', ''), 30)} 团员评价均分（按月）")
        self.query_one("#trend", PlotextPlot).refresh()

    def fetch(self, session: Session, params: Any) -> BranchData:
        from models.branch_ratings import branch_ratings, branch_trend
        from models.records import branch_detail
        from models.themes.query import ThemeScope, top_themes

        period = self.app.period
        branch_id = params[0]
        themes = top_themes(session, ThemeScope(branch_id=branch_id), period)  # analysed apart: analyse_in_background
        rating = branch_ratings(session, period, branch_ids=[branch_id]).get(branch_id)
        return BranchData(branch_detail(session, branch_id), themes, rating, branch_trend(session, branch_id,
                                                                                          period.year))

    @on(BranchLoaded)
    def _loaded(self, message: BranchLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)
        self.analyse_in_background()

    @on(Analysed)
    def _analysed(self, message: Analysed) -> None:
        message.stop()
        self.reload()  # the themes line counts the suggestions just analysed

    def show(self, data: BranchData, params: Any) -> None:
        from tui.components.theme_cells import top_line

        detail, themes = data.detail, data.themes
        self.query_one("#themes-line", Static).update(top_line(themes))
        self.query_one("#rating-line", Static).update(rating_line(data.rating, self.app.period_label))
        self._plot(data.trend, getattr(detail, "branch", None))
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
