"""``zhudian report evaluation`` and ``zhudian report lectures`` write the figures the models compute."""

import json
from datetime import date

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from tests import factories as f
from tui.cli import cli


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def _province(s):
    a = f.cadre(s, "组织部", "甲")
    v = f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=3, cadres=[a])
    b = f.branch(s, "梅江区")
    f.spot_check(s, v, b)
    verified = f.live_rating(s, v, b, 5)
    f.rating(s, b, 1)  # through a static link: unverified
    s.commit()
    return v, verified


def test_evaluation_workbook(engine, db_url, tmp_path):
    with Session(engine) as s:
        visit, verified = _province(s)
        visit_id, rating_id = visit.id, verified.id
    out = tmp_path / "e.xlsx"
    result = run(db_url, "report", "evaluation", "--year", "2019", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["地市排名", "部门排名", "地市指标明细", "部门指标明细", "依据记录", "核实依据", "专职干部"]
    assert wb["地市排名"]["A2"].value.startswith("地市总分 = 0.5×系统客观数据 + 0.3×团员青年评价 + 0.2×典型经验推广")
    assert wb["部门排名"]["A2"].value.startswith(
        "部门总分 = 0.3×本部门工作 + 0.2×对接地市成效 + 0.3×团员青年评价 + 0.2×典型经验推广")
    depts = [[c.value for c in row] for row in wb["部门排名"].iter_rows(min_row=4)]
    assert depts[0][:2] == [1, "组织部"] and len(depts) == 15
    # rank, name, total, own work, its cities' results, ratings, experience, worked, if unverified counted
    assert depts[0][5] == 100.0  # the one verified rating: 5 stars; the static 1 star does not count
    assert depts[0][7] == f"{depts[0][2]:g} = 0.3×{depts[0][3]:g} + 0.2×{depts[0][4]:g} + 0.3×100 + 0.2×0"
    assert depts[0][8] < depts[0][2]  # counting the unverified rating would lower it
    detail = [[c.value for c in row] for row in wb["地市指标明细"].iter_rows(min_row=2)]
    ratings = next(r for r in detail if r[0] == "梅州" and r[2].startswith("抽查团员青年评价"))
    assert ratings[3:8] == ["5星", "5星", 100.0, "是", "已核实"]
    assert ratings[8] == "已核实 1 条，未核实 1 条" and ratings[9] == "计入 1 条未核实记录则为 3星"
    records = [[c.value for c in row] for row in wb["依据记录"].iter_rows(min_row=2)]
    assert ["梅州", ratings[2], "团员评价", str(rating_id)] in records
    assert ["组织部", "每月驻点整天数（每月最多计 3 天）", "驻点记录", str(visit_id)] in records
    cadres = [[c.value for c in row] for row in wb["专职干部"].iter_rows(min_row=2)]
    assert cadres == [["组织部", "甲", 3, 10, 0, 1, None, "否"]]


def test_evaluation_json_tree(engine, db_url):
    with Session(engine) as s:
        _visit, verified = _province(s)
        rating_id = verified.id
    result = run(db_url, "report", "evaluation", "--year", "2019", "--json")
    assert result.exit_code == 0, result.output
    tree = json.loads(result.output)
    meizhou = next(c for c in tree["cities"] if c["name"] == "梅州")
    ratings = meizhou["components"][1]
    assert (ratings["label"], ratings["score"]) == ("团员青年评价", 100.0)
    assert ratings["figures"][0]["records"] == {"rating": [rating_id]}
    assert ratings["figures"][0]["verified"] == "已核实"
    assert meizhou["worked"] == f"{meizhou['total']:g} = 0.5×{meizhou['components'][0]['score']:g} + 0.3×100 + 0.2×0"


def test_evaluation_needs_an_output(db_url):
    result = CliRunner().invoke(cli, ["--db", db_url, "report", "evaluation"])
    assert result.exit_code == 2 and "--json" in result.output


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
    assert rows == [["宣传部", "王五", "'=团史学习", "2019-06-01", "梅州市委党校", 60, "未录入", "未录入", "—"]]
    missing = [[c.value for c in row] for row in wb["未达标干部"].iter_rows(min_row=2)]
    assert missing == [["宣传部", "赵六", "本年度讲党团课少于 1 次"]]
