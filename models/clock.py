"""Time as coordinators count it: months and days in China Standard Time, stored as aware UTC.

The one clock of the product. ``ZHUDIAN_TODAY=2026-11-20`` (or :func:`set_today`) runs the whole
product as of that day: :func:`now` keeps the time of day and moves the date, so every stamp, every
"today" and every campaign year follow it (a demo or a walkthrough on any date, reproducible).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
TODAY_ENV = "ZHUDIAN_TODAY"
CAMPAIGN_START_MONTH = 4  # the seed's campaign runs April–November; a year's campaign begins in April

_fixed_today: date | None = None


class ClockError(ValueError):
    """A fixed date that cannot be read; the message is Chinese."""


def parse_today(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"日期格式应为 YYYY-MM-DD（如 2026-11-20）：{text}") from None


def set_today(day: date | None) -> None:
    """Run as of ``day`` from now on in this process (``None``: the machine's day, or ``ZHUDIAN_TODAY``)."""
    global _fixed_today
    _fixed_today = day


def fixed_today() -> date | None:
    """The day the product runs as of, when one is fixed (:func:`set_today`, then ``ZHUDIAN_TODAY``)."""
    if _fixed_today is not None:
        return _fixed_today
    text = os.environ.get(TODAY_ENV, "").strip()
    return parse_today(text) if text else None


def now() -> datetime:
    real = datetime.now(UTC)
    fixed = fixed_today()
    if fixed is None:
        return real
    # Same time of day, the fixed date: time still flows (live codes, form ages), the day is fixed.
    return real + timedelta(days=(fixed - real.astimezone(LOCAL_TZ).date()).days)


def local(dt: datetime) -> datetime:
    """``dt`` in China Standard Time (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(LOCAL_TZ)


def month_key(dt: datetime | date) -> int:
    """yyyymm of a moment (in local time) or a date."""
    if isinstance(dt, datetime):
        dt = local(dt)
    return dt.year * 100 + dt.month


def today() -> date:
    return local(now()).date()


def campaign_year(day: date, start_month: int = CAMPAIGN_START_MONTH) -> int:
    """The most recent campaign year as of ``day``: this year's from its first month on, last year's before."""
    return day.year if day.month >= start_month else day.year - 1
