"""The legend (``?``): what each mark and colour means, and the keys that answer "what is wrong"."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.components.fmt import MARK, MARK_STYLE

_CJK = re.compile(r"[\u4e00-\u9fff]")

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
# Longer explanations of some actions (the footer's labels are short); every other key shows its label.
EXPLAIN = {
    "sort": "按下一列排序（先违规、再有风险，数字从大到小；光标回到第一行）",
    "sort(True)": "倒序",
    "sort_breaches": "直接按有违规标记的列排序（违规在前），再按换下一列",
    "breaches": "只看违规 / 全部",
    "detail": "查看当前行全文（意见建议、预警说明等）",
    "next_tab(1)": "下一个页内标签（县区、驻点记录、团支部……）",
    "next_tab(-1)": "上一个页内标签",
    "export": "把屏幕上的表格导出为 Excel（县区页面同时导出该月附件2）",
    "back": "返回上一屏 / 关闭筛选",
    "step_period(-1)": "上一个时段（各月与全年）",
    "step_period(1)": "下一个时段",
    "pick_period": "选择时段：数据库中每个驻点工作年度的全年与各月",
    "doors": "演示入口：问卷服务器地址、演示干部链接、团员评价链接及其二维码",
    "command_palette": "查找地市、县区、部门、干部、团支部",
    "legend": "本图例（全部按键）",
    "scroll_home": "第一行",
    "scroll_end": "最后一行",
    "page_up": "上一页",
    "page_down": "下一页",
    "cursor_up": "上一行",
    "cursor_down": "下一行",
    "cursor_left": "表格左移一列",
    "cursor_right": "表格右移一列",
    "select_cursor": "下钻到背后的记录",
    "scroll_top": "第一行",
    "scroll_bottom": "最后一行",
}
ALWAYS = [("Tab", "在表格和输入框之间移动")]
_MOVES = {"cursor_up", "cursor_down", "cursor_left", "cursor_right", "page_up", "page_down", "scroll_home",
          "scroll_end", "scroll_top", "scroll_bottom"}


def screen_keys(app: Any, screen: Any) -> list[tuple[str, str]]:
    """Every key the screen answers now (its own, its focused widget's, the app's), from the bindings
    themselves, so the legend can never miss one: (keys as shown, what they do)."""
    found: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        meaning = EXPLAIN.get(binding.action) or binding.description
        if not meaning or not _CJK.search(meaning):
            continue  # a widget's own English label with no explanation here
        keys, _ = found.setdefault(binding.action, ([], meaning))
        shown = app.get_key_display(binding) if "," not in binding.key else key
        shown = {"plus_sign": "+", "equals_sign": "=", "minus": "-", "question_mark": "?", "slash": "/",
                 "left_square_bracket": "[", "right_square_bracket": "]"}.get(key, shown)
        if shown not in keys:
            keys.append(shown)
    rows = [(action, " / ".join(keys), meaning) for action, (keys, meaning) in found.items()]
    # The screen's and the app's keys first; moving about the table last.
    rows.sort(key=lambda r: r[0] in _MOVES)
    return [(keys, meaning) for _a, keys, meaning in rows] + ALWAYS


def legend_text(keys: list[tuple[str, str]]) -> Text:
    text = Text()
    for severity in ("violation", "breach", "at_risk", "met"):
        text.append(f" {MARK[severity]} {WORDS[severity]} ", style=MARK_STYLE[severity])
        text.append(f" {MEANINGS[severity]}\n")
    text.append("\n")
    for note in NOTES:
        text.append(f" {note}\n")
    text.append("\n 按键（本屏全部）\n", style="bold")
    for key, meaning in keys:
        text.append(f" {key:<16}", style="bold")
        text.append(f"{meaning}\n")
    return text


class LegendScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "关闭", show=True)]

    def __init__(self, keys: list[tuple[str, str]] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys = keys or ALWAYS

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="legend"):
            yield Static("图例与按键（Esc 关闭）", classes="form-title")
            yield Static(legend_text(self.keys), id="legend-text")

    def action_close(self) -> None:
        self.dismiss(None)
