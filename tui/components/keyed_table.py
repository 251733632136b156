"""A DataTable whose rows are keyed and updated in place (Dolphie's diff pattern), sortable by any column.

``sync`` takes the wanted rows in order; unchanged cells are left alone, changed cells go through
``update_cell``, gone rows are removed and new ones added, so the cursor and scroll position stay
where the coordinator left them across refreshes. ``sort_on`` orders the rows by one column (the
``s`` key of every table screen) and keeps that order across refreshes.

Column widths are measured here, in ``sync``, before the next paint. DataTable measures auto-width
columns only when idle, and its render caches are not keyed on the widths: a paint between
``add_row`` and that measurement (timing: whether the data arrived before the first layout, how busy
the loop is) would cache cells cut to the header's width ("办 …") and keep showing them. With the
widths set at once (DataTable's idle measurement then finds the same), the picture never depends on
when the data arrived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_MARK_RANK = {"✗": 0, "!": 1, "✓": 3}


def _same(a: object, b: object) -> bool:
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return a == b


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _width(cell: object) -> int:
    return max((cell_len(line) for line in _plain(cell).split("\n")), default=0)


def sort_key(cell: object) -> tuple:
    """Breaches first, then risks; then the largest figure (the first number in the cell), then text."""
    text = _plain(cell).strip()
    rank = _MARK_RANK.get(text[:1], 2)
    found = _NUMBER.search(text)
    number = -float(found.group().replace(",", "")) if found else 0.0
    return (rank, 0 if found else 1, number, text)


class KeyedTable(DataTable):
    """DataTable with ``sync(rows)``; row keys are strings chosen by the screen (e.g. ``"city:5"``)."""

    def __init__(self, columns: Sequence[tuple[str, str]], *, own_order: Sequence[str] = (), **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.column_spec: list[tuple[str, str]] = []
        self.updates = 0  # cells changed in place by the last sync (tests and bench read it)
        self.rebuilds = 0
        self.sort_by: str | None = None  # column key the rows are ordered by (None: the screen's order)
        self.sort_reverse = False
        self._given: list[tuple[str, Sequence[object]]] = []
        # Columns sorted in the screen's own order (names in the seed's order, not by code point).
        self.own_order = tuple(own_order)
        self._natural: dict[str, int] = {}  # each column's width from its cells (before _fit_edge)
        # Columns exist from the start: a screen's first data may arrive before this widget's on_mount.
        self.set_columns(columns)

    def set_columns(self, columns: Sequence[tuple[str, str]]) -> None:
        """Add the columns of ``columns`` not there yet (in that order, after the present ones)."""
        have = {key for key, _ in self.column_spec}
        for key, label in columns:
            if key not in have:
                self.add_column(label, key=key)
                self.column_spec.append((key, label))

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

    def label_of(self, key: str) -> str:
        return next((label for k, label in self.column_spec if k == key), key)

    # --- sorting ------------------------------------------------------------------------------

    def sort_on(self, column: str | None, reverse: bool = False) -> None:
        """Order the rows by ``column`` (``None``: back to the screen's own order) from now on; the
        cursor goes to the top row (Enter then opens the first of the new order, not the old row)."""
        self.sort_by, self.sort_reverse = column, reverse
        for key, label in self.column_spec:
            mark = (" ▲" if reverse else " ▼") if key == column else ""
            self.columns[key].label = Text(label + mark)  # type: ignore[index]
        # The header's render cache is not keyed on labels: drop it (rows kept in place would not).
        self.notify_style_update()
        self.refresh()
        self.sync(self._given)
        self.to_top()

    def to_top(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False, scroll=False)
        self.scroll_to(y=0, animate=False)

    def sort_breaches(self) -> str | None:
        """Sort by the next column that carries marks (✗/!/✓: the rules' verdicts), worst first; returns
        its key (``None``: the table has no such column)."""
        marked = [key for i, (key, _l) in enumerate(self.column_spec)
                  if any(_plain(cells[i]).strip()[:1] in _MARK_RANK for _k, cells in self._given if i < len(cells))]
        if not marked:
            return None
        after = [k for k in marked if self.sort_by in marked and marked.index(k) > marked.index(self.sort_by)]
        column = after[0] if after else marked[0]
        self.sort_on(column)
        return column

    def action_scroll_home(self) -> None:
        """Home: the first row (DataTable's own Home keeps the cursor where it was)."""
        self.to_top()

    def action_scroll_end(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def next_sort(self) -> None:
        """The ``s`` key: the next column (after the last, the screen's own order)."""
        keys = [key for key, _ in self.column_spec]
        if self.sort_by not in keys:
            self.sort_on(keys[0] if keys else None)
        else:
            index = keys.index(self.sort_by) + 1
            self.sort_on(keys[index] if index < len(keys) else None)

    def _ordered(self, rows: Sequence[tuple[str, Sequence[object]]]) -> list[tuple[str, Sequence[object]]]:
        keys = [key for key, _ in self.column_spec]
        if self.sort_by not in keys:
            return list(rows)
        if self.sort_by in self.own_order:
            return list(reversed(rows)) if self.sort_reverse else list(rows)
        i = keys.index(self.sort_by)
        return sorted(rows, key=lambda row: sort_key(row[1][i]) if i < len(row[1]) else (9,),
                      reverse=self.sort_reverse)

    # --- rows -----------------------------------------------------------------------------------

    def sync(self, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
        self._given = list(rows)
        rows = self._ordered(rows)
        wanted = [key for key, _ in rows]
        present = set(self.keys)
        keep = set(wanted)
        cursor = self.current_key
        changed = 0
        for key in present - keep:
            self.remove_row(key)
        columns = [key for key, _ in self.column_spec]
        for key, cells in rows:
            if key in present:
                old = self.get_row(key)
                for col, new, was in zip(columns, cells, old, strict=False):
                    if not _same(new, was):
                        self.update_cell(key, col, new, update_width=True)
                        changed += 1
            else:
                self.add_row(*cells, key=key)
        self._measure(rows)
        if self.keys != wanted:
            self._reorder(wanted)
        self.updates = changed
        if cursor in keep:
            self.move_cursor(row=self.get_row_index(cursor), animate=False, scroll=False)

    def _measure(self, rows: Sequence[tuple[str, Sequence[object]]]) -> None:
        """Every column as wide as its widest cell or label, now (see the module's comment)."""
        for index, (key, _label) in enumerate(self.column_spec):
            column = self.columns.get(key)  # type: ignore[call-overload]
            if column is None or not column.auto_width:
                continue
            width = max([_width(column.label), *(_width(cells[index]) for _k, cells in rows if index < len(cells))])
            self._natural[key] = width
            if width != column.content_width:
                column.content_width = width
                self.refresh()
        self._fit_edge()
        # Again once laid out: fewer rows may take the vertical scroll bar away (a wider view).
        self.call_after_refresh(self._fit_edge)

    def _fit_edge(self) -> None:
        """No column cut at the right edge ("其中" for 其中核实): the last whole column is widened with
        blank space up to the edge, so the next one starts just out of view (→ scrolls to it)."""
        view = self.scrollable_content_region.width
        if view <= 0:
            return
        columns = list(self.columns.values())
        before = [c.content_width for c in columns]
        for column in columns:
            natural = self._natural.get(column.key.value)  # type: ignore[arg-type]
            if natural is not None and column.content_width != natural:
                column.content_width = natural
        fixed = sum(c.get_render_width(self) for c in columns[:self.fixed_columns])
        edge = int(self.scroll_x) + view - fixed  # the right edge, in the scrolling columns' coordinates
        x, previous = 0, None
        for column in columns[self.fixed_columns:]:
            end = x + column.get_render_width(self)
            # Cut at the edge with less than its name in view ("其中" of 其中核实): out of view instead.
            # A column showing its whole name and the start of its cells stays (those cells read with i).
            if (x < edge < end and previous is not None and x > self.scroll_x
                    and edge - x < _width(column.label) + 2 * self.cell_padding):
                previous.content_width += int(edge - x)
                break
            x, previous = end, column
        if [c.content_width for c in columns] != before:
            self.notify_style_update()  # the rows' render caches are not keyed on widths
            self.refresh(layout=True)

    def on_resize(self) -> None:
        self._fit_edge()

    def _column_edges(self) -> list[int]:
        """Where each scrolling column starts, as ``scroll_x`` counts (the fixed columns never scroll)."""
        edges, x = [0], 0
        for column in list(self.columns.values())[self.fixed_columns:]:
            x += column.get_render_width(self)
            edges.append(x)
        return edges

    def action_cursor_right(self) -> None:
        """A row table scrolls sideways a whole column at a time, so no column shows half its header."""
        if self.cursor_type != "row":
            super().action_cursor_right()
            return
        ahead = [x for x in self._column_edges() if x > self.scroll_x]
        self.scroll_to(x=min(ahead[0], self.max_scroll_x) if ahead else self.max_scroll_x, animate=False)
        self.call_after_refresh(self._fit_edge)

    def action_cursor_left(self) -> None:
        if self.cursor_type != "row":
            super().action_cursor_left()
            return
        behind = [x for x in self._column_edges() if x < self.scroll_x]
        self.scroll_to(x=behind[-1] if behind else 0, animate=False)
        self.call_after_refresh(self._fit_edge)

    def _reorder(self, wanted: list[str]) -> None:
        """Put rows in ``wanted`` order without rebuilding them, through ``DataTable.sort``.

        ``sort`` hands its key the row's cells, not its key: each row is found by the identity of
        the cell objects it holds (every sync makes new ones; two rows never share all of them).
        """
        position = {tuple(sorted(map(id, self.get_row(k)))): i for i, k in enumerate(wanted)}
        if len(position) == len(wanted):
            self.sort(key=lambda cells: position[tuple(sorted(map(id, cells)))])
            return
        data = {k: self.get_row(k) for k in wanted}  # rows sharing every cell: rebuild, still correct
        self.clear()
        self.rebuilds += 1
        for k in wanted:
            self.add_row(*data[k], key=k)
