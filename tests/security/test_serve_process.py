"""``zhudian serve`` runs a production WSGI server, never Flask's development server or debug mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.serving import ROOT

pytestmark = pytest.mark.e2e


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_running_server_is_production_without_debug(serve, db_url, scene):
    server = serve(db_url)
    pids = server.group_pids()
    assert len(pids) == 1  # waitress: one process with threads, nothing else
    for pid in pids:
        cmd = _cmdline(pid)
        assert "flask run" not in cmd and "--debug" not in cmd and "werkzeug" not in cmd.lower()
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"FLASK_DEBUG=1" not in environ and b"WERKZEUG_RUN_MAIN=true" not in environ
    assert "waitress" in server.output()
    response = requests.get(f"{server.url}/s/{scene.token}", timeout=10)
    assert response.headers.get("Server", "").startswith("zhudian")
    assert "Werkzeug" not in response.headers.get("Server", "")
    # An error page is the plain Chinese page: no debugger, no traceback, no console PIN.
    missing = requests.get(f"{server.url}/s/{'x' * 32}", timeout=10)
    assert missing.status_code == 404 and "页面不存在" in missing.text
    for marker in ("Traceback", "Werkzeug Debugger", "console", "__debugger__"):
        assert marker not in missing.text
    assert requests.get(f"{server.url}/?__debugger__=yes&cmd=resource&f=style.css", timeout=10).status_code == 404


def test_app_is_not_in_debug_mode(app):
    assert app.debug is False and app.config["DEBUG"] is False and app.config["PROPAGATE_EXCEPTIONS"] is not True


def test_no_development_server_in_the_code():
    """Nothing in the shipped packages starts Flask's development server or turns debug mode on."""
    offenders = []
    for package in ("survey", "tui", "models"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"\.run\(\s*(debug|host|port)|app\.run\(|run_simple\(|debug\s*=\s*True|FLASK_DEBUG", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
