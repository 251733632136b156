"""Importing lectures, monthly figures and service-project reports."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models.importing import KINDS, ImportRejected, run_import
from models.importing.monthly import COLUMNS as MONTHLY_COLUMNS
from models.tables import Lecture, MonthlyReport, ServiceProject
from tests import factories as f

MAY31 = datetime(2019, 5, 31, 2, tzinfo=UTC)  # the system's time the forms arrive

pytestmark = pytest.mark.usefixtures("roster")

L_HEADERS = ["部门", "授课干部", "授课日期", "地点", "授课人数", "题目", "地市", "县（市、区）", "课件材料"]
M_HEADERS = [c.header for c in MONTHLY_COLUMNS]
P_HEADERS = ["部门", "年度", "项目名称", "报告摘要", "报送日期"]


def _monthly_row(**over):
    row = dict(zip(M_HEADERS, [c.example for c in MONTHLY_COLUMNS], strict=True))
    row["典型组织建设经验"] = "以党建带团建"  # differs from the template's example row
    row.update(over)
    return [row[h] for h in M_HEADERS]


def test_lectures(session, tmp_path):
    rows = [["组织部", "张三", "2019-06-01", "梅州市委党校", 60, "青年大学习", "梅州", "梅江区", "共享盘/张三.pptx"],
            ["宣传部", "王五", "2019-07-02", "佛山团校", 45, "团史", None, None, None]]
    path = f.write_csv(tmp_path / "l.csv", L_HEADERS, rows)
    assert run_import(session, KINDS["lectures"], path).created == 2
    session.commit()
    assert run_import(session, KINDS["lectures"], path).unchanged == 2
    lecture = session.exec(select(Lecture).where(Lecture.title == "青年大学习")).one()
    assert (lecture.audience, lecture.place, lecture.held_on) == (60, "梅州市委党校", date(2019, 6, 1))


def test_bad_lectures(session, tmp_path):
    rows = [["组织部", "张三", "2018-06-01", "党校", 60, "甲", None, None, None],
            ["组织部", "张三", "2019-06-01", "党校", 2.5, "乙", None, None, None]]
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["lectures"], f.write_xlsx(tmp_path / "l.xlsx", L_HEADERS, rows))
    got = {(e.row, e.column): e.reason for e in info.value.errors}
    assert got[(2, "授课日期")] == "日期不在驻点工作年度（2019年）内"
    assert got[(3, "授课人数")] == "应为整数"


def test_monthly_figures_blank_means_not_recorded(session, tmp_path):
    rows = [_monthly_row(),
            _monthly_row(**{"县（市、区）": "梅县区", "注册志愿者比例（%）": "", "人均服务时长（小时）": None,
                            "团员数": ""})]
    path = f.write_csv(tmp_path / "m.csv", M_HEADERS, rows, "gb18030")
    assert run_import(session, KINDS["monthly"], path, now=MAY31).created == 2
    session.commit()
    assert run_import(session, KINDS["monthly"], path, now=MAY31).unchanged == 2  # the same file again: no change
    session.commit()
    reports = {session.get(type(r), r.id).county_id: r for r in session.exec(select(MonthlyReport))}
    meijiang = reports[f.county(session, "梅江区").id]
    assert (meijiang.year, meijiang.month, meijiang.volunteer_rate, meijiang.league_members) == (2019, 5, 91.5, 5200)
    assert (meijiang.new_nonpublic_orgs, meijiang.new_nonpublic_members, meijiang.submitted_on) == (
        2, 15, date(2019, 5, 31))
    meixian = reports[f.county(session, "梅县区").id]
    assert meixian.volunteer_rate is None and meixian.service_hours_per_capita is None
    assert meixian.league_members is None
    # A later file with the figure filled in updates it; a blank never erases it.
    later = [_monthly_row(**{"县（市、区）": "梅县区", "注册志愿者比例（%）": "88%", "团员数": ""})]
    result = run_import(session, KINDS["monthly"], f.write_csv(tmp_path / "m2.csv", M_HEADERS, later))
    session.commit()
    session.refresh(meixian)
    assert result.updated == 1 and meixian.volunteer_rate == 88 and meixian.league_members is None


def test_bad_monthly_figures(session, tmp_path):
    for name in ("甲", "乙"):
        f.branch(session, "梅江区", name)
    session.commit()
    rows = [_monthly_row(**{"注册志愿者比例（%）": "120"}),
            _monthly_row(**{"月份": "2019-12", "县（市、区）": "梅县区"}),
            _monthly_row(**{"县（市、区）": "兴宁市", "本月新增非公企业团员数": -1, "无团干团支部数": "x"}),
            _monthly_row(**{"县（市、区）": "平远县", "月份": "2019年5月"}),
            _monthly_row(**{"无团干团支部数": 3, "月份": "2019-06"})]
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["monthly"], f.write_xlsx(tmp_path / "m.xlsx", M_HEADERS, rows))
    got = {(e.row, e.column): e.reason for e in info.value.errors}
    assert got[(2, "注册志愿者比例（%）")] == "比例不能超过 100%"
    assert "驻点工作期间" in got[(3, "月份")]
    assert got[(4, "本月新增非公企业团员数")] == "不能为负数"
    assert got[(4, "无团干团支部数")] == "不是数字"
    assert "与第2行重复" not in str(got)
    assert "超过该地区已登记的团支部数（2）" in got[(6, "无团干团支部数")]
    assert (5, "月份") not in got  # 2019年5月 is understood
    session.rollback()
    assert session.exec(select(MonthlyReport)).all() == []


def test_projects(session, tmp_path):
    rows = [["组织部", 2019, "青年之声服务项目", "摘要", "2019-12-05"], ["宣传部", "2019年", "团课进基层", "", ""]]
    path = f.write_csv(tmp_path / "p.csv", P_HEADERS, rows, "utf-8-sig")
    assert run_import(session, KINDS["projects"], path).created == 2
    session.commit()
    assert run_import(session, KINDS["projects"], path).unchanged == 2
    assert {p.title for p in session.exec(select(ServiceProject))} == {"青年之声服务项目", "团课进基层"}
    bad = [["组织部", 2018, "甲", "", ""], ["组织部", 2019, "乙", "", ""], ["组织部", 2019, "丙", "", ""]]
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["projects"], f.write_csv(tmp_path / "bad.csv", P_HEADERS, bad))
    got = {(e.row, e.column): e.reason for e in info.value.errors}
    assert "不是驻点工作年度" in got[(2, "年度")] and "与第3行重复" in got[(4, "")]
