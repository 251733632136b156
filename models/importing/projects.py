"""Import of the service-project reports (one per department and year, to 组织部 in early December)."""

from __future__ import annotations

from typing import Any

from models.figures.deadlines import is_received, receive
from models.importing import core
from models.importing.core import Column, Context, Kind
from models.tables import ServiceProject

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("年度", "year", core.campaign_year, example="2019"),
    Column("项目名称", "title", core.text(200), example="梅州“青年之声”乡村振兴服务项目"),
    Column("报告摘要", "summary", core.text(20_000), required=False, example=""),
    Column("报送日期", "submitted_on", core.any_date, required=False, example="2019-12-05",
           note="12月初报组织部；所填日期仅作保存，是否按时以系统收到（导入）的时间为准"),
    Column("分管领导审阅", "reviewed_by", core.text(40), required=False, example="王副书记",
           note="呈分管领导审阅后报送：填写审阅的分管领导"),
]


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["year"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    obj, outcome = core.upsert(ctx, ServiceProject, {"department_id": row["department"].id, "year": row["year"]},
                               {"title": row["title"], "summary": row["summary"],
                                "claimed_on": row["submitted_on"], "reviewed_by": row["reviewed_by"]})
    if row["submitted_on"] is not None and not is_received(obj):
        receive(obj, ctx.now, backfill=ctx.backfill)  # received now, whatever date the file claims
        ctx.session.flush()
    return outcome


def check(_ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["submitted_on"] is not None and row["submitted_on"].year < row["year"]:
        return [("报送日期", "报送日期早于项目年度")]
    return []


KIND = Kind("projects", "服务青年工作项目报告", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "年度"))
