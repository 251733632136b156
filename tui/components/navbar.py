"""One line naming the screens and their number keys, with the selected period on the right."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

SCREENS: list[tuple[str, str, str]] = [
    # (mode, key, label)
    ("overview", "1", "总览"),
    ("departments", "2", "部门"),
    ("feedback", "3", "意见"),
    ("alerts", "4", "预警"),
    ("evaluation", "5", "评价"),
    ("qr", "6", "二维码"),
]


class NavBar(Static):
    def __init__(self, current: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.current = current
        self.period_label = ""

    def on_mount(self) -> None:
        self.set_period(getattr(self.app, "period_label", ""))

    def set_period(self, label: str) -> None:
        self.period_label = label
        text = Text(no_wrap=True, overflow="ellipsis")
        for mode, key, label_ in SCREENS:
            style = "bold reverse" if mode == self.current else ""
            text.append(f" {key}{label_} ", style=style)
        text.append("  ")
        text.append(f"[ {self.period_label} ]", style="bold")
        self.update(text)
