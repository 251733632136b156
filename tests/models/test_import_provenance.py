"""Imports read the seed strictly: cadres from a roster, whole days, where each figure came from,
experiences checked on a visit, the cities' plans, December lectures and reviewed project reports."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models.evaluation import evaluate
from models.importing import KINDS, ImportRejected, run_import
from models.importing.monthly import COLUMNS as MONTHLY_COLUMNS
from models.tables import Cadre, CityPlan, Experience, Lecture, MonthlyReport, ServiceProject, Visit
from tests import factories as f

END = date(2020, 1, 15)
V_HEADERS = ["部门", "地市", "县（市、区）", "开始日期", "整天数", "参加干部"]


def load(session, tmp_path, kind, headers, rows, name=None, now=None):
    result = run_import(session, KINDS[kind], f.write_xlsx(tmp_path / (name or f"{kind}.xlsx"), headers, rows),
                        now=now)
    session.commit()
    return result


def refused(session, tmp_path, kind, headers, rows) -> dict[tuple[int, str], str]:
    with pytest.raises(ImportRejected) as info:
        load(session, tmp_path, kind, headers, rows)
    session.rollback()
    return {(e.row, e.column): e.reason for e in info.value.errors}


def test_unknown_cadre_is_refused_with_close_matches(session, tmp_path):
    f.cadre(session, "组织部", "何静莹")
    session.commit()
    got = refused(session, tmp_path, "visits", V_HEADERS, [["组织部", "梅州", "梅江区", "2019-05-06", 1, "何静鹰"]])
    assert got[(2, "参加干部")] == ("未找到组织部的专职干部“何静鹰”，您是不是要找：何静莹"
                                  "（干部名册请先用 zhudian import cadres 导入）")
    assert [c.name for c in session.exec(select(Cadre))] == ["何静莹"]
    assert session.exec(select(Visit)).all() == []


def test_half_a_day_is_refused_with_the_reason(session, tmp_path):
    f.cadre(session, "组织部", "张三")
    session.commit()
    got = refused(session, tmp_path, "visits", V_HEADERS, [["组织部", "梅州", "梅江区", "2019-05-06", 0.5, "张三"]])
    assert got[(2, "整天数")] == "整天数应为整数：方案要求驻点按整天计算，0.5 天不是整天"


def test_cadres_roster_with_an_approved_exemption(session, tmp_path):
    headers = ["部门", "姓名", "在岗", "经党组批准不参加：批准人", "批准日期"]
    rows = [["组织部", "张伟", "是", "", ""], ["组织部", "李四", "", "团省委党组", "2019-04-20"]]
    assert load(session, tmp_path, "cadres", headers, rows).created == 2
    assert load(session, tmp_path, "cadres", headers, rows).unchanged == 2
    li = session.exec(select(Cadre).where(Cadre.name == "李四")).one()
    assert (li.exempt_approved_by, li.exempt_approved_on, li.active) == ("团省委党组", date(2019, 4, 20), True)
    got = refused(session, tmp_path, "cadres", headers, [["组织部", "王五", "是", "团省委党组", ""]])
    assert got[(2, "批准日期")] == "经党组批准不参加须同时填写批准人和批准日期"
    ev = evaluate(session, 2019, today=END)
    assert next(c for c in ev.cadres if c.name == "李四").met


def _monthly(**over):
    row = dict.fromkeys((c.header for c in MONTHLY_COLUMNS), "")
    row.update({"部门": "组织部", "地市": "梅州", "县（市、区）": "梅江区", "月份": "2019-05", "团员数": 100,
                "注册志愿者比例（%）": 92, "报送日期": "2019-05-31"})
    row.update(over)
    return [row[c.header] for c in MONTHLY_COLUMNS]


M_HEADERS = [c.header for c in MONTHLY_COLUMNS]


def test_monthly_figures_carry_their_source(session, tmp_path):
    zhang, li = f.cadre(session, "组织部", "张三"), f.cadre(session, "组织部", "李四")
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), cadres=[zhang])
    session.commit()
    got = refused(session, tmp_path, "monthly", M_HEADERS, [
        _monthly(数据来源="智慧团建"),
        _monthly(**{"县（市、区）": "梅县区", "数据来源": "实地核实", "核实干部": "李四", "核实驻点日期": "2019-05-06"}),
        _monthly(**{"县（市、区）": "兴宁市", "来源文件": "x.xlsx"}),
        _monthly(**{"县（市、区）": "平远县", "数据来源": "微信群"}),
    ])
    assert got[(2, "来源文件")] == "数据来源为“智慧团建”时须填写来源文件和导出日期"
    assert got[(3, "核实驻点日期")] == "未找到这次驻点的记录（部门、县区、开始日期；请先导入驻点记录）"
    assert got[(4, "数据来源")] == "填写了来源文件或核实干部，请同时填写数据来源"
    assert got[(5, "数据来源")].startswith("数据来源应为：智慧团建、i志愿、青年之声、实地核实")
    got = refused(session, tmp_path, "monthly", M_HEADERS, [
        _monthly(数据来源="实地核实", 核实干部="李四", 核实驻点日期="2019-05-06")])
    assert got[(2, "核实干部")] == "李四没有参加2019-05-06的这次驻点，不能实地核实"
    assert session.exec(select(MonthlyReport)).all() == []

    load(session, tmp_path, "monthly", M_HEADERS, [
        _monthly(数据来源="实地核实", 核实干部="张三", 核实驻点日期="2019-05-06"),
        _monthly(**{"县（市、区）": "梅县区", "注册志愿者比例（%）": 50}),  # no source: unverified
    ])
    rate = next(x for x in next(c for c in evaluate(session, 2019, today=END).cities if c.name == "梅州").figures
                if x.key == "volunteer_rate")
    assert (rate.actual, rate.records["monthlyreport"].__len__()) == (92, 1)
    assert li.id not in {r.checked_by_id for r in session.exec(select(MonthlyReport))}


def test_experiences_checked_on_a_visit_and_promoted(session, tmp_path):
    zhang = f.cadre(session, "组织部", "张三")
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), cadres=[zhang])
    session.commit()
    headers = [c.header for c in KINDS["experiences"].columns]
    rows = [["组织部", "梅州", "梅江区", 2019, "支部+网格", "做法", "张三", "2019-05-06", "2019-09-01",
             "全省团的基层建设现场推进会", "基层组织建设部"],
            ["组织部", "梅州", "梅江区", 2019, "未核实的经验", "做法", "", "", "", "", ""]]
    assert load(session, tmp_path, "experiences", headers, rows).created == 2
    assert len(session.exec(select(Experience)).all()) == 2
    meizhou = next(c for c in evaluate(session, 2019, today=END).cities if c.name == "梅州")
    assert meizhou.experience == 20.0  # one promoted experience: 100 ÷ 5 (5 for full marks)
    bad = [["组织部", "梅州", "梅江区", 2019, "半条推广", "做法", "张三", "2019-05-06", "2019-09-01", "", ""]]
    assert refused(session, tmp_path, "experiences", headers, bad)[(2, "推广日期")] == \
        "推广须同时填写推广日期、推广场合和推广单位"


def test_plans_lectures_in_december_and_reviewed_projects(session, tmp_path):
    f.cadre(session, "宣传部", "王五")
    session.commit()
    # Received by the system on the days the files were imported (the typed dates are only claimed).
    load(session, tmp_path, "plans", ["地市", "年度", "方案名称", "报送日期"],
         [["梅州", 2019, "梅州市实施方案", "2019-05-08"], ["清远", 2019, "清远市实施方案", ""]],
         now=datetime(2019, 5, 8, 2, tzinfo=UTC))
    assert {p.submitted_on for p in session.exec(select(CityPlan))} == {date(2019, 5, 8), None}
    load(session, tmp_path, "lectures", ["部门", "授课干部", "授课日期", "地点", "授课人数", "题目", "课件材料",
                                         "材料报送日期"],
         [["宣传部", "王五", "2019-12-18", "团校", 50, "年终党课", "课件.pptx", "2019-12-28"]],
         now=datetime(2019, 12, 28, 2, tzinfo=UTC))
    assert session.exec(select(Lecture)).one().materials_submitted_on == date(2019, 12, 28)
    load(session, tmp_path, "projects", ["部门", "年度", "项目名称", "报送日期", "分管领导审阅"],
         [["宣传部", 2019, "项目", "2019-12-05", "王副书记"]], now=datetime(2019, 12, 5, 2, tzinfo=UTC))
    assert session.exec(select(ServiceProject)).one().reviewed_by == "王副书记"
    ev = evaluate(session, 2019, today=END)
    xuan = next(d for d in ev.departments if d.name == "宣传部")
    scores = {x.key: x.score for x in xuan.figures}
    assert (scores["lectures"], scores["lecture_materials"], scores["project_report"]) == (100.0, 100.0, 100.0)
    plans = {c.name: x.score for c in ev.cities for x in c.figures if x.key == "city_plan"}
    assert (plans["梅州"], plans["清远"]) == (100.0, 0.0)
