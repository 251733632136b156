"""Reading a spreadsheet a department sends: XLSX, or CSV in UTF-8 (with or without BOM) or GB18030.

Everything that is not a readable table — a Word file, an old .xls, a password-protected workbook,
a truncated download — becomes :class:`FileProblem` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.text import clean_text

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Bounds on what one import may make us hold (measured in tests/models/test_import_limits.py, in a
# child process: a file at every limit at once stays under about 600 MB).
MAX_ROWS = 200_000  # rows with data; a province's branches are well under it
MAX_FILE_BYTES = 64 * 1024 * 1024  # the file as sent, checked before a byte is read
# The uncompressed size of a workbook's parts, checked on the zip's directory before any is opened
# (zipfile never inflates a part past the size its directory states). Sheets are streamed row by row;
# shared strings and the other parts are held whole by the reader, so they are kept small.
MAX_SHEET_PART = 512 * 1024 * 1024
MAX_STRINGS_PART = 64 * 1024 * 1024
MAX_OTHER_PART = 16 * 1024 * 1024


class FileProblem(Exception):
    """The file cannot be read as a table; the message is for the user (Chinese)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    sheet: str = ""
    header_row: int = 1  # the row the headers were found in (title rows above it are skipped)
    title: str = ""  # the text of a title row above the headers, or of row 1 when no headers were found
    merged_headers: list[tuple[str, str]] = field(default_factory=list)  # (range such as "E1:F1", its text)


HEADER_SEARCH_ROWS = 10  # a title (and a blank line or a note) above the headers, never more
MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (２０１９－０７－０８, typed with a Chinese input method)
    as their ASCII forms; Chinese text is left as it is."""
    return text.translate(FULL_WIDTH)


def header_key(text: str) -> str:
    """A header as compared: full-width and half-width forms alike (（%）, (%) and (％) are one header)."""
    return unicodedata.normalize("NFKC", _clean_header(text))


def _clean_header(value: Any) -> str:
    # Headers may carry the template's markers ("*" for required), stray spaces or line breaks, and
    # invisible characters (a BOM the decoder left, a zero-width space): the one cleaner drops those.
    return "".join(clean_text(value).split()).rstrip("*").lstrip("*")


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _texts(cells: list[Any]) -> list[str]:
    return [t for t in (cell_text(c) for c in cells) if t]


def _sheet_part(zf: zipfile.ZipFile, title: str) -> str | None:
    """The path inside the workbook of the sheet named ``title``."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{REL_NS}id") for s in book.iter(f"{MAIN_NS}sheet") if s.get("name") == title), None)
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{PKG_REL_NS}Relationship") if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _merged_ranges(data: Path, title: str) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of every merged range on the sheet.

    Read-only openpyxl does not read merges, so the sheet's XML is scanned for them in pieces
    (they come after the rows; the sheet is never held in memory whole)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        with zipfile.ZipFile(data) as zf:
            part = _sheet_part(zf, title)
            if part is None or part not in zf.namelist():
                return []
            found, tail = [], b""
            with zf.open(part) as xml:
                while chunk := xml.read(1 << 20):
                    block = tail + chunk
                    found += [range_boundaries(f"{a.decode()}:{b.decode()}") for a, b in MERGE_RE.findall(block)]
                    cut = block.rfind(b"<")  # a tag cut by the chunk's end is read again with the next one
                    tail = block[cut:] if cut >= 0 and b">" not in block[cut:] else b""
            return list(dict.fromkeys(found))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, ValueError):
        return []  # the rows were readable; a part we only read for merges is not worth refusing the file


def _part_limit(part: str) -> int:
    if part.startswith("xl/worksheets/") and part.endswith(".xml"):
        return MAX_SHEET_PART
    return MAX_STRINGS_PART if part == "xl/sharedStrings.xml" else MAX_OTHER_PART


