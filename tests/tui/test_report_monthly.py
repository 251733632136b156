"""The official monthly form (附件2): every field against hand-built records; 未录入 where nothing is recorded."""

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from tests import factories as f
from tui.cli import cli

NR = "未录入"


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


@pytest.fixture
def records(engine):
    with Session(engine) as s:
        jia, yi = f.cadre(s, "组织部", "甲"), f.cadre(s, "组织部", "乙")
        v1 = f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 6), days=2, cadres=[jia, yi])
        v1.end_date = date(2019, 5, 7)
        f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 5, 20), days=1, cadres=[jia])
        f.visit(s, "组织部", "梅州", "梅江区", start=date(2019, 6, 3), days=1, cadres=[yi])  # another month
        a = f.branch(s, "梅江区", "金山团支部")
        b = f.branch(s, "梅江区", "西郊团支部", has_secretary=False)
        c = f.branch(s, "梅江区", "江南团支部")
        f.spot_check(s, v1, a, wechat_ok=False, secretary_operates=True)
        f.spot_check(s, v1, b, wechat_ok=True, secretary_operates=False)
        act = f.activity(s, a, "主题团日")
        f.rating(s, a, 5, a=act, photo_id=f.photo(s).id)
        f.rating(s, a, 3, a=act)
        f.rating(s, a, 1, a=act, at=datetime(2019, 6, 2, tzinfo=UTC))  # June: not in May's form
        f.rating(s, c, 4, suggestion="希望多组织志愿服务")
        f.rating(s, c, 4, suggestion="=1+1")
        f.monthly_report(s, "组织部", "梅江区", 5, branches_without_cadre=3, nonpublic_baseline=40,
                         social_baseline=12, new_nonpublic_orgs=2, new_nonpublic_members=15,
                         typical_org_name="梅州某科技有限公司团支部", volunteer_rate=91.5,
                         service_hours_per_capita=6.5, service_times_per_capita=2.1,
                         branch_experience="=cmd|' /C calc'!A0")
        s.commit()


def _form(path, sheet):
    ws = load_workbook(path)[sheet]
    return ws, {c.coordinate: c.value for row in ws.iter_rows(max_row=14) for c in row}


def test_every_field_from_the_records(db_url, records, tmp_path):
    out = tmp_path / "m.xlsx"
    result = run(db_url, "report", "monthly", "--city", "梅州", "--month", "2019-05", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    # each county unit's form, followed by its attached sheets (as they are printed and filed)
    assert wb.sheetnames[:9] == ["梅江区", "梅江区附页（照片）", "梅县区", "大埔县", "丰顺县", "五华县", "平远县", "蕉岭县",
                                 "兴宁市"]
    ws, v = _form(out, "梅江区")
    assert v["A1"] == "梅州市 梅江区团的基层建设推动情况"
    assert (v["A2"], v["B2"], v["C2"], v["D2"], v["E2"]) == ("（5）月份", "对接部门", "组织部", "经办团干", "甲、乙")
    assert v["B4"] == "3 个（未核实）"  # typed with no export or on-site check behind it
    assert v["C4"] == "2 个：金山团支部、西郊团支部"
    assert v["D4"] == "1 个：金山团支部"
    assert v["E4"] == "1 个：西郊团支部"
    assert v["B6"] == "金山团支部“主题团日”：2 条评价，平均 4 分，照片 1 张\n（照片见附页）"
    assert v["E6"] == "'=cmd|' /C calc'!A0"  # typed text never runs as a formula
    assert (v["B8"], v["C8"], v["D8"], v["E8"]) == ("40 个", "12 个", "2 个 / 15 人（未核实）", NR)
    assert (v["B10"], v["D10"]) == ("梅州某科技有限公司团支部", NR)
    assert (v["B12"], v["D12"]) == ("91.5（未核实）", "6.5 小时（人均服务 2.1 次）（未核实）")
    assert v["B13"] == "1. 希望多组织志愿服务（江南团支部）\n2. =1+1（江南团支部）"
    assert v["A13"] == "基层青年意见\n（可附页）" and v["D9"].endswith("（可附页）") and v["B5"].endswith("（可附页）")
    assert v["A14"] == "本月驻点时间及人员（可附页）：6日—7日 甲、乙同志；20日 甲同志"
    # the paper form's merged blocks and borders
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "A3:A6", "A7:A10", "A11:A12", "B13:F13", "A14:F14", "B6:D6"} <= merged
    assert ws["C4"].border.left.style == "thin" and ws["F14"].border.bottom.style == "thin"
    # 可附页: the photo of the checked branch is embedded
    attached = wb["梅江区附页（照片）"]
    assert len(attached._images) == 1
    assert attached["A3"].value == "金山团支部"
    # printed on A4 portrait, one page wide, the title in the page header and page numbers in the footer
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "portrait")
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddHeader.center.text == "梅州市 梅江区团的基层建设推动情况" and "&P" in ws.oddFooter.center.text
    assert attached.print_title_rows == "$1:$2"


