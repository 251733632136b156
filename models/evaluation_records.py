"""Rows of the records only the evaluation rests on (typical experiences, cities' plans, project
reports), for the drill-down under a figure; the other kinds come from :mod:`models.records`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.provenance import experience_provenance
from models.tables import City, CityPlan, County, Department, Experience, ServiceProject


@dataclass
class ExperienceRow:
    id: int
    department: str
    county: str
    title: str
    provenance: str  # 实地核实 by whom on which visit, and its promotion; or 未核实
    promoted: bool


def experiences(session: Session, ids: list[int]) -> list[ExperienceRow]:
    rows = session.exec(
        select(Experience, Department.name, County.name).join(Department, Department.id == Experience.department_id)
        .join(County, County.id == Experience.county_id).where(col(Experience.id).in_(ids)).order_by(Experience.id)
    ).all()
    found = experience_provenance(session, [e for e, *_ in rows])
    return [ExperienceRow(e.id, dept, county, e.title, found[e.id].text, found[e.id].promoted)
            for e, dept, county in rows]


@dataclass
class PlanRow:
    id: int
    city: str
    title: str
    submitted_on: date | None


def city_plans(session: Session, ids: list[int]) -> list[PlanRow]:
    rows = session.exec(select(CityPlan, City.name).join(City, City.id == CityPlan.city_id)
                        .where(col(CityPlan.id).in_(ids)).order_by(City.code)).all()
    return [PlanRow(p.id, city, p.title, p.submitted_on) for p, city in rows]


@dataclass
class ProjectRow:
    id: int
    department: str
    title: str
    submitted_on: date | None
    reviewed_by: str


def projects(session: Session, ids: list[int]) -> list[ProjectRow]:
    rows = session.exec(select(ServiceProject, Department.name)
                        .join(Department, Department.id == ServiceProject.department_id)
                        .where(col(ServiceProject.id).in_(ids)).order_by(Department.seq)).all()
    return [ProjectRow(p.id, dept, p.title, p.submitted_on, p.reviewed_by) for p, dept in rows]
