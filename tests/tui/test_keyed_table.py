"""KeyedTable: the picture never depends on whether a paint came before the columns were measured."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from tests.tui.helpers import wait_for
from tests.tui.screen_text import screen_text
from tui.components.keyed_table import KeyedTable


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield KeyedTable([("name", "部门"), ("n", "数")])


async def test_rows_painted_before_the_columns_were_measured_are_shown_in_full():
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.size.width > 0, what="the table laid out")
        table.sync([(f"r{i}", [Text(f"办公室{i}号房间"), Text("1")]) for i in range(3)])
        for y in range(4):  # a paint before the table's idle-time measurement (a busy loop's timing)
            table.render_line(y)
        await wait_for(pilot, lambda: all(f"办公室{i}号房间" in screen_text(app) for i in range(3)),
                       what="every name in full")
        assert "…" not in screen_text(app)
