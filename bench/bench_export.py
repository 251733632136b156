"""Benchmark: the feedback exports on large demo databases.

Prints, measured side by side in one run:

- on a 1,000,000-rating demo database, the CSV feedback export (``export_feedback(..., "csv")``)
  beside the sqlite3 shell's ``.mode csv`` export of the same rows (same joins, same columns), and
  their ratio (target <= 2);
- on a 100,000-rating demo database, the XLSX export's time and the peak memory of the process that
  wrote it (target < 300 MB), measured in a fresh child process.

Run from the project root: ``python bench/bench_export.py [--large N] [--xlsx N]``. Needs the
``sqlite3`` command-line shell.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from models.db import make_engine  # noqa: E402
from models.demo import DemoParams, build_demo  # noqa: E402
from models.feedback_export import FeedbackFilter  # noqa: E402
from tui.exports.feedback import export_feedback  # noqa: E402

YEAR = 2019
SHELL_QUERY = (
    "SELECT r.id, ci.name, co.name, b.name, coalesce(a.name, r.activity_name), r.score, r.suggestion, "
    "r.photo_id, strftime('%Y-%m-%d %H:%M:%S', r.created_at, '+8 hours') FROM rating r JOIN branch b ON b.id = r.branch_id "
    "JOIN county co ON co.id = b.county_id JOIN city ci ON ci.id = co.city_id "
    "LEFT JOIN activity a ON a.id = r.activity_id ORDER BY r.id;"
)

CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from sqlmodel import Session
from models.db import make_engine
from models.feedback_export import FeedbackFilter
from tui.exports.feedback import export_feedback
engine = make_engine({url!r})
start = time.perf_counter()
with Session(engine) as s:
    n, _ = export_feedback(s, FeedbackFilter(), "xlsx", Path({out!r}))
elapsed = time.perf_counter() - start
# VmHWM is this process's own peak: ru_maxrss would also count the parent's memory at fork.
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(json.dumps({{"rows": n, "seconds": elapsed, "peak_mb": int(hwm.split()[1]) / 1024}}))
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(path: Path, ratings: int) -> float:
    engine = make_engine(f"sqlite:///{path}")
    start = time.perf_counter()
    build_demo(engine, DemoParams(ratings=ratings, seed=2019, year=YEAR))
    engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--xlsx", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    shell = shutil.which("sqlite3")
    if shell is None:
        sys.exit("需要 sqlite3 命令行程序（apt-get install sqlite3）")

    with tempfile.TemporaryDirectory(prefix="zhudian-bench-export-") as tmp:
        tmp_path = Path(tmp)
        big = tmp_path / "big.db"
        print(f"building a {args.large:,}-rating demo database … {build(big, args.large):.1f} s")
        engine = make_engine(f"sqlite:///{big}")
        ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
        for _ in range(args.repeat):
            before = _children_cpu()
            start = time.perf_counter()
            with open(tmp_path / "shell.csv", "w") as out:
                subprocess.run([shell, "-csv", str(big), SHELL_QUERY], stdout=out, check=True)
            theirs.append(time.perf_counter() - start)
            theirs_cpu.append(_children_cpu() - before)
            start, cpu = time.perf_counter(), time.process_time()
            with Session(engine) as s:
                n, _ = export_feedback(s, FeedbackFilter(), "csv", tmp_path / "ours.csv")
            ours.append(time.perf_counter() - start)
            ours_cpu.append(time.process_time() - cpu)
        shell_rows = sum(1 for _ in open(tmp_path / "shell.csv", encoding="utf-8"))
        engine.dispose()
        best_ours, best_shell = min(ours), min(theirs)
        print(f"CSV export of {n:,} ratings (best of {args.repeat}):")
        print(f"  wall: zhudian {best_ours:.2f} s   sqlite3 .mode csv {best_shell:.2f} s ({shell_rows:,} lines)   "
              f"ratio {best_ours / best_shell:.2f} (target <= 2)")
        print(f"  cpu:  zhudian {min(ours_cpu):.2f} s   sqlite3 .mode csv {min(theirs_cpu):.2f} s   "
              f"ratio {min(ours_cpu) / min(theirs_cpu):.2f} (CPU time is steadier on a busy machine)")

        small = tmp_path / "small.db"
        print(f"building a {args.xlsx:,}-rating demo database … {build(small, args.xlsx):.1f} s")
        code = CHILD.format(root=str(ROOT), url=f"sqlite:///{small}", out=str(tmp_path / "f.xlsx"))
        result = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                           check=True).stdout)
        print(f"XLSX export of {result['rows']:,} ratings: {result['seconds']:.2f} s, "
              f"peak memory {result['peak_mb']:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
