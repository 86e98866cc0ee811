"""`RunState`: everything the live views know of one run, built from the same events.

The tree is the run's structure; the views need more beside it (the log's lines, say).
Whatever reads events (the folder feed, a stream) applies each one here, once, and every
part sees it; the parts never read files themselves.
"""

from __future__ import annotations

from .ansible_warnings import is_warning_node
from .events import Event
from .nodes import Changes
from .tree import EventTree


class RunState:
    """The tree of a run and the indexes the views keep beside it.

    Not thread-safe, like `EventTree`: one writer, readers under the same lock.
    """

    def __init__(self) -> None:
        self.tree = EventTree()
        #: warnings and deprecations Ansible printed (message nodes `is_warning_node` picks)
        self.warnings = 0

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
