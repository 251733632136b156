"""Benchmark: demo build time, and the city-level progress query flat as ratings grow.

Builds demo databases of 10,000 and 1,000,000 ratings in a temporary directory and prints, measured in
one run:

- the demo build time at each size (target: under 30 s at 1,000,000);
- the city-level progress query (``progress.progress(session, "city", Period(year))``) at both sizes
  and their ratio (target <= 1.5: the query reads the ``ratingstat`` roll-up, not every rating);
- that query beside a plain full-scan ``GROUP BY`` of the same ratings in the stdlib ``sqlite3``
  module at 1,000,000 (target <= 0.2 of it).

Run from the project root: ``python bench/bench_progress.py [--small N] [--large N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from models import progress  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.demo import DemoParams, build_demo  # noqa: E402

YEAR = 2019
FULL_SCAN = ("SELECT b.county_id, count(*), avg(r.score) FROM rating r JOIN branch b ON b.id = r.branch_id "
             "GROUP BY b.county_id")


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs after one warm-up run, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="zhudian-bench-") as tmp:
        for n in (args.small, args.large):
            path = Path(tmp) / f"demo-{n}.db"
            engine = make_engine(f"sqlite:///{path}")
            start = time.perf_counter()
            build_demo(engine, DemoParams(ratings=n, seed=args.seed, year=YEAR))
            build = time.perf_counter() - start
            with Session(engine) as session:
                query, figures = timed(
                    lambda s=session: progress.progress(s, "city", progress.Period(year=YEAR, month=None)),
                    args.repeat)
            engine.dispose()
            counted = sum(f.rating_count for f in figures)  # type: ignore[union-attr]
            assert counted == n, f"progress counted {counted} ratings, expected {n}"
            conn = sqlite3.connect(path)
            scan, groups = timed(lambda c=conn: c.execute(FULL_SCAN).fetchall(), max(3, args.repeat // 2))
            conn.close()
            assert sum(g[1] for g in groups) == n  # type: ignore[union-attr]
            rows.append((n, build, query, scan, path.stat().st_size))

    (n1, b1, q1, s1, _), (n2, b2, q2, s2, size2) = rows
    print(f"zhudian bench_progress — SQLite, campaign {YEAR}, city level, whole year; median of {args.repeat}")
    print(f"{'ratings':>10}  {'demo build':>10}  {'progress(city)':>14}  {'sqlite3 full-scan GROUP BY':>26}")
    for n, build, query, scan, _ in rows:
        print(f"{n:>10,}  {build:>9.2f}s  {query * 1000:>12.1f}ms  {scan * 1000:>24.1f}ms")
    print(f"demo build at {n2:,}: {b2:.2f}s (target < 30 s) {'OK' if b2 < 30 else 'MISSED'}; "
          f"database {size2 / 1e6:.0f} MB")
    ratio = q2 / q1
    print(f"progress at {n2:,} / at {n1:,}: {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'MISSED'}")
    share = q2 / s2
    print(f"progress / full-scan GROUP BY at {n2:,}: {share:.3f} (target <= 0.2) {'OK' if share <= 0.2 else 'MISSED'}")


if __name__ == "__main__":
    main()
