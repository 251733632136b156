"""A second process doing what the dashboard's refresh does, in a loop, while the load runs.

``python -m tests.stress.refresher DB_URL STOP_FILE``: calls ``models.progress.progress`` (every city)
and ``models.rules.alerts`` for the current campaign year until ``STOP_FILE`` exists (touching ``STOP_FILE.ready``
after its first refresh), then prints one
JSON line: refreshes done, errors met (each as text), the slowest refresh and the last rating count seen.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlmodel import Session

from models.clock import now
from models.db import make_engine
from models.figures.period import Period
from models.progress import progress
from models.rules import alerts


def main(db_url: str, stop_file: str) -> None:
    engine = make_engine(db_url)
    stop = Path(stop_file)
    ready = stop.with_suffix(".ready")
    period = Period(now().year)
    refreshes, errors, slowest, ratings = 0, [], 0.0, 0
    while not stop.exists():
        t0 = time.perf_counter()
        try:
            with Session(engine) as session:
                figures = progress(session, "city", period)
                alerts(session, period)
            ratings = sum(f.rating_count for f in figures)
            refreshes += 1
            if refreshes == 1:
                ready.touch()  # the load may start: the dashboard is refreshing
        except Exception as exc:  # noqa: BLE001 (reported to the test, which fails on any)
            errors.append(f"{type(exc).__name__}: {exc}"[:500])
            time.sleep(0.2)
        slowest = max(slowest, time.perf_counter() - t0)
    engine.dispose()
    print(json.dumps({"refreshes": refreshes, "errors": errors, "slowest": slowest, "ratings": ratings}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
