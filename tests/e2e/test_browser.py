"""A real phone-sized browser (Playwright driving Debian's chromium) against the real server.

It scans nothing but does everything else: opens the link, fills the form, submits with an error and
sees the typed text kept, submits properly and sees the thanks page. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from models.db import make_engine
from tests import factories
from tests.serving import stored_ratings

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47")


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    path = tmp_path / "browser.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="zh-CN", user_agent=WECHAT_UA)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.problems = problems  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


def test_member_fills_the_form_on_a_phone(page, serve, sqlite_url):
    from playwright.sync_api import expect

    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "梅江区江南街道团工委机关团支部")
        act_id = factories.activity(session, b, "五四主题团日").id
        factories.activity(session, b, "青年大学习分享会")
        token = factories.survey_link(session, b).token
        session.commit()
    server = serve(sqlite_url)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{server.url}/s/{token}")
    expect(page.get_by_role("heading", name="梅江区江南街道团工委机关团支部")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "page scrolls sideways"
    star = page.locator("label[for=s5]").bounding_box()
    assert star["width"] >= 40 and star["height"] >= 40, "stars must be big enough for a thumb"
    page.screenshot(path=str(ARTIFACTS / "survey-form.png"), full_page=True)

    # An error first: no stars chosen. The typed text must come back.
    suggestion = "希望多组织“青年大学习”线下分享<b>😀"
    page.get_by_label("五四主题团日").check()
    page.locator("#suggestion").fill(suggestion)
    page.get_by_role("button", name="提交评价").tap()
    expect(page.locator("#e-score")).to_have_text("请选择 1～5 星评分")
    expect(page.locator("#suggestion")).to_have_value(suggestion)
    expect(page.get_by_label("五四主题团日")).to_be_checked()
    page.screenshot(path=str(ARTIFACTS / "survey-form-error.png"), full_page=True)

    # Four stars by thumb: the fourth star and those before it light up, the fifth does not.
    page.locator("label[for=s4]").tap()
    expect(page.locator("#s4")).to_be_checked()
    colours = page.evaluate("[1,2,3,4,5].map(n => getComputedStyle(document.querySelector(`label[for=s${n}]`)).color)")
    assert len(set(colours[:4])) == 1 and colours[4] != colours[0]
    with page.expect_request(lambda r: r.method == "POST") as posted:
        page.get_by_role("button", name="提交评价").tap()
    expect(page.get_by_role("heading", name="感谢您的评价！")).to_be_visible()
    # What the phone sent: multipart with the (empty) photo part, as the bench posts it.
    import io

    from werkzeug.formparser import MultiPartParser

    content_type = posted.value.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    body = posted.value.post_data_buffer
    fields, files = MultiPartParser().parse(io.BytesIO(body), content_type.split("boundary=")[1].encode(), len(body))
    assert fields["suggestion"] == suggestion and list(files) == ["photo"]
    assert page.url.endswith(f"/s/{token}/thanks")
    page.screenshot(path=str(ARTIFACTS / "survey-thanks.png"), full_page=True)

    # The same phone again: no second form.
    page.goto(f"{server.url}/s/{token}")
    expect(page.get_by_role("heading", name="您已提交过评价")).to_be_visible()
    # No CSP violations, no script errors (the 422 of the corrected form is expected).
    assert not [p for p in page.problems if "422" not in p], page.problems

    [row] = stored_ratings(engine, 1)
    assert (row.score, row.activity_id, row.suggestion) == (4, act_id, suggestion)
    engine.dispose()
