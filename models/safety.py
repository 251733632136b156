"""Formula safety: text a member typed must never run as a formula in Excel or WPS.

The one rule for every file we write (CSV, XLSX, the monthly form): text that starts with a character
a spreadsheet reads as the start of a formula (= + - @, tab, carriage return, or their full-width
forms, which WPS also accepts) gets a leading apostrophe, so it is shown literally.
:func:`neutralise` applies it in Python; :func:`neutralise_sql` applies the same rule inside a query,
for exports of a million rows where a Python call per cell would dominate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, case, func, literal
from sqlalchemy.sql.elements import ColumnElement

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_STARTS = frozenset(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell; non-text values pass through unchanged."""
    if isinstance(value, str) and value[:1] in _STARTS:
        return "'" + value
    return value


def neutralise_sql(expr: ColumnElement) -> ColumnElement:
    """The same rule as :func:`neutralise`, as an SQL expression (SQLite and PostgreSQL)."""
    return case((func.substr(expr, 1, 1).in_(FORMULA_STARTS), literal("'", String) + expr), else_=expr)
