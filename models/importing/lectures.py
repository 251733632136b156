"""Import of 党团课 given by cadres (the materials 宣传部 collects at year end)."""

from __future__ import annotations

from typing import Any

from models.figures.deadlines import receive
from models.importing import core
from models.importing.core import Column, Context, Kind
from models.provenance import lecture_problem
from models.tables import Lecture
from models.targets import targets_for

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("授课干部", "cadre", core.cadre_of("department"), example="张三", note="须是干部名册中本部门的干部"),
    Column("授课日期", "held_on", core.year_date, example="2019-06-01",
           note="实施方案印发日期至12月底（方案：每年至少1次）；讲过之后再录入"),
    Column("地点", "place", core.text(100), example="梅州市委党校"),
    Column("授课人数", "audience", core.integer(1, 100_000), example="60", note="听课的团员青年人数"),
    Column("题目", "title", core.text(200), example="青年大学习：新时代团员的使命"),
    Column("地市", "city", core.city, required=False, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, required=False, example="梅江区", choices="counties"),
    Column("课件材料", "materials", core.text(500), required=False, example="共享盘/宣传部/2019党团课/张三.pptx",
           note="课件存放位置"),
    Column("材料报送日期", "materials_submitted_on", core.any_date, required=False, example="2019-12-20",
           note="课件、时间、地点、授课人数于12月底前报宣传部；所填日期仅作保存，按系统收到（导入）的时间计"),
]


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["county"] is not None and row["city"] is not None and row["county"].city_id != row["city"].id:
        return [("县（市、区）", "该县（市、区）不属于所填地市")]
    t = targets_for(ctx.session, row["held_on"].year)
    if row["held_on"] < t.plan_issued:
        return [("授课日期", f"早于实施方案印发日期（{t.plan_issued:%Y-%m-%d}）：方案印发前的党团课不计入")]
    if row["held_on"] > ctx.today:
        return [("授课日期", f"在今天（{ctx.today:%Y-%m-%d}）之后：党团课讲过之后再录入")]
    if why := lecture_problem(row["held_on"], row["audience"], row["place"], t, ctx.today):
        row.setdefault("warnings", []).append(f"已记录，但标记为存疑、不计入：{why}")
    return []


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["cadre"].id, row["held_on"], row["title"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    obj, outcome = core.upsert(ctx, Lecture, {"cadre_id": row["cadre"].id, "held_on": row["held_on"],
                                              "title": row["title"]}, {
        "place": row["place"], "audience": row["audience"],
        "county_id": row["county"].id if row["county"] else None, "materials": row["materials"],
        "materials_claimed_on": row["materials_submitted_on"],
    })
    if outcome == "created":
        obj.received_at = None  # stamped at insert by the clock; this import's time is the one to keep
        receive(obj, ctx.now, backfill=ctx.backfill)
    if row["materials_submitted_on"] is not None and obj.materials.strip():
        receive(obj, ctx.now, materials=True)  # the materials count as received now, not on the typed date
    ctx.session.flush()
    return outcome


KIND = Kind("lectures", "党团课", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "授课干部", "授课日期", "题目"))
