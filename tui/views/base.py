"""What the app asks of every view, and the frame of changes each one is given.

A view is a Textual widget that also inherits `RunView`. The app calls `apply_frame`
on every view each frame (a hidden view keeps its state in step but paints nothing),
asks the active one what is selected, and hands that selection to the next view when
the user switches. A view says its cursor moved with `RunView.Highlighted`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from msgspec import Struct
from textual.message import Message
from textual.widget import Widget

from jobevents.core.hosts import HostEntry
from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Query

if TYPE_CHECKING:
    from jobevents.core.diff_marks import DiffMarks

#: what the detail pane can show: a node of the tree, or a host of the Hosts view
Shown = Node | HostEntry


class Frame(Struct, frozen=True):
    """What changed in the run since the last frame, taken under the feed's lock."""

    changes: Changes
    #: the files present at start are still being read: hold follow jumps back
    loading: bool
    #: events pour in (a big frame within the last second): views may defer costly work
    busy: bool


class RunView:
    """The view protocol, as a mixin for a Textual widget.

    Subclasses set `VIEW_ID` and `VIEW_NAME` and override what they can do; the defaults
    say "not here" so the app can ask any view anything.
    """

    #: the id the app switches by ("tasks", "hosts", "log", "timeline")
    VIEW_ID: ClassVar[str] = ""
    #: the name in the footer and the header
    VIEW_NAME: ClassVar[str] = ""
    #: which parts of a `Query` this view filters by
    FILTERS_TEXT: ClassVar[bool] = True
    FILTERS_STATUS: ClassVar[bool] = True

    class Highlighted(Message):
        """The view's cursor moved to `node` (None: to something that is not one node)."""

        def __init__(
            self,
            view: RunView,
            node: Node | None,
            *,
            following: bool,
            shown: Shown | None = None,
        ) -> None:
            super().__init__()
            self.view = view
            self.node = node
            #: moved by follow mode rather than by the user
            self.following = following
            #: what the detail pane shows for it (`node`, unless the row is a host)
            self.shown = shown if shown is not None else node

    class FollowChanged(Message):
        """Follow mode of a view turned on or off."""

        def __init__(self, view: RunView, follow: bool) -> None:
            super().__init__()
            self.view = view
            self.follow = follow

    def apply_frame(self, frame: Frame) -> None:
        """Bring the view in step with the run. Called with the feed's lock held."""

    def view_shown(self) -> None:
        """The view became the one shown: catch up on what it put off while hidden.

        Called with the feed's lock held, before the selection is handed over.
        """

    def restyle(self) -> None:
        """The theme changed: rebuild whatever was painted and kept in its colours.

        The default drops the line caches of the view and its parts (`notify_style_update`).
        """
        if isinstance(self, Widget):
            for widget in (self, *self.query("*")):
                widget.notify_style_update()
                widget.refresh()

    def key_widget(self) -> Widget:
        """The widget that takes the view's keys: the view, or one of its parts."""
        assert isinstance(self, Widget)
        return self

    def selected_node(self) -> Node | None:
        """The core node under the cursor, if the cursor is on one."""
        return None

    def selected_shown(self) -> Shown | None:
        """What the detail pane shows for the cursor (`selected_node`, or a host)."""
        return self.selected_node()

    def select_node(self, node: Node) -> bool:
        """Put the cursor on `node` (or the nearest thing this view shows of it).

        Returns False when this view cannot show it. Called with the feed's lock held.
        """
        return False

    def set_query(self, query: Query) -> None:
        """Filter by `query` (an empty one shows everything)."""

    def refresh_filter(self) -> None:
        """Recompute what a filter shows after events arrived (a few times a second)."""

    def filter_summary(self) -> str:
        """What the header says of the filter's result ("12 matches"), or ""."""
        return ""

    @property
    def is_following(self) -> bool:
        """Whether the view keeps the newest activity in view."""
        return False

    def start_following(self) -> None:
        """Follow the newest activity (if the view can)."""

    def stop_following(self) -> None:
        """Stay where the user is (the settings' `follow = false`)."""
        if hasattr(self, "follow"):
            self.follow = False

    def show_marks(self, marks: DiffMarks | None) -> None:
        """Mark what a comparison with another run found (None: no comparison).

        Called with the feed's lock held, a few times a second while the run changes.
        """
