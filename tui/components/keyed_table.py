"""A DataTable whose rows are keyed and updated in place (Dolphie's diff pattern).

``sync`` takes the wanted rows in order; unchanged cells are left alone, changed cells go through
``update_cell``, gone rows are removed and new ones added, so the cursor and scroll position stay
where the coordinator left them across refreshes.

DataTable measures auto-width columns when idle, but caches each rendered cell without its width.
A paint that falls between ``add_row`` and that measurement (it depends on timing: whether the
data arrived before the first layout, how busy the loop is) would cache cells cut to the header's
width and keep showing them ("办 …"). ``KeyedTable`` drops its render caches whenever the measured
column widths change, so the picture never depends on when the data arrived.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


def _same(a: object, b: object) -> bool:
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b


class KeyedTable(DataTable):
    """DataTable with ``sync(rows)``; row keys are strings chosen by the screen (e.g. ``"city:5"``)."""

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self._column_spec = list(columns)
        self.updates = 0  # cells changed in place by the last sync (tests and bench read it)
        self.rebuilds = 0
        self._measured: list[int] | None = None  # column widths the render caches were built for
        # Columns exist from the start: a screen's first data may arrive before this widget's on_mount.
        for key, label in self._column_spec:
            self.add_column(label, key=key)

    def _update_dimensions(self, new_rows) -> None:
        """DataTable's idle-time measurement, then a fresh render if a column's width changed."""
        super()._update_dimensions(new_rows)
        widths = [column.get_render_width(self) for column in self.ordered_columns]
        if widths != self._measured:
            self._measured = widths
            self._update_count += 1  # every render cache is keyed on it, none on the column widths
            self.refresh()

    @property
    def keys(self) -> list[str]:
        return [row.key.value for row in self.ordered_rows if row.key.value is not None]

    @property
    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def sync(self, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
        wanted = [key for key, _ in rows]
        present = set(self.keys)
        keep = set(wanted)
        cursor = self.current_key
        changed = 0
        for key in present - keep:
            self.remove_row(key)
        columns = [key for key, _ in self._column_spec]
        for key, cells in rows:
            if key in present:
                old = self.get_row(key)
                for col, new, was in zip(columns, cells, old, strict=False):
                    if not _same(new, was):
                        self.update_cell(key, col, new, update_width=True)
                        changed += 1
            else:
                self.add_row(*cells, key=key)
        if self.keys != wanted:
            self._reorder(wanted)
        self.updates = changed
        if cursor in keep:
            self.move_cursor(row=self.get_row_index(cursor), animate=False, scroll=False)

    def _reorder(self, wanted: list[str]) -> None:
        """Put rows in ``wanted`` order without rebuilding them (same bookkeeping as ``sort``)."""
        try:
            from textual._two_way_dict import TwoWayDict

            self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(wanted)})
            self._update_count += 1
            self.refresh()
        except Exception:  # a Textual internals change: fall back to a rebuild, still correct
            data = {k: self.get_row(k) for k in wanted}
            self.clear()
            self.rebuilds += 1
            for k in wanted:
                self.add_row(*data[k], key=k)
