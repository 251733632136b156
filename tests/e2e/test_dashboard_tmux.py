"""The real ``zhudian dashboard`` (``python -m tui``) in a real terminal: tmux, keys, capture-pane.

Also ``zhudian demo`` with its UI: the survey server runs while the dashboard is open, a rating
stored meanwhile shows in the Feedback screen, and quitting the dashboard stops the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from models.db import make_engine
from tests.factories import built_database
from tests.tui.demo_data import build

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


class Tmux:
    """One tmux server on its own socket, so tests never touch a user's sessions."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"zhudian-test-{uuid.uuid4().hex[:8]}"
        self.session = "dash"
        self.tmp = tmp

    def run(self, *args: str, check: bool = True) -> str:
        # env=os.environ, not inherited: GNU readline (imported under pytest when stdin is a terminal,
        # as in a tmux pane or over SSH) setenv()s COLUMNS and LINES to the outer terminal's size at C
        # level, where os.environ does not see them but a child would. The inner pane's app would then
        # size itself to the outer terminal (shutil.get_terminal_size prefers those variables).
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              env=dict(os.environ))
        return done.stdout

    def start(self, command: list[str], env: dict[str, str], width: int = 100, height: int = 30) -> None:
        script = self.tmp / "run.sh"
        exports = "".join(f"export {k}='{v}'\n" for k, v in env.items())
        # The pane's own size, never a size inherited from the terminal that runs the tests.
        script.write_text(f"unset COLUMNS LINES\n{exports}cd '{ROOT}'\nexec {' '.join(command)}\n", encoding="utf-8")
        self.run("-u", "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
                 f"sh {script}")
        self.run("set-option", "-t", self.session, "remain-on-exit", "on")
        self.run("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))
        size = self.run("display-message", "-p", "-t", self.session, "#{window_width}x#{window_height}")
        assert size.strip() == f"{width}x{height}", size

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def wait(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)  # poll interval of a bounded wait
        raise AssertionError(f"{text!r} not on screen within {timeout}s:\n{self.screen()}\n"
                             + self.run("capture-pane", "-p", "-e", "-t", self.session))

    def wait_gone(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text not in self.screen():
                return
            time.sleep(0.1)
        raise AssertionError(f"{text!r} still on screen after {timeout}s:\n{self.screen()}")

    def wait_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = self.run("display-message", "-p", "-t", self.session, "#{pane_dead} #{pane_dead_status}")
            flag, _, status = dead.strip().partition(" ")
            if flag == "1":
                return int(status or 0)
            time.sleep(0.1)
        raise AssertionError(f"the dashboard did not exit:\n{self.screen()}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    t = Tmux(tmp_path)
    yield t
    t.kill()


def base_env(home: Path) -> dict[str, str]:
    return {"ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "PATH": os.environ.get("PATH", "")}


def province(sqlite_template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The small fixed province in a database of its own, and an empty data directory."""
    db = built_database(sqlite_template, tmp_path / "province.db", build)
    home = tmp_path / "home"
    home.mkdir()
    return db, home


def test_dashboard_in_a_real_terminal(tmux: Tmux, sqlite_template: Path, tmp_path: Path) -> None:
    db, home = province(sqlite_template, tmp_path)
    tmux.start([sys.executable, "-m", "tui", "--db", f"sqlite:///{db}", "dashboard"], base_env(home))

    screen = tmux.wait("全省 21 个地市")
    assert "2019年全年" in screen and "梅州" in screen and "组织部" in screen
    tmux.keys("4")
    tmux.wait("2019年全年 · 预警")
    tmux.keys("/")
    tmux.wait("筛选：地市、规则、对象或说明中的文字")  # the box has the focus: now type into it
    tmux.keys("座谈会", literal=True)
    screen = tmux.wait("座谈会超过规定人数")
    assert "组织部·清远" in screen
    tmux.keys("Escape")  # clears the filter; the next key must not follow ESC at once (it would read as Alt+key)
    tmux.wait_gone("筛选“")  # no filter label at all: the Escape was read on its own
    tmux.keys("1")
    tmux.wait("全省 21 个地市")
    tmux.keys("/")
    tmux.wait("输入地市或部门名称筛选")
    tmux.keys("组织部", literal=True)
    screen = tmux.wait("筛选“组织部”：2 个")
    assert "梅州" in screen and "清远" in screen and "广州" not in screen
    tmux.keys("BSpace", "BSpace", "BSpace")
    # As a person does, see the box emptied before typing on: under load Textual can deliver a
    # character typed in the same millisecond ahead of a pending backspace (a binding key).
    tmux.wait_gone("筛选“")
    tmux.keys("清远", literal=True)
    tmux.wait("筛选“清远”：1 个")
    tmux.keys("Enter")  # one city left: Enter opens it
    screen = tmux.wait("清远 · 2019年全年 · 对接部门：组织部")
    assert "清城区" in screen
    tmux.keys("Escape")
    tmux.wait("全省 21 个地市")
    tmux.keys("q")
    assert tmux.wait_exit() == 0
    assert "Traceback" not in tmux.screen()


def test_demo_runs_the_survey_server_while_the_dashboard_is_open(tmux: Tmux, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # The "phone" below posts at once, where a person takes longer than the form's minimum age.
    env = {**base_env(home), "ZHUDIAN_MIN_FORM_SECONDS": "0"}
    tmux.start([sys.executable, "-m", "tui", "demo", "--ratings", "200", "--today", "2026-11-20"], env,
               width=80, height=24)
    # The demo's doors first, over the dashboard: each address whole on one line at 80 columns.
    screen = tmux.wait("演示入口", timeout=60)
    screen = tmux.wait("/s/", timeout=10)
    cadre = re.search(r"^(http://\S+/c/k/\S+)\s*$", screen, re.M)
    member = re.search(r"^(http://\S+/s/[0-9a-f]{32})\s*$", screen, re.M)
    assert cadre and member, screen
    page = requests.get(cadre.group(1), timeout=10)  # as a phone on the network opens it
    assert page.status_code == 200 and "的驻点" in page.text
    tmux.keys("Escape")
    tmux.wait("全省 21 个地市", timeout=30)
    tmux.run("resize-window", "-t", tmux.session, "-x", "110", "-y", "32")
    log = (home / "demo-survey.log").read_text(encoding="utf-8")
    port = int(re.search(r"监听 http://0\.0\.0\.0:(\d+)", log).group(1))  # type: ignore[union-attr]
    assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200

    # The QR screen shows the live code of a branch; a "phone" opens it and rates over HTTP.
    tmux.keys("6")
    tmux.wait("请先在左侧选择团支部")
    tmux.keys("Enter")  # the first branch of the list
    screen = tmux.wait("秒后更新")
    shown = re.search(r"http://\S+/l/(\d+)-", screen)
    assert shown, screen
    # The phone opens the URL the QR encodes (made the same way, for this server and secret).
    monkeypatch.setenv("ZHUDIAN_HOME", str(home))
    monkeypatch.setenv("ZHUDIAN_PUBLIC_URL", f"http://127.0.0.1:{port}")
    from tui.live_url import live_url

    engine = make_engine(f"sqlite:///{home / 'demo.db'}")
    url, _left = live_url(engine, int(shown.group(1)))
    engine.dispose()
    phone = requests.Session()
    page = phone.get(url, timeout=10)
    assert page.status_code == 200, (url, page.text[-300:])
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    activity = re.search(r'name="activity" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    suggestion = "演示期间提交的评价[b]不是标记[/b]"
    reply = phone.post(requests.compat.urljoin(page.url, action),
                       data={**hidden, "activity": activity, "activity_other": "扫码测试活动", "score": "4",
                             "suggestion": suggestion}, timeout=10)
    assert reply.status_code == 200 and "感谢" in reply.text, reply.text

    # ... and the rating shows in the Feedback screen by itself, literally.
    tmux.keys("3")
    tmux.wait(suggestion, timeout=10)

    tmux.keys("q")
    assert tmux.wait_exit(timeout=30) == 0
    assert "问卷服务器已停止" in tmux.screen()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_what_needs_action_is_on_screen_without_scrolling(tmux: Tmux, sqlite_template: Path, tmp_path: Path,
                                                          size: tuple[int, int]) -> None:
    db, home = province(sqlite_template, tmp_path)
    width, height = size
    tmux.start([sys.executable, "-m", "tui", "--db", f"sqlite:///{db}", "dashboard"], base_env(home),
               width=width, height=height)
    screen = tmux.wait("全省 21 个地市")
    header = next(line for line in screen.splitlines() if line.strip().startswith("地市"))
    # No key pressed: the departments' verdict, the monthly forms and the alerts are in view (whole:
    # a column that does not fit whole is scrolled to with →, never shown cut).
    for column in ("部门驻点", "月报", "违规/未达标/风险"):
        assert column in header, screen
    meizhou = tmux.wait(" 梅州 ")
    row = next(line for line in meizhou.splitlines() if line.strip().startswith("梅州"))
    assert re.search(r"\d+/\d+/\d+", row) and ("✗" in row or "!" in row or "✓" in row), row
    if width >= 160:
        for column in ("抽查", "对接部门", "评价数", "均分", "趋势"):
            assert column in header, screen
    tmux.keys("q")
    assert tmux.wait_exit() == 0


FOOTERS = {
    "overview": ["s 排序", "b 只看违规", "e 导出", "/ 筛选", "w 评分最低支部", "m 意见主题", "? 按键", "^p 查找"],
    "city": ["esc 返回", "s 排序", "b 只看违规", "e 导出", "t 下一标签", "/ 筛选", "m 意见主题", "? 按键", "^p 查找"],
    "lowest": ["esc 返回", "s 排序", "e 导出", "+ 提高门槛", "- 降低门槛", "? 按键", "^p 查找"],
}


def footer(screen: str) -> str:
    return [line for line in screen.splitlines() if line.strip()][-1]


def whole_labels(header: str, labels: list[str]) -> None:
    """Every column name on the header line is whole (a column cut at the right edge reads "对接")."""
    allowed = {part for label in labels for part in label.split()} | {"▼", "▲"}
    cut = [token for token in header.split() if token not in allowed]
    assert not cut, f"cut column names {cut} in {header!r}"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_footers_and_column_names_are_whole(tmux: Tmux, sqlite_template: Path, tmp_path: Path,
                                             size: tuple[int, int]) -> None:
    from tui.components.alert_rows import ALERT_COLUMNS
    from tui.components.figures import CITY_COLUMNS, COUNTY_COLUMNS

    db, home = province(sqlite_template, tmp_path)
    width, height = size
    tmux.start([sys.executable, "-m", "tui", "--db", f"sqlite:///{db}", "dashboard"], base_env(home),
               width=width, height=height)
    screen = tmux.wait("全省 21 个地市")
    for label in FOOTERS["overview"]:
        assert label in footer(screen), footer(screen)
    whole_labels(next(line for line in screen.splitlines() if line.strip().startswith("地市")),
                 [label for _k, label in CITY_COLUMNS])
    tmux.keys("Enter")  # the first city in 附件1's order
    screen = tmux.wait("中山 · 2019年全年")
    for label in FOOTERS["city"]:
        assert label in footer(screen), footer(screen)
    whole_labels(next(line for line in screen.splitlines() if line.strip().startswith("县区/镇街")),
                 [label for _k, label in COUNTY_COLUMNS])
    tmux.keys("t")
    screen = tmux.wait("说明")
    whole_labels(next(line for line in screen.splitlines() if line.strip().startswith("程度")),
                 [label for _k, label in ALERT_COLUMNS])
    tmux.keys("Escape")
    tmux.wait("全省 21 个地市")
    tmux.keys("w")
    screen = tmux.wait("+ 提高门槛")  # the footer (the title also says "按 - 降低门槛")
    for label in FOOTERS["lowest"]:
        assert label in footer(screen), footer(screen)
    tmux.keys("q")
    assert tmux.wait_exit() == 0
