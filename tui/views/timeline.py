"""TimelineView (`4`): every task on one time axis, and where the time went.

One row a task under its play, its bar from its first host start to its last host end:
under `linear` the gaps between bars are the waits for the slowest host, under `free`
bars overlap, a `serial` task spans its batches. A task opens to one lane per host.
Beside the chart (under it when the view is narrow) the slowest tasks and hosts, live.
The times are `RunState.times`, kept per frame by the app; this view only draws them.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widget import Widget
from textual.widgets import Static

from jobevents.core.diff_marks import DiffMarks
from jobevents.core.folder import FINISHED_STATES
from jobevents.core.nodes import Node
from jobevents.core.query import Query
from jobevents.core.state import RunState

from ..widgets.slowest_panel import SlowestPanel
from ..widgets.timeline_chart import TimelineChart
from .base import Frame, RunView

#: the slowest panel is repainted at most this often (seconds)
PANEL_EVERY = 0.5
#: under this many cells the panel goes under the chart instead of beside it
SIDE_PANEL_FROM = 110


class TimelineView(Container, RunView):
    """The chart of rows on a shared time axis, its axis line, and the slowest panel."""

    VIEW_ID = "timeline"
    VIEW_NAME = "Timeline"

    DEFAULT_CSS = """
    TimelineView {
        layout: horizontal;
    }
    TimelineView > #timeline-main {
        width: 1fr;
        height: 100%;
    }
    TimelineView #timeline-axis {
        height: 1;
        width: 100%;
        background: $surface;
    }
    TimelineView #timeline-chart {
        height: 1fr;
    }
    TimelineView > SlowestPanel {
        width: 40;
        height: 100%;
        border-left: vkey $panel-lighten-2;
    }
    TimelineView.-below {
        layout: vertical;
    }
    TimelineView.-below > #timeline-main {
        width: 100%;
        height: 1fr;
    }
    TimelineView.-below > SlowestPanel {
        width: 100%;
        height: 8;
        border-left: none;
        border-top: hkey $panel-lighten-2;
    }
    """

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        # Under the chart to start with: what a view of less than SIDE_PANEL_FROM cells (a
        # terminal up to ~180 wide beside the detail pane) shows, so the first layout stands.
        super().__init__(id=id, classes="-below")
        self.styles.layout = "vertical"
        self.state = state
        self.axis = Static(Text(), id="timeline-axis")
        self.chart = TimelineChart(state, self.now, id="timeline-chart")
        self.chart.axis = self.axis
        self.panel = SlowestPanel(state.times, self.now, id="timeline-slowest")
        self._panel_painted = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-main"):
            yield self.axis
            yield self.chart
        yield self.panel

    def focus(self, scroll_visible: bool = True) -> TimelineView:
        """The chart takes the keys (once it is mounted: the view is built when first shown,
        and asked for the focus before its parts are)."""
        if self.chart.is_attached:
            self.chart.focus(scroll_visible)
        else:
            self.call_after_refresh(self.chart.focus, scroll_visible)
        return self

    def key_widget(self) -> Widget:
        return self.chart

    # ------------------------------------------------------------ time

    def now(self) -> float | None:
        """Where running bars end: the app's clock while the run is live, else None."""
        if self.state.tree.finished:
            return None
        app = self.app
        feed = getattr(app, "feed", None)
        if getattr(feed, "status", None) in FINISHED_STATES:
            return None  # a killed run: what never ended does not grow
        clock = getattr(app, "clock", time.time)
        return float(clock())

    def _paint_panel(self, *, force: bool = False) -> None:
        moment = time.monotonic()
        if not force and moment - self._panel_painted < PANEL_EVERY:
            return
        self._panel_painted = moment
        self.panel.show_times()

    # ------------------------------------------------------------ view protocol

    @property
    def is_shown(self) -> bool:
        """Whether this is the view on screen (a hidden view keeps its rows, paints nothing)."""
        return self.is_mounted and getattr(self.app, "view", None) is self

    def apply_frame(self, frame: Frame) -> None:
        shown = self.is_shown
        if shown:
            self.state.times.settle()  # here, under the feed's lock, rather than at paint
        self.chart.apply_changes(frame.changes, shown=shown)
        if shown and (frame.changes or self.chart.is_live()):
            self._paint_panel()

    def view_shown(self) -> None:
        self._catch_up()

    def on_show(self, _event: events.Show) -> None:
        self._catch_up()

    def _catch_up(self) -> None:
        if self.chart.follow:
            self.chart.follow_now()
        self.chart.refresh()
        self._paint_panel(force=True)

    def selected_node(self) -> Node | None:
        row = self.chart.cursor_row
        return row.target if row is not None else None

    def select_node(self, node: Node) -> bool:
        return self.chart.select(node)

    def set_query(self, query: Query) -> None:
        self.chart.set_query(query)

    def refresh_filter(self) -> None:
        self.chart.refilter()

    def filter_summary(self) -> str:
        if not self.chart.query_filter:
            return ""
        tasks = sum(1 for row in self.chart.rows if row.kind == "task")
        return f"{tasks:,} task{'' if tasks == 1 else 's'}"

    @property
    def is_following(self) -> bool:
        return self.chart.follow

    def stop_following(self) -> None:
        self.chart.follow = False

    def start_following(self) -> None:
        if self.chart.follow:
            self.chart.follow_now()
        self.chart.follow = True

    def show_marks(self, marks: DiffMarks | None) -> None:
        self.chart.set_marks(marks)

    # ------------------------------------------------------------ layout

    def on_resize(self, event: events.Resize) -> None:
        below = event.size.width < SIDE_PANEL_FROM
        if below != self.has_class("-below"):
            self.set_class(below, "-below")
            # The class alone sometimes left the first layout standing (styles are
            # recomputed later): the layout is set here too, and applied at once.
            self.styles.layout = "vertical" if below else "horizontal"
            self.refresh(layout=True)

    # ------------------------------------------------------------ messages

    @on(TimelineChart.CursorMoved)
    def _cursor_moved(self, event: TimelineChart.CursorMoved) -> None:
        event.stop()
        self.post_message(RunView.Highlighted(self, event.node, following=event.following))

    @on(TimelineChart.FollowChanged)
    def _follow_changed(self, event: TimelineChart.FollowChanged) -> None:
        event.stop()
        self.post_message(RunView.FollowChanged(self, event.follow))
