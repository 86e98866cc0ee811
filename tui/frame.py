"""The frame clock: when the app paints what the feed read, and what a frame paints.

A frame takes the feed's changes under its lock and hands them to every view, the
detail pane (at its own slower pace) and the header; it comes as soon as the feed says
changes wait and the last frame is far enough behind, and at least every `HEARTBEAT`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.timer import Timer

from .palette import OpenPaletteRefresh
from .views.base import Frame, RunView, Shown

if TYPE_CHECKING:
    from .app import JobEventsApp
    from .feed import RunFeed

#: frames come when the feed has changes, at most this often
FRAME_GAP = 0.05
#: and at least this often (the elapsed time, a detail pane or filter held back)
HEARTBEAT = 0.5
#: a filtered view is recomputed at most this often while events arrive
REFILTER_EVERY = 0.5
#: the detail pane follows the cursor and its node's changes this often, and only
#: every DETAIL_BUSY_EVERY while events pour in (a frame of more than BUSY_FRAME
#: changes in the last second): a big task's host table is costly to lay out
DETAIL_EVERY = 0.25
DETAIL_BUSY_EVERY = 2.0
BUSY_FRAME = 100
#: while the files present at start are read, the screen shows progress this often (a
#: frame costs the UI ~30 ms of the CPU the load needs: 6% at 0.5 s, 3% at 1 s)
LOADING_FRAME = 1.0


class FrameClock:
    """Paints the app's frames, one at a time, from the feed of the run shown."""

    def __init__(self, app: JobEventsApp) -> None:
        self.app = app
        #: the run's event count when the view shown stopped following (None: following)
        self.unseen_mark: int | None = None
        self._reported_errors: set[str] = set()
        self._last_refilter = 0.0
        self._detail_stale = False
        self._detail_painted = 0.0
        self._detail_next: Shown | None = None
        self._busy_until = 0.0
        #: the last frame came while the first load was going on
        self._loading = True
        self._last_frame = 0.0
        #: the frame coming (None: none is set), and when it is due (monotonic)
        self._timer: Timer | None = None
        self._timer_due = 0.0
        self._palette_refresh = OpenPaletteRefresh()

    def forget_run(self) -> None:
        """The run shown was dropped: what was said of it (errors, unseen count) goes too."""
        self._reported_errors = set()
        self.unseen_mark = None

    def follow_cursor(self, shown: Shown | None) -> None:
        """Follow mode moved the cursor: the detail pane shows `shown` with a later frame."""
        self._detail_next = shown
        self._detail_stale = True
        self.request()

    def cursor_moved_by_user(self) -> None:
        """The user's node wins over a repaint that follow mode had queued."""
        self._detail_next = None
        self._detail_stale = False

    def request(self) -> None:
        """Paint a frame as soon as the last one is far enough behind (one at a time).

        A frame right after the feed applies a batch, rather than on a fixed clock, takes
        the wait for the next tick out of every event's way to the screen.
        """
        feed = self.app.feed
        gap = FRAME_GAP if feed is None or feed.loaded.is_set() else LOADING_FRAME
        due = self._last_frame + gap
        if due > time.monotonic():
            self._paint_by(due)
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.paint()

    def _paint_by(self, due: float) -> None:
        """A frame no later than `due` (monotonic)."""
        if self._timer is not None:
            if self._timer_due <= due:
                return  # the frame already coming is soon enough
            # Set later (at the slower loading pace, and the load is done: the first live
            # frame must not wait for it, nor live changes told once until it takes them).
            self._timer.stop()
        self._timer_due = due
        self._timer = self.app.set_timer(max(due - time.monotonic(), 0.0), self._timed)

    def _timed(self) -> None:
        self._timer = None
        self.paint()

    def paint(self) -> None:
        """Take what the feed read since the last frame and hand it to every view."""
        app = self.app
        feed, view = app.feed, app.view
        if feed is None or view is None:
            return
        now = time.monotonic()
        self._last_frame = now
        detail = app.detail
        with feed.lock:
            changes = feed.take()
            feed.state.frame_taken(changes)
            loading = not feed.loaded.is_set()
            load_ended, self._loading = self._loading and not loading, loading
            if len(changes.added) + len(changes.changed) > BUSY_FRAME:
                self._busy_until = now + 1.0
            busy = now < self._busy_until
            frame = Frame(changes, loading=loading, busy=busy)
            for each in app.views.values():
                each.apply_frame(frame)
            app.comparing.frame_taken(changes)
            if changes and detail.is_stale(changes):
                self._detail_stale = True
            every = DETAIL_BUSY_EVERY if busy else DETAIL_EVERY
            # The first frame after the load shows what the load made of the pane's node
            # (a pane painted mid-load showed it half made), whatever the clock says.
            if self._detail_stale and (load_ended or now - self._detail_painted >= every):
                self._detail_stale = False
                self._detail_painted = now
                node, self._detail_next = self._detail_next or detail.node, None
                detail.show(node, force=node is detail.node)
            if app.query_filter and now - self._last_refilter >= REFILTER_EVERY:
                self._last_refilter = now
                view.refresh_filter()
            self.paint_header(feed, view)
            errors = list(feed.errors.items())
            arrived = feed.state.names.arrived
        if self._detail_stale:  # put off by the clock above: a frame then, or none may come
            self._paint_by(self._detail_painted + every)
        stack = app.screen_stack  # empty while the app shuts down: no screen to look at
        if stack:
            self._palette_refresh.check(stack[-1], arrived)
        if not loading:  # the first load's are told once, at its end: not toasts a frame
            self._report_errors(feed, errors)

    def _report_errors(self, feed: RunFeed, errors: list[tuple[str, str]]) -> None:
        """A toast for each unreadable file not reported yet (three, then a count)."""
        fresh = [(name, why) for name, why in errors if name not in self._reported_errors]
        if not fresh:
            return
        self._reported_errors.update(name for name, _why in fresh)
        title = "Unreadable record" if feed.stream is not None else "Unreadable event file"
        for name, why in fresh[:3]:
            self.app.say(f"{name}: {why}", title=title, severity="warning")
        if len(fresh) > 3:
            self.app.notify(f"and {len(fresh) - 3} more", title="Unreadable event files")

    def paint_header(self, feed: RunFeed, view: RunView) -> None:
        """The header of the run shown: its state, the view, the filter and follow. Call
        with the feed's lock held."""
        app = self.app
        query = app.query_filter
        parts = []
        if query.text and view.FILTERS_TEXT:
            parts.append(f"/{query.text}")
        if query.status and view.FILTERS_STATUS:
            parts.append(f"status: {query.status}")
        elif query.status:  # kept for the views it filters: said, not silently on
            parts.append(f"status: {query.status} (in the tree views)")
        summary = view.filter_summary()
        if summary:
            parts.append(summary)
        follow = view.is_following
        app.header.show_run(
            ident=feed.ident,
            status=feed.status,
            tree=feed.tree,
            errors=len(feed.errors),
            warnings=feed.state.warnings,
            follow=follow,
            # counted from when the view said follow went off (its message may come after
            # a header painted from `is_following`: nothing is counted until then)
            unseen=feed.tree.events - self.unseen_mark
            if not follow and self.unseen_mark is not None
            else 0,
            filter_text="  ".join(parts),
            clock=app.clock,
            view=view.VIEW_NAME,
            stream=feed.stream,
            compare=app.comparing.header(),
        )
