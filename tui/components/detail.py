"""全文 (``i``): every field of the highlighted row, whole and wrapped — a cell cut to fit the table
(a long suggestion, an alert's explanation, a department's full name) is read here."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from models.text import clean_text
from tui.components.safe import clean


def detail_text(fields: Sequence[tuple[str, object]]) -> Text:
    """Label and value per line; values as typed (multi-line kept), never parsed as markup."""
    text = Text()
    for label, value in fields:
        text.append(f"{clean(label, 20)}：", style="bold")
        text.append(clean_text(value, multiline=True) or "—")
        text.append("\n")
    return text


class DetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,i,enter", "close", "关闭", show=True)]

    def __init__(self, title: str, fields: Sequence[tuple[str, object]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(f"{clean(self.title_text, 60)}（Esc 关闭）", classes="form-title", markup=False)
            yield Static(detail_text(self.fields), id="detail-text")

    def action_close(self) -> None:
        self.dismiss(None)
