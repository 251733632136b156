"""The record-a-visit form and the QR screen."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, func, select

from models.reference import find_city, find_county, find_department
from models.tables import Branch, Cadre, SpotCheck, Visit
from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tui.components.qr import QrView
from tui.screens.overview import OverviewScreen
from tui.screens.qr import QrScreen
from tui.screens.visit_form import VisitForm


def ids(app) -> dict:
    with Session(app.engine) as s:
        return {
            "dept": find_department(s, "组织部").id,
            "city": find_city(s, "梅州").id,
            "county": find_county(s, "梅江区").id,
            "zhang": s.exec(select(Cadre.id).where(Cadre.name == "张伟")).one(),
            "branch": s.exec(select(Branch.id).where(Branch.name == "梅江区青年志愿者协会团支部")).one(),
        }


def visit_count(app) -> int:
    with Session(app.engine) as s:
        return s.exec(select(func.count()).select_from(Visit)).one()


async def fill(pilot, form: VisitForm, ids: dict, *, county: int | None, meeting: str = "") -> None:
    """Pick as a user would; each choice loads the next list in a worker."""
    form.query_one("#department").value = ids["dept"]
    await wait_for(pilot, lambda: ids["city"] in [v for _, v in form.query_one("#city")._options],
                   what="cities of 组织部")
    form.query_one("#city").value = ids["city"]
    await wait_for(pilot, lambda: len(form.query_one("#county")._options) > 2, what="counties of 梅州")
    form.query_one("#county").value = county
    form.query_one("#start").value = "2019-06-18"
    form.query_one("#days").value = "1"
    form.query_one("#meeting").value = meeting
    await wait_for(pilot, lambda: form.query_one("#cadres").option_count == 2, what="cadres of 组织部")
    form.query_one("#cadres").select(ids["zhang"])
    if county is not None and county > 0:
        await wait_for(pilot, lambda: form.query_one("#branches").option_count == 1, what="branches of 梅江区")
        form.query_one("#branches").select(ids["branch"])
        form.query_one("#wechat-bad").select(ids["branch"])


async def test_visit_above_county_level_is_refused_with_the_reason(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        before = visit_count(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitForm))
        form = app.screen
        await fill(pilot, form, ids(app), county=-1)
        await pilot.press("ctrl+s")
        await wait_text(pilot, "不予登记：每次驻点至少到县及以下")
        assert isinstance(app.screen, VisitForm) and visit_count(app) == before


async def test_large_meeting_asks_for_confirmation_then_is_stored_and_flagged(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        before = visit_count(app)
        known = ids(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitForm))
        form = app.screen
        await fill(pilot, form, known, county=known["county"], meeting="15")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "座谈会 15 人")
        assert visit_count(app) == before  # not yet: it needs confirmation
        form.query_one("#meeting").value = "16"  # changed after the warning: it asks again
        await pilot.press("ctrl+s")
        await wait_text(pilot, "座谈会 16 人")
        assert visit_count(app) == before
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), what="form closed")
        assert visit_count(app) == before + 1
        with Session(app.engine) as s:
            visit = s.exec(select(Visit).order_by(Visit.id.desc())).first()
            assert visit.max_meeting_size == 16 and visit.county_id == known["county"]
            check = s.exec(select(SpotCheck).where(SpotCheck.visit_id == visit.id)).one()
            assert check.branch_id == known["branch"] and not check.wechat_ok and check.secretary_operates
        await pilot.press("4")
        await wait_text(pilot, "召开 16")  # flagged by the rules


async def test_bad_date_is_explained_and_cancel_stores_nothing(make):
    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        before = visit_count(app)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VisitForm))
        app.screen.query_one("#start").value = "6月18日"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "开始日期格式不正确")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert visit_count(app) == before


async def test_qr_screen_shows_the_live_code_with_a_countdown_and_saves_a_png(make, home: Path):
    calls = []

    def url(engine, branch_id):
        calls.append(branch_id)
        return f"http://192.0.2.1:8000/l/code-{branch_id}-{len(calls)}", 1.0

    app = make(qr_url=url)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        await wait_loaded(pilot, QrScreen)
        await pilot.press("slash", *"北京街", "enter")
        await wait_for(pilot, lambda: app.screen.query_one("#qr-branches").option_count == 1)
        await pilot.press("enter")
        qr = app.screen.query_one(QrView)
        await wait_for(pilot, lambda: qr.data.startswith("http://192.0.2.1:8000/l/code-"), what="the QR")
        width, height = qr.needed_size
        assert width >= 25 and height <= 20  # fits 80x24, two modules per cell
        await wait_text(pilot, "秒后更新", "越秀区北京街团支部")
        first = qr.data
        await wait_for(pilot, lambda: qr.data != first, timeout=4, what="the code to rotate")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: list((home / "qr").glob("branch-*.png")), what="the PNG")
        png = next((home / "qr").glob("branch-*.png"))
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
