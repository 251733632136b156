"""The `/` filter shared by the list screens: a hidden ``#filter`` box that narrows the loaded rows."""

from __future__ import annotations

from textual.widgets import Input


class FilterBox:
    """Mix into a screen that has an ``Input`` with id ``filter`` and a ``_fill()`` that redraws its rows.

    Typing re-filters the rows already loaded; no query runs until the next refresh.
    """

    filter_text: str = ""

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)  # type: ignore[attr-defined]
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter_text = event.value.strip()
            self._fill()  # type: ignore[attr-defined]
            if not self.filter_text:
                self._to_top()

    def _to_top(self) -> None:
        """A cleared filter shows the list from its first row (not scrolled to where the match was)."""
        from tui.components.keyed_table import KeyedTable

        for table in self.query(KeyedTable):  # type: ignore[attr-defined]
            table.to_top()

    def action_back(self) -> None:
        """Escape first closes an open filter (showing every row again), then goes back."""
        box = self.query_one("#filter", Input)  # type: ignore[attr-defined]
        if box.display:
            box.value = ""
            box.display = False
            self.filter_text = ""
            self._fill()  # type: ignore[attr-defined]
            self._to_top()
            self.focus_active_table()  # type: ignore[attr-defined]
        else:
            super().action_back()  # type: ignore[misc]
