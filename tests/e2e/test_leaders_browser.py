"""A leader with only a phone, in a real browser (Debian's chromium) against the real server: he opens
his personal link, reads the month, opens a score down to its records, and is refused once the
coordinator revokes the link with ``zhudian leader revoke``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from models.db import make_engine
from models.leaders import issue_leader_link
from tests import factories
from tests.e2e.test_browser import ARGS, ARTIFACTS, CHROMIUM, WECHAT_UA, sqlite_url  # noqa: F401  (the fixture)
from tests.serving import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_leader_reads_the_month_on_his_phone_until_revoked(serve, sqlite_url, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        jia = factories.cadre(session, "组织部", "甲干部")
        factories.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 11, 5), days=2, cadres=[jia],
                        town="江南街道")
        _, token = issue_leader_link(session, "王领导", "副书记", datetime(2099, 1, 1, tzinfo=UTC))
        session.commit()
    engine.dispose()
    server = serve(sqlite_url)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                    has_touch=True, locale="zh-CN", user_agent=WECHAT_UA, java_script_enabled=False)
        page = phone.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{server.url}/ld/k/{token}")
        assert token not in page.url  # the secret left the address bar
        expect(page.get_by_role("heading", name="2019年11月驻点工作概况")).to_be_visible()
        meizhou = page.locator("tr", has=page.get_by_role("rowheader", name="梅州"))
        expect(meizhou.locator("td").first).to_have_text(re.compile(r"^2(/1\.5)?$"))  # 组织部's 2 days in 梅州
        page.screenshot(path=str(ARTIFACTS / "leaders-month.png"), full_page=True)
        # The page fits the phone's width: only the tables scroll sideways, inside their cards.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        page.get_by_role("link", name="评价排名").tap()
        row = page.locator("tr", has=page.get_by_role("rowheader", name="组织部", exact=True))
        row.get_by_role("link").tap()
        expect(page.get_by_role("heading", name="组织部 · 第")).to_be_visible()
        page.locator("a[href*='/dept_days?']").tap()  # the department's monthly days figure
        expect(page.get_by_role("cell", name="2019-11-05")).to_be_visible()
        expect(page.get_by_role("cell", name="江南街道")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "leaders-records.png"), full_page=True)

        revoked = subprocess.run([sys.executable, "-m", "tui", "--db", sqlite_url, "leader", "revoke", "王领导"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert revoked.returncode == 0, revoked.stderr
        page.reload()
        expect(page.get_by_role("heading", name="链接已停用")).to_be_visible()
        assert "江南街道" not in page.content() and "组织部" not in page.content()
        page.goto(f"{server.url}/ld/")
        expect(page.get_by_role("heading", name="链接已停用")).to_be_visible()
        assert "梅州" not in page.content()
        browser.close()
