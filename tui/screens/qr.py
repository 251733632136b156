"""二维码: pick a branch, show its live rotating survey QR large (half blocks), a countdown to the
next rotation, and save it as a PNG."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.components.qr import QrView, save_png
from tui.components.safe import clean, literal
from tui.screens.base import LiveScreen, Loaded


@dataclass(frozen=True)
class QrParams:
    branch_id: int | None
    search: str


@dataclass
class QrData:
    branches: list[tuple[str, int]]
    url: str = ""
    seconds_left: float = 0.0
    problem: str = ""


@dataclass
class QrLoaded(Loaded):
    data: QrData


class QrScreen(LiveScreen):
    LOADED = QrLoaded
    MODE = "qr"
    BINDINGS = [
        Binding("slash", "search", "找团支部", show=True),
        Binding("ctrl+s", "save_png", "保存PNG", show=True),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.branch_id: int | None = None
        self.branch_label = ""
        self.search = ""
        self.url = ""
        self.deadline = 0.0
        self.saved: Path | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="qr-layout"):
            with Vertical(id="qr-picker"):
                yield Input(placeholder="/ 输入团支部名称", id="qr-search")
                yield OptionList(id="qr-branches")
            with Vertical(id="qr-panel"):
                yield Static("请先在左侧选择团支部", id="qr-caption", markup=False)
                yield QrView(id="qr")
                yield Static("", id="qr-url", markup=False)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick_countdown)
        self.query_one("#qr-branches", OptionList).focus()
        super().on_mount()

    def params(self) -> Any:
        return QrParams(self.branch_id, self.search)

    @on(QrLoaded)
    def _loaded(self, message: QrLoaded) -> None:
        self.accept_message(message)

    def fetch(self, session: Session, p: QrParams) -> QrData:
        from models.choices import find_branches

        data = QrData(find_branches(session, p.search, limit=50))
        if p.branch_id is not None:
            source = self.app.qr_url
            if source is None:
                from tui.live_url import live_url as source
            try:
                data.url, data.seconds_left = source(self.app.engine, p.branch_id)
            except Exception as exc:
                data.problem = str(exc) or type(exc).__name__
        return data

    def show(self, data: QrData, p: QrParams) -> None:
        options = self.query_one("#qr-branches", OptionList)
        wanted = [Option(literal(label, 40), id=str(bid)) for label, bid in data.branches]
        if [o.id for o in options.options] != [o.id for o in wanted]:
            options.clear_options()
            options.add_options(wanted)
            if wanted:
                options.highlighted = 0  # Enter picks the first match straight away
        for label, bid in data.branches:
            if bid == p.branch_id:
                self.branch_label = label
        qr = self.query_one(QrView)
        if data.problem:
            qr.set_data("")
            self.query_one("#qr-caption", Static).update(f"无法生成二维码：{clean(data.problem, 60)}")
            return
        if p.branch_id is None:
            return
        qr.set_data(data.url)
        self.url = data.url
        self.deadline = time.monotonic() + data.seconds_left
        self.query_one("#qr-url", Static).update(literal(data.url, 120))  # one line, never wrapped
        self._tick_countdown()

    def _schedule(self, seconds: float) -> None:
        # Fetch the next URL when this one rotates (and at least every few seconds for the list).
        if self.branch_id is not None and self.url:
            seconds = max(0.5, min(seconds, self.deadline - time.monotonic() + 0.2))
        super()._schedule(seconds)

    def _tick_countdown(self) -> None:
        if self.branch_id is None or not self.url:
            return
        left = max(0, int(self.deadline - time.monotonic() + 0.999))
        caption = f"{left} 秒后更新 · 请扫码评价 · {clean(self.branch_label.split('（')[0], 30)}"
        if self.saved is not None:
            caption += f" · 已保存 {self.saved.name}"
        self.query_one("#qr-caption", Static).update(caption)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.search = event.value.strip()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one("#qr-branches", OptionList)
        options.focus()
        if options.option_count:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.branch_id = int(event.option.id or 0)
        self.branch_label = getattr(event.option.prompt, "plain", str(event.option.prompt))
        self.url = ""
        self.saved = None
        self.reload()

    def action_search(self) -> None:
        self.query_one("#qr-search", Input).focus()

    def action_save_png(self) -> None:
        if not self.url:
            self.notify("请先选择团支部", severity="warning")
            return
        self._save(self.url, self.branch_id)

    @work(thread=True, group="qr-save", exit_on_error=False)
    def _save(self, url: str, branch_id: int | None) -> None:
        from models.db import data_dir

        path = data_dir() / "qr" / f"branch-{branch_id}-{time.strftime('%Y%m%d-%H%M%S')}.png"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_png(url, str(path))
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"保存失败：{exc}", severity="error")
            return
        self.app.call_from_thread(self._saved, path)

    def _saved(self, path: Path) -> None:
        self.saved = path
        self.notify(f"二维码图片已保存：{path}", title="二维码")
        self._tick_countdown()
