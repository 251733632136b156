"""No secret in the repository: the survey secret is made on first run in the data directory (0600)."""

from __future__ import annotations

import re
import subprocess

import pytest

from models.secret import SECRET_NAME, secret_path
from tests.serving import ROOT

KEY_LIKE = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"(?i)(secret|password|passwd|api[_-]?key|token)\s*[:=]\s*['\"][A-Za-z0-9+/_\-]{16,}['\"]"),
    re.compile(r"(?i)SECRET_KEY\s*[:=]\s*['\"][^'\"]+['\"]"),
    # A database URL with a password in it (documentation placeholders such as user:pass aside).
    re.compile(r"postgres(?:ql)?://[^:@/\s]+:(?!(?:pass|password|PASSWORD|secret|\*+|<[^>]*>)@)[^@/\s]+@"),
    re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])"),  # a 256-bit hex key, as the secret file holds
]


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in out.decode().split("\0") if name]


def test_no_key_like_literal_in_tracked_files():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if path.suffix in (".png", ".jpg", ".xlsx", ".ico") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in KEY_LIKE:
            for match in pattern.finditer(text):
                found.append(f"{name}: {match.group(0)[:60]}")
    assert found == []


def test_no_secret_file_tracked():
    names = tracked_files()
    assert not [n for n in names if n.endswith((".key", ".pem", ".env")) or SECRET_NAME in n or "/.env" in n]


def test_serve_keeps_the_secret_in_the_data_dir_with_mode_0600(serve, db_url, tmp_path):
    server = serve(db_url)
    key = server.home / SECRET_NAME
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert not list(ROOT.glob(f"**/{SECRET_NAME}"))  # never written into the code tree


def test_secret_path_defaults_to_the_data_dir(home):
    assert secret_path() == home / SECRET_NAME
