"""Benchmark: suggestion themes (models/themes), measured side by side in one run.

Prints:
- analysing 100,000 suggestions from scratch (a fresh analyser: jieba's dictionary loaded, the domain
  words added, every suggestion read from the database, segmented, matched, its analysis and the
  roll-up written) beside jieba's own bare ``lcut`` over the same texts with a fresh tokenizer (its
  dictionary load included) — targets: under 30 s, and at most 2x the bare ``lcut``. The texts are
  made from the demo's sentences, place names and numbers so that almost all are distinct (the
  analyser's memo of identical texts would otherwise do the work);
- the themes view's refresh in a running dashboard on the 1,000,000-rating demo (after its one-off
  first analysis, whose time is printed too) beside the overview's refresh in the same app
  (target: at most 1.5x).

Run from the project root: ``python bench/bench_themes.py [--suggestions N] [--ratings N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from models import demo_names  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.feedback import rebuild_rating_stats  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.reference import load_reference  # noqa: E402
from models.tables import Branch, County, Rating  # noqa: E402

YEAR = 2019
EXTRA = ["我们村", "我们社区", "我们公司", "我们学校", "本周", "上个月", "这次", "明年", "暑假", "周末"]


def corpus(n: int, seed: int) -> list[str]:
    """``n`` suggestions of one to three demo sentences with places and numbers: nearly all distinct."""
    rng = random.Random(seed)
    sentences = demo_names.SUGGESTIONS_GOOD + demo_names.SUGGESTIONS_MEH + demo_names.SUGGESTIONS_BAD
    out = []
    for _ in range(n):
        parts = [rng.choice(EXTRA) + f"第{rng.randint(1, 999)}次"]
        for _ in range(rng.randint(1, 3)):
            parts.append(rng.choice(sentences).format(topic=rng.choice(demo_names.TOPICS),
                                                      freq=rng.choice(demo_names.FREQUENCIES)))
        out.append("".join(parts))
    return out


def suggestion_db(path: Path, texts: list[str]) -> str:
    """A migrated database with the reference data, 60 branches and one rating per text."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_reference(session)
    with session_scope(engine) as session:
        counties = session.exec(select(County.id).order_by(County.code)).all()
        branches = [Branch(name=f"测试团支部{i}", county_id=counties[i * 7 % len(counties)]) for i in range(60)]
        session.add_all(branches)
        session.flush()
        start = datetime(YEAR, 4, 1, tzinfo=UTC)
        rows = [{"branch_id": branches[i % 60].id, "score": 1 + i % 5, "suggestion": text, "activity_name": "",
                 "submission_id": f"bench-{i}", "client_hash": "", "created_at": start + timedelta(minutes=i * 3)}
                for i, text in enumerate(texts)]
        for i in range(0, len(rows), 20_000):
            session.connection().execute(insert(Rating), rows[i:i + 20_000])
        rebuild_rating_stats(session)
    engine.dispose()
    return url


def bare_lcut(texts: list[str]) -> float:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for text in texts:
        tokenizer.lcut(text)
    return time.perf_counter() - start


def ours(url: str) -> tuple[float, int]:
    from models.themes.analyser import Analyser
    from models.themes.store import analyse_pending

    engine = make_engine(url)
    start = time.perf_counter()
    with Session(engine) as session:
        done = analyse_pending(session, analyser=Analyser()).analysed
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, done


async def refreshes(url: str, rounds: int, per_round: int) -> tuple[list[float], list[float]]:
    """Seconds from ``reload`` to the shown result: the overview's and the themes view's, alternately."""
    from bench.bench_dashboard import timed_reload
    from models.themes.query import ThemeScope
    from tests.tui.helpers import wait_loaded
    from tui.app import make_app
    from tui.screens.overview import OverviewScreen
    from tui.screens.themes import ThemesScreen

    app = make_app(url, refresh_seconds=3600)
    times: dict[str, list[float]] = {"overview": [], "themes": []}
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, OverviewScreen, timeout=60)
        for _ in range(rounds):
            for kind in ("overview", "themes"):
                if kind == "themes":
                    app.push_screen(ThemesScreen(ThemeScope()))
                    await wait_loaded(pilot, ThemesScreen, timeout=60)
                screen = app.screen
                for _ in range(per_round):
                    times[kind].append(await timed_reload(pilot, screen))
                if kind == "themes":
                    app.pop_screen()
    return times["overview"], times["themes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--ratings", type=int, default=1_000_000, help="ratings of the demo database")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each measurement")
    parser.add_argument("--refreshes", type=int, default=10, help="refreshes of each screen per round")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    from models.demo import DemoParams, build_demo
    from models.themes.store import analyse_pending

    texts = corpus(args.suggestions, args.seed)
    chars = sum(map(len, texts))
    with tempfile.TemporaryDirectory(prefix="zhudian-bench-themes-") as tmp:
        template = suggestion_db(Path(tmp) / "template.db", texts)
        bare, analysed = [], []
        for i in range(args.rounds):  # interleaved: a noisy moment of the shared machine hits both alike
            bare.append(bare_lcut(texts))
            copy = Path(tmp) / f"round{i}.db"
            shutil.copyfile(template.removeprefix("sqlite:///"), copy)
            elapsed, done = ours(f"sqlite:///{copy}")
            assert done == len(texts), f"analysed {done} of {len(texts)}"
            analysed.append(elapsed)

        demo = Path(tmp) / "demo.db"
        engine = make_engine(f"sqlite:///{demo}")
        build_demo(engine, DemoParams(ratings=args.ratings, seed=args.seed, year=YEAR))
        start = time.perf_counter()
        with Session(engine) as session:
            first = analyse_pending(session).analysed
        first_time = time.perf_counter() - start
        engine.dispose()
        overview, themes = asyncio.run(refreshes(f"sqlite:///{demo}", args.rounds, args.refreshes))

    n = len(texts)
    print(f"zhudian bench_themes — SQLite; {n:,} suggestions ({len(set(texts)) / n:.1%} distinct, "
          f"{chars / n:.0f} characters on average), best of {args.rounds} interleaved rounds")
    b, o = min(bare), min(analysed)
    print(f"jieba bare lcut (fresh tokenizer, dictionary load included): {b:6.2f} s  ({chars / b / 1000:.0f}k chars/s)")
    print(f"analyse_pending from scratch (read, segment, match, write):   {o:6.2f} s  = {o / b:.2f}x bare lcut")
    print(f"  target: < 30 s -> {'OK' if o < 30 else 'MISSED'}; <= 2x bare lcut -> {'OK' if o <= 2 * b else 'MISSED'}")
    print(f"demo with {args.ratings:,} ratings: first analysis of its {first:,} suggestions took {first_time:.1f} s "
          "(once; a dashboard refresh analyses at most ~1 s of it at a time)")
    om, tm = statistics.median(overview), statistics.median(themes)
    print(f"overview refresh: median {om * 1000:.1f} ms (best {min(overview) * 1000:.1f}); themes view refresh: "
          f"median {tm * 1000:.1f} ms (best {min(themes) * 1000:.1f}); {len(themes)} refreshes each")
    print(f"  themes / overview: {tm / om:.2f} (target <= 1.5 -> {'OK' if tm / om <= 1.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
