"""Reading a spreadsheet a department sends: XLSX, or CSV in UTF-8 (with or without BOM) or GB18030.

Everything that is not a readable table — a Word file, an old .xls, a password-protected workbook,
a truncated download — becomes :class:`FileProblem` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 200_000


class FileProblem(Exception):
    """The file cannot be read as a table; the message is for the user (Chinese)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the user sees it, cells)
    sheet: str = ""


def _clean_header(value: Any) -> str:
    text = "" if value is None else str(value)
    # Headers may carry the template's markers ("*" for required) and stray spaces or line breaks.
    return "".join(text.split()).rstrip("*").lstrip("*")


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
        rows_iter = ws.iter_rows(values_only=True)
        header_row = next(rows_iter, None)
        if header_row is None:
            raise FileProblem(f"文件“{name}”的工作表“{ws.title}”是空的")
        headers = [_clean_header(h) for h in header_row]
        rows: list[tuple[int, list[Any]]] = []
        for number, cells in enumerate(rows_iter, start=2):
            cells = list(cells)
            if _blank(cells):
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"文件“{name}”超过 {MAX_ROWS} 行，请分批导入")
        return Table(headers, rows, ws.title)
    except FileProblem:
        raise
    except Exception as exc:  # noqa: BLE001 (zlib.error, XML syntax errors, ... of a damaged part)
        raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入") from exc
    finally:
        wb.close()


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:  # a UTF-8 mark on bytes that are not UTF-8
            raise FileProblem(f"文件“{name}”的文字编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel and WPS save "CSV" in the system code page: GBK, a subset of GB18030.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"文件“{name}”的文字编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV") from exc


def _read_csv(data: bytes, name: str) -> Table:
    text = _decode(data, name)
    if "\x00" in text:
        raise FileProblem(f"文件“{name}”不是文本格式的 CSV 文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header_row = next(reader, None)
        if header_row is None:
            raise FileProblem(f"文件“{name}”是空的")
        rows = []
        for cells in reader:
            if _blank(cells):
                continue
            rows.append((reader.line_num, list(cells)))
            if len(rows) > MAX_ROWS:
                raise FileProblem(f"文件“{name}”超过 {MAX_ROWS} 行，请分批导入")
    except csv.Error as exc:
        raise FileProblem(f"文件“{name}”不是有效的 CSV 文件：{exc}") from exc
    return Table([_clean_header(h) for h in header_row], rows)


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """The first visible sheet (or ``sheet``) of an XLSX, or a CSV file, as headers and rows."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise FileProblem(f"找不到文件“{path}”") from exc
    except IsADirectoryError as exc:
        raise FileProblem(f"“{path}”是文件夹，不是文件") from exc
    except OSError as exc:
        raise FileProblem(f"无法读取文件“{path}”：{exc.strerror}") from exc
    if not data.strip():
        raise FileProblem(f"文件“{name}”是空的")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileProblem(f"文件“{name}”设置了打开密码，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再导入")
        raise FileProblem(f"文件“{name}”是旧版 .xls（或 Word）格式：请在 Excel/WPS 中另存为 .xlsx 或 CSV 再导入")
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        if not data.startswith(ZIP_MAGIC):
            raise FileProblem(f"文件“{name}”扩展名是 .xlsx，但内容不是 Excel 工作簿")
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except Exception as exc:  # noqa: BLE001 (BadZipFile, NotImplementedError for "multi-disk", ...)
            raise FileProblem(f"文件“{name}”已损坏或不完整（可能下载中断），请重新保存后再导入") from exc
        if "xl/workbook.xml" not in names:
            raise FileProblem(f"文件“{name}”不是 Excel 工作簿（可能是 Word 或其他压缩文件）")
        return _read_xlsx(data, name, sheet)
    if path.suffix.lower() not in (".csv", ".txt", ""):
        raise FileProblem(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx 或 .csv 文件")
    if data[:5] in (b"%PDF-",) or data[:4] == b"\x89PNG":
        raise FileProblem(f"文件“{name}”不是表格文件")
    return _read_csv(data, name)


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
    return str(value).strip()
