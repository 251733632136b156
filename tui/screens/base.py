"""What every dashboard screen shares: the nav bar, the database banner, the footer, and the
refresh loop — a thread worker reads the database and posts a message; the next read is scheduled
only after the last one finished (Dolphie's pattern), and is retried while the database is away.
Every read carries a sequence number and only the answer to the latest one is shown: a cancelled
thread worker cannot be stopped mid-read, so an older answer can still arrive after a newer request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, TabbedContent
from textual.worker import get_current_worker

from tui.components.banner import DbBanner
from tui.components.navbar import NavBar


@dataclass
class Loaded(Message):
    """Posted by a screen's worker with what ``fetch`` returned for ``params``."""

    data: Any
    params: Any
    seq: int = 0  # which read this answers (LiveScreen shows only the latest)


@dataclass
class LoadFailed(Message):
    reason: str
    seq: int = 0


class LiveScreen(Screen):
    """A screen that shows database figures and keeps them fresh.

    Subclasses implement ``params`` (UI thread: what to read, e.g. the period), ``fetch`` (worker
    thread: read with the session, return plain data) and ``show`` (UI thread: update widgets).
    """

    MODE = ""
    AUTO_FOCUS = ""  # off: focus_active_table picks the table in view (auto-focus would switch tabs)
    REFRESH_SECONDS = 5.0
    RETRY_SECONDS = 2.0

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._timer: Timer | None = None
        self._seq = 0  # the latest read asked for; any other read's answer is stale
        self.loads = 0  # finished loads shown (tests wait on this)

    def compose_top(self) -> ComposeResult:
        yield NavBar(self.MODE or getattr(self.app, "current_mode", ""), id="nav")
        yield DbBanner(id="banner")

    def compose_bottom(self) -> ComposeResult:
        yield Footer()

    # --- refresh loop -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.call_after_refresh(self._initial_focus)
        self.reload()

    def _initial_focus(self) -> None:
        if self.focused is None:
            self.focus_active_table()

    def focus_active_table(self) -> None:
        """Keyboard first: the table in view takes the keys (Enter drills down from it)."""
        tabs = self.query(TabbedContent)
        scope = tabs.first().active_pane if tabs else self
        tables = scope.query(DataTable) if scope is not None else []
        if tables:
            # At once, not via Widget.focus (a later callback): a focus decided for one pane must
            # not land after the user already chose another.
            self.set_focus(tables.first())

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self.focus_active_table)

    def on_screen_resume(self) -> None:
        nav = self.query(NavBar)
        if nav:
            nav.first().set_period(self.app.period_label)
        if self.loads:
            self.reload()

    def reload(self) -> None:
        """Read now (cancelling a pending scheduled read)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        params = self.params()
        ready = self.prefetched(params) if not self.loads else None
        self._seq += 1
        if ready is not None:
            self.post_message(Loaded(ready, params, self._seq))
        else:
            self._load(params, self._seq)

    def prefetched(self, params: Any) -> Any:
        """Data read ahead for the first show (``None``: read now)."""
        return None

    def params(self) -> Any:
        return self.app.period

    def fetch(self, session: Session, params: Any) -> Any:
        raise NotImplementedError

    def show(self, data: Any, params: Any) -> None:
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, params: Any, seq: int) -> None:
        worker = get_current_worker()
        try:
            self.app.ensure_database()
            with Session(self.app.engine) as session:
                data = self.fetch(session, params)
        except Exception as exc:  # any failure becomes the banner; the loop retries
            if not worker.is_cancelled:
                self.post_message(LoadFailed(self.app.describe_error(exc), seq))
            return
        if not worker.is_cancelled:
            self.post_message(Loaded(data, params, seq))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.seq != self._seq:
            return  # overtaken: a newer read is under way and will be shown instead
        if message.params != self.params():
            self.reload()  # the period or a filter changed while reading
            return
        self.app.database_ok()
        self._show(message.data, message.params)

    def _show(self, data: Any, params: Any) -> None:
        try:
            self.show(data, params)
        except Exception as exc:  # a display bug must not kill a coordinator's session
            self.app.database_failed(f"显示出错：{type(exc).__name__}: {exc}", self.RETRY_SECONDS)
            self.log.error(exc)
        self.loads += 1
        self._schedule(getattr(self.app, "refresh_seconds", None) or self.REFRESH_SECONDS)

    def on_load_failed(self, message: LoadFailed) -> None:
        message.stop()
        if message.seq != self._seq:
            return  # a newer read is under way; its own outcome decides the banner
        self.app.database_failed(message.reason, self.RETRY_SECONDS)
        self._schedule(self.RETRY_SECONDS)

    def _schedule(self, seconds: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(seconds, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self.is_current:
            self._seq += 1
            self._load(self.params(), self._seq)
        # A hidden screen reads again when it is shown (on_screen_resume).

    # --- shared keys --------------------------------------------------------------------------

    BINDINGS = [
        Binding("escape", "back", "返回", show=True),
    ]

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
