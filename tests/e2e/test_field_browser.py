"""A newcomer walks the demo's cadre link on a phone, in a real browser (Debian's chromium), on a
campaign day given to the app (``ZHUDIAN_TODAY``), never the machine's: ``zhudian demo --today`` builds
the campaign, the survey server runs as of that day; the cadre records a visit, shows a branch's live
QR (read off a screenshot by a real decoder, zbar); a member's phone opens it and rates; the cadre
records the spot check with its date; the rating is verified and the dashboard of that year shows it."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from models.clock import local
from models.db import make_engine
from models.provenance import verified_rating_ids
from models.tables import Branch, Rating, SpotCheck, SpotSession
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM, WECHAT_UA
from tests.serving import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CAMPAIGN_DAY = date(2026, 11, 20)  # the day the app runs as of (a Friday of the 2026 campaign)
AS_OF = {"ZHUDIAN_TODAY": CAMPAIGN_DAY.isoformat()}


def decode_qr(png: bytes, tmp_path) -> str:
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (Debian zbar-tools) is not installed")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def build_demo(home) -> str:
    """``zhudian demo --no-ui --today …`` as a newcomer types it, in a fresh data directory."""
    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("ZHUDIAN_DATABASE_URL", None)
    env.pop("ZHUDIAN_TODAY", None)
    done = subprocess.run([sys.executable, "-m", "tui", "demo", "--no-ui", "--ratings", "3000",
                           "--today", CAMPAIGN_DAY.isoformat()], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "已生成 2026 年演示数据" in done.stdout and "记录截至 2026-11-20" in done.stdout
    return f"sqlite:///{home / 'demo.db'}"


def test_a_newcomer_walks_the_demos_cadre_link_on_a_campaign_day(serve, tmp_path, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    from tui.demo_ui import demo_cadre_link

    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    home = tmp_path / "home"
    home.mkdir()
    url = build_demo(home)
    monkeypatch.setenv("ZHUDIAN_TODAY", CAMPAIGN_DAY.isoformat())
    name, token = demo_cadre_link(url)  # the link the demo prints and shows on the dashboard
    server = serve(url, extra_env=AS_OF)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        phone = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                     has_touch=True, locale="zh-CN", user_agent=WECHAT_UA)
        cadre_page = browser.new_context(**phone).new_page()
        cadre_page.set_default_timeout(15_000)
        cadre_page.goto(f"{server.url}/c/k/{token}")
        expect(cadre_page.get_by_role("heading", name=f"{name} 的驻点")).to_be_visible()
        expect(cadre_page.get_by_text("本页的记录计入2026年驻点工作（4月至11月）")).to_be_visible()
        assert token not in cadre_page.url  # the secret left the address bar

        # A visit on the campaign day, pre-filled; dates after it cannot be picked.
        cadre_page.get_by_role("link", name="记录驻点").tap()
        start = cadre_page.locator("#start_date")
        assert (start.input_value(), start.get_attribute("max")) == ("2026-11-20", "2026-11-20")
        cadre_page.locator("#county_id").select_option(index=1)
        county = cadre_page.locator("#county_id option:checked").inner_text().split(" · ")[-1]
        cadre_page.locator("#town").fill("江南街道")
        cadre_page.get_by_role("button", name="保存驻点记录").tap()
        expect(cadre_page.get_by_role("heading", name="到团支部抽查")).to_be_visible()
        expect(cadre_page.get_by_role("status")).to_contain_text("已保存驻点记录：2026年11月20日")
        expect(cadre_page.get_by_role("status")).to_contain_text(county)
        expect(cadre_page.get_by_text("计入2026年驻点工作")).to_be_visible()

        # 在场 is required before the QR: the browser asks, and the server refuses a blank one too.
        first_branch = cadre_page.locator("input[name=branch_id]").first
        first_branch.check()
        branch_name = cadre_page.locator("label.opt:has(input[name=branch_id]) span").first.inner_text()
        cadre_page.evaluate("document.querySelector('#present').removeAttribute('required')")
        cadre_page.get_by_role("button", name="出示现场二维码").tap()
        expect(cadre_page.get_by_role("alert")).to_contain_text("请先填写在场团员人数")
        cadre_page.locator("#present").fill("5")
        cadre_page.get_by_role("button", name="出示现场二维码").tap()
        expect(cadre_page.get_by_text("请在场团员扫码评价")).to_be_visible()
        expect(cadre_page.locator("#verdict")).to_contain_text("记录抽查结果后，这些评价计为已核实")
        shot = cadre_page.locator(".qr svg").screenshot()
        cadre_page.screenshot(path=str(ARTIFACTS / "field-live-qr.png"), full_page=True)
        live_url = decode_qr(shot, tmp_path)
        assert live_url.startswith(f"{server.url}/l/")

        member = browser.new_context(**phone).new_page()
        member.set_default_timeout(15_000)
        member.goto(live_url)
        member.locator("input[name=activity]").first.check()
        member.locator("label[for=s4]").tap()
        member.locator("#suggestion").fill("抽查时现场评价")
        member.get_by_role("button", name="提交评价").tap()
        expect(member.get_by_role("heading", name="感谢您的评价！")).to_be_visible()

        cadre_page.reload()
        expect(cadre_page.locator("#count")).to_have_text("1")
        cadre_page.get_by_role("link", name="记录抽查结果").tap()
        # The spot check's own date, pre-filled and limited to the visit's dates; 团员数 from the roster.
        day = cadre_page.locator("#checked_on")
        assert (day.input_value(), day.get_attribute("min"), day.get_attribute("max")) == (
            "2026-11-20", "2026-11-20", "2026-11-20")
        roster = cadre_page.locator("#branch_members").input_value()
        assert roster.isdigit() and int(roster) >= 1
        expect(cadre_page.get_by_text(f"已按团支部名册填入 {roster} 人")).to_be_visible()
        assert cadre_page.locator("#present").input_value() == "5"
        cadre_page.get_by_label("已建立").check()
        cadre_page.locator("#group_members").fill(roster)
        cadre_page.get_by_label("能（已现场操作）").check()
        cadre_page.get_by_role("button", name="保存抽查结果").tap()
        expect(cadre_page.get_by_role("heading", name=f"{name} 的驻点")).to_be_visible()
        saved = cadre_page.get_by_role("status")
        expect(saved).to_contain_text(f"已保存抽查结果：{branch_name}，2026-11-20，团员 {roster} 人")
        expect(saved).to_contain_text("现场二维码评价 1 份计为已核实")
        cadre_page.screenshot(path=str(ARTIFACTS / "field-saved.png"), full_page=True)
        browser.close()

    engine = make_engine(url)
    with Session(engine) as session:
        [spot] = session.exec(select(SpotSession)).all()
        [rating] = session.exec(select(Rating).where(Rating.link_id == spot.link_id)).all()
        check = session.get(SpotCheck, spot.spotcheck_id)
        assert check.checked_on == CAMPAIGN_DAY and check.wechat_ok and check.secretary_operates
        assert local(rating.created_at).date() == CAMPAIGN_DAY  # stamped by the app's clock, not the machine's
        assert verified_rating_ids(session, [rating.id]) == {rating.id}
        branch_id = spot.branch_id
        assert session.get(Branch, branch_id).name == branch_name
    engine.dispose()
    asyncio.run(dashboard_shows_it(url, branch_id, name))


async def dashboard_shows_it(url: str, branch_id: int, cadre: str) -> None:
    """The coordinator's dashboard of 2026 on the same database: the session, its rating and its source."""
    from tests.tui.helpers import wait_for, wait_loaded, wait_text
    from tui.app import make_app
    from tui.components.tabs import Tabs
    from tui.screens.branch import BranchScreen
    from tui.screens.overview import OverviewScreen

    app = make_app(url, now=lambda: datetime(2026, 11, 20, 9, tzinfo=UTC))
    async with app.run_test(size=(160, 45)) as pilot:
        # A province of 3,000 branches on a shared machine: the first reads (and the themes' dictionary)
        # take a while, so the bounds are generous.
        await wait_loaded(pilot, OverviewScreen, timeout=60)
        await wait_text(pilot, "[ 2026年11月 ]", timeout=60)
        app.open("branch", branch_id)
        await wait_loaded(pilot, BranchScreen, timeout=60)
        await wait_text(pilot, "抽查现场评价 1", timeout=30)
        tabs = app.screen.query_one(Tabs)
        tabs.active = "tab-sessions"
        await wait_for(pilot, lambda: tabs.active == "tab-sessions")
        await wait_text(pilot, cadre)
        tabs.active = "tab-checks"
        await wait_text(pilot, f"手机页面（{cadre}）")
        tabs.active = "tab-ratings"
        await wait_text(pilot, "抽查时现场评价")
