"""The coordinator dashboard (Textual). ``make_app`` builds it for the CLI and for the tests alike."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from models import clock
from models.db import DatabaseError, is_sqlite, make_engine
from tui.components.banner import DbBanner
from tui.components.navbar import SCREENS, NavBar
from tui.palette import NamesProvider


@dataclass
class CampaignKnown(Message):
    year: int
    targets: Any
    period: Any
    overview: Any  # the overview's first read, done in the same worker (first paint sooner)


@dataclass
class StartFailed(Message):
    reason: str


class StartScreen(Screen):
    """Shown until the database first answers (with the banner while it does not)."""

    def compose(self) -> ComposeResult:
        yield DbBanner(id="banner")
        yield Static("正在连接数据库……", id="starting")
        yield Footer(compact=True)


def pick_period(years: list[int], months: list[int], today: date) -> tuple[int, int | None]:
    """The campaign year to show first and its month (``None`` = whole year) for ``today``."""
    if not years:
        return today.year, None
    year = today.year if today.year in years else max([y for y in years if y <= today.year] or [min(years)])
    month = today.month if (year == today.year and today.month in months) else None
    return year, month


class ZhudianApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "驻点工作看板"
    COMMANDS = App.COMMANDS | {NamesProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        *[Binding(key, f"show('{mode}')", label, show=False) for mode, key, label in SCREENS],
        Binding("left_square_bracket", "step_period(-1)", "上月", show=False),
        Binding("right_square_bracket", "step_period(1)", "下月", show=False),
        Binding("v", "record_visit", "记录驻点", show=False),
        Binding("question_mark", "legend", "按键", show=True),
        Binding("q", "quit", "退出", show=False),
        # Our own, so the footer names it in Chinese (Textual's default label is "palette").
        Binding("ctrl+p", "command_palette", "查找", show=False, priority=True),
    ]

    def __init__(self, url: str, *, now: Callable[[], datetime] = clock.now, engine: Engine | None = None,
                 qr_url: Callable[[Engine, int], tuple[str, float]] | None = None,
                 refresh_seconds: float | None = None) -> None:
        super().__init__()
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
        from models.progress import Period
        from models.targets import campaign_years, targets_for
        from tui.screens.overview import load_overview

        self.ensure_database()
        with self.session() as session:
            years = campaign_years(session)
            today = self.today()
            year = pick_period(years, [], today)[0]
            targets = targets_for(session, year)
            period = Period(year, pick_period([year], targets.months, today)[1])
            overview = load_overview(session, period, today) if with_overview else None
        return CampaignKnown(year, targets, period, overview)

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
        from models.progress import Period

        self.database_ok()
        self.year, self.targets = message.year, message.targets
        self.months = self.targets.months
        self.periods = [Period(self.year), *[Period(self.year, m) for m in self.months]]
        self.period = message.period
        if message.overview is not None:
            self._prefetched = (("overview", message.period), message.overview)
        from tui.screens import MODES

        for mode, factory in MODES.items():
            self.add_mode(mode, factory)
        self.mode_names = set(MODES)
        self.switch_mode(self._pending_mode)

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
