"""Waiting on what the user would notice (never bare sleeps)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from sqlmodel import Session, select
from textual.pilot import Pilot

from models.db import make_engine
from models.feedback import add_rating
from models.tables import Branch
from tests.tui.demo_data import TODAY
from tests.tui.screen_text import screen_text


def insert_rating(url: str, branch_name: str, score: int, suggestion: str) -> None:
    """As the survey server would: another engine, another connection, ``add_rating`` (now: ``TODAY``)."""
    engine = make_engine(url)
    with Session(engine) as s:
        branch = s.exec(select(Branch).where(Branch.name == branch_name)).one()
        add_rating(s, branch_id=branch.id, score=score, submission_id=uuid.uuid4().hex, suggestion=suggestion,
                   created_at=TODAY)
        s.commit()
    engine.dispose()


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = 8.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}\n{screen_text(pilot.app)}")


async def wait_loaded(pilot: Pilot, screen_type: type | None = None, loads: int = 1, timeout: float = 8.0) -> None:
    """Until the current screen (of ``screen_type``) has shown ``loads`` reads of the database."""
    app = pilot.app

    def ready() -> bool:
        screen = app.screen
        return (screen_type is None or isinstance(screen, screen_type)) and getattr(screen, "loads", 0) >= loads

    await wait_for(pilot, ready, timeout, f"{screen_type.__name__ if screen_type else 'screen'} loaded")


async def wait_text(pilot: Pilot, *texts: str, timeout: float = 8.0) -> str:
    """Until every one of ``texts`` is on screen; a loaded screen may not be painted yet, so never read
    the screen right after ``wait_loaded``."""
    def shown() -> str | None:
        text = screen_text(pilot.app)
        return text if all(t in text for t in texts) else None

    await wait_for(pilot, shown, timeout, " and ".join(map(repr, texts)))
    return screen_text(pilot.app)
