"""One reading per figure (issue 20): the overview, the alerts, ``zhudian status --json`` and
``zhudian report evaluation --json`` agree on every figure of a province built from the cases that
used to disagree, and they count real days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

import models.clock
from models.evaluation import evaluate
from models.figures.overview import load_overview
from models.figures.period import Period
from models.importing import KINDS
from models.importing.core import ImportRejected, run_import
from models.monthly_form import build_form
from models.progress import progress
from models.reference import find_city, find_county, find_department
from models.rules import alerts
from models.visits import VisitInput, VisitRejected, record_visit
from tests import factories as f
from tui.cli import cli

TODAY = date(2020, 1, 15)
YEAR = Period(2019)


@pytest.fixture
def province(session, monkeypatch):
    monkeypatch.setattr(models.clock, "now", lambda: datetime(2020, 1, 15, 4, tzinfo=UTC))
    jia, yi = f.cadre(session, "组织部", "甲"), f.cadre(session, "组织部", "乙")
    bing = f.cadre(session, "组织部", "丙")
    bing.active, bing.left_on = False, date(2019, 8, 15)  # 调离 in August: 10 days pro rata
    may = f.visit(session, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2, cadres=[jia, yi])
    f.visit(session, "组织部", "梅州", "兴宁市", start=date(2019, 6, 10), days=3, cadres=[bing])
    f.visit(session, "组织部", "清远", None, start=date(2019, 4, 10), days=2, cadres=[yi])  # city level only
    branch = f.branch(session, "梅江区")
    f.spot_check(session, may, branch, wechat_ok=False)  # the branch's WeChat group is under 3/4
    checked = {"source": "实地核实", "checked_by_id": jia.id, "checked_visit_id": may.id}
    # May: 80 % registered volunteers (under 90 %), checked on site; June's form leaves the rate blank.
    f.monthly_report(session, "组织部", "梅江区", 5, submitted_on=date(2019, 5, 31), volunteer_rate=80,
                     league_members=200, **checked)
    f.monthly_report(session, "组织部", "梅江区", 6, submitted_on=date(2019, 6, 30), **checked)
    session.commit()
    return {"甲": jia, "乙": yi, "丙": bing, "may": may}


def cli_json(db_url: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", db_url, *args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def by_name(items, name):
    return next(x for x in items if (x["name"] if isinstance(x, dict) else x.name) == name)


def test_every_face_reads_the_same_figures(session, db_url, home, province):
    meizhou = find_city(session, "梅州")
    overview = load_overview(session, YEAR, TODAY)
    found = alerts(session, YEAR, today=TODAY)
    status = cli_json(db_url, "status", "--month", "2019")
    report = cli_json(db_url, "report", "evaluation", "--year", "2019")
    ev = evaluate(session, 2019, today=TODAY)

    # May's 80 % stands after June's blank: the overview, status, the rule and the evaluation say 80.
    o = by_name(overview.figures, "梅州")
    s = by_name(status["cities"], "梅州")
    figure = next(x for x in by_name(report["cities"], "梅州")["components"][0]["figures"]
                  if x["key"] == "volunteer_rate")
    assert o.volunteer_rate == s["volunteer_rate"] == figure["actual"] == 80
    # The score opens to its evidence: May's form, checked on site on 甲's visit in 梅江区.
    [may] = figure["evidence"]
    assert (may["table"], may["verified"], may["received"]) == ("monthlyreport", True, "2019-05-31")
    assert may["visits"] == [{"id": province["may"].id, "county": "梅江区", "start": "2019-05-06",
                              "end": "2019-05-07", "cadre": "甲"}]
    assert o.figure_months["volunteer_rate"] == [5]
    june = build_form(session, find_county(session, "梅江区", meizhou), 2019, 6)
    assert june.volunteer_rate.startswith("80（5月报表）")  # 附件2 reads it the same way
    rate = [a for a in found if a.rule == "volunteer_rate"]
    assert [(a.subject_name, a.word, a.city_ids) for a in rate] == [("梅州·梅江区", "未达标", [meizhou.id])]
    assert "80%，低于 90%（5月报表）" in rate[0].message

    # Spot checks: the same failed branch on the overview, in status, in the alerts and in 组织部's outcomes.
    assert (o.branches_checked, o.check_failures) == (1, 1) == (s["branches_checked"], s["check_failures"])
    assert [a.word for a in found if a.rule == "spot_check"] == ["未达标"]
    org = by_name(ev.departments, "组织部")
    checks = next(x for x in org.component("outcomes").figures if x.key == "checks_passed")
    assert (checks.actual, checks.target, checks.score) == (0, 1, 0.0)

    # The city-level visit: a 违规 in 清远, counted by the overview and status alike, and no day anywhere.
    qingyuan = by_name(overview.figures, "清远")
    assert overview.context[qingyuan.id].violations == 1 == by_name(status["cities"], "清远")["violations"]
    assert qingyuan.visit_days == 0 and qingyuan.city_level_visits == 1
    assert overview.cities_with_violations == 1  # 有违规 counts only broken prohibitions
    april = by_name(progress(session, "department", Period(2019, 4), today=TODAY), "组织部")
    assert april.visit_days == 0
    assert any(a.rule == "dept_days" and a.month == 4 and a.subject_name == "组织部" and a.word == "未达标"
               for a in found)
    days = next(x for x in org.figures if x.key == "dept_days")
    assert "4月 0 天" in days.detail and "5月 2 天" in days.detail and "6月 3 天" in days.detail

    # Counts agree on every city between the overview and status.
    for fig in overview.figures:
        row = by_name(status["cities"], fig.name)
        assert (row["violations"], row["missed"], row["risks"]) == overview.context[fig.id].alerts
        assert (row["visit_days"], row["forms_missing"], row["rating_count"]) == \
            (fig.visit_days, fig.forms_missing, fig.rating_count)

    # The evaluation's JSON is the evaluation.
    assert [(c["name"], c["total"], c["rank"]) for c in report["cities"]] == \
        [(c.name, c.total, c.rank) for c in ev.cities]


def test_a_cadre_who_leaves_keeps_a_pro_rated_target(session, province):
    bing = province["丙"]
    ev = evaluate(session, 2019, today=TODAY)
    cadre = by_name(ev.cadres, "丙")
    # 137 of the campaign's 244 days in post: 10 × 137 ÷ 244 = 5.6, half a day up: 6.
    assert (cadre.days, cadre.days_target, cadre.exempt) == (3, 6, "")
    assert "2019-08-15调离" in cadre.note
    found = [a for a in alerts(session, YEAR, today=TODAY) if a.rule == "cadre_days" and a.subject_id == bing.id]
    assert len(found) == 1 and "少于 6 个整天" in found[0].message
    fig = by_name(progress(session, "cadre", YEAR, today=TODAY), "丙")
    assert (fig.visit_days_year, fig.visit_days_target) == (3, 6)
    # He still counts in 组织部's cadres: 3 cadres, none at target.
    days = next(x for x in by_name(ev.departments, "组织部").figures if x.key == "cadre_days")
    assert (days.actual, days.target) == (0, 3)


def test_a_cadre_is_in_one_place_a_day(session, province):
    jia = province["甲"]
    meizhou, qingyuan = find_city(session, "梅州"), find_city(session, "清远")
    org = find_department(session, "组织部")
    # 甲 was in 梅江区 on 5/6 and 5/7; the same 5/7 in 清城区 is refused, naming both records.
    clash = VisitInput(org.id, qingyuan.id, find_county(session, "清城区", qingyuan).id, date(2019, 5, 7),
                       full_days=1, cadre_ids=[jia.id])
    with pytest.raises(VisitRejected) as refused:
        record_visit(session, clash)
    message = refused.value.check.errors["cadre_ids"]
    assert f"驻点记录 #{province['may'].id}" in message and "梅州·梅江区" in message
    assert "2019-05-07" in message and "清远·清城区" in message
    # Another department's visit the same day is refused too; the next day is fine.
    other = VisitInput(org.id, meizhou.id, find_county(session, "蕉岭县", meizhou).id, date(2019, 5, 8),
                       full_days=1, cadre_ids=[jia.id])
    assert record_visit(session, other).id


def test_an_import_puts_a_cadre_in_one_place_a_day(session, tmp_path, province):
    path = tmp_path / "visits.csv"
    rows = ["部门,地市,县（市、区）,乡镇（街道）,开始日期,结束日期,整天数,座谈会最多人数,参加干部,备注",
            "组织部,梅州,梅江区,,2019-08-05,,1,,甲,",
            "组织部,梅州,蕉岭县,,2019-08-05,,1,,甲,",
            "组织部,清远,清城区,,2019-08-05,,1,,甲,",
            "组织部,梅州,梅江区,,2019-05-07,,1,,甲,",  # 5/7: already recorded (visit 5/6–5/7)
            "组织部,梅州,梅江区,,2019-05-06,2019-05-07,2,,甲、乙,"]  # that visit again: an update, no clash
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        run_import(session, KINDS["visits"], path, actor="测试")
    text = "\n".join(f"{e.row} {e.reason}" for e in refused.value.errors)
    assert "3 甲 2019-08-05 已在本文件第2行（梅州·梅江区）驻点" in text
    assert "4 甲 2019-08-05 已在本文件第2行（梅州·梅江区）驻点" in text
    assert f"5 甲 2019-05-07 已在驻点记录 #{province['may'].id}（组织部·梅州·梅江区" in text
    assert len(refused.value.errors) == 3  # row 6 updates the recorded visit: not a clash with itself


def test_a_cadre_leaves_only_with_a_date(session, tmp_path):
    path = tmp_path / "cadres.csv"
    path.write_text("部门,姓名,在岗,调离日期,经党组批准不参加：批准人,批准日期\n"
                    "组织部,何静莹,否,,,\n"
                    "组织部,张三,否,2019-08-15,,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        run_import(session, KINDS["cadres"], path, actor="测试")
    [error] = refused.value.errors
    assert error.row == 2 and "调离日期" in error.reason and "经党组批准" in error.reason
