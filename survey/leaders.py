"""The leaders' pages (``/ld/...``): read-only, phone-first, server-rendered, no JavaScript.

Reached through a leader's personal link (``zhudian leader link``): opening ``/ld/k/<token>`` checks the
token's hash and sets the leaders' own signed cookie (path ``/ld``), so a cadre's link never opens these
pages nor a leader's the cadres'. Every page view is written to the audit trail. Every figure comes from
the same ``models`` functions as the dashboard and the reports (the summary, the days grid, the alerts,
the evaluation, the records).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request
from sqlmodel import select

from models import audit, evaluation_records, records
from models.clock import local
from models.clock import today as clock_today
from models.evaluation import RECORD_LABELS, evaluate
from models.figures.period import Period
from models.leaders import leader_by_token, link_state
from models.progress import visit_days_grid
from models.rules import RULE_LABELS, alerts
from models.summary import month_summary
from models.tables import Department, LeaderLink
from models.targets import campaign_years, targets_for
from models.text import clean_text
from survey import cadres
from survey.db import get_session
from survey.memo import remember
from survey.views import base_path

bp = Blueprint("leaders", __name__, url_prefix="/ld")

COOKIE = "zd_leader"
MAX_AGE = 180 * 24 * 3600
SOURCE = "领导页面"
REFUSED = {
    "unknown": ("🔒", "链接无效", ["这个领导查看链接不存在或不完整，请向统筹人员重新索取。"]),
    "revoked": ("🔒", "链接已停用", ["这个领导查看链接已被停用，页面内容不再显示。请联系统筹人员。"]),
    "expired": ("⌛", "链接已过期", ["这个领导查看链接已超过有效期，请联系统筹人员重新发放。"]),
}
# The seed's words for what went wrong: 违规 a prohibition broken, 未达标 a target missed, 未报/迟报 a deadline.
CATEGORIES = {"违规": ("visit_level", "meeting_size"),
              "未达标": ("dept_days", "cadre_days", "lectures", "volunteer_rate", "service_hours", "service_times",
                      "spot_check"),
              "未报/迟报": ("form_missing", "form_late", "project_report", "lecture_materials", "city_plan")}
# Columns of each kind of record behind a figure: (attribute, header).
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "visit": [("start_date", "日期"), ("department", "部门"), ("city", "地市"), ("county", "县区"), ("town", "乡镇（街道）"),
              ("cadres", "干部"), ("full_days", "整天"), ("max_meeting_size", "座谈会人数"), ("source", "来源")],
    "lecture": [("held_on", "日期"), ("cadre", "授课人"), ("department", "部门"), ("title", "题目"), ("place", "地点"),
                ("audience", "人数"), ("materials", "材料")],
    "monthlyreport": [("month", "月份"), ("department", "部门"), ("city", "地市"), ("county", "县区"),
                      ("submitted_on", "报送日期"), ("provenance", "数据来源")],
    "rating": [("created_at", "时间"), ("score", "星级"), ("city", "地市"), ("county", "县区"), ("branch", "团支部"),
               ("activity", "活动"), ("suggestion", "意见建议"), ("provenance", "核实")],
    "experience": [("title", "典型经验"), ("department", "部门"), ("county", "县区"), ("provenance", "核实与推广")],
    "cityplan": [("city", "地市"), ("title", "实施方案"), ("submitted_on", "报送日期")],
    "serviceproject": [("department", "部门"), ("title", "项目报告"), ("submitted_on", "报送日期"), ("reviewed_by", "分管领导审阅")],
}
CACHE_SECONDS = 120  # the figures of a page are read again at most this often (LEADERS_CACHE_SECONDS)
RATINGS_SHOWN = 300  # rating records listed on a phone at most (the count says how many there are)


def url(path: str) -> str:
    return f"{base_path()}/ld{path}"


def cookie_value(link_id: int) -> str:
    return f"{link_id}.{cadres.sign('leader-session', str(link_id))}"


def current_link() -> tuple[LeaderLink | None, str]:
    """The leader's link behind this phone's cookie and its state (as :func:`models.field.link_state`)."""
    value = request.cookies.get(COOKIE, "")
    link_id, _, mac = value.partition(".")
    if not link_id.isdigit() or not hmac.compare_digest(mac.encode(), cadres.sign("leader-session", link_id).encode()):
        return None, "unknown"
    link = get_session().get(LeaderLink, int(link_id))
    return link, link_state(link)


def today() -> date:
    return current_app.config.get("LEADERS_TODAY") or clock_today()  # tests pass the day in


def figures(kind: str, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` kept for ``LEADERS_CACHE_SECONDS`` per application: a month's summary and a year's
    evaluation take seconds on a full province, and leaders open the same few pages."""
    seconds = current_app.config.get("LEADERS_CACHE_SECONDS", CACHE_SECONDS)
    memo = current_app.extensions.setdefault("zhudian.leaders_memo", {})
    entry = memo.get((kind, key, today()))
    if entry is not None and time.monotonic() - entry[0] < seconds:
        return entry[1]
    value = compute()
    remember(memo, (kind, key, today()), (time.monotonic(), value), 64)
    return value


