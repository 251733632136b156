"""What counts as verified (seed: 一切无法核实的信息和数据……一律不计入工作成效) — the one place that says so.

- **A member's rating** is verified when it came through a live (rotating) code of a branch shown
  during a recorded visit that spot-checked that branch, on a day of the visit: :func:`verified_ratings`.
  A cadre's spot-check session on the field pages (``models.field``) has a live link of its own; its
  ratings count once the session's spot check is recorded, and only when they are no more than the
  members present (stated before the QR is shown, confirmed by the cadre with the spot check). A
  session with more ratings than that counts none of them (all kept, flagged): anonymous ratings
  cannot tell a present member from a script that got the code, so which ones count is never decided
  by who answered first — the seed's 无法核实的一律不计入; the cadre sees the count live and can
  show a fresh code to the members present. Every other rating (printed sheets, static links, a live code
  with no spot check behind it, or used outside the visit's dates) is unverified.
- **A monthly figure** (附件2) is verified when the system holds its evidence: an export file of
  智慧团建 or i志愿 imported with ``zhudian import export`` (its hash kept, the figure computed from its
  rows and still equal to what is stored), or an on-site check (实地核实) by a cadre who took part in a
  recorded visit to that county unit, held in that month or before the form was received, and not in
  the future: :func:`report_provenance`. A file name typed beside a figure proves nothing.
- **A typical experience** is verified when it has its text and a cadre checked it on a recorded visit
  to its county unit; promoted when where, when and by whom are recorded and the promotion came after
  that check: :func:`experience_provenance`.
- **A lecture** counts from the plan's issue date to the end of December, once its day has come, with
  its place and more than a handful of listeners, not in an office: :func:`lecture_provenance`.
- **Time is the system's**: a receipt is the system clock's stamp, the typed date is kept as claimed;
  :func:`receipt` is the date every deadline is scored on. A change to figures after the deadline is
  报送后修改 (:func:`record_change`); history brought in later is 补录, scored as the targets say.

The evaluation, the rules, the screens and the exports all ask here; only verified data enters a score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, cast, event, func, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from models import clock
from models.clock import LOCAL_TZ
from models.figures.deadlines import is_empty, receipt, receipt_flags
from models.figures.monthly import FIGURE_ATTRS, FIGURE_LABELS
from models.tables import (
    Cadre,
    EvidenceFile,
    EvidenceUse,
    Experience,
    Lecture,
    MonthlyReport,
    Rating,
    SpotCheck,
    SpotSession,
    SurveyLink,
    Visit,
    VisitCadre,
)

SYSTEMS = ("智慧团建", "i志愿", "青年之声")
ON_SITE = "实地核实"
SOURCES = (*SYSTEMS, ON_SITE)
VERIFIED = "已核实"
UNVERIFIED = "未核实"
_ONE_DAY = timedelta(days=1)


OFFICE_WORDS = ("机关", "办公室", "办公楼", "办公大楼")


@dataclass(frozen=True)
class Provenance:
    verified: bool
    text: str  # Chinese: where the figure came from, or 未核实 and why
    promoted: bool = False  # experiences only: its province-wide promotion is recorded, after the check
    figures: frozenset[str] = frozenset()  # monthly reports: the figures an export file backs
    flags: tuple[str, ...] = ()  # 报送后修改, 补录, and why something does not count
    records: dict[str, list[int]] = field(default_factory=dict)  # the evidence: table -> ids

    def counts(self, attr: str) -> bool:
        """Whether this report's figure ``attr`` may be scored (checked on site, or backed by an export)."""
        return self.verified or attr in self.figures


