"""Import of 党团课 given by cadres (the materials 宣传部 collects at year end)."""

from __future__ import annotations

from typing import Any

from models.importing import core
from models.importing.core import Column, Context, Kind
from models.tables import Lecture

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("授课干部", "cadre", core.text(40), example="张三"),
    Column("授课日期", "held_on", core.campaign_date, example="2019-06-01"),
    Column("地点", "place", core.text(100), example="梅州市委党校"),
    Column("授课人数", "audience", core.integer(0, 100_000), example="60"),
    Column("题目", "title", core.text(200), example="青年大学习：新时代团员的使命"),
    Column("地市", "city", core.city, required=False, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, required=False, example="梅江区", choices="counties"),
    Column("课件材料", "materials", core.text(500), required=False, example="共享盘/宣传部/2019党团课/张三.pptx",
           note="课件存放位置"),
]


def check(_ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["county"] is not None and row["city"] is not None and row["county"].city_id != row["city"].id:
        return [("县（市、区）", "该县（市、区）不属于所填地市")]
    return []


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["cadre"], row["held_on"], row["title"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    cadre, _new = core.ensure_cadre(ctx, row["department"], row["cadre"])
    _obj, outcome = core.upsert(ctx, Lecture, {"cadre_id": cadre.id, "held_on": row["held_on"],
                                               "title": row["title"]}, {
        "place": row["place"], "audience": row["audience"],
        "county_id": row["county"].id if row["county"] else None, "materials": row["materials"],
    })
    return outcome


KIND = Kind("lectures", "党团课", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "授课干部", "授课日期", "题目"))
