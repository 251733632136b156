"""The shared core of every import: column specs, cell parsers, whole-file validation, audited upserts.

An import is all or nothing: every row is parsed and checked first, and if any row is bad nothing is
written and every bad row is reported (row, column, value, reason — in Chinese). Rows are matched to
stored records by a natural key, so importing the same file twice changes nothing; every create and
change goes through the audit trail with the file name and row number.
"""

from __future__ import annotations

import getpass
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, select

from models import audit, clock
from models.importing.reader import FileProblem, Table, cell_text, halfwidth, header_key, read_table
from models.reference import close_matches
from models.tables import BRANCH_KIND_LABELS, Cadre, Campaign, City, County, Department


class Invalid(ValueError):
    """A cell's value is wrong; the message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        col = f"“{self.column}”列" if self.column else ""
        val = f"（值：{self.value}）" if self.value else ""
        return f"{where}{col}{val}：{self.reason}"


class ImportRejected(Exception):
    """Nothing was written; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError], file_problem: str = ""):
        self.errors = errors
        self.file_problem = file_problem
        super().__init__(file_problem or f"{len(errors)} 处错误，未写入任何数据")


@dataclass
class ImportResult:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_example: bool = False
    warnings: list[str] = field(default_factory=list)  # accepted, but a rule is breached

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "skipped_example": self.skipped_example,
                "warnings": self.warnings}


# --- lookups shared by the parsers ------------------------------------------------------------------


