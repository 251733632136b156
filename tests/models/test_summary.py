"""The monthly summary's department rows (what the reminders say) against hand-built records."""

from __future__ import annotations

from datetime import date

from models.figures.period import Period
from models.summary import cadre_share, month_summary
from models.targets import targets_for
from tests import factories as f


def test_department_rows_days_left_forms_and_cadres_behind(session):
    jia, yi, bing = (f.cadre(session, "组织部", n) for n in ("甲", "乙", "丙"))
    bing.exempt_approved_by, bing.exempt_approved_on = "党组", date(2019, 3, 1)  # 经党组批准可不参加
    f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 4, 8), days=3, cadres=[jia])
    f.visit(session, "组织部", "清远", "清城区", start=date(2019, 5, 6), days=1, cadres=[jia, yi])
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 20), league_members=50)
    session.commit()
    summary = month_summary(session, Period(2019, 5), today=date(2019, 5, 25))
    row = next(d for d in summary.departments if d.name == "组织部")
    assert (row.visit_days, row.visit_days_target, row.days_short, row.days_left) == (1, 3, 2, 6)
    counties = {(s.city, s.county): s.state for s in row.forms}
    assert ("梅州", "梅江区") not in counties and counties[("清远", "清城区")] == "pending"
    assert len(counties) == 8 + 8 - 1  # 梅州's and 清远's county units but the one handed in
    assert [(c.name, c.days, c.share) for c in row.cadres_short] == [("乙", 1, 2.5)]  # 甲 has 4; 丙 exempt
    june = month_summary(session, Period(2019, 5), today=date(2019, 6, 3))
    row = next(d for d in june.departments if d.name == "组织部")
    assert row.days_left == 0 and {s.state for s in row.forms} == {"missing"}
    meizhou = next(r for r in june.rows if r.city == "梅州")
    assert (meizhou.forms_on_time, meizhou.forms_missing) == (1, 7)


def test_cadre_share_is_pro_rata_over_the_campaign_months(session):
    t = targets_for(session, 2019)
    assert [cadre_share(t, m) for m in (3, 4, 7, 11, 12)] == [0, 1.25, 5, 10, 10]
