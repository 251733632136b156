from datetime import date

import pytest
from sqlmodel import select

from models.figures.period import Period
from models.figures.visits import whole_dates
from models.reference import find_city, find_county, find_department
from models.rules import alerts
from models.tables import SpotCheck, Visit
from models.visits import (
    SpotCheckInput,
    VisitInput,
    VisitRejected,
    record_visit,
    validate_visit,
)
from tests import factories as f


@pytest.fixture
def base(session):
    dept = find_department(session, "组织部")
    city = find_city(session, "梅州")
    county = find_county(session, "梅江区")
    cadre = f.cadre(session, "组织部", "张三")

    def make(**changes) -> VisitInput:
        values = dict(department_id=dept.id, city_id=city.id, county_id=county.id, start_date=date(2019, 6, 3),
                      full_days=1, cadre_ids=[cadre.id])
        values.update(changes)
        return VisitInput(**values)

    return make


def test_valid_visit_with_checks_is_recorded(session, base):
    branch = f.branch(session, "梅江区")
    visit = record_visit(session, base(checks=[SpotCheckInput(branch.id, True, False)]))
    session.commit()
    assert session.get(Visit, visit.id).county_id is not None
    check = session.exec(select(SpotCheck)).one()
    assert check.branch_id == branch.id and check.secretary_operates is False


def test_city_level_visit_is_refused_with_the_reason(session, base):
    with pytest.raises(VisitRejected) as info:
        record_visit(session, base(county_id=None))
    assert "县及以下" in info.value.check.errors["county_id"]
    assert session.exec(select(Visit)).all() == []


def test_big_meeting_needs_confirmation_and_is_flagged(session, base):
    data = base(max_meeting_size=15)
    check = validate_visit(session, data)
    assert check.ok and "超过" in check.warnings["max_meeting_size"]
    with pytest.raises(VisitRejected):
        record_visit(session, data)
    visit = record_visit(session, data, confirmed=True)
    found = [a for a in alerts(session, Period(2019, 6), today=date(2020, 1, 1)) if a.rule == "meeting_size"]
    assert found[0].records["visit"] == [visit.id]


@pytest.mark.parametrize("changes, field, words", [
    ({"start_date": date(2019, 3, 1)}, "start_date", "驻点工作期间"),
    ({"end_date": date(2019, 6, 1)}, "end_date", "早于"),
    ({"full_days": 3}, "full_days", "跨度"),
    ({"full_days": 0}, "full_days", "大于 0"),
    ({"full_days": 0.5}, "full_days", "0.5 天不是整天"),
    ({"cadre_ids": []}, "cadre_ids", "至少选择"),
    ({"max_meeting_size": -1}, "max_meeting_size", "负数"),
])
def test_bad_fields_have_chinese_reasons(session, base, changes, field, words):
    check = validate_visit(session, base(**changes))
    assert words in check.errors[field]


def test_county_of_another_city_and_foreign_cadre(session, base):
    other = f.cadre(session, "宣传部")
    check = validate_visit(session, base(county_id=find_county(session, "天河区").id, cadre_ids=[other.id]))
    assert "不属于该地市" in check.errors["county_id"]
    assert "本部门" in check.errors["cadre_ids"]


@pytest.mark.parametrize("start, end, days, expected", [
    (date(2019, 5, 6), date(2019, 5, 7), 2, {5: 2}),
    (date(2019, 4, 29), date(2019, 5, 2), 4, {4: 2, 5: 2}),
    (date(2019, 4, 30), date(2019, 5, 2), 3, {4: 1, 5: 2}),
    (date(2019, 4, 30), date(2019, 5, 1), 1, {4: 1}),
    (date(2019, 4, 28), date(2019, 5, 2), 2, {4: 2}),  # whole days are the visit's first dates
])
def test_a_visits_whole_days_fall_on_its_first_dates(start, end, days, expected):
    by_month: dict[int, int] = {}
    for d in whole_dates(start, end, days):
        by_month[d.month] = by_month.get(d.month, 0) + 1
    assert by_month == expected


def test_department_progress_splits_a_visit_across_months(session, base):
    from models.progress import progress

    record_visit(session, base(start_date=date(2019, 4, 29), end_date=date(2019, 5, 2), full_days=4))
    session.commit()
    may = next(x for x in progress(session, "department", Period(2019, 5), today=date(2020, 1, 1))
               if x.name == "组织部")
    assert (may.visits, may.visit_days, may.visit_days_year) == (1, 2, 4)


@pytest.mark.parametrize("changes, field, words", [
    # Ends after "today" (2019-06-20): a visit is recorded once it is over.
    ({"start_date": date(2019, 6, 15), "end_date": date(2019, 11, 30), "full_days": 1}, "end_date", "不能晚于今天"),
    ({"start_date": date(2019, 6, 21)}, "start_date", "不能晚于今天（2019-06-20）"),
    # Dates must describe the visit: 1 whole day spread over 3 or 169 dates is refused.
    ({"start_date": date(2019, 6, 1), "end_date": date(2019, 6, 3), "full_days": 1}, "end_date", "跨 3 天，但只有 1 个整天"),
    ({"start_date": date(2020, 6, 1)}, "start_date", "还没有2020年的驻点工作年度"),
])
def test_dates_against_today_whole_days_and_the_campaign(session, base, changes, field, words):
    check = validate_visit(session, base(**changes), today=date(2019, 6, 20))
    assert words in check.errors[field]


def test_one_whole_day_may_span_two_dates(session, base):
    check = validate_visit(session, base(start_date=date(2019, 6, 1), end_date=date(2019, 6, 2), full_days=1),
                           today=date(2019, 6, 20))
    assert check.ok, check.errors
