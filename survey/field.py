"""The cadres' field pages (``/c/...``): 我的驻点, recording a visit, a branch's live QR for the members
present, the spot check, and a lecture. Server-rendered, no JavaScript; every write is audited with the
cadre as actor and the field pages as source; a retry of a stored form stores nothing twice.
"""

from __future__ import annotations

import calendar
from datetime import date

from flask import Blueprint, Response, abort, current_app, redirect, request
from sqlmodel import col, select

from models import audit, qr
from models.clock import today
from models.feedback import store_photo
from models.field import (
    MATERIAL_MAX_BYTES,
    SOURCE,
    FieldError,
    add_material,
    field_year,
    link_by_token,
    link_state,
    material_problem,
    on_visit_days,
    own_visit,
    record_check,
    remember_submission,
    session_ratings,
    session_verdict,
    session_verified,
    start_session,
    stored_submission,
    summary,
    visit_cadre_names,
)
from models.live_codes import current_url, seconds_left
from models.tables import Assignment, Branch, Cadre, City, County, Lecture, SpotCheck, SpotSession, Visit
from models.targets import targets_for
from models.text import clean_text
from models.visits import VisitInput, VisitRejected, record_visit
from survey import cadres
from survey.db import get_session
from survey.field_common import form_date, form_int, form_text, page, refused, signed_in, stored_once, url
from survey.photos import MAX_BYTES, PhotoError, reencode
from survey.views import secure_cookies

bp = Blueprint("field", __name__, url_prefix="/c")


def back_home(saved: str = "") -> Response:
    """To 我的驻点; ``saved`` ("lecture:7", "check:3") names what was just stored, confirmed there."""
    return redirect(url("/") + (f"?saved={saved}" if saved else ""), code=303)


def _when(visit: Visit) -> str:
    first = f"{visit.start_date.year}年{visit.start_date.month}月{visit.start_date.day}日"
    if visit.end_date == visit.start_date:
        return first
    return f"{first}至{visit.end_date.month}月{visit.end_date.day}日"


def _saved_note(cadre: Cadre, saved: str) -> str:
    """What was just stored, read back from the database (so the cadre sees what it holds); Chinese."""
    session = get_session()
    kind, _, ident = saved.partition(":")
    if not ident.isdigit():
        return ""
    if kind == "lecture":
        row = session.get(Lecture, int(ident))
        if row is None or row.cadre_id != cadre.id:
            return ""
        stored = "，课件已上传" if row.materials.startswith("已上传") else ""
        return (f"已保存党团课：{row.held_on:%Y-%m-%d}《{row.title}》，{row.place}，听课 {row.audience} 人{stored}；"
                f"计入{row.held_on.year}年。")
    if kind == "check":
        spot = session.get(SpotSession, int(ident))
        check = session.get(SpotCheck, spot.spotcheck_id) if spot and spot.spotcheck_id else None
        if check is None or session.get(Cadre, spot.cadre_id).department_id != cadre.department_id:
            return ""
        branch = session.get(Branch, check.branch_id)
        count, beyond = session_ratings(session, spot)
        verified = session_verified(session, spot)
        wechat = "微信群达标" if check.wechat_ok else "微信群未建立或不足3/4"
        operates = "书记能现场操作智慧团建" if check.secretary_operates else "书记不能现场操作智慧团建"
        photo = "，含现场照片" if check.photo_id else ""
        verdict = (f"现场二维码评价 {count} 份计为已核实" if verified == count
                   else f"现场二维码评价 {count} 份，计为已核实 {verified} 份"
                   + (f"（超过在场的 {spot.present} 人，本次都不计入）" if beyond else ""))
        return (f"已保存抽查结果：{branch.name}，{check.checked_on:%Y-%m-%d}，团员 {check.branch_members} 人、"
                f"群内 {check.group_members} 人（{wechat}），{operates}，在场 {spot.present} 人{photo}；{verdict}。")
    return ""


@bp.get("/k/<token>")
def sign_in(token: str) -> Response:
    link = link_by_token(get_session(), token)
    state = link_state(link)
    if state != "ok":
        return refused(state)
    # The cookie names the link; the address bar no longer holds the secret once redirected.
    response = back_home()
    response.set_cookie(cadres.COOKIE, cadres.cookie_value(link.id), max_age=cadres.MAX_AGE, path=url(""),
                        httponly=True, samesite="Lax", secure=secure_cookies())
    return response


