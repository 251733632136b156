"""Short name lists for pickers (selects in the dashboard's forms and filters): (label, id) pairs."""

from __future__ import annotations

from sqlmodel import Session, select

from models.tables import Assignment, Branch, Cadre, City, County, Department


def cities(session: Session) -> list[tuple[str, int]]:
    return [(c.name, c.id) for c in session.exec(select(City).order_by(City.id))]  # type: ignore[misc]


def counties(session: Session, city_id: int) -> list[tuple[str, int]]:
    rows = session.exec(select(County).where(County.city_id == city_id).order_by(County.code))
    return [(c.name, c.id) for c in rows]  # type: ignore[misc]


def departments(session: Session) -> list[tuple[str, int]]:
    return [(d.name, d.id) for d in session.exec(select(Department).order_by(Department.seq))]  # type: ignore[misc]


def assigned_cities(session: Session, department_id: int) -> list[tuple[str, int]]:
    """附件1: the cities a department is paired with (its visits go there)."""
    rows = session.exec(
        select(City).join(Assignment, Assignment.city_id == City.id)
        .where(Assignment.department_id == department_id).order_by(City.id)
    )
    return [(c.name, c.id) for c in rows]  # type: ignore[misc]


def cadres(session: Session, department_id: int) -> list[tuple[str, int]]:
    rows = session.exec(select(Cadre).where(Cadre.department_id == department_id, Cadre.active)
                        .order_by(Cadre.name))
    return [(c.name, c.id) for c in rows]  # type: ignore[misc]


def branches(session: Session, county_id: int) -> list[tuple[str, int]]:
    rows = session.exec(select(Branch).where(Branch.county_id == county_id).order_by(Branch.name))
    return [(b.name, b.id) for b in rows]  # type: ignore[misc]


def find_branches(session: Session, text: str, limit: int = 50) -> list[tuple[str, int]]:
    """Branches whose name contains ``text``, labelled with their city and county."""
    stmt = (select(Branch.name, Branch.id, County.name, City.name)
            .join(County, County.id == Branch.county_id).join(City, City.id == County.city_id))
    if text:
        stmt = stmt.where(Branch.name.contains(text, autoescape=True))  # type: ignore[attr-defined]
    rows = session.exec(stmt.order_by(City.id, County.code, Branch.name).limit(limit))
    return [(f"{name}（{city}·{county}）", bid) for name, bid, county, city in rows]


def county_city(session: Session, county_id: int) -> int:
    county = session.get(County, county_id)
    if county is None:
        raise LookupError(county_id)
    return county.city_id


def paired_departments(session: Session, city_id: int) -> list[tuple[str, int]]:
    """附件1 the other way round: the departments paired with a city."""
    rows = session.exec(
        select(Department).join(Assignment, Assignment.department_id == Department.id)
        .where(Assignment.city_id == city_id).order_by(Department.seq)
    )
    return [(d.name, d.id) for d in rows]  # type: ignore[misc]
