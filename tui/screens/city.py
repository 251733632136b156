"""A city: its county units (or 镇街) with the overview's figures, its visits as a timeline, its
branches, and its rating trend. Enter on a branch opens the branch; on a county, its branches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static, TabPane
from textual.worker import get_current_worker
from textual_plotext import PlotextPlot

from tui.components.alert_rows import ALERT_COLUMNS, matches, open_alert, sync_alerts
from tui.components.drill import DrillDown
from tui.components.figures import COUNTY_COLUMNS, RowContext, figure_row
from tui.components.filter_box import FilterBox
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RecordsTable
from tui.components.safe import clean
from tui.components.tabs import Tabs
from tui.screens.base import Analysed, LiveScreen, Loaded


@dataclass
class CityData:
    city: Any
    counties: list[Any]
    visits: list[Any]
    branches: list[Any]
    trend: list[tuple[int, int, float | None]]
    themes: list[Any] = field(default_factory=list)  # the top themes of the city's suggestions
    sessions: list[Any] = field(default_factory=list)  # cadres' spot-check sessions and their ratings
    alerts: list[Any] = field(default_factory=list)  # the period's alerts concerning the city (its counties too)
    city_names: dict[int, str] = field(default_factory=dict)


@dataclass
class CityLoaded(Loaded):
    data: CityData


@dataclass
class CityAlertsLoaded(Message):
    """The period's alerts concerning the city (its counties too), read apart from its figures."""

    alerts: list[Any]
    city_names: dict[int, str]
    params: Any


