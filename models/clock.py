"""Time as coordinators count it: months and days in China Standard Time, stored as aware UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


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
