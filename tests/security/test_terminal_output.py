"""Stored text reaches the terminal as text: the real ``zhudian`` commands run on a pseudo-terminal.

The database holds what an import or an old version may have stored raw: a branch name that clears
the screen (ESC [2J), hides a link (OSC 8) and reverses the line (U+202E), a cadre name that writes
the clipboard (OSC 52), 8-bit CSI (U+009B) and BEL. Every command that prints them runs with its
output on a pty, as on a coordinator's screen; the only escape sequences allowed out are the QR
code's own colours (SGR).
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from models import audit
from models.field import issue_link
from tests import factories
from tests.serving import ROOT

BRANCH = "清屏\x1b[2J\x1b]8;;https://evil.example/\x07链接\x1b]8;;\x07\u202e反转团支部\x9b31m"
CADRE = "剪贴板\x1b]52;c;cm0gLXJmIH4=\x07干部"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colours only: the QR code's own
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile_db(tmp_path: Path, sqlite_template: Path) -> tuple[str, int, int]:
    import shutil

    from models.db import make_engine

    path = tmp_path / "hostile.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as session:
        with audit.tracking(session, "导入", actor=CADRE):
            branch = factories.branch(session, "梅江区", BRANCH)
            cadre = factories.cadre(session, "组织部", CADRE)
            issue_link(session, cadre, datetime.now(UTC) + timedelta(days=30))
        session.commit()
        ids = branch.id, cadre.id
    engine.dispose()
    return url, *ids


def on_a_terminal(url: str, home: Path, *args: str) -> tuple[int, str]:
    """Run ``zhudian --db url args`` with stdout and stderr on a pty; its exit status and all it wrote."""
    main, child = pty.openpty()
    env = {**os.environ, "ZHUDIAN_HOME": str(home), "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    process = subprocess.Popen([sys.executable, "-m", "tui", "--db", url, *args], cwd=ROOT, env=env,
                               stdin=subprocess.DEVNULL, stdout=child, stderr=child)
    os.close(child)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return process.wait(timeout=60), out.decode("utf-8", errors="replace")


@pytest.mark.parametrize("command", [
    ("branch", "list"),
    ("link", "create", "--branch", "{branch}", "--public-url", "https://zd.example.cn"),
    ("link", "live", "--branch", "{branch}", "--once", "--public-url", "https://zd.example.cn"),
    ("cadre", "link", "--cadre", "{cadre}", "--public-url", "https://zd.example.cn"),
    ("cadre", "list"),
    ("cadre", "list", "--json"),
    ("cadre", "revoke", "--cadre", "{cadre}"),
    ("audit",),
    ("audit", "--json"),
])
def test_no_stored_escape_sequence_reaches_the_terminal(hostile_db, tmp_path, command):
    url, branch_id, cadre_id = hostile_db
    args = [a.format(branch=branch_id, cadre=cadre_id) for a in command]
    status, out = on_a_terminal(url, tmp_path, *args)
    assert status == 0, out
    shown = SGR.sub("", out).replace("\r\n", "\n")
    assert not UNSAFE.findall(shown), sorted(set(UNSAFE.findall(shown)))
    # The names are still shown, as text (or as JSON escapes).
    assert "反转团支部" in shown or "剪贴板" in shown
