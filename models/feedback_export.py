"""Members' ratings as rows for exports: filters by place, department and time, streamed in batches.

The file formats (CSV, XLSX, JSON lines) are written in ``tui/exports``; the rows and the per-city
summary come from here so the dashboard's export key and the command produce the same data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, case, func, select
from sqlmodel import Session

from models.clock import LOCAL_TZ, local
from models.reference import find_city, find_county, find_department
from models.tables import Activity, Assignment, Branch, City, County, Photo, Rating

BATCH = 20_000


@dataclass(frozen=True)
class FeedbackFilter:
    """Which ratings: any combination of city, county, department (its paired cities) and period."""

    city_id: int | None = None
    county_id: int | None = None
    department_id: int | None = None
    start: datetime | None = None  # aware UTC, inclusive
    end: datetime | None = None  # aware UTC, exclusive


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)


def make_filter(session: Session, *, city: str | None = None, county: str | None = None,
                department: str | None = None, month: str | None = None, date_from: date | None = None,
                date_to: date | None = None) -> FeedbackFilter:
    """Names and local dates → a filter. Raises ``UnknownName`` (with close matches) or ``ValueError``."""
    city_row = find_city(session, city) if city else None
    county_row = find_county(session, county, city_row) if county else None
    dept_row = find_department(session, department) if department else None
    start = _local_midnight(date_from) if date_from else None
    end = _local_midnight(date_to + timedelta(days=1)) if date_to else None
    if month:
        try:
            year, mon = (int(p) for p in month.split("-"))
            first = date(year, mon, 1)
        except ValueError:
            raise ValueError(f"月份格式应为 YYYY-MM：{month}") from None
        following = date(year + (mon == 12), mon % 12 + 1, 1)
        start = max(filter(None, [start, _local_midnight(first)]))
        end = min(filter(None, [end, _local_midnight(following)]))
    return FeedbackFilter(city_row.id if city_row else None, county_row.id if county_row else None,
                          dept_row.id if dept_row else None, start, end)


def _where(query: Select, flt: FeedbackFilter) -> Select:
    if flt.city_id is not None:
        query = query.where(County.city_id == flt.city_id)
    if flt.county_id is not None:
        query = query.where(Branch.county_id == flt.county_id)
    if flt.department_id is not None:
        paired = select(Assignment.city_id).where(Assignment.department_id == flt.department_id)
        query = query.where(County.city_id.in_(paired))
    if flt.start is not None:
        query = query.where(Rating.created_at >= flt.start)
    if flt.end is not None:
        query = query.where(Rating.created_at < flt.end)
    return query


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    city: str
    county: str
    branch: str
    activity: str
    score: int
    suggestion: str
    photo_id: int | None
    created_at: datetime  # local (China) time

    HEADERS = ("编号", "地市", "县（市、区）", "团支部", "活动", "评分", "意见建议", "照片", "提交时间")


def feedback_rows(session: Session, flt: FeedbackFilter) -> Iterator[FeedbackRow]:
    """Every matching rating, oldest first, fetched in batches (memory stays flat)."""
    query = _where(
        select(Rating.id, City.name, County.name, Branch.name,
               func.coalesce(Activity.name, Rating.activity_name), Rating.score, Rating.suggestion,
               Rating.photo_id, Rating.created_at)
        .join(Branch, Branch.id == Rating.branch_id)
        .join(County, County.id == Branch.county_id)
        .join(City, City.id == County.city_id)
        .outerjoin(Activity, Activity.id == Rating.activity_id), flt,
    ).order_by(Rating.id)
    result = session.connection().execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for rid, city, county, branch, activity, score, suggestion, photo_id, created_at in result:
        yield FeedbackRow(rid, city, county, branch, activity or "", score, suggestion or "", photo_id,
                          local(created_at))


@dataclass(frozen=True)
class CitySummary:
    city: str
    count: int
    mean: float | None
    distribution: tuple[int, int, int, int, int]  # ratings of 1..5 stars


def feedback_summary(session: Session, flt: FeedbackFilter) -> list[CitySummary]:
    """Per city (in code order): how many ratings, their mean and their 1..5 distribution."""
    counts = [func.sum(case((Rating.score == i, 1), else_=0)) for i in range(1, 6)]
    query = _where(
        select(City.code, City.name, func.count(Rating.id), func.avg(Rating.score), *counts)
        .join(Branch, Branch.id == Rating.branch_id)
        .join(County, County.id == Branch.county_id)
        .join(City, City.id == County.city_id), flt,
    ).group_by(City.code, City.name).order_by(City.code)
    return [CitySummary(name, count, round(float(mean), 2) if mean is not None else None,
                        tuple(int(n or 0) for n in dist))  # type: ignore[arg-type]
            for _code, name, count, mean, *dist in session.connection().execute(query)]


def photo(session: Session, photo_id: int) -> Photo | None:
    return session.get(Photo, photo_id)


MIME_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


def photo_filename(rating_id: int, mime: str) -> str:
    return f"{rating_id}{MIME_EXT.get(mime, '.bin')}"
