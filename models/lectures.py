"""The lecture materials summary for 宣传部 (due at year end): every 党团课 with cadre, title, time,
place and audience, and the cadres who have not given one yet (the same count as the dashboard's and
the rules': :func:`models.progress.progress` at cadre level; exempt cadres and those gone before the
campaign are not asked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from models.figures import visits as days_of
from models.figures.period import Period
from models.progress import progress
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
    found = list(session.exec(query))
    where = sources(session, "lecture", [lec.id for lec, *_ in found])
    for lec, cadre, dept, _seq, county, city in found:
        rows.append(LectureRow(dept, cadre, lec.title, lec.held_on, lec.place, lec.audience,
                               f"{city}市{county}" if county else "", lec.materials, where[lec.id]))
    targets = targets_for(session, year)
    cadres = {c.id: c for c in session.exec(select(Cadre))}
    given = {f.id: f for f in progress(session, "cadre", Period(year))}
    seq = dict(session.exec(select(Department.name, Department.seq)).all())
    missing = sorted(((f.parent_name, f.name) for cid, f in given.items()
                      if days_of.cadre_target(cadres[cid], targets) is not None
                      and f.lectures < targets.lectures_per_cadre), key=lambda dn: (seq.get(dn[0], 99), dn[1]))
    return LectureSummary(year, rows, missing, targets.lectures_per_cadre)
