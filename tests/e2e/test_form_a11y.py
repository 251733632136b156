"""The members' form meets WCAG 2.1 AA in a real phone-sized browser (Debian's chromium + axe-core).

axe-core runs on the form, on its error page and on the thanks page (no violation at the WCAG 2.0/2.1
A and AA tags); the keyboard walks the stars 1→5; errors sit beside their fields and are tied to them;
the counter warns before the 500-character limit and nothing typed is cut.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from models.db import make_engine
from tests import factories
from tests.serving import stored_ratings

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def scene(sqlite_template, tmp_path, serve):
    path = tmp_path / "a11y.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "梅江区江南街道团工委机关团支部")
        factories.activity(session, b, "五四主题团日")
        factories.activity(session, b, "青年大学习分享会")
        token = factories.survey_link(session, b).token
        session.commit()
    server = serve(url)
    yield f"{server.url}/s/{token}", engine
    engine.dispose()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


def contrast(page, selector: str, background: str = "#ffffff") -> float:
    colour = page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).color")
    rgb = [int(x) for x in re.findall(r"\d+", colour)[:3]]
    back = [int(background[i:i + 2], 16) for i in (1, 3, 5)]

    def lum(c: list[int]) -> float:
        lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted([lum(rgb), lum(back)], reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_form_error_and_thanks_pages_pass_axe(page, scene):
    from playwright.sync_api import expect

    url, engine = scene
    page.goto(url)
    assert axe_violations(page) == []
    assert contrast(page, "label[for=s3]") >= 3, "an unselected star must show at 3:1"

    # Empty, at once: every missing field has its own error beside it; no "press again".
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#e-score")).to_have_text("请选择 1～5 星评分")
    assert "再点击一次" not in page.content()
    assert axe_violations(page) == []
    activity = page.locator("fieldset:has(legend:text('评价哪一项活动？'))")
    assert activity.get_attribute("aria-invalid") == "true"
    assert activity.get_attribute("aria-describedby") == "e-activity"
    # The activity's error is inside its group, above the choices, not by the 其他活动名称 box.
    assert activity.locator("#e-activity").count() == 1
    assert page.evaluate("""() => {
        const err = document.getElementById('e-activity'), box = document.getElementById('activity_other');
        return !!(err.compareDocumentPosition(document.querySelector('input[name=activity]'))
                  & Node.DOCUMENT_POSITION_FOLLOWING) && err.getBoundingClientRect().bottom
                  < document.querySelector('input[name=activity]').getBoundingClientRect().top + 1
                  && box.getBoundingClientRect().top - err.getBoundingClientRect().bottom > 60;
    }""")
    # Nor does the 其他活动名称 box turn red: only the field an error is about does.
    assert page.evaluate("getComputedStyle(document.getElementById('activity_other')).borderColor") != "rgb(176, 0, 32)"
    score = page.locator("fieldset:has(#s1)")
    assert score.get_attribute("aria-invalid") == "true" and "e-score" in score.get_attribute("aria-describedby")

    # Over the limit: the counter says so before submitting; the server refuses and keeps every character.
    long_text = "希望多组织志愿服务" * 58  # 522 characters
    page.get_by_label("五四主题团日").check()
    page.locator("label[for=s4]").click()
    page.locator("#suggestion").fill(long_text[:470])
    expect(page.locator("#counter")).to_have_text("（已输入 470 / 500 字）")
    expect(page.locator("#counter-alert")).to_have_text("接近 500 字上限")
    page.locator("#suggestion").fill(long_text)
    expect(page.locator("#counter")).to_have_text("（已输入 522 / 500 字）")
    expect(page.locator("#counter-alert")).to_have_text("已超出 500 字，请删减")
    assert page.locator("#suggestion").input_value() == long_text  # nothing cut by the browser
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#e-suggestion")).to_contain_text("现有 522 字")
    assert page.locator("#suggestion").input_value() == long_text
    assert page.locator("#suggestion").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    page.locator("#suggestion").fill(long_text[:500])
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("heading", name="感谢您的评价！")).to_be_visible()
    assert axe_violations(page) == []
    [row] = stored_ratings(engine, 1)
    assert row.score == 4 and len(row.suggestion) == 500


def test_keyboard_walks_the_stars_one_to_five(page, scene):
    url, engine = scene
    page.goto(url)
    boxes = [page.locator(f"label[for=s{n}]").bounding_box() for n in range(1, 6)]
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes), "star 1 leftmost, star 5 rightmost"
    page.locator("#activity_other").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "s1", "the first Tab stop in the stars is star 1"
    page.keyboard.press("Space")
    assert page.locator("#s1").is_checked()
    for n in (2, 3, 4):
        page.keyboard.press("ArrowRight")
        assert page.locator(f"#s{n}").is_checked(), f"ArrowRight should raise the score to {n}"
    page.keyboard.press("ArrowLeft")
    assert page.locator("#s3").is_checked()
    # Stars 1–3 light up, 4–5 do not, and the lit colour holds 3:1 on white too.
    colours = page.evaluate("[1,2,3,4,5].map(n => getComputedStyle(document.querySelector(`label[for=s${n}]`)).color)")
    assert len(set(colours[:3])) == 1 and colours[3] == colours[4] != colours[0]
    assert contrast(page, "label[for=s3]") >= 3 and contrast(page, "label[for=s5]") >= 3
