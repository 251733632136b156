"""Import of typical experiences (典型经验): checked on a recorded visit (需实地核实) and, once promoted
province-wide, where, when and by whom. Only checked and promoted ones count in the evaluation."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models.importing import core
from models.importing.core import Column, Context, Kind
from models.importing.provenance import find_check
from models.tables import Experience

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, example="梅江区", choices="counties"),
    Column("年度", "year", core.campaign_year, example="2019"),
    Column("经验名称", "title", core.text(200), example="“支部+网格”团员报到做法"),
    Column("经验内容", "text", core.text(20_000), example="团支部以网格为单位组织团员报到，每月一次……",
           note="经验的具体做法（需实地核实）"),
    Column("核实干部", "checked_by", core.cadre_of("department"), required=False, example="张三",
           note="实地核实这条经验的干部（须参加了该次驻点）"),
    Column("核实驻点日期", "checked_visit", core.campaign_date, required=False, example="2019-05-06",
           note="该次驻点的开始日期（部门 + 县区 + 开始日期找到驻点记录）"),
    Column("推广日期", "promoted_on", core.any_date, required=False, example=""),
    Column("推广场合", "promoted_where", core.text(200), required=False, example="",
           note="在全省推广的场合，如全省团的基层建设现场推进会、省委简报"),
    Column("推广单位", "promoted_by", core.text(100), required=False, example="", note="推广的部门或人"),
]


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["county"].city_id != row["city"].id:
        return [("县（市、区）", "该县（市、区）不属于所填地市")]
    problems, row["visit"] = find_check(ctx, row, "checked_by", "checked_visit", "核实干部", "核实驻点日期")
    promotion = [row["promoted_on"] is not None, bool(row["promoted_where"]), bool(row["promoted_by"])]
    if any(promotion) and not all(promotion):
        problems.append(("推广日期", "推广须同时填写推广日期、推广场合和推广单位"))
    elif row["promoted_on"] is not None:
        if row["visit"] is None:
            problems.append(("推广日期", "尚未实地核实的经验不能记录推广：须先经驻点核实，再推广"))
        elif row["promoted_on"] < row["visit"].start_date:
            problems.append(("推广日期", f"早于实地核实的驻点（{row['visit'].start_date:%Y-%m-%d}）：须先核实，后推广"))
        elif row["promoted_on"] > ctx.today:
            problems.append(("推广日期", f"在今天（{ctx.today:%Y-%m-%d}）之后：推广之后再录入"))
        elif row["visit"].start_date > ctx.today:
            problems.append(("核实驻点日期", "这次驻点尚未到来，不能核实"))
    return problems


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["county"].id, row["year"], row["title"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    key = {"department_id": row["department"].id, "county_id": row["county"].id, "year": row["year"],
           "title": row["title"]}
    stored = ctx.session.exec(select(Experience).filter_by(**key)).first()
    promoted_before = stored.promoted_on if stored is not None else None
    obj, outcome = core.upsert(ctx, Experience, key, {
        "text": row["text"], "checked_by_id": row["checked_by"].id if row["checked_by"] else None,
        "checked_visit_id": row["visit"].id if row["visit"] else None, "promoted_on": row["promoted_on"],
        "promoted_where": row["promoted_where"], "promoted_by": row["promoted_by"],
    })
    if obj.promoted_on is not None and obj.promoted_on != promoted_before:
        obj.promotion_recorded_at = ctx.now  # the system's time the promotion was recorded
        ctx.session.flush()
    return outcome


KIND = Kind("experiences", "典型经验", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "县（市、区）", "年度", "经验名称"))
