from datetime import date

from models.figures.period import Period
from models.rules import alerts
from models.tables import Target
from tests import factories as f

END = date(2020, 1, 15)


def by_rule(found, rule):
    return [a for a in found if a.rule == rule]


def test_department_days_per_month(session):
    v1 = f.visit(session, "宣传部", "广州", "天河区", start=date(2019, 5, 6), days=2)
    f.visit(session, "学校部", "揭阳", "榕城区", start=date(2019, 5, 6), days=3)
    found = by_rule(alerts(session, Period(2019, 5), today=END), "dept_days")
    names = {a.subject_name for a in found}
    assert "宣传部" in names and "学校部" not in names and len(found) == 14
    xuan = next(a for a in found if a.subject_name == "宣传部")
    assert xuan.severity == "breach" and xuan.records["visit"] == [v1.id]
    assert "2 个整天" in xuan.message and "3 个整天" in xuan.message


def test_month_under_way_is_only_at_risk_and_future_months_are_skipped(session):
    found = by_rule(alerts(session, Period(2019), today=date(2019, 5, 15)), "dept_days")
    assert {a.month for a in found} == {4, 5}
    assert {a.severity for a in found if a.month == 5} == {"at_risk"}
    assert {a.severity for a in found if a.month == 4} == {"breach"}


def test_city_level_visit_and_big_meeting(session):
    city_only = f.visit(session, "组织部", "清远", None, start=date(2019, 6, 3))
    big = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 4), meeting=15)
    ok = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 5), meeting=10)
    found = alerts(session, Period(2019, 6), today=END)
    assert [a.records["visit"] for a in by_rule(found, "visit_level")] == [[city_only.id]]
    meetings = by_rule(found, "meeting_size")
    assert [a.records["visit"] for a in meetings] == [[big.id]]
    assert ok.id not in sum((a.records.get("visit", []) for a in meetings), [])
    assert "15 人" in meetings[0].message


def test_target_values_are_data(session):
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 4), meeting=12)
    target = session.exec(Target.__table__.select().where(Target.key == "max_meeting_size")).first()
    assert target.value == 10
    session.exec(Target.__table__.update().where(Target.key == "max_meeting_size").values(value=12))
    assert by_rule(alerts(session, Period(2019, 6), today=END), "meeting_size") == []


def test_monthly_forms_late_and_missing(session):
    late = f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 6, 5), league_members=50)
    f.monthly_report(session, "组织部", "兴宁市", 5, submitted_on=date(2019, 5, 31), league_members=50)
    found = alerts(session, Period(2019, 5), today=END)
    late_alerts = by_rule(found, "form_late")
    assert [a.records["monthlyreport"] for a in late_alerts] == [[late.id]]
    missing = by_rule(found, "form_missing")
    # 21 department/city pairs cover all 178 county units; two forms of 组织部 arrived.
    assert len(missing) == 178 - 2
    assert all(a.severity == "breach" for a in missing)


def test_spot_check_failures_name_the_checks(session):
    b1, b2 = f.branch(session, "梅江区"), f.branch(session, "梅江区")
    v = f.visit(session, start=date(2019, 7, 2))
    bad = f.spot_check(session, v, b1, secretary_operates=False)
    f.spot_check(session, v, b2)
    found = by_rule(alerts(session, Period(2019, 7), today=END), "spot_check")
    assert len(found) == 1 and found[0].records["spotcheck"] == [bad.id]
    assert "智慧团建" in found[0].message


def test_volunteer_rate_and_service_pace(session):
    report = f.monthly_report(session, "组织部", "梅江区", 6, submitted_on=date(2019, 6, 30), volunteer_rate=85.0,
                              service_hours_per_capita=1.0, service_times_per_capita=2.0)
    found = alerts(session, Period(2019, 6), today=END)
    rate = by_rule(found, "volunteer_rate")
    # The seed's 注册率90%以上: 85 % is below target, not merely at risk.
    assert len(rate) == 1 and rate[0].records["monthlyreport"] == [report.id] and rate[0].severity == "breach"
    assert len(by_rule(found, "service_hours")) == 1  # 1 h by June is behind 8 h a year (4 h expected)
    assert by_rule(found, "service_times") == []  # 2 times by June is ahead of 1.5


def test_cadre_days_lectures_and_projects_at_year_end(session):
    keen = f.cadre(session, "少年部", "陈一")
    idle = f.cadre(session, "少年部", "陈二")
    for month in range(4, 12):
        f.visit(session, "少年部", "肇庆", "端州区", start=date(2019, month, 3), days=2, cadres=[keen])
    f.lecture(session, keen)
    found = alerts(session, Period(2019), today=END)
    days = {a.subject_id for a in by_rule(found, "cadre_days")}
    lectures = {a.subject_id for a in by_rule(found, "lectures")}
    assert keen.id not in days and idle.id in days
    assert keen.id not in lectures and idle.id in lectures
    assert len(by_rule(found, "project_report")) == 15


