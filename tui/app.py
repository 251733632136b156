"""The coordinator dashboard (Textual). ``make_app`` builds it for the CLI and for the tests alike."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from models import clock
from models.db import DatabaseError, is_sqlite, make_engine
from tui.components.banner import DbBanner
from tui.components.navbar import SCREENS, NavBar
from tui.i18n_textual import ChineseBindings
from tui.palette import NamesProvider


@dataclass
class CampaignKnown(Message):
    year: int
    targets: Any
    period: Any
    overview: Any  # the overview's first read, done in the same worker (first paint sooner)
    campaigns: list[tuple[int, list[int]]] = field(default_factory=list)  # every campaign year and its months


@dataclass
class StartFailed(Message):
    reason: str


class StartScreen(ChineseBindings, Screen):
    """Shown until the database first answers (with the banner while it does not)."""

    def compose(self) -> ComposeResult:
        yield DbBanner(id="banner")
        yield Static("正在连接数据库……", id="starting")
        yield Footer(compact=True)


def pick_period(years: list[int], months: list[int], today: date) -> tuple[int, int | None]:
    """The campaign year to show first and its month (``None`` = whole year) for ``today``: the most
    recent campaign as of ``today`` (this year's from April on) that the database holds."""
    current = clock.campaign_year(today)
    if not years:
        return current, None
    year = max([y for y in years if y <= current] or [min(years)])
    month = today.month if (year == today.year and today.month in months) else None
    return year, month


def all_periods(campaigns: list[tuple[int, list[int]]]) -> list[Any]:
    """Every campaign year's whole year and months, in order (what ``[``/``]`` and ``p`` choose from)."""
    from models.figures.period import Period

    return [p for year, months in sorted(campaigns) for p in (Period(year), *(Period(year, m) for m in months))]


class ZhudianApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "驻点工作看板"
    COMMANDS = App.COMMANDS | {NamesProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        *[Binding(key, f"show('{mode}')", label, show=False) for mode, key, label in SCREENS],
        # The footer keeps what fits at 80 columns; ? lists every key of the screen.
        Binding("left_square_bracket", "step_period(-1)", "上月", show=False),
        Binding("right_square_bracket", "step_period(1)", "下月", show=False),
        Binding("p", "pick_period", "时段", show=False),
        Binding("d", "doors", "演示入口", show=True),  # only while the demo runs (check_action)
        Binding("v", "record_visit", "记录驻点", show=False),
        Binding("question_mark", "legend", "按键", show=True),
        Binding("q", "quit", "退出", show=False),
        # Our own, so the footer names it in Chinese (Textual's default label is "palette").
        Binding("ctrl+p", "command_palette", "查找", show=False, priority=True),
    ]

    def __init__(self, url: str, *, now: Callable[[], datetime] = clock.now, engine: Engine | None = None,
                 qr_url: Callable[[Engine, int], tuple[str, float]] | None = None,
                 refresh_seconds: float | None = None, doors: Any = None) -> None:
        super().__init__()
        self.doors = doors  # tui.components.demo_doors.DemoDoors while ``zhudian demo`` runs
        self.url = url
        self._engine = engine
        self.now = now
        self.qr_url = qr_url
        self.refresh_seconds = refresh_seconds
        self.year: int | None = None
        self.months: list[int] = []
        self.periods: list[Any] = []
        self.period: Any = None
        self.targets: Any = None
        self._pending_mode = "overview"
        self._prefetched: tuple[Any, Any] | None = None
        self._early: Future | None = None
        self.db_problem: str | None = None
        self.on_quit: list[Callable[[], None]] = []
        self.mode_names: set[str] = set()

    # --- database ------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def session(self) -> Session:
        return Session(self.engine)

    def ensure_database(self) -> None:
        """Raise :class:`DatabaseError` if an SQLite file has gone (connecting would recreate it empty)."""
        if not is_sqlite(self.url):
            return
        path = make_url(str(self.engine.url)).database
        if path and path != ":memory:" and not Path(path).exists():
            # Pooled connections still read the unlinked file: drop them so a restored file is used.
            self.engine.dispose()
            raise DatabaseError(f"数据库文件不存在：{path}")

    def describe_error(self, exc: BaseException) -> str:
        if isinstance(exc, DatabaseError):
            return str(exc)
        if isinstance(exc, DBAPIError):
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            return f"无法读取数据库：{first}"
        if isinstance(exc, SQLAlchemyError):
            return f"无法读取数据库：{type(exc).__name__}"
        return f"读取数据出错：{type(exc).__name__}: {exc}"

    def database_failed(self, reason: str, retry: float) -> None:
        self.db_problem = reason
        for banner in self.screen.query(DbBanner):
            banner.show_problem(reason, retry)

    def database_ok(self) -> None:
        self.db_problem = None
        for banner in self.screen.query(DbBanner):
            banner.clear_problem()

    # --- start-up ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return StartScreen()

    def on_mount(self) -> None:
        self._discover()

    def _read_start(self, with_overview: bool = True) -> CampaignKnown:
        """The campaign, the period to show first and (read ahead) the overview's figures."""
        from models.figures.overview import load_overview
        from models.figures.period import Period
        from models.targets import campaign_years, targets_for

        self.ensure_database()
        with self.session() as session:
            years = campaign_years(session)
            today = self.today()
            year = pick_period(years, [], today)[0]
            targets = targets_for(session, year)
            period = Period(year, pick_period([year], targets.months, today)[1])
            campaigns = [(y, targets.months if y == year else targets_for(session, y).months) for y in years]
            overview = load_overview(session, period, today) if with_overview else None
        return CampaignKnown(year, targets, period, overview, campaigns or [(year, targets.months)])

    def start_early(self) -> None:
        """Begin the first read in a thread before Textual has started (cold start overlaps both)."""
        if self._early is None:
            self._early = Future()
            future = self._early

            def read() -> None:
                try:
                    future.set_result(self._read_start())
                except BaseException as exc:  # handed to the start-up worker, which reports it
                    future.set_exception(exc)

            threading.Thread(target=read, name="zhudian-first-read", daemon=True).start()

    @work(thread=True, exclusive=True, group="discover", exit_on_error=False)
    def _discover(self) -> None:
        early, self._early = self._early, None
        try:
            if early is not None:
                known = early.result()
            else:
                known = self._read_start(with_overview=self._pending_mode == "overview")
        except Exception as exc:
            self.post_message(StartFailed(self.describe_error(exc)))
            return
        self.post_message(known)

    def on_start_failed(self, message: StartFailed) -> None:
        self.database_failed(message.reason, 2)
        self.set_timer(2, self._discover)

    def on_campaign_known(self, message: CampaignKnown) -> None:
        from models.figures.period import Period

        self.database_ok()
        self.year, self.targets = message.year, message.targets
        self.months = self.targets.months
        self.periods = all_periods(message.campaigns) or [Period(self.year), *[Period(self.year, m) for m in self.months]]
        self.period = message.period
        if message.overview is not None:
            self._prefetched = (("overview", message.period), message.overview)
        from tui.screens import MODES

        for mode, factory in MODES.items():
            self.add_mode(mode, factory)
        self.mode_names = set(MODES)
        self.switch_mode(self._pending_mode)
        if self.doors is not None:
            self.call_after_refresh(self.action_doors)  # the demo's doors first, over the dashboard

    def take_prefetched(self, period: Any) -> Any:
        """The overview read at start-up, once, if it is for ``period``."""
        ready, self._prefetched = self._prefetched, None
        if ready is not None and ready[0] == ("overview", period):
            return ready[1]
        return None

    # --- period --------------------------------------------------------------------------------

    @property
    def period_label(self) -> str:
        return self.period.label if self.period is not None else ""

    def action_step_period(self, step: int) -> None:
        if not self.periods:
            return
        index = self.periods.index(self.period) if self.period in self.periods else len(self.periods) - 1
        self.period = self.periods[(index + step) % len(self.periods)]
        for nav in self.screen.query(NavBar):
            nav.set_period(self.period_label)
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def set_period(self, period: Any) -> None:
        self.period = period
        self.action_step_period(0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "doors":
            return self.doors is not None  # no key in the footer outside the demo
        return True

    def action_doors(self) -> None:
        from tui.components.demo_doors import DoorsScreen

        if self.doors is not None and not isinstance(self.screen, DoorsScreen):
            self.push_screen(DoorsScreen(self.doors))

    def action_pick_period(self) -> None:
        """The period selector: every campaign year in the database with its months."""
        if not self.periods:
            return
        from tui.components.period_picker import PeriodPicker

        def chosen(period: Any) -> None:
            if period is not None:
                self.set_period(period)

        if not isinstance(self.screen, PeriodPicker):
            self.push_screen(PeriodPicker(self.periods, self.period), chosen)

    # --- navigation ----------------------------------------------------------------------------

    def action_show(self, mode: str) -> None:
        if not self.periods:
            self._pending_mode = mode  # pressed before the database answered: go there once it does
        elif mode in self.mode_names:
            self.switch_mode(mode)

    def action_record_visit(self) -> None:
        if not self.periods:
            return
        from tui.screens.visit_form import VisitForm

        # What the screen in view knows (its city, county or department) is filled in.
        context = getattr(self.screen, "visit_context", None)
        self.push_screen(VisitForm(**(context() if context is not None else {})))

    def today(self) -> date:
        return clock.local(self.now()).date()

    def open(self, kind: str, ident: int | None = None, **options: Any) -> None:
        """The one navigation function: every drill-down and the command palette come through here,
        so no screen imports another. ``kind``: city, county, branch, branch_feedback, department,
        cadre, visit, records (``options``: title, wanted = {table: ids}), themes (``options``: scope),
        lowest (the lowest-rated branches; ``options``: min_ratings), or city_score / department_score (the
        figures behind an evaluation score)."""
        from tui import screens as s

        if kind == "city" and ident is not None:
            self.push_screen(s.city_screen(ident, options.get("county_id")))
        elif kind == "county" and ident is not None:
            self._open_county(ident)
        elif kind == "branch" and ident is not None:
            self.push_screen(s.branch_screen(ident))
        elif kind == "branch_feedback" and ident is not None:
            self.push_screen(s.branch_feedback_screen(ident))
        elif kind in ("department", "cadre") and ident is not None:
            self.push_screen(s.visits_screen(**{f"{kind}_id": ident}))
        elif kind == "visit" and ident is not None:
            self.push_screen(s.records_screen("驻点记录及抽查", {"visit": [ident]}))
        elif kind == "records":
            self.push_screen(s.records_screen(options["title"], options["wanted"]))
        elif kind == "themes":
            self.push_screen(s.themes_screen(options["scope"]))
        elif kind == "lowest":
            self.push_screen(s.lowest_screen(options.get("min_ratings")))
        elif kind in ("city_score", "department_score") and ident is not None:
            self.push_screen(s.figures_screen(kind.removesuffix("_score"), ident))

    def open_named(self, kind: str, ident: int) -> None:
        """Open what the command palette found."""
        self.open(kind, ident)

    @work(thread=True, group="open", exit_on_error=False)
    def _open_county(self, county_id: int) -> None:
        from models.choices import county_city

        with self.session() as session:
            city_id = county_city(session, county_id)
        self.call_from_thread(self.open, "city", city_id, county_id=county_id)

    # --- command palette ------------------------------------------------------------------------

    PALETTE_PLACEHOLDER = "查找地市、县区、部门、干部、团支部或命令……"

    def action_command_palette(self) -> None:
        # Textual's own palette, with our placeholder (its default is English).
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.PALETTE_PLACEHOLDER))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands: the dashboard's own, in Chinese. Textual's defaults (theme, keys
        panel, maximize) open English screens of their own, so they are not offered."""
        if self.periods:
            for mode, key, label in SCREENS:
                yield SystemCommand(f"{label}页", f"切换到“{label}”页（按键 {key}）", partial(self.action_show, mode))
            yield SystemCommand("上一时段", "换到上一个月或全年（按键 [）", partial(self.action_step_period, -1))
            yield SystemCommand("下一时段", "换到下一个月或全年（按键 ]）", partial(self.action_step_period, 1))
            yield SystemCommand("记录驻点", "打开记录驻点表单（按键 v）", self.action_record_visit)
        yield SystemCommand("图例", "每个标记和颜色的含义、按键（按键 ?）", self.action_legend)
        yield SystemCommand("截图", "把当前画面保存为 SVG 图片（数据目录）", self.action_save_screen)
        yield SystemCommand("退出", "退出看板（按键 q）", self.action_quit)

    def action_help_quit(self) -> None:
        # Ctrl+C does not quit a Textual app; Textual's own reminder is English.
        self.notify("按 q 退出看板（Ctrl+C 不会退出）", title="要退出吗？")

    def action_save_screen(self) -> None:
        from models.db import data_dir

        path = self.save_screenshot(path=str(data_dir()))
        self.notify(f"已保存截图：{path}", title="截图")

    def action_legend(self) -> None:
        from tui.components.legend import LegendScreen, screen_keys

        if not isinstance(self.screen, LegendScreen):
            self.push_screen(LegendScreen(screen_keys(self, self.screen)))

    def on_unmount(self) -> None:
        for stop in self.on_quit:
            try:
                stop()
            except Exception:
                pass


def forget_inherited_size() -> None:
    """Size the dashboard by its terminal, never by ``COLUMNS``/``LINES`` inherited from a parent.

    Textual asks ``shutil.get_terminal_size``, which prefers those variables to the terminal itself,
    on start and on every resize. A parent that imported GNU readline (Python's REPL, pytest in a
    terminal) exports its own terminal's size in them; nested in tmux or after a resize, the picture
    was then drawn for the wrong size (rows written past the pane's bottom, a blank screen).
    """
    if sys.__stdout__ is not None and sys.__stdout__.isatty():
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)


def make_app(url: str, *, early: bool = False, **options: Any) -> ZhudianApp:
    """The dashboard on the database at ``url``. Options: ``now`` (a clock, for tests), ``engine``,
    ``qr_url`` (branch → live survey URL and seconds left), ``refresh_seconds``; ``early`` starts the
    first database read at once, in a thread, while Textual starts (the CLI does; tests need not)."""
    app = ZhudianApp(url, **options)
    if early:
        app.start_early()
    return app
