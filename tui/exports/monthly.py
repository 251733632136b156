"""附件2 in its official layout: one sheet per county unit, merged cells and borders like the paper form.

Every value comes from :mod:`models.monthly_form`; text typed by cadres or members goes through the
formula-safety helper. The form prints on one A4 page: every row is as tall as its text, and what
does not fit (opinions beyond the space left, a long experience, the photos) goes to the attached
sheets (可附页) of ``tui/exports/monthly_attachment.py``, printed right after their form.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from models.monthly_form import MAX_OPINIONS, NOT_RECORDED, MonthlyForm, more_opinions, opinion_line
from tui.exports.monthly_attachment import Overflow, write_attachments
from tui.exports.printing import page_size, print_setup
from tui.exports.safety import neutralise
from tui.exports.style import BORDER, CENTER, sheet_name
from tui.exports.textfit import MAX_ROW_PT, clip, height_for, line_count, max_lines, row_height

COLUMNS = 6
# Column widths that fill an A4 portrait page at (nearly) full size: 96 units ≈ the printable width.
WIDTHS = (12, 18, 18, 20, 14, 14)
LABEL_FONT = Font(bold=True)
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")
SEE_ATTACHMENT = "……（全文见附页）"
TITLE_PT = 36.0
SPARE_PT = 24.0  # kept free on the page for the office suites' rounding
# Lines a field may take on the form before the rest moves to the attached sheet.
NAMES_LINES, TEXT_LINES, NAME_LINES, VISITS_LINES, MIN_OPINION_LINES = 4, 6, 3, 3, 10


def _width(ref: str, merge: str | None) -> float:
    first = column_index_from_string(coordinate_from_string(ref)[0])
    last = column_index_from_string(coordinate_from_string(merge)[0]) if merge else first
    return sum(WIDTHS[first - 1:last])


class _Form:
    """Writes the cells and remembers, per row, the text each cell must show (for the row's height)."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.cells: dict[int, list[tuple[str, float]]] = defaultdict(list)
        self.overflow: list[Overflow] = []

    def put(self, ref: str, value, *, label: bool = False, merge: str | None = None,
            align: Alignment | None = None) -> None:
        cell = self.ws[ref]
        cell.value = neutralise(value)
        cell.alignment = align or (CENTER if label else TOP_LEFT)
        if label:
            cell.font = LABEL_FONT
        row = coordinate_from_string(ref)[1]
        if merge:
            self.ws.merge_cells(f"{ref}:{merge}")
            if coordinate_from_string(merge)[1] != row:
                return  # a label down several rows: those rows are sized by their own cells
        self.cells[row].append((str(value), _width(ref, merge)))

    def fit(self, ref: str, text: str, lines: int, label: str, *, merge: str | None = None,
            prefix: str = "", suffix: str = "") -> None:
        """A field of at most ``lines`` lines; the full text goes to the attached sheet when it is longer."""
        width = _width(ref, merge)
        room = lines - (line_count(suffix.lstrip("\n"), width) if suffix else 0)
        shown, clipped = clip(prefix + text, width, room, SEE_ATTACHMENT)
        if clipped:
            self.overflow.append(Overflow(label, text))
        self.put(ref, shown + suffix, merge=merge)

    def height(self, row: int) -> float:
        return row_height(self.cells.get(row, []))


def _opinions(form: MonthlyForm, width: float, lines: int) -> tuple[str, int]:
    """The opinions that fit in ``lines`` lines (at most MAX_OPINIONS), and how many that is."""
    rows = form.opinion_rows
    if not rows:
        return NOT_RECORDED, 0
    listed = [opinion_line(i, o) for i, o in enumerate(rows, 1)]
    for count in range(min(len(rows), MAX_OPINIONS), 0, -1):
        text = "\n".join(listed[:count]) + ("" if count == len(rows) else "\n" + more_opinions(len(rows) - count))
        if line_count(text, width) <= lines:
            return text, count
    return f"共 {len(rows)} 条，见附页", 0


def write_form(ws: Worksheet, form: MonthlyForm) -> tuple[int, list[Overflow]]:
    """The form on ``ws``; returns how many opinions it lists and the texts moved to the attached sheet."""
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[get_column_letter(i + 1)].width = w
    f = _Form(ws)
    f.put("A1", form.title, merge="F1", align=CENTER)
    ws["A1"].font = Font(bold=True, size=16)
    f.cells.pop(1)

    f.put("A2", f"（{form.month}）月份", label=True)
    f.put("B2", "对接部门", label=True)
    f.put("C2", form.departments)
    f.put("D2", "经办团干", label=True)
    f.fit("E2", form.cadres, NAMES_LINES, "经办团干", merge="F2")

    # 团支部书记履职
    f.put("A3", "团支部书记\n履职", label=True, merge="A6")
    f.put("B3", "该地区无团干\n团支部数量", label=True)
    f.put("C3", "本月实地抽查\n团支部数量及名称", label=True)
    f.put("D3", "抽查中未建立支部微信群或群内团员数不足3/4的支部数量及名称", label=True)
    f.put("E3", "抽查中团支部书记本人不会操作智慧团建系统的支部数量及名称", label=True, merge="F3")
    f.fit("B4", form.branches_without_cadre, NAMES_LINES, "该地区无团干团支部")
    f.fit("C4", form.checked, NAMES_LINES, "本月实地抽查团支部")
    f.fit("D4", form.wechat_failed, NAMES_LINES, "抽查中未建立支部微信群或群内团员数不足3/4的支部")
    f.fit("E4", form.secretary_failed, NAMES_LINES, "抽查中团支部书记本人不会操作智慧团建系统的支部", merge="F4")
    f.put("B5", "被抽查团支部团员对本支部所开展活动的评价情况（包括活动名称和照片）（可附页）", label=True, merge="D5")
    f.put("E5", "该地区抓实团支部书记履责\n强化团支部建设经验（需实地核实）（可附页）", label=True, merge="F5")
    f.fit("B6", form.ratings, TEXT_LINES, "被抽查团支部团员对本支部所开展活动的评价情况", merge="D6",
          suffix="\n（照片见附页）" if form.photo_ids else "")
    f.fit("E6", form.branch_experience, TEXT_LINES, "该地区抓实团支部书记履责强化团支部建设经验", merge="F6")

    # “两新”组织团建
    y = form.year
    f.put("A7", "“两新”组织\n团建", label=True, merge="A10")
    f.put("B7", f"{y}推动建团非公企业任务底数", label=True)
    f.put("C7", f"{y}推动建团社会组织任务底数", label=True)
    f.put("D7", "本月新建团非公企业数 / 新增非公企业团员数", label=True)
    f.put("E7", "本月新建团社会组织数 / 新增社会组织团员数", label=True, merge="F7")
    f.put("B8", form.nonpublic_baseline)
    f.put("C8", form.social_baseline)
    f.put("D8", form.new_nonpublic)
    f.put("E8", form.new_social, merge="F8")
    f.put("B9", "典型非公企业 / 社会组织\n团组织名称", label=True, merge="C9")
    f.put("D9", "典型非公企业 / 社会组织\n团组织建设经验（可附页）", label=True, merge="F9")
    f.fit("B10", form.typical_org_name, NAME_LINES, "典型非公企业 / 社会组织团组织名称", merge="C10")
    f.fit("D10", form.typical_org_experience, TEXT_LINES, "典型非公企业 / 社会组织团组织建设经验", merge="F10")

    # 推动团员成为注册志愿者
    f.put("A11", "推动团员成为\n注册志愿者", label=True, merge="A12")
    f.put("B11", "团员成为注册志愿者比例（%）", label=True, merge="C11")
    f.put("D11", f"团员{y}年人均服务时长", label=True, merge="F11")
    f.put("B12", form.volunteer_rate, merge="C12")
    f.put("D12", form.service_hours, merge="F12")

    f.put("A13", "基层青年意见\n（可附页）", label=True)
    f.fit("A14", form.visits, VISITS_LINES, "本月驻点时间及人员", merge="F14", prefix="本月驻点时间及人员（可附页）：")

    # The opinions take the room the other rows leave on the page.
    heights = {r: f.height(r) for r in (*range(2, 13), 14)}
    room = page_size()[1] - TITLE_PT - sum(heights.values()) - SPARE_PT
    lines = max(MIN_OPINION_LINES, max_lines(min(MAX_ROW_PT, room)))
    text, shown = _opinions(form, _width("B13", "F13"), lines)
    f.put("B13", text, merge="F13")
    heights[13] = max(f.height(13), height_for(line_count(text, _width("B13", "F13"))))

    for row in ws.iter_rows(min_row=2, max_row=14, max_col=COLUMNS):
        for cell in row:
            cell.border = BORDER
    ws.row_dimensions[1].height = TITLE_PT
    for r, h in heights.items():
        ws.row_dimensions[r].height = h
    print_setup(ws, form.title, left="附件2")
    ws.print_area = "A1:F14"
    return shown, f.overflow


def write_monthly(session: Session, forms: list[MonthlyForm], out: Path) -> None:
    """Each county unit's form, each followed by its attached sheets (as they are printed and filed)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for form in forms:
        shown, overflow = write_form(wb.create_sheet(sheet_name(form.county, used)), form)
        write_attachments(wb, session, form, shown, overflow,
                          lambda suffix, form=form: sheet_name(f"{form.county}附页{suffix}", used))
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
