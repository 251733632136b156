"""While the demo runs, its doors stay open on the dashboard: the survey server's address, the demo
cadre's link and a member's link, whole on one line each at 80 columns, and as QR codes that a real
decoder (zbar) reads back from what the terminal draws."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from tests.tui.helpers import wait_for, wait_loaded, wait_text
from tests.tui.screen_text import screen_text
from tui.components.demo_doors import DemoDoors, DoorsScreen
from tui.components.qr import QrView
from tui.screens.overview import OverviewScreen

SERVER = "http://192.168.100.200:54321"
DOORS = DemoDoors(SERVER, "张伟", f"{SERVER}/c/k/{'Ab3_' * 8}", "梅江区江南社区团支部",
                  f"{SERVER}/s/{'0123456789abcdef' * 2}")


def decode_terminal_qr(lines: list[str], tmp_path) -> str:
    """Paint the half-block characters as a phone camera would see them, then decode with zbar."""
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (Debian zbar-tools) is not installed")
    scale = 8
    img = Image.new("L", (len(lines[0]) * scale, len(lines) * 2 * scale), 255)
    for y, line in enumerate(lines):
        for x, char in enumerate(line):
            for half, dark in ((0, char in "█▀"), (1, char in "█▄")):
                if dark:
                    img.paste(0, (x * scale, (2 * y + half) * scale, (x + 1) * scale, (2 * y + half + 1) * scale))
    path = tmp_path / "terminal-qr.png"
    img.save(path)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


async def test_the_demo_shows_its_doors_over_the_dashboard_at_80_columns(make, tmp_path):
    app = make(doors=DOORS)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DoorsScreen), what="the demo's doors")
        text = await wait_text(pilot, "问卷服务器", DOORS.member_url)
        lines = text.splitlines()
        # Each address whole on one line (nothing broken at 80 columns).
        for url in (DOORS.server, DOORS.cadre_url, DOORS.member_url):
            assert any(line.strip() == url for line in lines), url
        assert "演示干部：张伟" in text and "梅江区江南社区团支部" in text and "d" in text

        await pilot.press("c")
        qr = app.screen.query_one("#doors-cadre-qr", QrView)
        await wait_for(pilot, lambda: qr.size.height >= qr.needed_size[1] and qr.size.width >= qr.needed_size[0],
                       what="room for the whole cadre QR at 80x24")
        assert "窗口太小" not in screen_text(app)
        assert decode_terminal_qr(qr._lines, tmp_path) == DOORS.cadre_url
        await pilot.press("m")
        member = app.screen.query_one("#doors-member-qr", QrView)
        await wait_for(pilot, lambda: member.size.height >= member.needed_size[1])
        assert decode_terminal_qr(member._lines, tmp_path) == DOORS.member_url

        await pilot.press("escape")  # the dashboard, with the doors a key away
        await wait_loaded(pilot, OverviewScreen)
        await wait_text(pilot, "演示入口")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, DoorsScreen))


async def test_outside_the_demo_there_is_no_doors_key(make):
    app = make()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, OverviewScreen)
        assert "演示入口" not in screen_text(app)
        assert app.check_action("doors", ()) is False  # hidden from the footer and inert
        app.action_doors()
        assert isinstance(app.screen, OverviewScreen)
