"""Live behaviour: a new rating appears without a key press, rows update in place, typed text stays
literal, and a database that goes away shows a banner and comes back."""

from __future__ import annotations

import os
import shutil

from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from models.db import make_engine
from models.tables import City
from tests.tui.demo_data import TODAY
from tests.tui.helpers import insert_rating, wait_for, wait_loaded, wait_text
from tui.components.banner import DbBanner
from tui.components.keyed_table import KeyedTable
from tui.screens.base import Loaded
from tui.screens.feedback import FeedbackScreen
from tui.screens.overview import OverviewScreen


async def test_a_new_rating_shows_in_feedback_within_5_seconds_without_a_key_press(make, demo_url):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        table = app.screen.query_one(KeyedTable)
        before = table.row_count
        typed = "[red]危险[/red] \x1b[2J清屏\u202e反向 " + "很长" * 200
        insert_rating(demo_url, "梅县区畲江镇团支部", 2, typed)
        await wait_for(pilot, lambda: table.row_count == before + 1, timeout=5.0, what="the new rating")
        # literal, control characters removed (models.text.clean_text)
        await wait_text(pilot, "[red]危险[/red] [2J清屏反向 很长", "梅县区畲江镇团支部")
        first = table.get_row(table.keys[0])
        assert first[[k for k, _ in table.column_spec].index("suggestion")].plain.endswith("…")  # a very long line is cut, not wrapped over the screen


async def test_overview_rows_update_in_place_when_figures_change(make, demo_url):
    app = make(refresh_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        screen = app.screen
        table = screen.query_one(KeyedTable)
        keys = list(table.keys)
        with Session(app.engine) as s:
            meizhou = f"city:{s.exec(select(City.id).where(City.name == '梅州')).one()}"
        table.move_cursor(row=table.get_row_index(meizhou))
        ratings = [k for k, _ in table.column_spec].index("ratings")
        assert table.get_row(meizhou)[ratings].plain.strip() == "1"
        insert_rating(demo_url, "梅县区畲江镇团支部", 5, "")
        loads = screen.loads
        screen.reload()
        await wait_for(pilot, lambda: screen.loads > loads)
        assert table.get_row(meizhou)[ratings].plain.strip() == "2"
        assert table.keys == keys and table.rebuilds == 0  # same rows, updated cell by cell
        assert 0 < table.updates <= 4
        assert table.current_key == meizhou  # the cursor stayed on the row


async def test_an_overtaken_read_is_never_shown(make):
    """A read that a newer one overtook (a refresh racing a reload) is dropped, even if it arrives
    after the newer request was made, and even for the same period."""
    app = make(refresh_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        screen = app.screen
        table = screen.query_one(KeyedTable)
        rows = table.row_count
        overtaken = screen._seq
        loads = screen.loads
        screen.reload()
        screen.post_message(Loaded([], screen.params(), overtaken))  # answers the read before reload
        await wait_for(pilot, lambda: screen.loads > loads)
        assert screen.loads == loads + 1 and table.row_count == rows  # only the newest read was shown
        assert not screen.query_one(DbBanner).display


async def test_feedback_filters_by_score_and_text(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        app.set_period(app.periods[0])  # the whole year: every rating of the small province
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 6)  # those with a suggestion (a: all 7)
        app.screen.query_one("#score").value = 5
        await wait_for(pilot, lambda: table.row_count == 2, what="two 5-star ratings")
        app.screen.query_one("#score").clear()
        await wait_for(pilot, lambda: table.row_count == 6)  # those with a suggestion (a: all 7)
        await pilot.press("slash")
        box = app.screen.query_one("#text")
        await wait_for(pilot, lambda: box.has_focus, what="the text filter")
        await pilot.press(*"场地")
        await wait_for(pilot, lambda: table.row_count == 1, what="one rating about 场地")
        await wait_text(pilot, "场地太小[31m，坐不下")
        await pilot.press("enter")  # back to the table: Enter opens the rating's branch
        await wait_for(pilot, lambda: table.has_focus, what="the table's focus")
        await pilot.press("enter")
        await wait_text(pilot, "越秀区北京街团支部 · 广州 · 越秀区")


async def test_database_gone_shows_a_banner_and_recovers(make, demo_url):
    app = make()
    path = make_url(demo_url).database
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        screen = app.screen
        banner = screen.query_one(DbBanner)
        assert not banner.display
        shutil.move(path, path + ".away")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(path + suffix):
                shutil.move(path + suffix, path + ".away" + suffix)
        screen.reload()
        await wait_for(pilot, lambda: banner.display, what="the banner")
        await wait_text(pilot, "数据库暂时不可用", "数据库文件不存在")
        assert not os.path.exists(path)  # the dashboard did not create an empty file in its place
        await pilot.press("3")  # still usable: other screens show the banner too
        await wait_for(pilot, lambda: app.screen.query_one(DbBanner).display)
        await pilot.press("1")
        shutil.move(path + ".away", path)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(path + ".away" + suffix):
                shutil.move(path + ".away" + suffix, path + suffix)
        await wait_for(pilot, lambda: not banner.display, timeout=8, what="recovery by itself")
        await wait_text(pilot, "梅州")


async def test_database_unreachable_at_start_shows_the_banner_not_a_traceback(tmp_path):
    from tui.app import make_app

    app = make_app(f"sqlite:///{tmp_path / 'nothing-here.db'}", now=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_text(pilot, "数据库文件不存在", "正在连接数据库")
    assert not (tmp_path / "nothing-here.db").exists()


async def test_postgresql_going_away_shows_the_banner_and_recovers(request, tmp_path):
    """PostgreSQL behind a proxy the test cuts: the dashboard says so, keeps retrying, recovers."""
    import pytest

    from tests.conftest import PG_ENV, _empty_work_tables
    from tests.tui.tcp_proxy import TcpProxy
    from tui.app import make_app

    if not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} not set")
    pg_url = request.getfixturevalue("pg_url")
    engine = make_engine(pg_url)
    with Session(engine) as s:
        from tests.tui.demo_data import build

        build(s)
    engine.dispose()
    real = make_url(pg_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    proxy.start()
    url = real.set(port=proxy.port).render_as_string(hide_password=False)
    try:
        app = make_app(url, now=lambda: TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_loaded(pilot, OverviewScreen)
            screen = app.screen
            banner = screen.query_one(DbBanner)
            proxy.cut()
            screen.reload()
            await wait_for(pilot, lambda: banner.display, timeout=15, what="the banner")
            await wait_text(pilot, "数据库暂时不可用")
            proxy.start()
            await wait_for(pilot, lambda: not banner.display, timeout=10, what="recovery by itself")
            await wait_text(pilot, "梅州")
            app.engine.dispose()
    finally:
        proxy.cut()
        _empty_work_tables(pg_url)


async def test_postgresql_unreachable_at_start_shows_the_banner(tmp_path):
    from tests.tui.tcp_proxy import TcpProxy
    from tui.app import make_app

    closed = TcpProxy("127.0.0.1", 9).port  # a free port nobody listens on
    app = make_app(f"postgresql://postgres@127.0.0.1:{closed}/zhudian", now=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_text(pilot, "数据库暂时不可用", "无法读取数据库", "正在连接数据库")
