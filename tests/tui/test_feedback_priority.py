"""意见 as a coordinator reads it: newest first by time, only ratings with a suggestion unless asked, the
star filter combined with that switch, and a complaint of formalism flagged and tied to its visit."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session, select
from textual.widgets import Select

from models.db import make_engine
from models.feedback import add_rating
from models.tables import Branch, Visit
from tests import factories as f
from tests.tui.demo_data import TODAY
from tests.tui.helpers import insert_rating, wait_for, wait_loaded, wait_text
from tui.components.records_table import RecordsTable
from tui.screens.feedback import FeedbackScreen
from tui.screens.overview import OverviewScreen

COMPLAINT = "驻点干部来了让我们填了三张表，还要写汇报材料"
LATE_TYPED = "补录：六月初的活动很好"


def add_complaint_and_a_late_typed_rating(url: str) -> None:
    """The complaint through the live code of 组织部's 清城区 visit (2019-06-03, 张伟), now; then a rating
    made on June 1 but stored after it (a higher id, an earlier time)."""
    engine = make_engine(url)
    with Session(engine) as s:
        branch = s.exec(select(Branch).where(Branch.name == "清城区凤城街道团支部")).one()
        visit = s.exec(select(Visit).where(Visit.start_date == date(2019, 6, 3))).one()
        link = f.survey_link(s, branch, visit_id=visit.id, live=True)
        add_rating(s, branch_id=branch.id, score=2, submission_id=uuid.uuid4().hex, suggestion=COMPLAINT,
                   created_at=TODAY, link_id=link.id)
        add_rating(s, branch_id=branch.id, score=5, submission_id=uuid.uuid4().hex, suggestion=LATE_TYPED,
                   created_at=datetime(2019, 6, 1, 2, tzinfo=UTC))
        s.commit()
    engine.dispose()


async def test_the_newest_suggestion_comes_first_and_formalism_is_flagged_with_its_visit(make, demo_url):
    add_complaint_and_a_late_typed_rating(demo_url)
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen, timeout=30)
        table = app.screen.query_one(RecordsTable)
        await wait_for(pilot, lambda: table.row_count == 6, what="June's six suggestions")
        times = [table.records[k].created_at for k in table.keys]
        assert times == sorted(times, reverse=True)
        assert table.records[table.keys[0]].suggestion == COMPLAINT
        assert table.records[table.keys[-1]].suggestion == LATE_TYPED  # by time, not by id
        await wait_text(pilot, "需优先关注：形式主义 1 条", "! 形式主义", "需优先关注 · 形式主义 · 来自 06-03 组织部驻点的抽查现场（张伟）")


async def test_a_shows_ratings_without_a_suggestion_and_the_star_filter_combines(make, demo_url):
    insert_rating(demo_url, "越秀区北京街团支部", 1, "")  # June, no suggestion
    insert_rating(demo_url, "越秀区北京街团支部", 1, "希望多组织活动")
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen, timeout=30)
        table = app.screen.query_one(RecordsTable)
        await wait_for(pilot, lambda: table.row_count == 5, what="June's suggestions only")
        assert all(r.suggestion for r in table.records.values())
        await wait_text(pilot, "有意见建议的团员评价")
        table.focus()
        await pilot.press("a")
        await wait_for(pilot, lambda: table.row_count == 6, what="every June rating")
        app.screen.query_one("#score", Select).value = 1
        await wait_for(pilot, lambda: table.row_count == 3, what="★1: with and without a suggestion")
        assert {r.score for r in table.records.values()} == {1}
        table.focus()
        await pilot.press("a")
        await wait_for(pilot, lambda: table.row_count == 2, what="★1 with a suggestion")
        assert all(r.suggestion for r in table.records.values())
