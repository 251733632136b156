"""All database tables of zhudian.

The schema covers the whole seed document (团粤办发〔2019〕16号): the organisation tree, the
cadres' work records, members' feedback, the campaign with its targets, and the audit trail.
Schema changes go through Alembic migrations in ``models/migrations``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.clock import now as clock_now


def utcnow() -> datetime:
    # Aware UTC everywhere (SQLModel's datetime columns refuse naive values), from the one clock.
    return clock_now()


class CountyKind(StrEnum):
    DISTRICT = "district"  # 市辖区
    COUNTY = "county"  # 县
    AUTONOMOUS_COUNTY = "autonomous_county"  # 自治县
    COUNTY_CITY = "county_city"  # 县级市
    TOWN = "town"  # 镇 (东莞、中山: in the county's place)
    STREET = "street"  # 街道 (东莞、中山)


class BranchKind(StrEnum):
    SCHOOL = "school"
    RURAL = "rural"
    COMMUNITY = "community"
    NONPUBLIC = "nonpublic"
    SOCIAL = "social"
    GOVERNMENT = "government"
    OTHER = "other"


BRANCH_KIND_LABELS: dict[str, str] = {
    BranchKind.SCHOOL: "学校",
    BranchKind.RURAL: "农村",
    BranchKind.COMMUNITY: "社区",
    BranchKind.NONPUBLIC: "非公企业",
    BranchKind.SOCIAL: "社会组织",
    BranchKind.GOVERNMENT: "机关事业单位",
    BranchKind.OTHER: "其他",
}


# --- organisation -------------------------------------------------------------------------------


class City(SQLModel, table=True):
    """One of Guangdong's 21 prefecture-level cities (地级以上市)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)  # 统计用区划代码, e.g. 440100
    name: str = Field(max_length=20, unique=True)  # short name as the seed writes it: 广州
    full_name: str = Field(max_length=30)  # 广州市


class County(SQLModel, table=True):
    """A county-level unit (县级行政区); for 东莞 and 中山, a town or street (镇街)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=30)
    city_id: int = Field(foreign_key="city.id", index=True)
    kind: str = Field(max_length=20)

    __table_args__ = (UniqueConstraint("city_id", "name", name="uq_county_city_name"),)


class Department(SQLModel, table=True):
    """A department or directly affiliated unit of the provincial committee (附件1)."""

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)  # order of 附件1
    name: str = Field(max_length=40, unique=True)
    short_name: str = Field(max_length=20)


class Assignment(SQLModel, table=True):
    """附件1: which department is paired with which city."""

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    city_id: int = Field(foreign_key="city.id", index=True)

    __table_args__ = (UniqueConstraint("department_id", "city_id", name="uq_assignment"),)


class Cadre(SQLModel, table=True):
    """A full-time cadre (专职干部) who takes part in the stationed visits."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    department_id: int = Field(foreign_key="department.id", index=True)
    active: bool = True
    # 经党组批准可不参加: who approved the exemption and when; both set takes the cadre out of the
    # yearly rules (10 full days, one lecture).
    exempt_approved_by: str = Field(default="", max_length=40)
    exempt_approved_on: date | None = None
    # 调离日期: a cadre who leaves is kept; his yearly target is pro-rated to the days he was in post.
    left_on: date | None = None

    __table_args__ = (UniqueConstraint("department_id", "name", name="uq_cadre_dept_name"),)


