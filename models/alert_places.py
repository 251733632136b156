"""Where alerts happen: how many of a period's alerts concern each city (the overview's alert column).

An alert names its subject (a county, a visit, a department or a cadre); a department's or cadre's
alert concerns every city the department is paired with (附件1).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass
class Verdict:
    """The rules' verdict on one subject for one rule: its worst alert's severity and the months."""

    severity: str  # "breach" or "at_risk"
    months: list[int]
    alerts: list[Alert]


def verdicts(alerts: Iterable[Alert]) -> dict[tuple[str, str, int], Verdict]:
    """(rule, level, subject id) → verdict. A subject with no alert for a rule met it: the marks on
    screen are these verdicts, so a mark and the alert list can never disagree."""
    grouped: dict[tuple[str, str, int], list[Alert]] = {}
    for a in alerts:
        if a.subject_id is not None:
            grouped.setdefault((a.rule, a.level, a.subject_id), []).append(a)
    out: dict[tuple[str, str, int], Verdict] = {}
    for key, found in grouped.items():
        severity = "breach" if any(a.severity == "breach" for a in found) else "at_risk"
        months = sorted({a.month for a in found if a.severity == severity and a.month is not None})
        out[key] = Verdict(severity, months, found)
    return out


def severity_by_city(session: Session, alerts: Iterable[Alert]) -> dict[int, tuple[int, int]]:
    """City → (breaches, risks) among the period's alerts (the overview's 预警 column)."""
    alerts = list(alerts)
    breaches = alerts_by_city(session, [a for a in alerts if a.severity == "breach"])
    risks = alerts_by_city(session, [a for a in alerts if a.severity != "breach"])
    return {city: (breaches.get(city, 0), risks.get(city, 0)) for city in set(breaches) | set(risks)}
