"""Fixtures of the stress tests: scale from the environment, a branch with a link, the refresher process.

Scale: ``ZHUDIAN_STRESS_SUBMISSIONS`` (default 1000) ratings from ``ZHUDIAN_STRESS_CLIENTS`` (default 50)
concurrent clients — small enough for CI; ``bench/bench_reliability.py`` runs 20,000 × 200.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from models.tables import Rating, RatingStat
from tests import factories
from tests.serving import ROOT, serve, wait_for  # noqa: F401  (the fixture)
from tests.stress.load import LoadResult

SUBMISSIONS = int(os.environ.get("ZHUDIAN_STRESS_SUBMISSIONS", "1000"))
CLIENTS = int(os.environ.get("ZHUDIAN_STRESS_CLIENTS", "50"))
# The limit stays on (its counter is written with every rating, as in production) but one test machine
# stands in for thousands of phones, so it is set out of reach.
SERVER_ENV = {"ZHUDIAN_RATE_LIMIT_POST": "100000000"}


@dataclass
class LoadScene:
    token: str
    link_id: int
    activity_id: int


@pytest.fixture
def load_scene(engine: Engine) -> LoadScene:
    with Session(engine) as session:
        b = factories.branch(session, "梅江区", "压测团支部")
        act = factories.activity(session, b, "五四主题团日")
        link = factories.survey_link(session, b)
        session.commit()
        return LoadScene(link.token, link.id, act.id)


def stored_submissions(engine: Engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.execute(select(Rating.submission_id)).scalars())


def assert_acknowledged_stored_once(engine: Engine, result: LoadResult, *, exact: bool,
                                    also_posted: set[str] = frozenset()) -> Counter:  # type: ignore[assignment]
    """Every acknowledged submission is stored exactly once; nothing stored that was never posted.

    ``exact``: also nothing stored that was not acknowledged (a run without faults).
    """
    # Read at once: a member is thanked only after the answer's transaction committed.
    stored = stored_submissions(engine)
    assert not [sid for sid, n in stored.items() if n > 1], "a submission stored twice"
    posted = {s.sid for s in result.posted} | set(also_posted)
    missing = [s.sid for s in result.acknowledged if stored[s.sid] != 1]
    assert not missing, f"{len(missing)} acknowledged ratings not stored, e.g. {missing[:3]}"
    assert set(stored) <= posted, "a rating stored that no client posted"
    if exact:
        assert len(stored) == len(result.acknowledged)
    # The roll-up the dashboard reads moved in the same transactions as the ratings.
    with engine.connect() as conn:
        assert conn.execute(select(func.sum(RatingStat.count))).scalar_one() == sum(stored.values())
    return stored


def sqlite_integrity(db_url: str) -> str:
    import sqlite3

    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


class Refresher:
    """The dashboard's refresh (progress + alerts) looping in its own process until stopped."""

    def __init__(self, db_url: str, tmp: Path):
        self.stop_file = tmp / f"refresher-{uuid.uuid4().hex[:8]}.stop"  # one per refresher, never reused
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.stress.refresher", db_url, str(self.stop_file)], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while not self.stop_file.with_suffix(".ready").exists():
            assert self.process.poll() is None, self.process.communicate()[1]
            assert time.monotonic() < deadline, "the refresher made no first refresh"
            time.sleep(0.05)

    def stop(self) -> dict:
        self.stop_file.touch()
        out, err = self.process.communicate(timeout=120)
        assert self.process.returncode == 0, err
        return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def refresher(db_url: str, tmp_path: Path) -> Iterator:
    started: list[Refresher] = []

    def start() -> Refresher:
        r = Refresher(db_url, tmp_path)
        started.append(r)
        r.wait_ready()
        return r

    yield start
    for r in started:
        if r.process.poll() is None:
            r.process.kill()
            r.process.wait()


def no_lock_errors(*texts: str) -> None:
    for t in texts:
        assert "database is locked" not in t.lower()


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM rating")).scalar_one()


# The survey room's fixtures (app, scene, ...) for the deep property runs.
from tests.survey.conftest import app, client, make_app, scene, secret_file  # noqa: E402, F401

# Examples per property in the deep runs (the normal suite runs 20 of each).
HOSTILE_EXAMPLES = int(os.environ.get("ZHUDIAN_STRESS_EXAMPLES", "60"))
