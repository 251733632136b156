"""Where alerts happen: how many of a period's alerts concern each city (the overview's alert column).

An alert names its subject (a county, a visit, a department or a cadre); a department's or cadre's
alert concerns every city the department is paired with (附件1).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from models.rules import Alert
from models.tables import Assignment, Cadre, County, Visit


def alerts_by_city(session: Session, alerts: Iterable[Alert]) -> dict[int, int]:
    alerts = list(alerts)
    county_city = dict(session.exec(select(County.id, County.city_id)).all())
    dept_cities: dict[int, list[int]] = defaultdict(list)
    for dept_id, city_id in session.exec(select(Assignment.department_id, Assignment.city_id)):
        dept_cities[dept_id].append(city_id)
    cadre_dept = dict(session.exec(select(Cadre.id, Cadre.department_id)).all())
    visit_ids = [a.subject_id for a in alerts if a.level == "visit" and a.subject_id is not None]
    visit_city = dict(session.exec(select(Visit.id, Visit.city_id).where(col(Visit.id).in_(visit_ids))).all()) \
        if visit_ids else {}
    counts: Counter[int] = Counter()
    for a in alerts:
        if a.subject_id is None:
            continue
        if a.level == "county":
            cities = [county_city.get(a.subject_id)]
        elif a.level == "visit":
            cities = [visit_city.get(a.subject_id)]
        elif a.level == "department":
            cities = dept_cities.get(a.subject_id, [])
        elif a.level == "cadre":
            cities = dept_cities.get(cadre_dept.get(a.subject_id, -1), [])
        elif a.level == "city":
            cities = [a.subject_id]
        else:
            cities = []
        for city in set(cities):
            if city is not None:
                counts[city] += 1
    return dict(counts)
