"""The demo's provenance: what is verified and what is not, so a ranking by verified data visibly
differs from one by everything (issue: 只计已核实的数据).

- Members present at each spot check rate through the cadre's live code (verified); the rest of the
  ratings come through printed sheets (unverified).
- Each department's monthly figures come from a system export, an on-site check or nowhere, in
  proportions that differ by department.
- Some experiences are checked on a visit, some of those promoted, some "promoted" with no check.
- Cities' plans, lecture materials and project reports: mostly on time, some late, a few missing.

Every draw comes from the generator's own ``random.Random``, so a seed still gives one province.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from models.provenance import ON_SITE, SYSTEMS

LIVE_SHARE = 0.12  # of all ratings: those of members present at a spot check
RELIABILITY = [0.95, 0.9, 0.85, 0.7, 0.5, 0.25]  # a department's share of sourced monthly figures
PROMOTION_PLACES = ["全省团的基层建设现场推进会", "团省委《工作简报》", "全省团干部培训班", "“广东共青团”公众号专题"]
REVIEWERS = ["团省委副书记 王", "团省委副书记 李", "团省委副书记 陈"]


def department_reliability(rng: random.Random, departments: list[int]) -> dict[int, float]:
    return {d: rng.choice(RELIABILITY) for d in departments}


def report_source(rng: random.Random, reliability: float, county: str, month: int, month_end: date,
                  checks: list[tuple[int, int]]) -> dict:
    """The source columns of one monthly form: ``checks`` are (visit, cadre) of this county's visits."""
    r = rng.random()
    if r < reliability * 0.85:
        system = rng.choice(SYSTEMS)
        return {"source": system, "source_file": f"{county}{month}月{system}导出.xlsx",
                "source_date": month_end - timedelta(days=rng.randint(0, 3)), "checked_by_id": None,
                "checked_visit_id": None}
    if r < reliability and checks:
        visit, cadre = rng.choice(checks)
        return {"source": ON_SITE, "source_file": "", "source_date": None, "checked_by_id": cadre,
                "checked_visit_id": visit}
    return {"source": "", "source_file": "", "source_date": None, "checked_by_id": None, "checked_visit_id": None}


def experience(rng: random.Random, dept: int, county_id: int, county: str, year: int, month: int, text: str,
               checks: list[tuple[int, int]]) -> dict | None:
    """An experience row for a form that reported one (about half do), checked and promoted or not."""
    if rng.random() < 0.5:
        return None
    row = {"department_id": dept, "county_id": county_id, "year": year, "title": f"{county}{month}月支部建设经验",
           "text": text, "checked_visit_id": None, "checked_by_id": None, "promoted_on": None,
           "promoted_where": "", "promoted_by": ""}
    checked = checks and rng.random() < 0.55
    if checked:
        row["checked_visit_id"], row["checked_by_id"] = rng.choice(checks)
    if (checked and rng.random() < 0.4) or (not checked and rng.random() < 0.25):
        row["promoted_on"] = date(year, min(11, month + 1), rng.randint(1, 28))
        row["promoted_where"] = rng.choice(PROMOTION_PLACES)
        row["promoted_by"] = "基层组织建设部"
    return row


def city_plan(rng: random.Random, city_id: int, city: str, year: int) -> dict:
    r = rng.random()
    submitted = (date(year, 4, rng.randint(20, 30)) if r < 0.5 else date(year, 5, rng.randint(1, 10)) if r < 0.8
                 else date(year, 5, rng.randint(11, 31)) if r < 0.92 else None)
    return {"city_id": city_id, "year": year, "title": f"{city}市团干部驻点工作实施方案", "submitted_on": submitted}


def materials_date(rng: random.Random, year: int, materials: str) -> date | None:
    if not materials:
        return None
    r = rng.random()
    return date(year, 12, rng.randint(5, 31)) if r < 0.82 else date(year + 1, 1, rng.randint(2, 20)) if r < 0.92 \
        else None
