"""The evaluation against hand-built records: every figure, only verified data scored, the weights,
full marks and deadline scores from the targets, and the formula as a coordinator reads it."""

from datetime import UTC, date, datetime

from sqlmodel import select

from models.evaluation import evaluate
from models.tables import MonthlyReport, ServiceProject, Target
from tests import factories as f

END = date(2020, 1, 15)  # after every deadline of 2019


def set_target(session, key, value):
    session.exec(select(Target).where(Target.year == 2019, Target.key == key)).one().value = value
    session.commit()


def fig(score, key):
    return next(x for x in score.figures if x.key == key)


def dept(ev, name="组织部"):
    return next(s for s in ev.departments if s.name == name)


def city(ev, name="梅州"):
    return next(s for s in ev.cities if s.name == name)


def _records(s):
    a = f.cadre(s, "组织部", "甲")
    b = f.cadre(s, "组织部", "乙")
    f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[a])
    f.visit(s, "组织部", "梅州", "梅县区", start=date(2019, 6, 3), days=3, cadres=[a, b], meeting=12)
    f.visit(s, "组织部", "清远", None, start=date(2019, 7, 1), days=4, cadres=[a])  # city level only
    f.lecture(s, a)
    src = {"source": "智慧团建", "source_file": "梅州5月.xlsx", "source_date": date(2019, 6, 1)}
    f.monthly_report(s, "组织部", "梅江区", 5, volunteer_rate=80, league_members=100, service_hours_per_capita=4,
                     nonpublic_baseline=10, social_baseline=0, new_nonpublic_orgs=2, submitted_on=date(2019, 5, 31),
                     **src)
    f.monthly_report(s, "组织部", "梅县区", 5, volunteer_rate=95, league_members=300, submitted_on=date(2019, 6, 3),
                     **src)
    f.monthly_report(s, "组织部", "梅江区", 6, volunteer_rate=90, league_members=100, new_nonpublic_orgs=3,
                     submitted_on=date(2019, 6, 30), **src)
    s.commit()


def test_department_figures(session):
    _records(session)
    org = dept(evaluate(session, 2019, today=END))
    got = {x.key: (x.actual, x.target, x.score) for x in org.figures}
    # Real days, each month counting at most 3: May 3, June 3 (two cadres on the same dates are the
    # department's 3 days, not 6), July 0 (the 清远 visit stayed at city level): 6 of 24.
    assert got["dept_days"] == (6, 24, 25.0)
    assert got["cadre_days"] == (0, 2, 0.0)  # 甲 has 6 real days, 乙 3
    assert got["lectures"] == (1, 2, 50.0)
    assert got["county_level"] == (2, 3, 66.7)  # the 清远 visit stayed at city level
    assert got["meeting_size"] == (2, 3, 66.7)  # one meeting of 12
    # 组织部 reports on 梅州's 8 and 清远's 8 county units for 8 months: 128 forms, 2 on time, 1 late.
    assert got["forms"] == (2, 128, round((2 * 100 + 50) / 128, 1))
    assert fig(org, "forms").detail == "按时 2、迟报 1、未报 125"
    assert got["lecture_materials"] == (0, 1, 0.0)  # its materials were never handed in
    assert got["project_report"] == (0, 1, 0.0)
    own = org.component("own")
    assert own.score == round(sum(x.score for x in own.figures) / 8, 1)
    assert own.worked.startswith(f"{own.score:g} = (25 + 0 + 50 + 66.7 + 66.7 + ")
    outcomes = org.component("outcomes")
    assert org.worked == f"{org.total:g} = 0.3×{own.score:g} + 0.2×{outcomes.score:g} + 0.3×0 + 0.2×0"
    assert all(d.total == 0 for d in evaluate(session, 2019, today=END).departments if d.name != "组织部")


def test_city_figures_use_verified_months_only(session):
    _records(session)
    # A later month typed with no source must not replace the verified June figure.
    f.monthly_report(session, "组织部", "梅江区", 7, volunteer_rate=10, league_members=100)
    session.commit()
    meizhou = city(evaluate(session, 2019, today=END))
    rate = fig(meizhou, "volunteer_rate")
    # June for 梅江区 (90 %, 100 members) and May for 梅县区 (95 %, 300 members).
    assert (rate.actual, rate.score, rate.verified_text) == (93.75, 100.0, "已核实")
    assert rate.unverified == "计入 1 条未核实记录则为 73.75%"  # July 10 % would replace June
    assert (fig(meizhou, "service_hours").actual, fig(meizhou, "service_hours").score) == (4, 50.0)
    assert fig(meizhou, "service_times").actual_text == "未录入"
    founded = fig(meizhou, "founded")
    assert (founded.actual, founded.target, founded.score) == (5, 10, 50.0)
    assert fig(meizhou, "city_plan").detail == "按时 0、迟报 0、未报 1"


