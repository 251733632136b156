"""Import of stationed visits (驻点记录): who went where, when, for how many full days."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models import audit
from models.figures.visits import whole_dates
from models.importing import core
from models.importing.core import Column, Context, Kind
from models.tables import Visit, VisitCadre
from models.visits import VisitInput, validate_visit

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, example="梅江区", choices="counties",
           note="每次驻点至少到县及以下（县、区或镇街）"),
    Column("乡镇（街道）", "town", core.text(60), required=False, example="西郊街道"),
    Column("开始日期", "start", core.campaign_date, example="2019-05-06"),
    Column("结束日期", "end", core.campaign_date, required=False, example="2019-05-07"),
    Column("整天数", "days", core.number(0, 31), example="2"),
    Column("座谈会最多人数", "meeting", core.integer(0, 10_000), required=False, example="8"),
    Column("参加干部", "cadres", core.cadres_of("department"), example="张三、李四",
           note="多名干部用顿号分隔；须是干部名册中本部门的干部"),
    Column("备注", "notes", core.text(2000), required=False, example=""),
]


FIELD_COLUMNS = {"department_id": "部门", "city_id": "地市", "county_id": "县（市、区）", "start_date": "开始日期",
                 "end_date": "结束日期", "full_days": "整天数", "max_meeting_size": "座谈会最多人数",
                 "cadre_ids": "参加干部", "checks": "", "town": "乡镇（街道）"}


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    """The seed's rules for a visit, shared with the dashboard form (:func:`models.visits.validate_visit`).

    Warnings (a meeting of more than 10 people, a city not paired with the department) do not stop an
    import: the visit is recorded and the breach stays visible to the rules, as when the user confirms
    them on the form; :func:`warnings` lists them for the import's output.
    """
    data = _input(ctx, row)
    recorded = ctx.session.exec(select(Visit.id).where(
        Visit.department_id == data.department_id, Visit.city_id == data.city_id,
        Visit.county_id == data.county_id, Visit.start_date == data.start_date)).first()
    result = validate_visit(ctx.session, data, replaces=recorded)
    problems = []
    for key, reason in result.errors.items():
        problems.append((FIELD_COLUMNS.get(key, ""), reason))
    problems += _clashes_in_file(ctx, row)
    row["warnings"] = [f"{FIELD_COLUMNS.get(k) or k}：{w}" for k, w in result.warnings.items()]
    return problems


def _clashes_in_file(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    """One cadre in one place a day, within the file too (its rows are not recorded yet)."""
    mine = set(whole_dates(row["start"], row["end"] or row["start"], row["days"] or 0))
    out = []
    for number, other in ctx.earlier:
        common = mine & set(whole_dates(other["start"], other["end"] or other["start"], other["days"] or 0))
        both = [c.name for c in row["cadres"] if c.id in {o.id for o in other["cadres"]}]
        if common and both:
            there = "·".join(p for p in (other["city"].name, other["county"].name if other["county"] else "") if p)
            out.append(("参加干部", f"{'、'.join(both)} {min(common):%Y-%m-%d} 已在本文件第{number}行（{there}）驻点："
                                    "一名干部一天只能在一个地方驻点"))
    return out


def _input(ctx: Context, row: dict[str, Any]) -> VisitInput:
    dept = row["department"]
    cadre_ids = [c.id for c in row["cadres"]]
    return VisitInput(
        department_id=dept.id, city_id=row["city"].id, county_id=row["county"].id if row["county"] else None,
        start_date=row["start"], end_date=row["end"] or row["start"], full_days=row["days"],
        town=row["town"] or "", max_meeting_size=row["meeting"], cadre_ids=cadre_ids, notes=row["notes"] or "",
    )


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["city"].id, row["county"].id if row["county"] else None, row["start"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    visit, outcome = core.upsert(ctx, Visit, {
        "department_id": row["department"].id, "city_id": row["city"].id,
        "county_id": row["county"].id if row["county"] else None, "start_date": row["start"],
    }, {
        "end_date": row["end"] or row["start"], "full_days": row["days"], "town": row["town"],
        "max_meeting_size": row["meeting"], "notes": row["notes"],
    })
    wanted = {c.id for c in row["cadres"]}
    links = {vc.cadre_id: vc for vc in ctx.session.exec(select(VisitCadre).where(VisitCadre.visit_id == visit.id))}
    for cadre_id in wanted - set(links):
        ctx.session.add(audit.tag(VisitCadre(visit_id=visit.id, cadre_id=cadre_id), ctx.source))
    for cadre_id in set(links) - wanted:
        ctx.session.delete(audit.tag(links[cadre_id], ctx.source))
    if wanted != set(links):
        ctx.session.flush()
        if outcome == "unchanged":
            outcome = "updated"
    return outcome


KIND = Kind("visits", "驻点记录", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "地市", "县（市、区）", "开始日期"))
