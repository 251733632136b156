"""Themes of members' suggestions on a corpus whose theme mix is known (tests/theme_corpus.py)."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from models.feedback import add_rating
from models.figures.period import Period
from models.reference import find_city
from models.tables import Rating, SuggestionAnalysis, SuggestionTheme, ThemeStat
from models.themes.analyser import Analyser
from models.themes.lexicon import DATA, FORMALISM, OTHER, URGENT, load_lexicon
from models.themes.query import ThemeScope, theme_suggestions, theme_summary, top_themes
from models.themes.store import LOOKBACK, analyse_pending
from tests import factories as f
from tests.theme_corpus import FLAGGED, JUNE, LONG_VOLUNTEER, TYPICAL_VOLUNTEER, build_corpus

JUNE_PERIOD = Period(2019, 6)


@pytest.fixture
def corpus(session):
    made = build_corpus(session)
    analyse_pending(session)
    return made


def meizhou(session) -> ThemeScope:
    return ThemeScope(city_id=find_city(session, "梅州").id)


def counts(summary) -> dict[str, int]:
    return {row.name: row.count for row in summary.themes if row.count}


def test_a_city_month_has_the_themes_a_reader_expects_in_order(session, corpus):
    summary = theme_summary(session, meizhou(session), JUNE_PERIOD)
    assert summary.analysed == summary.suggestions == 16
    assert [(r.name, r.count) for r in summary.themes if r.count] == [
        ("志愿服务", 6), ("活动组织", 4), ("就业创业", 2), ("乡村振兴", 1), ("学习教育", 1), ("肯定与感谢", 1),
        ("其他", 2)]  # ties in the lists' order; 其他 always last
    volunteer = summary.themes[0]
    assert volunteer.share == pytest.approx(6 / 16)
    assert volunteer.mean == pytest.approx(28 / 6)
    assert (volunteer.previous, volunteer.change) == (2, 4)  # May had 2
    activity = summary.themes[1]
    assert (activity.previous, activity.change) == (5, -1)
    assert activity.mean == pytest.approx(2.5)
    assert dict(volunteer.trend)[201905] == 2 and dict(volunteer.trend)[201906] == 6


def test_the_province_adds_guangzhou(session, corpus):
    summary = theme_summary(session, ThemeScope(), JUNE_PERIOD)
    assert [(r.name, r.count) for r in summary.themes[:3]] == [("就业创业", 7), ("志愿服务", 6), ("活动组织", 5)]
    assert summary.analysed == 22


def test_scopes_branch_county_department_and_year(session, corpus):
    branch = theme_summary(session, ThemeScope(branch_id=corpus["meijiang2"].id), JUNE_PERIOD)
    assert counts(branch) == {"志愿服务": 2, "就业创业": 2, "乡村振兴": 1, "学习教育": 1, "肯定与感谢": 1, "其他": 2}
    assert branch.analysed == 8 and branch.urgent.count == 1
    county = theme_summary(session, ThemeScope(county_id=corpus["meijiang"].county_id), JUNE_PERIOD)
    assert counts(county) == counts(theme_summary(session, meizhou(session), JUNE_PERIOD))
    from models.reference import find_department

    organisation = find_department(session, "组织部")  # paired with 梅州 and 清远 (附件1)
    assert counts(theme_summary(session, ThemeScope(department_id=organisation.id), JUNE_PERIOD))["志愿服务"] == 6
    year = theme_summary(session, meizhou(session), Period(2019))
    assert counts(year)["活动组织"] == 9 and counts(year)["志愿服务"] == 8
    assert year.themes[0].previous is None  # no "change" for a whole year
    assert [r.name for r in top_themes(session, meizhou(session), JUNE_PERIOD)] == ["志愿服务", "活动组织", "就业创业"]


def test_representative_suggestions_are_the_typical_not_the_longest(session, corpus):
    summary = theme_summary(session, meizhou(session), JUNE_PERIOD, quotes=3)
    volunteer = summary.themes[0]
    texts = [q.text for q in volunteer.quotes]
    assert texts[0] in TYPICAL_VOLUNTEER  # three members said it
    assert texts[1:] == ["建议多开展环保公益志愿服务", "志愿者的服务时长在i志愿上怎么查询"]
    assert LONG_VOLUNTEER not in texts  # many words of its own make it no more typical
    assert volunteer.keywords[0] == "志愿服务"


def test_flagged_suggestions(session, corpus):
    summary = theme_summary(session, meizhou(session), JUNE_PERIOD)
    assert summary.urgent.count == 1
    flagged = theme_suggestions(session, URGENT, meizhou(session), JUNE_PERIOD)
    assert [r.suggestion for r in flagged] == [FLAGGED]
    assert flagged[0].urgent_words.split() == ["安全隐患", "危险"]
    assert "其他" in [r.name for r in summary.themes if r.count]  # flagged is on top of its theme, not instead


def test_a_new_rating_costs_its_own_analysis_only(session, corpus):
    scope = meizhou(session)
    before = theme_summary(session, scope, JUNE_PERIOD)
    add_rating(session, branch_id=corpus["meijiang"].id, score=1, submission_id=uuid.uuid4().hex,
               suggestion="希望多组织志愿服务，别再拖欠工资", created_at=JUNE)
    session.commit()
    calls = []

    class Counting(Analyser):
        def analyse(self, text):
            calls.append(text)
            return super().analyse(text)

    progress = analyse_pending(session, analyser=Counting())
    assert progress.analysed == 1 and calls == ["希望多组织志愿服务，别再拖欠工资"]
    after = theme_summary(session, scope, JUNE_PERIOD)
    assert counts(after)["志愿服务"] == counts(before)["志愿服务"] + 1
    assert after.urgent.count == before.urgent.count + 1
    assert after.themes[0].mean == pytest.approx((28 + 1) / 7)
    assert analyse_pending(session).analysed == 0  # nothing twice


def test_a_rating_committed_late_with_a_lower_id_is_still_analysed(session, corpus):
    # PostgreSQL: a slower transaction can commit a lower id after a higher one was analysed.
    branch = corpus["meijiang"]
    top = session.execute(select(func.max(Rating.id))).scalar()
    row = {"branch_id": branch.id, "score": 3, "suggestion": "场地太小，坐不下", "created_at": JUNE,
           "activity_name": "", "client_hash": ""}
    session.execute(insert(Rating), [{**row, "id": top + 10, "submission_id": "late-high"}])
    session.commit()
    assert analyse_pending(session).analysed == 1
    session.execute(insert(Rating), [{**row, "id": top + 5, "submission_id": "late-low"}])
    session.commit()
    assert analyse_pending(session).analysed == 1
    assert LOOKBACK >= 5
    assert session.get(SuggestionAnalysis, top + 5) is not None


def test_budget_stops_between_batches_and_the_next_call_goes_on(session, monkeypatch):
    from models.themes import store

    monkeypatch.setattr(store, "BATCH", 5)
    b = f.branch(session, "梅江区")
    for i in range(12):
        f.rating(session, b, 4, suggestion=f"希望多组织志愿服务{i}")
    session.commit()
    first = analyse_pending(session, budget_seconds=0)
    assert (first.analysed, first.caught_up) == (5, False)
    second = analyse_pending(session)
    assert (second.analysed, second.caught_up) == (7, True)
    assert session.execute(select(func.sum(ThemeStat.count)).where(ThemeStat.theme == "volunteer")).scalar() == 12


def test_changed_word_lists_redo_the_analyses(session, corpus, tmp_path):
    folder = tmp_path / "text"
    shutil.copytree(DATA, folder)
    with (folder / "themes.csv").open("a", encoding="utf-8") as fh:
        fh.write("canteen,食堂餐饮,,食堂、饭菜\n")
    lex = load_lexicon(folder)
    assert analyse_pending(session, analyser=Analyser(lex)).analysed == 29  # every suggestion again
    themes = dict(session.execute(select(SuggestionTheme.theme, func.count()).group_by(SuggestionTheme.theme)).all())
    assert themes["canteen"] == 1 and themes[OTHER] == 1  # 食堂的饭菜一般 has a theme now
    assert analyse_pending(session, analyser=Analyser(lex)).analysed == 0


HOSTILE = [
    "=HYPERLINK(\"http://example.com\",\"点我\")",
    "[bold red]志愿服务[/] <script>alert(1)</script>",
    "\x1b[31m通知太晚\x1b[0m \u202e反向",
    "+1 @SUM(A1) －2",
    "志愿服务" * 2000,  # far over the survey's 500 characters
]


def test_hostile_text_stays_text(session):
    b = f.branch(session, "梅江区")
    for text in HOSTILE:
        f.rating(session, b, 2, suggestion=text, at=datetime(2019, 6, 3, 4, tzinfo=UTC))
    session.commit()
    assert analyse_pending(session).analysed == len(HOSTILE)
    scope = ThemeScope(branch_id=b.id)
    listed = {r.suggestion for code in ("volunteer", "activity", OTHER)
              for r in theme_suggestions(session, code, scope, JUNE_PERIOD)}
    assert listed == set(HOSTILE)  # byte for byte, whatever it contains
    summary = theme_summary(session, scope, JUNE_PERIOD, quotes=3)
    assert {q.text for r in summary.themes for q in r.quotes} <= set(HOSTILE)


# --- 形式主义: the seed's prohibitions reported by members --------------------------------------------------

LABELLED = Path(__file__).parent / "data" / "formalism_labelled.csv"


def labelled() -> list[tuple[bool, str]]:
    lines = [line for line in LABELLED.read_text(encoding="utf-8").splitlines()[1:] if line and line[0] != "#"]
    return [(label == "1", text) for label, text in (line.split(",", 1) for line in lines)]


def test_formalism_precision_and_recall_on_the_labelled_suggestions():
    """Written by hand: complaints of every prohibition and near misses (表扬填表方便, 没有层层陪同, 拍照留念)."""
    cases = labelled()
    assert len(cases) >= 200 and sum(want for want, _ in cases) >= 80
    analyser = Analyser()
    tp = fp = fn = 0
    missed, wrong = [], []
    for want, text in cases:
        got = FORMALISM in analyser.analyse(text).themes
        tp += got and want
        fp += got and not want
        fn += want and not got
        (missed if want and not got else wrong if got and not want else []).append(text)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\n形式主义 on {len(cases)} labelled suggestions: precision {precision:.3f}, recall {recall:.3f} "
          f"(tp {tp}, fp {fp}, fn {fn}); missed {missed}; wrongly flagged {wrong}")
    assert precision >= 0.9 and recall >= 0.9


def test_formalism_is_its_own_theme_not_activity_organisation():
    analyser = Analyser()
    assert analyser.analyse("驻点干部来了让我们填了三张表，还要写汇报材料").themes[0] == FORMALISM
    assert analyser.analyse("层层陪同").themes == (FORMALISM,)
    assert analyser.analyse("中午安排了接待饭").themes[0] == FORMALISM
    walked = analyser.analyse("感觉有点走过场，希望更务实一些。").themes
    assert walked[0] == FORMALISM and "activity" in walked  # 务实 is still about how activities are run
    assert FORMALISM not in analyser.analyse("表扬填表方便，手机扫码就能评价").themes
    assert FORMALISM not in analyser.analyse("希望周末多组织户外活动").themes
    assert FORMALISM not in analyser.analyse("驻点干部没有层层陪同，自己来的").themes


def test_a_formalism_complaint_comes_first_in_the_brief_linked_to_its_visit_and_cadre(session):
    from models.themes.brief import section, section_dict

    zhang = f.cadre(session, "组织部", "张驻点")
    meijiang = f.branch(session, "梅江区", "梅江区金山街道团支部")
    v = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 6, 12), cadres=[zhang])
    f.spot_check(session, v, meijiang)
    from models.links import live_link

    link = live_link(session, meijiang.id, v.id)
    complaint = f.rating(session, meijiang, 2, suggestion="驻点干部来了让我们填了三张表，还要写汇报材料",
                         at=datetime(2019, 6, 12, 3, tzinfo=UTC), link_id=link.id)
    for text in ("希望多组织志愿服务", "志愿者很热情", "走访很认真，和每个团员都聊了"):
        f.rating(session, meijiang, 5, suggestion=text, at=datetime(2019, 6, 13, 3, tzinfo=UTC))
    session.commit()
    analyse_pending(session)
    scope = meizhou(session)
    summary = theme_summary(session, scope, JUNE_PERIOD)
    assert (summary.themes[0].name, summary.themes[0].count) == ("形式主义", 1)
    sec = section(session, scope, JUNE_PERIOD)
    assert [r.id for r in sec.formalism] == [complaint.id]
    link_of = sec.visits[complaint.id]
    assert (link_of.visit_id, link_of.start_date, link_of.department, link_of.cadres) == (v.id, date(2019, 6, 12),
                                                                                       "组织部", "张驻点")
    data = section_dict(sec)["formalism"]["suggestions"][0]
    assert data["visit_id"] == v.id and data["cadres"] == "张驻点"
