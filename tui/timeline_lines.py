"""A timeline row as one line of cells: label, bar on the shared axis, wall time, mark.

The times come from `RunTimes` (tasks, plays) and the host runs themselves (lanes); what
is still running ends at `now`. Every piece is built from data: names are cut and made
safe, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from jobevents.core.ansi import safe_line
from jobevents.core.diff_marks import DiffMarks
from jobevents.core.nodes import Node
from jobevents.core.render import duration_text
from jobevents.core.time_axis import Bar, TimeWindow, bar
from jobevents.core.timeline import TimelineRow
from jobevents.core.timing import RunTimes, run_bounds

from .marks import compact_marks
from .theme import BAR_STYLE, PART_STYLE, STATUS_GLYPH, STATUS_STYLE

#: cells of the wall-time column ("12.3s", "4m05s", "1h02m") and of the mark column
WALL_CELLS = 7
MARK_CELLS = 12
#: the label column takes this share of the width, within these bounds
LABEL_SHARE = 0.3
LABEL_MIN, LABEL_MAX = 12, 40
BAR_MIN = 8

_FLIP = Style(reverse=True)
_DIM = Style(dim=True)
_BOLD = Style(bold=True)


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where the columns of a line are, for a widget `width` cells wide."""

    label: int
    bar: int
    wall: int
    mark: int

    @property
    def bar_x(self) -> int:
        """The first cell of the bar column (a space after the label)."""
        return self.label + 1


def geometry(width: int, *, marks: bool = False) -> Geometry:
    """Columns for `width` cells: the label a share, wall (and mark) fixed, the bar the rest."""
    mark = MARK_CELLS if marks else 0
    label = min(LABEL_MAX, max(LABEL_MIN, int(width * LABEL_SHARE)))
    rest = width - label - 1 - WALL_CELLS - mark
    if rest < BAR_MIN:
        label = max(4, label - (BAR_MIN - rest))
        rest = max(1, width - label - 1 - WALL_CELLS - mark)
    return Geometry(label, rest, WALL_CELLS, mark)


@dataclass(frozen=True, slots=True)
class RowTimes:
    """Where a row's bars fall (epoch seconds) and its time; `running`: it grows."""

    spans: tuple[tuple[float, float], ...]
    seconds: float | None
    running: bool


def row_times(row: TimelineRow, times: RunTimes, now: float | None) -> RowTimes:
    """The bars and time of a row: a task's busy intervals (the number: its wall time), a
    play's first task start to last task end, each of a lane's runs (the host's time)."""
    if row.kind == "lane":
        spans: list[tuple[float, float]] = []
        seconds = 0.0
        running = False
        for run in row.runs:
            start, end = run_bounds(run)
            if start is None:
                continue
            if end is None:
                running = True
                end = max(start, now) if now is not None else start
                seconds += end - start
            else:
                seconds += run.duration if run.duration is not None else max(0.0, end - start)
            spans.append((start, end))
        return RowTimes(tuple(spans), seconds if spans else None, running)
    if row.kind == "task":
        start, end, open_runs = times.task_span(row.node, now)
        if start is None:
            return RowTimes((), None, False)
        wall = end - start if end is not None and end >= start else None
        # The bar shows when the task ran: apart where its hosts ran it apart (`serial`
        # batches, `free`), not one block from its first start to its last end.
        busy = times.task_busy(row.node, now) or ((start, end if end is not None else start),)
        return RowTimes(busy, wall, open_runs > 0)
    first: float | None = None
    last: float | None = None
    running = False
    for child in row.node.children:
        if child.kind != "task":
            continue
        start, end, open_runs = times.task_span(child, now)
        if start is None:
            continue
        running = running or open_runs > 0
        end = end if end is not None else start
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    if first is None or last is None:
        return RowTimes((), None, running)
    return RowTimes(((first, last),), last - first, running)