def test_volunteer_rate_just_under_90_is_a_breach(session):
    f.monthly_report(session, "组织部", "梅江区", 6, submitted_on=date(2019, 6, 30), volunteer_rate=89.9)
    f.monthly_report(session, "组织部", "梅县区", 6, submitted_on=date(2019, 6, 30), volunteer_rate=90)
    rate = by_rule(alerts(session, Period(2019, 6), today=END), "volunteer_rate")
    assert [(a.subject_name, a.severity, a.word) for a in rate] == [("梅州·梅江区", "breach", "未达标")]
    assert "89.9%，低于 90%" in rate[0].message


def test_a_visit_across_a_month_end_counts_in_both_months(session):
    v = f.visit(session, "宣传部", "广州", "天河区", start=date(2019, 4, 29), days=4)
    v.end_date = date(2019, 5, 2)
    session.commit()
    found = by_rule(alerts(session, Period(2019), today=END), "dept_days")
    xuan = {a.month: a for a in found if a.subject_name == "宣传部"}
    assert "2 个整天" in xuan[4].message and "2 个整天" in xuan[5].message


def test_exempt_cadre_has_no_yearly_alerts(session):
    idle = f.cadre(session, "少年部", "陈二")
    assert {a.subject_id for a in by_rule(alerts(session, Period(2019), today=END), "cadre_days")} == {idle.id}
    idle.exempt_approved_by, idle.exempt_approved_on = "团省委党组", date(2019, 4, 20)
    session.commit()
    found = alerts(session, Period(2019), today=END)
    assert by_rule(found, "cadre_days") == [] and by_rule(found, "lectures") == []


def test_lecture_materials_due_at_the_end_of_december(session):
    a = f.cadre(session, "宣传部", "王五")
    ok = f.lecture(session, a, date(2019, 12, 15), "年终党课")
    ok.materials, ok.materials_submitted_on = "课件.pptx", date(2019, 12, 31)
    late = f.lecture(session, a, date(2019, 6, 1))
    late.materials, late.materials_submitted_on = "课件.pptx", date(2020, 1, 2)
    missing = f.lecture(session, a, date(2019, 7, 1), "无课件")
    missing.materials_submitted_on = date(2019, 7, 2)  # handed in without the slides: not the materials
    session.commit()
    found = by_rule(alerts(session, Period(2019), today=END), "lecture_materials")
    assert [(a.severity, a.records["lecture"]) for a in found] == [("breach", [missing.id]), ("at_risk", [late.id])]
    assert "12月31日前" in found[0].message and "于01月02日报送" in found[1].message
    early = by_rule(alerts(session, Period(2019), today=date(2019, 12, 20)), "lecture_materials")
    assert [a for a in early if a.severity == "breach"] == []  # not due yet


def test_project_report_must_be_reviewed(session):
    from models.tables import ServiceProject

    d = f.cadre(session, "组织部").department_id
    session.add(ServiceProject(department_id=d, year=2019, title="项目", submitted_on=date(2019, 12, 5)))
    session.commit()
    mine = [a for a in by_rule(alerts(session, Period(2019), today=END), "project_report") if a.subject_id == d]
    assert mine[0].severity == "breach" and "未记录分管领导审阅" in mine[0].message
    project = session.exec(ServiceProject.__table__.select()).first()
    session.exec(ServiceProject.__table__.update().where(ServiceProject.id == project.id)
                 .values(reviewed_by="分管领导"))
    assert [a for a in by_rule(alerts(session, Period(2019), today=END), "project_report") if a.subject_id == d] == []


def test_city_plans_before_may_10(session):
    on_time = f.city_plan(session, "梅州", date(2019, 5, 10))
    late = f.city_plan(session, "清远", date(2019, 5, 12))
    session.commit()
    found = by_rule(alerts(session, Period(2019, 5), today=END), "city_plan")
    assert len(found) == 21 - 1
    assert [a.records for a in found if a.severity == "at_risk"] == [{"cityplan": [late.id]}]
    assert on_time.id not in [i for a in found for i in a.records.get("cityplan", [])]
    early = by_rule(alerts(session, Period(2019, 5), today=date(2019, 5, 10)), "city_plan")
    assert [a for a in early if a.severity == "breach"] == []  # due at the end of 5月10日
