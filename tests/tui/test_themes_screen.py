"""The 意见 screen's themes view, its suggestions, one suggestion whole, and the city and branch screens'
top themes — on the fixed corpus (tests/theme_corpus.py), June 2019 (the frozen today)."""

from __future__ import annotations

import shutil

import pytest
from sqlmodel import Session, select

from models.tables import Branch, City
from tests.factories import built_database
from tests.theme_corpus import LONG_VOLUNTEER, build_corpus
from tests.tui.demo_data import TODAY
from tests.tui.helpers import insert_rating, wait_for, wait_loaded, wait_text
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RecordsTable
from tui.screens.branch import BranchScreen
from tui.screens.city import CityScreen
from tui.screens.feedback import FeedbackScreen
from tui.screens.themes import SuggestionScreen, ThemesScreen, ThemeSuggestionsScreen


@pytest.fixture(scope="module")
def corpus_template(sqlite_template, tmp_path_factory):
    return built_database(sqlite_template, tmp_path_factory.mktemp("themes") / "corpus.db", build_corpus)


@pytest.fixture
def url(corpus_template, tmp_path):
    path = tmp_path / "corpus.db"
    shutil.copyfile(corpus_template, path)
    return f"sqlite:///{path}"


def app_on(url, **options):
    from tui.app import make_app

    return make_app(url, now=lambda: TODAY, **options)


async def open_themes(pilot):
    await pilot.press("3")
    await wait_loaded(pilot, FeedbackScreen)
    await pilot.press("m")
    await wait_loaded(pilot, ThemesScreen)
    return pilot.app.screen


async def test_the_themes_view_in_order_with_the_flagged_first(url):
    app = app_on(url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_themes(pilot)
        table = screen.query_one(KeyedTable)
        assert table.keys[:4] == ["theme:urgent", "theme:jobs", "theme:volunteer", "theme:activity"]
        assert table.keys[-1] == "theme:other"
        await wait_text(pilot, "意见主题 · 全省 · 2019年6月 · 意见 22 条", "! 需优先关注", "就业创业", "↑4",
                        "27.3%")  # 志愿服务: 6 of 22, 2 in May


async def test_a_new_rating_changes_its_theme_within_one_refresh(url):
    app = app_on(url, refresh_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_themes(pilot)
        table = screen.query_one(KeyedTable)
        assert table.get_row("theme:volunteer")[1].plain == "6"
        insert_rating(url, "梅江区江南街道团支部", 5, "希望多组织志愿服务，暑假也搞")
        loads = screen.loads
        screen.reload()
        await wait_for(pilot, lambda: screen.loads > loads, what="one refresh")
        assert table.get_row("theme:volunteer")[1].plain == "7"
        assert table.get_row("theme:jobs")[1].plain == "7"  # the others did not move


async def test_enter_lists_a_themes_suggestions_and_opens_one_whole(url):
    app = app_on(url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_themes(pilot)
        table = screen.query_one(KeyedTable)
        table.move_cursor(row=table.get_row_index("theme:volunteer"))
        await pilot.press("enter")
        await wait_loaded(pilot, ThemeSuggestionsScreen)
        rows = app.screen.query_one(RecordsTable)
        assert rows.row_count == 6
        await wait_text(pilot, "志愿服务 · 全省 · 2019年6月 · 最新 6 条", "志愿者的服务时长在i志愿上怎么查询")
        long_key = next(k for k, r in rows.records.items() if r.suggestion == LONG_VOLUNTEER)
        rows.move_cursor(row=rows.get_row_index(long_key))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SuggestionScreen), what="the suggestion")
        text = await wait_text(pilot, "梅江区西郊街道团支部", "5分")
        assert "…" not in text and "平时想做点事情也找不到人，" in "".join(text.split())  # whole, wrapped
        assert "".join(text.split()).count("留下来的人不多") == 3
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ThemeSuggestionsScreen))


async def test_hostile_text_is_shown_literally(url):
    insert_rating(url, "梅江区江南街道团支部", 1, "[bold red]志愿服务[/] \x1b[2J有安全隐患 =1+2")
    app = app_on(url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_themes(pilot)
        screen.query_one(KeyedTable).move_cursor(row=0)  # the flagged row
        await pilot.press("enter")
        await wait_loaded(pilot, ThemeSuggestionsScreen)
        await wait_text(pilot, "[bold red]志愿服务[/] [2J有安全隐患…")  # cut to its column, never parsed
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SuggestionScreen), what="the suggestion")
        await wait_text(pilot, "[bold red]志愿服务[/] [2J有安全隐患 =1+2", "提及：安全隐患")


async def test_city_and_branch_screens_show_their_top_themes(url):
    app = app_on(url)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.periods, what="the campaign")
        with Session(app.engine) as s:
            meizhou = s.exec(select(City.id).where(City.name == "梅州")).one()
            branch = s.exec(select(Branch.id).where(Branch.name == "越秀区北京街团支部")).one()
        app.push_screen(CityScreen(meizhou))
        await wait_loaded(pilot, CityScreen)
        await wait_text(pilot, "意见主题：志愿服务 6 · 活动组织 4 · 就业创业 2（m 查看全部主题）")
        await pilot.press("m")
        await wait_loaded(pilot, ThemesScreen)
        await wait_text(pilot, "意见主题 · 梅州市 · 2019年6月 · 意见 16 条")
        app.push_screen(BranchScreen(branch))
        await wait_loaded(pilot, BranchScreen)
        await wait_text(pilot, "意见主题：就业创业 5 · 活动组织 1")
