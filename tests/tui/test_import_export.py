"""``zhudian import export`` and ``--backfill`` as a department's clerk runs them (real files, the CLI)."""

import json

from click.testing import CliRunner

from tests import factories as f
from tests.models import exports
from tui.cli import cli


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_an_export_is_kept_by_its_hash_and_its_figures_printed(db_url, tmp_path):
    path = exports.orgs(tmp_path / "梅江区团组织.xlsx")
    args = ["import", "export", str(path), "--system", "智慧团建", "--exported", "2019-05-31", "--department", "组织部",
            "--county", "梅江区", "--month", "2019-05"]
    result = run(db_url, *args)
    assert result.exit_code == 0, result.output
    assert "已导入智慧团建团组织列表“梅江区团组织.xlsx”：SHA-256 " in result.output
    assert "数据 11 行，用于计算 9 行" in result.output and "未计入：第13行（合计行）" in result.output
    assert "梅江区：无团干团支部数 2，本月新建团非公企业数 2，本月新建团社会组织数 1" in result.output
    again = run(db_url, *args)
    assert "已导入过" in again.output and "未改变任何数据" in again.output
    other = run(db_url, *args[:-4], "--county", "梅县区", "--json")
    assert other.exit_code == 1
    assert "同一文件不能再作为其他县区或月份的依据" in json.loads(other.output)["message"]


def test_an_unrecognised_export_names_what_is_missing(db_url, tmp_path):
    path = f.write_csv(tmp_path / "x.csv", ["姓名", "手机号", "所在团支部"], [["甲", "1", "x"]], "gb18030")
    result = run(db_url, "import", "export", str(path), "--system", "智慧团建", "--exported", "2019-05-31",
                 "--department", "组织部", "--county", "梅江区")
    assert result.exit_code == 1
    assert "最接近的是智慧团建团员列表，缺少列：单位类别、加入本组织时间" in result.output


def test_backfill_needs_a_reason_and_is_shown(db_url, tmp_path):
    path = f.write_xlsx(tmp_path / "m.xlsx", ["部门", "地市", "县（市、区）", "月份", "团员数", "报送日期"],
                        [["组织部", "梅州", "梅江区", "2019-05", 900, "2019-05-31"]])
    refused = CliRunner().invoke(cli, ["--db", db_url, "import", "monthly", str(path), "--backfill"])
    assert refused.exit_code == 2 and "--backfill 须同时用 --reason 写明补录原因" in refused.output
    result = run(db_url, "import", "monthly", str(path), "--backfill", "--reason", "2019年纸质报表")
    assert result.exit_code == 0 and "（补录）" in result.output
