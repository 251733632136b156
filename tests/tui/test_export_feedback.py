"""``zhudian export feedback`` in every format, with filters, photos and formula safety."""

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from models.tables import Photo
from tests import factories as f
from tui.cli import cli
from tui.exports.safety import FORMULA_STARTS, neutralise

DANGEROUS = ["=1+1", "+86 123", "-2", "@SUM(A1)", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠A1"]


def run(db_url, *args):
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


@pytest.fixture
def ratings(engine):
    from sqlmodel import Session

    with Session(engine) as s:
        mz = f.branch(s, "梅江区", "西郊街道团支部")
        qy = f.branch(s, "清城区", "凤城街道团支部")
        gz = f.branch(s, "越秀区", "北京街道团支部")
        act = f.activity(s, mz, "主题团日：学习二十大")
        photo = Photo(mime="image/jpeg", width=1, height=1, data=b"\xff\xd8jpegbytes")
        s.add(photo)
        s.flush()
        f.rating(s, mz, 5, a=act, suggestion="活动很好")
        r = f.rating(s, mz, 3, a=act, suggestion="=HYPERLINK(\"http://x\",\"点我\")")
        r.photo_id = photo.id
        s.add(r)
        f.rating(s, mz, 4, at=datetime(2019, 6, 30, 17, 0, tzinfo=UTC))  # 2019-07-01 01:00 in China
        f.rating(s, qy, 1, suggestion="－希望多组织")
        f.rating(s, gz, 2)
        photo_rating = r.id
        s.commit()
    return {"photo_rating": photo_rating}


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS read UTF-8 right
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_every_rating_with_bom(db_url, ratings, tmp_path):
    out = tmp_path / "f.csv"
    result = run(db_url, "export", "feedback", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and "已导出团员评价 5 条" in result.output
    rows = _csv(out)
    assert rows[0] == ["编号", "地市", "县（市、区）", "团支部", "活动", "评分", "意见建议", "照片", "提交时间"]
    assert rows[1] == ["1", "梅州", "梅江区", "西郊街道团支部", "主题团日：学习二十大", "5", "活动很好", "",
                       "2019-05-10 12:00:00"]
    assert rows[2][6] == "'=HYPERLINK(\"http://x\",\"点我\")" and rows[2][7] == "照片#1"
    assert rows[4][1:3] == ["清远", "清城区"] and rows[4][6] == "'－希望多组织"


@pytest.mark.parametrize(("args", "expected"), [
    (["--city", "梅州"], 3),
    (["--county", "清城区"], 1),
    (["--department", "组织部"], 4),  # 组织部 is paired with 梅州 and 清远
    (["--department", "宣传部"], 1),
    (["--month", "2019-05"], 4),
    (["--month", "2019-07"], 1),  # local time decides the month
    (["--from", "2019-07-01", "--to", "2019-07-01"], 1),
    (["--city", "梅州", "--to", "2019-06-30"], 2),
])
def test_filters(db_url, ratings, tmp_path, args, expected):
    out = tmp_path / "f.csv"
    assert run(db_url, "export", "feedback", *args, "-o", str(out)).exit_code == 0
    assert len(_csv(out)) - 1 == expected


def test_unknown_city_suggests(db_url, ratings, tmp_path):
    result = run(db_url, "export", "feedback", "--city", "梅周", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "梅州市" in result.stderr
    bad_month = run(db_url, "export", "feedback", "--month", "2019-13", "-o", str(tmp_path / "x.csv"))
    assert bad_month.exit_code == 1 and "YYYY-MM" in bad_month.stderr


def test_json_lines_keep_text_as_typed(db_url, ratings, tmp_path):
    out = tmp_path / "f.jsonl"
    assert run(db_url, "export", "feedback", "--format", "json", "-o", str(out)).exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5
    assert lines[1]["suggestion"] == "=HYPERLINK(\"http://x\",\"点我\")"  # data for programs: untouched
    assert lines[2]["created_at"] == "2019-07-01T01:00:00+08:00"
    assert lines[0]["city"] == "梅州" and lines[0]["score"] == 5 and lines[0]["photo"] is None


def test_photos_to_a_folder(db_url, ratings, tmp_path):
    out, folder = tmp_path / "f.csv", tmp_path / "photos"
    result = run(db_url, "export", "feedback", "-o", str(out), "--photos", str(folder))
    assert "照片 1 张" in result.output
    name = f"{ratings['photo_rating']}.jpg"
    assert (folder / name).read_bytes() == b"\xff\xd8jpegbytes"
    assert _csv(out)[2][7] == name


def test_xlsx_summary_chart_and_details(db_url, ratings, tmp_path):
    out = tmp_path / "f.xlsx"
    assert run(db_url, "export", "feedback", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())  # a native Excel chart
    wb = load_workbook(out)
    assert wb.sheetnames == ["各地市汇总", "评价明细", "图表"]
    summary = [[c.value for c in row] for row in wb["各地市汇总"].iter_rows()]
    assert summary[0] == ["地市", "评价数", "平均分", "1星", "2星", "3星", "4星", "5星"]
    by_city = {row[0]: row[1:] for row in summary[1:]}
    assert by_city["梅州"] == [3, 4, 0, 0, 1, 1, 1]
    assert by_city["清远"] == [1, 1, 1, 0, 0, 0, 0]
    assert by_city["广州"] == [1, 2, 0, 1, 0, 0, 0]
    assert by_city["全省合计"] == [5, 3, 1, 1, 1, 1, 1]  # the province total, its mean from every rating
    detail_ws = wb["评价明细"]
    detail = [[c.value for c in row] for row in detail_ws.iter_rows()]
    assert len(detail) == 6 and detail[2][6] == "'=HYPERLINK(\"http://x\",\"点我\")"
    assert all(c.data_type != "f" for row in detail_ws.iter_rows() for c in row)
    # dates are date-time cells; 照片 says 是/否; the header is frozen and filtered
    assert detail[1][8] == datetime(2019, 5, 10, 12, 0) and detail_ws["I2"].is_date
    assert [row[7] for row in detail[1:]] == ["否", "是", "否", "否", "否"]
    assert detail_ws.freeze_panes == "A2" and detail_ws.auto_filter.ref == "A1:I6"
    assert wb["各地市汇总"].freeze_panes == "A2" and wb["各地市汇总"].auto_filter.ref == "A1:H4"
    assert {k: detail_ws.column_dimensions[k].width for k in "DGI"} == {"D": 28, "G": 50, "I": 20}
    # printed: A4, the ratings landscape, header repeated
    assert detail_ws.page_setup.paperSize == 9 and detail_ws.page_setup.orientation == "landscape"
    assert detail_ws.print_title_rows == "$1:$1" and wb["各地市汇总"].page_setup.paperSize == 9


def test_xlsx_average_chart_axis_shows_the_differences(db_url, ratings, tmp_path):
    out = tmp_path / "f.xlsx"
    assert run(db_url, "export", "feedback", "-o", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as zf:
        charts = [zf.read(n).decode() for n in sorted(zf.namelist()) if n.startswith("xl/charts/chart")]
    means = next(c for c in charts if "各地市平均分" in c)
    low = float(means.split("<min val=\"")[1].split("\"")[0])
    high = float(means.split("<max val=\"")[1].split("\"")[0])
    assert 0 < low < 1 and 4 < high <= 5  # means 1, 2 and 4: from just under the lowest to over the highest
    assert "纵轴自 0.9 分起" in means


def test_formula_safety_in_csv_and_xlsx(engine, db_url, tmp_path):
    from sqlmodel import Session

    with Session(engine) as s:
        b = f.branch(s, "梅江区", "=cmd|' /C calc'!A0")
        for text in DANGEROUS:
            f.rating(s, b, 3, suggestion=text)
        s.commit()
    run(db_url, "export", "feedback", "-o", str(tmp_path / "f.csv"))
    run(db_url, "export", "feedback", "-o", str(tmp_path / "f.xlsx"))
    csv_rows = _csv(tmp_path / "f.csv")[1:]
    xlsx_rows = [[c for c in row] for row in load_workbook(tmp_path / "f.xlsx")["评价明细"].iter_rows(min_row=2)]
    for text, csv_row, xlsx_row in zip(DANGEROUS, csv_rows, xlsx_rows, strict=True):
        assert csv_row[6] == "'" + text
        assert csv_row[3] == "'=cmd|' /C calc'!A0"
        # XML reading turns a bare \r into \n; what matters is the apostrophe and the text type.
        assert xlsx_row[6].value in ("'" + text, "'" + text.replace("\r", "\n"))
        assert xlsx_row[6].data_type == "s"
        assert xlsx_row[3].data_type == "s"


def test_neutralise_leaves_safe_values():
    assert neutralise("好") == "好" and neutralise(5) == 5 and neutralise(None) is None
    assert all(neutralise(c + "x") == "'" + c + "x" for c in FORMULA_STARTS)
