"""Importing the organisation tree: branches per county unit, with their 团建指导员."""

import pytest
from sqlmodel import select

from models import audit
from models.importing import KINDS, ImportRejected, run_import
from models.tables import Branch, Cadre
from tests import factories as f

pytestmark = pytest.mark.usefixtures("roster")

HEADERS = ["地市", "县（市、区）", "团支部名称", "类型", "团员数", "有团干（书记）", "团建指导员部门", "团建指导员"]
GOOD = [["梅州", "梅江区", "西郊街道团支部", "社区", 25, "是", "组织部", "张三"],
        ["梅州市", "梅县区", "丙村镇团支部", "农村", 12, "否", None, None]]


def test_good_file_twice_changes_nothing(session, tmp_path):
    path = f.write_xlsx(tmp_path / "branches.xlsx", HEADERS, GOOD)
    first = run_import(session, KINDS["branches"], path, actor="测试")
    session.commit()
    n_audit = len(audit.entries(session))
    second = run_import(session, KINDS["branches"], path, actor="测试")
    session.commit()
    assert (first.created, second.created, second.unchanged) == (2, 0, 2)
    assert len(audit.entries(session)) == n_audit  # nothing written the second time
    xijiao = session.exec(select(Branch).where(Branch.name == "西郊街道团支部")).one()
    assert (xijiao.kind, xijiao.member_count, xijiao.has_secretary) == ("community", 25, True)
    assert session.get(Cadre, xijiao.cadre_id).name == "张三"
    bingcun = session.exec(select(Branch).where(Branch.name == "丙村镇团支部")).one()
    assert (bingcun.has_secretary, bingcun.cadre_id) == (False, None)


def test_changed_value_is_updated_and_audited_old_to_new(session, tmp_path):
    run_import(session, KINDS["branches"], f.write_csv(tmp_path / "a.csv", HEADERS, GOOD))
    session.commit()
    changed = [GOOD[0][:4] + [30] + GOOD[0][5:], GOOD[1]]
    result = run_import(session, KINDS["branches"], f.write_csv(tmp_path / "b.csv", HEADERS, changed), actor="甲")
    session.commit()
    assert (result.updated, result.unchanged) == (1, 1)
    (entry,) = audit.entries(session, kind="branch")[-1:]
    assert entry.action == "update" and entry.actor == "甲" and entry.source == "import:b.csv:第2行"
    assert (entry.old, entry.new) == ({"member_count": 25}, {"member_count": 30})


def test_bad_rows_are_all_listed_and_nothing_written(session, tmp_path):
    rows = [
        GOOD[0],
        ["梅州", "梅江去", "甲团支部", "社区", 10, "是", None, None],       # unknown county
        ["没州", "梅江区", "乙团支部", "社区", 10, "是", None, None],        # unknown city
        ["梅州", "梅江区", "丙团支部", "工厂", -3, "也许", None, None],      # bad kind, negative, bad yes/no
        ["梅州", "梅江区", "丁团支部", "社区", 10, "是", None, "王五"],      # cadre without department
        ["梅州", "梅江区", "西郊街道团支部", "社区", 25, "是", "组织部", "张三"],  # duplicate of row 2
        ["梅州", "越秀区", "戊团支部", "社区", 10, "是", None, None],        # county of another city
    ]
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["branches"], f.write_xlsx(tmp_path / "bad.xlsx", HEADERS, rows))
    session.rollback()
    got = {(e.row, e.column): e for e in info.value.errors}
    assert "梅江区" in got[(3, "县（市、区）")].reason and got[(3, "县（市、区）")].value == "梅江去"
    assert "梅州市" in got[(4, "地市")].reason
    assert "团支部类型应为" in got[(5, "类型")].reason
    assert got[(5, "团员数")].reason == "不能为负数"
    assert "是" in got[(5, "有团干（书记）")].reason
    assert got[(6, "团建指导员")].reason == "请先填写该干部所在的部门"
    assert "与第2行重复" in got[(7, "")].reason
    assert (8, "县（市、区）") in got
    assert session.exec(select(Branch)).all() == []
    assert len(session.exec(select(Cadre)).all()) == 3  # the roster only: no import creates a cadre
