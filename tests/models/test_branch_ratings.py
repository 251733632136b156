"""What members say of each branch, all and verified, in a period (models.branch_ratings)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models.branch_ratings import branch_ratings, branch_trend, lowest_branches, rated_branches
from models.figures.period import Period
from models.reference import find_city
from tests import factories as f

JUNE = Period(2019, 6)


def test_counts_and_means_all_and_verified_by_period(session):
    zhang = f.cadre(session, "组织部", "张驻点")
    checked = f.branch(session, "梅江区", "梅江区金山街道团支部")
    other = f.branch(session, "梅县区", "梅县区程江镇团支部")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 12), cadres=[zhang])
    f.spot_check(session, v, checked)
    for score in (2, 3):  # at the spot check, through its live code: verified
        f.live_rating(session, v, checked, score)
    f.rating(session, checked, 5, at=datetime(2019, 6, 20, 4, tzinfo=UTC))  # a printed sheet: unverified
    f.rating(session, checked, 1, at=datetime(2019, 5, 20, 4, tzinfo=UTC))  # May: not in June
    for score in (1, 1, 2):
        f.rating(session, other, score, at=datetime(2019, 6, 21, 4, tzinfo=UTC))
    session.commit()

    found = branch_ratings(session, JUNE)
    mine = found[checked.id]
    assert (mine.count, mine.mean, mine.verified, mine.verified_mean) == (3, 10 / 3, 2, 2.5)
    assert (found[other.id].count, found[other.id].verified, found[other.id].verified_mean) == (3, 0, None)
    year = branch_ratings(session, Period(2019))[checked.id]
    assert (year.count, year.mean) == (4, 11 / 4)
    assert branch_ratings(session, Period(2019, 7)) == {}

    lowest = lowest_branches(session, JUNE, min_ratings=3)
    assert [(r.branch.name, round(r.rating.mean, 2)) for r in lowest] == [("梅县区程江镇团支部", 1.33),
                                                                          ("梅江区金山街道团支部", 3.33)]
    assert lowest_branches(session, JUNE, min_ratings=4) == []

    meizhou = find_city(session, "梅州").id
    rows = {r.name: r for r in rated_branches(session, JUNE, city_id=meizhou)}
    assert (rows["梅江区金山街道团支部"].rated, rows["梅江区金山街道团支部"].verified) == (3, 2)
    county_rows = rated_branches(session, JUNE, county_id=checked.county_id)
    assert [r.name for r in county_rows] == ["梅江区金山街道团支部"]
    trend = dict((m, (n, mean)) for m, n, mean in branch_trend(session, checked.id, 2019))
    assert trend[5] == (1, 1.0) and trend[6] == (3, 10 / 3) and trend[7] == (0, None)
