"""TimelineChart: the timeline's rows on Textual's line API, one `Strip` per visible row.

A row is a play, a task or a host's lane (`core/timeline.py`); only the rows on screen
are drawn, each from `RunTimes` and its nodes at paint time, so a run of 100k events
costs its screen, and a task's 1,000 lanes cost nothing until it is opened. Lines are
kept by what they show (label, bars in cells, time, cursor), so a frame that moves
nothing on a line does not lay it out again. Zoom and pan change the window of time
all rows share; follow mode keeps the newest task in view and the window growing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from jobevents.core.diff_marks import DiffMarks
from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Query
from jobevents.core.state import RunState
from jobevents.core.time_axis import TimeWindow, Zoom, axis_line
from jobevents.core.timeline import (
    TimelineRow,
    newest_row,
    next_problem_row,
    row_of,
    row_with_key,
    task_above,
    timeline_rows,
)

from ..timeline_lines import (
    Geometry,
    bars_of,
    geometry,
    has_lanes,
    line_segments,
    row_label,
    row_mark,
    row_times,
)
from .style_memo import StyleMemo

#: rendered lines kept: a few screens' worth
STRIP_CACHE_SIZE = 1024
#: `<`/`>` pan by this share of the window
PAN_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class _Paint:
    now: float | None
    window: TimeWindow | None
    shape: Geometry
    width: int
    base: Style
    cursor: Style


class TimelineChart(ScrollView, can_focus=True):
    """Rows on a shared time axis, with a cursor row."""

    DEFAULT_CSS = """
    TimelineChart {
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
    }
    TimelineChart > .timeline--cursor {
        background: $boost;
    }
    TimelineChart:focus > .timeline--cursor {
        background: $primary-muted;
    }
    TimelineChart > .timeline--axis {
        color: $text-muted;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"timeline--cursor", "timeline--axis"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g", "first_row", "First", show=False),
        Binding("end,G", "last_row", "Last", show=False),
        Binding("right,l", "open_or_child", "Lanes", id="timeline_lanes"),
        Binding("left,h", "close_or_parent", "Close", show=False),
        Binding("space", "toggle_lanes", "Lanes", show=False),
        Binding("enter", "open_in_tasks", "Tasks", show=False, id="timeline_tasks"),
        Binding("plus,equals_sign", "zoom(2)", "Zoom", key_display="+/-", id="timeline_zoom"),
        Binding("minus", "zoom(-2)", "Zoom out", show=False, id="timeline_zoom_out"),
        Binding(
            "greater_than_sign,shift+right",
            "pan(1)",
            "Pan",
            key_display="</>",
            show=False,
            id="timeline_pan",
        ),
        Binding("less_than_sign,shift+left", "pan(-1)", "Pan back", show=False),
        Binding("0", "reset_zoom", "Whole run", show=False, id="timeline_reset"),
        Binding("n", "next_problem", "Next failed", id="timeline_next_failed"),
        Binding("N", "previous_problem", "Prev failed", show=False),
        Binding("f", "follow", "Follow", show=False, id="timeline_follow"),
    ]

    follow: reactive[bool] = reactive(True)
    """Keep the newest task in view and the window growing; moving the cursor stops it."""

    class CursorMoved(Message):
        """The cursor is on another row (or the row under it stands for another node)."""

        def __init__(self, node: Node | None, *, following: bool) -> None:
            super().__init__()
            self.node = node
            self.following = following

    class FollowChanged(Message):
        def __init__(self, follow: bool) -> None:
            super().__init__()
            self.follow = follow

    def __init__(
        self,
        state: RunState,
        now: Callable[[], float | None],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.state = state
        #: the moment running bars reach: the app's clock while the run is live, else None
        self.now = now
        #: where the axis line is shown (above the chart), repainted with the chart
        self.axis: Static | None = None
        self._axis_text: Text | None = None
        self.rows: list[TimelineRow] = []
        #: task node ids whose lanes are shown
        self.opened: set[int] = set()
        self.cursor = 0
        self.zoom = Zoom(pinned=True)
        self.query_filter = Query()
        self.marks: DiffMarks | None = None
        #: the structure changed under a filter: rebuilt when the app next refilters
        self._filter_dirty = False
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        #: the styles those lines were drawn in: a focus change keeps them, a theme not
        self._drawn_in = StyleMemo(self.COMPONENT_CLASSES)
        #: what every line of the paint under way shares: one look at the clock, the size
        #: and the styles a paint, not one a line (`rich_style` walks every ancestor)
        self._paint: _Paint | None = None
        self._announced: Node | None = None
        self.rebuild()

    # ------------------------------------------------------------ rows

    @property
    def cursor_row(self) -> TimelineRow | None:
        rows = self.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def rebuild(self) -> None:
        """Rows again from the tree (structure changed, lanes opened, filter changed);
        the cursor stays on its row where that row is still there."""
        here = self.cursor_row
        key = here.key if here is not None else None
        query = self.query_filter if self.query_filter else None
        self.rows = timeline_rows(self.state.tree.root, self.opened, query)
        self._filter_dirty = False
        if key is not None:
            index = row_with_key(self.rows, key)
            if index is None and here is not None:
                index = row_of(self.rows, here.node)
            if index is not None:
                self.cursor = index
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        self.virtual_size = Size(self.size.width, len(self.rows))
        if self.follow:
            self._follow_now()
        self.refresh()

    def apply_changes(self, changes: Changes, *, shown: bool) -> None:
        """Take a frame's changes: rows again if plays, tasks or opened lanes came or went."""
        if self._structure_changed(changes):
            if self.query_filter:
                self._filter_dirty = True
            else:
                self.rebuild()
        elif self.query_filter and (changes.changed or changes.added):
            self._filter_dirty = True  # statuses and names move hits
        if shown and (changes or self.is_live()):
            if self.follow:
                self._follow_now()
            self.refresh()

    def _structure_changed(self, changes: Changes) -> bool:
        opened = self.opened
        for group in (changes.added, changes.moved, changes.removed):
            for node in group:
                kind = node.kind
                if kind in ("play", "task", "playbook"):
                    return True
                if kind == "host" and (node.parent is None or node.parent.id in opened):
                    return True
        if opened:
            # a run that moved away from an opened task leaves its old task changed
            return any(node.kind == "task" and node.id in opened for node in changes.changed)
        return False

    def refilter(self) -> None:
        if self._filter_dirty and self.query_filter:
            self.rebuild()

    def set_query(self, query: Query) -> None:
        if query == self.query_filter:
            return
        self.query_filter = query
        self.rebuild()
        if query and self.rows and not self.follow:
            self._move_to(self.cursor)

    def set_marks(self, marks: DiffMarks | None) -> None:
        self.marks = marks
        self._strips.clear()
        self.refresh()

    def is_live(self) -> bool:
        """Whether bars grow with the clock (something runs and the run is live)."""
        return self.now() is not None and not self.state.tree.finished

    # ------------------------------------------------------------ the window

    def geometry(self) -> Geometry:
        return geometry(self.scrollable_content_region.width, marks=bool(self.marks))

    def window(self, now: float | None = None) -> TimeWindow | None:
        """The window of time the bars are drawn in, None before the run has a start."""
        start, end = self.state.times.span(now if now is not None else self.now())
        if start is None:
            return None
        if end is None or end < start:
            end = start
        return self.zoom.window(start, end, self.geometry().bar)

    def axis_text(self, window: TimeWindow | None = None) -> Text:
        """The axis line, aligned with the bars: ticks at round times since the run's start."""
        shape = self.geometry()
        window = window or self.window()
        style = self.get_component_rich_style("timeline--axis", partial=True)
        text = Text(" " * (shape.bar_x), style=style)
        if window is None:
            return text
        text.append(axis_line(window, self._origin()), style=style)
        if self.zoom.level > 1:
            text.append(f" ×{self.zoom.level}", style=style)
        return text

    def _paint_axis(self, window: TimeWindow | None) -> None:
        """The axis follows what the chart paints (its window and its columns)."""
        if self.axis is None:
            return
        text = self.axis_text(window)
        if text != self._axis_text:
            self._axis_text = text
            self.axis.update(text)

    def _origin(self) -> float:
        start = self.state.times.span()[0]
        return start if start is not None else 0.0

    # ------------------------------------------------------------ rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._drawn_in.changed(self):
            self._strips.clear()
        self._paint = paint = self._paint_state()
        self._paint_axis(paint.window)
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _paint_state(self) -> _Paint:
        now = self.now()
        return _Paint(
            now=now,
            window=self.window(now),
            shape=self.geometry(),
            width=self.scrollable_content_region.width,
            base=self.rich_style,
            cursor=self.get_component_rich_style("timeline--cursor"),
        )

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_state()
        window, now, shape = paint.window, paint.now, paint.shape
        width, base = paint.width, paint.base
        index = self.scroll_offset.y + y
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        timed = row_times(row, self.state.times, now)
        bars = bars_of(timed.spans, window) if window is not None else ()
        opened = row.node.id in self.opened
        mark = row_mark(row, self.marks) if shape.mark else None
        cursor = index == self.cursor
        label = row_label(row, opened)
        key = (
            row.key,
            label.plain,
            row.status,
            bars,
            timed.seconds if timed.seconds is None else round(timed.seconds, 2),
            timed.running,
            mark.plain if mark is not None else None,
            cursor,
            shape,
            base,
            self.has_focus,
        )
        strip = self._strips.get(key)
        if strip is None:
            segments = line_segments(
                row, label, bars, timed.seconds, timed.running, mark, shape, self._cells
            )
            strip = Strip(segments).apply_style(base)
            if cursor:
                strip = strip.apply_style(paint.cursor)
            strip = strip.extend_cell_length(width, base).crop(0, width)
            self._strips[key] = strip
        return strip

    def _cells(self, text: Text, width: int) -> list[Segment]:
        """`text` in exactly `width` cells (cut with an ellipsis, padded)."""
        cut = text.copy()
        cut.truncate(width, overflow="ellipsis", pad=True)
        return list(cut.render(self.app.console, end=""))

    def notify_style_update(self) -> None:
        # Lines stay (each focus change comes here): `render_lines` drops them when the
        # styles they were drawn in changed.
        super().notify_style_update()
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._strips.clear()
        self.refresh()

    # ------------------------------------------------------------ cursor

    def _move_to(self, index: int, *, center: bool = False, user: bool = True) -> None:
        rows = self.rows
        if not rows:
            return
        if user and self.follow:
            self.follow = False
        old = self.cursor
        self.cursor = max(0, min(index, len(rows) - 1))
        self._scroll_to_cursor(center=center)
        if old != self.cursor:
            self.refresh()
        self._announce(following=False)

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        y = self.cursor
        if center:
            self.scroll_to(y=max(0, y - height // 2), animate=False, immediate=True)
        elif y < top:
            self.scroll_to(y=y, animate=False, immediate=True)
        elif height and y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False, immediate=True)

    def _announce(self, *, following: bool) -> None:
        row = self.cursor_row
        node = row.target if row is not None else None
        if node is not self._announced:
            self._announced = node
            self.post_message(self.CursorMoved(node, following=following))

    def follow_now(self) -> None:
        """Put the cursor on the newest task and it in view (follow mode's step)."""
        self._follow_now()
        self.refresh()

    def _follow_now(self) -> None:
        index = newest_row(self.rows)
        if index is None:
            return
        if not self.zoom.pinned:
            self.zoom = Zoom(self.zoom.level, self.zoom.offset, pinned=True)
        self.cursor = index
        # The newest task and what ran after it stay in view: scroll to the bottom.
        self.scroll_to(y=max(0, len(self.rows) - 1), animate=False, immediate=True)
        self._scroll_to_cursor()
        self._announce(following=True)

    def select(self, node: Node) -> bool:
        """Put the cursor on the row that shows `node` (opening its task's lanes for a host)."""
        task = task_above(node)
        if task is not None and task is not node and task.id not in self.opened:
            self.opened.add(task.id)
            self.rebuild()
        index = row_of(self.rows, node)
        if index is None:
            return False
        self.follow = False
        self._move_to(index, center=True, user=False)
        return True

    def watch_follow(self, follow: bool) -> None:
        self.post_message(self.FollowChanged(follow))
        if follow:
            self._follow_now()
            self.refresh()
        elif self.zoom.pinned:
            # The window stays where it is now, no longer carried along by the run's end.
            window = self.window()
            offset = window.start - self._origin() if window is not None else 0.0
            self.zoom = Zoom(self.zoom.level, offset, pinned=False)

    # ------------------------------------------------------------ actions

    def action_cursor_up(self) -> None:
        """Move up a row."""
        self._move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move down a row."""
        self._move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move up a page."""
        self._move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        """Move down a page."""
        self._move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first_row(self) -> None:
        """Go to the first row."""
        self._move_to(0)

    def action_last_row(self) -> None:
        """Go to the last row."""
        self._move_to(len(self.rows) - 1)

    def action_open_or_child(self) -> None:
        """Show the task's lanes, one per host; on an open task, go to its first lane."""
        row = self.cursor_row
        if row is None:
            return
        if row.kind == "task" and row.node.id not in self.opened:
            self._set_open(row.node, True)
        elif row.kind != "lane" and self.cursor + 1 < len(self.rows):
            self._move_to(self.cursor + 1)

    def action_close_or_parent(self) -> None:
        """Hide the task's lanes; on a lane or a closed task, go to its task or play."""
        row = self.cursor_row
        if row is None:
            return
        if row.kind == "task" and row.node.id in self.opened:
            self._set_open(row.node, False)
            return
        parent = row.node if row.kind == "lane" else row.node.parent
        if parent is None:
            return
        index = next(
            (i for i, r in enumerate(self.rows) if r.node is parent and r.kind != "lane"), None
        )
        if index is not None:
            self._move_to(index)

    def action_toggle_lanes(self) -> None:
        """Show or hide the lanes of the task under the cursor."""
        row = self.cursor_row
        if row is None or row.kind == "play":
            return
        self._set_open(row.node, row.node.id not in self.opened)

    def _set_open(self, task: Node, opened: bool) -> None:
        if self.follow:
            self.follow = False
        if opened:
            self.opened.add(task.id)
        else:
            self.opened.discard(task.id)
        self.rebuild()
        index = row_with_key(self.rows, ("task", task.id, None))
        if index is not None:
            self._move_to(index)

    async def action_open_in_tasks(self) -> None:
        """Show the row's task or host run in the Tasks view."""
        if self.follow:
            self.follow = False
        await self.app.run_action("show_view('tasks')")

    def action_zoom(self, factor: int) -> None:
        """Zoom in (2) or out (-2), keeping the cursor's bar where it is."""
        window = self.window()
        if window is None:
            return
        focus = self._focus_moment(window)
        level = self.zoom.level * factor if factor > 0 else self.zoom.level // -factor
        self.zoom = self.zoom.at_level(level, window, self._origin(), focus)
        self._window_moved()

    def action_pan(self, direction: int) -> None:
        """Move the window later (1) or earlier (-1) by a quarter of its width."""
        window = self.window()
        if window is None or self.zoom.level == 1:
            return
        if self.follow:
            self.follow = False
        self.zoom = self.zoom.panned(direction * PAN_SHARE * window.width, window, self._origin())
        self._window_moved()

    def action_reset_zoom(self) -> None:
        """Show the whole run again."""
        self.zoom = Zoom(pinned=self.follow)
        self._window_moved()

    def _window_moved(self) -> None:
        self.refresh()

    def _focus_moment(self, window: TimeWindow) -> float:
        """The middle of the cursor's bar when it is in the window, else the window's."""
        row = self.cursor_row
        if row is not None:
            timed = row_times(row, self.state.times, self.now())
            if timed.spans:
                start, end = timed.spans[0][0], timed.spans[-1][1]
                middle = (start + end) / 2
                if window.start <= middle <= window.end:
                    return middle
        return window.start + window.length / 2

    def action_next_problem(self) -> None:
        """Go to the next failed or unreachable task or host lane (wraps)."""
        self._jump(backwards=False)

    def action_previous_problem(self) -> None:
        """Go to the previous failed or unreachable task or host lane."""
        self._jump(backwards=True)

    def _jump(self, *, backwards: bool) -> None:
        index = next_problem_row(self.rows, self.cursor, backwards=backwards)
        if index is None:
            self.notify("No failed or unreachable tasks.", title="Failures")
            return
        self._move_to(index, center=True)

    def action_follow(self) -> None:
        """Follow the newest task, the window growing with the run."""
        self.follow = True

    async def _on_click(self, event: events.Click) -> None:
        """A click selects the row; a double click on a task, or a click on its ▸/▾,
        shows or hides its lanes (as the tree's expander does)."""
        index = int(self.scroll_offset.y) + event.y
        if not 0 <= index < len(self.rows):
            return
        self._move_to(index)
        row = self.rows[index]
        on_expander = event.x == 1 and has_lanes(row.node)
        if row.kind == "task" and (event.chain == 2 or on_expander):
            self._set_open(row.node, row.node.id not in self.opened)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.follow:
            self.follow = False

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.follow:
            self.follow = False