def has_lanes(task: Node) -> bool:
    """Whether a task row can open to lanes (it has host runs): its label shows ▸/▾."""
    return any(child.kind == "host" for child in task.children)


def row_label(row: TimelineRow, opened: bool) -> Text:
    """`PLAY name`, `▸ ✔ role : task`, `    ✘ host`: glyph in the status colour, name as data."""
    status = row.status
    glyph = Text(STATUS_GLYPH.get(status, "?"), style=STATUS_STYLE.get(status, ""))
    if row.kind == "play":
        text = Text.assemble(glyph, " ")
        text.append("PLAY ", style="bold")
        text.append(safe_line(row.node.name, 200) or "(unnamed play)", style="bold")
        return text
    if row.kind == "lane":
        text = Text("    ")
        text.append_text(glyph)
        text.append(" ")
        text.append(safe_line(row.host or "", 200), style=STATUS_STYLE.get(status, ""))
        return text
    node = row.node
    text = Text(" " + ("▾" if opened else "▸") + " " if has_lanes(node) else "   ", style="dim")
    text.append_text(glyph)
    text.append(" ")
    if node.handler:
        text.append("HANDLER ", style="bold cyan")
    if node.role:
        text.append(safe_line(node.role, 60), style=PART_STYLE["role"])
        text.append(" : ", style="dim")
    text.append(safe_line(node.name, 200) or "(unnamed task)")
    return text


def row_mark(row: TimelineRow, marks: DiffMarks | None) -> Text | None:
    """What a comparison says of the row: its node's mark, or for a lane its first run's
    that has one."""
    if not marks:
        return None
    if row.kind == "lane":
        for run in row.runs:
            found = compact_marks(marks, run.id)
            if found is not None:
                return found
        return None
    return compact_marks(marks, row.node.id)


def bars_of(spans: tuple[tuple[float, float], ...], window: TimeWindow) -> tuple[Bar, ...]:
    """The spans drawn in `window`, left to right (those outside it are left out)."""
    drawn = (bar(start, end, window) for start, end in spans)
    return tuple(b for b in drawn if b is not None)


def bar_segments(bars: tuple[Bar, ...], width: int, style: Style) -> list[Segment]:
    """The bar column: spaces, and each bar's cells in `style` (a flipped cell reversed)."""
    segments: list[Segment] = []
    x = 0
    flipped = style + _FLIP
    for drawn in bars:
        first = max(drawn.first, x)
        text = drawn.text[first - drawn.first :]
        if not text:
            continue
        if first > x:
            segments.append(Segment(" " * (first - x)))
        if drawn.flipped and first == drawn.first:
            segments.append(Segment(text[0], flipped))
            text = text[1:]
        if text:
            segments.append(Segment(text, style))
        x = first + len(drawn.text) - (first - drawn.first)
    if x < width:
        segments.append(Segment(" " * (width - x)))
    return segments


def line_segments(
    row: TimelineRow,
    label: Text,
    bars: tuple[Bar, ...],
    seconds: float | None,
    running: bool,
    mark: Text | None,
    shape: Geometry,
    render: Callable[[Text, int], list[Segment]],
) -> list[Segment]:
    """The whole line: label, bar, wall time and (when comparing) the mark, each in its column.

    `render(text, width)` lays a `Text` out in exactly `width` cells.
    """
    status = row.status
    segments = render(label, shape.label)
    segments.append(Segment(" "))
    play = BAR_STYLE["play"]
    style = play if row.kind == "play" else BAR_STYLE.get(status, play)
    segments.extend(bar_segments(bars, shape.bar, style))
    wall = duration_text(seconds) if seconds is not None else ""
    segments.append(Segment(wall.rjust(shape.wall), _BOLD if running else _DIM))
    if shape.mark:
        cell = Text(" ")
        if mark is not None:
            cell.append_text(mark)
        segments.extend(render(cell, shape.mark))
    return segments
