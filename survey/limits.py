"""Per-client rate limit, counted in the database so it holds across workers and machines."""

from __future__ import annotations

import time

from flask import current_app
from sqlmodel import Session

from models.ratelimit import hit
from survey.db import get_engine


def allow(kind: str, client: str) -> bool:
    """Count this request; ``False`` once the client passed its per-minute limit for ``kind``."""
    limit = int(current_app.config[f"RATE_LIMIT_{kind.upper()}"])
    if limit <= 0:
        return True
    # Its own short transaction: the count stands even if the request itself later fails.
    with Session(get_engine()) as session:
        count = hit(session, f"{kind}:{client}", int(time.time() // 60))
        session.commit()
    return count <= limit


def retry_after() -> int:
    return 60 - int(time.time() % 60)
