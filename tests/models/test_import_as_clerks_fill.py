"""Spreadsheets as clerks really fill them: dates without the year, date serials, full-width digits, a
title row above the headers, merged cells — and a workbook LibreOffice saved from a CSV."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import select

from models.importing import KINDS, ImportRejected, run_import
from models.tables import AuditEntry, Campaign, MonthlyReport, Visit
from tests import factories as f
from tui.exports.pdf import office_program

# The files name 张三 of 组织部, who must be on the cadres' roster (imports never create a cadre).
pytestmark = pytest.mark.usefixtures("roster")

V_HEADERS = ["部门", "地市", "县（市、区）", "乡镇（街道）", "开始日期", "结束日期", "整天数", "座谈会最多人数",
             "参加干部", "备注"]


def visit_row(start, end=None, days=1, county="梅江区"):
    return ["组织部", "梅州", county, "", start, end, days, 6, "张三", ""]


def _import(session, path, kind="visits"):
    result = run_import(session, KINDS[kind], path)
    session.commit()
    return result


def _rejected(session, path, kind="visits") -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS[kind], path)
    session.rollback()
    assert session.exec(select(Visit)).all() == [] and session.exec(select(AuditEntry)).all() == []
    return info.value


def _dates(session) -> list[tuple[date, date]]:
    return sorted((v.start_date, v.end_date) for v in session.exec(select(Visit)))


def test_dates_without_the_year_serials_and_full_width_digits(session, tmp_path):
    rows = [visit_row("5月13日", "5月14日", 2),
            visit_row(43632, days=1, county="梅县区"),  # 2019-06-16, an Excel serial stored as a number
            visit_row("２０１９－０７－０８", "２０１９／７／９", "２", county="大埔县"),
            visit_row("20190805", "8.6", 1, county="丰顺县")]
    result = _import(session, f.write_xlsx(tmp_path / "v.xlsx", V_HEADERS, rows))
    assert result.created == 4
    assert _dates(session) == [(date(2019, 5, 13), date(2019, 5, 14)), (date(2019, 6, 16), date(2019, 6, 16)),
                               (date(2019, 7, 8), date(2019, 7, 9)), (date(2019, 8, 5), date(2019, 8, 6))]
    assert {v.full_days for v in session.exec(select(Visit))} == {1.0, 2.0}


def test_the_same_in_a_csv(session, tmp_path):
    rows = [visit_row("5月13日"), visit_row("43632", county="梅县区"), visit_row("２０１９年７月８日", county="大埔县")]
    assert _import(session, f.write_csv(tmp_path / "v.csv", V_HEADERS, rows, "gb18030")).created == 3
    assert [s for s, _e in _dates(session)] == [date(2019, 5, 13), date(2019, 6, 16), date(2019, 7, 8)]


def test_month_day_outside_the_campaign_or_with_two_campaigns_is_refused(session, tmp_path):
    errors = _rejected(session, f.write_csv(tmp_path / "v.csv", V_HEADERS, [visit_row("12月1日")])).errors
    assert [(e.row, e.column, e.value) for e in errors] == [(2, "开始日期", "12月1日")]
    assert "驻点工作期间" in errors[0].reason
    session.add(Campaign(year=2020, start_month=4, end_month=11))
    session.commit()
    errors = _rejected(session, f.write_csv(tmp_path / "v.csv", V_HEADERS, [visit_row("5月13日")])).errors
    assert "有多个驻点年度（2019、2020），请写明年份" in errors[0].reason


def test_month_column_without_the_year(session, tmp_path):
    headers = [c.header for c in KINDS["monthly"].columns]
    row = {h: "" for h in headers} | {"部门": "组织部", "地市": "梅州", "县（市、区）": "梅江区", "月份": "10月份",
                                      "注册志愿者比例（%）": "９１．５"}
    _import(session, f.write_csv(tmp_path / "m.csv", headers, [[row[h] for h in headers]]), "monthly")
    report = session.exec(select(MonthlyReport)).one()
    assert (report.year, report.month, report.volunteer_rate) == (2019, 10, 91.5)


def _workbook(path, rows, merges=()):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def test_a_title_row_above_the_headers_is_skipped(session, tmp_path):
    title = "梅州市驻点记录（2019年5月）"
    path = _workbook(tmp_path / "v.xlsx", [[title], [], V_HEADERS, visit_row("2019-05-06"),
                                           visit_row("2019-05-20", county="梅县区")], merges=["A1:J1"])
    assert _import(session, path).created == 2
    # rows keep the numbers the user sees: a bad row below a title is named by its own row
    bad = _workbook(tmp_path / "bad.xlsx", [[title], V_HEADERS, visit_row("2019-05-07"), visit_row("2019-13-01")],
                    merges=["A1:J1"])
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["visits"], bad)
    assert [(e.row, e.column) for e in info.value.errors] == [(4, "开始日期")]


def test_a_title_row_without_headers_below_it_is_named(session, tmp_path):
    path = _workbook(tmp_path / "v.xlsx", [["梅州市驻点记录"], ["甲", "乙", "丙"], ["1", "2", "3"]], merges=["A1:J1"])
    errors = _rejected(session, path).errors
    title = [e for e in errors if e.value == "梅州市驻点记录"]
    assert title and "请删除标题行" in title[0].reason and title[0].row == 1


def test_a_merged_header_cell_is_an_error_that_says_so(session, tmp_path):
    """开始日期 merged over the 结束日期 column: before, 结束日期 was silently dropped and the end date
    stored as the start date."""
    headers = V_HEADERS[:5] + [None] + V_HEADERS[6:]
    path = _workbook(tmp_path / "v.xlsx", [headers, visit_row("2019-05-06", "2019-05-08", 3)], merges=["E1:F1"])
    errors = _rejected(session, path).errors
    merged = [e for e in errors if "合并单元格" in e.reason]
    assert [(e.row, e.column, e.value) for e in merged] == [(1, "开始日期", "E1:F1")]
    assert any(e.column == "第F列" and "没有表头" in e.reason for e in errors)


def test_merged_cells_below_the_headers_count_for_every_row(session, tmp_path):
    """地市 and 部门 merged down a block of rows (as clerks lay out a list) apply to each row."""
    rows = [V_HEADERS, visit_row("2019-05-06"), visit_row("2019-05-20", county="梅县区"),
            visit_row("2019-06-03", county="大埔县")]
    for row in rows[2:]:
        row[0] = row[1] = None
    assert _import(session, _workbook(tmp_path / "v.xlsx", rows, merges=["A2:A4", "B2:B4"])).created == 3


def test_headers_in_half_width_forms_match(session, tmp_path):
    headers = [h.replace("（", "(").replace("）", ")") for h in V_HEADERS]
    assert _import(session, f.write_csv(tmp_path / "v.csv", headers, [visit_row("2019-05-06")])).created == 1


@pytest.mark.skipif(office_program() is None, reason="needs LibreOffice (soffice, Debian package libreoffice-calc)")
def test_a_workbook_libreoffice_saved_from_a_csv(session, tmp_path):
    """The clerk opens the CSV in LibreOffice and saves it as .xlsx: dates become date cells (or stay
    text), numbers become numbers, the header and title rows stay where they were."""
    rows = [visit_row("2019-05-06", "2019-05-07", 2), visit_row("2019/6/3", days=1, county="梅县区"),
            visit_row("5月13日", "5月14日", days="1", county="大埔县")]
    csv_path = tmp_path / "visits.csv"
    csv_path.write_text("梅州市驻点记录\n" + f.write_csv(tmp_path / "x.csv", V_HEADERS, rows).read_text("utf-8"),
                        encoding="utf-8")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([office_program(), f"-env:UserInstallation={profile}", "--headless", "--infilter=CSV:44,34,76,1",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(csv_path)],
                   check=True, capture_output=True, timeout=120)
    saved = tmp_path / "lo" / "visits.xlsx"
    from openpyxl import load_workbook

    cells = [c.value for c in next(load_workbook(saved).active.iter_rows(min_row=3, max_row=3))]
    assert isinstance(cells[4], datetime) and isinstance(cells[6], int)  # a date cell, a number
    result = _import(session, saved)
    assert result.created == 3
    assert _dates(session) == [(date(2019, 5, 6), date(2019, 5, 7)), (date(2019, 5, 13), date(2019, 5, 14)),
                               (date(2019, 6, 3), date(2019, 6, 3))]
    assert sorted(v.full_days for v in session.exec(select(Visit))) == [1.0, 1.0, 2.0]
