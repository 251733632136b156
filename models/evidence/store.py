"""``zhudian import export``: keep an export file as evidence and write the figures computed from it.

All or nothing, audited. The file is identified by its SHA-256: the same file again changes nothing; a
file that already backs another county unit or month is refused. Each monthly report the file backs
gets the computed figures and an :class:`EvidenceUse` saying which figures, with their values, so a
figure typed over them later no longer counts as verified (:func:`models.provenance.report_provenance`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from models import audit, clock
from models.evidence import figures as compute
from models.evidence.reading import ExportRejected, read_export
from models.figures.deadlines import is_received, receive, record_change
from models.importing.core import Context, Invalid, default_actor
from models.tables import Activity, Branch, County, Department, EvidenceFile, EvidenceUse, MonthlyReport
from models.targets import targets_for


@dataclass
class ExportResult:
    file: str
    system: str
    layout: str
    sha256: str
    size: int
    rows_total: int
    rows_used: int
    outcome: str  # created / unchanged
    evidence_id: int
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # county → figure → value
    branches: int = 0
    activities: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("file", "system", "layout", "sha256", "size", "rows_total", "rows_used",
                                              "outcome", "evidence_id", "figures", "branches", "activities",
                                              "skipped")}


def _counties(ctx: Context, file, county: str | None, city: str | None) -> dict[int, list[dict]]:
    """Rows per county unit: all of them in ``county``, or each in the one its 所属县区 column names."""
    city_row = ctx.city(city) if city else None
    if county:
        one = ctx.county(county, city_row)
        return {one.id: [r for _n, r in file.records]}
    if not any(r.get("county") for _n, r in file.records):
        raise ExportRejected("请用 --county 指定县（市、区），或导入含“所属县区”列的导出文件")
    by: dict[int, list[dict]] = defaultdict(list)
    problems = []
    for number, r in file.records:
        try:
            by[ctx.county(r.get("county") or "", city_row).id].append(r)
        except Invalid as exc:
            problems.append(f"第{number}行：{exc}")
    if problems:
        raise ExportRejected("“所属县区”有误，未导入任何数据：" + "；".join(problems[:20]))
    return dict(by)


def _backed_members(session: Session, report: MonthlyReport | None) -> int | None:
    """The report's 团员数 when an 智慧团建 member list backs it (rates are computed over it)."""
    if report is None or report.league_members is None:
        return None
    for values in session.exec(select(EvidenceUse.values).where(EvidenceUse.report_id == report.id)):
        if json.loads(values).get("league_members") == report.league_members:
            return report.league_members
    return None


