"""Navigation, drill-down, filters and the month selector, driven through the keyboard."""

from __future__ import annotations

from sqlmodel import Session, select
from textual.widgets import Input

from models.tables import City
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.keyed_table import KeyedTable
from tui.screens.branch import BranchScreen
from tui.screens.city import CityScreen
from tui.screens.departments import DepartmentsScreen
from tui.screens.overview import OverviewScreen
from tui.screens.records import RecordsScreen
from tui.screens.visits import VisitsScreen


def city_id(app, name: str) -> int:
    with Session(app.engine) as s:
        return s.exec(select(City.id).where(City.name == name)).one()


async def cursor_to(pilot, table: KeyedTable, key: str) -> None:
    await wait_for(pilot, lambda: key in table.keys, what=key)
    table.move_cursor(row=table.get_row_index(key))
    await wait_for(pilot, lambda: table.current_key == key, what=f"the cursor on {key}")


async def test_overview_lists_every_city_and_drills_down_to_a_branch(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        table = app.screen.query_one(KeyedTable)
        assert table.row_count == 21
        await wait_text(pilot, "2019年6月", "梅州", "组织部")

        await cursor_to(pilot, table, f"city:{city_id(app, '梅州')}")
        await pilot.press("enter")
        await wait_loaded(pilot, CityScreen)
        text = await wait_text(pilot, "对接部门：组织部")
        assert "梅江区" in text and "梅县区" in text  # the county units of Meizhou

        # Enter on 梅江区 lists its branches; Enter on the branch opens it with its ratings.
        counties = app.screen.query_one("#counties", KeyedTable)
        key = next(k for k in counties.keys if counties.get_row(k)[0].plain.startswith("梅江区"))
        await cursor_to(pilot, counties, key)
        await pilot.press("enter")
        await wait_loaded(pilot, CityScreen)
        await wait_text(pilot, "梅江区青年志愿者协会团支部")
        branches = app.screen.query_one("#branches")
        branches.focus()
        await pilot.press("enter")
        await wait_loaded(pilot, BranchScreen)
        app.screen.query_one("TabbedContent").active = "tab-ratings"
        text = await wait_text(pilot, "活动很有意义")
        assert "[bold red]时间太晚[/] 了" in text  # typed markup shown literally

        for screen_type in (CityScreen, CityScreen, OverviewScreen):
            await pilot.press("escape")
            await wait_for(pilot, lambda t=screen_type: isinstance(app.screen, t))


async def test_month_selector_steps_through_the_campaign_and_whole_year(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        table = app.screen.query_one(KeyedTable)
        meizhou = f"city:{city_id(app, '梅州')}"
        columns = [k for k, _ in table.column_spec]
        days, state = columns.index("days"), columns.index("dept_state")
        # June, under way: no visit to Meizhou yet (a figure, no mark: the seed sets no city target);
        # its department 组织部 has 1 of its 3 days, so it is at risk in June.
        assert table.get_row(meizhou)[days].plain.strip() == "0"
        assert table.get_row(meizhou)[state].plain.strip() == "! 6月"

        await pilot.press("left_square_bracket")
        await wait_text(pilot, "[ 2019年5月 ]")
        # May is over and 组织部 stopped at 2 days: 未达标 (magenta; red is for 违规 only), the same
        # verdict as the alert list.
        await wait_for(pilot, lambda: table.get_row(meizhou)[days].plain.strip() == "2", what="May figures")
        assert table.get_row(meizhou)[state].plain.strip() == "✗ 5月"
        assert str(table.get_row(meizhou)[state].style) == "magenta"

        for _ in range(3):
            await pilot.press("left_square_bracket")
        await wait_text(pilot, "[ 2019年11月 ]")  # cycles: 5月 → 4月 → 全年 → 11月
        await pilot.press("right_square_bracket")
        await wait_text(pilot, "[ 2019年全年 ]")
        await wait_for(pilot, lambda: table.get_row(meizhou)[state].plain.strip() == "✗ 4、5月",
                       what="the year's breaches: April and May")
        assert table.get_row(meizhou)[days].plain.strip() == "2"


async def test_slash_filters_the_overview_and_escape_clears(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        table = app.screen.query_one(KeyedTable)
        await pilot.press("slash")
        box = app.screen.query_one("#filter")
        await wait_for(pilot, lambda: box.has_focus, what="the filter box")
        await pilot.press(*"组织部")
        await wait_for(pilot, lambda: table.row_count == 2, what="two cities of 组织部")
        names = {table.get_row(k)[0].plain for k in table.keys}
        assert names == {"梅州", "清远"}
        await pilot.press("escape")
        await wait_for(pilot, lambda: table.row_count == 21)
        assert isinstance(app.screen, OverviewScreen)


async def test_departments_heat_grid_and_drill_to_a_departments_visits(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await wait_loaded(pilot, DepartmentsScreen)
        grid = app.screen.query_one("#grid", KeyedTable)
        await wait_for(pilot, lambda: grid.row_count == 15)
        row = next(k for k in grid.keys if grid.get_row(k)[0].plain == "组织部")
        cells = [c.plain.strip() for c in grid.get_row(row)]
        assert cells[1:4] == ["0", "2", "1"] and cells[-2] == "3"  # April, May, June; total
        # The state is every rule on 组织部's own work; the worst is June's 座谈会 of 12 people (违规), above
        # April and May short of 3 days (未达标).
        assert cells[-1] == "✗ 违规 6月"
        await cursor_to(pilot, grid, row)
        await pilot.press("left_square_bracket")  # May
        await pilot.press("enter")
        await wait_loaded(pilot, VisitsScreen)
        text = await wait_text(pilot, "西郊街道")
        assert "张伟" in text and "1 次" in text

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DepartmentsScreen), what="back to 部门")
        app.screen.query_one("TabbedContent").active = "tab-cadres"
        cadres = app.screen.query_one("#cadres", KeyedTable)
        await wait_for(pilot, lambda: cadres.row_count == 4)
        zhang = next(k for k in cadres.keys if cadres.get_row(k)[1].plain == "张伟")
        # 2 days in May + 1 in June; the year is not over, so short of 10 is a risk, not a breach
        assert cadres.get_row(zhang)[2].plain.strip() == "! 3/10"


async def test_alert_opens_the_records_behind_it(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await wait_text(pilot, "座谈会超过规定人数")
        table = app.screen.query_one(KeyedTable)
        key = next(k for k in table.keys if k.startswith("alert:meeting_size"))
        await cursor_to(pilot, table, key)
        await pilot.press("enter")
        await wait_loaded(pilot, RecordsScreen)
        text = await wait_text(pilot, "清城区")
        assert "12" in text  # the meeting of 12 people


async def test_command_palette_finds_a_branch_by_name(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen.focused, Input), what="the command palette")
        await pilot.press(*"北京街")
        await wait_text(pilot, "团支部：越秀区北京街团支部")
        await pilot.press("enter")
        await wait_loaded(pilot, BranchScreen)
        await wait_text(pilot, "越秀区北京街团支部 · 广州 · 越秀区")