def test_rows_grow_with_their_text_and_what_does_not_fit_goes_to_the_attachment(db_url, tmp_path, engine):
    long_experience = "团支部每月按时召开支委会，书记带头学习。" * 40
    with Session(engine) as s:
        b = f.branch(s, "梅江区", "金山团支部")
        for n in range(45):
            f.rating(s, b, 4, suggestion=f"第{n + 1}条意见：希望多组织志愿服务活动")
        f.monthly_report(s, "组织部", "梅江区", 5, branch_experience=long_experience, typical_org_experience="短")
        s.commit()
    out = tmp_path / "m.xlsx"
    assert run(db_url, "report", "monthly", "--city", "梅州", "--county", "梅江区", "--month", "2019-05",
               "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["梅江区", "梅江区附页（意见）", "梅江区附页（全文）"]
    ws, v = _form(out, "梅江区")
    listed = v["B13"].splitlines()
    assert listed[0] == "1. 第1条意见：希望多组织志愿服务活动（金山团支部）"
    assert listed[-1] == f"……另有 {45 - (len(listed) - 1)} 条，见附页" and len(listed) > 10
    assert ws.row_dimensions[13].height > 15 * len(listed) * 0.9  # tall enough for every line
    assert v["E6"].endswith("……（全文见附页）") and v["D10"] == "短"
    opinions = [[c.value for c in row] for row in wb["梅江区附页（意见）"].iter_rows(min_row=3)]
    assert len(opinions) == 45 and opinions[44][4] == "第45条意见：希望多组织志愿服务活动"
    texts = [[c.value for c in row] for row in wb["梅江区附页（全文）"].iter_rows(min_row=3)]
    assert "".join(t[1] for t in texts) == long_experience.strip()
    assert texts[0][0] == "该地区抓实团支部书记履责强化团支部建设经验" and texts[1][0].endswith("（续）")


def test_county_without_records_says_not_recorded(db_url, records, tmp_path):
    out = tmp_path / "m.xlsx"
    assert run(db_url, "report", "monthly", "--city", "梅州市", "--county", "梅县区", "--month", "2019-05",
               "-o", str(out)).exit_code == 0
    assert load_workbook(out).sheetnames == ["梅县区"]
    _ws, v = _form(out, "梅县区")
    assert v["C2"] == "组织部"  # the paired department (附件1)
    for ref in ("E2", "B4", "C4", "D4", "E4", "B6", "E6", "B8", "C8", "D8", "E8", "B10", "D10", "B12", "D12",
                "B13"):
        assert v[ref] == NR, ref
    assert v["A14"].endswith("：未录入")


def test_branch_register_fills_in_when_no_figure_reported(db_url, records, tmp_path):
    out = tmp_path / "m.xlsx"
    run(db_url, "report", "monthly", "--city", "梅州", "--county", "梅江区", "--month", "2019-06", "-o", str(out))
    _ws, v = _form(out, "梅江区")
    assert v["A2"] == "（6）月份"
    assert v["B4"] == "1 个：西郊团支部（据团支部名录）"
    assert v["C4"] == "0 个" and v["D4"] == NR  # a visit but no spot check recorded
    # The 任务底数 stands for the year: June's form reads May's (one reading, models.figures.monthly).
    assert v["B6"] == NR and v["B8"].startswith("40 个（5月报表）")
    assert v["A14"].endswith("3日 乙同志")


def test_bad_arguments(db_url, records, tmp_path):
    out = str(tmp_path / "m.xlsx")
    unknown = run(db_url, "report", "monthly", "--city", "梅洲", "--month", "2019-05", "-o", out)
    assert unknown.exit_code == 2 and "梅州市" in unknown.stderr
    bad = run(db_url, "report", "monthly", "--city", "梅州", "--month", "2019", "-o", out)
    assert bad.exit_code == 1 and "YYYY-MM" in bad.stderr
