from datetime import UTC, date, datetime

import pytest

from models.figures.period import Period
from models.progress import progress, rating_trend, visit_days_grid
from models.reference import find_city, find_department
from tests import factories as f

MAY = Period(2019, 5)
TODAY = date(2019, 12, 31)


def by_name(figures):
    return {fig.name: fig for fig in figures}


def test_period_parse_and_label():
    assert Period.parse("2019-05") == Period(2019, 5)
    assert Period.parse("2019") == Period(2019)
    assert Period(2019, 5).label == "2019年5月"
    assert Period(2019).label == "2019年全年"
    for bad in ("2019-13", "abc", "2019-0"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            Period.parse(bad)


def test_visit_days_counties_and_targets(session):
    c1, c2 = f.cadre(session, "组织部", "张三"), f.cadre(session, "组织部", "李四")
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2, cadres=[c1, c2])
    f.visit(session, "组织部", "梅州", "兴宁市", start=date(2019, 5, 20), days=1, cadres=[c1])
    f.visit(session, "组织部", "清远", None, start=date(2019, 5, 21), days=1, cadres=[c2])  # city level only
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 4, 10), days=2, cadres=[c1])

    cities = by_name(progress(session, "city", MAY, today=TODAY))
    meizhou = cities["梅州"]
    assert meizhou.departments == ["组织部"]
    # Two cadres on 5/6–5/7 are the department's 2 days, not 4; plus 5/20.
    assert meizhou.visits == 2 and meizhou.visit_days == 3
    assert meizhou.visit_days_year == 5  # April counts toward the cumulative figure
    assert (meizhou.counties_covered, meizhou.counties_total) == (2, 8)
    # The seed sets days per department a month and per cadre a year, not per city.
    assert meizhou.visit_days_target is None
    # A visit that stopped at the city is shown, and counts no days.
    assert cities["清远"].visit_days == 0 and cities["清远"].city_level_visits == 1
    assert cities["清远"].counties_covered == 0

    dept = by_name(progress(session, "department", MAY, today=TODAY))["组织部"]
    assert dept.visit_days == 3 and dept.visit_days_target == 3 and dept.city_level_visits == 1
    assert dept.counties_total == 16  # 梅州 8 + 清远 8

    cadres = by_name(progress(session, "cadre", Period(2019), today=TODAY))
    assert cadres["张三"].visit_days_year == 5 and cadres["李四"].visit_days_year == 2
    assert cadres["张三"].visit_days_target == 10 and cadres["张三"].status == "below"

    county = by_name(progress(session, "county", MAY, city_id=find_city(session, "梅州").id, today=TODAY))
    assert set(county) == {"梅江区", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县", "兴宁市"}
    assert county["梅江区"].visit_days == 2 and county["大埔县"].visit_days == 0

    province = progress(session, "province", MAY, today=TODAY)[0]
    assert province.visit_days == 3 and province.visit_days_target == 45 and province.counties_total == 178


def test_spot_checks_and_ratings(session):
    b1, b2, b3 = (f.branch(session, "梅江区") for _ in range(3))
    v = f.visit(session, start=date(2019, 5, 6))
    f.spot_check(session, v, b1)
    f.spot_check(session, v, b2, wechat_ok=False)
    a = f.activity(session, b1)
    f.rating(session, b1, 5, a=a, suggestion="多组织志愿服务")
    f.rating(session, b1, 3, a=a)
    f.rating(session, b2, 4, suggestion="希望多开展团课")
    f.rating(session, b3, 1, at=datetime(2019, 6, 2, tzinfo=UTC))  # June: outside May

    mei = by_name(progress(session, "city", MAY, today=TODAY))["梅州"]
    assert (mei.branches_total, mei.branches_checked, mei.check_failures) == (3, 2, 1)
    assert mei.rating_count == 3 and mei.rating_mean == pytest.approx(4.0)
    assert mei.score_counts == [0, 0, 1, 1, 1]
    assert mei.suggestions == 2 and mei.activities_rated == 1
    year = by_name(progress(session, "city", Period(2019), today=TODAY))["梅州"]
    assert year.rating_count == 4
    trend = rating_trend(session, 2019)[find_city(session, "梅州").id]
    assert trend[1] == (5, 3, pytest.approx(4.0)) and trend[2] == (6, 1, 1.0) and trend[0] == (4, 0, None)


def test_rating_written_at_china_midnight_counts_in_china_month(session):
    b = f.branch(session, "梅江区")
    # 2019-05-31 17:30 UTC is 2019-06-01 01:30 in China: a June rating.
    f.rating(session, b, 4, at=datetime(2019, 5, 31, 17, 30, tzinfo=UTC))
    assert by_name(progress(session, "city", MAY, today=TODAY))["梅州"].rating_count == 0
    assert by_name(progress(session, "city", Period(2019, 6), today=TODAY))["梅州"].rating_count == 1


def test_monthly_forms_and_reported_figures(session):
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 31), volunteer_rate=92.0,
                     league_members=100, service_hours_per_capita=4.0, nonpublic_baseline=10, new_nonpublic_orgs=2)
    f.monthly_report(session, "组织部", "兴宁市", 5, submitted_on=date(2019, 6, 3), volunteer_rate=80.0,
                     league_members=300, new_nonpublic_orgs=1)
    f.monthly_report(session, "组织部", "大埔县", 5)  # figures entered but never handed in
    mei = by_name(progress(session, "city", MAY, today=TODAY))["梅州"]
    assert (mei.forms_on_time, mei.forms_late, mei.forms_missing, mei.forms_pending) == (1, 1, 6, 0)
    assert mei.volunteer_rate == pytest.approx((92 * 100 + 80 * 300) / 400)
    assert mei.service_hours == 4.0 and mei.service_times is None  # None = 未录入, never 0
    assert mei.nonpublic_baseline == 10 and mei.new_nonpublic_orgs == 3
    assert mei.social_baseline is None
    # Before the month is over nothing is missing yet: all pending or handed in.
    during = by_name(progress(session, "city", MAY, today=date(2019, 5, 20)))["梅州"]
    assert during.forms_missing == 0 and during.forms_pending == 6


def test_lectures_by_cadre_and_department(session):
    c = f.cadre(session, "宣传部", "王五")
    f.lecture(session, c, date(2019, 6, 1))
    f.lecture(session, c, date(2019, 9, 1))
    assert by_name(progress(session, "cadre", Period(2019), today=TODAY))["王五"].lectures == 2
    assert by_name(progress(session, "department", Period(2019, 6), today=TODAY))["宣传部"].lectures == 1


def test_visit_days_grid(session):
    f.visit(session, "宣传部", "广州", "天河区", start=date(2019, 7, 1), days=2)
    f.visit(session, "宣传部", "佛山", "禅城区", start=date(2019, 7, 9), days=1)
    f.visit(session, "宣传部", "佛山", "南海区", start=date(2019, 7, 2), days=1)  # 7/2 already counted
    f.visit(session, "宣传部", "佛山", None, start=date(2019, 7, 20), days=1)  # city level: no day
    grid = visit_days_grid(session, 2019)
    dept = find_department(session, "宣传部").id
    assert grid[dept][7] == 3 and grid[dept][4] == 0 and set(grid[dept]) == set(range(4, 12))
    assert len(grid) == 15


def test_status_colours(session):
    f.visit(session, "宣传部", "广州", "天河区", start=date(2019, 7, 1), days=3)
    depts = by_name(progress(session, "department", Period(2019, 7), today=date(2019, 7, 20)))
    assert depts["宣传部"].status == "on_track"
    assert depts["办公室"].status == "below"
