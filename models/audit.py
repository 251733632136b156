"""The audit trail: who created, changed or deleted which record, when, from where, old → new.

Two ways in, one table (:class:`AuditEntry`):

- :func:`tracking` — a context manager that puts an audit source and actor on a session. While it
  is active, a flush hook writes one entry per created, changed or deleted row, with the old and new
  column values as JSON. Importers, the dashboard and the survey wrap their writes in it, so a change
  cannot slip through without its entry. :func:`tag` gives one object a more precise source
  (``import:visits.xlsx:第5行``) than the session's.
- :func:`record` — an explicit entry, for writes made with Core statements the hook cannot see.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import NO_VALUE
from sqlmodel import Session, select

from models.clock import now
from models.tables import AuditEntry

SOURCE_KEY = "audit_source"
ACTOR_KEY = "audit_actor"
# Tables never audited: the audit trail itself, the rating roll-up (derived data) and photo bytes.
SKIP_TABLES = frozenset({"auditentry", "ratingstat", "photo"})

ACTIONS = ("create", "update", "delete", "view")  # view: a leader's page view (survey/leaders.py)
ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除", "view": "查看"}
TABLE_LABELS = {
    "visit": "驻点记录", "visitcadre": "驻点人员", "spotcheck": "实地抽查", "lecture": "党团课", "branch": "团支部",
    "cadre": "专职干部", "monthlyreport": "月度数据", "serviceproject": "服务青年工作项目报告", "activity": "支部活动",
    "rating": "团员评价", "surveylink": "评价链接", "target": "年度目标", "campaign": "驻点年度",
}
# Column names as coordinators read them (the audit listing); a column not here prints as itself.
FIELD_LABELS = {
    "id": "编号", "name": "名称", "code": "代码", "kind": "类型", "year": "年度", "month": "月份",
    "department_id": "部门", "city_id": "地市", "county_id": "县区", "branch_id": "团支部", "cadre_id": "专职干部",
    "visit_id": "驻点记录", "link_id": "评价链接", "activity_id": "活动", "photo_id": "照片", "lecture_id": "党团课",
    "active": "在岗", "exempt_approved_by": "批准不参加的批准人", "exempt_approved_on": "批准不参加的日期",
    "member_count": "团员数", "has_secretary": "有团支部书记", "town": "乡镇（街道）", "start_date": "开始日期",
    "end_date": "结束日期", "full_days": "整天数", "max_meeting_size": "座谈会人数", "notes": "说明",
    "created_at": "创建时间", "checked_on": "抽查日期", "wechat_ok": "建立微信群", "secretary_operates": "书记能操作智慧团建",
    "group_members": "群内团员数", "branch_members": "团支部团员数", "expires_at": "有效期至", "revoked_at": "停用时间",
    "present": "在场团员数", "started_at": "开始时间", "spotcheck_id": "实地抽查", "filename": "文件名", "mime": "文件类型",
    "held_on": "日期", "place": "地点", "audience": "听课人数", "title": "题目", "materials": "材料存放位置",
    "materials_submitted_on": "材料报送日期", "summary": "摘要", "submitted_on": "报送日期", "reviewed_by": "审阅的分管领导",
    "league_members": "团员数", "branches_without_cadre": "无团干团支部数", "nonpublic_baseline": "非公企业任务底数",
    "social_baseline": "社会组织任务底数", "new_nonpublic_orgs": "本月新建团非公企业数",
    "new_nonpublic_members": "本月非公企业新发展团员数", "new_social_orgs": "本月新建团社会组织数",
    "new_social_members": "本月社会组织新发展团员数", "typical_org_name": "典型组织名称",
    "typical_org_experience": "典型组织经验", "volunteer_rate": "注册志愿者比例", "service_hours_per_capita": "人均服务时长",
    "service_times_per_capita": "人均服务次数", "branch_experience": "团支部经验", "experience_promoted": "经验在全省推广",
    "source": "数据来源", "source_file": "来源文件", "source_date": "导出日期", "checked_by_id": "核实干部",
    "checked_visit_id": "核实驻点", "text": "内容", "promoted_on": "推广日期", "promoted_where": "推广场合",
    "promoted_by": "推广单位", "token": "令牌", "opens_at": "开始时间", "closes_at": "截止时间",
    "max_responses": "评价份数上限", "live": "现场二维码", "activity_name": "活动名称", "score": "评分",
    "suggestion": "意见建议", "submission_id": "提交编号", "client_hash": "客户端标识", "start_month": "起始月份",
    "end_month": "结束月份", "key": "指标", "value": "取值", "label": "说明", "token_hash": "令牌摘要",
}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The object's column values, JSON-ready."""
    mapper = inspect(obj).mapper
    return {col.key: _json_value(getattr(obj, col.key)) for col in mapper.column_attrs}


