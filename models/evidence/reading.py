"""Reading an export file into the few values its figures need: the layout from the header row, each
row's needed cells parsed, personal columns never read, title rows and a 合计 row left out.

Nothing here touches the database; :mod:`models.evidence.store` writes what this returns.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.evidence.layouts import SYSTEMS, Col, Layout, every_header, find_column, recognise
from models.importing.core import Invalid, RowError, parse_date
from models.importing.reader import FileProblem, cell_text, halfwidth, read_table

TOTAL_RE = re.compile(r"^(合\s*计|总\s*计|小\s*计)")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")


class ExportRejected(Exception):
    """The file cannot serve as evidence; nothing was written. ``errors`` lists every bad row."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        self.errors = errors or []
        self.message = message
        super().__init__(message)


@dataclass
class ExportFile:
    name: str
    sha256: str
    size: int
    layout: Layout
    header_row: int
    columns: list[str]  # the headers read (the needed ones only)
    rows_total: int
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, needed values)
    skipped: list[str] = field(default_factory=list)


def file_hash(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def day(value: Any) -> date:
    """A date or a date-time cell as the systems export them (2019-05-06 10:30:00, 2019/5/6, 43591)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:  # the systems' own form (2019-05-06 10:30:00): the common case of a 100,000-row export, quickly
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    text = _TIME_TAIL.sub("", halfwidth(cell_text(value)).strip())
    return parse_date(text)


def hours(value: Any) -> float:
    text = halfwidth(cell_text(value)).replace(",", "").removesuffix("小时").strip()
    try:
        number = float(text)
    except ValueError:
        raise Invalid("不是数字") from None
    if not 0 <= number <= 24 * 31:
        raise Invalid("服务时长不合理（应为 0 到 744 小时）")
    return number


def count(value: Any) -> int:
    text = halfwidth(cell_text(value)).replace(",", "").removesuffix("人").strip()
    try:
        number = float(text)
    except ValueError:
        raise Invalid("不是数字") from None
    if number < 0 or not number.is_integer():
        raise Invalid("应为非负整数")
    return int(number)


PARSERS = {"founded": day, "arrived": day, "held": day, "registered": day, "served": day, "hours": hours,
           "members": count, "attendance": count}


def _value(col: Col, cell: Any) -> Any:
    if col.presence:
        return bool(cell_text(cell))  # the name itself is never kept
    text = cell_text(cell)
    if not text:
        return None
    parse = PARSERS.get(col.key)
    return parse(cell) if parse else text[:100]


def read_export(path: str | Path, system: str) -> ExportFile:
    """The file's hash and size, its layout and the needed values of each data row."""
    path = Path(path)
    if system not in SYSTEMS:
        raise ExportRejected(f"系统应为：{'、'.join(SYSTEMS)}")
    try:
        sha, size = file_hash(path)
        table = read_table(path, headers=every_header())
    except FileNotFoundError:
        raise ExportRejected(f"找不到文件“{path}”") from None
    except IsADirectoryError:
        raise ExportRejected(f"“{path}”是文件夹，不是文件") from None
    except FileProblem as exc:
        raise ExportRejected(str(exc)) from exc
    headers = table.headers
    layout, near = recognise(headers)
    if layout is None:
        best, missing = near[0]
        shown = "、".join(h for h in headers if h)[:200]
        raise ExportRejected(
            f"无法识别文件“{path.name}”的导出格式（第{table.header_row}行表头：{shown}）。"
            f"最接近的是{best.name()}，缺少列：{'、'.join(missing)}。未导入任何数据；"
            "请从系统重新导出完整的表格（不要删改列），可识别的格式见 README“系统导出文件”一节")
    if layout.system != system:
        raise ExportRejected(f"文件“{path.name}”是{layout.name()}的导出格式，与 --system {system} 不符；未导入任何数据")
    positions = {c.key: find_column(headers, c) for c in layout.columns}
    positions = {k: v for k, v in positions.items() if v is not None}
    result = ExportFile(path.name, sha, size, layout, table.header_row,
                        [headers[positions[c.key]] for c in layout.columns if c.key in positions], len(table.rows))
    errors: list[RowError] = []
    for number, cells in table.rows:
        first = next((cell_text(c) for c in cells if cell_text(c)), "")
        if TOTAL_RE.match(first):
            result.skipped.append(f"第{number}行（{first[:10]}行）")
            continue
        record: dict[str, Any] = {}
        ok = True
        for col in layout.columns:
            if col.key not in positions:
                record[col.key] = None
                continue
            i = positions[col.key]
            cell = cells[i] if i < len(cells) else None
            try:
                record[col.key] = _value(col, cell)
            except Invalid as exc:
                errors.append(RowError(number, headers[i], cell_text(cell)[:40], str(exc)))
                ok = False
                continue
            if record[col.key] is None and col.required and not col.presence:
                errors.append(RowError(number, headers[i], "", "必填项为空"))
                ok = False
        if ok:
            result.records.append((number, record))
    if errors:
        raise ExportRejected(f"文件“{path.name}”有 {len(errors)} 处问题，未导入任何数据", errors)
    if not result.records:
        raise ExportRejected(f"文件“{path.name}”没有数据行")
    return result