def test_on_site_check_verifies_only_with_a_cadre_of_that_visit(session):
    a, other = f.cadre(session, "组织部", "甲"), f.cadre(session, "组织部", "乙")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[a])
    f.monthly_report(session, "组织部", "梅江区", 5, volunteer_rate=91, source="实地核实",
                     checked_by_id=other.id, checked_visit_id=v.id)
    session.commit()
    assert fig(city(evaluate(session, 2019, today=END)), "volunteer_rate").actual is None
    report = session.exec(select(MonthlyReport)).one()
    report.checked_by_id = a.id
    session.commit()
    assert fig(city(evaluate(session, 2019, today=END)), "volunteer_rate").actual == 91


def test_only_live_ratings_of_a_spot_check_count(session):
    b = f.branch(session, "梅江区")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2)
    f.spot_check(session, v, b)
    f.live_rating(session, v, b, 4)
    f.live_rating(session, v, b, 2)
    # Unverified: static links, a live code used after the visit, a live code of a visit with no spot check.
    for _ in range(10):
        f.rating(session, b, 5)
    f.live_rating(session, v, b, 1, at=datetime(2019, 5, 20, 2, tzinfo=UTC))
    unchecked = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 3))
    f.live_rating(session, unchecked, b, 1)
    session.commit()
    ev = evaluate(session, 2019, today=END)
    ratings = fig(city(ev), "ratings")
    assert (ratings.actual, ratings.score, ratings.detail) == (3.0, 50.0, "已核实 2 条，未核实 12 条")
    assert len(ratings.records["rating"]) == 2
    assert ratings.unverified == "计入 12 条未核实记录则为 4.14星"  # (4 + 2 + 10×5 + 1 + 1) ÷ 14
    assert dept(ev).ratings == 50.0  # 组织部 is paired with 梅州
    set_target(session, "unverified_rating_weight", 1)
    assert fig(city(evaluate(session, 2019, today=END)), "ratings").actual == 4.14


def test_experience_counts_when_checked_on_a_visit_and_promoted(session):
    a = f.cadre(session, "组织部", "甲")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), cadres=[a])
    f.experience(session, "组织部", "梅江区", "一", checked=v, by=a, promoted_on=date(2019, 9, 1))
    f.experience(session, "组织部", "梅江区", "二", checked=v, by=a)  # verified, not promoted
    f.experience(session, "组织部", "梅江区", "三", promoted_on=date(2019, 9, 1))  # promoted, never checked
    f.monthly_report(session, "组织部", "梅江区", 5, experience_promoted=True)  # the bare flag of the form
    session.commit()
    meizhou = city(evaluate(session, 2019, today=END))
    exp = fig(meizhou, "experience")
    assert (exp.actual, exp.target, exp.score) == (1, 5, 20.0)  # each promoted experience: 100 ÷ 5
    assert exp.detail == "每条 20 分；经核实 2 条，其中推广 1 条；共录入 3 条"
    assert exp.unverified == "计入 2 条未核实记录则为 3条"
    set_target(session, "experience_full_marks", 1)
    assert city(evaluate(session, 2019, today=END)).experience == 100.0


def test_form_without_a_date_changes_nothing(session):
    """The reported story: one dateless row for 宣传部/荔湾区/2019-07 moved 宣传部 from 12th to 7th."""
    before = evaluate(session, 2019, today=END)
    f.monthly_report(session, "宣传部", "荔湾区", 7, volunteer_rate=99)
    session.commit()
    after = evaluate(session, 2019, today=END)
    assert fig(dept(after, "宣传部"), "forms").detail == fig(dept(before, "宣传部"), "forms").detail
    assert [(s.name, s.total, s.rank) for s in after.departments] == \
        [(s.name, s.total, s.rank) for s in before.departments]


def test_deadline_scores_come_from_the_targets(session):
    f.monthly_report(session, "宣传部", "荔湾区", 7, submitted_on=date(2019, 8, 2), league_members=50)
    session.commit()
    forms = fig(dept(evaluate(session, 2019, today=END), "宣传部"), "forms")
    expected = forms.target
    assert forms.score == round(50 / expected, 1)
    set_target(session, "deadline_score_late", 80)
    set_target(session, "deadline_score_missing", 10)
    forms = fig(dept(evaluate(session, 2019, today=END), "宣传部"), "forms")
    assert forms.score == round((80 + 10 * (expected - 1)) / expected, 1)


