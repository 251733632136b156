"""The evidence behind a scored figure, loadable from the record ids a figure lists.

``evidence(session, {"monthlyreport": [ids], "experience": [...], "lecture": [...]})`` → one
:class:`Evidence` per record: the export files (name, system, export date, hash, rows used) and the
on-site check (visit and cadre) it rests on, its receipt, and its marks (未核实, 报送后修改, 补录).
``report evaluation --json`` and the XLSX's 依据记录 attach it to each figure's records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from models import clock
from models.figures.deadlines import receipt
from models.provenance import experience_provenance, lecture_provenance, report_provenance
from models.tables import Cadre, County, EvidenceFile, Experience, Lecture, MonthlyReport, Visit
from models.targets import targets_for


@dataclass
class Evidence:
    table: str
    record_id: int
    verified: bool
    text: str  # where it came from, in words
    received: date | None = None  # the system's receipt
    claimed: date | None = None  # the date typed for it
    flags: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.record_id, "verified": self.verified, "text": self.text,
                "received": self.received.isoformat() if self.received else None,
                "claimed": self.claimed.isoformat() if self.claimed else None, "flags": self.flags,
                "files": self.files, "visits": self.visits}


def file_dict(ev: EvidenceFile) -> dict[str, Any]:
    return {"id": ev.id, "file": ev.file_name, "system": ev.system, "layout": ev.layout,
            "exported_on": ev.exported_on.isoformat(), "sha256": ev.sha256, "size": ev.size,
            "rows_used": ev.rows_used, "rows_total": ev.rows_total, "brought_by": ev.brought_by,
            "received_at": clock.local(ev.received_at).isoformat(timespec="seconds")}


def _visits(session: Session, ids: set[int]) -> dict[int, dict[str, Any]]:
    out = {}
    for v, county in session.exec(select(Visit, County.name).join(County, County.id == Visit.county_id, isouter=True)
                                  .where(col(Visit.id).in_(ids or {0}))):
        out[v.id] = {"id": v.id, "county": county or "", "start": v.start_date.isoformat(),
                     "end": v.end_date.isoformat()}
    return out


def evidence(session: Session, records: dict[str, list[int]], *, today: date | None = None) -> list[Evidence]:
    """The evidence of these records (tables monthlyreport, experience, lecture; others are ignored)."""
    today = today or clock.today()
    years: dict[int, Any] = {}

    def targets(year: int):
        if year not in years:
            years[year] = targets_for(session, year)
        return years[year]

    out: list[Evidence] = []
    reports = list(session.exec(select(MonthlyReport).where(col(MonthlyReport.id).in_(records.get("monthlyreport")
                                                                                     or [0]))))
    if reports:
        provs = report_provenance(session, reports, today=today)
        files = {ev.id: ev for ev in session.exec(select(EvidenceFile).where(col(EvidenceFile.id).in_(
            {i for p in provs.values() for i in p.records.get("evidencefile", [])} or {0})))}
        visits = _visits(session, {i for p in provs.values() for i in p.records.get("visit", [])})
        for r in reports:
            p = provs[r.id]
            item = Evidence("monthlyreport", r.id, p.verified, p.text, receipt(r, targets(r.year)),
                            r.claimed_on, list(p.flags),
                            [file_dict(files[i]) for i in p.records.get("evidencefile", [])],
                            [visits[i] | _cadre(session, r.checked_by_id) for i in p.records.get("visit", [])
                             if i in visits])
            out.append(item)
    exps = list(session.exec(select(Experience).where(col(Experience.id).in_(records.get("experience") or [0]))))
    if exps:
        provs = experience_provenance(session, exps, today=today)
        visits = _visits(session, {i for p in provs.values() for i in p.records.get("visit", [])})
        for e in exps:
            p = provs[e.id]
            out.append(Evidence("experience", e.id, p.verified, p.text, flags=list(p.flags),
                                visits=[visits[i] | _cadre(session, e.checked_by_id)
                                        for i in p.records.get("visit", []) if i in visits]))
    lectures = list(session.exec(select(Lecture).where(col(Lecture.id).in_(records.get("lecture") or [0]))))
    by_year: dict[int, list[Lecture]] = {}
    for lec in lectures:
        by_year.setdefault(lec.held_on.year, []).append(lec)
    for year, group in by_year.items():
        t = targets(year)
        provs = lecture_provenance(group, t, today=today)
        for lec in group:
            p = provs[lec.id]
            flags = list(p.flags) + ([f"补录（{lec.backfill_reason}）"] if lec.backfill_reason else [])
            out.append(Evidence("lecture", lec.id, p.verified, p.text, receipt(lec, t), lec.materials_claimed_on,
                                flags))
    return out


def _cadre(session: Session, cadre_id: int | None) -> dict[str, Any]:
    cadre = session.get(Cadre, cadre_id) if cadre_id else None
    return {"cadre": cadre.name if cadre else ""}