def _check_parts(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook a part of which would inflate past its limit (a zip bomb), before reading any."""
    for info in zf.infolist():
        limit = _part_limit(info.filename)
        if info.file_size > limit:
            raise FileProblem(f"文件“{name}”中的“{info.filename}”解压后有 {info.file_size / 1024 / 1024:,.0f} MB，"
                              f"超过上限 {limit // 1024 // 1024} MB：这不像部门填报的表格，请用 Excel 或 WPS 另存为 .xlsx 后再导入")


def _read_xlsx(data: Path, name: str, sheet: str | None) -> tuple[list[tuple[int, list[Any]]], str, list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(data, read_only=True, data_only=True)
    except zipfile.BadZipFile as exc:
        raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入") from exc
    except Exception as exc:  # noqa: BLE001 (a damaged workbook fails deep inside openpyxl in many ways)
        raise FileProblem(f"文件“{name}”不是有效的 Excel 工作簿（{type(exc).__name__}），请用 Excel 或 WPS 另存为 .xlsx") from exc
    try:
        if sheet and sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            ws = visible[0] if visible else wb.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            if _blank(cells := list(cells)):
                continue  # blank rows (a sheet formatted to its last row has a million) are not kept
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"文件“{name}”超过 {MAX_ROWS} 行，请分批导入")
        if not rows:
            raise FileProblem(f"文件“{name}”的工作表“{ws.title}”是空的")
        return rows, ws.title, _merged_ranges(data, ws.title)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001 (zlib.error, XML syntax errors, ... of a damaged part)
        raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入") from exc
    finally:
        wb.close()


BAD_ENCODING = "文件“{}”的文字编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV"


def _encoding(path: Path, name: str) -> str:
    """The CSV's encoding, by decoding it once in pieces (never held whole): UTF-8 (with or without
    BOM), else GB18030, in which Chinese Excel and WPS save "CSV" (GBK is a subset of it)."""
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    if "\x00" in decoder.decode(chunk):
                        raise FileProblem(f"文件“{name}”不是文本格式的 CSV 文件")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    raise FileProblem(BAD_ENCODING.format(name))


def _read_csv(path: Path, name: str) -> list[tuple[int, list[Any]]]:
    encoding = _encoding(path, name)
    rows: list[tuple[int, list[Any]]] = []
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        if sample.startswith("\ufeff"):  # GB18030's BOM (84 31 95 33) decodes to U+FEFF
            f.read(1)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(f, dialect)
        try:
            for cells in reader:  # streamed: only the rows with data are kept
                if _blank(cells):
                    continue
                rows.append((reader.line_num, list(cells)))
                if len(rows) > MAX_ROWS:
                    raise FileProblem(f"文件“{name}”超过 {MAX_ROWS} 行，请分批导入")
        except csv.Error as exc:
            raise FileProblem(f"文件“{name}”不是有效的 CSV 文件：{exc}") from exc
    if not rows:
        raise FileProblem(f"文件“{name}”是空的")
    return rows


def _header_index(rows: list[tuple[int, list[Any]]], expected: set[str]) -> int:
    """Which of the first rows holds the headers: the first with the most known headers (at least two,
    or the only one a kind has); the first row when none does."""
    need = min(2, len(expected)) or 1
    best, best_score = 0, 0
    for i, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = sum(header_key(c) in expected for c in cells if c is not None)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= need else 0


def _fill_merges(rows: list[tuple[int, list[Any]]], merges: list, header_row: int) -> list[tuple[str, str]]:
    """A merged cell below the headers means its value for every cell it covers (as it looks on screen;
    rows left blank are not filled); merges that touch the header row are returned, to be refused."""
    from openpyxl.utils import get_column_letter

    by_number = {number: cells for number, cells in rows}
    merged_headers = []
    for min_col, min_row, max_col, max_row in merges:
        if max_row < header_row:
            continue  # a title above the headers
        top = by_number.get(min_row, [])
        value = top[min_col - 1] if min_col - 1 < len(top) else None
        if min_row <= header_row:
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            merged_headers.append((ref, cell_text(value)))
            continue
        for number in range(min_row, max_row + 1):
            cells = by_number.get(number)
            if cells is None:
                continue
            cells.extend([None] * (max_col - len(cells)))
            for col in range(min_col - 1, max_col):
                cells[col] = value
    return merged_headers


def _table(rows: list[tuple[int, list[Any]]], expected: set[str], sheet: str = "", merges: list = ()) -> Table:
    index = _header_index(rows, expected)
    number, header_cells = rows[index]
    above = [t for _n, cells in rows[:index] for t in _texts(cells)]
    title = "".join(above[:1])
    if index == 0 and len(_texts(header_cells)) == 1 and len(expected) > 1:
        title = _texts(header_cells)[0]  # one text across row 1 and no headers anywhere: a title row
    merged = _fill_merges(rows, list(merges), number)
    data = rows[index + 1:]
    return Table([_clean_header(h) for h in header_cells], data, sheet, number, title, merged)


def read_table(path: str | Path, sheet: str | None = None, headers: Sequence[str] = ()) -> Table:
    """The first visible sheet (or ``sheet``) of an XLSX, or a CSV file, as headers and rows.

    ``headers`` are the ones the caller knows: the header row is the first of the top rows that holds
    them (a title row above it is skipped)."""
    expected = {header_key(h) for h in headers}
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError
        if size > MAX_FILE_BYTES:
            raise FileProblem(f"文件“{name}”有 {size / 1024 / 1024:,.1f} MB，超过导入上限 "
                              f"{MAX_FILE_BYTES // 1024 // 1024} MB：请分批导入，未写入任何数据")
        with path.open("rb") as f:
            head = f.read(8)
            blank = not head.strip() and not f.read(1 << 20).strip()
    except FileNotFoundError as exc:
        raise FileProblem(f"找不到文件“{path}”") from exc
    except IsADirectoryError as exc:
        raise FileProblem(f"“{path}”是文件夹，不是文件") from exc
    except OSError as exc:
        raise FileProblem(f"无法读取文件“{path}”：{exc.strerror}") from exc
    if blank and size <= 1 << 20:
        raise FileProblem(f"文件“{name}”是空的")
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():  # at most MAX_FILE_BYTES
            raise FileProblem(f"文件“{name}”设置了打开密码，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再导入")
        raise FileProblem(f"文件“{name}”是旧版 .xls（或 Word）格式：请在 Excel/WPS 中另存为 .xlsx 或 CSV 再导入")
    if head.startswith(ZIP_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        if not head.startswith(ZIP_MAGIC):
            raise FileProblem(f"文件“{name}”扩展名是 .xlsx，但内容不是 Excel 工作簿")
        if not zipfile.is_zipfile(path):
            raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入")
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                _check_parts(zf, name)
        except FileProblem:
            raise
        except Exception as exc:  # noqa: BLE001 (BadZipFile, NotImplementedError for "multi-disk", ...)
            raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入") from exc
        if "xl/workbook.xml" not in names:
            raise FileProblem(f"文件“{name}”不是 Excel 工作簿（可能是 Word 或其他压缩文件）")
        rows, title, merges = _read_xlsx(path, name, sheet)
        return _table(rows, expected, title, merges)
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise FileProblem(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx 或 .csv 文件")
    if head[:5] in (b"%PDF-",) or head[:4] == b"\x89PNG":
        raise FileProblem(f"文件“{name}”不是表格文件")
    return _table(_read_csv(path, name), expected)


def cell_text(value: Any) -> str:
    """A cell as the user would read it: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(value, multiline=True)  # the one cleaner: no control or bidi character is imported
