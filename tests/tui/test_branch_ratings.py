"""Branches by what members say: the lowest-rated branches from the overview, the rating columns of a
city's branch list, and a branch's own average (the small province, clock frozen on 2019-06-20)."""

from __future__ import annotations

from tests.tui.helpers import insert_rating, wait_for, wait_loaded, wait_text
from tui.components.records_table import RecordsTable
from tui.screens.branch import BranchScreen
from tui.screens.city import CityScreen
from tui.screens.lowest import LowestBranchesScreen
from tui.screens.overview import OverviewScreen

BEIJINGJIE = "越秀区北京街团支部"  # June: 2 (demo) + 1, 2, 2 below → 4 ratings, mean 1.75


def more_ratings(url: str) -> None:
    for score in (1, 2, 2):
        insert_rating(url, BEIJINGJIE, score, "")


async def test_w_on_the_overview_finds_the_worst_branch_and_its_average(make, demo_url):
    more_ratings(demo_url)
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("w")
        await wait_loaded(pilot, LowestBranchesScreen)
        await wait_text(pilot, "至少 20 条评价才排名", "本期没有达到评价条数的团支部")
        for _ in range(3):  # 20 → 10 → 5 → 2
            await pilot.press("minus")
        table = app.screen.query_one(RecordsTable)
        await wait_for(pilot, lambda: app.screen.min_ratings == 2 and table.row_count == 1, what="one branch ranked")
        text = await wait_text(pilot, "至少 2 条评价才排名", f"最低：{BEIJINGJIE} 1.75 分（4 条评价）")
        assert "1.75" in text and BEIJINGJIE in text
        await pilot.press("minus")  # 1: every rated branch of June, the lowest first
        await wait_for(pilot, lambda: table.row_count == 4, what="every branch rated in June")
        means = [table.records[k].mean for k in table.keys]
        assert means == sorted(means) and means[0] == 1.0  # 福田: one rating of 1
        await pilot.press("plus_sign")
        await wait_for(pilot, lambda: table.row_count == 1)
        table.focus()
        await pilot.press("enter")
        await wait_loaded(pilot, BranchScreen, timeout=30)
        await wait_text(pilot, "2019年6月 团员评价 4 条，平均分 1.75", "没有核实评价")


async def test_a_citys_branches_show_ratings_and_sort_by_them(make, demo_url):
    more_ratings(demo_url)
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        app.open("city", app.screen.data.figures[0].id)  # 广州 (附件1's first city)
        await wait_loaded(pilot, CityScreen)
        table = app.screen.query_one("#branches", RecordsTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        row = table.records[f"branch:{next(r.id for r in table.records.values() if r.name == BEIJINGJIE)}"]
        assert (row.rated, row.mean, row.verified) == (4, 1.75, 0)
        labels = [label for _k, label in table.column_spec]
        assert labels[:5] == ["团支部", "评价数", "平均分", "核实评价", "核实均分"]


async def test_a_new_rating_reaches_the_citys_and_the_branchs_figures_within_seconds(make, demo_url):
    app = make(refresh_seconds=0.3)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        guangzhou = app.screen.data.figures[0]
        app.open("city", guangzhou.id)
        await wait_loaded(pilot, CityScreen)
        screen = app.screen
        branches = screen.query_one("#branches", RecordsTable)
        await wait_for(pilot, lambda: branches.row_count > 0)
        key = next(k for k, r in branches.records.items() if r.name == BEIJINGJIE)
        before = branches.records[key].rated
        city_before = screen.data.city.rating_count
        insert_rating(demo_url, BEIJINGJIE, 1, "新到的评价")  # as the survey server would, another connection
        await wait_for(pilot, lambda: branches.records[key].rated == before + 1, timeout=5, what="the branch's 评价数")
        assert screen.data.city.rating_count == city_before + 1
        app.open("branch", branches.records[key].id)
        await wait_loaded(pilot, BranchScreen, timeout=30)
        await wait_text(pilot, f"团员评价 {before + 1} 条")