def _record_id(obj: Any) -> str:
    ident = inspect(obj).identity
    if ident is None:
        mapper = inspect(obj).mapper
        ident = tuple(getattr(obj, c.key) for c in mapper.primary_key)
    return "/".join(str(v) for v in ident)


def _dumps(values: dict[str, Any] | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str) if values else ""


def record(session: Session, obj: Any, action: str, *, source: str | None = None, actor: str | None = None,
           old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> None:
    """Write one entry explicitly (for Core writes the flush hook cannot see). The caller commits."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if new is None and action != "delete":
        new = snapshot(obj)
    _insert(session, [_entry(session, inspect(obj).mapper.local_table.name, _record_id(obj), action,
                             old, new, source, actor)])


def _entry(session: OrmSession, table: str, record_id: str, action: str, old: dict | None, new: dict | None,
           source: str | None, actor: str | None) -> dict[str, Any]:
    return {
        "at": now(),
        "actor": (actor if actor is not None else session.info.get(ACTOR_KEY, ""))[:100],
        "source": (source if source is not None else session.info.get(SOURCE_KEY, ""))[:300],
        "table_name": table,
        "record_id": record_id[:50],
        "action": action,
        "old_values": _dumps(old),
        "new_values": _dumps(new),
    }


def _insert(session: OrmSession, entries: list[dict[str, Any]]) -> None:
    if entries:
        session.connection().execute(insert(AuditEntry), entries)


@contextmanager
def tracking(session: Session, source: str, actor: str = "") -> Iterator[Session]:
    """Audit every write flushed on ``session`` inside the block, with this source and actor."""
    before = (session.info.get(SOURCE_KEY), session.info.get(ACTOR_KEY))
    session.info[SOURCE_KEY] = source
    session.info[ACTOR_KEY] = actor
    try:
        yield session
        session.flush()  # entries are written while the source is still known
    finally:
        for key, value in zip((SOURCE_KEY, ACTOR_KEY), before, strict=True):
            if value is None:
                session.info.pop(key, None)
            else:
                session.info[key] = value


def tag(obj: Any, source: str) -> Any:
    """Give one object its own audit source (e.g. file and row); returns the object."""
    inspect(obj).info[SOURCE_KEY] = source
    return obj


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if before is NO_VALUE:
            before = None
        if _json_value(before) == _json_value(after):
            continue
        old[attr.key] = _json_value(before)
        new[attr.key] = _json_value(after)
    return old, new


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context: Any) -> None:
    # Runs only for sessions inside ``tracking``; the pre-flush lists and attribute histories are
    # still available here, and the new rows already have their ids.
    if SOURCE_KEY not in session.info:
        return
    entries = []
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            state = inspect(obj)
            table = state.mapper.local_table.name
            if table in SKIP_TABLES:
                continue
            source = state.info.get(SOURCE_KEY)
            if action == "create":
                old, new = None, snapshot(obj)
            elif action == "delete":
                old, new = snapshot(obj), None
            else:
                old, new = _changes(obj)
                if not new:
                    continue  # touched but unchanged: nothing to say
            entries.append(_entry(session, table, _record_id(obj), action, old, new, source, None))
    _insert(session, entries)


# --- reading the trail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    source: str
    table: str
    record_id: str
    action: str
    old: dict[str, Any]
    new: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "source": self.source, "table": self.table,
                "record_id": self.record_id, "action": self.action, "old": self.old, "new": self.new}


def entries(session: Session, *, since: datetime | None = None, kind: str | None = None,
            limit: int | None = None) -> list[Change]:
    """The trail, oldest first; ``kind`` is a table name (visit, spotcheck …)."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if kind:
        query = query.where(AuditEntry.table_name == kind)
    if limit:
        query = query.limit(limit)
    return [
        Change(e.at, e.actor, e.source, e.table_name, e.record_id, e.action,
               json.loads(e.old_values) if e.old_values else {},
               json.loads(e.new_values) if e.new_values else {})
        for e in session.exec(query)
    ]