def _local_day(session: Session, moment):
    """The China-time date of a stored UTC moment, computed by the database (UTC+8, no DST since 1991)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(LOCAL_TZ.key, moment), Date)
    return func.date(moment, "+8 hours", type_=Date)


def verified_ratings(session: Session, *columns) -> Select:
    """``select(*columns)`` over verified ratings only — THE rule of a verified rating.

    A verified rating came through the live link of a branch and a recorded visit (the link's
    ``visit_id``) that spot-checked that branch, on a day of that visit; a spot-check session's link
    counts once the session is tied to that spot check, and only while its ratings are no more than
    the members ``present`` (more: none of them count, whoever answered first). Callers may
    join further tables (Branch, County) and group. The query starts from the live links, so its cost
    follows the verified ratings (found through ``ix_rating_link_id``), not all ratings.
    """
    day = _local_day(session, Rating.created_at)
    same = aliased(Rating)
    received = (select(func.count()).select_from(same).where(same.link_id == Rating.link_id).scalar_subquery())
    return (
        select(*columns).select_from(SurveyLink)
        .join(SpotCheck, and_(SpotCheck.visit_id == SurveyLink.visit_id, SpotCheck.branch_id == SurveyLink.branch_id))
        .join(Visit, Visit.id == SurveyLink.visit_id)
        .join(Rating, Rating.link_id == SurveyLink.id)
        .outerjoin(SpotSession, SpotSession.link_id == SurveyLink.id)
        # "+ 0": the ratings are found by their link (ix_rating_link_id); matched on the branch index
        # instead, SQLite walked every rating of the branch for each live link (1 s on a million).
        .where(col(SurveyLink.live).is_(True), Rating.branch_id + 0 == SurveyLink.branch_id,
               day >= Visit.start_date, day <= Visit.end_date,
               or_(col(SpotSession.id).is_(None),
                   and_(SpotSession.spotcheck_id == SpotCheck.id, col(SpotSession.present).is_not(None),
                        received <= SpotSession.present)))
    )


def verified_by_county(session: Session, first: date, last: date) -> dict[int, int]:
    """Verified ratings per county unit made from ``first`` to ``last`` (China-time dates).

    The period is applied here, not in SQL: a date condition on the ratings made SQLite scan all of
    them (400 ms on a million) where the verified ones alone are read in a few milliseconds.
    """
    from models.tables import Branch

    day = _local_day(session, Rating.created_at)
    query = (verified_ratings(session, Branch.county_id, day, func.count(Rating.id))
             .join(Branch, Branch.id == SurveyLink.branch_id).group_by(Branch.county_id, day))
    counts: dict[int, int] = {}
    for county_id, on, n in session.exec(query).all():
        on = on if isinstance(on, date) else date.fromisoformat(str(on))
        if first <= on <= last:
            counts[county_id] = counts.get(county_id, 0) + n
    return counts


def verified_rating_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of these ratings are verified."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(session.exec(verified_ratings(session, Rating.id).where(col(Rating.id).in_(wanted))).all())


# --- figures checked on a visit: the visit must be recorded in that county unit, with that cadre, in order ---


@dataclass(frozen=True)
class OnSiteCheck:
    county_id: int | None
    start: date
    end: date
    cadre: str


def _on_site_checks(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], OnSiteCheck]:
    """(visit, cadre) → the visit's county, dates and the cadre's name, where the cadre took part."""
    if not pairs:
        return {}
    rows = session.exec(
        select(VisitCadre.visit_id, VisitCadre.cadre_id, Visit.county_id, Visit.start_date, Visit.end_date, Cadre.name)
        .join(Visit, Visit.id == VisitCadre.visit_id).join(Cadre, Cadre.id == VisitCadre.cadre_id)
        .where(col(VisitCadre.visit_id).in_({v for v, _c in pairs}))
    ).all()
    return {(v, c): OnSiteCheck(county, start, end, name) for v, c, county, start, end, name in rows if (v, c) in pairs}


def _checked(found: dict, visit_id: int | None, cadre_id: int | None, county_id: int, year: int) -> OnSiteCheck | None:
    """The recorded check when (visit, cadre) is a check of this county unit and year."""
    hit = found.get((visit_id, cadre_id)) if visit_id and cadre_id else None
    if hit is None or hit.county_id != county_id or hit.start.year != year:
        return None
    return hit


def _check_text(hit: OnSiteCheck) -> str:
    return f"{ON_SITE}：{hit.cadre}（{hit.start:%m月%d日}驻点）"


def check_in_order(hit: OnSiteCheck, year: int, month: int, received: date | None, today: date) -> str:
    """Why an on-site check of a month's form does not count ("" when it does): the visit must have
    begun by today, by the form's receipt (or by the month's end while none is received), and not have
    ended before the month began."""
    first = date(year, month, 1)
    if hit.start > today:
        return f"核实驻点（{hit.start:%m月%d日}）尚未到来"
    if received is not None and hit.start > received:
        return f"核实驻点（{hit.start:%m月%d日}）晚于报表收到日期（{received:%m月%d日}），不算实地核实"
    if received is None and hit.start > _month_end(year, month):
        return f"核实驻点（{hit.start:%m月%d日}）不在{month}月内"
    if hit.end < first:
        return f"核实驻点（{hit.start:%m月%d日}）早于{month}月，不能核实{month}月的数据"
    return ""


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1) - _ONE_DAY


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-6


def _evidence(session: Session, report_ids: list[int]) -> dict[int, list[tuple[EvidenceFile, dict]]]:
    out: dict[int, list[tuple[EvidenceFile, dict]]] = {}
    if not report_ids:
        return out
    for use, ev in session.exec(select(EvidenceUse, EvidenceFile).join(EvidenceFile, EvidenceFile.id == EvidenceUse.evidence_id)
                                .where(col(EvidenceUse.report_id).in_(report_ids)).order_by(EvidenceFile.id)):
        out.setdefault(use.report_id, []).append((ev, json.loads(use.values or "{}")))
    return out


def evidence_text(ev: EvidenceFile) -> str:
    return (f"{ev.system}导出（{ev.file_name}，{ev.exported_on:%Y-%m-%d}，SHA-256 {ev.sha256[:12]}…，"
            f"用 {ev.rows_used}/{ev.rows_total} 行）")


def report_provenance(session: Session, reports: Iterable[MonthlyReport], *, today: date | None = None,
                      targets=None) -> dict[int, Provenance]:
    """Per monthly report (by id): whether its figures are verified, which ones an export backs, the source
    in words, its flags (报送后修改, 补录, why not verified) and the evidence records."""
    today = today or clock.today()
    reports = list(reports)
    found = _on_site_checks(session, {(r.checked_visit_id, r.checked_by_id) for r in reports
                                      if r.source == ON_SITE and r.checked_visit_id and r.checked_by_id})
    files = _evidence(session, [r.id for r in reports])
    out: dict[int, Provenance] = {}
    for r in reports:
        flags = list(receipt_flags(r))
        present = {a for a in FIGURE_ATTRS if getattr(r, a) is not None}
        backed: set[str] = set()
        used: list[EvidenceFile] = []
        for ev, values in files.get(r.id, []):
            if ev.exported_on > today:
                continue
            hits = {a for a, v in values.items() if a in present and _same(getattr(r, a), v)}
            if hits:
                backed |= hits
                used.append(ev)
        records: dict[str, list[int]] = {"evidencefile": [ev.id for ev in used]} if used else {}
        if r.source == ON_SITE and (hit := _checked(found, r.checked_visit_id, r.checked_by_id, r.county_id, r.year)):
            why = check_in_order(hit, r.year, r.month, receipt(r, targets), today)
            if not why:
                records["visit"] = [r.checked_visit_id]
                out[r.id] = Provenance(True, _check_text(hit), figures=frozenset(present), flags=tuple(flags),
                                       records=records)
                continue
            flags.append(why)
        if backed and backed == present:
            out[r.id] = Provenance(True, "；".join(evidence_text(ev) for ev in used), figures=frozenset(backed),
                                   flags=tuple(flags), records=records)
            continue
        if r.source in SYSTEMS and not used:
            flags.append(f"填写的来源“{r.source}”{('（' + r.source_file + '）') if r.source_file else ''}"
                         "没有导入的导出文件，数字为手工填写")
        if backed:
            typed = "、".join(FIGURE_LABELS[a] for a in FIGURE_ATTRS if a in present - backed)
            text = f"{UNVERIFIED}（部分核实：{'；'.join(evidence_text(ev) for ev in used)}；手工填写：{typed}）"
        else:
            text = UNVERIFIED
        out[r.id] = Provenance(False, text, figures=frozenset(backed), flags=tuple(flags), records=records)
    return out


def experience_provenance(session: Session, experiences: Iterable[Experience], *,
                          today: date | None = None) -> dict[int, Provenance]:
    """Per experience (by id): with its text and checked on a recorded visit (verified), and its promotion
    recorded after that check (promoted)."""
    today = today or clock.today()
    experiences = list(experiences)
    found = _on_site_checks(session, {(e.checked_visit_id, e.checked_by_id) for e in experiences
                                      if e.checked_visit_id and e.checked_by_id})
    out: dict[int, Provenance] = {}
    for e in experiences:
        hit = _checked(found, e.checked_visit_id, e.checked_by_id, e.county_id, e.year)
        if not e.text.strip():
            out[e.id] = Provenance(False, UNVERIFIED, flags=("经验内容为空：没有可核实的做法",))
            continue
        if hit is None or hit.start > today:
            why = "核实驻点尚未到来" if hit is not None else "未经驻点实地核实"
            out[e.id] = Provenance(False, UNVERIFIED, flags=(why,))
            continue
        text, flags = _check_text(hit), []
        recorded = clock.local(e.promotion_recorded_at).date() if e.promotion_recorded_at else None
        promoted = False
        if e.promoted_on is not None:
            if not (e.promoted_where.strip() and e.promoted_by.strip()):
                flags.append("推广未写明场合和单位")
            elif e.promoted_on.year != e.year:
                flags.append("推广不在本年度")
            elif e.promoted_on < hit.start or (recorded is not None and recorded < hit.start):
                flags.append(f"推广（{e.promoted_on:%m月%d日}）早于实地核实（{hit.start:%m月%d日}），不计为推广")
            elif e.promoted_on > today:
                flags.append("推广日期尚未到来")
            else:
                promoted = True
                text += f"；{e.promoted_on:%Y-%m-%d} 由{e.promoted_by}在{e.promoted_where}推广"
        out[e.id] = Provenance(True, text, promoted, flags=tuple(flags), records={"visit": [e.checked_visit_id]})
    return out


def lecture_problem(held_on: date, audience: int | None, place: str, targets, today: date) -> str:
    """Why a lecture does not count ("" when it does): the seed's 每年……开讲至少1次党团课, from the plan's
    issue date to the end of December, once its day has come, to more than a handful of 团员青年, at a
    named place that is not an office."""
    if held_on < targets.plan_issued:
        return f"授课日期早于实施方案印发日期（{targets.plan_issued:%Y-%m-%d}）"
    if held_on > date(targets.year, 12, 31):
        return f"授课日期不在{targets.year}年内"
    if held_on > today:
        return f"授课日期（{held_on:%Y-%m-%d}）尚未到来"
    if not place.strip():
        return "未填写授课地点"
    if any(w in place for w in OFFICE_WORDS):
        return f"授课地点“{place}”是机关办公场所，不是团员青年聚集地"
    if audience is None or audience < targets.lecture_min_audience:
        return f"听课团员青年 {audience or 0} 人，少于 {targets.lecture_min_audience:g} 人"
    return ""


def lecture_provenance(lectures: Iterable[Lecture], targets, *, today: date | None = None) -> dict[int, Provenance]:
    """Per lecture (by id): whether it counts toward the cadre's yearly lecture, and if not, why (flagged)."""
    today = today or clock.today()
    out = {}
    for lec in lectures:
        why = lecture_problem(lec.held_on, lec.audience, lec.place, targets, today)
        out[lec.id] = Provenance(not why, f"{lec.held_on:%Y-%m-%d} {lec.place}，{lec.audience} 人" if not why else
                                 f"{UNVERIFIED}：{why}", flags=(why,) if why else (), records={"lecture": [lec.id]})
    return out


