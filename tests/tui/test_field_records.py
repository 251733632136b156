"""What the cadres' field pages recorded, on the dashboard: a branch's and a city's spot-check sessions
with their ratings, and where each visit came from (手机页面, 看板表单, 导入)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session

from models import audit
from models.db import make_engine
from models.feedback import add_rating
from models.field import SOURCE, record_check, start_session
from models.reference import find_city
from models.visits import VisitInput, record_visit
from tests import factories
from tests.tui.demo_data import TODAY
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.tabs import Tabs
from tui.screens.branch import BranchScreen
from tui.screens.city import CityScreen
from tui.screens.overview import OverviewScreen


def field_session(url: str, confirmed: int | None = None) -> tuple[int, int]:
    """As the field pages would: a visit and a session by 李驻点, three ratings (two present), a check
    (with the members present as the cadre ``confirmed`` them at the end)."""
    engine = make_engine(url)
    with Session(engine) as s:
        cadre = factories.cadre(s, "组织部", "李驻点")
        branch = factories.branch(s, "梅江区", "现场抽查团支部")
        with audit.tracking(s, SOURCE, actor=cadre.name):
            visit = record_visit(s, VisitInput(cadre.department_id, find_city(s, "梅州").id, branch.county_id,
                                               date(2019, 6, 19), full_days=1, cadre_ids=[cadre.id]))
            spot = start_session(s, cadre, visit, branch.id, present=2, today=date(2019, 6, 19))
        for score in (5, 4, 3):
            add_rating(s, branch_id=branch.id, link_id=spot.link_id, score=score, submission_id=uuid.uuid4().hex,
                       created_at=TODAY.replace(day=19))
        record_check(s, spot, has_group=True, group_members=18, branch_members=20, secretary_operates=True,
                     notes="", checked_on=date(2019, 6, 19), present=confirmed, today=date(2019, 6, 19))
        s.commit()
        ids = branch.id, find_city(s, "梅州").id
    engine.dispose()
    return ids


async def test_the_branch_and_city_show_their_spot_check_sessions(make, demo_url):
    branch_id, city_id = field_session(demo_url)
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        app.open("branch", branch_id)
        await wait_loaded(pilot, BranchScreen, timeout=60)
        app.screen.query_one(Tabs).active = "tab-sessions"
        await wait_for(pilot, lambda: app.screen.query_one(Tabs).active == "tab-sessions")
        # 3 ratings through the session for 2 present: none counted (whoever came first), 1 beyond, check recorded.
        await wait_text(pilot, "抽查现场评价 1", "李驻点", "现场抽查团支部")
        table = app.screen.query_one("#sessions")
        [row] = [table.get_row_at(i) for i in range(table.row_count)]
        assert [str(c) for c in row[3:8]] == ["2", "3", "0", "1", "是"]
        app.pop_screen()
        app.open("city", city_id)
        await wait_loaded(pilot, CityScreen, timeout=60)
        app.screen.query_one(Tabs).active = "tab-visits"
        await wait_text(pilot, "手机页面（李驻点）")
        app.screen.query_one(Tabs).active = "tab-sessions"
        await wait_text(pilot, "李驻点", "现场抽查团支部")


def test_the_overview_counts_verified_ratings_apart(make, demo_url):
    from models.figures.period import Period
    from models.progress import progress
    from models.reference import find_county

    field_session(demo_url, confirmed=3)
    engine = make_engine(demo_url)
    with Session(engine) as s:
        county = find_county(s, "梅江区")
        [fig] = [f for f in progress(s, "county", Period(2019, 6), city_id=county.city_id, today=TODAY.date())
                 if f.id == county.id]
    engine.dispose()
    # Three ratings through the session, three members present as the cadre confirmed: three verified;
    # the demo's static-link ratings of the county are all unverified.
    assert fig.verified_ratings == 3 and fig.rating_count >= 3
