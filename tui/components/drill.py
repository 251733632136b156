"""Enter (or a click on a row) drills down: one pattern for screens whose tables open something."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class DrillDown:
    """Mixin for a screen: Enter and a selected row both call ``open_current`` (the screen's own)."""

    @classmethod
    def drill_binding(cls, label: str) -> Binding:
        return Binding("enter", "drill", label, show=True)

    def action_drill(self) -> None:
        self.open_current()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_current()

    def open_current(self) -> None:
        raise NotImplementedError
