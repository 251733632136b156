"""The demo province: a believable, deterministic Guangdong for trying zhudian and for benchmarks.

:func:`build_demo` fills an (empty or demo) database with every city and county unit's branches,
the departments' cadres, visits April–November that mostly keep the seed's rules and sometimes break
them on purpose, spot checks, activities, lectures, monthly forms (附件2), survey links and members'
ratings with their roll-up. Everything is drawn from ``random.Random(seed)`` and fixed base dates,
never the wall clock, so one seed always gives the same province.

Speed: rows are generated in Python and written with Core ``insert()`` executemany in large chunks;
on SQLite the ratings go through the DBAPI ``executemany`` directly (the same text SQLAlchemy would
store). The :class:`RatingStat` roll-up is counted while generating, using :func:`stat_values`.
"""

from __future__ import annotations

import bisect
import calendar
import io
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, text
from sqlmodel import Session, SQLModel

from models import demo_exports
from models import demo_names as names
from models import demo_provenance as prov
from models.clock import LOCAL_TZ
from models.db import DatabaseError, is_sqlite
from models.feedback import SCORE_COLUMNS, stat_values
from models.migrate import upgrade
from models.reference import load_reference
from models.tables import (
    REFERENCE_TABLES,
    Activity,
    Assignment,
    AuditEntry,
    Branch,
    BranchKind,
    Cadre,
    Campaign,
    City,
    CityPlan,
    County,
    CountyKind,
    Department,
    Experience,
    Lecture,
    MonthlyReport,
    Photo,
    Rating,
    RatingStat,
    ServiceProject,
    SpotCheck,
    SurveyLink,
    Target,
    Visit,
    VisitCadre,
)
from models.targets import DEFAULT_YEAR

DEFAULT_RATINGS = 50_000
DEFAULT_SEED = 2019
MARKER_TABLE = "demo"  # AuditEntry.table_name of the row that records a finished demo build
MARKER_ACTOR = "zhudian demo"
CHUNK = 20_000
# Bump when the generator changes what a seed produces, so an older demo database is rebuilt.
GENERATOR_VERSION = 8

BRANCH_KINDS = [k.value for k in BranchKind]
BRANCH_KIND_WEIGHTS = [22, 20, 18, 18, 8, 10, 4]  # school, rural, community, nonpublic, social, gov, other
SCORE_PROFILES = {  # cumulative probabilities of scores 1..5: most branches do well, a few do not
    "good": [0.01, 0.03, 0.10, 0.40, 1.0],
    "fair": [0.04, 0.10, 0.30, 0.70, 1.0],
    "poor": [0.12, 0.28, 0.55, 0.85, 1.0],
}
DAY_OFFSET_WEIGHTS = [55, 20, 10, 6, 4, 3, 2]  # days between an activity and a rating of it
RATING_DAY_SECONDS = 16 * 3600  # ratings fall between 08:00 and 24:00 China time
EMPTY_SUGGESTION_SHARE = 0.6
OTHER_ACTIVITY_SHARE = 0.04
PHOTOS = 12  # generated pictures shared by the ratings that carry one
PHOTO_SHARE = 0.02  # of ratings with a suggestion
OTHER_ACTIVITY_NAMES = ["支部学习会", "周末义工活动", "青年座谈会", "团员志愿服务", "支部读书会"]


@dataclass(frozen=True)
class DemoParams:
    ratings: int = DEFAULT_RATINGS
    seed: int = DEFAULT_SEED
    year: int = DEFAULT_YEAR
    # As of this day (records up to it), when the campaign is still under way; None = the whole campaign.
    today: date | None = None

    def as_dict(self) -> dict[str, int | str | None]:
        data = asdict(self)
        data["today"] = self.today.isoformat() if self.today else None
        return data


@dataclass
class DemoSummary:
    """What was built: row counts and the rule breaks planted on purpose (for tests and the user)."""

    params: DemoParams
    counts: dict[str, int] = field(default_factory=dict)
    short_months: list[tuple[str, int, float]] = field(default_factory=list)  # (department, month, days)
    city_level_visits: list[int] = field(default_factory=list)  # visit ids with county_id None
    big_meetings: list[tuple[int, int]] = field(default_factory=list)  # (visit id, meeting size)
    missing_forms: list[tuple[str, int]] = field(default_factory=list)  # (department, month) never reported
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"params": self.params.as_dict(), "generator": GENERATOR_VERSION, "counts": self.counts,
                "short_months": self.short_months, "city_level_visits": self.city_level_visits,
                "big_meetings": self.big_meetings, "missing_forms": self.missing_forms}


