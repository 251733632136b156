"""Import of monthly figures per county unit (附件2): 两新 baselines and new organisations/members,
registered-volunteer rate and service per capita, as exported from 智慧团建 and i志愿.

A blank cell means 未录入 and never erases a stored figure.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select

from models.figures.deadlines import is_empty, is_received, receipt, receive, record_change
from models.importing import core
from models.importing import provenance as sources
from models.importing.core import Column, Context, Kind
from models.provenance import ON_SITE, SYSTEMS, OnSiteCheck, check_in_order
from models.tables import Branch, MonthlyReport
from models.targets import targets_for

FIGURES = [
    Column("团员数", "league_members", core.integer(0, 10_000_000), required=False, example="5200"),
    Column("无团干团支部数", "branches_without_cadre", core.integer(0, 100_000), required=False, example="3"),
    Column("非公企业任务底数", "nonpublic_baseline", core.integer(0, 100_000), required=False, example="40"),
    Column("社会组织任务底数", "social_baseline", core.integer(0, 100_000), required=False, example="12"),
    Column("本月新建团非公企业数", "new_nonpublic_orgs", core.integer(0, 100_000), required=False, example="2"),
    Column("本月新增非公企业团员数", "new_nonpublic_members", core.integer(0, 1_000_000), required=False,
           example="15"),
    Column("本月新建团社会组织数", "new_social_orgs", core.integer(0, 100_000), required=False, example="1"),
    Column("本月新增社会组织团员数", "new_social_members", core.integer(0, 1_000_000), required=False,
           example="6"),
    Column("典型组织名称", "typical_org_name", core.text(200), required=False, example="梅州某科技有限公司团支部"),
    Column("典型组织建设经验", "typical_org_experience", core.text(5000), required=False, example=""),
    Column("注册志愿者比例（%）", "volunteer_rate", core.number(0, 100, percent=True), required=False,
           example="91.5"),
    Column("人均服务时长（小时）", "service_hours_per_capita", core.number(0, 8784), required=False, example="6.5"),
    Column("人均服务次数", "service_times_per_capita", core.number(0, 1000), required=False, example="2.1"),
    Column("支部建设经验", "branch_experience", core.text(5000), required=False, example=""),
    Column("经验在全省推广", "experience_promoted", core.yes_no, required=False, example="否", choices="yesno"),
    Column("报送日期", "submitted_on", core.any_date, required=False, example="2019-05-31",
           note="仅作为所填日期保存；是否按时以系统收到（导入）的时间为准"),
]
BASELINE_APPROVAL = [
    Column("任务底数调整批准人", "baseline_approved_by", core.text(60), required=False, example="",
           note="任务底数每年确定一次；年内调整须填写批准人和批准日期"),
    Column("任务底数调整批准日期", "baseline_approved_on", core.any_date, required=False, example=""),
]
CONTENT = [c.key for c in FIGURES if c.key not in ("submitted_on", "experience_promoted")]

COLUMNS = [
    Column("部门", "department", core.department, example="组织部", choices="departments"),
    Column("地市", "city", core.city, example="梅州", choices="cities"),
    Column("县（市、区）", "county", core.county, example="梅江区", choices="counties"),
    Column("月份", "period", core.campaign_month, example="2019-05"),
    *FIGURES,
    *sources.COLUMNS,
    *BASELINE_APPROVAL,
]


def _stored(ctx: Context, row: dict[str, Any]) -> MonthlyReport | None:
    year, month = row["period"]
    return ctx.session.exec(select(MonthlyReport).where(
        MonthlyReport.department_id == row["department"].id, MonthlyReport.county_id == row["county"].id,
        MonthlyReport.year == year, MonthlyReport.month == month)).first()


def _baseline_problems(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    """任务底数 is fixed once a year per county unit: a different value needs its approver and date."""
    year, month = row["period"]
    others = ctx.session.exec(select(MonthlyReport).where(
        MonthlyReport.county_id == row["county"].id, MonthlyReport.year == year, MonthlyReport.month != month)
        .order_by(MonthlyReport.month, MonthlyReport.id)).all()
    problems = []
    for key, label in (("nonpublic_baseline", "非公企业任务底数"), ("social_baseline", "社会组织任务底数")):
        value = row[key]
        known = [r for r in others if getattr(r, key) is not None]
        if value is None or not known:
            continue
        earlier = [r for r in known if r.month < month]
        fixed = getattr(earlier[-1] if earlier else known[0], key)
        if value != fixed and not (row["baseline_approved_by"] and row["baseline_approved_on"]):
            problems.append((label, f"任务底数每年确定一次（已为 {fixed}）：修改须填写任务底数调整批准人和批准日期"))
    return problems


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    if row["county"].city_id != row["city"].id:
        return [("县（市、区）", "该县（市、区）不属于所填地市")]
    problems = sources.check(ctx, row)
    stored = _stored(ctx, row)
    if all(row[k] in (None, "") for k in CONTENT) and (stored is None or is_empty(stored)):
        problems.append(("月份", "该行没有任何报表数据（只有县区、月份或报送日期）：空行不是报送的报表，"
                               "请填写数据或删除该行"))
    problems += _baseline_problems(ctx, row)
    warnings = row.setdefault("warnings", [])
    if row["source"] in SYSTEMS:
        warnings.append(f"数据来源填写为“{row['source']}”，但这些数字是手工填写的，不是从导出文件读出的："
                        "标记为未核实，不计入评价；请用 zhudian import export 导入该导出文件")
    if row["source"] == ON_SITE and row.get("visit") is not None:
        visit, cadre = row["visit"], row["checked_by"]
        received = (receipt(stored) if stored is not None else None) or ctx.today
        why = check_in_order(OnSiteCheck(visit.county_id, visit.start_date, visit.end_date, cadre.name), *row["period"],
                             received, ctx.today)
        if why:
            warnings.append(f"{why}：标记为未核实，不计入评价")
    without = row["branches_without_cadre"]
    if without:
        known = ctx.session.exec(select(func.count()).select_from(Branch)
                                 .where(Branch.county_id == row["county"].id)).one()
        if known and without > known:
            problems.append(("无团干团支部数", f"超过该地区已登记的团支部数（{known}）"))
    for orgs, members, label in (("new_nonpublic_orgs", "new_nonpublic_members", "本月新增非公企业团员数"),
                                 ("new_social_orgs", "new_social_members", "本月新增社会组织团员数")):
        if row[orgs] and row[members] == 0:
            problems.append((label, "新建了团组织，新增团员数却为 0"))
    return problems


def natural_key(row: dict[str, Any]) -> tuple:
    return (row["department"].id, row["county"].id, *row["period"])


def apply(ctx: Context, row: dict[str, Any]) -> str:
    year, month = row["period"]
    values = {c.key: row[c.key] for c in FIGURES} | sources.values(row)
    claimed = values.pop("submitted_on")  # the typed 报送日期: kept as claimed, never the receipt
    values["claimed_on"] = claimed
    for key in ("typical_org_name", "typical_org_experience", "branch_experience", "source", "source_file",
                "baseline_approved_by"):
        if values.get(key) == "":
            values[key] = None
    values |= {k: row[k] for k in ("baseline_approved_by", "baseline_approved_on") if row[k]}
    stored = _stored(ctx, row)
    before = {k: getattr(stored, k) for k in CONTENT} if stored is not None else None
    obj, outcome = core.upsert(ctx, MonthlyReport, {"department_id": row["department"].id,
                                                    "county_id": row["county"].id, "year": year,
                                                    "month": month}, values)
    if not is_received(obj):
        receive(obj, ctx.now, backfill=ctx.backfill)
    elif before is not None and any(before[k] != getattr(obj, k) for k in CONTENT):
        record_change(obj, ctx.now, targets_for(ctx.session, year))
    ctx.session.flush()
    return outcome


KIND = Kind("monthly", "月度数据", COLUMNS, natural_key, apply, check,
            duplicate_columns=("部门", "县（市、区）", "月份"))
