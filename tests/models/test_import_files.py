"""Reading the files departments send: encodings, XLSX, and every kind of unreadable file."""

import zipfile

import pytest
from sqlmodel import select

from models.importing import KINDS, ImportRejected, run_import
from models.tables import AuditEntry, Branch
from tests import factories as f

pytestmark = pytest.mark.usefixtures("roster")

HEADERS = ["地市", "县（市、区）", "团支部名称", "类型", "团员数", "有团干（书记）", "团建指导员部门", "团建指导员"]
ROWS = [["梅州", "梅江区", "西郊街道团支部", "社区", 25, "是", "组织部", "张三"],
        ["梅州", "梅县区", "丙村镇团支部", "农村", 12, "否", None, None]]


def _rejected(session, path) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["branches"], path)
    session.rollback()
    assert session.exec(select(Branch)).all() == []
    assert session.exec(select(AuditEntry)).all() == []
    return info.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(session, tmp_path, encoding):
    path = f.write_csv(tmp_path / "branches.csv", HEADERS, ROWS, encoding)
    result = run_import(session, KINDS["branches"], path)
    session.commit()
    assert (result.created, result.rows) == (2, 2)
    assert sorted(b.name for b in session.exec(select(Branch))) == ["丙村镇团支部", "西郊街道团支部"]


def test_xlsx_written_by_openpyxl(session, tmp_path):
    path = f.write_xlsx(tmp_path / "branches.xlsx", HEADERS, ROWS)
    assert run_import(session, KINDS["branches"], path).created == 2


def test_wrong_file_type(session, tmp_path):
    path = tmp_path / "branches.pdf"
    path.write_bytes(b"%PDF-1.4 hello")
    assert "不支持的文件类型" in _rejected(session, path).file_problem


def test_word_document_renamed_xlsx(session, tmp_path):
    path = tmp_path / "branches.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert "不是 Excel 工作簿" in _rejected(session, path).file_problem


def test_truncated_xlsx(session, tmp_path):
    good = f.write_xlsx(tmp_path / "good.xlsx", HEADERS, ROWS)
    path = tmp_path / "branches.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "损坏或不完整" in _rejected(session, path).file_problem


def test_password_protected_workbook(session, tmp_path):
    # An encrypted XLSX is an OLE compound file holding an "EncryptedPackage" stream.
    path = tmp_path / "branches.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
                     + b"\x00" * 500)
    assert "密码" in _rejected(session, path).file_problem


def test_old_xls(session, tmp_path):
    path = tmp_path / "branches.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    assert "旧版 .xls" in _rejected(session, path).file_problem


def test_empty_and_missing_file(session, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "空的" in _rejected(session, path).file_problem
    assert "找不到文件" in _rejected(session, tmp_path / "nope.csv").file_problem


def test_headers_only(session, tmp_path):
    path = f.write_csv(tmp_path / "b.csv", HEADERS, [])
    assert "没有数据行" in _rejected(session, path).file_problem


def test_missing_and_unknown_columns(session, tmp_path):
    headers = [h for h in HEADERS if h != "团员数"] + ["备注栏"]
    rows = [[c for i, c in enumerate(r) if i != 4] + ["x"] for r in ROWS]
    errors = _rejected(session, f.write_csv(tmp_path / "b.csv", headers, rows)).errors
    assert {(e.row, e.column) for e in errors} == {(1, "团员数"), (1, "备注栏")}
    assert any("缺少此列" in e.reason for e in errors)
    assert any("不是本模板的列" in e.reason for e in errors)


def test_wrong_kind_of_file_is_rejected_by_its_columns(session, tmp_path):
    path = f.write_csv(tmp_path / "b.csv", HEADERS, ROWS)
    with pytest.raises(ImportRejected) as info:
        run_import(session, KINDS["visits"], path)
    assert any(e.reason.startswith("缺少此列") for e in info.value.errors)


def test_template_example_row_is_skipped(session, tmp_path):
    kind = KINDS["branches"]
    rows = [kind.example_row(), ["梅州", "梅县区", "丙村镇团支部", "农村", "12", "否", "", ""]]
    result = run_import(session, kind, f.write_csv(tmp_path / "b.csv", HEADERS, rows))
    assert result.skipped_example and result.created == 1


def test_damaged_compressed_part_is_a_clear_error(session, tmp_path):
    """Regression (found by the hostile-input properties): a byte changed inside a compressed part of
    the workbook raised zlib.error out of the importer instead of the Chinese file error."""
    good = f.write_xlsx(tmp_path / "good.xlsx", HEADERS, ROWS).read_bytes()
    at = len(good) // 4
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(good[:at] + b"\x00" + good[at + 1:])
    error = _rejected(session, path)
    assert "已损坏" in error.file_problem or "不是有效的 Excel" in error.file_problem


def test_damaged_central_directory_is_a_clear_error(session, tmp_path):
    """Regression (found by the deep hostile run): a workbook whose zip central directory is damaged
    passed ``zipfile.is_zipfile`` and raised BadZipFile out of the importer."""
    good = f.write_xlsx(tmp_path / "good.xlsx", HEADERS, ROWS).read_bytes()
    at = good.index(b"PK\x01\x02")  # the first central-directory entry
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(good[:at] + b"\x00" + good[at + 1:])
    assert "已损坏" in _rejected(session, path).file_problem


@pytest.mark.parametrize(("kind", "header", "value"), [
    ("projects", "年度", "INFINITY"),  # int(float("inf")) raised OverflowError out of the importer
    ("monthly", "注册志愿者比例（%）", "nan"),  # float("nan") passed every range check and was stored
    ("visits", "整天数", "NaN"),
    ("monthly", "人均服务时长（小时）", "inf"),
])
def test_non_finite_numbers_are_row_errors(session, tmp_path, kind, header, value):
    """Regression (found by the deep hostile run): "inf" and "nan" parse as floats."""
    spec = KINDS[kind]
    headers = [c.header for c in spec.columns]
    row = spec.example_row()
    row[headers.index(header)] = value
    path = f.write_csv(tmp_path / f"{kind}.csv", headers, [row, spec.example_row()])
    with pytest.raises(ImportRejected) as info:
        run_import(session, spec, path)
    session.rollback()
    assert any(e.column == header and e.value == value for e in info.value.errors), info.value.errors


def test_utf8_mark_on_bytes_that_are_not_utf8_is_a_clear_error(session, tmp_path):
    """Regression (found by the deep hostile run): a BOM followed by GBK bytes raised UnicodeDecodeError."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ",".join(HEADERS).encode("gb18030") + b"\n")
    assert "编码无法识别" in _rejected(session, path).file_problem


def test_zip_needing_a_newer_zip_version_is_a_clear_error(session, tmp_path):
    """Regression (found by the deep hostile run): a central-directory entry asking for a newer zip
    version made zipfile raise NotImplementedError ("zip file version") out of the importer."""
    good = f.write_xlsx(tmp_path / "good.xlsx", HEADERS, ROWS).read_bytes()
    at = good.index(b"PK\x01\x02") + 6  # the first entry's "version needed to extract"
    path = tmp_path / "newer.xlsx"
    path.write_bytes(good[:at] + b"\xff\x00" + good[at + 2:])
    assert "已损坏" in _rejected(session, path).file_problem
