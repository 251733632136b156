"""Members' ratings as rows for exports: filters by place, department and time, streamed in batches.

The file formats (CSV, XLSX, JSON lines) are written in ``tui/exports``; the rows and the per-city
summary come from here so the dashboard's export key and the command produce the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import Select, String, case, func, literal, select
from sqlmodel import Session

from models.clock import LOCAL_TZ
from models.reference import find_city, find_county, find_department
from models.safety import neutralise_sql
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
    """Filters for a query that joins Rating → Branch → County."""
    if flt.city_id is not None:
        query = query.where(County.city_id == flt.city_id)
    if flt.county_id is not None:
        query = query.where(Branch.county_id == flt.county_id)
    if flt.department_id is not None:
        paired = select(Assignment.city_id).where(Assignment.department_id == flt.department_id)
        query = query.where(County.city_id.in_(paired))
    return _where_time(query, flt)


def _where_time(query: Select, flt: FeedbackFilter) -> Select:
    if flt.start is not None:
        query = query.where(Rating.created_at >= flt.start)
    if flt.end is not None:
        query = query.where(Rating.created_at < flt.end)
    return query


HEADERS = ("编号", "地市", "县（市、区）", "团支部", "活动", "评分", "意见建议", "照片", "提交时间")


class FeedbackRow(NamedTuple):
    id: int
    city: str
    county: str
    branch: str
    activity: str
    score: int
    suggestion: str
    photo_id: int | None
    created_at: str  # local (China) time, "YYYY-MM-DD HH:MM:SS"


def _local_text(session: Session):
    """The rating's time in China Standard Time as text, computed by the database (fast for big exports).

    China has kept UTC+8 without daylight saving since 1991, so SQLite's fixed offset is exact.
    """
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(LOCAL_TZ.key, Rating.created_at), "YYYY-MM-DD HH24:MI:SS",
                            type_=String)
    return func.strftime("%Y-%m-%d %H:%M:%S", Rating.created_at, "+8 hours", type_=String)


def feedback_batches(session: Session, flt: FeedbackFilter,
                     text: Callable[[str], str] = lambda value: value) -> Iterator[list[tuple]]:
    """Every matching rating, oldest first, in lists of up to ``BATCH`` plain tuples (the fields of
    :class:`FeedbackRow`); memory stays flat however many ratings there are.

    Names of places, branches and activities are read once into small maps instead of being joined
    on every row; ``text`` is applied once to every typed text (the formula-safety helper for
    spreadsheets).
    """
    scoped = flt.city_id is not None or flt.county_id is not None or flt.department_id is not None
    branch_query = _where(select(Branch.id, City.name, County.name, Branch.name)
                          .join(County, County.id == Branch.county_id)
                          .join(City, City.id == County.city_id), FeedbackFilter(
                              flt.city_id, flt.county_id, flt.department_id))
    places = {bid: (text(city), text(county), text(branch)) for bid, city, county, branch
              in session.connection().execute(branch_query)}
    activity_query = select(Activity.id, Activity.name)
    if scoped:
        activity_query = activity_query.where(Activity.branch_id.in_(list(places) or [0]))
    activities = {aid: text(name) for aid, name in session.connection().execute(activity_query)}
    query = _where_time(
        select(Rating.id, Rating.branch_id, Rating.activity_id, Rating.activity_name, Rating.score,
               Rating.suggestion, Rating.photo_id, _local_text(session)), flt)
    if scoped:
        query = query.where(Rating.branch_id.in_(list(places) or [0]))
    result = session.connection().execution_options(stream_results=True, yield_per=BATCH).execute(
        query.order_by(Rating.id))
    for chunk in result.partitions():
        batch = []
        for rid, branch_id, activity_id, typed, score, suggestion, photo_id, created in chunk:
            city, county, branch = places[branch_id]
            if activity_id is not None:
                name = activities.get(activity_id, "")
            else:
                name = text(typed) if typed else ""
            batch.append((rid, city, county, branch, name, score, text(suggestion) if suggestion else "",
                          photo_id, created))
        yield batch


def feedback_csv_batches(session: Session, flt: FeedbackFilter) -> Iterator[Sequence]:
    """Rows ready for a CSV file, in batches, with every text cell formula-safe and the photo column
    as “照片#id”: the database does the joins and the formatting, so a million ratings stream
    through Python without a function call per cell."""
    # Names are made safe once per branch and activity (materialised), typed text once per rating.
    places = (select(Branch.id.label("branch_id"), County.city_id.label("city_id"),
                     Branch.county_id.label("county_id"), neutralise_sql(City.name).label("city"),
                     neutralise_sql(County.name).label("county"), neutralise_sql(Branch.name).label("branch"))
              .join(County, County.id == Branch.county_id).join(City, City.id == County.city_id)
              .cte("places").prefix_with("MATERIALIZED"))
    acts = (select(Activity.id.label("activity_id"), neutralise_sql(Activity.name).label("name"))
            .cte("acts").prefix_with("MATERIALIZED"))
    query = (
        select(Rating.id, places.c.city, places.c.county, places.c.branch,
               func.coalesce(acts.c.name, neutralise_sql(Rating.activity_name)), Rating.score,
               neutralise_sql(Rating.suggestion),
               case((Rating.photo_id.is_(None), ""),
                    else_=literal("照片#", String) + func.cast(Rating.photo_id, String)),
               _local_text(session))
        .join(places, places.c.branch_id == Rating.branch_id)
        .outerjoin(acts, acts.c.activity_id == Rating.activity_id)
    )
    if flt.city_id is not None:
        query = query.where(places.c.city_id == flt.city_id)
    if flt.county_id is not None:
        query = query.where(places.c.county_id == flt.county_id)
    if flt.department_id is not None:
        paired = select(Assignment.city_id).where(Assignment.department_id == flt.department_id)
        query = query.where(places.c.city_id.in_(paired))
    query = _where_time(query, flt).order_by(Rating.id)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
        yield from result.partitions()
        return
    # SQLite's cursor is lazy and every column is already plain text or an integer, so rows are read
    # straight from the driver: no result-row objects, no type processing (this keeps a million-row
    # export near the speed of the sqlite3 shell).
    result = connection.execute(query)
    cursor = result.cursor
    try:
        while rows := cursor.fetchmany(BATCH):
            yield rows
    finally:
        result.close()


def feedback_rows(session: Session, flt: FeedbackFilter,
                  text: Callable[[str], str] = lambda value: value) -> Iterator[FeedbackRow]:
    """Like :func:`feedback_batches`, one :class:`FeedbackRow` at a time."""
    for batch in feedback_batches(session, flt, text):
        for row in batch:
            yield FeedbackRow(*row)


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


def summary_total(cities: list[CitySummary], label: str = "全省合计") -> CitySummary:
    """The total row under :func:`feedback_summary`: all ratings, their mean and distribution."""
    distribution = tuple(sum(c.distribution[i] for c in cities) for i in range(5))
    count = sum(c.count for c in cities)
    mean = round(sum(stars * n for stars, n in enumerate(distribution, 1)) / count, 2) if count else None
    return CitySummary(label, count, mean, distribution)  # type: ignore[arg-type]
