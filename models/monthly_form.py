"""The official monthly form (附件2, “X市 Y县（市、区）团的基层建设推动情况”) filled from the records.

One :class:`MonthlyForm` per county unit and month. Every field is text exactly as it goes on the
form; a field with no record behind it is :data:`NOT_RECORDED` (未录入) — never a guess, never 0.
The XLSX layout lives in ``tui/exports/monthly.py``; the dashboard can show the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from models import records
from models.clock import LOCAL_TZ
from models.figures import monthly
from models.figures.deadlines import AMENDED, BACKFILL
from models.figures.period import Period
from models.provenance import UNVERIFIED, Provenance, report_provenance
from models.reference import find_city, find_county
from models.tables import City, County, Department, MonthlyReport

NOT_RECORDED = "未录入"
MAX_OPINIONS = 30  # opinions shown in the cell; the rest go to the attached sheet (可附页)


@dataclass
class Opinion:
    branch: str
    activity: str
    score: int
    text: str
    at: datetime


@dataclass
class MonthlyForm:
    city: str  # 梅州市
    county: str  # 梅江区
    year: int
    month: int
    departments: str
    cadres: str
    branches_without_cadre: str
    checked: str
    wechat_failed: str
    secretary_failed: str
    ratings: str
    branch_experience: str
    nonpublic_baseline: str
    social_baseline: str
    new_nonpublic: str
    new_social: str
    typical_org_name: str
    typical_org_experience: str
    volunteer_rate: str
    service_hours: str
    opinions: str
    visits: str
    opinion_rows: list[Opinion] = field(default_factory=list)
    photo_ids: list[tuple[int, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.city} {self.county}团的基层建设推动情况"

    @property
    def attachment_title(self) -> str:
        return f"{self.title}（{self.year}年{self.month}月）附页"


def opinion_line(number: int, opinion: Opinion) -> str:
    """One opinion as the form lists it: "3. 希望多组织志愿服务（江南团支部）"."""
    return f"{number}. {opinion.text}（{opinion.branch}）"


def more_opinions(count: int) -> str:
    return f"……另有 {count} 条，见附页"


def _num(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return NOT_RECORDED
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _names(names: list[str]) -> str:
    return f"{len(names)} 个" + (f"：{'、'.join(names)}" if names else "")


class _Forms:
    """The forms a county unit's 附件2 reads, by the one rule (:mod:`models.figures.monthly`): this month's
    form that counts (the paired department's, else the last recorded) and, for standing figures
    (注册志愿者比例, 人均服务时长和次数, 任务底数), the latest counting form of the year that carries them."""

    def __init__(self, session: Session, county: County, year: int, month: int, paired: list[int]):
        self.month = month
        forms = list(session.exec(select(MonthlyReport).where(
            MonthlyReport.county_id == county.id, MonthlyReport.year == year, MonthlyReport.month <= month)))
        self.by_id = {r.id: r for r in forms}
        chosen = monthly.counting_forms(forms, lambda _county: paired)
        self.this_month = chosen.get((county.id, month))
        self.standing = monthly.figures_for(chosen, {county.id}, [month], month)

    def report(self, attr: str) -> MonthlyReport | None:
        if attr in monthly.STOCK:
            ids = self.standing.get(attr).report_ids
            return self.by_id[ids[0]] if ids else None
        r = self.this_month
        return r if r is not None and getattr(r, attr) not in (None, "") else None

    def value(self, attr: str):
        r = self.report(attr)
        return getattr(r, attr) if r is not None else None

    def month_note(self, attr: str) -> str:
        """Where a standing figure comes from an earlier month's form, which one."""
        r = self.report(attr)
        return f"（{r.month}月报表）" if r is not None and r.month != self.month else ""


def marks(provenance: Provenance | None, attr: str, report: MonthlyReport | None) -> str:
    """What the form shows beside a figure: 未核实 (no export or on-site check behind it), 报送后修改, 补录."""
    if report is None or provenance is None:
        return ""
    shown = [] if provenance.counts(attr) else [UNVERIFIED]
    if report.amended_at is not None:
        shown.append(AMENDED)
    if report.backfill_reason:
        shown.append(BACKFILL)
    return f"（{'，'.join(shown)}）" if shown else ""


def _date_range(start: date, end: date) -> str:
    if start == end:
        return f"{start.day}日"
    if start.month == end.month:
        return f"{start.day}日—{end.day}日"
    return f"{start.month}月{start.day}日—{end.month}月{end.day}日"


def build_form(session: Session, county: County, year: int, month: int) -> MonthlyForm:
    city = session.get(City, county.city_id)
    assert city is not None
    period = Period(year, month)
    paired = records.paired_departments(session, city.id)
    reports = records.monthly_report_rows(session, year, month, county.id)
    forms = _Forms(session, county, year, month, [d.id for d in session.exec(
        select(Department).where(col(Department.name).in_(paired)))])
    provenance = report_provenance(session, list(forms.by_id.values()))

    def mark(*attrs: str) -> str:
        found = [(a, forms.report(a)) for a in attrs]
        return "".join(dict.fromkeys(marks(provenance.get(r.id), a, r) for a, r in found if r is not None))
    visits = sorted(records.visits(session, period, county_id=county.id), key=lambda v: (v.start_date, v.id))
    checks = sorted(records.spot_checks(session, period, county_id=county.id), key=lambda c: (c.checked_on, c.id))
    branches = records.branches(session, county_id=county.id)

    departments = list(dict.fromkeys([*paired, *(v.department for v in visits), *(d for d, _r in reports)]))
    cadres = list(dict.fromkeys(name for v in visits for name in v.cadres))

    without = forms.value("branches_without_cadre")
    if without is not None:
        without_text = f"{without} 个" + mark("branches_without_cadre")
    elif branches:
        # No figure reported: count from the branch register, and say so.
        names = [b.name for b in branches if not b.has_secretary]
        without_text = _names(names) + "（据团支部名录）"
    else:
        without_text = NOT_RECORDED

    if checks or visits:
        checked_names = list(dict.fromkeys(c.branch for c in checks))
        checked = _names(checked_names)
        wechat = _names(list(dict.fromkeys(c.branch for c in checks if not c.wechat_ok))) if checks \
            else NOT_RECORDED
        secretary = _names(list(dict.fromkeys(c.branch for c in checks if not c.secretary_operates))) \
            if checks else NOT_RECORDED
    else:
        checked = wechat = secretary = NOT_RECORDED

    checked_ids = list(dict.fromkeys(c.branch_id for c in checks))
    branch_names = {c.branch_id: c.branch for c in checks}
    stats = records.activity_ratings(session, checked_ids, year * 100 + month)
    if stats:
        ratings = "；".join(f"{branch_names[s.branch_id]}“{s.activity}”：{s.count} 条评价，平均 {s.mean:g} 分"
                           + (f"，照片 {s.photos} 张" if s.photos else "") for s in stats)
    else:
        ratings = NOT_RECORDED

    start = datetime.combine(date(year, month, 1), time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(date(year + (month == 12), month % 12 + 1, 1), time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    photo_ids = records.rating_photo_ids(session, checked_ids, start, end)

    opinions = [Opinion(r.branch, r.activity, r.score, r.suggestion.strip(), r.created_at)
                for r in records.ratings(session, county_id=county.id, period=period, with_suggestion=True,
                                         limit=None) if r.suggestion.strip()]
    opinions.reverse()  # oldest first, as they came in
    if opinions:
        shown = "\n".join(opinion_line(i, o) for i, o in enumerate(opinions[:MAX_OPINIONS], 1))
        if len(opinions) > MAX_OPINIONS:
            shown += "\n" + more_opinions(len(opinions) - MAX_OPINIONS)
    else:
        shown = NOT_RECORDED

    if visits:
        visit_text = "；".join(f"{_date_range(v.start_date, v.end_date)} {'、'.join(v.cadres) or '（未录入人员）'}同志"
                               for v in visits)
    else:
        visit_text = NOT_RECORDED

    def pair(orgs: str, members: str) -> str:
        a, b = forms.value(orgs), forms.value(members)
        if a is None and b is None:
            return NOT_RECORDED
        return f"{_num(a, ' 个')} / {_num(b, ' 人')}" + mark(orgs, members)

    def baseline(attr: str) -> str:
        text = _num(forms.value(attr), " 个") + forms.month_note(attr)
        report = forms.report(attr)
        if report is not None and report.baseline_approved_by:
            text += f"（年内调整，经{report.baseline_approved_by}" + (
                f"于{report.baseline_approved_on:%Y-%m-%d}" if report.baseline_approved_on else "") + "批准）"
        return text

    hours = forms.value("service_hours_per_capita")
    times = forms.value("service_times_per_capita")
    if hours is None and times is None:
        service = NOT_RECORDED
    else:
        service = _num(hours, " 小时") + (f"（人均服务 {times:g} 次）" if times is not None else "") \
            + forms.month_note("service_hours_per_capita") + mark("service_hours_per_capita", "service_times_per_capita")

    return MonthlyForm(
        city=city.full_name, county=county.name, year=year, month=month,
        departments="、".join(departments) or NOT_RECORDED,
        cadres="、".join(cadres) or NOT_RECORDED,
        branches_without_cadre=without_text,
        checked=checked, wechat_failed=wechat, secretary_failed=secretary,
        ratings=ratings,
        branch_experience=forms.value("branch_experience") or NOT_RECORDED,
        nonpublic_baseline=baseline("nonpublic_baseline"),
        social_baseline=baseline("social_baseline"),
        new_nonpublic=pair("new_nonpublic_orgs", "new_nonpublic_members"),
        new_social=pair("new_social_orgs", "new_social_members"),
        typical_org_name=forms.value("typical_org_name") or NOT_RECORDED,
        typical_org_experience=forms.value("typical_org_experience") or NOT_RECORDED,
        volunteer_rate=_num(forms.value("volunteer_rate")) + forms.month_note("volunteer_rate") + mark("volunteer_rate"),
        service_hours=service,
        opinions=shown,
        visits=visit_text,
        opinion_rows=opinions,
        photo_ids=photo_ids,
    )


def monthly_forms(session: Session, city: str, month: str, county: str | None = None) -> list[MonthlyForm]:
    """The forms of one city's county units (or one of them) for ``YYYY-MM``.

    Raises ``UnknownName`` (with close matches) or ``ValueError`` (a malformed month).
    """
    period = Period.parse(month)
    if period.month is None:
        raise ValueError(f"月份格式应为 YYYY-MM（如 2019-05）：{month}")
    city_row = find_city(session, city)
    if county:
        counties = [find_county(session, county, city_row)]
    else:
        counties = list(session.exec(select(County).where(County.city_id == city_row.id).order_by(County.code)))
    return [build_form(session, c, period.year, period.month) for c in counties]
