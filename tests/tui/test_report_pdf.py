"""Every report and export printed for real: ``-o FILE.pdf`` converts the workbook with LibreOffice, and
poppler-utils reads the pages back — A4, a bounded number of pages, every opinion and experience text
of the sample county-month (the demo's 江门市江海区, October 2019, with a long opinion, long experience
texts and a large photo added) whole on the page it belongs to, nothing printed over anything else.

Conversions take seconds: each PDF is made once for the module and the checks share it.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from models.db import make_engine
from models.demo import DemoParams, build_demo
from models.feedback_export import feedback_rows, feedback_summary, make_filter
from models.monthly_form import monthly_forms
from models.tables import MonthlyReport, Photo
from tests import factories as f
from tests.tui.pdf_pages import SKIP_REASON, Page, images_per_page, pages_with, read_pdf, squash
from tui.cli import cli

needs_office = pytest.mark.skipif(bool(SKIP_REASON), reason=SKIP_REASON)
CITY, COUNTY, MONTH = "江门", "江海区", "2019-10"
SENTENCE = "第{n}条：团支部每月按时召开支委会，书记带头学习“智慧团建”操作，团员报到和组织关系转接全部在系统完成。"
LONG_OPINION = "".join(f"意见第{n}点：希望驻点干部下次来时多听听流动团员的想法，活动时间尽量安排在周末。" for n in range(1, 12))


def run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", url, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo province, with the sample county-month made as hard to print as clerks make it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pdf') / 'demo.db'}"
    engine = make_engine(url)
    build_demo(engine, DemoParams())
    with Session(engine) as s:
        county = f.county(s, COUNTY)
        report = s.exec(select(MonthlyReport).where(MonthlyReport.county_id == county.id,
                                                    MonthlyReport.year == 2019, MonthlyReport.month == 10)).first()
        assert report is not None
        report.branch_experience = "".join(SENTENCE.format(n=n) for n in range(1, 6))
        report.typical_org_name = "江海区某电子科技有限公司团支部"
        report.typical_org_experience = "".join(SENTENCE.format(n=n) for n in range(100, 160))
        s.add(report)
        checked = monthly_forms(s, CITY, MONTH, COUNTY)[0].checked.split("：")[1].split("、")[0]
        branch = next(b for b in f.all_branches(s) if b.name == checked and b.county_id == county.id)
        from PIL import Image

        buf = io.BytesIO()
        Image.new("RGB", (1600, 1200), "navy").save(buf, format="JPEG")
        photo = Photo(mime="image/jpeg", width=1600, height=1200, data=buf.getvalue())
        s.add(photo)
        s.flush()
        f.rating(s, branch, 4, suggestion=LONG_OPINION, at=datetime(2019, 10, 20, 4, tzinfo=UTC), photo_id=photo.id)
        s.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def pdf(province: str, tmp_path_factory: pytest.TempPathFactory):
    """``pdf(name, *command)``: the command's PDF, made once per module, as pages."""
    folder = tmp_path_factory.mktemp("pdfs")
    made: dict[str, list[Page]] = {}

    def make(name: str, *command: str) -> list[Page]:
        if name not in made:
            result = run(province, *command, "-o", str(folder / f"{name}.pdf"))
            assert result.exit_code == 0, result.output
            made[name] = read_pdf(folder / f"{name}.pdf")
        return made[name]

    make.folder = folder  # type: ignore[attr-defined]
    return make


def monthly(pdf) -> list[Page]:
    return pdf("monthly", "report", "monthly", "--city", CITY, "--county", COUNTY, "--month", MONTH)


def attachment(pages: list[Page], what: str) -> list[Page]:
    return [p for p in pages if p.has(f"附页：{what}")]


