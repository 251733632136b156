"""Where alerts happen and what they make of a subject: the overview's alert column and the marks.

Every alert names the cities it concerns (:attr:`models.rules.Alert.city_ids`): a county's alert its
city, a department's or cadre's alert every city the department is paired with (附件1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from models.rules import MARK_ORDER, Alert, worst_mark


def alerts_by_city(alerts: Iterable[Alert]) -> dict[int, int]:
    counts: Counter[int] = Counter()
    for a in alerts:
        for city in set(a.city_ids):
            counts[city] += 1
    return dict(counts)


@dataclass
class Verdict:
    """The rules' verdict on one subject for one rule: its worst mark and that mark's months."""

    severity: str  # the mark: "violation" (违规), "breach" (未达标/未报) or "at_risk" (有风险/迟报)
    months: list[int]
    alerts: list[Alert]


def verdict_of(found: list[Alert]) -> Verdict | None:
    mark = worst_mark(found)
    if mark is None:
        return None
    months = sorted({a.month for a in found if a.mark == mark and a.month is not None})
    return Verdict(mark, months, found)


def verdicts(alerts: Iterable[Alert]) -> dict[tuple[str, str, int], Verdict]:
    """(rule, level, subject id) → verdict. A subject with no alert for a rule met it: the marks on
    screen are these verdicts, so a mark and the alert list can never disagree."""
    grouped: dict[tuple[str, str, int], list[Alert]] = {}
    for a in alerts:
        if a.subject_id is not None:
            grouped.setdefault((a.rule, a.level, a.subject_id), []).append(a)
    return {key: v for key, found in grouped.items() if (v := verdict_of(found)) is not None}


def marks_by_city(alerts: Iterable[Alert]) -> dict[int, tuple[int, int, int]]:
    """City → (违规, 未达标/未报, 有风险/迟报) among the period's alerts (the overview's 预警 column)."""
    alerts = list(alerts)
    per_mark = {m: alerts_by_city(a for a in alerts if a.mark == m) for m in MARK_ORDER}
    cities = set().union(*per_mark.values())
    return {city: tuple(per_mark[m].get(city, 0) for m in MARK_ORDER) for city in cities}  # type: ignore[misc]


def by_department(alerts: Iterable[Alert]) -> dict[int, list[Alert]]:
    """Department → every alert on its own work: its days, its visits, its forms, its cadres, its reports
    (a department's ✓ means none of these)."""
    out: dict[int, list[Alert]] = {}
    for a in alerts:
        for dept in a.records.get("department", []):
            out.setdefault(dept, []).append(a)
    return out
