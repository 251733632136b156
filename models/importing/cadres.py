"""Import of the cadres' roster (专职干部名册): other imports name cadres from it and never create one,
so a misspelt name is refused with the close ones instead of becoming a new cadre."""

from __future__ import annotations

from typing import Any

from models.importing import core
from models.importing.core import Column, Context, Kind
from models.tables import Cadre

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("姓名", "name", core.text(40), example="张三"),
    Column("在岗", "active", core.yes_no, required=False, example="是", choices="yesno",
           note="调离的干部填“否”并填写调离日期（记录保留，年度目标按在岗时间折算）"),
    Column("调离日期", "left_on", core.any_date, required=False, example="",
           note="只有经党组批准的干部可以不参加；调离的干部仍按在岗时间折算每年 10 个整天"),
    Column("经党组批准不参加：批准人", "exempt_by", core.text(40), required=False, example="",
           note="方案：部分内设岗位工作人员经党组批准可不参加；填写批准人和批准日期后不计入每年 10 个整天和党团课要求"),
    Column("批准日期", "exempt_on", core.any_date, required=False, example=""),
]


def check(_ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if bool(row["exempt_by"]) != (row["exempt_on"] is not None):
        problems.append(("批准日期" if row["exempt_by"] else "经党组批准不参加：批准人",
                         "经党组批准不参加须同时填写批准人和批准日期"))
    if row["active"] is False and row["left_on"] is None:
        problems.append(("调离日期", "不在岗的干部须填写调离日期：只有经党组批准（填写批准人和批准日期）才能不计入驻点要求"))
    if row["active"] is True and row["left_on"] is not None:
        problems.append(("在岗", "填写了调离日期的干部，“在岗”应填“否”或留空"))
    return problems


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["name"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    cadre, outcome = core.upsert(ctx, Cadre, {"department_id": row["department"].id, "name": row["name"]}, {
        "active": row["left_on"] is None,
        "left_on": row["left_on"],
        "exempt_approved_by": row["exempt_by"], "exempt_approved_on": row["exempt_on"],
    })
    ctx.remember_cadre(cadre)
    return outcome


KIND = Kind("cadres", "专职干部名册", COLUMNS, natural_key, apply, check, duplicate_columns=("部门", "姓名"))
