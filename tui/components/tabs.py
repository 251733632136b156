"""TabbedContent whose pane in view changes only when a tab is chosen, never by a focus report.

Textual's TabbedContent also switches to a pane in which a widget got focus (``TabPane.Focused``).
That report travels through a chain of messages, so the screen's initial focus on the first pane's
table could be reported after the user (or a test) already chose another tab, and switch back to
the first pane. The dashboard only ever focuses inside the pane in view (``focus_active_table``),
so here the report is dropped and the tab the user chose stays: a public handler of this subclass
runs before TabbedContent's own and ``prevent_default`` keeps that one from running.
"""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class Tabs(TabbedContent):
    """Use instead of ``TabbedContent``: same widget, CSS type and messages."""

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        event.stop()
        event.prevent_default()  # TabbedContent's own handler would switch to that pane
