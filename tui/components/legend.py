"""The legend (``?``): what each mark and colour means, and the keys that answer "what is wrong"."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.components.fmt import MARK, MARK_STYLE

MEANINGS = {
    "violation": "违反方案的禁止性规定：驻点只到市级、未到县及以下；座谈会超过 10 人",
    "breach": "未达标（已结束的月份驻点不足 3 个整天、干部年度天数或党团课不足、注册志愿者比例低于 90%、"
              "抽查发现团支部未建微信群或书记不会操作智慧团建）或未报（月报表、项目报告、党团课材料、实施方案过期未报）",
    "at_risk": "有风险（本月或本年尚未结束而进度不足、志愿服务进度落后）或迟报；标记后注明哪个月或哪一项",
    "met": "该行涉及的每一条规则都已满足",
}
WORDS = {"violation": "违规", "breach": "未达标 / 未报", "at_risk": "有风险 / 迟报", "met": "达标"}
NOTES = [
    "没有标记：方案未对该层级规定目标（地市、县区不设驻点天数目标，只显示天数）；地市的“部门驻点”一栏"
    "显示对接部门每月 3 个整天的完成情况。",
    "红色只表示违规；紫色表示未达标或未报；黄色表示有风险或迟报；绿色表示达标。",
]
KEYS = [
    ("s / S", "按下一列排序 / 倒序（先违规、再有风险，数字从大到小）"),
    ("b", "只看有违规的行 / 全部"),
    ("i", "查看当前行全文（意见建议、预警说明等）"),
    ("t / T", "下一个 / 上一个页内标签（县区、驻点记录、团支部……）"),
    ("Tab", "在表格和输入框之间移动"),
    ("Enter", "下钻到背后的记录"),
    ("[ / ]", "上一个 / 下一个时段（各月与全年）"),
]


def legend_text() -> Text:
    text = Text()
    for severity in ("violation", "breach", "at_risk", "met"):
        text.append(f" {MARK[severity]} {WORDS[severity]} ", style=MARK_STYLE[severity])
        text.append(f" {MEANINGS[severity]}\n")
    text.append("\n")
    for note in NOTES:
        text.append(f" {note}\n")
    text.append("\n 按键\n", style="bold")
    for key, meaning in KEYS:
        text.append(f" {key:<16}", style="bold")
        text.append(f"{meaning}\n")
    return text


class LegendScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "关闭", show=True)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="legend"):
            yield Static("图例（Esc 关闭）", classes="form-title")
            yield Static(legend_text(), id="legend-text")

    def action_close(self) -> None:
        self.dismiss(None)
