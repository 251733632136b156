"""The demo's system figures, the way a department's would come: export files of 智慧团建 and i志愿
written for a few county units and months, then imported with :func:`models.evidence.import_export`
(hash kept, figures computed from the rows). Forms that only name a system file without one stay
typed claims — 未核实 in the demo, as they would be in use.

The files carry invented people only (demo names, made-up ID and phone numbers) and are deleted once
imported; only their hashes and the figures computed from them stay. Draws come from a generator of
their own, so the rest of the demo province is the same with or without them.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Connection
from sqlmodel import Session, col, select

from models import demo_names as names
from models.clock import LOCAL_TZ
from models.evidence import import_export
from models.provenance import SYSTEMS
from models.tables import Branch, County, Department, MonthlyReport

MONTHS_PER_DEPARTMENT = 1  # how many of a department's months come with their export files
ACTOR = "zhudian demo"


def _write(path: Path, title: str, headers: list[str], rows: list[list]) -> Path:
    """A CSV as Chinese Excel saves one: GB18030, a title row above the headers, a 合计 row below."""
    with path.open("w", encoding="gb18030", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([title])
        out.writerow(headers)
        out.writerows(rows)
        out.writerow(["合计", f"{len(rows)}条"])
    return path


def _person(rng: random.Random) -> tuple[str, str, str]:
    return names.person(rng), f"4414{rng.randrange(10**13):013d}", f"13{rng.randrange(10**9):09d}"


def _files(rng: random.Random, tmp: Path, report: MonthlyReport, county: str, branches: list[Branch]) -> list[tuple]:
    """The four exports that back every figure of one form: (path, system)."""
    year, month = report.year, report.month
    first, last = date(year, month, 1), date(year, month, 28)

    def in_month() -> date:
        return first + timedelta(days=rng.randrange((last - first).days + 1))

    def before() -> date:
        return date(year - rng.randint(1, 6), rng.randint(1, 12), rng.randint(1, 28))

    category = {"nonpublic": "非公企业", "social": "社会组织", "school": "学校", "rural": "农村", "community": "社区",
                "government": "机关事业单位", "other": "其他"}
    orgs = [[b.name, "团支部", category.get(b.kind, "其他"), before(), names.person(rng) if b.has_secretary else "",
             b.member_count] for b in branches]
    for kind, count in (("nonpublic", report.new_nonpublic_orgs or 0), ("social", report.new_social_orgs or 0)):
        fresh = [o for o in orgs if o[2] == category[kind] and o[3].year < year][:count]
        for o in fresh:
            o[3] = in_month()
    org_path = _write(tmp / f"{county}{month}月团组织.csv", f"{county}团组织列表", [
        "组织名称", "组织类型", "单位类别", "成立日期", "团支部书记", "团员人数"], orgs)

    members = []
    for b in branches:
        for _ in range(b.member_count):
            name, idno, phone = _person(rng)
            members.append([name, idno, phone, b.name, category.get(b.kind, "其他"), before()])
    for kind, count in (("nonpublic", report.new_nonpublic_members or 0), ("social", report.new_social_members or 0)):
        pool = [m for m in members if m[4] == category[kind] and m[5].year < year]
        for m in pool[:count]:
            m[5] = in_month()
    member_path = _write(tmp / f"{county}{month}月团员.csv", f"{county}团员信息", [
        "姓名", "身份证号", "手机号码", "所在团支部", "单位类别", "加入本组织时间"], members)

    n = len(members)
    registered = round(n * min(report.volunteer_rate or 0, 100) / 100)
    volunteers = [[m[0], m[1], m[2], "共青团员", date(year, 1, 1) + timedelta(days=rng.randrange(90))]
                  for m in members[:registered]]
    volunteers += [[*_person(rng), "群众", first] for _ in range(n // 10)]
    volunteer_path = _write(tmp / f"{county}{month}月志愿者.csv", "i志愿 志愿者信息", [
        "姓名", "证件号码", "手机号", "政治面貌", "注册时间"], volunteers)

    times = round((report.service_times_per_capita or 0) * n)
    hours = round((report.service_hours_per_capita or 0) * n, 1)
    each = round(hours / times, 2) if times else 0
    services = [[members[i % n][0], members[i % n][1], "共青团员", rng.choice(names.PROJECTS),
                 date(year, 1, 1) + timedelta(days=rng.randrange((last - date(year, 1, 1)).days)), each]
                for i in range(times)] if n else []
    service_path = _write(tmp / f"{county}{month}月服务记录.csv", "i志愿 志愿服务记录", [
        "姓名", "证件号码", "政治面貌", "项目名称", "服务日期", "服务时长（小时）"], services)
    return [(org_path, "智慧团建"), (member_path, "智慧团建"), (volunteer_path, "i志愿"), (service_path, "i志愿")]


def import_exports(conn: Connection, year: int, seed: int, say: Callable[[str], None] = lambda _m: None) -> int:
    """Write and import the export files of a few on-time forms per department; returns the files imported."""
    rng = random.Random(seed * 7919 + 1)
    imported = 0
    with Session(bind=conn) as session, tempfile.TemporaryDirectory(prefix="zhudian-demo-") as tmp:
        reports = session.exec(select(MonthlyReport).where(MonthlyReport.year == year,
                                                           col(MonthlyReport.source).in_(SYSTEMS))
                               .order_by(MonthlyReport.department_id, MonthlyReport.month, MonthlyReport.id)).all()
        by_dept: dict[int, dict[int, list[MonthlyReport]]] = {}
        for r in reports:
            month_end = date(year + (r.month == 12), r.month % 12 + 1, 1) - timedelta(days=1)
            if r.submitted_on is not None and r.submitted_on <= month_end:  # on time: the files come with it
                by_dept.setdefault(r.department_id, {}).setdefault(r.month, []).append(r)
        for dept_id, months in by_dept.items():
            dept = session.get(Department, dept_id)
            for month in sorted(rng.sample(sorted(months), min(MONTHS_PER_DEPARTMENT, len(months)))):
                # The county unit with the fewest members: the files stay small and the build quick.
                candidates = [(sum(b.member_count for b in session.exec(select(Branch).where(
                    Branch.county_id == r.county_id))), r.id, r) for r in months[month]]
                report = min(candidates, key=lambda c: (c[0], c[1]))[2]
                county = session.get(County, report.county_id)
                branches = list(session.exec(select(Branch).where(Branch.county_id == county.id).order_by(Branch.id)))
                exported = report.submitted_on
                moment = datetime.combine(exported, time(9), tzinfo=LOCAL_TZ).astimezone(UTC)
                for path, system in _files(rng, Path(tmp), report, county.name, branches):
                    import_export(session, path, system=system, exported=exported, department=dept.name,
                                  county=county.code, month=(year, month), actor=ACTOR, now=moment)
                    imported += 1
                report.source, report.source_file, report.source_date = "智慧团建", f"{county.name}{month}月团员.csv", exported
                session.add(report)
        say(f"系统导出文件 {imported} 个")
        session.flush()
    return imported
