"""Columns: a table of one-line rows, laid out by arithmetic.

The detail pane of a task lists up to `MAX_ROWS` hosts and is repainted while the task
runs. Rich's `Table` measures every cell to lay out its columns, and Textual renders a
pane twice (once to find its height, once to draw it): for 60 rows that was most of a
repaint. Every row here is one line, so the layout is a sum: fixed columns as wide as
their widest cell, the rest shared by ratio, cells cut with an ellipsis. It draws what
`Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)` draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from msgspec import Struct
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

#: between two cells: a space of padding on each side of a one-space separator
_GAP = "   "
_HEADER_STYLE = "bold"


class Column(Struct, frozen=True):
    """A column: its heading, and either a share of the free width or its content's width."""

    heading: str
    ratio: int | None = None
    justify_right: bool = False


class Columns:
    """Rows of `Text` cells under a heading line and a rule, never wrapped."""

    def __init__(self, *columns: Column) -> None:
        self.columns = columns
        self.rows: list[Sequence[Text]] = []

    def add_row(self, *cells: Text) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(cells)

    def widths(self, width: int) -> list[int]:
        """The width of each column's cells in `width` cells, as Rich's expanding Table."""
        columns = self.columns
        last = len(columns) - 1
        # Rich counts a cell's padding in its column: one space inside each inner edge.
        pads = [(i > 0) + (i < last) for i in range(len(columns))]
        headings = [Text(c.heading) for c in columns]
        widths = [
            max(cells[i].cell_len for cells in (headings, *self.rows)) + pads[i]
            if column.ratio is None
            else 0
            for i, column in enumerate(columns)
        ]
        free = width - sum(widths) - last  # `last` one-space separators
        ratios = [c.ratio or 0 for c in columns]
        total = sum(ratios)
        for i, ratio in enumerate(ratios):
            if ratio:
                share = max(pads[i] + 1, ceil(ratio * free / total)) if total else 0
                widths[i] = share
                total -= ratio
                free -= share
        return [max(0, w - pad) for w, pad in zip(widths, pads, strict=True)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        widths = self.widths(width)
        headings = [Text(c.heading, style=_HEADER_STYLE) for c in self.columns]
        yield self._line(headings, widths, width)
        yield Text("─" * width)
        for cells in self.rows:
            yield self._line(cells, widths, width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(len(self.columns), options.max_width)

    def _line(self, cells: Sequence[Text], widths: list[int], width: int) -> Text:
        line = Text(no_wrap=True, overflow="crop", end="\n")
        for i, (cell, column, cell_width) in enumerate(
            zip(cells, self.columns, widths, strict=True)
        ):
            if i:
                line.append(_GAP)
            cell = cell.copy()
            cell.truncate(cell_width, overflow="ellipsis")
            # padded inside the cell, so the cell's own style covers it (as in a Table)
            if column.justify_right:
                cell.pad_left(cell_width - cell.cell_len)
            else:
                cell.pad_right(cell_width - cell.cell_len)
            line.append_text(cell)
        line.truncate(width)
        return line
