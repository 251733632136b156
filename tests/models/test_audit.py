"""The audit trail: every create, change and delete inside ``audit.tracking`` leaves an entry."""

from datetime import timedelta

from sqlmodel import select

from models import audit
from models.clock import now
from models.tables import AuditEntry, Branch
from tests import factories as f


def _entries(session):
    return audit.entries(session)


def test_create_update_delete_are_recorded_with_source_actor_and_values(session):
    with audit.tracking(session, "dashboard:branch-form", actor="李四"):
        b = f.branch(session, "梅江区", "西郊团支部", member_count=20)
    with audit.tracking(session, "dashboard:branch-form", actor="李四"):
        b.member_count = 25
        session.add(b)
    with audit.tracking(session, "dashboard:branch-form", actor="王五"):
        session.delete(b)
    session.commit()

    create, update, delete = _entries(session)
    assert (create.action, create.table, create.actor, create.source) == (
        "create", "branch", "李四", "dashboard:branch-form")
    assert create.new["name"] == "西郊团支部" and create.old == {}
    assert update.action == "update" and update.record_id == str(b.id)
    assert update.old == {"member_count": 20} and update.new == {"member_count": 25}
    assert delete.action == "delete" and delete.actor == "王五"
    assert delete.old["member_count"] == 25 and delete.new == {}


def test_unchanged_touch_leaves_no_entry(session):
    b = f.branch(session, "梅江区", "西郊团支部")
    session.commit()
    with audit.tracking(session, "dashboard"):
        b.member_count = b.member_count  # same value: nothing to say
        session.add(b)
    session.commit()
    assert _entries(session) == []


def test_writes_outside_tracking_are_not_attributed(session):
    f.branch(session, "梅江区")
    session.commit()
    assert session.exec(select(AuditEntry)).all() == []


def test_tag_gives_one_object_its_own_source(session):
    with audit.tracking(session, "import:b.xlsx", actor="x"):
        b = Branch(name="甲团支部", county_id=f.county(session, "梅江区").id)
        audit.tag(b, "import:b.xlsx:第5行")
        session.add(b)
        f.branch(session, "梅江区", "乙团支部")
    session.commit()
    sources = {e.new["name"]: e.source for e in _entries(session)}
    assert sources == {"甲团支部": "import:b.xlsx:第5行", "乙团支部": "import:b.xlsx"}


def test_explicit_record_and_filters(session):
    b = f.branch(session, "梅江区", "西郊团支部")
    audit.record(session, b, "update", source="survey:link 3", actor="", old={"member_count": 1},
                 new={"member_count": 20})
    session.commit()
    (entry,) = audit.entries(session, kind="branch")
    assert entry.source == "survey:link 3" and entry.old == {"member_count": 1}
    assert audit.entries(session, kind="visit") == []
    assert audit.entries(session, since=now() + timedelta(minutes=1)) == []
    assert len(audit.entries(session, since=now() - timedelta(minutes=5))) == 1


def test_rollback_discards_entries_with_the_change(session):
    with audit.tracking(session, "dashboard"):
        f.branch(session, "梅江区", "西郊团支部")
    session.rollback()
    assert _entries(session) == []
    assert session.exec(select(Branch)).all() == []
