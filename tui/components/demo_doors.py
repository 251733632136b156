"""The demo's doors (``d``): while ``zhudian demo`` runs, the survey server's address, the demo cadre's
field-page link and a member's link for one branch, as text that fits 80 columns and as QR codes a
phone on the same network can scan. Shown over the dashboard when it starts; Esc closes, ``d`` reopens."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from tui.components.qr import QrView
from tui.components.safe import clean


@dataclass(frozen=True)
class DemoDoors:
    server: str  # the survey server's address, e.g. http://192.168.1.5:40123
    cadre_name: str
    cadre_url: str
    branch_name: str
    member_url: str


def doors_text(doors: DemoDoors) -> Text:
    """The addresses, one per line, never wrapped: a URL broken across lines cannot be typed or tapped."""
    text = Text(no_wrap=True, overflow="ellipsis")
    rows = [("问卷服务器", doors.server),
            (f"驻点干部手机页面（演示干部：{clean(doors.cadre_name, 10)}）", doors.cadre_url),
            (f"团员评价链接（{clean(doors.branch_name, 24)}）", doors.member_url)]
    for label, url in rows:
        text.append(f"{label}\n", style="bold")
        text.append(f"{url}\n\n")
    text.append("手机连上与这台电脑相同的 Wi-Fi 或局域网后，用相机或微信扫一扫扫描“干部二维码”“团员二维码”，"
                "或在浏览器中输入上面的地址。按 c / m 看二维码，l 回到链接。\n")
    text.append("退出看板（q）时问卷服务器随之停止。", style="dim")
    return text


class DoorsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,d", "close", "关闭", show=True),
        Binding("l", "tab('doors-links')", "链接", show=True),
        Binding("c", "tab('doors-cadre')", "干部二维码", show=True),
        Binding("m", "tab('doors-member')", "团员二维码", show=True),
    ]
    DEFAULT_CSS = """
    DoorsScreen { align: center top; }
    DoorsScreen > Vertical { width: 100%; height: 1fr; background: $surface; }
    DoorsScreen TabPane { padding: 0; }
    DoorsScreen #doors-text { width: 100%; }
    """

    def __init__(self, doors: DemoDoors) -> None:
        super().__init__()
        self.doors = doors

    def compose(self) -> ComposeResult:
        with Vertical():
            with TabbedContent(id="doors-tabs"):
                with TabPane("演示入口", id="doors-links"):
                    yield Static(doors_text(self.doors), id="doors-text")
                with TabPane("干部二维码", id="doors-cadre"):
                    yield QrView(self.doors.cadre_url, id="doors-cadre-qr")
                with TabPane("团员二维码", id="doors-member"):
                    yield QrView(self.doors.member_url, id="doors-member-qr")
        yield Footer(compact=True)

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane

    def action_close(self) -> None:
        self.dismiss(None)