def unreadable(pages: list[Page], form) -> list[str]:
    """What of the form's opinions and experiences a reader cannot read on the page it belongs to."""
    problems = [f"page {p.number}: {a!r} printed over {b!r}" for p in pages for a, b in p.overlapping()]
    form_page = pages[0]
    for ref, text in (("first row", form.title), ("last row", "本月驻点时间及人员")):
        if not form_page.has(text):
            problems.append(f"the form's {ref} is not on its page")
    opinions = attachment(pages, "基层青年意见")
    listed = len(form.opinion_rows)
    for n in range(len(form.opinion_rows), 0, -1):
        if form_page.has(f"……另有 {len(form.opinion_rows) - n} 条，见附页"):
            listed = n
    if listed < len(form.opinion_rows) and not opinions:
        problems.append("opinions left off the form but no 附页 of opinions")
    for n, o in enumerate(form.opinion_rows, 1):
        if n <= listed and not form_page.has(f"{n}. {o.text}（{o.branch}）"):
            problems.append(f"opinion {n} not whole on the form: {o.text[:20]}")
        # Its page holds every column (序号 … 意见 on one page width) and its branch (whose name may
        # wrap inside its cell: its beginning is enough to tell).
        if opinions and not any(p.has(o.text) and p.has(o.branch[:6]) for p in opinions):
            problems.append(f"opinion {n} not on a 附页 page with its branch: {o.text[:20]}")
    problems += [f"page {p.number}: a column of the opinions is missing" for p in opinions
                 if not all(p.has(h) for h in ("序号", "团支部", "活动", "评分", "基层青年意见"))]
    texts = attachment(pages, "表内未能列全的内容")
    for label, full in (("branch", form.branch_experience), ("typical", form.typical_org_experience)):
        if form_page.has(full):
            continue
        if not form_page.has("（全文见附页）"):
            problems.append(f"{label} experience cut short on the form without a pointer to the 附页")
        for sentence in filter(None, full.split("。")):
            if not any(p.has(sentence) for p in texts):
                problems.append(f"{label} experience: {sentence[:20]} not whole on a 附页 page")
    return problems


@needs_office
def test_monthly_form_prints_every_opinion_and_experience(pdf, province):
    pages = monthly(pdf)
    engine = make_engine(province)
    with Session(engine) as s:
        form = monthly_forms(s, CITY, MONTH, COUNTY)[0]
    engine.dispose()
    assert len(form.opinion_rows) > 30  # more than the cell of the paper form holds
    assert all(p.is_a4 and not p.landscape for p in pages)
    assert 4 <= len(pages) <= 12  # the form, the opinions, the full texts, the photo
    assert unreadable(pages, form) == []
    # the form is one page, with the seed's 可附页 markers; what it cannot hold points to the 附页
    for label in ("被抽查团支部团员对本支部所开展活动的评价情况（包括活动名称和照片）（可附页）", "基层青年意见（可附页）",
                  "强化团支部建设经验（需实地核实）（可附页）", "团组织建设经验（可附页）", "本月驻点时间及人员（可附页）"):
        assert pages[0].has(label), label
    assert pages[0].has("（照片见附页）")
    assert not pages[1].has("本月驻点时间及人员")
    # every page has its title in the header and its number in the footer
    assert all(p.has(f"第 {p.number} 页，共 {len(pages)} 页") for p in pages)
    # the photo: scaled to fit, on one page (an image split across pages is drawn on both)
    photo_pages = attachment(pages, "被抽查团支部团员上传的活动照片")
    assert [p.number for p in photo_pages] == images_per_page(pdf.folder / "monthly.pdf")


@needs_office
def test_a_row_too_short_for_its_text_fails_the_check(province, tmp_path, monkeypatch):
    """The check above is not blind: with every row at one line's height, it finds the lost opinions."""
    from tui.exports import monthly as writer
    from tui.exports import style
    from tui.exports.pdf import convert_to_pdf

    monkeypatch.setattr(writer, "row_height", lambda *_a, **_k: 15.0)
    monkeypatch.setattr(writer, "height_for", lambda *_a, **_k: 15.0)
    monkeypatch.setattr(style, "row_height", lambda *_a, **_k: 15.0)
    engine = make_engine(province)
    with Session(engine) as s:
        forms = monthly_forms(s, CITY, MONTH, COUNTY)
        writer.write_monthly(s, forms, tmp_path / "short.xlsx")
    engine.dispose()
    convert_to_pdf(tmp_path / "short.xlsx", tmp_path / "short.pdf")
    problems = unreadable(read_pdf(tmp_path / "short.pdf"), forms[0])
    assert any("printed over" in p for p in problems)
    assert any("not whole on the form" in p for p in problems)


@needs_office
def test_evaluation_rankings_fit_a_page_width(pdf):
    pages = pdf("evaluation", "report", "evaluation", "--year", "2019")
    assert all(p.is_a4 for p in pages)
    # Rankings, figures and the ids of every record they rest on (a department's cities' results, with
    # their spot checks and forms, are listed beside its own work).
    assert len(pages) <= 100
    assert [p for p in pages if p.overlapping()] == []
    for what, names, parts in (("地市", ["广州", "江门", "云浮", "潮州"], ["系统客观数据"]),
                               ("部门", ["办公室", "广东青少年大数据及新媒体中心"], ["本部门工作", "对接地市成效"])):
        [ranking] = pages_with(pages, f"2019年驻点工作评价：{what}排名")  # one page: width and rows
        assert not ranking.landscape
        for text in ["排名", "总分", *parts, "团员青年评价", "典型经验推广", "名次", *names]:
            assert ranking.has(text), text
        details = pages_with(pages, f"2019年驻点工作评价：{what}指标明细")
        assert details and all(p.landscape for p in details)
        for p in details:  # every page a readable table: its column headers repeated
            assert all(p.has(h) for h in (what, "指标", "实际", "目标", "得分")), p.number
        assert any(p.has("团员青年评价") for p in details)


