"""Where an imported figure came from: the columns a monthly-figures row names its source with, and
the on-site check (a cadre on a recorded visit) shared with the experiences import."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models.importing import core
from models.importing.core import Column, Context, Invalid
from models.provenance import ON_SITE, SOURCES, SYSTEMS
from models.tables import Visit, VisitCadre


def source(_ctx: Context, value: str, _row: dict) -> str:
    if value not in SOURCES:
        raise Invalid(f"数据来源应为：{'、'.join(SOURCES)}")
    return value


COLUMNS = [
    Column("数据来源", "source", source, required=False, example="智慧团建", choices="sources",
           note=f"{'、'.join(SYSTEMS)}的导出文件，或“{ON_SITE}”；留空的数据为“未核实”，不计入评价"),
    Column("来源文件", "source_file", core.text(200), required=False, example="梅江区2019年5月团员数据.xlsx",
           note="系统导出的文件名"),
    Column("导出日期", "source_date", core.any_date, required=False, example="2019-05-31"),
    Column("核实干部", "checked_by", core.cadre_of("department"), required=False, example="",
           note=f"数据来源为“{ON_SITE}”时：实地核实的干部"),
    Column("核实驻点日期", "checked_visit", core.campaign_date, required=False, example="",
           note=f"数据来源为“{ON_SITE}”时：该次驻点的开始日期"),
]


def find_check(ctx: Context, row: dict[str, Any], cadre_key: str, visit_key: str, cadre_col: str,
               visit_col: str) -> tuple[list[tuple[str, str]], Visit | None]:
    """The recorded visit (department + county unit + start date) on which the named cadre checked."""
    cadre, start = row[cadre_key], row[visit_key]
    if cadre is None and start is None:
        return [], None
    if cadre is None or start is None:
        return [(cadre_col if cadre is None else visit_col, f"实地核实须同时填写{cadre_col}和{visit_col}")], None
    visit = ctx.session.exec(select(Visit).where(
        Visit.department_id == row["department"].id, Visit.county_id == row["county"].id,
        Visit.start_date == start)).first()
    if visit is None:
        return [(visit_col, "未找到这次驻点的记录（部门、县区、开始日期；请先导入驻点记录）")], None
    took_part = ctx.session.exec(select(VisitCadre).where(VisitCadre.visit_id == visit.id,
                                                          VisitCadre.cadre_id == cadre.id)).first()
    if took_part is None:
        return [(cadre_col, f"{cadre.name}没有参加{start}的这次驻点，不能实地核实")], None
    return [], visit


def check(ctx: Context, row: dict[str, Any]) -> list[tuple[str, str]]:
    """A system export names its file and date; an on-site check names a cadre of a recorded visit."""
    kind = row["source"]
    if kind in SYSTEMS:
        missing = [label for key, label in (("source_file", "来源文件"), ("source_date", "导出日期")) if not row[key]]
        if missing:
            return [(missing[0], f"数据来源为“{kind}”时须填写{'和'.join(missing)}")]
        return []
    if kind == ON_SITE:
        problems, row["visit"] = find_check(ctx, row, "checked_by", "checked_visit", "核实干部", "核实驻点日期")
        if not problems and row["visit"] is None:
            problems = [("核实干部", f"数据来源为“{ON_SITE}”时须填写核实干部和核实驻点日期")]
        return problems
    if row["source_file"] or row["source_date"] or row["checked_by"] or row["checked_visit"]:
        return [("数据来源", "填写了来源文件或核实干部，请同时填写数据来源")]
    return []


def values(row: dict[str, Any]) -> dict[str, Any]:
    """The source columns to store (a blank cell keeps what is stored, as for every figure)."""
    visit = row.get("visit")
    return {"source": row["source"], "source_file": row["source_file"], "source_date": row["source_date"],
            "checked_by_id": row["checked_by"].id if row["checked_by"] else None,
            "checked_visit_id": visit.id if visit else None}
