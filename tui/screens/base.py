"""What every dashboard screen shares: the nav bar, the database banner, the footer, and the
refresh loop — a thread worker reads the database and posts a message; the next read is scheduled
only after the last one finished (Dolphie's pattern), and is retried while the database is away.
Every read carries a sequence number and only the answer to the latest one is shown: a cancelled
thread worker cannot be stopped mid-read, so an older answer can still arrive after a newer request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, TabbedContent, TabPane
from textual.worker import get_current_worker

from tui.components.banner import DbBanner
from tui.components.navbar import NavBar
from tui.i18n_textual import ChineseBindings


@dataclass
class Loaded(Message):
    """Posted by a screen's worker with what ``fetch`` returned for ``params``.

    Each screen posts a subclass of its own (``CityLoaded(data: CityData)``), named in its ``LOADED``
    and handled there with ``@on``: a message can never reach a screen that did not ask for it.
    """

    data: Any
    params: Any
    seq: int = 0  # which read this answers (LiveScreen shows only the latest)


@dataclass
class Analysed(Message):
    """New suggestions were analysed in the background (their themes and flags can now be read)."""

    count: int


@dataclass
class LoadFailed(Message):
    reason: str
    seq: int = 0


class LiveScreen(ChineseBindings, Screen):
    """A screen that shows database figures and keeps them fresh.

    Subclasses implement ``params`` (UI thread: what to read, e.g. the period), ``fetch`` (worker
    thread: read with the session, return plain data) and ``show`` (UI thread: update widgets).
    """

    MODE = ""
    LOADED: ClassVar[type[Loaded]] = Loaded  # the message type this screen's worker posts
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
        yield Footer(compact=True)  # compact: at 80 columns the keys that matter fit

    # --- refresh loop -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.on_mount_tabs()
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

    def on_mount_tabs(self) -> None:
        # The tab strip takes no focus: Tab moves between tables and inputs, so Enter acts at once
        # (tabs change with t / T, listed in the footer).
        for tabs in self.query(TabbedContent):
            for strip in tabs.query("ContentTabs"):
                strip.can_focus = False

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
            self.post_message(self.LOADED(ready, params, self._seq))
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
        """Keep ``data`` and redraw from it (``_fill`` also redraws after a filter or view change)."""
        self.data = data
        self._fill()

    def _fill(self) -> None:
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
            self.post_message(self.LOADED(data, params, seq))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        self.accept(message.data, message.params, message.seq)

    def accept_message(self, message: Loaded) -> None:
        """The body of every screen's ``@on(<Screen>Loaded)`` handler."""
        message.stop()
        self.accept(message.data, message.params, message.seq)

    def accept(self, data: Any, params: Any, seq: int) -> None:
        """Show a worker's answer if it is the latest read's (each screen's ``@on`` handler calls this)."""
        if seq != self._seq:
            return  # overtaken: a newer read is under way and will be shown instead
        if params != self.params():
            self.reload()  # the period or a filter changed while reading
            return
        self.app.database_ok()
        self._show(data, params)

    def _show(self, data: Any, params: Any) -> None:
        try:
            self.show(data, params)
        except Exception as exc:  # a display bug must not kill a coordinator's session
            self.app.database_failed(f"显示出错：{type(exc).__name__}: {exc}", self.RETRY_SECONDS)
            self.log.error(exc)
        self.loads += 1
        self._schedule(getattr(self.app, "refresh_seconds", None) or self.REFRESH_SECONDS)

    @work(thread=True, exclusive=True, group="analyse", exit_on_error=False)
    def analyse_in_background(self) -> None:
        """Analyse new suggestions apart from the screen's read: the first analysis of a process loads
        the segmenter (seconds), and a screen's paint must not wait for it."""
        from models.themes.store import analyse_pending
        from tui.components.theme_cells import ANALYSE_SECONDS

        try:
            with Session(self.app.engine) as session:
                done = analyse_pending(session, budget_seconds=ANALYSE_SECONDS)
        except Exception:  # the screen's own read reports database trouble
            return
        if done.analysed and not get_current_worker().is_cancelled:
            self.post_message(Analysed(done.analysed))

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

    BREACHES = False  # the screen has a breaches-only view (``b``)

    # The footer shows what a coordinator needs at 80 columns; ? lists every key of the screen.
    BINDINGS = [
        Binding("escape", "back", "返回", show=True),
        Binding("s", "sort", "排序", show=True),
        Binding("S", "sort(True)", "倒序", show=False),
        Binding("x", "sort_breaches", "按违规排序", show=False),
        Binding("b", "breaches", "只看违规", show=True),
        Binding("i", "detail", "全文", show=False),
        Binding("e", "export", "导出", show=True),
        Binding("t", "next_tab(1)", "下一标签", show=True),
        Binding("T", "next_tab(-1)", "上一标签", show=False),
    ]

    breaches_only = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys a screen cannot use are not offered in its footer."""
        if action == "next_tab":
            return bool(self.query(TabbedContent))
        if action == "breaches":
            return self.BREACHES
        if action in ("sort", "detail", "sort_breaches", "export"):
            return self.table_in_view() is not None
        if action == "back":
            # Offered where there is somewhere to go back to (a pushed screen, an open filter).
            filters = self.query("#filter")
            return len(self.app.screen_stack) > 1 or bool(filters and filters.first().display)
        return True

    def table_in_view(self) -> DataTable | None:
        focused = self.focused
        if isinstance(focused, DataTable):
            return focused
        tabs = self.query(TabbedContent)
        scope = tabs.first().active_pane if tabs else self
        tables = scope.query(DataTable) if scope is not None else []
        return tables.first() if tables else None

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_sort(self, reverse: bool = False) -> None:
        from tui.components.keyed_table import KeyedTable

        table = self.table_in_view()
        if not isinstance(table, KeyedTable):
            return
        if reverse:
            table.sort_on(table.sort_by, not table.sort_reverse)
        else:
            table.next_sort()
        label = table.label_of(table.sort_by) if table.sort_by else "原顺序"
        self.notify(f"按“{label}”{'倒序' if table.sort_reverse else '排序'}" if table.sort_by else "恢复原顺序",
                    timeout=2)

    def action_sort_breaches(self) -> None:
        """x: straight to the columns carrying the rules' marks (违规 first), the next one on each press."""
        from tui.components.keyed_table import KeyedTable

        table = self.table_in_view()
        if not isinstance(table, KeyedTable):
            return
        column = table.sort_breaches()
        if column is None:
            self.notify("这张表没有违规标记的列", timeout=2)
        else:
            self.notify(f"按“{table.label_of(column)}”排序：违规在前", timeout=2)

    def title_text(self) -> str:
        found = self.query("#title")
        return str(found.first().content) if found else ""

    def action_export(self) -> None:
        """e: the table in view as a workbook (and whatever else the screen adds: a county's 附件2)."""
        from models.db import data_dir
        from tui.components.export import export_folder, file_name, table_rows
        from tui.components.keyed_table import KeyedTable

        table = self.table_in_view()
        if not isinstance(table, KeyedTable):
            return
        headers, rows = table_rows(table)
        title = self.title_text() or self.app.period_label
        out = export_folder(data_dir()) / file_name(title.split(" · ")[0] or "看板", self.app.now())
        self._export(out, title, headers, rows, self.export_extra())

    def export_extra(self) -> Any:
        """A callable ``(session, folder) -> [paths]`` run with the export (``None``: nothing more)."""
        return None

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, out: Any, title: str, headers: list[str], rows: list[list[Any]], extra: Any) -> None:
        from tui.components.export import write_rows

        try:
            written = [write_rows(out, title, headers, rows)]
            if extra is not None:
                with Session(self.app.engine) as session:
                    written += extra(session, out.parent)
        except Exception as exc:  # a full disk or a closed database: said, never a crash
            self.app.call_from_thread(self.notify, f"导出失败：{exc}", severity="error", timeout=8)
            return
        names = "、".join(str(p) for p in written)
        self.app.call_from_thread(self.notify, f"已导出 {len(rows)} 行：{names}", title="导出", timeout=10)

    def action_breaches(self) -> None:
        self.breaches_only = not self.breaches_only
        self.notify("只看违规" if self.breaches_only else "显示全部", timeout=2)
        fill = getattr(self, "_fill", None)
        if fill is not None:
            fill()
        else:
            self.reload()

    def action_next_tab(self, step: int) -> None:
        tabs = self.query(TabbedContent)
        if not tabs:
            return
        content = tabs.first()
        panes = [pane.id for pane in content.query(TabPane) if pane.id]
        if content.active in panes:
            content.active = panes[(panes.index(content.active) + step) % len(panes)]

    def row_detail(self, table: DataTable, key: str) -> tuple[str, list[tuple[str, object]]] | None:
        """Title and (label, whole value) pairs for ``i`` on row ``key``; screens add what cells cut."""
        from tui.components.keyed_table import KeyedTable
        from tui.components.records_table import RecordsTable, show_value

        if isinstance(table, RecordsTable):
            record = table.records.get(key)
            if record is None:
                return None
            return "全文", [(label, show_value(getattr(record, attr, None))) for attr, label, _w in table.spec]
        if isinstance(table, KeyedTable):
            cells = table.get_row(key)
            return "全文", [(label, getattr(c, "plain", c)) for (_k, label), c in zip(table.column_spec, cells,
                                                                                    strict=False)]
        return None

    def action_detail(self) -> None:
        from tui.components.detail import DetailScreen

        table = self.table_in_view()
        key = getattr(table, "current_key", None)
        found = self.row_detail(table, key) if table is not None and key else None
        if found is not None:
            self.app.push_screen(DetailScreen(*found))
