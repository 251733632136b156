"""The cadres' side of the field: personal links, spot-check sessions and their tie to members' ratings.

Pure database work, shared by the field pages (``survey``) and the ``zhudian cadre`` commands (``tui``).

- **Personal links** (ODK Central's app users as the model): a secret of 192 random bits, of which only
  the SHA-256 is stored; revocable; expiring at the end of the campaign by default.
- **Spot-check sessions**: a cadre on a recorded visit shows a branch's live QR; each session has its
  own live survey link, so the ratings made through it are tied to the session, its visit and time.
  Once the spot check is recorded they are verified (``models.provenance``).
- **Field submissions**: each field form carries a submission id; a retry finds the stored record.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from models.clock import LOCAL_TZ, now
from models.clock import today as clock_today
from models.figures.period import Period
from models.links import create_link
from models.progress import progress, visit_days_grid
from models.provenance import verified_rating_ids
from models.sources import FIELD_PAGES
from models.tables import (
    Branch,
    Cadre,
    CadreLink,
    Department,
    FieldSubmission,
    Lecture,
    Rating,
    SpotCheck,
    SpotSession,
    Visit,
    VisitCadre,
)
from models.targets import campaign_years, current_year, targets_for

TOKEN_BYTES = 24
DEFAULT_DAYS_AFTER_CAMPAIGN = 30
SOURCE = FIELD_PAGES  # the audit source of every field-page write


class FieldError(ValueError):
    """A field request that cannot be done as asked; the message is Chinese."""


def token_hash(token: str) -> str:
    """What is stored of a personal link's secret (cadres' and leaders' links alike)."""
    return hashlib.sha256(token.encode()).hexdigest()


def campaign_end(session: Session, year: int) -> datetime:
    """The end of the campaign's last day (Beijing time), as an aware UTC moment."""
    targets = targets_for(session, year)
    last = date(year, targets.end_month + 1, 1) - timedelta(days=1) if targets.end_month < 12 else date(year, 12, 31)
    return datetime.combine(last, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)


def find_cadre(session: Session, ref: str) -> Cadre:
    """A cadre by id or by exact name (a name two departments share must be given by id)."""
    if ref.isdigit():
        cadre = session.get(Cadre, int(ref))
        if cadre is None:
            raise FieldError(f"找不到编号为 {ref} 的专职干部")
        return cadre
    found = list(session.exec(select(Cadre).where(Cadre.name == ref.strip())))
    if not found:
        raise FieldError(f"找不到名为“{ref}”的专职干部（可用 zhudian cadre list 查看）")
    if len(found) > 1:
        ids = "、".join(str(c.id) for c in found)
        raise FieldError(f"有 {len(found)} 名专职干部叫“{ref}”，请改用编号：{ids}")
    return found[0]


def new_secret(session: Session, expires_at: datetime | None = None) -> tuple[str, datetime]:
    """A personal link's secret and when it expires (default: the end of this year's campaign; once that
    is over, 30 days). Raises :class:`FieldError` for a date already past."""
    if expires_at is None:
        expires_at = campaign_end(session, now().astimezone(LOCAL_TZ).year)
        if expires_at <= now():
            expires_at = now() + timedelta(days=DEFAULT_DAYS_AFTER_CAMPAIGN)
    if expires_at <= now():
        raise FieldError("链接的有效期已过，请指定今后的日期")
    return secrets.token_urlsafe(TOKEN_BYTES), expires_at


def issue_link(session: Session, cadre: Cadre, expires_at: datetime | None = None) -> tuple[CadreLink, str]:
    """A new personal link for ``cadre``: the row and the secret token (shown once, never stored). Flushes."""
    token, expires_at = new_secret(session, expires_at)
    link = CadreLink(cadre_id=cadre.id, token_hash=token_hash(token), expires_at=expires_at)
    session.add(link)
    session.flush()
    return link, token


