"""Factories for hand-built records: each takes a session and names, fills sensible defaults, flushes."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.db import make_engine
from models.feedback import add_rating
from models.figures.monthly import FIGURE_ATTRS
from models.provenance import SYSTEMS
from models.reference import find_city, find_county, find_department
from models.tables import (
    Activity,
    Branch,
    Cadre,
    County,
    EvidenceFile,
    EvidenceUse,
    Lecture,
    MonthlyReport,
    Rating,
    SpotCheck,
    SurveyLink,
    Visit,
    VisitCadre,
)

_seq = itertools.count(1)


def built_database(template: Path, path: Path, build: Callable[[Session], None]) -> Path:
    """A copy of the migrated ``template`` at ``path`` with ``build`` run on it (a province, a corpus)."""
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        build(session)
    engine.dispose()
    return path


def cadre(session: Session, department: str = "组织部", name: str | None = None) -> Cadre:
    dept = find_department(session, department)
    row = Cadre(name=name or f"干部{next(_seq)}", department_id=dept.id)
    session.add(row)
    session.flush()
    return row


def county(session: Session, name: str, city: str | None = None) -> County:
    return find_county(session, name, find_city(session, city) if city else None)


def branch(session: Session, county_name: str = "梅江区", name: str | None = None, *, kind: str = "community",
           member_count: int = 20, has_secretary: bool = True) -> Branch:
    row = Branch(name=name or f"测试团支部{next(_seq)}", county_id=county(session, county_name).id, kind=kind,
                 member_count=member_count, has_secretary=has_secretary)
    session.add(row)
    session.flush()
    return row


def visit(session: Session, department: str = "组织部", city: str = "梅州", county_name: str | None = "梅江区", *,
          start: date = date(2019, 5, 6), days: float = 1.0, cadres: list[Cadre] | None = None,
          meeting: int | None = None, town: str = "", end: date | None = None) -> Visit:
    """A visit as recorded (no rules applied: tests build breaches too); by default its dates are its
    whole days, from ``start`` on."""
    c = find_city(session, city)
    end = end or start + timedelta(days=max(1, math.ceil(days)) - 1)
    row = Visit(department_id=find_department(session, department).id, city_id=c.id,
                county_id=find_county(session, county_name, c).id if county_name else None,
                town=town, start_date=start, end_date=end, full_days=days, max_meeting_size=meeting)
    session.add(row)
    session.flush()
    for cd in cadres or []:
        session.add(VisitCadre(visit_id=row.id, cadre_id=cd.id))
    session.flush()
    return row


def spot_check(session: Session, v: Visit, b: Branch, *, wechat_ok: bool = True,
               secretary_operates: bool = True) -> SpotCheck:
    row = SpotCheck(visit_id=v.id, branch_id=b.id, checked_on=v.start_date, wechat_ok=wechat_ok,
                    secretary_operates=secretary_operates)
    session.add(row)
    session.flush()
    return row


def activity(session: Session, b: Branch, name: str = "主题团日活动", held_on: date = date(2019, 5, 4)) -> Activity:
    row = Activity(branch_id=b.id, name=name, kind="主题团日", held_on=held_on)
    session.add(row)
    session.flush()
    return row


def rating(session: Session, b: Branch, score: int = 5, *, a: Activity | None = None, suggestion: str = "",
           at: datetime = datetime(2019, 5, 10, 4, 0, tzinfo=UTC), photo_id: int | None = None,
           link_id: int | None = None) -> Rating:
    row = add_rating(session, branch_id=b.id, score=score, submission_id=uuid.uuid4().hex,
                     activity_id=a.id if a else None, suggestion=suggestion, created_at=at, photo_id=photo_id,
                     link_id=link_id)
    assert row is not None
    session.flush()
    return row


def photo(session: Session, color: str = "red"):
    """A real (tiny) JPEG stored as a member's photo."""
    import io

    from PIL import Image

    from models.tables import Photo

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="JPEG")
    row = Photo(mime="image/jpeg", width=40, height=30, data=buf.getvalue())
    session.add(row)
    session.flush()
    return row


def lecture(session: Session, c: Cadre, held_on: date = date(2019, 6, 1), title: str = "青年大学习") -> Lecture:
    row = Lecture(cadre_id=c.id, held_on=held_on, place="梅州市委党校", audience=60, title=title)
    session.add(row)
    session.flush()
    return row