class Context:
    """Reference data loaded once per import, so validating thousands of rows stays quick."""

    def __init__(self, session: Session):
        self.session = session
        self.departments = list(session.exec(select(Department).order_by(Department.seq)))
        self.cities = list(session.exec(select(City).order_by(City.code)))
        self.counties = list(session.exec(select(County).order_by(County.code)))
        self.campaigns = {c.year: c for c in session.exec(select(Campaign))}
        self._cadres: dict[tuple[int, str], Cadre | None] = {}
        self.source = ""  # audit source of the row being written
        self.row_number = 0  # the file row being checked
        self.earlier: list[tuple[int, dict[str, Any]]] = []  # rows of this file already checked and kept
        self.now = clock.now()  # the system's time: every receipt written by this import is stamped with it
        self.backfill = ""  # 补录: the reason, when the file brings history from before the product was used

    @property
    def today(self) -> date:
        return clock.local(self.now).date()

    # names → rows
    def department(self, name: str) -> Department:
        for d in self.departments:
            if name in (d.name, d.short_name):
                return d
        raise Invalid(_unknown("部门", name, [d.name for d in self.departments]))

    def city(self, name: str) -> City:
        short = name[:-1] if len(name) > 2 and name.endswith("市") else name
        for c in self.cities:
            if name in (c.name, c.full_name, c.code) or short == c.name:
                return c
        raise Invalid(_unknown("地市", name, [c.full_name for c in self.cities]))

    def county(self, name: str, city: City | None) -> County:
        pool = [c for c in self.counties if city is None or c.city_id == city.id]
        matches = [c for c in pool if name in (c.name, c.code)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise Invalid("有多个同名的县（市、区），请填写所属地市")
        where = f"{city.full_name}的" if city else ""
        raise Invalid(_unknown(f"{where}县（市、区）/镇街", name, [c.name for c in pool]))

    def cadre(self, department: Department, name: str) -> Cadre | None:
        key = (department.id, name)
        if key not in self._cadres:
            self._cadres[key] = self.session.exec(
                select(Cadre).where(Cadre.department_id == department.id, Cadre.name == name)).first()
        return self._cadres[key]

    def remember_cadre(self, cadre: Cadre) -> None:
        self._cadres[(cadre.department_id, cadre.name)] = cadre

    def known_cadre(self, department: Department, name: str) -> Cadre:
        """A cadre of the department's roster; an unknown name is refused with the close ones."""
        found = self.cadre(department, name)
        if found is not None:
            return found
        roster = list(self.session.exec(select(Cadre.name).where(Cadre.department_id == department.id)).all())
        raise Invalid(_unknown(f"{department.name}的专职干部", name, roster)
                      + "（干部名册请先用 zhudian import cadres 导入）")

    # the campaign
    def campaign_text(self) -> str:
        return "、".join(f"{c.year}年{c.start_month}月至{c.end_month}月" for c in
                        sorted(self.campaigns.values(), key=lambda c: c.year)) or "（未设置驻点年度）"

    def in_campaign(self, day: date) -> date:
        c = self.campaigns.get(day.year)
        if c is None or not c.start_month <= day.month <= c.end_month:
            raise Invalid(f"日期不在驻点工作期间（{self.campaign_text()}）内")
        return day

    def year_for(self, month: int, *, within: bool = True) -> int:
        """The campaign year a date written without one (5月13日) means: the one campaign whose months
        hold ``month`` (any month when not ``within``); with several, the user must write the year."""
        if not 1 <= month <= 12:
            raise Invalid("月份不存在")
        years = sorted(y for y, c in self.campaigns.items() if not within or c.start_month <= month <= c.end_month)
        if len(years) == 1:
            return years[0]
        if not years:
            raise Invalid(f"日期不在驻点工作期间（{self.campaign_text()}）内")
        raise Invalid(f"有多个驻点年度（{'、'.join(map(str, years))}），请写明年份，如 {years[-1]}-{month:02d}-01")

    def campaign_year(self, year: int) -> int:
        if year not in self.campaigns:
            raise Invalid(f"不是驻点工作年度（{self.campaign_text()}）")
        return year


def _unknown(what: str, name: str, candidates: list[str]) -> str:
    hint = close_matches(name, candidates, n=3)
    return f"未找到{what}“{name}”" + (f"，您是不是要找：{'、'.join(hint)}" if hint else "")


# --- cell parsers: (context, text, row parsed so far) -> value -------------------------------------

Parser = Callable[[Context, str, dict[str, Any]], Any]

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
YES = {"是", "有", "y", "yes", "true", "1", "√", "会"}
NO = {"否", "无", "n", "no", "false", "0", "×", "不会"}


def text(max_len: int) -> Parser:
    def parse(_ctx: Context, value: str, _row: dict) -> str:
        if len(value) > max_len:
            raise Invalid(f"内容过长（最多 {max_len} 个字）")
        return value
    return parse


def integer(minimum: int = 0, maximum: int = 10_000_000) -> Parser:
    def parse(_ctx: Context, value: str, _row: dict) -> int:
        try:
            number = float(halfwidth(value).replace(",", ""))
        except ValueError:
            raise Invalid("不是数字") from None
        if not number.is_integer():
            raise Invalid("应为整数")
        if number < minimum:
            raise Invalid("不能为负数" if number < 0 else f"不能小于 {minimum}")
        if number > maximum:
            raise Invalid(f"数值不合理（不能大于 {maximum}）")
        return int(number)
    return parse


def number(minimum: float = 0, maximum: float = 1e7, percent: bool = False) -> Parser:
    def parse(_ctx: Context, value: str, _row: dict) -> float:
        raw = halfwidth(value).replace(",", "").strip()
        is_pct = raw.endswith("%") or raw.endswith("％")
        try:
            result = float(raw.rstrip("%％"))
        except ValueError:
            raise Invalid("不是数字") from None
        if not math.isfinite(result):  # "nan", "inf": float() accepts them, no figure is one
            raise Invalid("不是数字")
        if percent and not is_pct and 0 < result <= 1 and "." in raw:
            result *= 100  # Excel percentage cells arrive as fractions (0.93 → 93 %)
        if result < minimum:
            raise Invalid("不能为负数" if result < 0 else f"不能小于 {minimum:g}")
        if result > maximum:
            raise Invalid("比例不能超过 100%" if percent else f"数值不合理（不能大于 {maximum:g}）")
        return round(result, 2)
    return parse


_SERIAL_RE = re.compile(r"^\d{5}(\.\d+)?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH_ONLY_RE = re.compile(r"^(\d{1,2})\s*月份?$")
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (and LibreOffice's) date serials
SERIALS = (20_000, 80_000)  # the serials a date column can mean: 1954 to 2119


def _serial(text: str) -> date | None:
    """An Excel date serial stored as a number (a date cell formatted as 常规, or pasted as values)."""
    if _SERIAL_RE.match(text) and SERIALS[0] <= float(text) < SERIALS[1]:
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    return None


def parse_date(value: Any, year_for: Callable[[int], int] | None = None) -> date:
    """A date as clerks write it: 2019-05-06, 2019/5/6, 2019年5月6日, 20190506, an Excel date serial
    (43591), full-width digits (２０１９－０５－０６), or 5月6日 when ``year_for`` knows the year."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = halfwidth(str(value)).strip()
    if (serial := _serial(text)) is not None:
        return serial
    if m := _COMPACT_RE.match(text) or _DATE_RE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _MONTH_DAY_RE.match(text)) and year_for is not None:
        month, day = int(m[1]), int(m[2])
        year = year_for(month)
    else:
        raise Invalid("日期格式不正确（应为 2019-05-06，或驻点年度内的 5月6日）")
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("日期不存在") from None


def campaign_date(ctx: Context, value: str, _row: dict) -> date:
    return ctx.in_campaign(parse_date(value, ctx.year_for))


def any_date(ctx: Context, value: str, _row: dict) -> date:
    return parse_date(value, lambda month: ctx.year_for(month, within=False))


def year_date(ctx: Context, value: str, _row: dict) -> date:
    """A date on any day of a campaign year (lectures: the seed's 每年)."""
    day = parse_date(value)
    if day.year not in ctx.campaigns:
        raise Invalid(f"日期不在驻点工作年度（{'、'.join(f'{y}年' for y in sorted(ctx.campaigns))}）内")
    return day


DATE_PARSERS: tuple = ()  # filled below: parsers that take an XLSX date cell as it is


def campaign_month(ctx: Context, value: str, _row: dict) -> tuple[int, int]:
    text = halfwidth(value).strip()
    if (serial := _serial(text)) is not None:
        year, month = serial.year, serial.month
    elif m := _MONTH_RE.match(text) or _DATE_RE.match(text):
        year, month = int(m[1]), int(m[2])
    elif m := _MONTH_ONLY_RE.match(text):
        month = int(m[1])
        year = ctx.year_for(month) if 1 <= month <= 12 else 0
    else:
        raise Invalid("月份格式不正确（应为 2019-05，或驻点年度内的 5月）")
    if not 1 <= month <= 12:
        raise Invalid("月份不存在")
    ctx.in_campaign(date(year, month, 1))
    return year, month


DATE_PARSERS = (campaign_date, any_date, year_date)


def campaign_year(ctx: Context, value: str, _row: dict) -> int:
    try:
        year = int(float(halfwidth(value).strip().rstrip("年")))
    except (ValueError, OverflowError):  # OverflowError: "inf" parses as a float
        raise Invalid("年度应为四位数字，如 2019") from None
    return ctx.campaign_year(year)


def yes_no(_ctx: Context, value: str, _row: dict) -> bool:
    v = halfwidth(value).strip().lower()
    if v in YES:
        return True
    if v in NO:
        return False
    raise Invalid("应填“是”或“否”")


def department(ctx: Context, value: str, _row: dict) -> Department:
    return ctx.department(value)


def city(ctx: Context, value: str, _row: dict) -> City:
    return ctx.city(value)


def county(ctx: Context, value: str, row: dict) -> County:
    return ctx.county(value, row.get("city"))


def branch_kind(_ctx: Context, value: str, _row: dict) -> str:
    for key, label in BRANCH_KIND_LABELS.items():
        if value in (label, str(key)):
            return str(key)
    raise Invalid(f"团支部类型应为：{'、'.join(BRANCH_KIND_LABELS.values())}")


def names(_ctx: Context, value: str, _row: dict) -> list[str]:
    parts = [p.strip() for p in re.split(r"[、,，;；/\s]+", value) if p.strip()]
    if len(set(parts)) != len(parts):
        raise Invalid("姓名重复")
    for p in parts:
        if len(p) > 40:
            raise Invalid(f"姓名“{p[:10]}…”过长")
    return parts


def cadres_of(department_key: str) -> Parser:
    """Cadres' names (顿号-separated) of the department parsed into ``department_key``: each must be
    on the roster (:mod:`models.importing.cadres`), never created by a typo."""
    def parse(ctx: Context, value: str, row: dict) -> list[Cadre]:
        department = row.get(department_key)
        found = names(ctx, value, row)
        if department is None:
            raise Invalid("请先填写该干部所在的部门")
        return [ctx.known_cadre(department, name) for name in found]
    return parse


def cadre_of(department_key: str) -> Parser:
    """One cadre of the department parsed into ``department_key``, from the roster."""
    def parse(ctx: Context, value: str, row: dict) -> Cadre:
        found = cadres_of(department_key)(ctx, value, row)
        if len(found) != 1:
            raise Invalid("只能填写一名干部")
        return found[0]
    return parse


# --- the spec of one kind ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Parser
    required: bool = True
    example: str = ""
    choices: str = ""  # drop-down list in the template: departments, cities, counties, yesno, branch_kinds
    note: str = ""


@dataclass
class Kind:
    name: str
    label: str
    columns: list[Column]
    natural_key: Callable[[dict[str, Any]], tuple]
    apply: Callable[[Context, dict[str, Any]], str]  # returns "created" / "updated" / "unchanged"
    check: Callable[[Context, dict[str, Any]], list[tuple[str, str]]] = lambda _c, _r: []
    duplicate_columns: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    def example_row(self) -> list[str]:
        return [c.example for c in self.columns]


def _header_errors(kind: Kind, table: Table) -> list[RowError]:
    """Merged header cells, and columns with data but no header: either would shift or drop a column
    silently (a header merged over 开始日期 and 结束日期 leaves 结束日期 without its column)."""
    from openpyxl.utils import get_column_letter

    errors = [RowError(table.header_row, text, ref, "表头是合并单元格：请取消合并，每列各写一个表头")
              for ref, text in table.merged_headers]
    for i, header in enumerate(table.headers):
        if not header and any(i < len(cells) and cell_text(cells[i]) for _n, cells in table.rows):
            errors.append(RowError(table.header_row, f"第{get_column_letter(i + 1)}列", "",
                                   "有数据但没有表头（可能合并了表头单元格）：请填写表头，或删除这一列"))
    return errors


def _parse_rows(ctx: Context, kind: Kind, table: Table) -> tuple[list[tuple[int, dict]], list[RowError], bool]:
    errors = _header_errors(kind, table)
    by_header = {header_key(c.header): c for c in kind.columns}
    positions: dict[str, int] = {}
    h = table.header_row
    for i, header in enumerate(table.headers):
        if not header:
            continue
        col = by_header.get(header_key(header))
        if col is None:
            hint = close_matches(header, [c.header for c in kind.columns], n=2)
            errors.append(RowError(h, header, "", "不是本模板的列" + (f"，您是不是要找：{'、'.join(hint)}" if hint else "")))
        elif col.header in positions:
            errors.append(RowError(h, header, "", "表头重复"))
        else:
            positions[col.header] = i
    for col in kind.columns:
        if col.header not in positions and col.required:
            errors.append(RowError(h, col.header, "", "缺少此列（请使用 zhudian template 生成的模板）"))
    if errors and table.title and table.header_row == 1:
        errors.append(RowError(1, "", table.title, "第1行像是标题，不是表头：请删除标题行，让表头位于第一行"))
    if errors:
        return [], errors, False

    example = [c.example for c in kind.columns]
    parsed: list[tuple[int, dict]] = []
    skipped_example = False
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        texts = {c.header: cell_text(cells[positions[c.header]]) if c.header in positions and
                 positions[c.header] < len(cells) else "" for c in kind.columns}
        raw = {c.header: cells[positions[c.header]] if c.header in positions and positions[c.header] < len(cells)
               else None for c in kind.columns}
        if number == table.header_row + 1 and [texts[c.header] for c in kind.columns] == example:
            skipped_example = True  # the template's example row (row 2), left in place
            continue
        row: dict[str, Any] = {}
        row_ok = True
        for col in kind.columns:
            value = texts[col.header]
            if not value:
                if col.required:
                    errors.append(RowError(number, col.header, "", "必填项为空"))
                    row_ok = False
                row[col.key] = None
                continue
            try:
                # Dates keep their native type from XLSX; everything else is parsed from its text.
                source = raw[col.header] if isinstance(raw[col.header], date) and col.parse in DATE_PARSERS \
                    else value
                row[col.key] = col.parse(ctx, source, row)
            except Invalid as exc:
                errors.append(RowError(number, col.header, value, str(exc)))
                row_ok = False
                row[col.key] = None
        if not row_ok:
            continue
        ctx.row_number = number
        for column, reason in kind.check(ctx, row):
            errors.append(RowError(number, column, texts.get(column, ""), reason))
            row_ok = False
        if not row_ok:
            continue
        key = kind.natural_key(row)
        if key in seen:
            cols = "、".join(kind.duplicate_columns) if kind.duplicate_columns else ""
            errors.append(RowError(number, "", "", f"与第{seen[key]}行重复" + (f"（{cols}相同）" if cols else "")))
            continue
        seen[key] = number
        parsed.append((number, row))
        ctx.earlier.append((number, row))
    return parsed, errors, skipped_example


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def validate(session: Session, kind: Kind, path: str | Path, *, now: datetime | None = None,
             backfill: str = "") -> tuple[Context, list[tuple[int, dict]], bool]:
    """Read and check the whole file; raises :class:`ImportRejected` listing every problem."""
    try:
        table = read_table(path, headers=[c.header for c in kind.columns])
    except FileProblem as exc:
        raise ImportRejected([], str(exc)) from exc
    ctx = Context(session)
    ctx.now = now or ctx.now
    ctx.backfill = backfill.strip()[:200]
    rows, errors, skipped = _parse_rows(ctx, kind, table)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([], f"文件“{Path(path).name}”没有数据行")
    return ctx, rows, skipped


def run_import(session: Session, kind: Kind, path: str | Path, *, actor: str | None = None,
               now: datetime | None = None, backfill: str = "") -> ImportResult:
    """Validate the whole file, then write it with an audit entry per change. The caller commits.

    ``now`` is the system's time (default: the clock) every receipt is stamped with; ``backfill`` the
    reason when the file brings history from before the product was in use (补录)."""
    path = Path(path)
    ctx, rows, skipped = validate(session, kind, path, now=now, backfill=backfill)
    result = ImportResult(kind.name, path.name, rows=len(rows), skipped_example=skipped)
    with audit.tracking(session, f"import:{path.name}", actor if actor is not None else default_actor()):
        for number, row in rows:
            result.warnings.extend(f"第{number}行 {w}" for w in row.get("warnings", []))
            ctx.source = f"import:{path.name}:第{number}行"
            outcome = kind.apply(ctx, row)
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


# --- writing: find by natural key, create or change, every write tagged with its row ---------------


def upsert(ctx: Context, model: type[SQLModel], key: dict[str, Any], values: dict[str, Any],
           keep_blank: bool = True) -> tuple[Any, str]:
    """Find the row by ``key``; create it, or change what differs. ``None`` values never erase
    a stored value when ``keep_blank`` (a blank cell means "not given", not "delete")."""
    session = ctx.session
    query = select(model)
    for column, value in key.items():
        query = query.where(getattr(model, column) == value)
    obj = session.exec(query).first()
    if keep_blank:
        values = {k: v for k, v in values.items() if v is not None}
    if obj is None:
        obj = model(**key, **values)
        audit.tag(obj, ctx.source)
        session.add(obj)
        session.flush()
        return obj, "created"
    changed = False
    for column, value in values.items():
        if getattr(obj, column) != value:
            setattr(obj, column, value)
            changed = True
    if changed:
        audit.tag(obj, ctx.source)
        session.flush()
        return obj, "updated"
    return obj, "unchanged"