def link_state(link: CadreLink | None, at: datetime | None = None) -> str:
    """``"ok"``, ``"unknown"``, ``"revoked"`` or ``"expired"``."""
    at = at or now()
    if link is None:
        return "unknown"
    if link.revoked_at is not None:
        return "revoked"
    expires = link.expires_at if link.expires_at.tzinfo else link.expires_at.replace(tzinfo=UTC)
    return "expired" if expires <= at else "ok"


def link_by_token(session: Session, token: str) -> CadreLink | None:
    if not token or len(token) > 64:
        return None
    return session.exec(select(CadreLink).where(CadreLink.token_hash == token_hash(token))).first()


def revoke(session: Session, cadre: Cadre) -> int:
    """Revoke every live link of ``cadre`` at once; how many were revoked. Flushes."""
    links = list(session.exec(select(CadreLink).where(CadreLink.cadre_id == cadre.id,
                                                      col(CadreLink.revoked_at).is_(None))))
    for link in links:
        link.revoked_at = now()
        session.add(link)
    session.flush()
    return len(links)


@dataclass(frozen=True)
class CadreSummary:
    cadre: Cadre
    department: Department
    year_days: float
    lectures: int
    department_month_days: float
    targets_days: float
    targets_lectures: int
    targets_month_days: float
    visits: list[Visit]
    year: int  # the campaign year the cadre's records count for
    months: list[int]  # its months


def field_year(session: Session, today: date) -> int:
    """The campaign year the field pages record for as of ``today``: the most recent one the database holds."""
    year = current_year(today)
    years = [y for y in campaign_years(session) if y <= year]
    return max(years) if years else year


def summary(session: Session, cadre: Cadre, today: date) -> CadreSummary:
    """我的驻点: the cadre's days in the campaign year against the target, lectures, the department's days this month."""
    year = field_year(session, today)
    targets = targets_for(session, year)
    visits = list(session.exec(
        select(Visit).join(VisitCadre, VisitCadre.visit_id == Visit.id)
        .where(VisitCadre.cadre_id == cadre.id, Visit.start_date >= date(year, 1, 1),
               Visit.start_date <= date(year, 12, 31))
        .order_by(col(Visit.start_date).desc(), col(Visit.id).desc())))
    # The same figures as the dashboard's cadre list and the rules (one query module: models.progress).
    mine = [f for f in progress(session, "cadre", Period(year), department_id=cadre.department_id,
                                today=today) if f.id == cadre.id]
    days, lectures = (mine[0].visit_days_year, mine[0].lectures) if mine else (0.0, 0)
    # His own target: the seed's 10, pro-rated if he left (the dashboard's, the rules' and the evaluation's).
    target = mine[0].visit_days_target if mine and mine[0].visit_days_target is not None else 0.0
    month = today.month if today.year == year else 0
    month_days = visit_days_grid(session, year).get(cadre.department_id, {}).get(month, 0.0)
    return CadreSummary(cadre, session.get(Department, cadre.department_id), days, lectures, month_days,
                        target, int(targets.lectures_per_cadre), targets.dept_days_per_month,
                        visits, year, targets.months)


