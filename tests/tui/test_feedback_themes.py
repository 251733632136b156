"""``zhudian feedback themes`` prints the themes of the fixed corpus (tests/theme_corpus.py) for scripts."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from tests.theme_corpus import FLAGGED, TYPICAL_VOLUNTEER, build_corpus
from tui.cli import cli


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


@pytest.fixture
def corpus(session):
    return build_corpus(session)  # not analysed: the command analyses what is pending first


def test_json_for_a_city_and_month(db_url, corpus):
    result = run(db_url, "feedback", "themes", "--city", "梅州", "--month", "2019-06", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["scope"], data["period"], data["suggestions"], data["analysed"]) == ("梅州市", "2019-06", 16, 16)
    counted = [(t["name"], t["count"]) for t in data["themes"] if t["count"]]
    assert counted[:3] == [("志愿服务", 6), ("活动组织", 4), ("就业创业", 2)] and counted[-1] == ("其他", 2)
    volunteer = data["themes"][0]
    assert (volunteer["share"], volunteer["mean"], volunteer["previous"], volunteer["change"]) == (0.375, 4.67, 2, 4)
    assert {"month": "2019-06", "count": 6} in volunteer["trend"]
    assert len(volunteer["quotes"]) == 3 and volunteer["quotes"][0]["text"] in TYPICAL_VOLUNTEER
    assert data["flagged"]["count"] == 1
    assert data["flagged"]["suggestions"][0]["suggestion"] == FLAGGED
    assert data["flagged"]["suggestions"][0]["words"] == ["安全隐患", "危险"]
    lowest = data["lowest_activities"][0]
    assert (lowest["branch"], lowest["activity"], lowest["count"], lowest["mean"]) == (
        "梅江区江南街道团支部", "六月主题团日", 9, 3.67)
    assert lowest["suggestions"][:2] == ["签到排队太久", "通知太晚了，很多人赶不上"]


def test_scopes_and_the_year(db_url, corpus):
    province = json.loads(run(db_url, "feedback", "themes", "--month", "2019-06", "--json").output)
    assert [(t["name"], t["count"]) for t in province["themes"][:3]] == [("就业创业", 7), ("志愿服务", 6), ("活动组织", 5)]
    county = json.loads(run(db_url, "feedback", "themes", "--county", "越秀区", "--month", "2019-06", "--json").output)
    assert [(t["name"], t["count"]) for t in county["themes"] if t["count"]] == [("就业创业", 5), ("活动组织", 1)]
    year = json.loads(run(db_url, "feedback", "themes", "--city", "梅州", "--json").output)
    assert year["period"] == "2019" and year["analysed"] == 23
    assert year["themes"][0]["name"] == "活动组织" and year["themes"][0]["change"] is None
    branch = json.loads(run(db_url, "feedback", "themes", "--branch", str(corpus["yuexiu"].id), "--json").output)
    assert branch["scope"] == "越秀区北京街团支部" and branch["analysed"] == 6


def test_text_output_is_chinese_and_clean(db_url, corpus):
    result = run(db_url, "feedback", "themes", "--city", "梅州", "--month", "2019-06")
    assert result.exit_code == 0, result.output
    assert "梅州市 · 2019年6月 · 意见 16 条" in result.output
    assert "需优先关注（涉及安全或紧急困难）1 条" in result.output and FLAGGED in result.output
    assert "志愿服务" in result.output and "↑4" in result.output and "37.5%" in result.output


def test_bad_names_and_months(db_url, corpus):
    result = CliRunner().invoke(cli, ["--db", db_url, "feedback", "themes", "--city", "梅洲"])
    assert result.exit_code == 2 and "梅州" in result.output  # a close match is offered
    result = CliRunner().invoke(cli, ["--db", db_url, "feedback", "themes", "--month", "2019-13"])
    assert result.exit_code == 2 and "YYYY-MM" in result.output
    result = CliRunner().invoke(cli, ["--db", db_url, "feedback", "themes", "--branch", "99999"])
    assert result.exit_code != 0 and "没有编号为 99999 的团支部" in result.output


def test_the_command_does_not_load_jieba_to_start(db_url):
    # `zhudian --help` and the group stay fast: the segmenter loads only when something is analysed.
    import subprocess

    code = ("import sys; from tui.cli import cli; from click.testing import CliRunner; "
            "CliRunner().invoke(cli, ['feedback', '--help']); print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "False"
