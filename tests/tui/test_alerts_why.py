"""Why is a city red, in one key: the city's 预警 tab lists its counties' alerts, filtering 预警 by a
city finds them too, and Enter on an alert opens the records it counts (or its subject when none)."""

from __future__ import annotations

from textual.widgets import Input

from models.figures.period import Period
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.alert_rows import record_count
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RecordsTable
from tui.components.tabs import Tabs
from tui.screens.alerts import AlertsScreen
from tui.screens.city import CityScreen
from tui.screens.overview import OverviewScreen
from tui.screens.records import RecordsScreen


async def test_zhanjiangs_alerts_include_its_counties_on_the_city_and_the_alerts_screen(make):
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        zhanjiang = next(f for f in app.screen.data.figures if f.name == "湛江")
        app.set_period(Period(2019))  # the whole year: May's forms were due on June 5
        await pilot.press("4")
        await wait_loaded(pilot, AlertsScreen)
        screen = app.screen
        expected = [a for a in screen.all if zhanjiang.id in a.city_ids]
        county_alerts = [a for a in expected if a.level == "county"]
        assert county_alerts and all("湛江" not in a.subject_name.split("·")[0] for a in county_alerts)
        await pilot.press("slash")
        screen.query_one("#filter", Input).value = "湛江"
        table = screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count == len(expected), what="湛江's alerts, counties included")
        assert {id(a) for a in screen.alerts.values()} == {id(a) for a in expected}
        await pilot.press("escape")  # the filter closes; the list is whole again, from the top
        await wait_for(pilot, lambda: table.row_count == len(screen.all))
        assert table.cursor_row == 0 and table.scroll_y == 0

        await pilot.press("1")
        await wait_loaded(pilot, OverviewScreen)
        app.open("city", zhanjiang.id)
        await wait_loaded(pilot, CityScreen)
        city = app.screen
        city.query_one(Tabs).active = "tab-alerts"
        alerts = city.query_one("#alerts", KeyedTable)
        await wait_for(pilot, lambda: alerts.row_count == len(expected), what="the 预警 tab")
        await wait_text(pilot, f"预警 {len(expected)}")
        county_key = next(k for k, a in city.alert_rows.items() if a.level == "county")
        county_id = city.alert_rows[county_key].subject_id
        alerts.focus()
        alerts.move_cursor(row=alerts.get_row_index(county_key))
        await pilot.press("enter")  # a form never handed in has no record: its county opens
        await wait_for(pilot, lambda: isinstance(app.screen, CityScreen) and app.screen.county_id == county_id,
                       what="the county of the alert")


async def test_enter_on_an_alert_opens_as_many_records_as_it_counts(make):
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("4")
        await wait_loaded(pilot, AlertsScreen)
        screen = app.screen
        table = screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        key, alert = next((k, a) for k, a in screen.alerts.items() if record_count(a) >= 1)
        count = record_count(alert)
        column = [k for k, _l in table.column_spec].index("records")
        assert table.get_row(key)[column].plain.strip() == str(count)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        await wait_loaded(pilot, RecordsScreen)
        shown = sum(t.row_count for t in app.screen.query(RecordsTable))
        await wait_for(pilot, lambda: sum(t.row_count for t in app.screen.query(RecordsTable)) == count,
                       what=f"{count} records")
        assert shown <= count


async def test_e_exports_the_table_on_screen_and_a_countys_form(make, home):
    from openpyxl import load_workbook

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        meizhou = next(f for f in app.screen.data.figures if f.name == "梅州")
        app.open("city", meizhou.id)
        await wait_loaded(pilot, CityScreen)
        counties = app.screen.query_one("#counties", KeyedTable)
        await wait_for(pilot, lambda: counties.row_count > 0)
        await pilot.press("enter")  # the first county
        await wait_for(pilot, lambda: isinstance(app.screen, CityScreen) and app.screen.county_id is not None
                       and app.screen.loads > 0)
        county = next(f.name for f in app.screen.data.counties if f.id == app.screen.county_id)
        await pilot.press("e")
        folder = home / "导出"
        await wait_for(pilot, lambda: len(list(folder.glob("*.xlsx"))) == 2, timeout=20, what="two workbooks")
        form = load_workbook(folder / f"附件2-梅州{county}-2019-06.xlsx")
        assert form.sheetnames[0] == county
        table = next(p for p in folder.glob("*.xlsx") if not p.name.startswith("附件2"))
        ws = load_workbook(table).active
        branches = app.screen.query_one("#branches", RecordsTable)
        assert ws.cell(row=2, column=1).value == "团支部"
        assert [ws.cell(row=3 + i, column=1).value for i in range(branches.row_count)] == [
            r.name for r in (branches.records[k] for k in branches.keys)]