@bp.get("/")
@signed_in
def home(cadre: Cadre) -> Response:
    session = get_session()
    mine = summary(session, cadre, today())
    counties = {c.id: c for c in session.exec(select(County))}
    cities = {c.id: c.name for c in session.exec(select(City))}
    return page("home.html", s=mine, counties=counties, cities=cities,
                saved=_saved_note(cadre, request.args.get("saved", "")[:40]))


# --- recording a visit ------------------------------------------------------------------------------


def _places(cadre: Cadre) -> list[tuple[City, list[County]]]:
    """The department's 附件1 cities with their county units (what a cadre of it may record)."""
    session = get_session()
    cities = list(session.exec(select(City).join(Assignment, Assignment.city_id == City.id)
                               .where(Assignment.department_id == cadre.department_id).order_by(City.id)))
    return [(c, list(session.exec(select(County).where(County.city_id == c.id).order_by(County.id))))
            for c in cities]


def _visit_form(cadre: Cadre, errors: dict[str, str] | None = None, warnings: dict[str, str] | None = None,
                status: int = 200) -> Response:
    session = get_session()
    colleagues = list(session.exec(select(Cadre).where(Cadre.department_id == cadre.department_id,
                                                       col(Cadre.active).is_(True)).order_by(Cadre.id)))
    sid, ft = (request.form["sid"], request.form["ft"]) if request.method == "POST" else cadres.new_form()
    chosen = request.form.getlist("cadres") if request.method == "POST" else [str(cadre.id)]
    day = today()
    year = field_year(session, day)
    targets = targets_for(session, year)
    first = date(year, targets.start_month, 1)
    last = min(day, date(year, targets.end_month, calendar.monthrange(year, targets.end_month)[1]))
    return page("visit.html", status, cadre=cadre, places=_places(cadre), colleagues=colleagues, chosen=chosen,
                form=request.form, errors=errors or {}, warnings=warnings or {}, sid=sid, ft=ft,
                today=day.isoformat(), year=year, months=targets.months, first=first.isoformat(),
                last=last.isoformat(), default_day=(last if first <= last else day).isoformat())


@bp.route("/visit", methods=["GET", "POST"])
@signed_in
def new_visit(cadre: Cadre) -> Response:
    if request.method == "GET":
        return _visit_form(cadre)
    session = get_session()
    if not cadres.form_ok():
        return _visit_form(cadre, {"form": "页面已过期，请检查内容后再次提交"}, status=422)
    if (done := stored_submission(session, request.form["sid"])) is not None:
        return redirect(url(f"/visit/{done.record_id}?saved=1"), code=303)
    county_id = form_int("county_id")
    county = session.get(County, county_id) if county_id else None
    allowed = {c.id for c, _ in _places(cadre)}
    errors: dict[str, str] = {}
    if county is not None and county.city_id not in allowed:
        errors["county_id"] = "只能登记本部门按附件1对接地市的驻点"
    chosen = [int(v) for v in request.form.getlist("cadres") if v.isdigit()]
    data = VisitInput(department_id=cadre.department_id, city_id=county.city_id if county else None,
                      county_id=county.id if county else None, start_date=form_date("start_date"),
                      end_date=form_date("end_date") or form_date("start_date"),
                      full_days=float(form_int("full_days")) if form_int("full_days") else None,
                      town=form_text("town", 60), max_meeting_size=form_int("max_meeting_size"),
                      cadre_ids=chosen)
    if request.form.get("start_date", "").strip() and data.start_date is None:
        errors["start_date"] = "开始日期格式不对，请重新选择"
    if cadre.id not in data.cadre_ids:
        errors["cadre_ids"] = "请把自己也勾选为参加驻点的干部"
    if request.form.get("full_days", "").strip() and data.full_days is None:
        errors["full_days"] = "整天数应为正整数：方案要求驻点按整天计算"
    if errors:
        return _visit_form(cadre, errors, status=422)
    try:
        with stored_once(session) as once, audit.tracking(session, SOURCE, actor=cadre.name):
            visit = record_visit(session, data, confirmed=request.form.get("confirm") == "1", today=today())
            remember_submission(session, request.form["sid"], "visit", visit.id)
        if once.done is not None:
            return redirect(url(f"/visit/{once.done.record_id}?saved=1"), code=303)
    except VisitRejected as exc:
        session.rollback()
        if (done := stored_submission(session, request.form["sid"])) is not None:
            return redirect(url(f"/visit/{done.record_id}?saved=1"), code=303)  # the same form, stored meanwhile
        return _visit_form(cadre, exc.check.errors, exc.check.warnings, status=422)
    return redirect(url(f"/visit/{visit.id}?saved=1"), code=303)


def _visit(cadre: Cadre, visit_id: int) -> Visit:
    try:
        return own_visit(get_session(), cadre, visit_id)
    except FieldError:
        abort(404)


