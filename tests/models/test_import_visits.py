"""Importing stationed visits and their spot checks."""

from datetime import date

import pytest
from sqlmodel import select

from models import audit
from models.importing import KINDS, ImportRejected, run_import
from models.tables import Cadre, SpotCheck, Visit, VisitCadre
from tests import factories as f

pytestmark = pytest.mark.usefixtures("roster")

V_HEADERS = ["部门", "地市", "县（市、区）", "乡镇（街道）", "开始日期", "结束日期", "整天数", "座谈会最多人数",
             "参加干部", "备注"]
V_GOOD = [["组织部", "梅州", "梅江区", "西郊街道", "2019-05-06", "2019-05-07", 2, 6, "张三、李四", ""],
          ["组织部", "清远", "清城区", None, "2019/6/3", None, 1, 12, "张三", ""]]
S_HEADERS = ["部门", "地市", "县（市、区）", "驻点开始日期", "团支部名称", "抽查日期", "支部微信群达标",
             "书记会操作智慧团建", "备注"]


def _visits(session, tmp_path, rows=V_GOOD, name="visits.xlsx"):
    result = run_import(session, KINDS["visits"], f.write_xlsx(tmp_path / name, V_HEADERS, rows))
    session.commit()
    return result


def test_visits_with_cadres_idempotent(session, tmp_path):
    assert _visits(session, tmp_path).created == 2
    again = _visits(session, tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    meijiang = session.exec(select(Visit).where(Visit.start_date == date(2019, 5, 6))).one()
    assert (meijiang.start_date, meijiang.end_date, meijiang.full_days, meijiang.max_meeting_size) == (
        date(2019, 5, 6), date(2019, 5, 7), 2.0, 6)
    cadres = {session.get(Cadre, vc.cadre_id).name for vc in
              session.exec(select(VisitCadre).where(VisitCadre.visit_id == meijiang.id))}
    assert cadres == {"张三", "李四"}
    qingcheng = session.exec(select(Visit).where(Visit.start_date == date(2019, 6, 3))).one()
    assert qingcheng.end_date == date(2019, 6, 3) and qingcheng.max_meeting_size == 12
    assert len(session.exec(select(Cadre)).all()) == 3  # the roster's: importing visits creates none


def test_xlsx_date_cells(session, tmp_path):
    from datetime import datetime

    rows = [["组织部", "梅州", "梅江区", "", datetime(2019, 7, 1), datetime(2019, 7, 2), 2, 5, "张三", ""]]
    assert _visits(session, tmp_path, rows, "dates.xlsx").created == 1
    visit = session.exec(select(Visit)).one()
    assert (visit.start_date, visit.end_date) == (date(2019, 7, 1), date(2019, 7, 2))


def test_rule_warnings_are_reported_not_refused(session, tmp_path):
    result = _visits(session, tmp_path)
    assert result.warnings == ["第3行 座谈会最多人数：座谈会 12 人，超过不得超过 10 人的规定；确认后将登记并标记为违规"]


def test_changing_the_cadres_is_audited(session, tmp_path):
    _visits(session, tmp_path)
    rows = [V_GOOD[0][:8] + ["张三", ""], V_GOOD[1]]
    assert _visits(session, tmp_path, rows, "v2.xlsx").updated == 1
    deleted = [e for e in audit.entries(session, kind="visitcadre") if e.action == "delete"]
    assert len(deleted) == 1 and deleted[0].source == "import:v2.xlsx:第2行"


def test_bad_visits(session, tmp_path):
    rows = [
        ["组织部", "梅州", "梅江区", "", "2019-12-06", "", 1, "", "张三", ""],        # outside the campaign
        ["组织布", "梅州", "梅江区", "", "2019-05-06", "", 1, "", "张三", ""],        # unknown department
        ["组织部", "梅州", "梅江区", "", "2019-05-08", "2019-05-07", 1, "", "张三", ""],  # end before start
        ["组织部", "梅州", "梅江区", "", "2019-05-09", "2019-05-09", 3, "", "张三", ""],  # more days than dates
        ["组织部", "梅州", "梅江区", "", "2019-02-30", "", "一天", "", "", ""],       # bad date, number, no cadre
        ["组织部", "梅州", "", "", "2019-05-10", "", 1, "", "张三", ""],             # city level only
        ["组织部", "梅州", "梅江区", "", "2019-05-11", "", 0, "", "张三", ""],        # no full day
    ]
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["visits"], f.write_csv(tmp_path / "v.csv", V_HEADERS, rows, "gb18030"))
    session.rollback()
    got = {(e.row, e.column): e.reason for e in info.value.errors}
    assert "驻点工作期间" in got[(2, "开始日期")] and "2019年4月至11月" in got[(2, "开始日期")]
    assert "组织部" in got[(3, "部门")]
    assert "早于" in got[(4, "结束日期")]
    assert "整天数不能超过驻点日期跨度" in got[(5, "整天数")]
    assert got[(6, "开始日期")] == "日期不存在"
    assert got[(6, "整天数")] == "不是数字"
    assert got[(6, "参加干部")] == "必填项为空"
    assert got[(7, "县（市、区）")] == "必填项为空"
    assert got[(8, "整天数")] == "整天数应大于 0"
    assert session.exec(select(Visit)).all() == []


