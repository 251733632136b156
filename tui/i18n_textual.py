"""Chinese for the words Textual itself puts on a coordinator's screen: footer keys of its widgets.

Textual's widgets carry English binding descriptions (a drop-down's "Dismiss menu", the palette's "Exit
the command palette"); the footer shows those with ``show=True``. Screens that show a footer mix in
:class:`ChineseBindings`, which hands the footer the same bindings under Chinese descriptions.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding

# Textual's descriptions (those a footer can show) in the dashboard's words.
BINDING_LABELS = {
    "Dismiss menu": "收起列表",
    "Show menu": "展开列表",
    "Exit the command palette": "关闭查找",
    "Open link": "打开链接",
    "Toggle collapsible": "展开/收起",
    "Toggle option": "选中/取消",
    "Press button": "按下",
    "Submit": "确定",
    "Select": "选择",
    "Scroll Up": "上滚",
    "Scroll Down": "下滚",
    "Quit": "退出",
}


def chinese(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    out = {}
    for key, active in bindings.items():
        label = BINDING_LABELS.get(active.binding.description)
        out[key] = active._replace(binding=replace(active.binding, description=label)) if label else active
    return out


class ChineseBindings:
    """Mix into a Screen (before ``Screen``): its footer names Textual's own keys in Chinese."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return chinese(super().active_bindings)  # type: ignore[misc]
