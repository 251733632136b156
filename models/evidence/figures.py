"""The figures of 附件2 computed from an export's rows — one function per layout, none of them typed.

Each returns the monthly-report fields it backs (``MonthlyReport`` attribute → value) for one county
unit and month; the organisation and activity lists also return the branches and activities they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

NONPUBLIC = ("非公企业", "非公有制企业", "民营企业", "私营企业", "外资企业", "个体")
SOCIAL = ("社会组织", "社会团体", "民办非企业", "基金会", "社会服务机构")
MEMBER = ("共青团员", "团员", "中共党员（保留团籍）", "中共预备党员（保留团籍）")
BRANCH_TYPES = ("团支部",)  # 团总支、团委 are not branches; 临时团支部 is


@dataclass
class Computed:
    values: dict[str, float | int] = field(default_factory=dict)  # MonthlyReport attribute -> value
    branches: list[dict[str, Any]] = field(default_factory=list)  # name, kind, has_secretary, member_count
    activities: list[dict[str, Any]] = field(default_factory=list)  # branch, name, kind, held_on
    rows_used: int = 0


def _is(text: str | None, words: tuple[str, ...]) -> bool:
    return bool(text) and any(w in text for w in words)


def _category(text: str | None) -> str:
    if _is(text, NONPUBLIC):
        return "nonpublic"
    if _is(text, SOCIAL):
        return "social"
    for word, kind in (("学校", "school"), ("农村", "rural"), ("社区", "community"), ("机关", "government"),
                       ("事业单位", "government")):
        if text and word in text:
            return kind
    return "other"


def _in_month(day: date | None, year: int, month: int) -> bool:
    return day is not None and day.year == year and day.month == month


def orgs(records: list[dict], year: int, month: int, exported: date) -> Computed:
    out = Computed()
    branches = [r for r in records if _is(r["type"], BRANCH_TYPES) and "总支" not in r["type"]]
    out.rows_used = len(branches)
    out.values["branches_without_cadre"] = sum(1 for r in branches if not r["secretary"])
    new = [r for r in records if _in_month(r["founded"], year, month) and r["founded"] <= exported]
    out.values["new_nonpublic_orgs"] = sum(1 for r in new if _category(r["category"]) == "nonpublic")
    out.values["new_social_orgs"] = sum(1 for r in new if _category(r["category"]) == "social")
    out.branches = [{"name": r["name"], "kind": _category(r["category"]), "has_secretary": r["secretary"],
                     "member_count": r["members"]} for r in branches]
    return out


def members(records: list[dict], year: int, month: int, exported: date) -> Computed:
    out = Computed(rows_used=len(records))
    out.values["league_members"] = len(records)
    new = [r for r in records if _in_month(r["arrived"], year, month) and r["arrived"] <= exported]
    out.values["new_nonpublic_members"] = sum(1 for r in new if _category(r["category"]) == "nonpublic")
    out.values["new_social_members"] = sum(1 for r in new if _category(r["category"]) == "social")
    return out


def activities(records: list[dict], year: int, month: int, exported: date) -> Computed:
    out = Computed()
    held = [r for r in records if _in_month(r["held"], year, month) and r["held"] <= exported]
    out.rows_used = len(held)
    out.activities = [{"branch": r["branch"], "name": r["name"], "kind": r["kind"][:30], "held_on": r["held"]}
                      for r in held]
    return out


def volunteers(records: list[dict], league_members: int, exported: date) -> Computed:
    registered = [r for r in records if _is(r["politics"], MEMBER) and r["registered"] <= exported]
    out = Computed(rows_used=len(registered))
    out.values["volunteer_rate"] = round(min(len(registered) / league_members * 100, 100.0), 2) \
        if league_members else 0.0
    return out


def services(records: list[dict], league_members: int, year: int, exported: date) -> Computed:
    mine = [r for r in records if _is(r["politics"], MEMBER) and r["served"].year == year and r["served"] <= exported]
    out = Computed(rows_used=len(mine))
    out.values["service_times_per_capita"] = round(len(mine) / league_members, 2) if league_members else 0.0
    out.values["service_hours_per_capita"] = round(sum(r["hours"] for r in mine) / league_members, 2) \
        if league_members else 0.0
    return out
