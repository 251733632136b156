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


class WideTable(App):
    def compose(self) -> ComposeResult:
        yield KeyedTable([("name", "地市"), *[(f"c{i}", f"第{i}栏数据") for i in range(8)]], fixed_columns=1)


async def test_right_and_left_scroll_a_whole_column_so_no_header_is_cut():
    app = WideTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.size.width > 0, what="the table laid out")
        table.sync([("r", [Text("广州"), *[Text("12345") for _ in range(8)]])])
        table.focus()
        for column in (1, 2):
            await pilot.press("right")
            await wait_for(pilot, lambda column=column: f"地市 第{column}栏数据" in " ".join(screen_text(app).split()),
                           what=f"column {column} first after the fixed one, whole")
            assert f"栏数据 第{column}栏" not in screen_text(app)
        await pilot.press("left")
        await wait_for(pilot, lambda: "地市 第1栏数据" in " ".join(screen_text(app).split()), what="one column back")
