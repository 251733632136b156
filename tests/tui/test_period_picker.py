"""The period selector: every campaign year in the database with its months, and records of any year
under that year (visit #343 of 2026-11-20 used to be nowhere on a 2019 dashboard)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select
from textual.widgets import OptionList

from models.db import make_engine
from models.tables import City
from models.targets import ensure_campaign
from tests import factories
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.app import pick_period
from tui.components.keyed_table import KeyedTable
from tui.components.period_picker import PeriodPicker
from tui.screens.overview import OverviewScreen


def add_2026(url: str) -> None:
    """A second campaign year, 2026, with three days of 组织部 in 梅州 in November."""
    engine = make_engine(url)
    with Session(engine) as s:
        ensure_campaign(s, 2026)
        factories.visit(s, "组织部", "梅州", "梅江区", start=date(2026, 11, 20), days=3.0)
        s.commit()
    engine.dispose()


def meizhou(app) -> str:
    with Session(app.engine) as s:
        return f"city:{s.exec(select(City.id).where(City.name == '梅州')).one()}"


async def test_p_offers_every_campaign_year_and_its_months(make, demo_url):
    add_2026(demo_url)
    app = make()  # as of 2019-06-20: the 2019 campaign first
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await wait_text(pilot, "[ 2019年6月 ]")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PeriodPicker), what="the period selector")
        listing = app.screen.query_one(OptionList)
        labels = [str(listing.get_option_at_index(i).prompt).strip() for i in range(listing.option_count)]
        assert labels == ["2019年全年", *[f"2019年{m}月" for m in range(4, 12)],
                          "2026年全年", *[f"2026年{m}月" for m in range(4, 12)]]
        assert listing.highlighted == labels.index("2019年6月")  # the period in view
        listing.highlighted = labels.index("2026年11月")
        await pilot.press("enter")
        await wait_text(pilot, "[ 2026年11月 ]")
        table = app.screen.query_one(KeyedTable)
        columns = [k for k, _ in table.column_spec]
        key = meizhou(app)
        # The 2026 visit shows under 2026, where it belongs.
        await wait_for(pilot, lambda: table.get_row(key)[columns.index("days")].plain.strip() == "3",
                       what="2026's November days in 梅州")
        # [ and ] step across the years too: 2026年全年 comes right after 2019年11月.
        for _ in range(8):
            await pilot.press("left_square_bracket")
        await wait_text(pilot, "[ 2026年全年 ]")
        await pilot.press("left_square_bracket")
        await wait_text(pilot, "[ 2019年11月 ]")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PeriodPicker))
        await pilot.press("escape")  # nothing chosen: the period stays
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert app.period_label == "2019年11月"


async def test_the_dashboard_opens_on_the_campaign_of_its_day(make, demo_url):
    add_2026(demo_url)
    app = make(now=lambda: datetime(2026, 12, 2, 3, tzinfo=UTC))  # December: the 2026 campaign, whole year
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await wait_text(pilot, "[ 2026年全年 ]")


def test_pick_period_takes_the_most_recent_campaign_as_of_the_day():
    months = list(range(4, 12))
    assert pick_period([2019, 2026], months, date(2026, 11, 20)) == (2026, 11)
    assert pick_period([2019, 2026], months, date(2027, 3, 1)) == (2026, None)  # 2027's has not begun
    assert pick_period([2019, 2026, 2027], months, date(2027, 3, 1)) == (2026, None)
    assert pick_period([2019], months, date(2026, 11, 20)) == (2019, None)
    assert pick_period([], months, date(2027, 3, 1)) == (2026, None)
