"""Tabs: the pane the user chose stays in view, whatever focus reports arrive after the choice."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, TabPane

from tests.tui.helpers import wait_for
from tui.components.tabs import Tabs


class TwoPanes(App):
    def compose(self) -> ComposeResult:
        with Tabs():
            with TabPane("一", id="one"):
                yield DataTable(id="first")
            with TabPane("二", id="two"):
                yield DataTable(id="second")


async def test_a_focus_reported_after_a_tab_was_chosen_does_not_switch_back():
    app = TwoPanes()
    async with app.run_test(size=(40, 10)) as pilot:
        tabs = app.query_one(Tabs)
        await wait_for(pilot, lambda: tabs.active == "one", what="the first pane")
        first = app.query_one("#first")
        app.screen.set_focus(first)  # its report to the pane is still on the way...
        tabs.active = "two"  # ...when the user chooses the other tab
        # Until every widget has handled its messages: the report has arrived by then (a dropped
        # report leaves nothing visible to wait on, so this is a pause, not a wait on a condition).
        await pilot.pause()
        assert tabs.active == "two"
