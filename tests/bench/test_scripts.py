"""Every bench script starts: its imports still resolve and its options parse (a helper it used
was once removed from the tests it borrows from, and nothing noticed until the script was run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("bench_*.py"))


def test_there_are_bench_scripts():
    assert "bench_survey.py" in SCRIPTS and "bench_reliability.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_bench_script_shows_its_usage(script):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "usage" in done.stdout.lower()
