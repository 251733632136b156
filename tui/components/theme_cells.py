"""How a theme's figures read, the same on the dashboard, in ``zhudian feedback themes`` and in the brief."""

from __future__ import annotations

from typing import Any

from tui.components.fmt import SPARK

ANALYSE_SECONDS = 1.0  # analysis one refresh may do before it shows what is there (a first run goes on next time)


def share(row: Any) -> str:
    return "—" if row.share is None else f"{row.share * 100:.1f}%"


def mean(row: Any) -> str:
    return "—" if row.mean is None else f"{row.mean:.2f}"


def change(row: Any) -> str:
    """Against the month before: ``↑4``, ``↓1``, ``持平``; ``—`` for a whole year. (Arrows, not ``+``/``-``:
    a cell starting with those would be read as a formula and get the safety apostrophe.)"""
    if row.change is None:
        return "—"
    if not row.change:
        return "持平"
    return f"{'↑' if row.change > 0 else '↓'}{abs(row.change):,}"


def trend(row: Any) -> str:
    """The counts of the campaign's months as a sparkline (the tallest month is the full block)."""
    counts = [n for _, n in row.trend]
    top = max(counts, default=0)
    if not top:
        return ""
    return "".join(SPARK[round(n / top * (len(SPARK) - 1))] if n else " " for n in counts)


def keywords(row: Any, limit: int = 5) -> str:
    return "、".join(row.keywords[:limit])


def progress_note(summary: Any) -> str:
    """``已分析 X / Y 条，其余分析中`` while a large database is first analysed, else ``""``."""
    if not summary.pending:
        return ""
    return f"已分析 {summary.analysed:,} / {summary.suggestions:,} 条，其余正在分析"


def top_line(rows: list[Any]) -> str:
    """The city and branch screens' line: ``意见主题：志愿服务 6 · 活动组织 4 · 就业创业 2（m 查看）``."""
    if not rows:
        return "意见主题：本期暂无意见建议"
    return "意见主题：" + " · ".join(f"{r.name} {r.count:,}" for r in rows) + "（m 查看全部主题）"
