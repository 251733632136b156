"""The dashboard's command palette and footers in Chinese: no English word of Textual on screen."""

from __future__ import annotations

import re

from textual.command import CommandPalette
from textual.widgets import Input, Select

from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tests.tui.screen_text import screen_text
from tui.screens.feedback import FeedbackScreen
from tui.screens.overview import OverviewScreen

# Latin text the dashboard itself shows: key names, file formats and the period's digits.
ALLOWED = {"SVG", "PNG", "Esc", "esc", "q", "v", "p"}


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED


async def test_palette_lists_the_dashboards_commands_in_chinese(make):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        palette = app.screen
        assert palette.query_one(Input).placeholder.startswith("查找地市")
        text = await wait_text(pilot, "总览页", "记录驻点", "图例", "退出", "截图")
        # Only the palette's own lines (the overview behind it has Latin-free text too).
        assert not english_words(text), (english_words(text), text)
        for gone in ("Theme", "Keys", "Quit", "Screenshot", "Maximize", "Search for commands"):
            assert gone not in text

        await pilot.press(*"无此名称")
        text = await wait_text(pilot, "没有找到名称中含“无此名称”")
        assert "No matches" not in text and not english_words(text)

        # A palette command works: 意见页 switches the screen.
        palette.query_one(Input).value = "意见页"
        await wait_text(pilot, "切换到“意见”页")
        await pilot.press("enter")
        await wait_loaded(pilot, FeedbackScreen)


async def test_drop_down_footer_is_chinese(make):
    app = make()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        await pilot.press("3")
        await wait_loaded(pilot, FeedbackScreen)
        select = app.screen.query_one("#score", Select)
        select.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: select.expanded, what="the drop-down open")
        footer = await wait_text(pilot, "收起列表")
        assert "Dismiss" not in footer and "menu" not in footer
        assert not english_words(screen_text(app).splitlines()[-1]), screen_text(app)


async def test_ctrl_c_reminder_is_chinese(make):
    app = make()
    said: list[str] = []
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        app.notify = lambda message, **options: said.append(f"{options.get('title', '')} {message}")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: said, what="the reminder")
        assert "按 q 退出看板" in said[0] and not english_words(said[0].replace("Ctrl", "")), said


async def test_every_pages_footer_is_chinese(make):
    from tui.components.navbar import SCREENS

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        for mode, key, label in SCREENS:
            await pilot.press(key)
            await wait_for(pilot, lambda mode=mode: app.current_mode == mode and getattr(app.screen, "loads", 0),
                           what=f"the {label} page")
            footer = await wait_text(pilot, "查找")  # the palette's key closes every page's footer
            last = [line for line in footer.splitlines() if "查找" in line][-1]
            assert not english_words(last), (label, last)
