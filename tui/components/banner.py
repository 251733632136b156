"""The red line at the top that says the database is unreachable (and that we keep retrying)."""

from __future__ import annotations

from textual.widgets import Static

from tui.components.safe import clean


class DbBanner(Static):
    """Hidden while the database answers; shows the reason (Chinese) while it does not."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.display = False

    def show_problem(self, reason: str, retry_seconds: float) -> None:
        self.update(f"⚠ 数据库暂时不可用：{clean(reason, 120)} —— {retry_seconds:g} 秒后自动重试")
        self.display = True

    def clear_problem(self) -> None:
        self.display = False