class CityScreen(DrillDown, FilterBox, LiveScreen):
    LOADED = CityLoaded
    BREACHES = True
    BINDINGS = [
        Binding("slash", "filter", "筛选", show=True),
        DrillDown.drill_binding("下钻"),
        Binding("m", "themes", "意见主题", show=True),
    ]

    def __init__(self, city_id: int, county_id: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.city_id = city_id
        self.county_id = county_id  # branches tab limited to this county
        self.filter_text = ""
        self.data: CityData | None = None
        self.alert_rows: dict[str, Any] = {}
        self.alerts_shown: list[Any] = []  # the last alerts read (kept across figure refreshes)
        self.alerts_params: Any = None
        self.city_names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield Static("", id="title", classes="screen-title", markup=False)
        yield Static("", id="themes-line", classes="screen-title", markup=False)
        yield Input(placeholder="筛选团支部/县区名称，回车确定，Esc 取消", id="filter", classes="filter")
        initial = "tab-branches" if self.county_id is not None else "tab-counties"
        with Tabs(id="tabs", initial=initial):
            with TabPane("县区", id="tab-counties"):
                yield KeyedTable(COUNTY_COLUMNS, id="counties", fixed_columns=1)
            with TabPane("预警", id="tab-alerts"):
                yield KeyedTable(ALERT_COLUMNS, id="alerts")
            with TabPane("驻点记录", id="tab-visits"):
                yield RecordsTable("visit", id="visits")
            with TabPane("团支部", id="tab-branches"):
                yield RecordsTable("branch", id="branches", fixed_columns=1)
            with TabPane("抽查现场评价", id="tab-sessions"):
                yield RecordsTable("spot_session", id="sessions")
            with TabPane("评价趋势", id="tab-trend"):
                yield PlotextPlot(id="trend")
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        super().on_mount()

    def params(self) -> Any:
        return (self.app.period, self.county_id)

    def fetch(self, session: Session, params: Any) -> CityData:
        from models import records
        from models.branch_ratings import rated_branches
        from models.progress import progress, rating_trend
        from models.themes.query import top_themes

        period, county_id = params
        today = self.app.today()
        city = progress(session, "city", period, city_id=self.city_id, today=today)[0]
        counties = progress(session, "county", period, city_id=self.city_id, today=today)
        visits = records.visits(session, period, city_id=self.city_id)
        if county_id is None:
            branches = rated_branches(session, period, city_id=self.city_id)
        else:
            branches = rated_branches(session, period, county_id=county_id)
        trend = rating_trend(session, period.year, level="city").get(self.city_id, [])
        themes = top_themes(session, self._theme_scope(), period)  # analysed apart: analyse_in_background
        sessions = records.spot_sessions(session, city_id=self.city_id)
        # The alerts read for these params (another period's are not shown meanwhile).
        shown = self.alerts_shown if self.alerts_params == params else []
        return CityData(city, counties, visits, branches, trend, themes, sessions, shown, self.city_names)

    @on(CityLoaded)
    def _loaded(self, message: CityLoaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)
        self.analyse_in_background()
        self._read_alerts(message.params)

    @work(thread=True, exclusive=True, group="city-alerts", exit_on_error=False)
    def _read_alerts(self, params: Any) -> None:
        """The 预警 tab apart from the figures: the rules read the whole province (some 400 ms on the
        demo), and the city's figures must not wait for them."""
        from models.choices import cities
        from models.rules import alerts

        period, county_id = params
        try:
            with Session(self.app.engine) as session:
                found = [a for a in alerts(session, period, today=self.app.today()) if self.city_id in a.city_ids
                         and (county_id is None or a.level != "county" or a.subject_id == county_id)]
                names = {ident: name for name, ident in cities(session)}
        except Exception:  # the figures' own read reports database trouble
            return
        if not get_current_worker().is_cancelled:
            self.post_message(CityAlertsLoaded(found, names, params))

    @on(CityAlertsLoaded)
    def _alerts_loaded(self, message: CityAlertsLoaded) -> None:
        message.stop()
        if message.params != self.params() or self.data is None:
            return
        self.alerts_shown, self.city_names, self.alerts_params = message.alerts, message.city_names, message.params
        self.data.alerts, self.data.city_names = message.alerts, message.city_names
        self._fill()

    @on(Analysed)
    def _analysed(self, message: Analysed) -> None:
        message.stop()
        self.reload()  # the themes line counts the suggestions just analysed

    def show(self, data: CityData, params: Any) -> None:
        self.data = data
        self._fill()
        from tui.components.theme_cells import top_line

        self.query_one("#themes-line", Static).update(top_line(data.themes))

    def _theme_scope(self) -> Any:
        from models.themes.query import ThemeScope

        return ThemeScope(city_id=self.city_id) if self.county_id is None else ThemeScope(county_id=self.county_id)

    def action_themes(self) -> None:
        self.app.open("themes", scope=self._theme_scope())

    def _fill(self) -> None:
        data = self.data
        if data is None:
            return
        text = self.filter_text.lower()
        self.query_one("#counties", KeyedTable).sync([
            (f"county:{f.id}", figure_row(f, RowContext(), COUNTY_COLUMNS))
            for f in data.counties if (not text or text in f.name.lower())
            and (not self.breaches_only or f.forms_missing)
        ])
        shown = [a for a in data.alerts if (not text or matches(a, text, data.city_names))
                 and (not self.breaches_only or a.mark == "violation")]
        width = 120 if self.app.size.width >= 150 else 60
        self.alert_rows = sync_alerts(self.query_one("#alerts", KeyedTable), shown, data.city_names, width)
        violations = sum(1 for a in data.alerts if a.mark == "violation")
        self.query_one(Tabs).get_tab("tab-alerts").label = (f"预警 {len(data.alerts)}（违规 {violations}）"
                                                            if violations else f"预警 {len(data.alerts)}")
        self.query_one("#visits", RecordsTable).set_records(data.visits)
        self.query_one("#sessions", RecordsTable).set_records(data.sessions)
        self.query_one("#branches", RecordsTable).set_records(
            [b for b in data.branches if not text or text in f"{b.name} {getattr(b, 'county', '')}".lower()]
        )
        c = data.city
        county = ""
        if self.county_id is not None:
            county = next((f" · {clean(f.name, 12)}" for f in data.counties if f.id == self.county_id), "")
        self.query_one("#title", Static).update(
            f"{clean(c.name, 10)}{county} · {self.app.period_label} · 对接部门：{clean('、'.join(c.departments), 30)}"
            f" · 驻点 {c.visit_days:g} 天 · 团支部 {len(data.branches)} 个"
        )
        plot = self.query_one("#trend", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        points = [(m, mean) for m, _count, mean in data.trend if mean is not None]
        if points:
            plt.plot([m for m, _ in points], [v for _, v in points], marker="braille")
            plt.xticks([m for m, _ in points], [f"{m % 100}月" for m, _ in points])
        plt.ylim(1, 5)
        plt.title(f"{c.name} 团员评价均分（按月）")
        plot.refresh()

    def visit_context(self) -> dict[str, int]:
        county = self.county_id
        if county is None and self.query_one(Tabs).active == "tab-counties":
            key = self.query_one("#counties", KeyedTable).current_key or ""
            county = int(key.split(":")[1]) if key.startswith("county:") else None
        return {"city_id": self.city_id} | ({"county_id": county} if county is not None else {})

    # --- keys ---------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.focus_active_table()

    def export_extra(self) -> Any:
        """On a county, for a month: its 附件2 (the monthly form, with its attached sheets) as well."""
        period = self.app.period
        if self.county_id is None or period is None or period.month is None or self.data is None:
            return None
        city = self.data.city.name
        county = next((f.name for f in self.data.counties if f.id == self.county_id), None)
        if county is None:
            return None

        def write(session: Session, folder: Any) -> list[Any]:
            from models.monthly_form import monthly_forms
            from tui.exports.monthly import write_monthly

            out = folder / f"附件2-{city}{county}-{period.key}.xlsx"
            write_monthly(session, monthly_forms(session, city, period.key, county), out)
            return [out]

        return write

    def open_current(self) -> None:
        table = self.table_in_view()
        key = getattr(table, "current_key", None) or ""
        kind, _, ident = key.partition(":")
        if kind == "county":
            self.app.open("city", self.city_id, county_id=int(ident))
        elif kind in ("branch", "visit"):
            self.app.open(kind, int(ident))
        elif kind == "alert" and key in self.alert_rows:
            open_alert(self.app, self.alert_rows[key])
