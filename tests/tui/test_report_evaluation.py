"""``zhudian report evaluation`` and ``zhudian report lectures`` write the figures the models compute."""

from datetime import date

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from tests import factories as f
from tui.cli import cli


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_evaluation_workbook(engine, db_url, tmp_path):
    with Session(engine) as s:
        a = f.cadre(s, "组织部", "甲")
        f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[a])
        f.rating(s, f.branch(s, "梅江区"), 5)
        s.commit()
    out = tmp_path / "e.xlsx"
    result = run(db_url, "report", "evaluation", "--year", "2019", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["地市排名", "部门排名", "地市指标明细", "部门指标明细", "专职干部"]
    depts = [[c.value for c in row] for row in wb["部门排名"].iter_rows(min_row=4)]
    assert depts[0][:2] == [1, "组织部"] and len(depts) == 15
    assert depts[0][6:] == [1, 5]  # one rating, mean 5
    cities = [[c.value for c in row] for row in wb["地市排名"].iter_rows(min_row=4)]
    assert cities[0][1] == "梅州" and cities[1][7] == "未录入"
    detail = [[c.value for c in row] for row in wb["部门指标明细"].iter_rows(min_row=2)]
    assert ["组织部", "系统客观数据：每月驻点整天数达标的月份", "1个月", "8个月", 12.5] in detail
    cadres = [[c.value for c in row] for row in wb["专职干部"].iter_rows(min_row=2)]
    assert cadres == [["组织部", "甲", 3, 10, 0, 1, "否"]]


def test_lectures_workbook(engine, db_url, tmp_path):
    with Session(engine) as s:
        a = f.cadre(s, "宣传部", "王五")
        f.cadre(s, "宣传部", "赵六")
        f.lecture(s, a, title="=团史学习")
        s.commit()
    out = tmp_path / "l.xlsx"
    assert run(db_url, "report", "lectures", "--year", "2019", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    rows = [[c.value for c in row] for row in wb["党团课汇总"].iter_rows(min_row=3, max_row=3)]
    assert rows == [["宣传部", "王五", "'=团史学习", "2019-06-01", "梅州市委党校", 60, "未录入", "未录入"]]
    missing = [[c.value for c in row] for row in wb["未达标干部"].iter_rows(min_row=2)]
    assert missing == [["宣传部", "赵六", "本年度讲党团课少于 1 次"]]
