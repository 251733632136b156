"""The seed's 一切无法核实的信息和数据……一律不计入工作成效, as a property: with the default targets, adding any
amount of unverified data — ratings, monthly figures, experiences, forms without a date — never
changes a score or a rank."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from models.evaluation import evaluate
from models.tables import MonthlyReport
from tests import factories as f

END = date(2020, 1, 15)
COUNTIES = ["梅江区", "梅县区", "兴宁市", "清城区", "越秀区"]
FIGURES = st.fixed_dictionaries({}, optional={
    "volunteer_rate": st.floats(0, 100), "service_hours_per_capita": st.floats(0, 50),
    "service_times_per_capita": st.floats(0, 20), "league_members": st.integers(0, 50_000),
    "nonpublic_baseline": st.integers(0, 100), "new_nonpublic_orgs": st.integers(0, 50),
    "social_baseline": st.integers(0, 100), "new_social_orgs": st.integers(0, 50),
    "experience_promoted": st.booleans()})
ACTIONS = st.one_of(
    st.tuples(st.just("static"), st.integers(1, 5), st.integers(0, 1)),
    st.tuples(st.just("live_after"), st.integers(1, 5), st.integers(1, 30)),
    st.tuples(st.just("live_unchecked"), st.integers(1, 5), st.integers(0, 1)),
    st.tuples(st.just("form"), st.sampled_from(COUNTIES), st.integers(4, 11), FIGURES,
              st.sampled_from(["", "智慧团建", "i志愿", "实地核实"])),
    st.tuples(st.just("experience"), st.sampled_from(COUNTIES), st.booleans(), st.booleans()),
)


def _province(s):
    """A little of everything verified: a spot check with live ratings, a sourced form, a promoted experience."""
    zhang, li = f.cadre(s, "组织部", "张三"), f.cadre(s, "组织部", "李四")
    s.info["cadres"] = (zhang, li)
    v = f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[zhang])
    other = f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 6, 3), days=3, cadres=[li])
    b1, b2 = f.branch(s, "梅江区"), f.branch(s, "梅江区")
    f.spot_check(s, v, b1)
    for score in (5, 4, 2):
        f.live_rating(s, v, b1, score)
    f.monthly_report(s, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 31), volunteer_rate=91, league_members=900,
                     source="i志愿", source_file="梅江区.xlsx", source_date=date(2019, 5, 30))
    f.experience(s, "组织部", "梅江区", "一", checked=v, by=zhang, promoted_on=date(2019, 9, 1))
    s.commit()
    s.info.update(visit=v, other=other, branches=(b1, b2))


def _snapshot(session):
    ev = evaluate(session, 2019, today=END)
    return [(s.name, s.total, s.rank, s.components[0].score, [x.score for x in s.figures])
            for s in [*ev.cities, *ev.departments]]


def _add(s, action, n):
    kind = action[0]
    v, other = s.info["visit"], s.info["other"]
    b1, b2 = s.info["branches"]
    if kind == "static":
        f.rating(s, (b1, b2)[action[2]], action[1])
    elif kind == "live_after":  # the live code of the spot check, used days after the visit ended
        end = v.end_date
        f.live_rating(s, v, b1, action[1], at=datetime(end.year, end.month, end.day, 2, tzinfo=UTC)
                      + timedelta(days=action[2]))
    elif kind == "live_unchecked":  # a live code of a visit that spot-checked another branch, or none
        f.live_rating(s, (v, other)[action[2]], b2, action[1])
    elif kind == "form":
        _kind, county, month, figures, source = action
        exists = s.exec(select(MonthlyReport.id).where(
            MonthlyReport.county_id == f.county(s, county).id, MonthlyReport.month == month)).first()
        if exists is None:
            # No 报送日期 and an incomplete source (no file, date or checking cadre): unverified.
            f.monthly_report(s, "组织部", county, month, source=source, **figures)
    else:
        _kind, county, promoted, wrong_cadre = action
        zhang, li = s.info["cadres"]
        # Never checked, or "checked" by a cadre who was not on that visit.
        f.experience(s, "组织部", county, f"未核实{n}", checked=v if wrong_cadre else None,
                     by=li if wrong_cadre else None, promoted_on=date(2019, 9, 1) if promoted else None)
    s.flush()


def test_unverified_data_never_changes_a_score(session):
    _province(session)
    baseline = _snapshot(session)
    assert any(total for _n, total, *_ in baseline)  # the verified data does score
    counter = iter(range(10**6))

    @given(st.lists(ACTIONS, min_size=1, max_size=8))
    def adding(actions):
        for action in actions:
            _add(session, action, next(counter))
        session.commit()
        assert _snapshot(session) == baseline

    adding()
