"""The organisation every figure is counted over, read once per call: departments, cities, county
units (镇街 for 东莞 and 中山), 附件1's pairings, branches and cadres."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from models.tables import Assignment, Branch, Cadre, City, County, Department


@dataclass
class Tree:
    cities: dict[int, City]
    counties: dict[int, County]
    departments: dict[int, Department]
    cadres: dict[int, Cadre]
    dept_cities: dict[int, list[int]]
    city_depts: dict[int, list[int]]
    city_counties: dict[int, list[int]]
    county_branches: dict[int, int]  # county unit -> branches registered there

    def dept_counties(self, dept_id: int) -> list[int]:
        return [c for city in self.dept_cities.get(dept_id, []) for c in self.city_counties.get(city, [])]

    def county_city(self, county_id: int) -> int:
        return self.counties[county_id].city_id

    def paired(self) -> list[tuple[int, int]]:
        """Every (department, county unit) a monthly form is expected for, in the departments' order."""
        return [(d, k) for d in self.departments for k in self.dept_counties(d)]


def load_tree(session: Session) -> Tree:
    cities = {c.id: c for c in session.exec(select(City).order_by(City.code))}
    counties = {c.id: c for c in session.exec(select(County).order_by(County.code))}
    departments = {d.id: d for d in session.exec(select(Department).order_by(Department.seq))}
    cadres = {c.id: c for c in session.exec(select(Cadre).order_by(Cadre.department_id, Cadre.id))}
    dept_cities: dict[int, list[int]] = defaultdict(list)
    city_depts: dict[int, list[int]] = defaultdict(list)
    for a in session.exec(select(Assignment).order_by(Assignment.id)):
        dept_cities[a.department_id].append(a.city_id)
        city_depts[a.city_id].append(a.department_id)
    for lst in city_depts.values():
        lst.sort(key=lambda d: departments[d].seq)
    city_counties: dict[int, list[int]] = defaultdict(list)
    for c in counties.values():
        city_counties[c.city_id].append(c.id)
    county_branches = dict(session.exec(select(Branch.county_id, func.count()).group_by(Branch.county_id)).all())
    return Tree(cities, counties, departments, cadres, dept_cities, city_depts, city_counties, county_branches)