def _visit_page(visit: Visit, *, q: str = "", errors: dict[str, str] | None = None, status: int = 200) -> Response:
    """到团支部抽查: the visit's county's branches by name, the form to start showing a live QR."""
    session = get_session()
    query = select(Branch).where(Branch.county_id == visit.county_id)
    if q:
        query = query.where(col(Branch.name).contains(q))
    branches = list(session.exec(query.order_by(Branch.name).limit(50)))
    sid, ft = (request.form["sid"], request.form["ft"]) if request.method == "POST" else cadres.new_form()
    names = visit_cadre_names(session, visit)
    return page("visit_page.html", status, visit=visit, county=session.get(County, visit.county_id),
                city=session.get(City, visit.city_id), branches=branches, q=q, sid=sid, ft=ft,
                errors=errors or {}, form=request.form if request.method == "POST" else None,
                when=_when(visit), off_day=on_visit_days(visit, today()), cadre_names="、".join(names),
                saved=request.args.get("saved") == "1" and request.method == "GET")


@bp.get("/visit/<int:visit_id>")
@signed_in
def visit_page(cadre: Cadre, visit_id: int) -> Response:
    return _visit_page(_visit(cadre, visit_id), q=clean_text(request.args.get("q", ""))[:40])


@bp.post("/visit/<int:visit_id>/session")
@signed_in
def begin(cadre: Cadre, visit_id: int) -> Response:
    session = get_session()
    visit = _visit(cadre, visit_id)
    if not cadres.form_ok():
        abort(400)
    if (done := stored_submission(session, request.form["sid"])) is not None:
        return redirect(url(f"/session/{done.record_id}"), code=303)
    try:
        with stored_once(session) as once, audit.tracking(session, SOURCE, actor=cadre.name):
            spot = start_session(session, cadre, visit, form_int("branch_id") or 0, form_int("present"), today())
            remember_submission(session, request.form["sid"], "session", spot.id)
        if once.done is not None:
            return redirect(url(f"/session/{once.done.record_id}"), code=303)
    except FieldError as exc:
        session.rollback()
        return _visit_page(visit, errors={"session": str(exc)}, status=422)
    return redirect(url(f"/session/{spot.id}"), code=303)


def _own_session(cadre: Cadre, session_id: int) -> SpotSession:
    spot = get_session().get(SpotSession, session_id)
    if spot is None or get_session().get(Cadre, spot.cadre_id).department_id != cadre.department_id:
        abort(404)
    return spot


@bp.get("/session/<int:session_id>")
@signed_in
def live_qr(cadre: Cadre, session_id: int) -> Response:
    spot = _own_session(cadre, session_id)
    public = current_app.config["PUBLIC_URL"] or request.host_url
    code_url = current_url(spot.branch_id, public, current_app.extensions["zhudian.secret"],
                           visit_id=spot.visit_id, session_id=spot.id)
    count, beyond = session_ratings(get_session(), spot)
    counts, why = session_verdict(get_session(), spot, today())
    visit = get_session().get(Visit, spot.visit_id)
    # Off the visit's days no code is shown at all: nothing scanned then could be verified.
    shown = not on_visit_days(visit, today())
    left = seconds_left()
    return page("live.html", spot=spot, branch=get_session().get(Branch, spot.branch_id),
                svg=qr.svg_inline(code_url) if shown else "", code_url=code_url if shown else "", count=count,
                beyond=beyond, refresh=min(left + 1, 60), left=left, counts=counts, why=why, shown=shown,
                year=visit.start_date.year)