def test_reports_of_the_year_end(session):
    a = f.cadre(session, "宣传部", "王五")
    on_time = f.lecture(session, a, date(2019, 12, 20), "年终党课")  # December counts
    on_time.materials, on_time.materials_submitted_on = "课件.pptx", date(2019, 12, 28)
    late = f.lecture(session, a, date(2019, 6, 1))
    late.materials, late.materials_submitted_on = "课件.pptx", date(2020, 1, 3)
    f.lecture(session, a, date(2019, 7, 1), "无材料")
    session.add(ServiceProject(department_id=a.department_id, year=2019, title="项目",
                                 submitted_on=date(2019, 12, 5), reviewed_by="分管领导"))
    session.commit()
    xuan = dept(evaluate(session, 2019, today=END), "宣传部")
    assert (fig(xuan, "lectures").actual, fig(xuan, "lectures").target) == (1, 1)
    materials = fig(xuan, "lecture_materials")
    assert (materials.detail, materials.score) == ("按时 1、迟报 1、未报 1", 50.0)
    assert fig(xuan, "project_report").score == 100.0
    # Before the deadline nothing is due: left out of the mean, not scored 0.
    early = dept(evaluate(session, 2019, today=date(2019, 12, 1)), "组织部")
    assert not fig(early, "project_report").counted and fig(early, "project_report").detail == "未到期"


def test_project_report_needs_the_leaders_review(session):
    d = f.cadre(session, "组织部").department_id
    session.add(ServiceProject(department_id=d, year=2019, title="项目", submitted_on=date(2019, 12, 5)))
    session.commit()
    project = fig(dept(evaluate(session, 2019, today=END)), "project_report")
    assert project.score == 0.0 and "未记录分管领导审阅" in project.detail


def test_city_plan_before_may_10(session):
    f.city_plan(session, "梅州", date(2019, 5, 10))
    f.city_plan(session, "清远", date(2019, 5, 11))
    session.commit()
    ev = evaluate(session, 2019, today=END)
    assert fig(city(ev), "city_plan").score == 100.0
    assert fig(city(ev, "清远"), "city_plan").score == 50.0
    assert fig(city(ev, "广州"), "city_plan").score == 0.0


def test_exempt_cadre_leaves_the_yearly_rules(session):
    keen = f.cadre(session, "组织部", "甲")
    exempt = f.cadre(session, "组织部", "乙")
    for month in range(4, 12):
        f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, month, 3), days=2, cadres=[keen])
    f.lecture(session, keen)
    session.commit()
    assert fig(dept(evaluate(session, 2019, today=END)), "cadre_days").actual == 1
    exempt.exempt_approved_by, exempt.exempt_approved_on = "团省委党组", date(2019, 4, 20)
    session.commit()
    ev = evaluate(session, 2019, today=END)
    days = fig(dept(ev), "cadre_days")
    assert (days.actual, days.target, days.score, days.detail) == (1, 1, 100.0, "经党组批准不参加 1 人不计")
    assert next(c for c in ev.cadres if c.name == "乙").exempt == "经党组批准不参加（团省委党组，2019-04-20）"


def test_weights_come_from_the_targets(session):
    _records(session)
    objective = dept(evaluate(session, 2019, today=END)).objective
    for key, value in (("weight_objective", 1.0), ("weight_ratings", 0.0), ("weight_experience", 0.0),
                       ("weight_dept_outcomes", 0.0)):
        set_target(session, key, value)
    assert dept(evaluate(session, 2019, today=END)).total == objective


def test_tree_for_scripts(session):
    _records(session)
    tree = evaluate(session, 2019, today=END).as_dict()
    org = next(d for d in tree["departments"] if d["name"] == "组织部")
    assert tree["formulas"]["total"].startswith("地市总分 = 0.5×系统客观数据 + 0.3×团员青年评价 + 0.2×典型经验推广")
    assert tree["formulas"]["department_total"].startswith(
        "部门总分 = 0.3×本部门工作 + 0.2×对接地市成效 + 0.3×团员青年评价 + 0.2×典型经验推广")
    assert [c["key"] for c in org["components"]] == ["own", "outcomes", "ratings", "experience"]
    visits = org["components"][0]["figures"][0]
    assert visits["label"].startswith("每月驻点整天数") and len(visits["records"]["visit"]) == 3
