"""Import of league branches (团支部): the organisation tree below the county units."""

from __future__ import annotations

from typing import Any

from models.importing import core
from models.importing.core import Column, Context, Kind
from models.tables import Branch, BranchKind

COLUMNS = [
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, example="梅江区", choices="counties"),
    Column("团支部名称", "name", core.text(100), example="梅江区西郊街道团支部"),
    Column("类型", "kind", core.branch_kind, required=False, example="社区", choices="branch_kinds"),
    Column("团员数", "members", core.integer(0, 100_000), example="25"),
    Column("有团干（书记）", "has_secretary", core.yes_no, example="是", choices="yesno"),
    Column("团建指导员部门", "cadre_department", core.department, required=False, example="组织部",
           choices="departments"),
    Column("团建指导员", "cadre", core.cadre_of("cadre_department"), required=False, example="张三",
           note="须是干部名册中该部门的干部"),
]


def check(_ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if row["county"].city_id != row["city"].id:
        problems.append(("县（市、区）", "该县（市、区）不属于所填地市"))
    if row["cadre"] and row["cadre_department"] is None:
        problems.append(("团建指导员部门", "填写了团建指导员，也要填写其所在部门"))
    return problems


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["county"].id, row["name"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    cadre_id = None
    if row["cadre"]:
        cadre_id = row["cadre"].id
    _obj, outcome = core.upsert(ctx, Branch, {"county_id": row["county"].id, "name": row["name"]}, {
        "kind": row["kind"] or str(BranchKind.OTHER), "member_count": row["members"],
        "has_secretary": row["has_secretary"], "cadre_id": cadre_id,
    })
    return outcome


KIND = Kind("branches", "团支部", COLUMNS, natural_key, apply, check,
            duplicate_columns=("县（市、区）", "团支部名称"))