@bp.route("/session/<int:session_id>/check", methods=["GET", "POST"])
@signed_in
def check(cadre: Cadre, session_id: int) -> Response:
    session = get_session()
    spot = _own_session(cadre, session_id)
    branch = session.get(Branch, spot.branch_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not cadres.form_ok():
            errors["form"] = "页面已过期，请检查内容后再次提交"
        elif (done := stored_submission(session, request.form["sid"])) is not None:
            return back_home(f"check:{done.record_id}")
        else:
            photo_id = None
            upload = request.files.get("photo")
            try:
                with stored_once(session), audit.tracking(session, SOURCE, actor=cadre.name):
                    if upload is not None and upload.filename:
                        try:
                            clean = reencode(upload.stream.read(MAX_BYTES + 1))
                        except PhotoError as exc:
                            errors["photo"] = f"{exc}；其他内容已保留，请重新选择照片"
                            raise
                        photo_id = store_photo(session.connection(), mime=clean.mime, width=clean.width,
                                               height=clean.height, data=clean.data)
                    group, members = form_int("group_members"), form_int("branch_members")
                    if members is None:
                        raise FieldError("请填写团支部团员数")
                    if form_int("present") is None:
                        raise FieldError("请确认在场团员人数")
                    record_check(session, spot, has_group=request.form.get("has_group") == "1",
                                 group_members=group or 0, branch_members=members,
                                 secretary_operates=request.form.get("secretary_operates") == "1",
                                 notes=form_text("notes", 2000, multiline=True),
                                 checked_on=form_date("checked_on"), photo_id=photo_id,
                                 present=form_int("present"), today=today())
                    remember_submission(session, request.form["sid"], "spotcheck", spot.id)
                return back_home(f"check:{spot.id}")
            except (FieldError, PhotoError) as exc:
                session.rollback()
                errors["form"] = str(exc)
                if upload is not None and upload.filename and "photo" not in errors:
                    # The browser never sends a chosen file twice: say so beside the field.
                    errors["photo"] = "浏览器不会保留已选的照片，请重新选择"
    sid, ft = (request.form["sid"], request.form["ft"]) if request.method == "POST" and "sid" in request.form \
        else cadres.new_form()
    count, beyond = session_ratings(session, spot)
    visit = session.get(Visit, spot.visit_id)
    day = today()
    last = min(visit.end_date, day)
    default_day = day if visit.start_date <= day <= visit.end_date else last
    existing = session.get(SpotCheck, spot.spotcheck_id) if spot.spotcheck_id else None
    # Pre-filled from what is known: the roster's members, the present count, a check already saved.
    values = {"checked_on": default_day.isoformat(), "present": spot.present or "",
              "branch_members": branch.member_count or ""}
    if existing is not None:
        values.update(checked_on=existing.checked_on.isoformat(), branch_members=existing.branch_members or "",
                      group_members=existing.group_members, notes=existing.notes,
                      has_group="1" if existing.group_members else "0",
                      secretary_operates="1" if existing.secretary_operates else "0")
    if request.method == "POST":
        values.update({k: v for k, v in request.form.items() if k not in ("sid", "ft")})
    return page("check.html", 422 if errors else 200, spot=spot, branch=branch, form=values, errors=errors,
                sid=sid, ft=ft, count=count, beyond=beyond, visit=visit, when=_when(visit),
                first=visit.start_date.isoformat(), last=last.isoformat(), year=visit.start_date.year,
                roster=branch.member_count)


@bp.route("/lecture", methods=["GET", "POST"])
@signed_in
def lecture(cadre: Cadre) -> Response:
    session = get_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        held_on, audience = form_date("held_on"), form_int("audience")
        title, place = form_text("title", 200), form_text("place", 100)
        materials = form_text("materials", 500)
        if not cadres.form_ok():
            errors["form"] = "页面已过期，请检查内容后再次提交"
        elif (done := stored_submission(session, request.form["sid"])) is not None:
            return back_home(f"lecture:{done.record_id}")
        if not title:
            errors["title"] = "请填写党团课题目"
        year = field_year(session, today())
        if held_on is None or held_on.year != year:
            errors["held_on"] = f"请填写{year}年内的授课日期（本页记录计入{year}年驻点工作）"
        elif held_on > today():
            errors["held_on"] = f"授课日期不能晚于今天（{today():%Y-%m-%d}）：讲过之后再记录"
        if not place:
            errors["place"] = "请填写授课地点"
        if audience is None or audience < 1:
            errors["audience"] = "请填写听课人数（正整数）"
        upload = request.files.get("material")
        data = b""
        if upload is not None and upload.filename:
            data = upload.stream.read(MATERIAL_MAX_BYTES + 1)
            if problem := material_problem(upload.filename, len(data)):
                errors["material"] = problem
        if errors and data:
            errors.setdefault("material", "浏览器不会保留已选的文件，请重新选择课件")
        if not errors:
            with stored_once(session), audit.tracking(session, SOURCE, actor=cadre.name):
                row = Lecture(cadre_id=cadre.id, held_on=held_on, place=place, audience=audience, title=title,
                              materials=materials)
                session.add(row)
                session.flush()
                if data:
                    add_material(session, row, upload.filename, data)
                remember_submission(session, request.form["sid"], "lecture", row.id)
            return back_home(f"lecture:{row.id}")
    sid, ft = (request.form["sid"], request.form["ft"]) if request.method == "POST" and "sid" in request.form \
        else cadres.new_form()
    return page("lecture.html", 422 if errors else 200, form=request.form, errors=errors, sid=sid, ft=ft,
                today=today().isoformat())
