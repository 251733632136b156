"""The period selector (``p``): every campaign year in the database, its whole year and each of its months."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class PeriodPicker(ModalScreen[Any]):
    """Returns the chosen period (``models.figures.period.Period``), or ``None`` on Escape."""

    BINDINGS = [Binding("escape,q", "close", "关闭", show=True)]
    DEFAULT_CSS = """
    PeriodPicker { align: center middle; }
    PeriodPicker > Vertical { width: 40; height: auto; max-height: 90%; border: round $accent; background: $surface; }
    PeriodPicker OptionList { height: auto; max-height: 20; }
    """

    def __init__(self, periods: list[Any], current: Any) -> None:
        super().__init__()
        self.periods = periods
        self.current = current

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        year = None
        for i, period in enumerate(self.periods):
            if year is not None and period.year != year:
                options.append(None)  # a separator between campaign years
            year = period.year
            label = f"{period.year}年全年" if period.month is None else f"  {period.year}年{period.month}月"
            options.append(Option(label, id=f"p{i}"))
        with Vertical():
            yield Static("选择时段（回车确定，Esc 关闭）", classes="form-title")
            yield OptionList(*options, id="periods")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        if self.current in self.periods:
            listing.highlighted = listing.get_option_index(f"p{self.periods.index(self.current)}")
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.periods[int(event.option.id[1:])])

    def action_close(self) -> None:
        self.dismiss(None)
