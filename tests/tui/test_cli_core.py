"""The ``zhudian`` front door: init, status, branch list, and its one-line errors."""

import json

import pytest
from click.testing import CliRunner

from tui.cli import cli


@pytest.fixture
def run(home):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_init_is_idempotent_and_status_lists_21_cities(run, home):
    first = run("init")
    assert first.exit_code == 0, first.output
    assert (home / "zhudian.db").exists()
    again = run("init", "--json")
    assert json.loads(again.output)["added"] == 0
    out = run("status").output
    for city, dept in [("广州", "宣传部"), ("深圳", "基层组织建设部"), ("东莞", "省青年创业就业促进中心"),
                       ("潮州", "广东青少年大数据及新媒体中心")]:
        line = next(line for line in out.splitlines() if line.startswith(city))
        assert dept in line
    data = json.loads(run("status", "--json").output)
    assert len(data["cities"]) == 21
    assert data["cities"][0]["name"] == "广州" and data["cities"][0]["departments"] == ["宣传部"]
    assert {c["name"] for c in data["cities"]} >= {"中山", "梅州", "清远"}


def test_status_for_a_month(run):
    run("init")
    data = json.loads(run("status", "--month", "2019-05", "--json").output)
    assert data["period"] == "2019-05" and data["label"] == "2019年5月"
    # Nothing recorded in May: every city's departments fell short and no monthly form came in (未达标,
    # 未报), but no prohibition was broken (违规).
    assert all(c["missed"] > 0 and c["violations"] == 0 and c["verified_ratings"] == 0 for c in data["cities"])
    table = run("status", "--month", "2019-05").output
    assert "违规/未达标/风险" in table and "其中核实" in table
    assert "/12 " not in table.splitlines()[1]  # no city carries a fractional day target
    bad = run("status", "--month", "2019/05")
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


def test_db_option_applies_to_every_subcommand(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert run("--db", url, "init").exit_code == 0
    assert (tmp_path / "other.db").exists()
    assert len(json.loads(run("--db", url, "status", "--json").output)["cities"]) == 21


def test_unreachable_and_malformed_urls_are_one_line_exit_2(run):
    for url, words in [("postgresql://nobody@127.0.0.1:1/none", "无法连接数据库"),
                       ("not a url", "数据库地址格式不正确"),
                       ("mysql+nodriver://x@y/z", "不支持的数据库地址")]:
        result = run("--db", url, "status")
        assert result.exit_code == 2, result.output
        assert words in result.output
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_uninitialised_database_says_run_init(run):
    result = run("status")
    assert result.exit_code == 2 and "zhudian init" in result.output


def test_unknown_names_list_close_matches(run):
    run("init")
    result = run("branch", "list", "--city", "梅洲")
    assert result.exit_code == 2 and "梅州市" in result.output
    result = run("branch", "list", "--city", "深圳", "--county", "南山")
    assert result.exit_code == 2 and "南山区" in result.output


def test_branch_list(run, home):
    from sqlmodel import Session

    from models.db import default_url, make_engine
    from tests import factories as f

    run("init")
    engine = make_engine(default_url())
    with Session(engine) as session:
        f.branch(session, "梅江区", "金山街道团支部", kind="community")
        f.branch(session, "福田区", "某科技公司团支部", kind="nonpublic")
        session.commit()
    data = json.loads(run("branch", "list", "--city", "梅州", "--json").output)
    assert [b["name"] for b in data] == ["金山街道团支部"]
    text = run("branch", "list").output
    assert "某科技公司团支部" in text and "非公企业" in text and "共 2 个团支部" in text


def test_init_sets_up_the_current_campaign_year_and_keeps_earlier_ones(run, monkeypatch):
    monkeypatch.setenv("ZHUDIAN_TODAY", "2027-03-15")  # before April: the 2026 campaign is the current one
    first = json.loads(run("init", "--json").output)
    assert (first["year"], first["years"]) == (2026, [2026])
    monkeypatch.setenv("ZHUDIAN_TODAY", "2027-04-01")  # the 2027 campaign has begun: added, 2026 kept
    second = run("init")
    assert second.exit_code == 0 and "驻点工作年度：2027（数据库中的年度：2026、2027）" in second.output
    assert json.loads(run("init", "--year", "2019", "--json").output)["years"] == [2019, 2026, 2027]
    # A new year gets the seed's targets.
    from sqlmodel import Session

    from models.db import default_url, make_engine
    from models.targets import DEFAULTS, targets_for

    engine = make_engine(default_url())
    with Session(engine) as s:
        t = targets_for(s, 2027)
        assert (t.months, t.dept_days_per_month, t.cadre_days_per_year) == (list(range(4, 12)), 3, 10)
        assert t.volunteer_rate_min == DEFAULTS["volunteer_rate_min"][0]
    engine.dispose()


def test_a_mistyped_as_of_date_is_one_chinese_line(run, monkeypatch):
    monkeypatch.setenv("ZHUDIAN_TODAY", "2026-13-01")
    result = run("status")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip() == "错误：环境变量 ZHUDIAN_TODAY 日期格式应为 YYYY-MM-DD（如 2026-11-20）：2026-13-01"
