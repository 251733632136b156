"""Reference data of the seed, shipped as CSV files in ``models/data`` and loaded idempotently.

- ``cities.csv``: Guangdong's 21 prefecture-level cities with their division codes.
- ``counties.csv``: the county-level divisions; for 东莞 and 中山 (no counties) their towns and streets.
- ``departments.csv``: the 15 departments of 附件1 in its order, with their paired cities.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from sqlmodel import Session, select

from models.tables import Assignment, City, County, Department
from models.targets import DEFAULT_YEAR, ensure_campaign

CITY_SEPARATOR = "、"


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("models").joinpath("data", name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def city_rows() -> list[dict[str, str]]:
    return _rows("cities.csv")


def county_rows() -> list[dict[str, str]]:
    return _rows("counties.csv")


def department_rows() -> list[dict[str, str]]:
    return _rows("departments.csv")


def assignment_pairs() -> list[tuple[str, str]]:
    """附件1 as (department, city) pairs in the seed's order."""
    return [
        (row["name"], city)
        for row in department_rows()
        for city in row["cities"].split(CITY_SEPARATOR)
    ]


@dataclass
class LoadResult:
    added: int = 0

    @property
    def changed(self) -> bool:
        return self.added > 0


def load_reference(session: Session, year: int = DEFAULT_YEAR) -> LoadResult:
    """Insert whatever reference rows are missing; running it twice changes nothing."""
    result = LoadResult()
    cities = {c.code: c for c in session.exec(select(City))}
    for row in city_rows():
        if row["code"] not in cities:
            city = City(code=row["code"], name=row["name"], full_name=row["full_name"])
            session.add(city)
            cities[row["code"]] = city
            result.added += 1
    session.flush()

    have_counties = set(session.exec(select(County.code)).all())
    for row in county_rows():
        if row["code"] not in have_counties:
            session.add(
                County(code=row["code"], name=row["name"], kind=row["kind"], city_id=cities[row["city_code"]].id)
            )
            result.added += 1

    departments = {d.name: d for d in session.exec(select(Department))}
    for row in department_rows():
        if row["name"] not in departments:
            dept = Department(seq=int(row["seq"]), name=row["name"], short_name=row["short_name"])
            session.add(dept)
            departments[row["name"]] = dept
            result.added += 1
    session.flush()

    by_name = {c.name: c for c in cities.values()}
    have_pairs = set(session.exec(select(Assignment.department_id, Assignment.city_id)).all())
    for dept_name, city_name in assignment_pairs():
        pair = (departments[dept_name].id, by_name[city_name].id)
        if pair not in have_pairs:
            session.add(Assignment(department_id=pair[0], city_id=pair[1]))
            result.added += 1
    result.added += ensure_campaign(session, year)
    return result


# --- names → rows, with close matches for typos ---------------------------------------------------


class UnknownName(LookupError):
    """A name that matches nothing; ``suggestions`` holds the close matches."""

    def __init__(self, what: str, name: str, suggestions: Iterable[str]):
        self.what = what
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"，您是不是要找：{'、'.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"未找到{what}“{name}”{hint}")


def close_matches(name: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    candidates = list(dict.fromkeys(candidates))
    found = difflib.get_close_matches(name, candidates, n=n, cutoff=0.4)
    # Chinese names are short: also offer names containing what was typed, or contained in it.
    for cand in candidates:
        if len(found) >= n:
            break
        if cand not in found and name and (name in cand or cand in name):
            found.append(cand)
    return found


def _strip_suffix(name: str) -> str:
    return name[:-1] if len(name) > 2 and name.endswith("市") else name


def find_city(session: Session, name: str) -> City:
    """A city by its short or full name (广州 / 广州市) or code."""
    name = name.strip()
    cities = list(session.exec(select(City).order_by(City.code)))
    for city in cities:
        if name in (city.name, city.full_name, city.code) or _strip_suffix(name) == city.name:
            return city
    raise UnknownName("地市", name, close_matches(name, [c.full_name for c in cities]))


def find_county(session: Session, name: str, city: City | None = None) -> County:
    """A county-level unit by name or code, optionally within one city."""
    name = name.strip()
    query = select(County).order_by(County.code)
    if city is not None:
        query = query.where(County.city_id == city.id)
    counties = list(session.exec(query))
    matches = [c for c in counties if name in (c.name, c.code)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = {c.id: session.get(City, c.city_id).full_name + c.name for c in matches}
        raise UnknownName("唯一的县（市、区）", name, names.values())
    raise UnknownName("县（市、区）/镇街", name, close_matches(name, [c.name for c in counties]))


def find_department(session: Session, name: str) -> Department:
    name = name.strip()
    depts = list(session.exec(select(Department).order_by(Department.seq)))
    for dept in depts:
        if name in (dept.name, dept.short_name):
            return dept
    raise UnknownName("部门", name, close_matches(name, [d.name for d in depts]))
