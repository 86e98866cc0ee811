"""SlowestPanel: the timeline's "where did the time go", live: the slowest tasks by wall
time and the hosts that spent the most time, each with its share of the run's span.

The figures are `RunTimes`' (the same as `jobevents-tui profile`); the panel lays them
out by arithmetic, one `Text` line a row, beside the chart or under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.widget import Widget

from jobevents.core.ansi import safe_line
from jobevents.core.render import duration_text
from jobevents.core.timing import HostTime, RunTimes, TaskTime

from ..theme import PART_STYLE, STATUS_GLYPH, STATUS_STYLE

#: cells of the time and share columns
_TIME, _SHARE = 7, 5


class SlowestPanel(Widget):
    """Top tasks by wall time and top hosts by total time, and their shares of the run.

    Laid out when drawn, for the size it has then (beside the chart or under it): two
    lists side by side when there is room, else one above the other.
    """

    DEFAULT_CSS = """
    SlowestPanel {
        padding: 0 1;
        background: $surface;
        color: $foreground;
    }
    """

    def __init__(
        self, times: RunTimes, now: Callable[[], float | None], *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.times = times
        #: where running host runs are counted up to (None: they are not counted)
        self.now = now
        self._shown: tuple[object, Text] | None = None
        self._version = 0

    def show_times(self) -> None:
        """Draw the run's times as they are now (the next paint reads them)."""
        self._version += 1
        self.refresh()

    def render(self) -> Text:
        width = max(10, self.content_region.width)
        height = max(3, self.content_region.height)
        key = (width, height, self._version)
        if self._shown is not None and self._shown[0] == key:
            return self._shown[1]
        text = slowest_text(self.times, self.now(), width, height)
        self._shown = (key, text)
        return text


def slowest_text(times: RunTimes, now: float | None, width: int, height: int) -> Text:
    """The panel's lines for `width` x `height` cells."""
    span = times.span_seconds(now)
    tasks = times.tasks(now, top=height)
    hosts = times.hosts(now, top=height)
    if width >= 2 * 30 + 2:
        column = (width - 2) // 2
        left = task_lines(tasks, span, column, height)
        right = host_lines(hosts, span, column, height)
        lines = [
            Text.assemble(_pad(a, column), "  ", _pad(b, column))
            for a, b in _zip_longest(left, right)
        ]
    else:
        each = max(2, (height - 1) // 2)
        lines = [
            *task_lines(tasks, span, width, each),
            Text(),
            *host_lines(hosts, span, width, each),
        ]
    return Text("\n").join(lines[:height])


def task_lines(tasks: Sequence[TaskTime], span: float | None, width: int, rows: int) -> list[Text]:
    """A heading and the slowest tasks: glyph, name, wall time, share of the span."""
    name_cells = max(4, width - _TIME - _SHARE - 2)
    lines = [_heading("Slowest tasks", "wall", name_cells)]
    for row in tasks[: max(0, rows - 1)]:
        node = row.node
        status = node.status
        name = Text(STATUS_GLYPH.get(status, "?") + " ", style=STATUS_STYLE.get(status, ""))
        if node.role:
            name.append(safe_line(node.role, 40) + " : ", style=PART_STYLE["role"])
        name.append(safe_line(node.name, 200) or "(unnamed task)")
        lines.append(_line(name, row.wall, span, name_cells, running=row.running > 0))
    if len(lines) == 1:
        lines.append(Text("no task has ended yet", style="dim italic"))
    return lines


def host_lines(hosts: Sequence[HostTime], span: float | None, width: int, rows: int) -> list[Text]:
    """A heading and the hosts that spent the most time: name, total, share of the span."""
    name_cells = max(4, width - _TIME - _SHARE - 2)
    lines = [_heading("Slowest hosts", "total", name_cells)]
    for row in hosts[: max(0, rows - 1)]:
        name = Text(safe_line(row.host, 200))
        lines.append(_line(name, row.total, span, name_cells, running=row.running > 0))
    if len(lines) == 1:
        lines.append(Text("no host has run yet", style="dim italic"))
    return lines


def _heading(title: str, what: str, name_cells: int) -> Text:
    text = Text(title.ljust(name_cells)[:name_cells], style="bold")
    text.append(" " + what.rjust(_TIME) + " " + "share".rjust(_SHARE), style="dim")
    return text


def _line(
    name: Text, seconds: float | None, span: float | None, cells: int, *, running: bool
) -> Text:
    cut = name.copy()
    cut.truncate(cells, overflow="ellipsis", pad=True)
    cut.append(" ")
    cut.append(duration_text(seconds).rjust(_TIME), style="bold blue" if running else "")
    share = f"{seconds / span:.0%}" if seconds is not None and span else ""
    cut.append(" " + share.rjust(_SHARE), style="dim")
    return cut


def _pad(text: Text, width: int) -> Text:
    out = text.copy()
    out.truncate(width, overflow="ellipsis", pad=True)
    return out


def _zip_longest(a: list[Text], b: list[Text]) -> list[tuple[Text, Text]]:
    n = max(len(a), len(b))
    return [(a[i] if i < len(a) else Text(), b[i] if i < len(b) else Text()) for i in range(n)]