def summary_of(period: Period):
    return figures("summary", period.key, lambda: month_summary(get_session(), period, today=today()))


def evaluation_of(year: int):
    return figures("evaluation", year, lambda: evaluate(get_session(), year, today=today()))


def refused(state: str) -> Response:
    icon, title, lines = REFUSED[state]
    response = make_response(render_template("message.html", icon=icon, title=title, lines=lines, info=None), 403)
    response.headers["Cache-Control"] = "no-store"
    return response


def page(template: str, link: LeaderLink, **values: Any) -> Response:
    response = make_response(render_template(f"leaders/{template}", url=url, leader=link, show=show, **values))
    response.headers["Cache-Control"] = "no-store"
    return response


def leader_page(view: Callable[..., Response]) -> Callable[..., Response]:
    """The view for a signed-in leader, the page view audited; or the refusal page, nothing shown."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        link, state = current_link()
        if state != "ok":
            return refused(state)
        session = get_session()
        with current_app.extensions["zhudian.write_lock"]:  # SQLite: the server's threads take turns to write
            audit.record(session, link, "view", source=f"{SOURCE} {request.path}"[:300],
                         actor=f"{link.name}（{link.role}）" if link.role else link.name,
                         new={"path": request.full_path.rstrip("?")[:200]})
            session.commit()
        return view(link, *args, **kwargs)
    return wrapper


def show(value: Any) -> str:
    """A cell as a leader reads it."""
    if value is None or value == "":
        return "未录入"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return clean_text("、".join(map(str, value))) or "未录入"
    return clean_text(value, multiline=True)


def _month(session) -> Period:
    """``?m=YYYY-MM``, else this month if it is a campaign month, else the last campaign month so far."""
    text = request.args.get("m", "")
    if text:
        try:
            period = Period.parse(text)
            if period.month is not None:
                return period
        except ValueError:
            pass
    day = today()
    years = [y for y in campaign_years(session) if y <= day.year] or [day.year]
    t = targets_for(session, years[-1])
    if years[-1] == day.year and day.month in t.months:
        return Period(day.year, day.month)
    if years[-1] == day.year and day.month < t.start_month and len(years) > 1:
        t = targets_for(session, years[-2])
    return Period(t.year, t.end_month)


def _year(session) -> int:
    text = request.args.get("y", "")
    return int(text) if text.isdigit() and len(text) == 4 else _month(session).year


def _nav(session, period: Period) -> dict[str, str | None]:
    months = targets_for(session, period.year).months
    i = months.index(period.month) if period.month in months else -1
    prev = f"{period.year}-{months[i - 1]:02d}" if i > 0 else None
    nxt = f"{period.year}-{months[i + 1]:02d}" if 0 <= i < len(months) - 1 else None
    return {"prev": prev, "next": nxt}


@bp.get("/k/<token>")
def sign_in(token: str) -> Response:
    link = leader_by_token(get_session(), token)
    state = link_state(link)
    if state != "ok":
        return refused(state)
    # The cookie names the link; the address bar no longer holds the secret once redirected.
    response = redirect(url("/"), code=303)
    response.set_cookie(COOKIE, cookie_value(link.id), max_age=MAX_AGE, path=f"{base_path()}/ld", httponly=True,
                        samesite="Lax", secure=request.is_secure)
    return response


@bp.get("/")
@leader_page
def home(link: LeaderLink) -> Response:
    session = get_session()
    period = _month(session)
    return page("home.html", link, s=summary_of(period), nav=_nav(session, period))


@bp.get("/map")
@leader_page
def days_map(link: LeaderLink) -> Response:
    session = get_session()
    year = _year(session)
    t = targets_for(session, year)
    grid = visit_days_grid(session, year)
    depts = list(session.exec(select(Department).order_by(Department.seq)))
    return page("map.html", link, year=year, months=t.months, grid=grid, depts=depts, target=t.dept_days_per_month,
                today=today())


@bp.get("/breaches")
@leader_page
def breaches(link: LeaderLink) -> Response:
    session = get_session()
    period = _month(session)
    found = [a for a in alerts(session, period, today=today()) if a.severity == "breach"]
    groups = [(name, [a for a in found if a.rule in rules]) for name, rules in CATEGORIES.items()]
    return page("breaches.html", link, period=period, groups=groups, labels=RULE_LABELS, nav=_nav(session, period))


@bp.get("/ranking")
@leader_page
def ranking(link: LeaderLink) -> Response:
    session = get_session()
    year = _year(session)
    return page("ranking.html", link, ev=evaluation_of(year), year=year)


def _score(year: int, kind: str, ident: int):
    ev = evaluation_of(year)
    scores = ev.cities if kind == "city" else ev.departments if kind == "department" else []
    return ev, next((s for s in scores if s.id == ident), None)


@bp.get("/score/<kind>/<int:ident>")
@leader_page
def score(link: LeaderLink, kind: str, ident: int) -> Response:
    session = get_session()
    year = _year(session)
    ev, found = _score(year, kind, ident)
    if found is None:
        return refused_not_found()
    return page("score.html", link, ev=ev, s=found, year=year, labels=RECORD_LABELS)


def _load(session, table: str, ids: list[int]) -> list[Any]:
    if table == "visit":
        return records.visits(session, ids=ids)
    if table == "lecture":
        return records.lectures(session, ids=ids)
    if table == "monthlyreport":
        return records.monthly_reports(session, ids=ids)
    if table == "rating":
        return records.ratings(session, ids=ids[:RATINGS_SHOWN], limit=None)
    if table == "experience":
        return evaluation_records.experiences(session, ids)
    if table == "cityplan":
        return evaluation_records.city_plans(session, ids)
    if table == "serviceproject":
        return evaluation_records.projects(session, ids)
    return []


@bp.get("/score/<kind>/<int:ident>/<key>")
@leader_page
def figure_records(link: LeaderLink, kind: str, ident: int, key: str) -> Response:
    session = get_session()
    year = _year(session)
    _ev, found = _score(year, kind, ident)
    figure = next((f for f in found.figures if f.key == key), None) if found else None
    if figure is None:
        return refused_not_found()
    tables = [(table, RECORD_LABELS.get(table, table), len(ids), COLUMNS.get(table, []), _load(session, table, ids))
              for table, ids in figure.records.items() if ids]
    return page("records.html", link, s=found, f=figure, year=year, tables=tables)


@bp.get("/suggestions")
@leader_page
def suggestions(link: LeaderLink) -> Response:
    session = get_session()
    period = _month(session)
    return page("suggestions.html", link, s=summary_of(period), nav=_nav(session, period))


def refused_not_found() -> Response:
    response = make_response(render_template("message.html", icon="🔍", title="没有找到",
                                             lines=["没有这一项评价，请从评价排名页重新打开。"], info=None), 404)
    response.headers["Cache-Control"] = "no-store"
    return response
