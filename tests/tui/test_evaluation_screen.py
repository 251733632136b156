"""The 评价 page: formula printed, only verified ratings scored, Enter opens the figures and Enter on a
figure opens the records behind it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.db import make_engine
from models.tables import Branch, Visit
from tests import factories as f
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tests.tui.test_navigation import city_id, cursor_to
from tui.components.keyed_table import KeyedTable
from tui.components.records_table import RecordsTable
from tui.screens.evaluation import EvaluationScreen
from tui.screens.figures import FiguresScreen
from tui.screens.records import RecordsScreen


def _live_ratings(url: str) -> list[int]:
    """Two ratings through the live code of the spot check of 梅江区青年志愿者协会团支部 (3 and 5 stars)."""
    engine = make_engine(url)
    with Session(engine) as s:
        branch = s.exec(select(Branch).where(Branch.name == "梅江区青年志愿者协会团支部")).one()
        visit = s.exec(select(Visit).where(Visit.start_date == date(2019, 5, 6))).one()
        ids = [f.live_rating(s, visit, branch, score).id for score in (3, 5)]
        s.commit()
    engine.dispose()
    return ids


async def test_scores_open_to_figures_and_records(make, demo_url):
    ids = _live_ratings(demo_url)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await wait_loaded(pilot, EvaluationScreen)
        await wait_text(pilot, "只计已核实的数据", "地市总分 = 0.5×系统客观数据 + 0.3×团员青年评价",
                        "回车查看各项的公式和计算")
        cities = app.screen.query_one("#eval-cities", KeyedTable)
        key = f"city:{city_id(app, '梅州')}"
        await cursor_to(pilot, cities, key)
        # 梅州's verified ratings average 4 stars (75 points); its three static ratings (5, 4, 3) do not count.
        assert cities.get_row(key)[4].plain == "75.0"
        await pilot.press("enter")
        await wait_loaded(pilot, FiguresScreen)
        text = await wait_text(pilot, "梅州", "团员注册志愿者比例", "未核实", "已核实 2 条，未核实 3 条")
        assert "系统客观数据 = 各项指标得分的平均数：" in text
        assert "团员青年评价 = (平均星级 − 1) ÷ 4 × 100：75 = 75" in text

        table = app.screen.query_one("#figures", KeyedTable)
        await cursor_to(pilot, table, "ratings:0")
        assert table.get_row("ratings:0")[2].plain == "4星"
        await pilot.press("enter")
        await wait_loaded(pilot, RecordsScreen)
        records = app.screen.query_one(RecordsTable)
        await wait_for(pilot, lambda: sorted(records.records) == [f"rating:{i}" for i in ids], what="the 2 ratings")
        for screen_type in (FiguresScreen, EvaluationScreen):
            await pilot.press("escape")
            await wait_for(pilot, lambda t=screen_type: isinstance(app.screen, t), what=screen_type.__name__)


async def test_unverified_monthly_figures_are_marked(make):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await wait_loaded(pilot, EvaluationScreen)
        cities = app.screen.query_one("#eval-cities", KeyedTable)
        await cursor_to(pilot, cities, f"city:{city_id(app, '梅州')}")
        await pilot.press("enter")
        await wait_loaded(pilot, FiguresScreen)
        # The test province's forms name no source: the 92.5 % of 梅江区 is shown as unverified feedback only.
        await wait_text(pilot, "团员注册志愿者比例")
        row = app.screen.query_one("#figures", KeyedTable).get_row("objective:0")
        assert [c.plain for c in row[2:7]] == ["未录入", "90%", "0", "未核实", "计入 2 条未核实记录则为 86.25%"]  # mean of 92.5 and 80
        # A department's monthly forms open (i) to each form's evidence: its receipt and why it is 未核实.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, EvaluationScreen), what="the 评价 page")
        await pilot.press("t")  # 部门
        departments = app.screen.query_one("#eval-departments", KeyedTable)
        await wait_for(pilot, lambda: departments.row_count == 15, what="the departments")
        await cursor_to(pilot, departments, next(k for k in departments.keys
                                                 if departments.get_row(k)[1].plain == "组织部"))
        await pilot.press("enter")
        await wait_loaded(pilot, FiguresScreen)
        await cursor_to(pilot, app.screen.query_one("#figures", KeyedTable), "own:5")
        await pilot.press("i")
        await wait_text(pilot, "附件2月报表按时报送（每县区每月，月底前） · 依据", "月报表 #", "未核实：", "系统收到 2019-")
