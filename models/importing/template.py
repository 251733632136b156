"""XLSX templates for the imports: Chinese headers, an example row, drop-down lists.

The lists (departments, cities, county units, 是/否, branch kinds) live on a hidden sheet so the
drop-downs stay short formulas and a long county list still fits Excel's limits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlmodel import Session, select

from models.importing.core import Kind
from models.provenance import SOURCES
from models.tables import BRANCH_KIND_LABELS, City, County, Department

DATA_SHEET = "数据"
LISTS_SHEET = "选项"
HELP_SHEET = "填写说明"
MAX_ROWS = 2000


def _lists(session: Session) -> dict[str, list[str]]:
    counties = list(session.exec(select(County.name).order_by(County.code)).all())
    return {
        "departments": list(session.exec(select(Department.name).order_by(Department.seq)).all()),
        "cities": list(session.exec(select(City.name).order_by(City.code)).all()),
        "counties": list(dict.fromkeys(counties)),
        "yesno": ["是", "否"],
        "branch_kinds": list(BRANCH_KIND_LABELS.values()),
        "sources": list(SOURCES),
    }


LIST_TITLES = {"departments": "部门", "cities": "地市", "counties": "县（市、区）/镇街", "yesno": "是否",
               "branch_kinds": "团支部类型", "sources": "数据来源"}


def write_template(session: Session, kind: Kind, path: str | Path,
                   print_setup: Callable[..., None] | None = None) -> Path:
    """The template of ``kind``; ``print_setup(sheet, title, landscape=..., header_rows=...)`` (the
    writers' one print setup, in ``tui/exports/printing.py``) prepares its sheets for printing."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(kind.columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.header + ("*" if col.required else ""))
        cell.font = Font(bold=True, color="C00000" if col.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        example = ws.cell(row=2, column=i, value=col.example or None)
        example.font = Font(italic=True, color="808080")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(col.header) * 2 + 4)
    ws.freeze_panes = "A2"

    lists = _lists(session)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    refs: dict[str, str] = {}
    for j, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(j)
        lists_ws.cell(row=1, column=j, value=LIST_TITLES[key])
        for r, value in enumerate(values, start=2):
            lists_ws.cell(row=r, column=j, value=value)
        refs[key] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    lists_ws.sheet_state = "hidden"

    for i, col in enumerate(kind.columns, start=1):
        if not col.choices:
            continue
        dv = DataValidation(type="list", formula1=refs[col.choices], allow_blank=not col.required,
                            showErrorMessage=col.choices != "counties")
        dv.error = f"请从下拉列表中选择{col.header}"
        dv.errorTitle = "输入有误"
        dv.prompt = col.note or f"请从下拉列表中选择{col.header}"
        dv.promptTitle = col.header
        letter = get_column_letter(i)
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append([f"{kind.label}导入模板（zhudian import {kind.name} 文件名）"])
    help_ws.append(["第 2 行是示例，导入时原样保留的示例行会被跳过；标 * 的列必填；日期写作 2019-05-06（也可写 2019/5/6、2019年5月6日，或驻点年度内的 5月6日），月份写作 2019-05（或 5月）。"])
    help_ws.append(["任何一行有错误时整份文件都不会写入，并列出所有错误；同一文件重复导入不会产生重复记录。"])
    help_ws.append([])
    help_ws.append(["列", "必填", "示例", "说明"])
    for col in kind.columns:
        help_ws.append([col.header, "是" if col.required else "否", col.example, col.note])
    help_ws.column_dimensions["A"].width = 24
    help_ws.column_dimensions["D"].width = 60
    if print_setup is not None:
        print_setup(ws, f"{kind.label}导入模板", landscape=True, header_rows="1:1")
        print_setup(help_ws, f"{kind.label}导入模板：填写说明")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
