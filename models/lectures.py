"""The lecture materials summary for 宣传部 (due at year end): every 党团课 with cadre, title, time,
place and audience, and the active cadres who have not given one yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models.sources import sources
from models.tables import Cadre, City, County, Department, Lecture
from models.targets import targets_for


@dataclass(frozen=True)
class LectureRow:
    department: str
    cadre: str
    title: str
    held_on: date
    place: str
    audience: int
    county: str  # 地市 + 县（市、区）, or "" when not recorded
    materials: str
    source: str = ""  # where it was recorded (models.sources)


@dataclass(frozen=True)
class LectureSummary:
    year: int
    rows: list[LectureRow]
    missing: list[tuple[str, str]]  # (department, cadre) below the target
    target: float


def lecture_summary(session: Session, year: int) -> LectureSummary:
    query = (select(Lecture, Cadre.name, Department.name, Department.seq, County.name, City.name)
             .join(Cadre, Cadre.id == Lecture.cadre_id)
             .join(Department, Department.id == Cadre.department_id)
             .outerjoin(County, County.id == Lecture.county_id)
             .outerjoin(City, City.id == County.city_id)
             .where(Lecture.held_on >= date(year, 1, 1), Lecture.held_on <= date(year, 12, 31))
             .order_by(Department.seq, Cadre.name, Lecture.held_on))
    rows = []
    given: dict[int, int] = {}
    found = list(session.exec(query))
    where = sources(session, "lecture", [lec.id for lec, *_ in found])
    for lec, cadre, dept, _seq, county, city in found:
        rows.append(LectureRow(dept, cadre, lec.title, lec.held_on, lec.place, lec.audience,
                               f"{city}市{county}" if county else "", lec.materials, where[lec.id]))
        given[lec.cadre_id] = given.get(lec.cadre_id, 0) + 1
    target = targets_for(session, year).lectures_per_cadre
    missing = [(dept, name) for cid, name, dept in session.exec(
        select(Cadre.id, Cadre.name, Department.name).join(Department, Department.id == Cadre.department_id)
        .where(Cadre.active == True).order_by(Department.seq, Cadre.name))  # noqa: E712
        if given.get(cid, 0) < target]
    return LectureSummary(year, rows, missing, target)
