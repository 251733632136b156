"""``zhudian link live`` in a real process: draws the QR with a countdown until Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlmodel import Session

from tests import factories
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e


def test_live_redraws_with_a_countdown_and_stops_on_ctrl_c(db_url, engine, tmp_path):
    with Session(engine) as session:
        branch_id = factories.branch(session, "梅江区", "现场团支部").id
        session.commit()
    env = {**os.environ, "ZHUDIAN_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = tmp_path / "live.out"
    with out.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui", "--db", db_url, "link", "live", "--branch", str(branch_id),
             "--public-url", "https://zd.example.org"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        # Two countdown ticks prove it keeps running and updating, not just printing once.
        while time.monotonic() < deadline and out.read_text(errors="replace").count("秒后更换") < 2:
            assert process.poll() is None, out.read_text(errors="replace")
            time.sleep(0.1)
        text = out.read_text(errors="replace")
        assert text.count("秒后更换") >= 2 and "现场团支部" in text and "https://zd.example.org/l/" in text
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert "已停止显示现场二维码" in out.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
