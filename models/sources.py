"""Where a record came from, as the audit log says: the cadres' field pages, the dashboard's form, an
import (with its file) or a command. Shown beside visits, spot checks and lectures on the dashboard."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from models.tables import AuditEntry

FIELD_PAGES = "驻点干部手机页面"  # the field pages' audit source (models.field.SOURCE)
DASHBOARD_FORM = "看板表单"
NOT_RECORDED = "—"


def label(source: str, actor: str = "") -> str:
    """A coordinator's word for an audit source."""
    if source == FIELD_PAGES:
        return f"手机页面（{actor}）" if actor else "手机页面"
    if source == DASHBOARD_FORM:
        return "看板表单"
    if source.startswith("import:"):
        return f"导入（{source.removeprefix('import:').split(':')[0]}）"
    return source or NOT_RECORDED


def sources(session: Session, table: str, ids: Iterable[int]) -> dict[int, str]:
    """Per record id, where it was created (``NOT_RECORDED`` when no audit entry says so, e.g. demo data)."""
    wanted = [str(i) for i in ids]
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        rows = session.exec(
            select(AuditEntry.record_id, AuditEntry.source, AuditEntry.actor)
            .where(AuditEntry.table_name == table, AuditEntry.action == "create",
                   col(AuditEntry.record_id).in_(wanted[start:start + 500]))
            .order_by(col(AuditEntry.id))).all()
        for record_id, source, actor in rows:
            found.setdefault(int(record_id), label(source, actor))
    return {int(i): found.get(int(i), NOT_RECORDED) for i in wanted}