@needs_office
def test_lecture_summary_lists_every_lecture(pdf, province):
    pages = pdf("lectures", "report", "lectures", "--year", "2019")
    assert all(p.is_a4 for p in pages) and len(pages) <= 14
    assert [p for p in pages if p.overlapping()] == []
    from models.lectures import lecture_summary

    engine = make_engine(province)
    with Session(engine) as s:
        summary = lecture_summary(s, 2019)
    engine.dispose()
    for r in summary.rows:
        assert any(p.has(r.title) and p.has(r.cadre) for p in pages), r.title


@needs_office
def test_feedback_of_the_county_month_prints_every_opinion(pdf, province):
    pages = pdf("feedback", "export", "feedback", "--county", COUNTY, "--month", MONTH)
    engine = make_engine(province)
    with Session(engine) as s:
        rows = list(feedback_rows(s, make_filter(s, county=COUNTY, month=MONTH)))
    engine.dispose()
    assert len(rows) > 40
    assert all(p.is_a4 for p in pages) and len(pages) <= 3 + len(rows) // 10
    assert [p for p in pages if p.overlapping() and not p.has("团员评价图表")] == []
    detail = pages_with(pages, "团员评价明细")
    assert all(p.landscape and p.has("意见建议") and p.has("提交时间") for p in detail)
    for r in rows:
        if r.suggestion:
            assert any(p.has(r.suggestion) and p.has(r.branch[:6]) for p in detail), r.suggestion[:20]


@needs_office
def test_feedback_charts_print_each_on_one_page(pdf, province):
    pages = pdf("feedback-day", "export", "feedback", "--from", "2019-10-14", "--to", "2019-10-14")
    engine = make_engine(province)
    with Session(engine) as s:
        cities = feedback_summary(s, make_filter(s, date_from=date(2019, 10, 14), date_to=date(2019, 10, 14)))
    engine.dispose()
    assert len(cities) >= 18  # nearly every city has ratings that day: a full chart
    summary = pages_with(pages, "团员评价各地市汇总")
    assert len(summary) == 1 and summary[0].has("全省合计")
    for title in ("各地市团员评价分布", "各地市平均分"):
        [page] = pages_with(pages, title)
        assert page.landscape
        assert all(page.has(c.city) for c in cities), title  # every bar's label on the chart's page
    [means] = pages_with(pages, "各地市平均分")
    low = min(c.mean for c in cities)
    axis_from = squash(means.text).split("纵轴自")[1].split("分起")[0]
    assert 0 < float(axis_from) < low  # the axis starts under the lowest mean, not at 0


def test_import_template_prints_on_a4(db_url, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "t.xlsx"
    assert run(db_url, "template", "visits", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    for name in ("数据", "填写说明"):
        ws = wb[name]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1, name
        assert ws.oddHeader.center.text.startswith("驻点记录导入模板") and "&P" in ws.oddFooter.center.text
    assert wb["数据"].print_title_rows == "$1:$1" and wb["数据"].page_setup.orientation == "landscape"


def test_pdf_without_libreoffice_names_the_package(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHUDIAN_SOFFICE", "no-such-office-suite")
    for command in (["report", "evaluation"], ["report", "lectures"], ["export", "feedback"],
                    ["report", "monthly", "--city", CITY, "--month", MONTH]):
        out = tmp_path / "x.pdf"
        result = run(db_url, *command, "-o", str(out))
        assert result.exit_code == 1, command
        assert "libreoffice-calc" in result.stderr and "LibreOffice" in result.stderr
        assert not out.exists()


@needs_office
def test_parallel_conversions_do_not_collide(province, tmp_path):
    """Two conversions at once (as two coordinators, or two test workers, run them), each with its own
    LibreOffice profile: both finish."""
    from concurrent.futures import ThreadPoolExecutor

    from models.lectures import lecture_summary
    from tui.exports.lectures import write_lectures
    from tui.exports.pdf import convert_to_pdf

    engine = make_engine(province)
    with Session(engine) as s:
        write_lectures(lecture_summary(s, 2019), tmp_path / "l.xlsx")
    engine.dispose()
    outs = [tmp_path / f"{n}.pdf" for n in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda out: convert_to_pdf(tmp_path / "l.xlsx", out), outs))
    assert all(read_pdf(out)[0].is_a4 for out in outs)
