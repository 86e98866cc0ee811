"""Columns: the hand-laid table of the detail pane draws what Rich's Table would."""

from __future__ import annotations

import io

import pytest
from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from jobevents.tui.columns import Column, Columns

ROWS = [
    (Text("web-0001.example.com"), Text("✔ ok", style="green"), Text("1.2s"), Text("fine")),
    (Text("db"), Text("✘ failed", style="red"), Text("12m3s"), Text("a reason " * 20)),
    (Text("名前のホスト"), Text("● running"), Text(""), Text("")),
]


def plain(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize("width", [34, 45, 60, 61, 100, 157])
def test_columns_lay_out_rows_as_an_expanding_table_does(width: int) -> None:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column(Text("host"), ratio=3, no_wrap=True, overflow="ellipsis")
    table.add_column(Text("status"), no_wrap=True)
    table.add_column(Text("duration"), no_wrap=True, justify="right")
    table.add_column(Text("why"), ratio=4, no_wrap=True, overflow="ellipsis")
    columns = Columns(
        Column("host", ratio=3),
        Column("status"),
        Column("duration", justify_right=True),
        Column("why", ratio=4),
    )
    for row in ROWS:
        table.add_row(*row)
        columns.add_row(*row)
    assert plain(columns, width) == plain(table, width)


def test_a_cell_keeps_its_style_and_is_cut_with_an_ellipsis() -> None:
    columns = Columns(Column("name", ratio=1), Column("status"))
    columns.add_row(Text("x" * 200), Text("✘ failed", style="red"))
    lines = list(Console(width=40).render_lines(columns, pad=False))
    row = "".join(segment.text for segment in lines[2])
    assert row == "x" * 28 + "…   ✘ failed"
    assert any(s.text.startswith("✘") and s.style is not None and s.style.color for s in lines[2])


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        Columns(Column("a"), Column("b"), Column("c")).add_row(Text("1"), Text("2"))
