"""A small, fixed province for the dashboard's tests and snapshots (deterministic: fixed names,
dates and timestamps). The frozen "today" of these tests is ``TODAY``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from tests import factories as f

TODAY = datetime(2019, 6, 20, 2, 0, tzinfo=UTC)  # 2019-06-20 10:00 in China


def build(session: Session) -> None:
    zhang = f.cadre(session, "组织部", "张伟")
    li = f.cadre(session, "组织部", "李娜")
    wang = f.cadre(session, "宣传部", "王芳")
    chen = f.cadre(session, "基层组织建设部", "陈静")

    b1 = f.branch(session, "梅江区", "梅江区青年志愿者协会团支部", kind="social", member_count=24)
    b2 = f.branch(session, "梅县区", "梅县区畲江镇团支部", kind="rural", member_count=15)
    b3 = f.branch(session, "清城区", "清城区凤城街道团支部", kind="community", member_count=30)
    b4 = f.branch(session, "越秀区", "越秀区北京街团支部", kind="community", member_count=40)
    b5 = f.branch(session, "福田区", "福田区某科技公司团支部", kind="nonpublic", member_count=18)

    v1 = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2, cadres=[zhang, li],
                 meeting=8, town="西郊街道")
    v2 = f.visit(session, "组织部", "清远", "清城区", start=date(2019, 6, 3), days=1, cadres=[zhang], meeting=12)
    f.visit(session, "宣传部", "广州", "越秀区", start=date(2019, 5, 14), days=3, cadres=[wang])
    f.visit(session, "宣传部", "广州", None, start=date(2019, 6, 11), days=1, cadres=[wang])
    f.visit(session, "基层组织建设部", "深圳", "福田区", start=date(2019, 6, 5), days=2, cadres=[chen])

    f.spot_check(session, v1, b1)
    f.spot_check(session, v2, b3, wechat_ok=False)

    a1 = f.activity(session, b1, "五四主题团日", date(2019, 5, 4))
    a2 = f.activity(session, b4, "青年大学习", date(2019, 5, 20))
    f.activity(session, b2, "乡村振兴志愿服务", date(2019, 6, 1))
    ratings = [
        (b1, a1, 5, "活动很有意义，希望多组织", datetime(2019, 5, 5, 3, 0, tzinfo=UTC)),
        (b1, a1, 4, "", datetime(2019, 5, 5, 4, 0, tzinfo=UTC)),
        (b1, a1, 3, "[bold red]时间太晚[/] 了", datetime(2019, 6, 2, 5, 0, tzinfo=UTC)),
        (b4, a2, 5, "讲得好", datetime(2019, 5, 21, 6, 0, tzinfo=UTC)),
        (b4, a2, 2, "场地太小\x1b[31m，坐不下", datetime(2019, 6, 10, 7, 0, tzinfo=UTC)),
        (b3, None, 4, "社区活动丰富", datetime(2019, 6, 12, 8, 0, tzinfo=UTC)),
        (b5, None, 1, "很少开展活动" * 20, datetime(2019, 6, 15, 9, 0, tzinfo=UTC)),
    ]
    for branch, activity, score, text, at in ratings:
        f.rating(session, branch, score, a=activity, suggestion=text, at=at)

    f.lecture(session, zhang, date(2019, 5, 30), "学习习近平总书记“7·2”重要讲话精神")
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 31), volunteer_rate=92.5,
                     service_hours_per_capita=9.0, nonpublic_baseline=5, social_baseline=3, new_nonpublic_orgs=1,
                     new_social_orgs=1, experience_promoted=True)
    f.monthly_report(session, "组织部", "梅县区", 5, submitted_on=date(2019, 6, 4), volunteer_rate=80.0,
                     service_hours_per_capita=5.5)
    f.monthly_report(session, "宣传部", "越秀区", 5, submitted_on=date(2019, 5, 30), volunteer_rate=95.0)
    session.commit()
