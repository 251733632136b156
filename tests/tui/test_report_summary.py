"""The province's monthly summary and the visit register, written for real and printed through
LibreOffice (poppler-utils reads the pages back): A4, pages within a stated bound, every city's row
whole on the leaders' first page, the figures those of ``models.summary``."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import Session

from models.db import make_engine
from models.demo import DemoParams, build_demo
from models.figures.period import Period
from models.summary import month_summary
from tests import factories as f
from tests.tui.pdf_pages import SKIP_REASON, read_pdf
from tui.cli import cli
from tui.exports.summary import LEADER_HEADERS

needs_office = pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON)
TODAY = "2019-11-25"
HOSTILE = "=HYPERLINK(\"http://x\")宿舍楼道有安全隐患\x1b[31m"


def run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('summary') / 'demo.db'}"
    engine = make_engine(url)
    build_demo(engine, DemoParams(ratings=3000))
    with Session(engine) as s:
        b = f.all_branches(s)[0]
        f.rating(s, b, 1, suggestion=HOSTILE, at=datetime(2019, 11, 20, 4, tzinfo=UTC))
        s.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def files(province, tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    out = {}
    for name, command in (("summary.xlsx", ["report", "summary", "--month", "2019-11", "--today", TODAY]),
                          ("summary.pdf", ["report", "summary", "--month", "2019-11", "--today", TODAY]),
                          ("register.xlsx", ["export", "visits", "--year", "2019"]),
                          ("register.pdf", ["export", "visits", "--year", "2019", "--department", "组织部"])):
        if name.endswith(".pdf") and SKIP_REASON:
            continue
        result = run(province, *command, "-o", str(folder / name))
        assert result.exit_code == 0, result.output
        out[name] = folder / name
    return out


def test_summary_workbook_rows_are_the_models_figures_in_annex1_order(province, files):
    wb = load_workbook(files["summary.xlsx"])
    assert wb.sheetnames == ["领导阅", "明细", "各部门", "需优先关注意见"]
    engine = make_engine(province)
    with Session(engine) as s:
        summary = month_summary(s, Period(2019, 11), today=date(2019, 11, 25))
    engine.dispose()
    ws = wb["领导阅"]
    assert [c.value for c in ws[2]] == LEADER_HEADERS
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=3 + len(summary.rows))]
    assert [r[1] for r in rows[:-1]] == [r.city for r in summary.rows]
    assert [r[1] for r in rows[:5]] == ["中山", "梅州", "清远", "广州", "佛山"]  # 附件1's order
    assert rows[-1][1] == "全省合计"
    for cells, r in zip(rows, summary.rows, strict=False):
        assert cells[3] == f"{r.visit_days:g}" + ("" if r.visit_days_target is None else f"/{r.visit_days_target:g}")
        assert cells[4].startswith(f"{r.forms_on_time}/{r.forms_late}/{r.forms_missing}")
        assert cells[8] == r.verified_ratings and cells[10] == r.flagged
    assert ws.page_setup.fitToHeight == 1 and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    flagged = wb["需优先关注意见"]
    texts = [c.value for row in flagged.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    hostile = next(t for t in texts if "安全隐患" in t and "HYPERLINK" in t)
    assert not hostile.startswith("=") and all(c.data_type != "f" for row in flagged.iter_rows() for c in row)


@needs_office
def test_summary_pdf_leaders_page_holds_every_city_whole(files):
    pages = read_pdf(files["summary.pdf"])
    assert all(p.is_a4 and p.landscape for p in pages)
    assert len(pages) <= 8  # leaders' page, detail (2), departments (2), flagged suggestions (≤3)
    first = pages[0]
    assert first.has("团省委专职干部驻点工作汇总") and not first.has("（明细）")
    for city in ("中山", "梅州", "清远", "广州", "佛山", "汕尾", "深圳", "韶关", "惠州", "湛江", "珠海", "揭阳", "肇庆",
                 "云浮", "汕头", "江门", "河源", "茂名", "阳江", "东莞", "潮州", "全省合计"):
        assert first.has(city), city
        assert not any(p.has(city) for p in pages[1:2] if not p.has("明细")), city
    assert first.overlapping() == []
    assert pages[1].has("（明细）")  # the detail starts on the next page: the leaders' sheet is one page


@needs_office
def test_register_pdf_prints_every_visit_on_a4_with_the_header_on_each_page(province, files):
    wb = load_workbook(files["register.xlsx"])
    ws = wb.active
    assert [c.value for c in ws[2]][:4] == ["序号", "部门", "开始日期", "结束日期"]
    dates = [r[2] for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert dates == sorted(dates) and len(dates) > 300  # the demo year's visits, oldest first
    pages = read_pdf(files["register.pdf"])
    assert all(p.is_a4 and p.landscape for p in pages) and 1 <= len(pages) <= 3
    assert all(p.has("参加干部") for p in pages)
    engine = make_engine(province)
    from models.records import visits
    from models.reference import find_department

    with Session(engine) as s:
        mine = [v for v in visits(s, department_id=find_department(s, "组织部").id) if v.start_date.year == 2019]
    engine.dispose()
    text = "".join(p.flat for p in pages)
    assert all(v.start_date.isoformat() in text for v in mine)
    assert f"共{len(mine)}次驻点" in text
