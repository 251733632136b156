"""``zhudian report feedback``: the monthly brief of the fixed corpus (tests/theme_corpus.py)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests import factories as f
from tests.theme_corpus import FLAGGED, TYPICAL_VOLUNTEER, build_corpus
from tui.cli import cli

HOSTILE = "=HYPERLINK(\"http://example.com\",\"点我\") 工厂有安全隐患"


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


@pytest.fixture
def corpus(session):
    made = build_corpus(session)
    qingcheng = f.branch(session, "清城区", "清城区凤城街道团支部")
    f.rating(session, qingcheng, 1, suggestion=HOSTILE, at=datetime(2019, 6, 20, 4, tzinfo=UTC))
    session.commit()
    return made


def rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def find(table: list[list], first: str) -> int:
    return next(i for i, row in enumerate(table) if row[0] == first)


def test_a_city_brief(db_url, corpus, tmp_path):
    out = tmp_path / "brief.xlsx"
    result = run(db_url, "report", "feedback", "--month", "2019-06", "--city", "梅州", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "梅州市2019年6月意见建议简报（需优先关注 1 条）" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["梅州市"]
    table = rows(wb["梅州市"])
    assert table[0][0] == "梅州市 2019年6月 团员青年意见建议简报"
    assert table[1][0].startswith("意见建议 16 条；需优先关注：形式主义 0 条，安全或紧急困难 1 条")
    # Flagged first: its section comes before the themes, the suggestion with the words it mentions.
    assert find(table, "一、需优先关注的意见") < find(table, "（一）反映形式主义（方案禁止的报表台账、层层陪同、接待宴请、走马观花等）0 条")
    flagged = find(table, "（二）涉及安全或紧急困难 1 条")
    assert table[flagged + 2][:4] == ["梅江区", "梅江区西郊街道团支部", "其他", 1]
    assert table[flagged + 2][5:] == ["安全隐患、危险", FLAGGED]
    themes = find(table, "二、主要意见主题")
    assert find(table, "二、主要意见主题") > flagged
    body = table[themes + 2:themes + 9]
    assert [(r[0], r[2]) for r in body] == [("志愿服务", 6), ("活动组织", 4), ("就业创业", 2), ("乡村振兴", 1),
                                            ("学习教育", 1), ("肯定与感谢", 1), ("其他", 2)]
    volunteer = body[0]
    assert volunteer[3] == pytest.approx(0.375) and volunteer[4] == pytest.approx(28 / 6)
    assert volunteer[5] == "↑4（上月 2）" and body[1][5] == "↓1（上月 5）"
    quotes = volunteer[6].split("\n")
    assert len(quotes) == 3 and any(quotes[0].startswith(f"“{t}”") for t in TYPICAL_VOLUNTEER)
    lowest = find(table, "三、评分最低的活动（本期至少 3 条评价）")
    assert table[lowest + 2][:5] == ["梅江区", "梅江区江南街道团支部", "六月主题团日", 9, 3.67]
    assert table[lowest + 2][6].split("\n")[:2] == ["“签到排队太久”", "“通知太晚了，很多人赶不上”"]
    ws = wb["梅州市"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$2"


def test_the_province_brief_and_formula_safety(db_url, corpus, tmp_path):
    out = tmp_path / "brief.xlsx"
    result = run(db_url, "report", "feedback", "--month", "2019-06", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["全省", "广州市", "韶关市"] and len(wb.sheetnames) == 22
    province = rows(wb["全省"])
    overview = find(province, "四、各地市概况")
    by_city = {r[0]: r for r in province[overview + 2:] if r[0]}
    assert by_city["梅州市"][1:4] == ["志愿服务 6、活动组织 4、就业创业 2", 16, 1]
    assert by_city["广州市"][1:4] == ["就业创业 5、活动组织 1", 6, 0]
    assert by_city["潮州市"][1:4] == ["—", 0, 0]
    qingyuan = rows(wb["清远市"])
    flagged = find(qingyuan, "（二）涉及安全或紧急困难 1 条")
    assert qingyuan[flagged + 2][6] == "'" + HOSTILE  # shown as text, never run as a formula
    assert "本期没有意见建议。" in [r[0] for r in rows(wb["潮州市"])]


def test_bad_arguments(db_url, corpus, tmp_path):
    out = tmp_path / "b.xlsx"
    result = CliRunner().invoke(cli, ["--db", db_url, "report", "feedback", "--month", "2019", "-o", str(out)])
    assert result.exit_code == 2 and "请给出月份" in result.output
    result = CliRunner().invoke(cli, ["--db", db_url, "report", "feedback", "--month", "2019-06", "-o",
                                      str(tmp_path / "b.csv")])
    assert result.exit_code == 1 and "简报请输出为 .xlsx 或 .pdf 文件" in result.output
    assert not out.exists()


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"), reason="needs LibreOffice, poppler")
def test_the_brief_prints_whole(db_url, corpus, tmp_path):
    out = tmp_path / "brief.pdf"  # through the reports' one converter (tui.exports.pdf)
    assert run(db_url, "report", "feedback", "--month", "2019-06", "--city", "梅州", "-o", str(out)).exit_code == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "brief.pdf"), "-"], check=True,  # noqa: S607
                          capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for expected in ("梅州市2019年6月团员青年意见建议简报", FLAGGED, "评分最低的活动", "六月主题团日", "签到排队太久",
                     "志愿者的服务时长在i志愿上怎么查询"):
        assert expected in flat, expected
    assert "第1页" in flat