def import_export(session: Session, path: str | Path, *, system: str, exported: date, department: str,
                  county: str | None = None, city: str | None = None, month: tuple[int, int] | None = None,
                  actor: str | None = None, now: datetime | None = None, backfill: str = "") -> ExportResult:
    """Read, check and write one export file. Raises :class:`ExportRejected` (nothing written). The
    caller commits."""
    moment = now or clock.now()
    today = clock.local(moment).date()
    path = Path(path)
    file = read_export(path, system)
    ctx = Context(session)
    try:
        dept = ctx.department(department)
    except Invalid as exc:
        raise ExportRejected(str(exc)) from None
    year, mon = month or (exported.year, exported.month)
    if exported > today:
        raise ExportRejected(f"导出日期 {exported} 在今天（{today}）之后：不能用未来的日期")
    if exported < date(year, mon, 1):
        raise ExportRejected(f"导出日期 {exported} 早于 {year}年{mon}月：本月的数据只能来自本月或之后的导出")
    if year not in ctx.campaigns:
        raise ExportRejected(f"{year}年不是驻点工作年度（{ctx.campaign_text()}）")
    try:
        per_county = _counties(ctx, file, county, city)
    except Invalid as exc:
        raise ExportRejected(str(exc)) from None

    known = session.exec(select(EvidenceFile).where(EvidenceFile.sha256 == file.sha256)).first()
    if known is not None:
        backed = set(session.exec(select(EvidenceUse.county_id).where(EvidenceUse.evidence_id == known.id)).all())
        if (known.department_id, known.year, known.month) == (dept.id, year, mon) and \
                (backed == set(per_county) or known.layout == "zhtj_activities"):
            return ExportResult(known.file_name, known.system, known.layout, known.sha256, known.size,
                                known.rows_total, known.rows_used, "unchanged", known.id,
                                json.loads(known.figures or "{}"))
        names = "、".join(session.get(County, c).name for c in sorted(backed)) or "（无）"
        owner = session.get(Department, known.department_id)
        raise ExportRejected(
            f"该文件（SHA-256 {known.sha256[:12]}…）已于 {clock.local(known.received_at):%Y-%m-%d} 作为"
            f"{owner.name if owner else ''} {names} {known.year}年{known.month}月的依据导入，"
            "同一文件不能再作为其他县区或月份的依据；未导入任何数据")

    t = targets_for(session, year)
    result = ExportResult(file.name, system, file.layout.key, file.sha256, file.size, file.rows_total, 0,
                          "created", 0, skipped=file.skipped)
    county_names = {c: session.get(County, c).name for c in per_county}
    computed: dict[int, compute.Computed] = {}
    for county_id, records in per_county.items():
        report = session.exec(select(MonthlyReport).where(
            MonthlyReport.department_id == dept.id, MonthlyReport.county_id == county_id,
            MonthlyReport.year == year, MonthlyReport.month == mon)).first()
        key = file.layout.key
        if key == "zhtj_orgs":
            computed[county_id] = compute.orgs(records, year, mon, exported)
        elif key == "zhtj_members":
            computed[county_id] = compute.members(records, year, mon, exported)
        elif key == "zhtj_activities":
            computed[county_id] = compute.activities(records, year, mon, exported)
        else:
            members = _backed_members(session, report)
            if not members:
                raise ExportRejected(
                    f"计算{county_names[county_id]}的注册志愿者比例和人均服务需要团员数：请先导入该县区"
                    f"{year}年{mon}月的智慧团建团员列表（zhudian import export … --system 智慧团建）；未导入任何数据")
            computed[county_id] = (compute.volunteers(records, members, exported) if key == "ivol_volunteers"
                                   else compute.services(records, members, year, exported))

    with audit.tracking(session, f"import:export:{file.name}", actor if actor is not None else default_actor()):
        evidence = EvidenceFile(
            system=system, layout=file.layout.key, file_name=file.name[:200], sha256=file.sha256, size=file.size,
            rows_total=file.rows_total, rows_used=sum(c.rows_used for c in computed.values()),
            skipped="；".join(file.skipped)[:500], columns="、".join(file.columns)[:1000], exported_on=exported,
            department_id=dept.id, year=year, month=mon,
            figures=json.dumps({county_names[c]: v.values for c, v in computed.items()}, ensure_ascii=False),
            brought_by=(actor if actor is not None else default_actor())[:100], received_at=moment,
            backfill_reason=backfill[:200])
        session.add(evidence)
        session.flush()
        for county_id, figures in computed.items():
            if figures.values:
                report = _write_report(session, dept.id, county_id, year, mon, figures.values, moment, backfill, t)
                session.add(EvidenceUse(evidence_id=evidence.id, report_id=report.id, county_id=county_id,
                                        values=json.dumps(figures.values)))
            result.branches += _write_branches(session, county_id, figures.branches)
            result.activities += _write_activities(session, county_id, figures.activities, evidence.id)
        session.flush()
    result.evidence_id = evidence.id
    result.rows_used = evidence.rows_used
    result.figures = {county_names[c]: v.values for c, v in computed.items()}
    return result


def _write_report(session: Session, dept_id: int, county_id: int, year: int, month: int,
                  values: dict[str, Any], moment: datetime, backfill: str, t) -> MonthlyReport:
    report = session.exec(select(MonthlyReport).where(
        MonthlyReport.department_id == dept_id, MonthlyReport.county_id == county_id,
        MonthlyReport.year == year, MonthlyReport.month == month)).first()
    if report is None:
        report = MonthlyReport(department_id=dept_id, county_id=county_id, year=year, month=month)
        session.add(report)
    changed = {k: v for k, v in values.items() if getattr(report, k) != v}
    for k, v in changed.items():
        setattr(report, k, v)
    if not is_received(report):
        receive(report, moment, backfill=backfill)
    elif changed:
        record_change(report, moment, t)
    session.flush()
    return report


def _write_branches(session: Session, county_id: int, branches: list[dict]) -> int:
    """The organisation list is the branch register of its county unit: add or update each branch."""
    written = 0
    for b in branches:
        row = session.exec(select(Branch).where(Branch.county_id == county_id, Branch.name == b["name"][:100])).first()
        values = {"kind": b["kind"], "has_secretary": b["has_secretary"]}
        if b["member_count"] is not None:
            values["member_count"] = b["member_count"]
        if row is None:
            session.add(Branch(county_id=county_id, name=b["name"][:100], **values))
            written += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            written += 1
    session.flush()
    return written


def _write_activities(session: Session, county_id: int, activities: list[dict], evidence_id: int) -> int:
    """Each branch activity becomes one the members' form offers (a branch the register lacks is added)."""
    written = 0
    for a in activities:
        name = a["branch"][:100]
        branch = session.exec(select(Branch).where(Branch.county_id == county_id, Branch.name == name)).first()
        if branch is None:
            branch = Branch(county_id=county_id, name=name)
            session.add(branch)
            session.flush()
        exists = session.exec(select(Activity.id).where(Activity.branch_id == branch.id, Activity.name == a["name"][:100],
                                                        Activity.held_on == a["held_on"])).first()
        if exists is None:
            session.add(Activity(branch_id=branch.id, name=a["name"][:100], kind=a["kind"], held_on=a["held_on"],
                                 evidence_id=evidence_id))
            written += 1
    session.flush()
    return written
