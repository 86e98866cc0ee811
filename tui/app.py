"""JobEventsApp: the live view of an ansible-runner run, driven from the keyboard."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.widget import AwaitMount, AwaitRemove, Widget
from textual.widgets import ContentSwitcher, Input, Static

from jobevents.core.ansi import safe_line
from jobevents.core.folder import FACT_CACHE
from jobevents.core.name_index import NameHit
from jobevents.core.query import STATUS_FILTERS, Query
from jobevents.core.run_listing import RunListing
from jobevents.core.task_file import (
    SourceRoots,
    private_data_dir_of,
)

from .app_settings import AppSettings
from .cold_start import first_frame_painted, quick_switches
from .comparing import Comparing
from .feed import RunFeed
from .frame import HEARTBEAT, FrameClock
from .palette import GoTo, RunCommands
from .run_end import RunEnd
from .run_switching import RunSwitching
from .settings import Settings
from .views import VIEW_IDS, VIEW_KEYS, view_type
from .views.base import RunView
from .views.tasks import TasksView
from .widgets.detail_pane import DETAIL_MODES, DetailPane
from .widgets.key_footer import KeyFooter
from .widgets.run_header import RunHeader
from .widgets.run_screen import RunScreen

if TYPE_CHECKING:
    from .launch import PlaybookProcess
    from .widgets.quit_dialog import QuitChoice

NARROW_BELOW = 100


class FeedChanged(Message):
    """The feed thread has changes for a frame."""


class JobEventsApp(App[int]):
    """A shell of views over one live run: header, views, detail pane and footer.

    The app owns the feed and the frame clock; each frame it hands the same changes to
    every view, and it keeps the selection when the user switches views.
    """

    TITLE = "jobevents-tui"
    CSS_PATH = "app.tcss"
    #: ctrl+p: Textual's system commands (theme, keys, screenshot) and ours
    COMMANDS = App.COMMANDS | {RunCommands, GoTo}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        # priority: taken as they arrive, so the keys behind "/" go to the search (and
        # behind enter in the search, such as "n", to the view)
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("enter", "submit_search", show=False, priority=True),
        Binding("escape", "clear_filter", "Clear", show=False, id="clear"),
        Binding("s", "cycle_status", "Status", id="status_filter"),
        Binding("r", "pick_run", "Runs", show=False, id="runs"),
        Binding("d", "compare", "Compare", show=False, id="compare"),
        Binding("tab", "toggle_focus", "Detail", id="focus_detail"),
        # One binding a mode, the one shown naming the mode now shown: `x` cycles them.
        *(
            Binding("x", f"cycle_detail('{mode}')", title, id="detail_mode")
            for mode, title in zip(DETAIL_MODES, ("Summary", "JSON", "YAML"), strict=True)
        ),
        Binding("E", "edit_source", "Edit", show=False, id="edit_source"),
        *(
            Binding(key, f"show_view('{view_id}')", name, id=f"view_{view_id}")
            for key, view_id, name in VIEW_KEYS
        ),
        Binding("o", "worker_output", "Output", id="worker_output"),
        Binding("y", "copy_selected", "Copy", show=False, id="copy"),
    ]

    def __init__(
        self,
        path: Path | None = None,
        *,
        feed: RunFeed | None = None,
        ident: str | None = None,
        force_polling: bool = False,
        watch: bool = True,
        clock: Callable[[], float] = time.time,
        process: PlaybookProcess | None = None,
        retry_for: float = 5.0,
        projects: Sequence[Path] = (),
        theme: str | None = None,
        settings: Settings | None = None,
        early_feed: RunFeed | None = None,
        runs: RunListing | None = None,
    ) -> None:
        super().__init__()
        #: the settings, and the theme to start with (`--theme` over the settings')
        self.app_settings = AppSettings(self, settings, theme)
        #: a feed made by the caller (a worker stream): the one run shown, no runs to find
        self.given_feed = feed
        self.path = Path(path if path is not None else feed.source.label if feed else ".")
        #: `--project` dirs: where the playbooks of the run are on this machine
        self.projects = tuple(Path(p) for p in projects)
        self.ident = ident
        self.force_polling = force_polling
        self.watch_folder = watch
        self.clock = clock
        #: how long a file that does not parse is retried before it is reported
        self.retry_for = retry_for
        self.feed: RunFeed | None = None
        #: the views of the run shown that were shown at least once, by id (built the first
        #: time they are shown; empty until a run opens)
        self.views: dict[str, RunView] = {}
        #: the view shown
        self.view_id = VIEW_IDS[0]
        #: the search and status filter, shared by the views
        self.query_filter = Query()
        self._status_index = 0
        #: when frames come and what they paint
        self.frames = FrameClock(self)
        self._search_timer: Timer | None = None
        #: the search box (`search`), once mounted
        self._search: Input | None = None
        self._open_count = 0
        #: the end of the run this app started (`run`, `demo`) or was piped, and leaving
        self.run_end = RunEnd(self, process)
        #: the comparison with another run (`d`), when one is on
        self.comparing = Comparing(self)
        #: which run is shown and the switch to another (its feed starts now, before Textual,
        #: unless `watch` started it already: `early_feed`, the run at PATH, found in `runs`)
        self.run_switching = RunSwitching(self, feed, early_feed, runs)

    @property
    def runs(self) -> RunListing:
        """The runs under PATH, listed again only when artifacts/ changes."""
        return self.run_switching.runs

    # --------------------------------------------------------------- views

    @property
    def view(self) -> RunView | None:
        """The view shown."""
        return self.views.get(self.view_id)

    @property
    def run_tree(self) -> TasksView | None:
        """The tasks view (the tree), if a run is shown."""
        view = self.views.get(TasksView.VIEW_ID)
        return view if isinstance(view, TasksView) else None

    async def action_show_view(self, view_id: str) -> None:
        """Switch to another view, on the same node where it can show it. A view shown for
        the first time is built on the run as it is now, and mounted before it is shown."""
        if view_id not in self.views:
            if self.feed is None or view_id not in VIEW_IDS:
                return
            await self._add_view(view_id)
        self._switch_view(view_id)

    def _switch_view(self, view_id: str) -> None:
        new = self.views.get(view_id)
        old = self.view
        if new is None:  # the run was dropped while the view was mounted
            return
        if new is not old:
            node = old.selected_node() if old is not None else None
            following = old.is_following if old is not None else True
            self.view_id = view_id
            self.switcher.current = _widget(new).id
            if self.feed is not None:
                with self.feed.lock:
                    new.view_shown()
            self._apply_query()
            if following:
                new.start_following()
            elif node is not None and self.feed is not None:
                with self.feed.lock:
                    new.select_node(node)
            self.detail.show(new.selected_shown())
        _widget(new).focus()
        # The footer's keys right after the focus moves, not after the next refresh: the
        # view, its keys and the header are laid out and painted once, together.
        self.call_later(self.footer.show_keys)
        self._request_frame()

    def view_keys(self) -> list[tuple[str, str, str]]:
        """(key, view id, name) of each view the run shows."""
        return list(VIEW_KEYS) if self.views else []

    def view_action(self, name: str) -> None:
        """Run a view's own action (`expand_all`, `follow`, ...) from the palette; a view
        made of parts (the timeline) runs it on the part that has it."""
        view = self.view
        if view is None:
            return
        widget = _widget(view)
        targets = [widget, *widget.query("*")]
        for target in targets:
            if hasattr(target, f"action_{name}"):
                self.run_worker(target.run_action(name), group="palette-action")
                return
        self.notify(f"The {view.VIEW_NAME} view has no {name.replace('_', ' ')}.", markup=False)

    def set_status_filter(self, status: str | None) -> None:
        """Show only host runs of `status` (None: all), as `s` cycles to it."""
        self._status_index = STATUS_FILTERS.index(status)
        self._apply_query()

    def find_names(self, query: str, limit: int) -> list[NameHit]:
        """Plays, tasks and hosts of the run whose names match `query` (the palette's go to)."""
        feed = self.feed
        if feed is None:
            return []
        with feed.lock:
            return feed.state.names.search(query, limit)

    async def go_to(self, hit: NameHit) -> None:
        """Put the cursor on a play, task or host the palette found (`go_to.py`)."""
        from .go_to import go_to  # on a palette pick only

        await go_to(self, hit)

    def clear_filters(self) -> None:
        """Drop the search and the status filter: every node shows again."""
        self._close_search()
        self._status_index = 0
        self._apply_query()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("search", "submit_search"):
            # None leaves the key to where it is typed, and shows "/" as unavailable: in a
            # dialog (its text, its pick) and in the search ("/" there is text: a path)
            stack = self.screen_stack
            if not stack or not isinstance(stack[-1], RunScreen):
                return None
            typing = self._search is not None and self._search.has_focus
            return typing if action == "submit_search" else (None if typing else True)
        if action == "show_view" and parameters:
            return bool(self.views) and parameters[0] in VIEW_IDS
        if action == "cycle_detail" and parameters:
            # Only the binding of the mode shown is live (and in the footer).
            detail = getattr(self, "detail", None)  # asked before compose, too
            mode = detail.mode if detail is not None else "summary"
            return True if parameters[0] == mode else False  # noqa: SIM210
        if action == "worker_output":  # only a worker stream has worker output
            return self.given_feed is not None and self.given_feed.stream is not None
        return True

    # -------------------------------------------------------------- layout

    def get_default_screen(self) -> RunScreen:
        return RunScreen(id="_default")

    def compose(self) -> ComposeResult:
        # Kept as attributes: query_one() looks at the current screen, which is a modal
        # (help, quit dialog, run picker) while one is open, and the frame still paints.
        self.header = RunHeader(id="header")
        self.detail = DetailPane(id="detail")
        self.main = Horizontal(id="main")
        self.switcher = ContentSwitcher(id="views")
        self.switcher.display = False  # until a run opens: the waiting line has the room
        self.waiting: Static | None = Static(
            Text(f"Waiting for a run under {self.path} …"), id="waiting"
        )
        yield self.header
        with self.main:
            yield self.waiting
            yield self.switcher
            yield self.detail
        self.footer = KeyFooter(compact=True)
        yield self.footer

    def on_mount(self) -> None:
        quick_switches()  # the writer thread writes the first frame while we go on
        self.call_after_refresh(self._first_frame_painted)
        self.app_settings.apply()
        self.set_interval(HEARTBEAT, self._request_frame)
        self.set_interval(1.0, self._check_runs)
        self._apply_width(self.size.width)
        self._check_runs()
        if self.screen.focused is None:  # no run opened: what Textual would have focused
            self.detail.focus()

    def _first_frame_painted(self) -> None:
        """The first frame is on screen: the collector runs again (`watch` paused it), and
        the feed of the run shown goes on from its first load (`RunFeed.hold_until_shown`)."""
        first_frame_painted()
        if self.feed is not None:
            self.feed.shown()

    def restyle(self) -> None:
        """Paint every status in the theme's colours (the theme has changed)."""
        for view in self.views.values():
            view.restyle()
        self.detail.show(self.detail.node, force=True)
        self._request_frame()

    def on_unmount(self) -> None:
        self.comparing.stop()
        if self.feed is not None:
            self.feed.stop()
        self.run_switching.stop()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        if narrow != self.screen.has_class("-narrow"):
            self.screen.set_class(narrow, "-narrow")
            self.app_settings.place_detail(narrow=narrow)

    # ------------------------------------------------------------ the run

    def _check_runs(self) -> None:
        """Every second: open the first run, notice new ones; say when our run ended (after
        opening: a run that ended before it was first opened has its events all the same)
        and when a worker stream has ended."""
        self.run_switching.check()
        self.run_end.check()

    def drop_run(self) -> list[AwaitRemove]:
        """Take the run shown off the screen: its views are removed (awaitables that say
        when they are gone), and what was said of it is forgotten."""
        removals = [_widget(old).remove() for old in self.views.values()]
        self.views = {}
        if self.waiting is not None:
            self.waiting.remove()
            self.waiting = None
        self.frames.forget_run()
        return removals

    def show_run(self, feed: RunFeed) -> None:
        """Show `feed`'s run: the view shown before (built now; the others when first
        shown), the detail pane bound to it; frames follow its changes."""
        self.feed = feed
        self._open_count += 1
        # a stream saved nowhere has no private data dir to look in
        pdd = private_data_dir_of(feed.run.ident_dir) if feed.run is not None else None
        roots = SourceRoots(self.projects, pdd)
        ident_dir = feed.run.ident_dir if feed.run is not None else None
        fact_cache = ident_dir / FACT_CACHE if ident_dir is not None else None
        self.detail.bind_run(feed.lock, feed.read_payload, roots, fact_cache=fact_cache)
        self.switcher.display = True
        if self.view_id not in VIEW_IDS:
            self.view_id = VIEW_IDS[0]
        self._add_view(self.view_id)
        view = self.views[self.view_id]
        self.switcher.current = _widget(view).id
        self.query_filter = Query()
        self._apply_query()
        # Focused now, not when `focus()`'s turn comes (after the first frame), and styled
        # focused now, not when the view handles its Focus event: the first frame paints
        # the tree as it stays, and the next does not render all its rows again
        widget = _widget(view)
        widget.screen.set_focus(widget)
        widget.has_focus = widget.screen.focused is widget
        feed.tell_to(self._feed_changed)

    def _add_view(self, view_id: str) -> AwaitMount:
        """Build the view `view_id` on the run shown (from what the feed has built so far:
        it may be loading) and mount it, hidden, in the switcher: awaited, it is mounted."""
        feed = self.feed
        assert feed is not None
        with feed.lock:
            view = view_type(view_id)(feed.state)  # type: ignore[call-arg]
            if self.comparing.marks is not None:
                view.show_marks(self.comparing.marks)
        widget = _widget(view)
        # ids are unique per run: the old views may not be gone yet
        widget.id = f"view-{view_id}-{self._open_count}"
        # ContentSwitcher hides only the children it had at mount: hide it until shown (a
        # shown one would be laid out below the one in front, and keep painting there)
        widget.display = False
        mounted = self.switcher.mount(widget)
        if not self.app_settings.settings.follow:
            view.stop_following()
        self.views[view_id] = view
        return mounted

    # --------------------------------------------------------------- frame

    def _feed_changed(self) -> None:
        """On the feed thread: changes wait. `post_message` is Textual's thread-safe way in."""
        self.post_message(FeedChanged())

    def on_feed_changed(self, _message: FeedChanged) -> None:
        self._request_frame()

    def _request_frame(self) -> None:
        """Paint a frame as soon as the last one is far enough behind (`FrameClock`)."""
        self.frames.request()

    def refresh_header(self) -> None:
        """Repaint the header (and whatever else waits) with the next frame."""
        self._request_frame()

    @on(RunView.FollowChanged)
    def _follow_changed(self, event: RunView.FollowChanged) -> None:
        if event.view is not self.view:
            return
        if self.feed is not None and not event.follow:
            self.frames.unseen_mark = self.feed.tree.events
        elif event.follow:
            self.frames.unseen_mark = None
        self._request_frame()  # the header says whether we follow

    @on(RunView.Highlighted)
    def _cursor_moved(self, event: RunView.Highlighted) -> None:
        if event.view is not self.view:
            return
        if event.following and not event.view.is_following:
            return  # a follow move told before the cursor was taken (a view just built)
        if event.following:
            # Follow mode moves the cursor as fast as tasks start: repaint on the frame clock.
            self.frames.follow_cursor(event.shown)
            return
        self.frames.cursor_moved_by_user()
        self.detail.show(event.shown)
        if self.query_filter:
            self._request_frame()  # the header's count of matches may name the cursor's

    # ------------------------------------------------------------- actions

    def action_copy_selected(self) -> None:
        """Copy the selected node's host, task, status, msg and path:line as plain text."""
        from .copying import copy_selected  # on `y` only

        copy_selected(self)

    def action_help(self) -> None:
        """Show every key."""
        from .widgets.help_screen import HelpScreen  # on `?`: not at start

        self.push_screen(HelpScreen())

    @property
    def search(self) -> Input:
        """The search box under the views, mounted when first asked for (`/`): the first
        frame does not show it, and it cost the start its CSS, styles and mount."""
        search = self._search
        if search is None:
            search = self._search = Input(
                placeholder="search names and messages; enter keeps, escape clears", id="search"
            )
            self.footer.screen.mount(search, before=self.footer)
        return search

    def action_search(self) -> None:
        """Filter the tree to nodes whose name or message matches, live."""
        search = self.search
        search.add_class("-visible")
        # Now, not after the keys already queued (`focus()` waits its turn): what is
        # typed or pasted right after "/" belongs to the search, not to the tree.
        self.screen.set_focus(search)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.15, self._apply_query)

    def action_submit_search(self) -> None:
        """Enter in the search: applied, and the keys typed after it are the view's."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_query()
        self.focus_view()

    def focus_view(self) -> None:
        """The view takes the keys now: `focus()` would wait behind those already typed."""
        if self.view is not None and (keys := self.view.key_widget()).is_attached:
            keys.screen.set_focus(keys)

    def action_clear_filter(self) -> None:
        """Clear the search (then the status filter)."""
        search = self._search
        if search is not None and (search.value or search.has_focus):
            self._close_search()
        elif self._status_index:
            self._status_index = 0
        else:
            return
        self._apply_query()
        self.focus_view()

    def _close_search(self) -> None:
        """Empty and hide the search box (if it was ever mounted)."""
        search = self._search
        if search is not None:
            search.value = ""
            search.remove_class("-visible")

    def action_cycle_status(self) -> None:
        """Show only hosts of one status (all, failed, rescued, changed, running, skipped),
        or warnings."""
        self._status_index = (self._status_index + 1) % len(STATUS_FILTERS)
        self._apply_query()
        view = self.view
        if view is not None and not view.FILTERS_STATUS:
            status = STATUS_FILTERS[self._status_index] or "all"
            self.notify(
                f"Status filter: {status}. It filters the Tasks and Hosts views; "
                f"the {view.VIEW_NAME} shows every line.",
                title="Status",
                timeout=3,
            )

    def _apply_query(self) -> None:
        """Give the active view the search and status filter (views not shown get it later)."""
        view = self.view
        if self.feed is None or view is None:
            return
        text = self._search.value.strip() if self._search is not None else ""
        query = Query(text=text, status=STATUS_FILTERS[self._status_index])
        self.query_filter = query
        shown = Query(
            text=query.text if view.FILTERS_TEXT else "",
            status=query.status if view.FILTERS_STATUS else None,
        )
        with self.feed.lock:
            view.set_query(shown)
            self.frames.paint_header(self.feed, view)

    def action_pick_run(self) -> None:
        """Choose another run under artifacts/."""
        self.run_switching.pick()

    def action_compare(self) -> None:
        """Compare with another run under the same artifacts/ (the previous one of this
        playbook by default); again: stop comparing."""
        self.comparing.toggle()

    def action_toggle_focus(self) -> None:
        """Move the focus between the view and the detail pane."""
        detail = self.detail
        if detail.has_focus and self.view is not None:
            self.focus_view()
        else:
            detail.focus()

    def action_cycle_detail(self, _shown: str) -> None:
        """Cycle the detail pane: summary, event JSON, event YAML."""
        self.detail.cycle_mode()
        self.refresh_bindings()

    def action_edit_source(self) -> None:
        """Open the selected task's file in $VISUAL or $EDITOR at the task's line."""
        from .editor import edit_source  # on `E` only

        edit_source(self)

    def say(self, message: str, *, title: str, severity: SeverityLevel = "information") -> None:
        """A toast whose message holds run data (idents, names, paths, errors read from
        files or streams): one safe line, never markup (`[b]` in a name is shown as is)."""
        self.notify(safe_line(message, 1_000), title=title, severity=severity, markup=False)

    def action_worker_output(self) -> None:
        """Show the worker's own output lines (a stream's non-JSON lines), and its error."""
        feed = self.feed
        if feed is None or feed.stream is None:
            self.notify("Only a worker stream has worker output.", title="Output")
            return
        from .widgets.worker_output import WorkerOutput  # a stream's, on `o`: not at start

        with feed.lock:
            self.push_screen(WorkerOutput(feed.stream))

    async def action_quit(self) -> None:
        """Stop watching and leave (asks first when our run is still going)."""
        self.run_end.quit()

    @property
    def left_run(self) -> QuitChoice | None:
        """How the user left a run still going: "detach" or "cancel" (None: it had ended)."""
        return self.run_end.left_run


def _widget(view: RunView) -> Widget:
    """A view is a widget too (views inherit both); this says so to the type checker."""
    assert isinstance(view, Widget)
    return view
