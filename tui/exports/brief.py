"""``zhudian report feedback``: the monthly brief of members' suggestions as a workbook that prints.

One sheet per city (and, for the whole province, a 全省 sheet first): the suggestions to act on first
(safety, urgent hardship), the main themes with counts, trend and typical quotes, and the lowest-rated
activities with their suggestions. A4 landscape, fit to the page width, title rows repeated on
every page. Every typed text passes the formula-safety rule (``models.safety``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.themes.brief import MIN_RATINGS, Brief, Section
from tui.components import theme_cells as cells
from tui.exports.safety import neutralise
from tui.exports.style import BOLD, BORDER, CENTER, HEADER_FILL, WRAP, sheet_name
from tui.textwidth import width as text_width

WIDTHS = (12, 24, 14, 8, 8, 12, 60)
SECTION_FONT = Font(bold=True, size=12)
NOTE = ("注：一条意见可同时属于多个主题，占比以本期已分析的意见为基数；代表性意见取与其他意见用词最接近的"
        "（最典型的），不取最长的；主题按关键词表归类（models/data/text/themes.csv）。")


class _Sheet:
    """Writes rows down one worksheet, keeping the next free row."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def line(self, text: str, font: Font | None = None, height: float | None = None) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=neutralise(text))
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if font is not None:
            cell.font = font
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=len(WIDTHS))
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: dict[int, str] | None = None) -> None:
        for j, header in enumerate(headers, start=1):
            c = self.ws.cell(row=self.row, column=j, value=header)
            c.font, c.fill, c.border, c.alignment = BOLD, HEADER_FILL, BORDER, CENTER
        self.row += 1
        for values in rows:
            for j, value in enumerate(values, start=1):
                c = self.ws.cell(row=self.row, column=j, value=neutralise(value))
                c.border, c.alignment = BORDER, WRAP
                if formats and j in formats:
                    c.number_format = formats[j]
            self.ws.row_dimensions[self.row].height = _height(values)
            self.row += 1
        self.row += 1


def _height(values: Sequence[Any]) -> float:
    """Points for a row whose wrapped text fits: LibreOffice does not grow rows to wrapped text by itself.

    Capped at 400 points (Excel's limit is 409): a very long suggestion is cut on paper, not in the cell.
    """
    lines = 1
    for value, width in zip(values, WIDTHS, strict=False):
        if isinstance(value, str):
            per_line = max(int(width * 1.3) - 2, 1)  # a column of width w holds about 0.65·w Chinese characters
            lines = max(lines, sum(max(1, -(-text_width(part) // per_line)) for part in value.split("\n")))
    return min(15.0 * lines + 3, 400.0)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = "1:2"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = "A3"
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _quote(q: Any) -> str:
    return f"“{q.text}”（{q.county} {q.branch}，{q.score}分）"


def write_section(ws: Worksheet, sec: Section) -> None:
    s = sec.summary
    out = _Sheet(ws)
    out.line(f"{sec.scope} {sec.period.label} 团员青年意见建议简报", Font(bold=True, size=14), 28)
    counted = f"意见建议 {s.suggestions:,} 条" + (f"（{cells.progress_note(s)}）" if s.pending else "")
    out.line(f"{counted}；需优先关注：形式主义 {len(sec.formalism):,} 条，安全或紧急困难 {s.urgent.count:,} 条。", height=20)

    out.line("一、需优先关注的意见", SECTION_FONT)
    out.line(f"（一）反映形式主义（方案禁止的报表台账、层层陪同、接待宴请、走马观花等）{len(sec.formalism):,} 条", SECTION_FONT)
    if sec.formalism:
        out.table(["县区", "团支部", "活动", "评分", "日期", "驻点与干部", "意见建议"],
                  [[r.county, r.branch, r.activity, r.score, _local_day(r.created_at), _visit(sec.visits.get(r.id)),
                    r.suggestion] for r in sec.formalism])
    else:
        out.line("本期没有。")
        out.row += 1

    out.line(f"（二）涉及安全或紧急困难 {s.urgent.count:,} 条", SECTION_FONT)
    if sec.flagged:
        out.table(["县区", "团支部", "活动", "评分", "日期", "提及的词", "意见建议"],
                  [[r.county, r.branch, r.activity, r.score, _local_day(r.created_at), "、".join(r.urgent_words.split()),
                    r.suggestion] for r in sec.flagged])
    else:
        out.line("本期没有。")
        out.row += 1

    themes = [r for r in s.themes if r.count]
    out.line("二、主要意见主题", SECTION_FONT)
    if themes:
        out.table(["主题", "热词", "意见数", "占比", "均分", "较上月", "代表性意见"],
                  [[r.name, cells.keywords(r), r.count, r.share, r.mean, _change(r),
                    "\n".join(_quote(q) for q in r.quotes)] for r in themes],
                  {3: "#,##0", 4: "0.0%", 5: "0.00"})
    else:
        out.line("本期没有意见建议。")
        out.row += 1

    out.line(f"三、评分最低的活动（本期至少 {MIN_RATINGS} 条评价）", SECTION_FONT)
    if sec.lowest:
        out.table(["县区", "团支部", "活动", "评价数", "均分", "", "意见建议"],
                  [[a.county, a.branch, a.activity, a.count, a.mean, "", "\n".join(f"“{t}”" for t in a.suggestions)]
                   for a in sec.lowest], {5: "0.00"})
    else:
        out.line("本期没有达到评价条数的活动。")
    out.line(NOTE, Font(italic=True, size=9), 30)
    _print_setup(ws)


def _visit(link: Any) -> str:
    """The visit a complaint came through (its spot check's live code), or where it did not."""
    if link is None:
        return "非抽查现场评价"
    return f"{link.start_date:%m-%d} {link.department}驻点（{link.cadres or '—'}）"


def _change(row: Any) -> str:
    text = cells.change(row)
    return text if row.previous is None else f"{text}（上月 {row.previous:,}）"


def _local_day(value: Any) -> str:
    from models.clock import local

    return local(value).strftime("%m-%d")


def write_overview(ws: Worksheet, brief: Brief) -> None:
    """The province's sheet: its own section, then one line per city."""
    assert brief.province is not None
    write_section(ws, brief.province)
    out = _Sheet(ws)
    out.row = ws.max_row + 2
    out.line("四、各地市概况", SECTION_FONT)
    rows = []
    for sec in brief.cities:
        top = [r for r in sec.summary.themes if r.count][:3]
        rows.append([sec.scope, "、".join(f"{r.name} {r.count:,}" for r in top) or "—", sec.summary.suggestions,
                     sec.summary.urgent.count, "", "", sec.lowest[0].activity + f"（{sec.lowest[0].mean:.2f}分）"
                     if sec.lowest else "—"])
    out.table(["地市", "主要主题", "意见数", "需优先关注", "", "", "评分最低的活动"], rows, {3: "#,##0"})



def brief_workbook(brief: Brief) -> Workbook:
    wb = Workbook()
    used: set[str] = set()
    first = wb.active
    if brief.province is not None:
        first.title = sheet_name("全省", used)
        write_overview(first, brief)
        sheets = [wb.create_sheet(sheet_name(sec.scope, used)) for sec in brief.cities]
    else:
        first.title = sheet_name(brief.cities[0].scope, used)
        sheets = [first]
    for ws, sec in zip(sheets, brief.cities, strict=True):
        write_section(ws, sec)
    return wb


def write_brief(brief: Brief, out: Path) -> None:
    """The brief as ``.xlsx`` (``zhudian report feedback -o x.pdf`` converts it through ``tui.exports.pdf``)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    brief_workbook(brief).save(out)
