"""Alerts as rows (the 预警 screen and a city's 预警 tab) and what Enter on one opens.

The 记录 column counts the records the alert rests on (visits, spot checks, monthly forms, lectures…)
and Enter opens exactly those; an alert with none (a form never handed in, a department with no visit
this month) opens its subject instead — the county's branches and forms, the department's or the
cadre's visits — so Enter always leads somewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from tui.components import fmt
from tui.components.records_table import RECORD_KINDS
from tui.components.safe import literal

ALERT_COLUMNS = [("severity", "程度"), ("subject", "对象"), ("message", "说明"), ("rule", "规则"),
                 ("records", "记录"), ("city", "地市")]


def record_ids(alert: Any) -> dict[str, list[int]]:
    """The alert's records that have a table of their own (its subject's ids are not records)."""
    return {table: list(ids) for table, ids in (alert.records or {}).items() if ids and table.lower() in RECORD_KINDS}


def record_count(alert: Any) -> int:
    return sum(len(ids) for ids in record_ids(alert).values())


def city_names(alert: Any, names: dict[int, str]) -> str:
    return "、".join(names.get(c, "") for c in getattr(alert, "city_ids", []) or [])


def alert_key(alert: Any, seen: dict[str, int]) -> str:
    base = f"alert:{alert.rule}:{alert.level}:{alert.subject_id}:{alert.month}"
    n = seen[base] = seen.get(base, 0) + 1
    return f"{base}:{n}"


def alert_cells(alert: Any, names: dict[int, str], message_width: int = 60) -> list[Text]:
    count = record_count(alert)
    cities = getattr(alert, "city_ids", []) or []
    return [fmt.marked(alert.mark, alert.word, "left"), literal(alert.subject_name, 20),
            literal(alert.message, message_width), fmt.cell(alert.rule_label, "", "left"),
            fmt.cell(str(count) if count else "—"),
            literal(city_names(alert, names) if len(cities) <= 2 else f"{len(cities)} 个地市", 10)]


def matches(alert: Any, text: str, names: dict[int, str]) -> bool:
    """The filter of the 预警 screen: rule, subject, explanation, and the cities it concerns (a county's
    alert is found by its city's name: “湛江” finds 赤坎区's forms)."""
    if not text:
        return True
    hay = f"{alert.rule_label} {alert.word} {alert.subject_name} {alert.message} {city_names(alert, names)}"
    return text.lower() in hay.lower()


def open_alert(app: Any, alert: Any) -> None:
    """Enter on an alert: its records, or its subject when it rests on none."""
    wanted = record_ids(alert)
    if wanted:
        app.open("records", title=f"{alert.subject_name}：{alert.message}", wanted=wanted)
        return
    subject = {"county": "county", "department": "department", "cadre": "cadre", "city": "city",
               "visit": "visit"}.get(alert.level)
    if subject is not None and alert.subject_id is not None:
        app.open(subject, alert.subject_id)
    else:
        app.notify("这条预警说的是全省的情况，没有单独的记录。", title="无记录")


def sync_alerts(table: Any, alerts: Sequence[Any], names: dict[int, str], message_width: int = 60) -> dict[str, Any]:
    """Fill ``table`` (a KeyedTable with ALERT_COLUMNS) with ``alerts``; returns row key → alert."""
    seen: dict[str, int] = {}
    keyed = {alert_key(a, seen): a for a in alerts}
    table.sync([(key, alert_cells(a, names, message_width)) for key, a in keyed.items()])
    return keyed