def monthly_report(session: Session, department: str, county_name: str, month: int, *, year: int = 2019,
                   submitted_on: date | None = None, **figures) -> MonthlyReport:
    """A monthly form. A system source with its file and date stands for an export imported with
    ``zhudian import export``: its evidence (file record and the figures it backs) is recorded too;
    a source without them is a typed claim (unverified)."""
    row = MonthlyReport(department_id=find_department(session, department).id,
                        county_id=county(session, county_name).id, year=year, month=month,
                        submitted_on=submitted_on, **figures)
    session.add(row)
    session.flush()
    if row.source in SYSTEMS and row.source_file and row.source_date:
        exported_evidence(session, row)
    return row


def exported_evidence(session: Session, report: MonthlyReport) -> EvidenceFile:
    """The evidence an imported export file leaves for ``report``'s present figures (see models/evidence)."""
    # A fixed hash per form, so a province built twice is the same province (snapshots).
    digest = hashlib.sha256(f"{report.department_id}/{report.county_id}/{report.year}/{report.month}/"
                            f"{report.source_file}".encode()).hexdigest()
    ev = EvidenceFile(system=report.source, layout="zhtj_members", file_name=report.source_file,
                      sha256=digest, size=1024, rows_total=10, rows_used=10,
                      exported_on=report.source_date, department_id=report.department_id, year=report.year,
                      month=report.month, brought_by="test")
    session.add(ev)
    session.flush()
    values = {a: getattr(report, a) for a in FIGURE_ATTRS if getattr(report, a) is not None}
    session.add(EvidenceUse(evidence_id=ev.id, report_id=report.id, county_id=report.county_id,
                            values=json.dumps(values)))
    session.flush()
    return ev


def all_branches(session: Session) -> list[Branch]:
    return list(session.exec(select(Branch)))


def survey_link(session: Session, b: Branch, **options) -> SurveyLink:
    """A survey link for a branch (``visit_id``, ``opens_at``, ``closes_at``, ``max_responses``, ``live``)."""
    from models.links import create_link

    return create_link(session, b.id, **options)


def live_rating(session: Session, v: Visit, b: Branch, score: int = 5, *, at: datetime | None = None) -> Rating:
    """A rating through the branch's live code of visit ``v`` (verified when ``v`` spot-checked ``b``);
    by default at 10:00 China time on the visit's first day."""
    from models.links import live_link

    link = live_link(session, b.id, v.id)
    when = at or datetime(v.start_date.year, v.start_date.month, v.start_date.day, 2, 0, tzinfo=UTC)
    return rating(session, b, score, at=when, link_id=link.id)


def experience(session: Session, department: str, county_name: str, title: str = "支部建设经验", *,
               checked: Visit | None = None, by: Cadre | None = None, promoted_on: date | None = None,
               where: str = "全省团的基层建设现场推进会", promoter: str = "基层组织建设部", year: int = 2019):
    """A typical experience, checked on visit ``checked`` by ``by`` and promoted on ``promoted_on``."""
    from models.tables import Experience

    row = Experience(department_id=find_department(session, department).id,
                     county_id=county(session, county_name).id, year=year, title=title, text="经验做法",
                     checked_visit_id=checked.id if checked else None, checked_by_id=by.id if by else None,
                     promoted_on=promoted_on, promoted_where=where if promoted_on else "",
                     promoted_by=promoter if promoted_on else "")
    session.add(row)
    session.flush()
    return row


def city_plan(session: Session, city: str, submitted_on: date | None, year: int = 2019):
    from models.tables import CityPlan

    row = CityPlan(city_id=find_city(session, city).id, year=year, title=f"{city}市驻点工作实施方案",
                   submitted_on=submitted_on)
    session.add(row)
    session.flush()
    return row


# --- spreadsheet files for import tests -------------------------------------------------------------


def write_xlsx(path, headers: list[str], rows: list[list]) -> Path:
    """A real XLSX written by openpyxl, as a department would send it."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path, headers: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    """A CSV in ``encoding`` (utf-8, utf-8-sig as Excel writes it, or gb18030 as Chinese Excel saves it)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