class NotADemoDatabase(DatabaseError):
    """The target database holds work records that the demo did not write: never touch it."""


# --- the marker row: which parameters built this database -----------------------------------------


def demo_marker(engine: Engine) -> dict | None:
    """The parameters and summary of the finished demo build stored in this database, if any.

    The marker is written last, in the same transaction as everything else, so its presence means
    the build completed.
    """
    with engine.connect() as conn:
        return demo_marker_in(conn)


def demo_marker_in(conn: Connection) -> dict | None:
    row = conn.execute(select(AuditEntry.new_values).where(AuditEntry.table_name == MARKER_TABLE).limit(1)).first()
    return json.loads(row[0]) if row else None


WORK_TABLES = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]


def has_work_records(conn: Connection) -> bool:
    return any(conn.execute(select(t.c[next(iter(t.c.keys()))]).limit(1)).first() for t in WORK_TABLES)


def _clear_work_records(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in WORK_TABLES) + " RESTART IDENTITY CASCADE"))
    else:
        for table in WORK_TABLES:
            conn.execute(table.delete())


# --- the build ------------------------------------------------------------------------------------


def build_demo(engine: Engine, params: DemoParams = DemoParams(),
               progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Migrate, load reference data and fill the database with the demo province, in one transaction.

    The database must be empty of work records or hold an earlier demo build (which is replaced);
    anything else raises :class:`NotADemoDatabase` and nothing is written.
    """
    if params.ratings < 0:
        raise ValueError("ratings must be >= 0")
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    upgrade(engine)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # A throwaway demo: trade crash safety for speed during the build only.
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-65536")
            conn.commit()
        with conn.begin():
            if has_work_records(conn):
                if demo_marker_in(conn) is None:
                    raise NotADemoDatabase("该数据库中已有正式（非演示）数据，演示数据不会写入其中；请换用空数据库。")
                _clear_work_records(conn)
                # An earlier demo of another year must not leave its campaign behind as the latest one.
                conn.execute(Target.__table__.delete().where(Target.year != params.year))
                conn.execute(Campaign.__table__.delete().where(Campaign.year != params.year))
            with Session(bind=conn) as session:
                load_reference(session, params.year)
                session.flush()
            summary = _Generator(conn, params, say).run()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.commit()
        elif conn.dialect.name == "postgresql":
            # Fresh statistics after a bulk load, so the first dashboard queries get good plans.
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _local_midnight_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(UTC)


class _Generator:
    """One build: draws every record from one ``random.Random`` in a fixed order."""

    def __init__(self, conn: Connection, params: DemoParams, say: Callable[[str], None]):
        self.conn = conn
        self.p = params
        self.say = say
        self.rng = random.Random(params.seed)
        self.summary = DemoSummary(params=params)
        year = params.year
        campaign = conn.execute(select(Campaign.start_month, Campaign.end_month).where(Campaign.year == year)).one()
        months = list(range(campaign[0], campaign[1] + 1))
        self.first_day = date(year, months[0], 1)
        self.campaign_last_day = date(year, months[-1], calendar.monthrange(year, months[-1])[1])
        # A campaign under way has records up to its "today" only: nothing dated later exists yet.
        self.last_day = min(self.campaign_last_day, params.today) if params.today else self.campaign_last_day
        self.months = [m for m in months if date(year, m, 1) <= self.last_day]
        self.base_time = _local_midnight_utc(self.first_day)  # fixed; never the wall clock

    # -- helpers --

    def _insert(self, table, rows: list[dict]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.conn.execute(insert(table), rows[start:start + CHUNK])
        self.summary.counts[table.name] = self.summary.counts.get(table.name, 0) + len(rows)

    def _month_days(self, month: int) -> int:
        return calendar.monthrange(self.p.year, month)[1]

    # -- the run --

    def run(self) -> DemoSummary:
        conn = self.conn
        self.cities = {r.id: r for r in conn.execute(select(City.id, City.name).order_by(City.code))}
        self.counties = list(conn.execute(select(County.id, County.name, County.city_id, County.kind)
                                          .order_by(County.code)))
        self.departments = list(conn.execute(select(Department.id, Department.name).order_by(Department.seq)))
        self.dept_cities: dict[int, list[int]] = {}
        for dept_id, city_id in conn.execute(select(Assignment.department_id, Assignment.city_id)
                                             .order_by(Assignment.id)):
            self.dept_cities.setdefault(dept_id, []).append(city_id)
        self.city_dept = {c: d for d, cs in self.dept_cities.items() for c in cs}

        self.say("干部与团支部")
        self._cadres()
        self._branches()
        self._links()
        self.say("驻点与抽查")
        self._visits()
        self._spot_checks()
        self.say("活动、党团课与月报")
        self._activities()
        self._lectures()
        self._projects()
        self._monthly_reports()
        self.say(f"团员评价 {self.p.ratings:,} 条")
        self._ratings()
        self._fix_sequences()
        self.say("系统导出文件（智慧团建、i志愿）")
        self.summary.counts["evidencefile"] = demo_exports.import_exports(self.conn, self.p.year, self.p.seed)
        self._marker()
        return self.summary

    def _cadres(self) -> None:
        rows, self.dept_cadres = [], {}
        for dept_id, _name in self.departments:
            taken: list[str] = []
            for _ in range(self.rng.randint(5, 15)):
                name = names.person(self.rng)
                while name in taken:
                    name = names.person(self.rng)
                taken.append(name)
                rows.append({"id": len(rows) + 1, "name": name, "department_id": dept_id, "active": True,
                             "exempt_approved_by": "", "exempt_approved_on": None})
                self.dept_cadres.setdefault(dept_id, []).append(len(rows))
        for row in self.rng.sample(rows, 2):  # 经党组批准可不参加
            row["exempt_approved_by"], row["exempt_approved_on"] = "团省委党组", date(self.p.year, 4, 15)
        self._insert(Cadre.__table__, rows)

    def _branches(self) -> None:
        rng, rows = self.rng, []
        self.county_branches: dict[int, list[dict]] = {}
        for county in self.counties:
            is_town = county.kind in (CountyKind.TOWN, CountyKind.STREET)
            weights = list(BRANCH_KIND_WEIGHTS)
            if county.kind == CountyKind.DISTRICT:
                weights[1] = 6  # few villages in city districts
            taken: set[str] = set()
            for _ in range(rng.randint(3, 15) if is_town else rng.randint(4, 36)):
                kind = rng.choices(BRANCH_KINDS, weights)[0]
                name = names.branch_name(rng, kind, county.name, is_town)
                tries = 0
                while name in taken and tries < 20:
                    name, tries = names.branch_name(rng, kind, county.name, is_town), tries + 1
                if name in taken:
                    name = name.removesuffix("团支部") + f"第{len(taken) + 1}团支部"
                taken.add(name)
                has_secretary = rng.random() < 0.93
                cadres = self.dept_cadres[self.city_dept[county.city_id]]
                row = {"id": len(rows) + 1, "name": name, "county_id": county.id, "kind": kind,
                       "member_count": rng.randint(5, 60), "has_secretary": has_secretary,
                       "cadre_id": rng.choice(cadres) if rng.random() < 0.3 else None}
                rows.append(row)
                self.county_branches.setdefault(county.id, []).append(row)
        self.branches = rows
        self._insert(Branch.__table__, rows)

    def _token(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _links(self) -> None:
        opens = self.base_time
        closes = _local_midnight_utc(self.campaign_last_day + timedelta(days=1))
        rows = [{"id": b["id"], "token": self._token(), "branch_id": b["id"], "visit_id": None, "opens_at": opens,
                 "closes_at": closes, "max_responses": None, "live": False, "created_at": opens}
                for b in self.branches]
        self.branch_link = {b["id"]: b["id"] for b in self.branches}
        self.links = rows  # spot-check links are added with the spot checks

    def _visits(self) -> None:
        rng = self.rng
        dept_ids = [d for d, _ in self.departments]
        dept_names = dict(self.departments)
        # Rule breaks planted on purpose, chosen up front so every seed has them.
        pairs = [(d, m) for d in dept_ids for m in self.months]
        short = rng.sample(pairs, 2)
        visits, vcadres = [], []
        self.visit_rows = visits
        for dept_id in dept_ids:
            counties = [c for c in self.counties if c.city_id in self.dept_cities[dept_id]]
            rng.shuffle(counties)
            cursor = 0
            cadres = list(self.dept_cadres[dept_id])
            rng.shuffle(cadres)
            plan: list[tuple[int, list[int]]] = []
            for month in self.months:
                total = 2 if (dept_id, month) in short else rng.choice([3, 3, 4, 4, 4, 5, 5, 6])
                lengths = []
                while sum(lengths) < total:
                    lengths.append(min(total - sum(lengths), rng.choice([1, 1, 1, 2, 2, 3])))
                plan.append((month, lengths))
                if (dept_id, month) in short:
                    self.summary.short_months.append((dept_names[dept_id], month, float(total)))
            dept_days = sum(sum(ls) for _, ls in plan)
            per_visit = max(2, min(len(cadres), math.ceil(10 * len(cadres) * 1.25 / dept_days)))
            rota = 0
            for month, lengths in plan:
                mdays = self._month_days(month)
                for length in lengths:
                    county = counties[cursor % len(counties)]
                    cursor += 1
                    start = date(self.p.year, month, rng.randint(1, mdays - length + 1))
                    end = start + timedelta(days=length - 1)
                    if end > self.last_day:
                        continue  # not held yet as of the demo's today
                    vid = len(visits) + 1
                    is_town = county.kind in (CountyKind.TOWN, CountyKind.STREET)
                    visits.append({
                        "id": vid, "department_id": dept_id, "city_id": county.city_id, "county_id": county.id,
                        "town": names.town_of(rng, county.name, is_town), "start_date": start, "end_date": end,
                        "full_days": float(length),
                        "max_meeting_size": rng.randint(4, 10) if rng.random() < 0.6 else None,
                        "notes": "".join(rng.sample(names.VISIT_NOTES, rng.randint(1, 2))),
                        "created_at": _local_midnight_utc(min(end + timedelta(days=1), self.last_day))
                        + timedelta(hours=10),
                    })
                    chosen: list[int] = []
                    while len(chosen) < per_visit:
                        cadre = cadres[rota % len(cadres)]
                        rota += 1
                        # One cadre a department is often busy elsewhere: some fall short of 10 days.
                        if cadre == cadres[0] and rng.random() < 0.6 and len(cadres) > per_visit:
                            continue
                        if cadre not in chosen:
                            chosen.append(cadre)
                    vcadres.extend({"visit_id": vid, "cadre_id": c} for c in chosen)
        for v in rng.sample(visits, min(2, len(visits))):  # recorded only at city level: a breach of 每次驻点至少到县及以下
            v["county_id"], v["town"] = None, ""
            self.summary.city_level_visits.append(v["id"])
        big = rng.sample(visits, min(2, len(visits)))
        for v, size in zip(big, [15, rng.randint(12, 20)][:len(big)], strict=True):  # 座谈会超过10人
            v["max_meeting_size"] = size
            self.summary.big_meetings.append((v["id"], size))
        self._insert(Visit.__table__, visits)
        self._insert(VisitCadre.__table__, vcadres)
        # (visit, cadre) pairs per department and county unit: who could check a figure on site.
        county_of = {v["id"]: (v["department_id"], v["county_id"]) for v in visits}
        self.checks_at: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for vc in vcadres:
            self.checks_at.setdefault(county_of[vc["visit_id"]], []).append((vc["visit_id"], vc["cadre_id"]))

    def _spot_checks(self) -> None:
        rng, rows = self.rng, []
        self.check_links: list[tuple[int, int, date]] = []  # (branch, live link, day) of each spot check
        for v in self.visit_rows:
            if v["county_id"] is None:
                continue
            pool = self.county_branches.get(v["county_id"], [])
            for b in rng.sample(pool, min(len(pool), rng.randint(1, 4))):
                wechat_ok = rng.random() < 0.87
                operates = b["has_secretary"] and rng.random() < 0.88
                notes = []
                if not wechat_ok:
                    notes.append(f"支部微信群仅有{rng.randint(3, 9)}名团员，不足团员总数3/4。")
                if not b["has_secretary"]:
                    notes.append("团支部书记空缺。")
                elif not operates:
                    notes.append("团支部书记本人不会操作“智慧团建”系统。")
                day = v["start_date"] + timedelta(days=rng.randint(0, (v["end_date"] - v["start_date"]).days))
                rows.append({"visit_id": v["id"], "branch_id": b["id"], "checked_on": day, "wechat_ok": wechat_ok,
                             "secretary_operates": operates, "notes": "".join(notes)})
                # The cadre shows a live (rotating) QR during the spot check.
                opens = _local_midnight_utc(day)
                self.links.append({"id": len(self.links) + 1, "token": self._token(), "branch_id": b["id"],
                                   "visit_id": v["id"], "opens_at": opens, "closes_at": opens + timedelta(days=7),
                                   "max_responses": b["member_count"], "live": True, "created_at": opens})
                self.check_links.append((b["id"], len(self.links), day))
        self._insert(SurveyLink.__table__, self.links)
        self._insert(SpotCheck.__table__, rows)

    def _activities(self) -> None:
        rng, rows = self.rng, []
        span = max(1, (self.last_day - self.first_day).days - 6)  # leave a week for ratings to come in
        for b in self.branches:
            days = sorted(rng.randrange(span) for _ in range(rng.randint(2, 8)))
            for offset in days:
                held = self.first_day + timedelta(days=offset)
                name, kind = names.activity(rng, held.month)
                rows.append({"id": len(rows) + 1, "branch_id": b["id"], "name": name, "kind": kind,
                             "held_on": held})
        self.activities = rows
        self._insert(Activity.__table__, rows)

    def _lectures(self) -> None:
        rng, rows = self.rng, []
        for dept_id, _ in self.departments:
            counties = [c for c in self.counties if c.city_id in self.dept_cities[dept_id]]
            for cadre in self.dept_cadres[dept_id]:
                r = rng.random()
                for _ in range(0 if r < 0.06 else 2 if r > 0.9 else 1):
                    county = rng.choice(counties)
                    month = rng.choice(self.months)
                    place = names.lecture_place(rng, county.name, county.kind in (CountyKind.TOWN, CountyKind.STREET))
                    rows.append({"cadre_id": cadre, "county_id": county.id, "place": place,
                                 "held_on": date(self.p.year, month, rng.randint(1, self._month_days(month))),
                                 "audience": rng.randint(20, 120), "title": rng.choice(names.LECTURE_TITLES),
                                 "materials": "课件、签到表已存档" if rng.random() < 0.8 else ""})
                    rows[-1]["materials_submitted_on"] = prov.materials_date(rng, self.p.year, rows[-1]["materials"])
                    if rows[-1]["held_on"] > self.last_day:
                        rows.pop()  # not held yet as of the demo's today
                    elif (rows[-1]["materials_submitted_on"] or self.last_day) > self.last_day:
                        rows[-1]["materials_submitted_on"] = None
        self._insert(Lecture.__table__, rows)

    def _projects(self) -> None:
        rng, rows = self.rng, []
        late = rng.sample([d for d, _ in self.departments], 2)
        for dept_id, _ in self.departments:
            city = self.cities[self.dept_cities[dept_id][0]].name
            project = rng.choice(names.PROJECTS)
            submitted = None if dept_id == late[0] else date(self.p.year, 12, 18 if dept_id == late[1]
                                                               else rng.randint(1, 10))
            if submitted is not None and submitted > self.last_day:
                submitted = None  # not sent yet as of the demo's today
            rows.append({"department_id": dept_id, "year": self.p.year, "submitted_on": submitted,
                         "reviewed_by": "" if dept_id == late[1] else rng.choice(prov.REVIEWERS),
                         "title": f"关于在{city}推动{project}落地见效的工作报告",
                         "summary": f"{project}在{city}的推进情况、存在问题及下一步打算。"})
        self._insert(ServiceProject.__table__, rows)

    def _monthly_reports(self) -> None:
        rng, rows = self.rng, []
        # A department fills in the form for all its county units at once, so lateness and gaps come
        # by department and month: one gap planted for sure, a few more by chance.
        pairs = [(d, m) for d, _ in self.departments for m in self.months]
        missing = set(rng.sample(pairs, 1)) | {p for p in pairs if rng.random() < 0.01}
        late = {p for p in pairs if p not in missing and rng.random() < 0.12}
        for dept_id, dept_name in self.departments:
            for month in self.months:
                if (dept_id, month) in missing:
                    self.summary.missing_forms.append((dept_name, month))
        reliability = prov.department_reliability(rng, [d for d, _ in self.departments])
        experiences = []
        for dept_id, _ in self.departments:
            for county in [c for c in self.counties if c.city_id in self.dept_cities[dept_id]]:
                checks = self.checks_at.get((dept_id, county.id), [])
                members = rng.randint(1500, 30000)
                without_cadre = rng.randint(2, 25)
                np_base, so_base = rng.randint(8, 90), rng.randint(3, 30)
                rate = rng.uniform(80, 90)
                hours = times = 0.0
                nonpublic = [b["name"] for b in self.county_branches.get(county.id, []) if b["kind"] == "nonpublic"]
                for month in self.months:
                    rate = min(98.0, rate + rng.uniform(0, 2.2))
                    hours += rng.uniform(0.6, 1.6)
                    times += rng.uniform(0.25, 0.6)
                    without_cadre = max(0, without_cadre - rng.choice([0, 0, 1, 2]))
                    if (dept_id, month) in missing or rng.random() < 0.002:
                        continue  # missing: the department never sent this month's form
                    month_end = date(self.p.year, month, self._month_days(month))
                    submitted = (month_end + timedelta(days=rng.randint(1, 12)) if (dept_id, month) in late
                                 else month_end - timedelta(days=rng.randint(0, 4)))
                    if submitted > self.last_day:
                        continue  # not sent yet as of the demo's today
                    typical = rng.random() < 0.2 and nonpublic
                    rows.append({
                        "department_id": dept_id, "county_id": county.id, "year": self.p.year, "month": month,
                        "submitted_on": submitted, "league_members": members, "branches_without_cadre": without_cadre,
                        "nonpublic_baseline": np_base, "social_baseline": so_base,
                        "new_nonpublic_orgs": rng.choice([0, 0, 0, 1, 1, 2, 3]),
                        "new_nonpublic_members": rng.randint(0, 40), "new_social_orgs": rng.choice([0, 0, 0, 1, 2]),
                        "new_social_members": rng.randint(0, 15),
                        "typical_org_name": rng.choice(nonpublic).removesuffix("团支部") if typical else "",
                        "typical_org_experience": rng.choice(names.ORG_EXPERIENCES) if typical else "",
                        "volunteer_rate": round(rate, 1), "service_hours_per_capita": round(hours, 1),
                        "service_times_per_capita": round(times, 1),
                        "branch_experience": rng.choice(names.EXPERIENCES) if rng.random() < 0.3 else "",
                        "experience_promoted": rng.random() < 0.05,
                        **prov.report_source(rng, reliability[dept_id], county.name, month, month_end, checks),
                    })
                    text_ = rows[-1]["branch_experience"]
                    if text_ and (exp := prov.experience(rng, dept_id, county.id, county.name, self.p.year, month,
                                                         text_, checks)):
                        if (exp.get("promoted_on") or self.last_day) > self.last_day:
                            exp["promoted_on"] = None  # promoted later than the demo's today
                        experiences.append(exp)
        self._insert(MonthlyReport.__table__, rows)
        self._insert(Experience.__table__, experiences)
        plans = [prov.city_plan(rng, cid, c.name, self.p.year) for cid, c in self.cities.items()]
        for plan in plans:
            if (plan.get("submitted_on") or self.last_day) > self.last_day:
                plan["submitted_on"] = None  # not sent yet as of the demo's today
        self._insert(CityPlan.__table__, plans)

    def _photos(self) -> list[int]:
        """A few small generated pictures (an activity scene in flat shapes) for ratings to carry."""
        from PIL import Image, ImageDraw

        rows = []
        for i in range(PHOTOS):
            sky = tuple(self.rng.randint(150, 235) for _ in range(3))
            img = Image.new("RGB", (320, 240), sky)
            draw = ImageDraw.Draw(img)
            draw.rectangle((0, 160, 320, 240), fill=(self.rng.randint(60, 120), self.rng.randint(120, 170), 70))
            draw.rectangle((40, 40, 280, 90), fill=(200, 30, 40))  # a red banner
            for _ in range(self.rng.randint(4, 9)):  # people
                x = self.rng.randint(20, 290)
                draw.ellipse((x, 120, x + 18, 138), fill=(60, 40, 30))
                draw.rectangle((x + 2, 138, x + 16, 175), fill=tuple(self.rng.randint(0, 255) for _ in range(3)))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=70)
            rows.append({"id": i + 1, "mime": "image/jpeg", "width": 320, "height": 240, "data": out.getvalue(),
                         "created_at": self.base_time})
        self._insert(Photo.__table__, rows)
        return [r["id"] for r in rows]

    # -- ratings: the bulk of the rows --

    def _ratings(self) -> None:
        rng, total = self.rng, self.p.ratings
        # Members present at a spot check rate through the live code (verified); the rest through sheets.
        n_live = round(total * prov.LIVE_SHARE) if self.check_links else 0
        n = total - n_live
        acts = self.activities
        members = {b["id"]: b["member_count"] for b in self.branches}
        weights = [members[a["branch_id"]] * rng.uniform(0.3, 1.7) for a in acts]
        profile_names = rng.choices(list(SCORE_PROFILES), [70, 25, 5], k=len(self.branches))
        branch_profile = {b["id"]: SCORE_PROFILES[p] for b, p in zip(self.branches, profile_names, strict=True)}
        span_days = (self.last_day - self.first_day).days + 1
        act_day = [(a["held_on"] - self.first_day).days for a in acts]

        # Pass 1: when and which activity, packed in one int so one sort orders them by time.
        picks = rng.choices(range(len(acts)), weights=weights, k=n) if acts else []
        offsets = rng.choices(range(len(DAY_OFFSET_WEIGHTS)), weights=DAY_OFFSET_WEIGHTS, k=n)
        shift = max(1, len(acts)).bit_length()
        rand = rng.random
        keys = []
        for i, a in zip(offsets, picks, strict=True):
            day = min(act_day[a] + i, span_days - 1)
            keys.append(((day * RATING_DAY_SECONDS + int(rand() * RATING_DAY_SECONDS)) << shift) | a)
        del picks, offsets
        keys.sort()

        # Text of each day and second as SQLite stores it (UTC: 08:00 China time is 00:00 UTC).
        days = [self.first_day + timedelta(days=d) for d in range(span_days)]
        day_utc = [_local_midnight_utc(d) + timedelta(hours=8) for d in days]
        day_prefix = [d.strftime("%Y-%m-%d ") for d in day_utc]
        day_month = [d.year * 100 + d.month for d in days]
        sqlite_raw = is_sqlite(self.conn.engine)
        sec_text = ([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(RATING_DAY_SECONDS)]
                    if sqlite_raw else [])
        pools = {s: list(dict.fromkeys(names.suggestion(rng, s) for _ in range(200))) for s in range(1, 6)}
        photos = self._photos() if n else []

        stats: dict[tuple, int] = {}
        mask = (1 << shift) - 1
        columns = ("link_id", "branch_id", "activity_id", "activity_name", "score", "suggestion", "photo_id",
                   "submission_id", "client_hash", "created_at")
        # Fixed column names, values bound as parameters.
        raw_sql = f"INSERT INTO rating ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        # The loop below runs a million times: everything it touches is a local list or a bound method.
        act_branch = [a["branch_id"] for a in acts]
        act_id = [a["id"] for a in acts]
        act_profile = [branch_profile[b] for b in act_branch]
        pool = [[], *(pools[score] for score in range(1, 6))]
        link, others, bisect_left = self.branch_link, OTHER_ACTIVITY_NAMES, bisect.bisect_left
        empty_share, other_share, photo_share = EMPTY_SUGGESTION_SHARE, OTHER_ACTIVITY_SHARE, PHOTO_SHARE
        for start in range(0, n, CHUNK):
            rows = []
            append = rows.append
            for i in range(start, min(n, start + CHUNK)):
                key = keys[i]
                a = key & mask
                day, sec = divmod(key >> shift, RATING_DAY_SECONDS)
                branch_id = act_branch[a]
                score = bisect_left(act_profile[a], rand()) + 1
                if rand() < empty_share:
                    suggestion = ""
                    photo_id = None
                else:
                    texts = pool[score]
                    suggestion = texts[int(rand() * len(texts))]
                    photo_id = photos[int(rand() * len(photos))] if rand() < photo_share else None
                if rand() < other_share:
                    activity_id, activity_name = None, others[int(rand() * len(others))]
                else:
                    activity_id, activity_name = act_id[a], ""
                created = (day_prefix[day] + sec_text[sec]) if sqlite_raw else day_utc[day] + timedelta(seconds=sec)
                append((link[branch_id], branch_id, activity_id, activity_name, score, suggestion,
                        photo_id, f"demo-{i + 1:08d}", "", created))
                skey = (branch_id, activity_id or 0, day_month[day], score, suggestion != "", photo_id is not None)
                stats[skey] = stats.get(skey, 0) + 1
            self._write_ratings(rows, sqlite_raw, raw_sql, columns)
        live = self._live_ratings(n_live, branch_profile, day_prefix, day_utc, sec_text, day_month, stats)
        self._write_ratings(live, sqlite_raw, raw_sql, columns)
        self.summary.counts["rating"] = total
        self.summary.counts["verified_rating"] = len(live)
        self._rating_stats(stats)

    def _write_ratings(self, rows: list[tuple], sqlite_raw: bool, raw_sql: str, columns: tuple[str, ...]) -> None:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            if sqlite_raw:
                self.conn.connection.driver_connection.executemany(raw_sql, chunk)
            else:
                self.conn.execute(insert(Rating.__table__), [dict(zip(columns, r, strict=True)) for r in chunk])

    def _live_ratings(self, n: int, profiles: dict, day_prefix: list[str], day_utc: list[datetime],
                      sec_text: list[str], day_month: list[int], stats: dict[tuple, int]) -> list[tuple]:
        """Ratings through the live codes of the spot checks, on the check's day, 10:00–17:00 China time,
        each live link up to its cap (the branch's members)."""
        rng, rows = self.rng, []
        left = {link: cap for link, cap in ((row["id"], row["max_responses"]) for row in self.links if row["live"])}
        by_branch: dict[int, list[dict]] = {}
        for a in self.activities:
            by_branch.setdefault(a["branch_id"], []).append(a)
        checks = [c for c in self.check_links]
        # Members at a spot check write suggestions too. Their own generator: the draws of self.rng
        # (and so the rest of the demo) stay as they were.
        texts = random.Random(self.p.seed * 7_919 + 17)
        while len(rows) < n and checks:
            i = int(rng.random() * len(checks))
            branch_id, link, day = checks[i]
            if left[link] <= 0:
                checks[i] = checks[-1]
                checks.pop()
                continue
            left[link] -= 1
            d = (day - self.first_day).days
            sec = rng.randrange(2 * 3600, 9 * 3600)
            done = [a for a in by_branch.get(branch_id, []) if a["held_on"] <= day]
            activity = done[-1]["id"] if done else None
            score = bisect.bisect_left(profiles[branch_id], rng.random()) + 1
            created = (day_prefix[d] + sec_text[sec]) if sec_text else day_utc[d] + timedelta(seconds=sec)
            suggestion = "" if texts.random() < EMPTY_SUGGESTION_SHARE else names.suggestion(texts, score)
            rows.append((link, branch_id, activity, "" if activity else OTHER_ACTIVITY_NAMES[0], score, suggestion,
                         None, f"demo-live-{len(rows) + 1:08d}", "", created))
            skey = (branch_id, activity or 0, day_month[d], score, suggestion != "", False)
            stats[skey] = stats.get(skey, 0) + 1
        return rows

    def _rating_stats(self, stats: dict[tuple, int]) -> None:
        """Fold the counts into RatingStat rows with the same rules as ``add_rating`` (stat_values)."""
        totals: dict[tuple[int, int, int], dict[str, int]] = {}
        for (branch_id, activity_id, month, score, has_sugg, has_photo), count in sorted(stats.items()):
            # Mid-month, noon UTC: unambiguously inside that China-time month.
            moment = datetime(month // 100, month % 100, 15, 4, tzinfo=UTC)
            values = stat_values(branch_id, activity_id, moment, score, has_sugg, has_photo)
            acc = totals.setdefault((values["branch_id"], values["activity_id"], values["month"]),
                                    dict.fromkeys(("count", "score_sum", "suggestions", "photos", *SCORE_COLUMNS), 0))
            for k in acc:
                acc[k] += values[k] * count
        rows = [{"branch_id": b, "activity_id": a, "month": m, **acc} for (b, a, m), acc in totals.items()]
        self._insert(RatingStat.__table__, rows)

    def _fix_sequences(self) -> None:
        """PostgreSQL: explicit ids do not move the serial sequences; move them past our rows."""
        if self.conn.dialect.name != "postgresql":
            return
        for table in (Cadre, Branch, SurveyLink, Visit, Activity, Photo):
            name = table.__tablename__
            self.conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed table names
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"))

    def _marker(self) -> None:
        self.conn.execute(insert(AuditEntry.__table__), [{
            "at": self.base_time, "actor": MARKER_ACTOR, "source": "zhudian demo", "table_name": MARKER_TABLE,
            "record_id": str(self.p.seed), "action": "create", "old_values": "",
            "new_values": json.dumps(self.summary.as_dict(), ensure_ascii=False),
        }])