def test_spot_checks(session, tmp_path):
    _visits(session, tmp_path)
    f.branch(session, "梅江区", "西郊街道团支部")
    f.branch(session, "梅江区", "金山街道团支部")
    session.commit()
    rows = [["组织部", "梅州", "梅江区", "2019-05-06", "西郊街道团支部", "2019-05-06", "是", "否", ""],
            ["组织部", "梅州", "梅江区", "2019-05-06", "金山街道团支部", "", "否", "是", ""]]
    path = f.write_csv(tmp_path / "s.csv", S_HEADERS, rows, "utf-8-sig")
    assert run_import(session, KINDS["spotchecks"], path).created == 2
    session.commit()
    assert run_import(session, KINDS["spotchecks"], path).unchanged == 2
    checks = {session.get(type(b), b.branch_id) and b.branch_id: (b.wechat_ok, b.secretary_operates, b.checked_on)
              for b in session.exec(select(SpotCheck))}
    assert sorted(checks.values()) == [(False, True, date(2019, 5, 6)), (True, False, date(2019, 5, 6))]


def test_bad_spot_checks(session, tmp_path):
    _visits(session, tmp_path)
    f.branch(session, "梅江区", "西郊街道团支部")
    session.commit()
    rows = [["组织部", "梅州", "梅江区", "2019-05-20", "西郊街道团支部", "", "是", "是", ""],   # no such visit
            ["组织部", "梅州", "梅江区", "2019-05-06", "西郊团支部", "", "是", "是", ""],       # no such branch
            ["组织部", "梅州", "梅江区", "2019-05-06", "西郊街道团支部", "2019-05-09", "是", "是", ""],  # outside visit
            ["组织部", "梅州", "梅江区", "2019-05-06", "西郊街道团支部", "", "是", "是", ""],
            ["组织部", "梅州", "梅江区", "2019-05-06", "西郊街道团支部", "", "否", "是", ""]]   # duplicate
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["spotchecks"], f.write_xlsx(tmp_path / "s.xlsx", S_HEADERS, rows))
    session.rollback()
    got = {(e.row, e.column): e.reason for e in info.value.errors}
    assert "未找到这次驻点" in got[(2, "驻点开始日期")]
    assert "西郊街道团支部" in got[(3, "团支部名称")]
    assert "不在该次驻点期间" in got[(4, "抽查日期")]
    assert "与第5行重复" in got[(6, "")]
    assert session.exec(select(SpotCheck)).all() == []
