"""Import of spot checks (实地抽查): which branch was checked on which visit, and what was found."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models.importing import core
from models.importing.core import Column, Context, Kind
from models.reference import close_matches
from models.tables import Branch, SpotCheck, Visit

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, example="梅江区", choices="counties"),
    Column("驻点开始日期", "visit_start", core.campaign_date, example="2019-05-06",
           note="与驻点记录的开始日期一致，用于找到该次驻点"),
    Column("团支部名称", "branch_name", core.text(100), example="梅江区西郊街道团支部"),
    Column("抽查日期", "checked_on", core.campaign_date, required=False, example="2019-05-06"),
    Column("支部微信群达标", "wechat_ok", core.yes_no, example="是", choices="yesno",
           note="已建立支部微信群且群内团员达 3/4 填“是”"),
    Column("书记会操作智慧团建", "secretary_operates", core.yes_no, example="是", choices="yesno",
           note="团支部书记本人会操作“智慧团建”系统填“是”"),
    Column("备注", "notes", core.text(2000), required=False, example=""),
]


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["county"].city_id != row["city"].id:
        return [("县（市、区）", "该县（市、区）不属于所填地市")]
    visit = ctx.session.exec(select(Visit).where(
        Visit.department_id == row["department"].id, Visit.city_id == row["city"].id,
        Visit.county_id == row["county"].id, Visit.start_date == row["visit_start"])).first()
    problems = []
    if visit is None:
        problems.append(("驻点开始日期", "未找到这次驻点的记录（请先导入驻点记录）"))
    branch = ctx.session.exec(select(Branch).where(
        Branch.county_id == row["county"].id, Branch.name == row["branch_name"])).first()
    if branch is None:
        names = ctx.session.exec(select(Branch.name).where(Branch.county_id == row["county"].id)).all()
        hint = close_matches(row["branch_name"], names, n=3)
        problems.append(("团支部名称", "该县（市、区）没有这个团支部（请先导入团支部）"
                         + (f"，您是不是要找：{'、'.join(hint)}" if hint else "")))
    if visit is not None:
        checked = row["checked_on"] or visit.start_date
        if not visit.start_date <= checked <= visit.end_date:
            problems.append(("抽查日期", f"不在该次驻点期间（{visit.start_date} 至 {visit.end_date}）"))
        row["checked_on"] = checked
    row["visit"], row["branch"] = visit, branch
    return problems


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["visit"].id, row["branch"].id)


def apply(ctx: Context, row: dict[str, Any]) -> str:
    _obj, outcome = core.upsert(ctx, SpotCheck, {"visit_id": row["visit"].id, "branch_id": row["branch"].id}, {
        "checked_on": row["checked_on"], "wechat_ok": row["wechat_ok"],
        "secretary_operates": row["secretary_operates"], "notes": row["notes"],
    })
    return outcome


KIND = Kind("spotchecks", "实地抽查", COLUMNS, natural_key, apply, check,
            duplicate_columns=("驻点", "团支部名称"))
