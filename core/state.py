"""`RunState`: everything the live views know of one run, built from the same events.

The tree is the run's structure; the views need more beside it (the log's lines, say).
Whatever reads events (the folder feed, a stream) applies each one here, once, and every
part sees it; the parts never read files themselves.
"""

from __future__ import annotations

from .ansible_warnings import is_warning_node
from .events import Event
from .nodes import Changes
from .timing import RunTimes
from .tree import EventTree


class RunState:
    """The tree of a run and the indexes the views keep beside it.

    Not thread-safe, like `EventTree`: one writer, readers under the same lock.
    """

    def __init__(self) -> None:
        self.tree = EventTree()
        #: warnings and deprecations Ansible printed (message nodes `is_warning_node` picks)
        self.warnings = 0
        #: where the time went, per task and per host (kept per frame: see `frame_taken`)
        self.times = RunTimes(self.tree)

    def add(self, event: Event, changes: Changes) -> None:
        """Apply one event to every part (an event seen before changes nothing)."""
        if event.key in self.tree:
            return
        added = len(changes.added)
        self.tree.add(event, changes)
        # The nodes this event added, not a recount: a message event adds one message node.
        for node in changes.added[added:]:
            if is_warning_node(node):
                self.warnings += 1

    def frame_taken(self, changes: Changes) -> None:
        """Bring the indexes kept per frame up to date with what a frame took.

        `RunTimes` recomputes a task from all its host runs, so it notes the tasks a frame
        touched and recomputes them when asked (the timeline, shown, asks every frame):
        not once per event (a task of 1,000 hosts gets 2,000 events), and not at all while
        nobody looks.
        """
        self.times.update(changes)
