"""A fixed corpus of suggestions whose theme mix is known, for the themes tests (models, CLI, dashboard).

梅州 (梅江区, two branches) and 广州 (越秀区, one branch), May and June 2019. In 梅州 in June:
志愿服务 6, 活动组织 4, 就业创业 2, 其他 2 (one of them flagged: 安全隐患), 乡村振兴 1, 学习教育 1
(the same suggestion), 肯定与感谢 1 — 16 suggestions in all; in May 志愿服务 2 and 活动组织 5.
广州 in June: 就业创业 5, 活动组织 1. So the province in June: 就业创业 7, 志愿服务 6, 活动组织 5.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from tests import factories as f

JUNE = datetime(2019, 6, 12, 4, 0, tzinfo=UTC)
MAY = datetime(2019, 5, 12, 4, 0, tzinfo=UTC)

LONG_VOLUNTEER = ("希望有更多志愿者帮忙，"
                  + "我们这边的情况比较特殊，离镇上很远，交通不方便，年轻人大多出去打工了，留下来的人不多，"
                    "平时想做点事情也找不到人，" * 3)
VOLUNTEER_JUNE = [  # (score, text): the first three say the same (志愿服务 and nothing else): the typical one
    (5, "希望多组织志愿服务"),
    (5, "希望多组织志愿服务活动"),
    (4, "建议多开展志愿服务"),
    (5, "建议多开展环保公益志愿服务"),
    (4, "志愿者的服务时长在i志愿上怎么查询"),
    (5, LONG_VOLUNTEER),
]
TYPICAL_VOLUNTEER = tuple(text for _, text in VOLUNTEER_JUNE[:3])
ACTIVITY_JUNE = [(2, "通知太晚了，很多人赶不上"), (3, "场地太小，坐不下"), (2, "签到排队太久"), (3, "希望改在周末")]
JOBS_JUNE = [(4, "希望多开展就业招聘会"), (4, "想了解创业贷款的补贴政策")]
FLAGGED = "宿舍楼梯有安全隐患，存在危险"
OTHERS_JUNE = [(1, FLAGGED), (3, "食堂的饭菜一般"), (4, "农村电商培训"), (5, "活动很精彩，谢谢")]
MAY_TEXTS = [(5, "希望多组织志愿服务"), (4, "建议多开展环保公益志愿服务"),
             *[(3, "活动形式比较单一")] * 3, (2, "通知太晚了，很多人赶不上"), (3, "场地太小，坐不下")]
GUANGZHOU_JUNE = [(4, "希望提供实习岗位"), (4, "希望有技能培训的就业岗位"), (3, "求职的时候希望有人指导"),
                  (4, "招聘信息希望发到群里"), (5, "希望多开展就业招聘会"), (2, "场地太小，坐不下")]


def build_corpus(session: Session) -> dict[str, object]:
    """Store the corpus through the ratings' one write path; returns the branches and activities made."""
    meijiang = f.branch(session, "梅江区", "梅江区江南街道团支部", kind="community")
    meijiang2 = f.branch(session, "梅江区", "梅江区西郊街道团支部", kind="community")
    yuexiu = f.branch(session, "越秀区", "越秀区北京街团支部", kind="community")
    day = f.activity(session, meijiang, "六月主题团日", JUNE.date())
    fair = f.activity(session, yuexiu, "青年招聘会", JUNE.date())
    minute = 0

    def rate(branch, score: int, text: str, at: datetime, activity=None) -> None:
        nonlocal minute
        minute += 1
        f.rating(session, branch, score, a=activity, suggestion=text, at=at.replace(minute=minute % 60))

    for score, text in VOLUNTEER_JUNE[:4]:
        rate(meijiang, score, text, JUNE, day)
    for score, text in VOLUNTEER_JUNE[4:]:
        rate(meijiang2, score, text, JUNE)
    for score, text in ACTIVITY_JUNE:
        rate(meijiang, score, text, JUNE, day)
    for score, text in [*JOBS_JUNE, *OTHERS_JUNE]:
        rate(meijiang2, score, text, JUNE)
    rate(meijiang, 4, "", JUNE, day)  # no suggestion: never analysed, never counted
    for score, text in MAY_TEXTS:
        rate(meijiang, score, text, MAY)
    for score, text in GUANGZHOU_JUNE:
        rate(yuexiu, score, text, JUNE, fair)
    session.commit()
    return {"meijiang": meijiang, "meijiang2": meijiang2, "yuexiu": yuexiu, "day": day, "fair": fair}
