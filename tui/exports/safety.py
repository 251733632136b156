"""Formula safety: text a member typed must never run as a formula in Excel or WPS.

One helper for every file we write (CSV, XLSX): text that starts with a character a spreadsheet
reads as the start of a formula (= + - @, tab, carriage return, or their full-width forms, which
WPS also accepts) gets a leading apostrophe, so it is shown literally.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell; non-text values pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
