"""意见: the newest ratings and suggestions, live (a new rating shows within seconds, no key press),
filtered by city, county, branch, score and text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static

from models.records import RatingRow
from tui.components.drill import DrillDown
from tui.components.records_table import RecordsTable
from tui.components.safe import clean, literal
from tui.screens.base import Analysed, LiveScreen, Loaded

SCORES = [(f"{'★' * s} {s}分", s) for s in range(5, 0, -1)] + [("3分及以下", -3)]


@dataclass(frozen=True)
class FeedbackFilter:
    city_id: int | None = None
    county_id: int | None = None
    branch_id: int | None = None
    score: int | None = None  # exact score, or -3 for 1..3
    text: str = ""
    with_suggestion: bool = True  # only ratings with a suggestion (a, the default: what members say)


@dataclass
class FeedbackRow(RatingRow):
    """A rating as 意见 lists it: what needs attention first, and the visit it came through."""

    flags: tuple[str, ...] = ()  # formalism and/or urgent (models.themes.query.priority_flags)
    visit: Any = None  # models.themes.query.VisitLink for a rating made at a spot check


@dataclass
class FeedbackData:
    ratings: list[FeedbackRow]
    cities: list[tuple[str, int]]
    counties: list[tuple[str, int]]


@dataclass
class FeedbackLoaded(Loaded):
    data: FeedbackData


class FeedbackScreen(DrillDown, LiveScreen):
    MODE = "feedback"
    LOADED = FeedbackLoaded
    REFRESH_SECONDS = 2.0
    BINDINGS = [
        Binding("slash", "filter", "筛选文字", show=True),
        Binding("a", "suggestions_only", "有意见/全部", show=True),
        Binding("c", "clear_filters", "清除筛选", show=True),
        DrillDown.drill_binding("打开支部"),
        Binding("m", "themes", "意见主题", show=True),
    ]

    def __init__(self, branch_id: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.filter = FeedbackFilter(branch_id=branch_id)
        self._cities_loaded = False
        self._county_city: int | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        with Horizontal(id="filters"):
            yield Select[int]([], prompt="全部地市", id="city", allow_blank=True)
            yield Select[int]([], prompt="全部县区", id="county", allow_blank=True)
            yield Select[int](SCORES, prompt="全部评分", id="score", allow_blank=True)
            yield Input(placeholder="/ 搜索意见文字", id="text")
        yield RecordsTable("rating", id="ratings")
        yield Static("", id="row-detail", markup=False)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(RecordsTable).focus()
        super().on_mount()

    def params(self) -> Any:
        return (self.filter, self.app.period)

    def fetch(self, session: Session, params: Any) -> FeedbackData:
        from models import records
        from models.choices import cities, counties
        from models.themes.query import priority_flags, visit_links

        f, period = params
        low, high = (1, 3) if f.score == -3 else (f.score, f.score)
        # A chosen month applies here too. "全年" is not narrowed: a rating arriving now (the live feed,
        # the demo's phones) is shown even when today lies outside the campaign's months.
        rows = records.ratings(session, city_id=f.city_id, county_id=f.county_id, branch_id=f.branch_id,
                               min_score=low, max_score=high, text=f.text or None, with_suggestion=f.with_suggestion,
                               period=period if period.month is not None else None, limit=200)
        flags = priority_flags(session, [r.id for r in rows])
        links = visit_links(session, [r.id for r in rows if "formalism" in flags.get(r.id, ())])
        shown = [FeedbackRow(**vars(r), flags=flags.get(r.id, ()), visit=links.get(r.id)) for r in rows]
        return FeedbackData(shown, cities(session), counties(session, f.city_id) if f.city_id else [])

    @on(FeedbackLoaded)
    def _loaded(self, message: FeedbackLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)
        self.analyse_in_background()  # a new suggestion is flagged as it arrives (then read again)

    @on(Analysed)
    def _analysed(self, message: Analysed) -> None:
        message.stop()
        self.reload()

    def show(self, data: FeedbackData, params: Any) -> None:
        f, period = params
        if not self._cities_loaded:
            self.query_one("#city", Select).set_options([(literal(n, 10), i) for n, i in data.cities])
            self._cities_loaded = True
        if self._county_city != f.city_id:
            self.query_one("#county", Select).set_options([(literal(n, 12), i) for n, i in data.counties])
            self._county_city = f.city_id
        self.query_one(RecordsTable).set_records(data.ratings)
        when = period.label if period.month is not None else "不限月份"
        what = "有意见建议的团员评价" if f.with_suggestion else "团员评价（含无意见的）"
        bits = [f"{when} · 最新 {len(data.ratings)} 条{what}"]
        formalism = sum(1 for r in data.ratings if "formalism" in r.flags)
        if formalism:
            bits.append(f"需优先关注：形式主义 {formalism} 条")
        if f.branch_id is not None and data.ratings:
            bits.append(f"团支部：{clean(getattr(data.ratings[0], 'branch', ''), 20)}")
        if f.text:
            bits.append(f"含“{clean(f.text, 20)}”")
        bits.append("i 全文")
        self.query_one("#title", Static).update(" · ".join(bits))
        self._show_detail()

    def on_data_table_row_highlighted(self, event: RecordsTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted suggestion under the table, wrapped (i: the whole rating)."""
        rating = self.query_one(RecordsTable).current
        text = clean(getattr(rating, "suggestion", ""), 400) if rating is not None else ""
        if rating is not None and "formalism" in getattr(rating, "flags", ()):
            link = rating.visit
            where = (f"来自 {link.start_date:%m-%d} {clean(link.department, 10)}驻点的抽查现场（{clean(link.cadres, 20)}）"
                     if link is not None else "非抽查现场评价")
            text = f"需优先关注 · 形式主义 · {where}：{text}"
        self.query_one("#row-detail", Static).update(text)

    def _set(self, **changes: Any) -> None:
        from dataclasses import replace

        new = replace(self.filter, **changes)
        if new != self.filter:
            self.filter = new
            self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, int) else None
        if event.select.id == "city":
            self._set(city_id=value, county_id=None)
        elif event.select.id == "county":
            self._set(county_id=value)
        elif event.select.id == "score":
            self._set(score=value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "text":
            self._set(text=event.value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(RecordsTable).focus()

    def action_filter(self) -> None:
        self.query_one("#text", Input).focus()

    def action_suggestions_only(self) -> None:
        self._set(with_suggestion=not self.filter.with_suggestion)
        self.notify("只看有意见建议的评价" if self.filter.with_suggestion else "显示全部评价（含无意见的）", timeout=2)

    def action_clear_filters(self) -> None:
        self.query_one("#text", Input).value = ""
        for sel in ("#city", "#county", "#score"):
            self.query_one(sel, Select).clear()
        self._set(city_id=None, county_id=None, score=None, text="",
                  branch_id=None if self.MODE else self.filter.branch_id)

    def open_current(self) -> None:
        rating = self.query_one(RecordsTable).current
        branch_id = getattr(rating, "branch_id", None)
        if branch_id is not None:
            self.app.open("branch", branch_id)


    def action_themes(self) -> None:
        """The themes of the suggestions in the filtered place (city, county or branch) and period."""
        from models.themes.query import ThemeScope
        f = self.filter
        self.app.open("themes", scope=ThemeScope(city_id=f.city_id if f.county_id is None else None,
                                                 county_id=f.county_id, branch_id=f.branch_id))


class BranchFeedbackScreen(FeedbackScreen):
    """The feedback screen pushed from a branch (not a top-level mode)."""

    MODE = ""
