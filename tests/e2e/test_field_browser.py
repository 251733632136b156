"""A cadre with only a phone, in a real browser (Debian's chromium): he opens his personal link,
records a visit, shows a branch's live QR; the QR is read off a screenshot by a real decoder (zbar);
a member's phone opens it and rates; the cadre records the spot check; the rating is verified."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.clock import today
from models.db import make_engine
from models.field import issue_link
from models.provenance import verified_rating_ids
from models.tables import Campaign, Rating, SpotCheck, SpotSession
from tests import factories
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM, WECHAT_UA, sqlite_url  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def decode_qr(png: bytes, tmp_path) -> str:
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (Debian zbar-tools) is not installed")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_cadre_runs_a_spot_check_from_his_phone(serve, sqlite_url, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        session.add(Campaign(year=today().year, start_month=1, end_month=12, title="测试"))
        cadre = factories.cadre(session, "组织部", "李驻点")
        branch = factories.branch(session, "梅江区", "江南社区团支部")
        factories.activity(session, branch, "五四主题团日", today())
        _, token = issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
        session.commit()
        branch_id = branch.id
    server = serve(sqlite_url)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        phone = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                     has_touch=True, locale="zh-CN", user_agent=WECHAT_UA)
        cadre_page = browser.new_context(**phone).new_page()
        cadre_page.set_default_timeout(15_000)
        cadre_page.goto(f"{server.url}/c/k/{token}")
        expect(cadre_page.get_by_role("heading", name="李驻点 的驻点")).to_be_visible()
        assert token not in cadre_page.url  # the secret left the address bar
        cadre_page.get_by_role("link", name="记录驻点").tap()
        cadre_page.locator("#county_id").select_option(label="梅州 · 梅江区")
        cadre_page.locator("#town").fill("江南街道")
        cadre_page.get_by_role("button", name="保存驻点记录").tap()
        expect(cadre_page.get_by_role("heading", name="到团支部抽查")).to_be_visible()
        cadre_page.locator("#q").fill("江南")
        cadre_page.get_by_role("button", name="查找").tap()
        cadre_page.get_by_label("江南社区团支部").check()
        cadre_page.locator("#present").fill("30")
        cadre_page.get_by_role("button", name="出示现场二维码").tap()
        expect(cadre_page.get_by_text("请在场团员扫码评价")).to_be_visible()
        shot = cadre_page.locator(".qr svg").screenshot()
        cadre_page.screenshot(path=str(ARTIFACTS / "field-live-qr.png"), full_page=True)
        url = decode_qr(shot, tmp_path)
        assert url.startswith(f"{server.url}/l/")

        member = browser.new_context(**phone).new_page()
        member.set_default_timeout(15_000)
        member.goto(url)
        member.get_by_label("五四主题团日").check()
        member.locator("label[for=s4]").tap()
        member.locator("#suggestion").fill("抽查时现场评价")
        member.get_by_role("button", name="提交评价").tap()
        expect(member.get_by_role("heading", name="感谢您的评价！")).to_be_visible()

        cadre_page.reload()
        expect(cadre_page.locator("#count")).to_have_text("1")
        cadre_page.get_by_role("link", name="记录抽查结果").tap()
        cadre_page.get_by_label("已建立").check()
        cadre_page.locator("#group_members").fill("18")
        cadre_page.locator("#branch_members").fill("20")
        cadre_page.get_by_label("能（已现场操作）").check()
        cadre_page.get_by_role("button", name="保存抽查结果").tap()
        expect(cadre_page.get_by_role("heading", name="李驻点 的驻点")).to_be_visible()
        browser.close()

    with Session(engine) as session:
        [rating] = session.exec(select(Rating)).all()
        [spot] = session.exec(select(SpotSession)).all()
        [check] = session.exec(select(SpotCheck)).all()
        assert rating.link_id == spot.link_id and spot.spotcheck_id == check.id and spot.branch_id == branch_id
        assert check.wechat_ok and check.secretary_operates  # 18 of 20 is over 3/4
        assert verified_rating_ids(session, [rating.id]) == {rating.id}
    engine.dispose()
    asyncio.run(dashboard_shows_it(sqlite_url, branch_id))


async def dashboard_shows_it(url: str, branch_id: int) -> None:
    """The coordinator's dashboard on the same database: the branch's session, its rating and its source."""
    from tests.tui.helpers import wait_for, wait_loaded, wait_text
    from tui.app import make_app
    from tui.components.tabs import Tabs
    from tui.screens.branch import BranchScreen
    from tui.screens.overview import OverviewScreen

    app = make_app(url)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        app.open("branch", branch_id)
        await wait_loaded(pilot, BranchScreen)
        await wait_text(pilot, "江南社区团支部", "抽查现场评价 1")
        tabs = app.screen.query_one(Tabs)
        tabs.active = "tab-sessions"
        await wait_for(pilot, lambda: tabs.active == "tab-sessions")
        await wait_text(pilot, "李驻点")
        tabs.active = "tab-checks"
        await wait_text(pilot, "手机页面（李驻点）")
        tabs.active = "tab-ratings"
        await wait_text(pilot, "抽查时现场评价")
