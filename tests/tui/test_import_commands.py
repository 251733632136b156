"""The ``template``, ``import`` and ``audit`` commands as a coordinator runs them."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from tests import factories as f
from tui.cli import cli

B_HEADERS = ["地市", "县（市、区）", "团支部名称", "类型", "团员数", "有团干（书记）", "团建指导员部门", "团建指导员"]


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_template_has_headers_example_and_dropdowns(db_url, tmp_path):
    out = tmp_path / "visits.xlsx"
    result = run(db_url, "template", "visits", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["部门*", "地市*", "县（市、区）*", "乡镇（街道）"]
    assert [c.value for c in ws[2]][:3] == ["组织部", "梅州", "梅江区"]
    lists = wb["选项"]
    assert lists.sheet_state == "hidden"
    departments = [c.value for c in lists["A"][1:] if c.value]
    assert len(departments) == 15 and departments[0] == "办公室"
    assert len([c.value for c in lists["B"][1:] if c.value]) == 21
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "选项!$A$2:$A$16" in formulas and "选项!$B$2:$B$22" in formulas


def test_filled_template_imports_and_example_row_is_skipped(db_url, tmp_path):
    out = tmp_path / "branches.xlsx"
    run(db_url, "template", "branches", "-o", str(out))
    wb = load_workbook(out)
    wb["数据"].append(["梅州", "梅县区", "丙村镇团支部", "农村", 12, "否"])
    wb.save(out)
    result = run(db_url, "import", "branches", str(out))
    assert result.exit_code == 0, result.output
    assert "新增 1" in result.output and "已跳过模板示例行" in result.output
    again = run(db_url, "import", "branches", str(out))
    assert "新增 0，修改 0，未变 1" in again.output


def test_bad_file_exits_1_listing_every_row(db_url, tmp_path):
    rows = [["梅州", "梅江去", "甲", "社区", 1, "是", "", ""], ["梅州", "梅江区", "乙", "社区", -1, "是", "", ""]]
    path = f.write_csv(tmp_path / "b.csv", B_HEADERS, rows, "gb18030")
    result = run(db_url, "import", "branches", str(path))
    assert result.exit_code == 1
    assert "有 2 处问题，未写入任何数据" in result.stderr
    assert "第2行“县（市、区）”列（值：梅江去）：未找到梅州市的县（市、区）/镇街“梅江去”，您是不是要找：梅江区" in result.stderr
    assert "第3行“团员数”列（值：-1）：不能为负数" in result.stderr
    as_json = run(db_url, "import", "branches", str(path), "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["errors"][1] == {"row": 3, "column": "团员数", "value": "-1",
                                                      "reason": "不能为负数"}
    listed = run(db_url, "audit", "--json")
    assert json.loads(listed.stdout) == []


def test_unreadable_file_exits_1(db_url, tmp_path):
    path = tmp_path / "b.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    result = run(db_url, "import", "branches", str(path))
    assert result.exit_code == 1 and result.stderr.startswith("错误：")


def test_audit_lists_imports_with_file_and_row(db_url, tmp_path):
    rows = [["梅州", "梅江区", "甲团支部", "社区", 10, "是", "", ""]]
    run(db_url, "import", "branches", str(f.write_csv(tmp_path / "a.csv", B_HEADERS, rows)), "--actor", "小王")
    rows[0][4] = 12
    run(db_url, "import", "branches", str(f.write_csv(tmp_path / "b.csv", B_HEADERS, rows)), "--actor", "小李")
    text = run(db_url, "audit", "--kind", "branch")
    assert text.exit_code == 0
    assert "新增  branch#1（团支部）  小王  import:a.csv:第2行" in text.output
    assert "修改  branch#1（团支部）  小李  import:b.csv:第2行" in text.output
    assert "团员数：10 → 12" in text.output
    entries = json.loads(run(db_url, "audit", "--json", "--since", "2000-01-01").stdout)
    assert [e["action"] for e in entries] == ["create", "update"]
    assert json.loads(run(db_url, "audit", "--json", "--kind", "visit").stdout) == []
    assert run(db_url, "audit", "--since", "yesterday").exit_code == 1


def test_every_kind_has_a_template(db_url, tmp_path):
    from models.importing import KINDS

    for name, kind in KINDS.items():
        out = tmp_path / f"{name}.xlsx"
        assert run(db_url, "template", name, "-o", str(out)).exit_code == 0
        wb = load_workbook(out)
        assert wb.sheetnames == ["数据", "选项", "填写说明"]
        assert [c.value.rstrip("*") for c in wb["数据"][1]] == [c.header for c in kind.columns]
        assert wb["数据"].data_validations.dataValidation  # drop-downs for departments or places