def own_visit(session: Session, cadre: Cadre, visit_id: int) -> Visit:
    """A visit of the cadre's department (a cadre records spot checks for his department's visits)."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.department_id != cadre.department_id:
        raise FieldError("找不到这次驻点，或它不属于本部门")
    return visit


MAX_PRESENT = 10_000


def on_visit_days(visit: Visit, today: date) -> str:
    """Why a live code shown ``today`` cannot verify ratings for ``visit`` ("" when it can); Chinese."""
    if visit.start_date <= today <= visit.end_date:
        return ""
    days = (f"{visit.start_date:%Y-%m-%d}" if visit.start_date == visit.end_date
            else f"{visit.start_date:%Y-%m-%d} 至 {visit.end_date:%Y-%m-%d}")
    return f"今天（{today:%Y-%m-%d}）不是本次驻点的日期（{days}）：现场二维码只在驻点当天有效，评价不能计为已核实"


def visit_cadre_names(session: Session, visit: Visit) -> list[str]:
    return list(session.exec(select(Cadre.name).join(VisitCadre, VisitCadre.cadre_id == Cadre.id)
                             .where(VisitCadre.visit_id == visit.id).order_by(Cadre.id)))


def start_session(session: Session, cadre: Cadre, visit: Visit, branch_id: int, present: int | None,
                  today: date | None = None) -> SpotSession:
    """Begin showing a branch's live QR during ``visit``; a new live link of its own. Flushes.

    Refused without the number of members present (it caps what the session can verify) and on a
    day that is not the visit's (ratings then could never be verified).
    """
    branch = session.get(Branch, branch_id)
    if branch is None or branch.county_id != visit.county_id:
        raise FieldError("请选择本次驻点县（市、区）内要抽查的团支部")
    if present is None:
        raise FieldError("请先填写在场团员人数：现场二维码的评价最多按在场人数核实，超出的全部不计入")
    if not 1 <= present <= MAX_PRESENT:
        raise FieldError(f"在场团员人数应为 1 至 {MAX_PRESENT} 的整数")
    if problem := on_visit_days(visit, today or clock_today()):
        raise FieldError(problem)
    link = create_link(session, branch_id, visit_id=visit.id, live=True)
    spot = SpotSession(visit_id=visit.id, branch_id=branch_id, cadre_id=cadre.id, link_id=link.id, present=present)
    session.add(spot)
    session.flush()
    return spot


def session_ratings(session: Session, spot: SpotSession) -> tuple[int, int]:
    """(ratings through the session's codes, of them beyond the members present: kept, flagged)."""
    count = session.exec(select(func.count()).select_from(Rating).where(Rating.link_id == spot.link_id)).one()
    return count, beyond_present(spot, count)


def beyond_present(spot: SpotSession, ratings: int) -> int:
    """How many of a session's ``ratings`` exceed the members present (kept, flagged).

    Past the members present, none of the session's ratings count (``models.provenance``): which ones
    would is unknowable, and must not depend on who answered first. Without a number present, none can.
    """
    return max(0, ratings - spot.present) if spot.present is not None else ratings


def session_verdict(session: Session, spot: SpotSession, today: date | None = None) -> tuple[bool, list[str]]:
    """Whether the session's ratings will count as verified, and why not (Chinese lines for the cadre)."""
    visit = session.get(Visit, spot.visit_id)
    count, beyond = session_ratings(session, spot)
    why: list[str] = []
    if problem := on_visit_days(visit, today or clock_today()):
        why.append(problem)
    if spot.present is None:
        why.append("没有填写在场团员人数，本次评价不能核实")
    elif beyond:
        why.append(f"已收到 {count} 份评价，超过在场的 {spot.present} 人：本次二维码的评价都不计入（保留并标记），"
                   "不按先后取舍。请核实在场人数后在抽查结果中确认，或重新出示新的二维码")
    return not why, why


def session_verified(session: Session, spot: SpotSession) -> int:
    """How many of the session's ratings count as verified now (the one rule: ``models.provenance``)."""
    ids = session.exec(select(Rating.id).where(Rating.link_id == spot.link_id)).all()
    return len(verified_rating_ids(session, ids))


def wechat_rule(group_members: int, branch_members: int) -> bool:
    """附件2: a branch's WeChat group must hold at least 3/4 of its members."""
    return branch_members > 0 and group_members * 4 >= branch_members * 3


def record_check(session: Session, spot: SpotSession, *, has_group: bool, group_members: int, branch_members: int,
                 secretary_operates: bool, notes: str, checked_on: date | None, photo_id: int | None = None,
                 present: int | None = None, today: date | None = None) -> SpotCheck:
    """Record (or correct) the spot check of a session's branch on its visit, and tie the session to it.

    ``present``: the members present as the cadre confirms them at the end (default: as stated when
    the QR was shown); it bounds the session's verified ratings (``models.provenance``).
    """
    today = today or clock_today()
    if checked_on is None:
        raise FieldError("请填写抽查日期")
    if checked_on > today:
        raise FieldError(f"抽查日期（{checked_on:%Y-%m-%d}）不能晚于今天（{today:%Y-%m-%d}）")
    if present is not None and not 1 <= present <= MAX_PRESENT:
        raise FieldError(f"在场团员人数应为 1 至 {MAX_PRESENT} 的整数")
    if branch_members < 1:
        raise FieldError("团支部团员数应至少为 1")
    if group_members < 0 or (not has_group and group_members):
        raise FieldError("没有微信群时群内团员数应为 0")
    if group_members > branch_members:
        raise FieldError(f"群内团员数（{group_members}）不能多于团支部团员数（{branch_members}）")
    visit = session.get(Visit, spot.visit_id)
    if not visit.start_date <= checked_on <= visit.end_date:
        raise FieldError(f"抽查日期应在本次驻点的日期内（{visit.start_date:%Y-%m-%d} 至 {visit.end_date:%Y-%m-%d}）")
    check = session.exec(select(SpotCheck).where(SpotCheck.visit_id == spot.visit_id,
                                                 SpotCheck.branch_id == spot.branch_id)).first()
    values = {"checked_on": checked_on, "wechat_ok": has_group and wechat_rule(group_members, branch_members),
              "secretary_operates": secretary_operates, "notes": notes, "group_members": group_members,
              "branch_members": branch_members}
    if photo_id is not None:
        values["photo_id"] = photo_id
    if check is None:
        check = SpotCheck(visit_id=spot.visit_id, branch_id=spot.branch_id, **values)
    else:
        for key, value in values.items():
            setattr(check, key, value)
    session.add(check)
    session.flush()
    spot.spotcheck_id = check.id
    if present is not None:
        spot.present = present
    session.add(spot)
    session.flush()
    return check


def stored_submission(session: Session, submission_id: str) -> FieldSubmission | None:
    return session.get(FieldSubmission, submission_id) if submission_id else None


def remember_submission(session: Session, submission_id: str, kind: str, record_id: int) -> None:
    """Mark a field form as stored, in the same transaction as its record."""
    session.add(FieldSubmission(submission_id=submission_id, kind=kind, record_id=record_id))


MATERIAL_MAX_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = {".pdf": "application/pdf", ".ppt": "application/vnd.ms-powerpoint",
                  ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                  ".doc": "application/msword",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".key": "application/octet-stream", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


def material_problem(filename: str, size: int) -> str:
    """Why an uploaded lecture material cannot be kept ("" when it can); Chinese."""
    suffix = ("." + filename.rsplit(".", 1)[1].lower()) if "." in filename else ""
    if suffix not in MATERIAL_TYPES:
        return "课件只能是 PDF、PPT/PPTX、DOC/DOCX、Keynote 或图片文件"
    if size == 0:
        return "课件文件是空的，请重新选择"
    if size > MATERIAL_MAX_BYTES:
        return f"课件不能超过 20 MB（这个约 {size / 1024 / 1024:.1f} MB），可改为填写存放位置"
    return ""


def add_material(session: Session, lecture: Lecture, filename: str, data: bytes) -> None:
    """Keep an uploaded material (checked with :func:`material_problem`) with its lecture. Flushes."""
    from models.tables import LectureMaterial

    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[1].lower()
    session.add(LectureMaterial(lecture_id=lecture.id, filename=name, mime=MATERIAL_TYPES[suffix], data=data))
    if not lecture.materials:
        lecture.materials = f"已上传：{name}"
        session.add(lecture)
    session.flush()
