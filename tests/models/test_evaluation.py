"""The evaluation against hand-built records: every component and the weights from the targets."""

from datetime import UTC, date, datetime

from sqlmodel import select

from models.evaluation import evaluate
from models.tables import Target
from tests import factories as f


def _records(s):
    a = f.cadre(s, "组织部", "甲")
    b = f.cadre(s, "组织部", "乙")
    f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[a])
    f.visit(s, "组织部", "梅州", "梅县区", start=date(2019, 6, 3), days=3, cadres=[a, b])
    f.visit(s, "组织部", "清远", None, start=date(2019, 7, 1), days=4, cadres=[a])  # city level only
    f.lecture(s, a)
    f.monthly_report(s, "组织部", "梅江区", 5, volunteer_rate=80, league_members=100, service_hours_per_capita=4,
                     nonpublic_baseline=10, social_baseline=0, new_nonpublic_orgs=2, experience_promoted=True)
    f.monthly_report(s, "组织部", "梅县区", 5, volunteer_rate=95, league_members=300)
    f.monthly_report(s, "组织部", "梅江区", 6, volunteer_rate=90, league_members=100, new_nonpublic_orgs=3)
    br = f.branch(s, "梅江区")
    f.rating(s, br, 5)
    f.rating(s, br, 3)
    f.rating(s, br, 1, at=datetime(2018, 5, 1, tzinfo=UTC))  # another year: not counted
    s.commit()


def test_department_components(session):
    _records(session)
    ev = evaluate(session, 2019)
    org = ev.departments[0]
    assert (org.name, org.rank) == ("组织部", 1)
    assert [(x.actual, x.target, x.score) for x in org.figures] == [
        (3, 8, 37.5),       # May, June, July reach 3 days of the 8 campaign months
        (1, 2, 50.0),       # 甲 has 10 days, 乙 3
        (1, 2, 50.0),       # one of two cadres gave a lecture
        (2, 3, 66.7),       # the 清远 visit stayed at city level
        (2, 8, 25.0),       # forms for May and June
    ]
    assert (org.objective, org.rating_count, org.rating_mean, org.ratings) == (45.8, 2, 4.0, 75.0)
    assert (org.experiences, org.experience, org.total) == (1, 50.0, 55.4)
    others = ev.departments[1:]
    assert all(d.total == 0 and d.rank == 2 for d in others)
    assert all(x.actual_text == "未录入" for x in others[0].figures[1:])


def test_city_components(session):
    _records(session)
    meizhou = evaluate(session, 2019).cities[0]
    assert meizhou.name == "梅州" and meizhou.rank == 1
    rate, hours, times, founded = meizhou.figures
    assert (rate.actual, rate.score) == (90, 100.0)  # latest month (June) only
    assert (hours.actual, hours.score) == (4, 50.0)
    assert (times.actual_text, times.score) == ("未录入", 0.0)
    assert (founded.actual, founded.target, founded.score) == (5, 10, 50.0)
    assert (meizhou.objective, meizhou.ratings, meizhou.experience, meizhou.total) == (50.0, 75.0, 50.0, 57.5)


def test_weights_come_from_the_targets(session):
    _records(session)
    for key, value in (("weight_objective", 1.0), ("weight_ratings", 0.0), ("weight_experience", 0.0)):
        session.exec(select(Target).where(Target.year == 2019, Target.key == key)).one().value = value
    session.commit()
    assert evaluate(session, 2019).departments[0].total == 45.8
