"""Analysing each suggestion once and keeping the result: :func:`analyse_pending`.

The survey's write path is left alone: whoever reads themes (the dashboard's refresh worker, the
report, ``zhudian feedback themes``) first calls :func:`analyse_pending`, which analyses the ratings
with a suggestion that have no analysis yet — a new rating costs its own analysis only — and keeps
the county-and-month roll-up (:class:`~models.tables.ThemeStat`) in step, so reading themes never
rescans suggestions.

Pending ratings are found from the highest analysed rating id, looking back ``LOOKBACK`` ids: on
PostgreSQL a rating can commit after one with a higher id (a slower transaction), and the look-back
catches it. Two analysers at once (two dashboards, a dashboard and a report) are harmless: an
analysis row is inserted only once (``ON CONFLICT DO NOTHING``) and only the inserting one counts it.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session

from models.clock import month_key
from models.feedback import upsert
from models.tables import Branch, Rating, SuggestionAnalysis, SuggestionTheme, ThemeStat, ThemeState
from models.themes.analyser import Analyser, shared_analyser
from models.themes.lexicon import TOTAL, URGENT

BATCH = 2000  # ratings read and written per transaction
LOOKBACK = 2000  # ids below the highest analysed one that are checked again
VERSION_KEY = "lexicon"

@functools.cache
def _statements(dialect: str) -> tuple[Any, Any, Any]:
    """The three statements a batch runs, built once per dialect (values go as parameters)."""
    analyses = upsert(dialect, SuggestionAnalysis).on_conflict_do_nothing(index_elements=["rating_id"]).returning(
        SuggestionAnalysis.__table__.c.rating_id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    themes = upsert(dialect, SuggestionTheme).on_conflict_do_nothing(index_elements=["rating_id", "theme"])
    stats = upsert(dialect, ThemeStat)
    table = ThemeStat.__table__  # type: ignore[attr-defined]
    stats = stats.on_conflict_do_update(index_elements=["county_id", "month", "theme"],
                                        set_={c: table.c[c] + stats.excluded[c] for c in ("count", "score_sum")})
    return analyses, themes, stats


@dataclass(frozen=True)
class Progress:
    analysed: int  # suggestions analysed by this call
    caught_up: bool  # False: the time budget ran out with ratings still pending


def analyse_pending(session: Session, *, budget_seconds: float | None = None,
                    analyser: Analyser | None = None) -> Progress:
    """Analyse every rating whose suggestion has no analysis yet; commits after each batch.

    With ``budget_seconds`` it stops after the batch that passes the budget (the dashboard's refresh
    stays short while a large database is first analysed; the next refresh goes on from there).
    """
    analyser = analyser or shared_analyser()
    check_version(session, analyser.lexicon.version)
    start = time.monotonic()
    highest = session.execute(select(func.max(SuggestionAnalysis.rating_id))).scalar() or 0
    low, done = highest - LOOKBACK, 0
    while True:
        rows = session.execute(_pending(low)).all()
        if rows:
            done += _store(session, rows, analyser)
            session.commit()
            low = rows[-1][0]
        if len(rows) < BATCH:
            return Progress(done, True)
        if budget_seconds is not None and time.monotonic() - start > budget_seconds:
            return Progress(done, False)


def _pending(low: int) -> Any:
    analysed = select(SuggestionAnalysis.rating_id).where(SuggestionAnalysis.rating_id == Rating.id)
    return (select(Rating.id, Rating.branch_id, Branch.county_id, Rating.score, Rating.created_at, Rating.suggestion)
            .join(Branch, Branch.id == Rating.branch_id)
            .where(Rating.id > low, Rating.suggestion != "", ~analysed.exists())
            .order_by(Rating.id).limit(BATCH))


def _store(session: Session, rows: list[Any], analyser: Analyser) -> int:
    """Write the analyses of ``rows`` not stored meanwhile by another analyser; returns how many."""
    results = {row[0]: analyser.analyse(row[5]) for row in rows}
    connection = session.connection()
    insert_analyses, insert_themes, upsert_stats = _statements(connection.dialect.name)
    values = [{"rating_id": rid, "keywords": " ".join(a.keywords), "urgent_words": " ".join(a.urgent)}
              for rid, a in results.items()]
    # Only the rows this call inserted come back: another analyser's are not counted twice.
    mine = set(connection.execute(insert_analyses, values).scalars()) if values else set()
    themes: list[dict[str, Any]] = []
    stats: dict[tuple[int, int, str], list[int]] = {}
    for rid, branch_id, county_id, score, created_at, _text in rows:
        if rid not in mine:
            continue
        analysis = results[rid]
        month = month_key(created_at)
        for theme in (*analysis.themes, *((URGENT,) if analysis.urgent else ()), TOTAL):
            if theme != TOTAL:
                themes.append({"rating_id": rid, "theme": theme, "branch_id": branch_id, "month": month,
                               "score": score})
            acc = stats.setdefault((county_id, month, theme), [0, 0])
            acc[0] += 1
            acc[1] += score
    if themes:
        connection.execute(insert_themes, themes)
    # Key order: two analysers on PostgreSQL take the roll-up's row locks in one order.
    upserts = [{"county_id": key[0], "month": key[1], "theme": key[2], "count": stats[key][0],
                "score_sum": stats[key][1]} for key in sorted(stats)]
    if upserts:
        connection.execute(upsert_stats, upserts)
    return len(mine)


def check_version(session: Session, version: str) -> None:
    """Drop analyses made with other word lists (they are redone); remember this version."""
    state = session.get(ThemeState, VERSION_KEY)
    if state is not None and state.value == version:
        return
    if state is None and session.execute(select(SuggestionAnalysis.rating_id).limit(1)).first() is None:
        session.add(ThemeState(key=VERSION_KEY, value=version))
        session.commit()
        return
    reset_themes(session)
    session.merge(ThemeState(key=VERSION_KEY, value=version))
    session.commit()


def reset_themes(session: Session) -> None:
    """Forget every stored analysis (the next :func:`analyse_pending` redoes them). The caller commits."""
    for table in (ThemeStat, SuggestionTheme, SuggestionAnalysis):
        session.execute(delete(table))
