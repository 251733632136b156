"""附件2 in its official layout: one sheet per county unit, merged cells and borders like the paper form.

Every value comes from :mod:`models.monthly_form`; text typed by cadres or members goes through the
formula-safety helper. Opinions beyond what fits and members' photos go on an attached sheet (可附页).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session

from models.monthly_form import MAX_OPINIONS, MonthlyForm
from tui.exports.safety import neutralise
from tui.exports.style import BORDER, CENTER, sheet_name, table

COLUMNS = 6
WIDTHS = (14, 22, 26, 26, 22, 22)
LABEL_FONT = Font(bold=True)
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _cell(ws: Worksheet, ref: str, value, *, label: bool = False, merge: str | None = None,
          align: Alignment | None = None) -> None:
    cell = ws[ref]
    cell.value = neutralise(value)
    cell.alignment = align or (CENTER if label else TOP_LEFT)
    if label:
        cell.font = LABEL_FONT
    if merge:
        ws.merge_cells(f"{ref}:{merge}")



def write_form(ws: Worksheet, form: MonthlyForm) -> None:
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions["ABCDEF"[i]].width = w
    _cell(ws, "A1", form.title, merge="F1", align=CENTER)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 36

    _cell(ws, "A2", f"（{form.month}）月份", label=True)
    _cell(ws, "B2", "对接部门", label=True)
    _cell(ws, "C2", form.departments)
    _cell(ws, "D2", "经办团干", label=True)
    _cell(ws, "E2", form.cadres, merge="F2")

    # 团支部书记履职
    _cell(ws, "A3", "团支部书记\n履职", label=True, merge="A6")
    _cell(ws, "B3", "该地区无团干\n团支部数量", label=True)
    _cell(ws, "C3", "本月实地抽查\n团支部数量及名称", label=True)
    _cell(ws, "D3", "抽查中未建立支部微信群或群内团员数不足3/4的支部数量及名称", label=True)
    _cell(ws, "E3", "抽查中团支部书记本人不会操作智慧团建系统的支部数量及名称", label=True, merge="F3")
    _cell(ws, "B4", form.branches_without_cadre)
    _cell(ws, "C4", form.checked)
    _cell(ws, "D4", form.wechat_failed)
    _cell(ws, "E4", form.secretary_failed, merge="F4")
    _cell(ws, "B5", "被抽查团支部团员对本支部所开展活动的评价情况（包括活动名称和照片）", label=True, merge="D5")
    _cell(ws, "E5", "该地区抓实团支部书记履责\n强化团支部建设经验（需实地核实）", label=True, merge="F5")
    _cell(ws, "B6", form.ratings + ("\n（照片见附页）" if form.photo_ids else ""), merge="D6")
    _cell(ws, "E6", form.branch_experience, merge="F6")

    # “两新”组织团建
    y = form.year
    _cell(ws, "A7", "“两新”组织\n团建", label=True, merge="A10")
    _cell(ws, "B7", f"{y}推动建团非公企业任务底数", label=True)
    _cell(ws, "C7", f"{y}推动建团社会组织任务底数", label=True)
    _cell(ws, "D7", "本月新建团非公企业数 / 新增非公企业团员数", label=True)
    _cell(ws, "E7", "本月新建团社会组织数 / 新增社会组织团员数", label=True, merge="F7")
    _cell(ws, "B8", form.nonpublic_baseline)
    _cell(ws, "C8", form.social_baseline)
    _cell(ws, "D8", form.new_nonpublic)
    _cell(ws, "E8", form.new_social, merge="F8")
    _cell(ws, "B9", "典型非公企业 / 社会组织\n团组织名称", label=True, merge="C9")
    _cell(ws, "D9", "典型非公企业 / 社会组织\n团组织建设经验", label=True, merge="F9")
    _cell(ws, "B10", form.typical_org_name, merge="C10")
    _cell(ws, "D10", form.typical_org_experience, merge="F10")

    # 推动团员成为注册志愿者
    _cell(ws, "A11", "推动团员成为\n注册志愿者", label=True, merge="A12")
    _cell(ws, "B11", "团员成为注册志愿者比例（%）", label=True, merge="C11")
    _cell(ws, "D11", f"团员{y}年人均服务时长", label=True, merge="F11")
    _cell(ws, "B12", form.volunteer_rate, merge="C12")
    _cell(ws, "D12", form.service_hours, merge="F12")

    _cell(ws, "A13", "基层青年意见", label=True)
    _cell(ws, "B13", form.opinions, merge="F13")
    _cell(ws, "A14", "本月驻点时间及人员（可附页）：" + form.visits, merge="F14")

    for row in ws.iter_rows(min_row=2, max_row=14, max_col=COLUMNS):
        for cell in row:
            cell.border = BORDER
    heights = {2: 30, 3: 48, 4: 60, 5: 36, 6: 90, 7: 48, 8: 30, 9: 36, 10: 60, 11: 30, 12: 30, 13: 120, 14: 48}
    for r, h in heights.items():
        ws.row_dimensions[r].height = h
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _attachment(wb: Workbook, session: Session, form: MonthlyForm, used: set[str]) -> None:
    """可附页: every opinion, and the members' photos of the spot-checked branches."""
    if len(form.opinion_rows) <= MAX_OPINIONS and not form.photo_ids:
        return
    ws = wb.create_sheet(sheet_name(f"{form.county}附页", used))
    rows = [[i, o.branch, o.activity, o.score, o.text] for i, o in enumerate(form.opinion_rows, 1)]
    last = table(ws, ["序号", "团支部", "活动", "评分", "基层青年意见"], rows, widths=(6, 26, 20, 6, 60))
    if form.photo_ids:
        from openpyxl.drawing.image import Image as XlImage
        from PIL import Image

        from models.feedback_export import photo

        row = last + 2
        ws.cell(row=row, column=1, value="被抽查团支部团员上传的活动照片").font = LABEL_FONT
        row += 1
        for photo_id, branch in form.photo_ids:
            ph = photo(session, photo_id)
            if ph is None:
                continue
            try:
                with Image.open(io.BytesIO(ph.data)) as im:
                    im.thumbnail((320, 240))
                    buf = io.BytesIO()
                    im.convert("RGB").save(buf, format="JPEG", quality=80)
            except OSError:
                continue  # an unreadable image is skipped, never a failed report
            ws.cell(row=row, column=2, value=neutralise(branch))
            img = XlImage(io.BytesIO(buf.getvalue()))
            ws.add_image(img, f"C{row}")
            row += 14


def write_monthly(session: Session, forms: list[MonthlyForm], out: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for form in forms:
        write_form(wb.create_sheet(sheet_name(form.county, used)), form)
    for form in forms:
        _attachment(wb, session, form, used)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