class Branch(SQLModel, table=True):
    """A league branch (团支部)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    county_id: int = Field(foreign_key="county.id", index=True)
    kind: str = Field(default=BranchKind.OTHER, max_length=20)
    member_count: int = 0
    has_secretary: bool = True
    cadre_id: int | None = Field(default=None, foreign_key="cadre.id")  # 团建指导员 paired with it

    __table_args__ = (UniqueConstraint("county_id", "name", name="uq_branch_county_name"),)


# --- work records -------------------------------------------------------------------------------


class Visit(SQLModel, table=True):
    """A stationed visit by a department's cadres.

    ``county_id`` is empty when the visit went no lower than the city (a rule breach).
    """

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    city_id: int = Field(foreign_key="city.id", index=True)
    county_id: int | None = Field(default=None, foreign_key="county.id", index=True)
    town: str = Field(default="", max_length=60)  # 乡镇（街道）及以下 where the visit went
    start_date: date = Field(index=True)
    end_date: date
    full_days: float = 1.0
    max_meeting_size: int | None = None  # largest 座谈会 held; the seed allows at most 10
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class VisitCadre(SQLModel, table=True):
    """Which cadres took part in a visit (each is credited the visit's full days)."""

    visit_id: int = Field(foreign_key="visit.id", primary_key=True, ondelete="CASCADE")
    cadre_id: int = Field(foreign_key="cadre.id", primary_key=True, index=True)


class SpotCheck(SQLModel, table=True):
    """实地抽查 of one branch during a visit."""

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    branch_id: int = Field(foreign_key="branch.id", index=True)
    checked_on: date
    wechat_ok: bool  # has a WeChat group holding at least 3/4 of members
    secretary_operates: bool  # the secretary can operate 智慧团建 themselves
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Counted on the spot (the field pages): wechat_ok is then computed from them, not typed.
    group_members: int | None = None
    branch_members: int | None = None
    photo_id: int | None = Field(default=None, foreign_key="photo.id")

    __table_args__ = (UniqueConstraint("visit_id", "branch_id", name="uq_spotcheck_visit_branch"),)


class CadreLink(SQLModel, table=True):
    """A cadre's personal link to the field pages; only the hash of its secret is stored."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class SpotSession(SQLModel, table=True):
    """A cadre showing a branch's live QR to the members present during a visit (抽查团员青年评价).

    Ratings through its own live link are tied to it; once the spot check is recorded they are the
    verified ratings the evaluation counts (the first ``present`` of them: those beyond are kept, flagged).
    """

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    branch_id: int = Field(foreign_key="branch.id", index=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    link_id: int = Field(foreign_key="surveylink.id", unique=True)
    present: int | None = None  # members present, entered by the cadre
    started_at: datetime = Field(default_factory=utcnow)
    spotcheck_id: int | None = Field(default=None, foreign_key="spotcheck.id", index=True)


class LectureMaterial(SQLModel, table=True):
    """Slides or notes of a lecture, uploaded from the field pages, kept for 宣传部's summary."""

    id: int | None = Field(default=None, primary_key=True)
    lecture_id: int = Field(foreign_key="lecture.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=200)
    mime: str = Field(max_length=100)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class FieldSubmission(SQLModel, table=True):
    """A form of the field pages already stored: its retry (bad network, double tap) stores nothing."""

    submission_id: str = Field(max_length=32, primary_key=True)
    kind: str = Field(max_length=20)
    record_id: int
    created_at: datetime = Field(default_factory=utcnow)


class Activity(SQLModel, table=True):
    """An activity a branch held (主题团日、团课、志愿服务 …), which members can rate."""

    id: int | None = Field(default=None, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    name: str = Field(max_length=100)
    kind: str = Field(default="", max_length=30)
    held_on: date
    evidence_id: int | None = Field(default=None, foreign_key="evidencefile.id")  # from a 智慧团建 export


class Lecture(SQLModel, table=True):
    """党团课 given by a cadre (at least one a year)."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="cadre.id", index=True)
    held_on: date
    place: str = Field(max_length=100)
    audience: int = 0
    title: str = Field(max_length=200)
    county_id: int | None = Field(default=None, foreign_key="county.id")
    materials: str = Field(default="", max_length=500)  # where the slides/materials are kept
    materials_submitted_on: date | None = None  # handed to 宣传部 (due at the end of December)
    # Time is the system's: when the lecture and its materials were recorded (system clock); the date typed
    # for the materials is kept as claimed. 补录 (history brought in later) carries its reason.
    received_at: datetime | None = None
    materials_received_at: datetime | None = None
    materials_claimed_on: date | None = None
    backfill_reason: str = Field(default="", max_length=200)


class ServiceProject(SQLModel, table=True):
    """The one service-project report per department per year (to 组织部, early December)."""

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    year: int
    title: str = Field(max_length=200)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    submitted_on: date | None = None
    reviewed_by: str = Field(default="", max_length=40)  # 分管领导 who reviewed it before it was sent
    received_at: datetime | None = None  # system clock when recorded; submitted_on is its China-time date
    claimed_on: date | None = None  # the date typed in a file, kept as claimed
    backfill_reason: str = Field(default="", max_length=200)  # 补录

    __table_args__ = (UniqueConstraint("department_id", "year", name="uq_project_dept_year"),)


class MonthlyReport(SQLModel, table=True):
    """附件2 for one county unit and month: the department's figures and when it was handed in.

    ``None`` means 未录入 (not recorded) — never zero.
    """

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    county_id: int = Field(foreign_key="county.id", index=True)
    year: int
    month: int
    submitted_on: date | None = None
    league_members: int | None = None  # 团员数, weights the rates below
    branches_without_cadre: int | None = None  # 该地区无团干团支部数量
    nonpublic_baseline: int | None = None  # 推动建团非公企业任务底数
    social_baseline: int | None = None  # 推动建团社会组织任务底数
    new_nonpublic_orgs: int | None = None
    new_nonpublic_members: int | None = None
    new_social_orgs: int | None = None
    new_social_members: int | None = None
    typical_org_name: str = Field(default="", max_length=200)
    typical_org_experience: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    volunteer_rate: float | None = None  # percent of members who are 注册志愿者
    service_hours_per_capita: float | None = None
    service_times_per_capita: float | None = None
    branch_experience: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    experience_promoted: bool = False  # as typed on the form; only an Experience row can count
    # Where the figures came from (models/provenance.py decides what is verified): a system export
    # (source 智慧团建 / i志愿 / 青年之声 with its file and date) or 实地核实 by a cadre on a visit.
    source: str = Field(default="", max_length=20)
    source_file: str = Field(default="", max_length=200)
    source_date: date | None = None
    checked_by_id: int | None = Field(default=None, foreign_key="cadre.id")
    checked_visit_id: int | None = Field(default=None, foreign_key="visit.id")
    # Time is the system's (models/figures/deadlines.receipt): submitted_on is the China-time date of received_at.
    received_at: datetime | None = None
    claimed_on: date | None = None  # 报送日期 as typed in a file, kept as claimed
    backfill_reason: str = Field(default="", max_length=200)  # 补录: history from before the product was used
    amended_at: datetime | None = None  # 报送后修改: figures last changed after the deadline
    baseline_approved_by: str = Field(default="", max_length=60)  # 任务底数 changed within the year: who approved
    baseline_approved_on: date | None = None

    __table_args__ = (
        UniqueConstraint("department_id", "county_id", "year", "month", name="uq_monthly_report"),
        Index("ix_monthly_report_period", "year", "month"),
    )


class Experience(SQLModel, table=True):
    """A typical experience (典型经验) of a county unit: checked on a recorded visit, then promoted.

    Verified when ``checked_by_id`` took part in ``checked_visit_id`` in this county unit; promoted when
    where, when and by whom it was promoted province-wide are recorded.
    """

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    county_id: int = Field(foreign_key="county.id", index=True)
    year: int
    title: str = Field(max_length=200)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    checked_visit_id: int | None = Field(default=None, foreign_key="visit.id")
    checked_by_id: int | None = Field(default=None, foreign_key="cadre.id")
    promoted_on: date | None = None
    promoted_where: str = Field(default="", max_length=200)  # e.g. 全省团的基层建设现场会
    promoted_by: str = Field(default="", max_length=100)  # who promoted it (a department or person)
    promotion_recorded_at: datetime | None = None  # system clock when the promotion was recorded

    __table_args__ = (UniqueConstraint("department_id", "county_id", "year", "title", name="uq_experience"),)


class CityPlan(SQLModel, table=True):
    """A city's own implementation plan (本地实施方案), due to 基层组织建设部 before 5月10日."""

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", index=True)
    year: int
    title: str = Field(default="", max_length=200)
    submitted_on: date | None = None
    received_at: datetime | None = None
    claimed_on: date | None = None
    backfill_reason: str = Field(default="", max_length=200)

    __table_args__ = (UniqueConstraint("city_id", "year", name="uq_cityplan_city_year"),)


# --- feedback -----------------------------------------------------------------------------------


class SurveyLink(SQLModel, table=True):
    """A survey link (and its QR code) belonging to one branch, optionally to one visit."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    max_responses: int | None = None
    live: bool = False  # rotating QR for spot checks
    created_at: datetime = Field(default_factory=utcnow)


class Photo(SQLModel, table=True):
    """A re-encoded photo attached to a rating, kept in the database so servers can share it."""

    id: int | None = Field(default=None, primary_key=True)
    mime: str = Field(max_length=30)
    width: int
    height: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Rating(SQLModel, table=True):
    """One member's rating of one activity of their branch."""

    id: int | None = Field(default=None, primary_key=True)
    link_id: int | None = Field(default=None, foreign_key="surveylink.id", index=True)
    branch_id: int = Field(foreign_key="branch.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    activity_name: str = Field(default="", max_length=100)  # typed name when "其他" was chosen
    score: int
    suggestion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    photo_id: int | None = Field(default=None, foreign_key="photo.id")
    submission_id: str = Field(max_length=64, unique=True)  # makes retries harmless
    client_hash: str = Field(default="", max_length=64)  # salted hash, never a raw IP
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RatingStat(SQLModel, table=True):
    """Roll-up of ratings per branch, activity and month, kept in step with ``Rating``.

    The dashboard refreshes every few seconds; reading this instead of ``Rating`` keeps the cost
    flat as ratings grow. ``activity_id`` 0 stands for ratings without a listed activity.
    """

    branch_id: int = Field(foreign_key="branch.id", primary_key=True)
    activity_id: int = Field(default=0, primary_key=True)
    month: int = Field(primary_key=True)  # yyyymm
    count: int = 0
    score_sum: int = 0
    n1: int = 0
    n2: int = 0
    n3: int = 0
    n4: int = 0
    n5: int = 0
    suggestions: int = 0
    photos: int = 0

    __table_args__ = (Index("ix_ratingstat_month", "month"),)


# --- campaign -----------------------------------------------------------------------------------


class Campaign(SQLModel, table=True):
    """One campaign year (the seed's: 2019, April to November)."""

    year: int = Field(primary_key=True)
    start_month: int = 4
    end_month: int = 11
    title: str = Field(default="", max_length=200)


class Target(SQLModel, table=True):
    """A rule of the seed as data: one number per key and campaign year."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(foreign_key="campaign.year", index=True)
    key: str = Field(max_length=50)
    value: float
    label: str = Field(default="", max_length=200)  # Chinese description shown to coordinators

    __table_args__ = (UniqueConstraint("year", "key", name="uq_target_year_key"),)


# --- audit --------------------------------------------------------------------------------------


class AuditEntry(SQLModel, table=True):
    """Who changed which record, when, from where, and from what to what."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(default="", max_length=100)
    source: str = Field(default="", max_length=300)  # "import:visits.xlsx:row 5", "dashboard:visit-form", "survey:link 12"
    table_name: str = Field(max_length=50, index=True)
    record_id: str = Field(max_length=50)
    action: str = Field(max_length=10)  # create / update / delete
    old_values: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON
    new_values: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON


REFERENCE_TABLES = ("city", "county", "department", "assignment", "campaign", "target")


# --- survey server ------------------------------------------------------------------------------


class RateCounter(SQLModel, table=True):
    """Requests per client key and minute, shared by every survey worker and machine.

    Kept in the database (not in process memory) so that the limit holds across several survey
    servers behind one load balancer. Old windows are purged as new ones open.
    """

    key: str = Field(max_length=80, primary_key=True)  # "post:<link>:<daily-salted client key>"
    window: int = Field(primary_key=True)  # minutes since the epoch
    count: int = 0

    __table_args__ = (Index("ix_ratecounter_window", "window"),)


# --- suggestion themes (models/themes) -----------------------------------------------------------


class SuggestionAnalysis(SQLModel, table=True):
    """One rating's suggestion, analysed once (models/themes): its keywords and urgent words.

    A rating with a suggestion and no row here is still to be analysed (``analyse_pending``).
    """

    rating_id: int = Field(foreign_key="rating.id", primary_key=True, ondelete="CASCADE")
    keywords: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # space-separated
    urgent_words: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class SuggestionTheme(SQLModel, table=True):
    """A theme one suggestion carries (a suggestion may carry several), with what scopes need."""

    rating_id: int = Field(foreign_key="rating.id", primary_key=True, ondelete="CASCADE")
    theme: str = Field(max_length=20, primary_key=True)
    branch_id: int = Field(foreign_key="branch.id")
    month: int  # yyyymm, China time
    score: int

    __table_args__ = (
        # Newest first within a theme and month; branch_id in the index filters a scope without the table.
        Index("ix_suggestiontheme_theme", "theme", "month", "rating_id", "branch_id"),
        Index("ix_suggestiontheme_branch", "branch_id", "theme", "month", "rating_id"),
    )


class ThemeStat(SQLModel, table=True):
    """Roll-up of suggestion themes per county unit and month, kept in step by ``analyse_pending``.

    Theme ``_all`` counts every analysed suggestion (the base of the shares); ``urgent`` the flagged ones.
    """

    county_id: int = Field(foreign_key="county.id", primary_key=True)
    month: int = Field(primary_key=True)
    theme: str = Field(max_length=20, primary_key=True)
    count: int = 0
    score_sum: int = 0


class ThemeState(SQLModel, table=True):
    """Which version of the word lists the stored analyses were made with."""

    key: str = Field(max_length=40, primary_key=True)
    value: str = Field(max_length=200)


# --- reminders and the leaders' view (models/reminders.py, models/leaders.py) --------------------


class ReminderChannel(SQLModel, table=True):
    """Where a department's reminders go: one Apprise URL (企业微信 group bot, DingTalk, mail …)."""

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))  # holds the bot key or mail password
    label: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class ReminderSent(SQLModel, table=True):
    """One department's reminder about one deadline through one channel: sent once, a failure retried."""

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    deadline: str = Field(max_length=40)  # "month:2019-05", "project_report:2019" …
    channel_id: int = Field(foreign_key="reminderchannel.id", index=True, ondelete="CASCADE")
    sent_at: datetime | None = None  # None: every attempt so far failed
    attempts: int = 0
    last_error: str = Field(default="", max_length=500)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_attempt_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("department_id", "deadline", "channel_id", name="uq_reminder_sent"),)


class LeaderLink(SQLModel, table=True):
    """A leader's personal link to the read-only leaders' pages; only the hash of its secret is stored."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    role: str = Field(default="", max_length=60)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None

# --- evidence: system exports read from the file (models/evidence) -------------------------------------


class EvidenceFile(SQLModel, table=True):
    """An export file of 智慧团建 or i志愿 a department brought: what proves which file it was (hash, size,
    rows) and the figures computed from its rows. No personal column of the file is kept."""

    id: int | None = Field(default=None, primary_key=True)
    system: str = Field(max_length=20)
    layout: str = Field(max_length=30)  # models/evidence/layouts.py
    file_name: str = Field(max_length=200)
    sha256: str = Field(max_length=64, unique=True)
    size: int
    rows_total: int  # data rows below the header
    rows_used: int  # of them, the rows the figures were computed from
    skipped: str = Field(default="", max_length=500)  # rows left out and why (合计 row …)
    columns: str = Field(default="", max_length=1000)  # the headers read (only those the figures need)
    exported_on: date
    department_id: int = Field(foreign_key="department.id", index=True)
    year: int
    month: int
    figures: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON per county
    brought_by: str = Field(default="", max_length=100)
    received_at: datetime = Field(default_factory=utcnow)
    backfill_reason: str = Field(default="", max_length=200)


class EvidenceUse(SQLModel, table=True):
    """Which figures of which monthly report an export file backs, with the values computed from it."""

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidencefile.id", index=True)
    report_id: int = Field(foreign_key="monthlyreport.id", index=True)
    county_id: int = Field(foreign_key="county.id")
    values: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON figure -> value

    __table_args__ = (UniqueConstraint("evidence_id", "report_id", name="uq_evidenceuse"),)