def report_marks_by_city(session: Session, year: int, months: Iterable[int], *,
                         today: date | None = None) -> dict[int, tuple[int, int]]:
    """Per city: how many of its monthly forms in ``months`` are 未核实 and how many 报送后修改 (``status``,
    the dashboard). Empty forms are not forms and are not counted."""
    from models.tables import County

    rows = session.exec(select(MonthlyReport, County.city_id).join(County, County.id == MonthlyReport.county_id)
                        .where(MonthlyReport.year == year, col(MonthlyReport.month).in_(list(months)))).all()
    reports = [r for r, _c in rows if not is_empty(r)]
    provs = report_provenance(session, reports, today=today)
    out: dict[int, list[int]] = {}
    for r, city in rows:
        if r.id in provs:
            counts = out.setdefault(city, [0, 0])
            counts[0] += not provs[r.id].verified
            counts[1] += r.amended_at is not None
    return {city: (a, b) for city, (a, b) in out.items()}


@event.listens_for(Lecture, "before_insert")
def _lecture_recorded(_mapper, _connection, lecture: Lecture) -> None:
    """Every face that records a lecture (import, field page, dashboard) leaves the system's time on it, so a
    lecture written down before its day is known as such."""
    if lecture.received_at is None:
        lecture.received_at = clock.now()
