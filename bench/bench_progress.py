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
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from models import progress  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.demo import DemoParams, build_demo  # noqa: E402
from models.figures.period import Period  # noqa: E402

YEAR = 2019
FULL_SCAN = ("SELECT b.county_id, count(*), avg(r.score) FROM rating r JOIN branch b ON b.id = r.branch_id "
             "GROUP BY b.county_id")


def city_progress(session: Session) -> list:
    return progress.progress(session, "city", Period(year=YEAR, month=None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    sizes = (args.small, args.large)
    with tempfile.TemporaryDirectory(prefix="zhudian-bench-") as tmp:
        builds, cpus, paths = {}, {}, {}
        for n in sizes:
            paths[n] = Path(tmp) / f"demo-{n}.db"
            engine = make_engine(f"sqlite:///{paths[n]}")
            start, cpu = time.perf_counter(), time.process_time()
            build_demo(engine, DemoParams(ratings=n, seed=args.seed, year=YEAR))
            builds[n], cpus[n] = time.perf_counter() - start, time.process_time() - cpu
            engine.dispose()

        engines = {n: make_engine(f"sqlite:///{paths[n]}") for n in sizes}
        sessions = {n: Session(engines[n]) for n in sizes}
        scans = {n: sqlite3.connect(paths[n]) for n in sizes}
        for n in sizes:  # warm up, and check both queries count every rating
            counted = sum(f.rating_count for f in city_progress(sessions[n]))
            assert counted == n, f"progress counted {counted} ratings, expected {n}"
            assert sum(g[1] for g in scans[n].execute(FULL_SCAN).fetchall()) == n
        # Interleaved rounds: on a shared machine, load from elsewhere hits both sizes alike.
        times: dict[tuple[str, int], list[float]] = {(k, n): [] for k in ("progress", "scan") for n in sizes}
        for _ in range(args.repeat):
            for n in sizes:
                start = time.perf_counter()
                city_progress(sessions[n])
                times[("progress", n)].append(time.perf_counter() - start)
                start = time.perf_counter()
                scans[n].execute(FULL_SCAN).fetchall()
                times[("scan", n)].append(time.perf_counter() - start)
        for n in sizes:
            sessions[n].close()
            engines[n].dispose()
            scans[n].close()
        size_large = paths[args.large].stat().st_size

    def best(kind: str, n: int) -> float:
        return min(times[(kind, n)])

    def mid(kind: str, n: int) -> float:
        return statistics.median(times[(kind, n)])

    small, large = sizes
    print(f"zhudian bench_progress — SQLite, campaign {YEAR}, city level, whole year; "
          f"{args.repeat} interleaved rounds, best (median)")
    print(f"{'ratings':>10}  {'demo build (CPU)':>16}  {'progress(city)':>20}  {'sqlite3 full-scan GROUP BY':>26}")
    for n in sizes:
        print(f"{n:>10,}  {builds[n]:>6.2f}s ({cpus[n]:.2f}s)  "
              f"{best('progress', n) * 1000:>8.1f} ({mid('progress', n) * 1000:.1f}) ms"
              f"  {best('scan', n) * 1000:>14.1f} ({mid('scan', n) * 1000:.1f}) ms")
    print(f"demo build at {large:,}: {builds[large]:.2f}s wall, {cpus[large]:.2f}s CPU in this process "
          f"(target < 30 s) {'OK' if builds[large] < 30 else 'MISSED'}; database {size_large / 1e6:.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ratio, ratio_mid = best("progress", large) / best("progress", small), mid("progress", large) / mid("progress", small)
    print(f"progress at {large:,} / at {small:,}: {ratio:.2f} (median {ratio_mid:.2f}) (target <= 1.5) "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}")
    share, share_mid = best("progress", large) / best("scan", large), mid("progress", large) / mid("scan", large)
    print(f"progress / full-scan GROUP BY at {large:,}: {share:.3f} (median {share_mid:.3f}) (target <= 0.2) "
          f"{'OK' if share <= 0.2 else 'MISSED'}")


if __name__ == "__main__":
    main()
