"""A coordinator's Monday: the legend, sorting, breaches only, reading a row whole, the period on 意见,
tab keys, and the visit form filled in from where it was opened."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from models.db import make_engine
from models.feedback import add_rating
from models.reference import find_city, find_county, find_department
from models.tables import Branch
from tests.tui.demo_data import TODAY
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.detail import DetailScreen
from tui.components.keyed_table import KeyedTable
from tui.components.legend import LegendScreen
from tui.screens.alerts import AlertsScreen
from tui.screens.city import CityScreen
from tui.screens.feedback import FeedbackScreen
from tui.screens.overview import OverviewScreen
from tui.screens.visit_form import VisitForm


async def test_question_mark_opens_the_legend_of_marks_and_colours(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, LegendScreen), what="the legend")
        await wait_text(pilot, "✗ 违规", "✗ 未达标 / 未报", "! 有风险 / 迟报", "✓ 达标", "红色只表示违规")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), what="back to 总览")


async def test_s_sorts_the_overview_by_a_column_breaches_first(make):
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 21)
        before = list(table.keys)
        await pilot.press("s")  # the first column: names
        await pilot.press("s")  # 部门驻点: breaches, then risks, then met
        await wait_for(pilot, lambda: table.sort_by == "dept_state")
        state = [k for k, _ in table.column_spec].index("dept_state")
        marks = [table.get_row(k)[state].plain.strip()[:1] for k in table.keys]
        rank = {"✗": 0, "!": 1, "✓": 3}
        assert [rank.get(m, 2) for m in marks] == sorted(rank.get(m, 2) for m in marks)
        await wait_text(pilot, "部门驻点 ▼")
        await pilot.press("s")  # 本期天数: the most days first
        await wait_for(pilot, lambda: table.sort_by == "days")
        days = [float(table.get_row(k)[2].plain) for k in table.keys]
        assert days == sorted(days, reverse=True) and days != [float(table.get_row(k)[2].plain) for k in before]
        await pilot.press("S")  # the other way round
        await wait_for(pilot, lambda: table.sort_reverse)
        assert [float(table.get_row(k)[2].plain) for k in table.keys] == sorted(days)


async def test_b_shows_breaches_only_on_the_alerts_screen(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("4")
        await wait_loaded(pilot, AlertsScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        marks = {a.mark for a in app.screen.all}
        assert marks == {"violation", "breach", "at_risk"}  # the small province has all three
        await pilot.press("b")
        await wait_text(pilot, "只看违规")
        violations = sum(1 for a in app.screen.all if a.word == "违规")
        assert 0 < violations < len(app.screen.all)  # b keeps the broken prohibitions only
        await wait_for(pilot, lambda: table.row_count == violations, what="violations only")
        assert all(table.get_row(k)[0].plain == "✗ 违规" for k in table.keys)
        await pilot.press("b")
        await wait_for(pilot, lambda: table.row_count == len(app.screen.all), what="every alert again")


async def test_a_long_suggestion_is_read_whole_at_80x24(make, demo_url):
    long = "食堂的饭菜" + "需要改进，" * 60 + "完。"
    engine = make_engine(demo_url)
    with Session(engine) as s:
        branch = s.exec(select(Branch).where(Branch.name == "梅县区畲江镇团支部")).one()
        add_rating(s, branch_id=branch.id, score=1, submission_id=uuid.uuid4().hex, suggestion=long,
                   created_at=TODAY)
        s.commit()
    engine.dispose()
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_for(pilot, lambda: any("食堂的饭菜" in table.get_row(k)[4].plain for k in table.keys))
        assert "完。" not in table.get_row(table.keys[0])[4].plain  # cut in the table...
        await wait_text(pilot, "! 1")  # a 1-star rating is marked
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="the whole rating")
        assert long in app.screen.query_one("#detail-text").render().plain  # ...whole here
        await pilot.press("end")
        await wait_text(pilot, "完。")  # and its end can be scrolled to at 80x24
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedbackScreen))


async def test_feedback_follows_the_period_selector(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        table = app.screen.query_one(KeyedTable)
        await wait_text(pilot, "2019年6月 · 最新")
        await wait_for(pilot, lambda: table.row_count > 0)
        june = {app.screen.query_one(KeyedTable).get_row(k)[0].plain[:7] for k in table.keys}
        assert june == {"2019-06"}
        await pilot.press("left_square_bracket")  # May
        await wait_text(pilot, "2019年5月 · 最新")
        await wait_for(pilot, lambda: table.row_count > 0 and all(
            table.get_row(k)[0].plain.startswith("2019-05") for k in table.keys), what="May's ratings only")


async def test_t_switches_tabs_and_enter_acts_on_the_first_press(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        with Session(app.engine) as s:
            meizhou = find_city(s, "梅州").id
        app.open("city", meizhou)
        await wait_loaded(pilot, CityScreen)
        tabs = app.screen.query_one("TabbedContent")
        assert tabs.active == "tab-counties"
        await wait_text(pilot, "t 下一标签")  # listed in the footer
        await pilot.press("t", "t", "t")  # 预警, 驻点记录, 团支部
        await wait_for(pilot, lambda: tabs.active == "tab-branches", what="the branches tab")
        await pilot.press("T")
        await wait_for(pilot, lambda: tabs.active == "tab-visits")
        await pilot.press("t")
        await wait_for(pilot, lambda: app.screen.focused is app.screen.query_one("#branches"))
        await pilot.press("tab")  # the tab strip takes no focus: Tab stays among tables and boxes
        assert "ContentTabs" not in type(app.screen.focused).__name__
        app.screen.set_focus(app.screen.query_one("#branches"))
        await pilot.press("enter")  # one press opens the highlighted branch
        from tui.screens.branch import BranchScreen

        await wait_loaded(pilot, BranchScreen)


async def test_the_visit_form_opened_from_a_county_is_filled_in(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        with Session(app.engine) as s:
            city, county = find_city(s, "梅州").id, find_county(s, "梅江区").id
            dept = find_department(s, "组织部").id
        app.open("city", city, county_id=county)
        await wait_loaded(pilot, CityScreen)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitForm))
        form = app.screen
        # 梅州's one paired department (附件1), the city and the county, each once its options arrive.
        await wait_for(pilot, lambda: (form.query_one("#department").value, form.query_one("#city").value,
                                       form.query_one("#county").value) == (dept, city, county),
                       what="department, city and county filled in")
        await wait_for(pilot, lambda: form.query_one("#branches").option_count > 0, what="梅江区's branches")
        start = form.query_one("#start")
        assert start.value == "" and start.placeholder.startswith("例")  # a hint, not a value
        await wait_text(pilot, "整天数", "参加驻点的专职干部")  # in view at 80x24 without scrolling
