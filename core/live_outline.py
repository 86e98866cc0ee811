"""The outline (`outline.py`) of a run that is still growing, kept from its changes.

Comparing a live run with an earlier one again and again would outline every host run
of it each time; this keeps each task's outline until a change touches that task, so a
new outline costs a pass over plays and tasks plus the tasks that changed. Read and
update it where the tree is read: under the same lock.
"""

from __future__ import annotations

from itertools import chain

from .nodes import Changes, Node
from .outline import RunOutline, TaskOutline, outline, task_outline
from .tree import EventTree


class LiveOutline:
    """`outline(tree)`, kept task by task from `Changes`."""

    def __init__(self, tree: EventTree) -> None:
        self._tree = tree
        #: task node id -> its outline, while no change touched the task
        self._tasks: dict[int, TaskOutline] = {}
        #: something changed since the last `outline()`
        self.stale = True

    def update(self, changes: Changes) -> None:
        """Forget the outlines of the tasks these changes touched."""
        tasks = self._tasks
        for node in chain(changes.added, changes.changed, changes.moved, changes.removed):
            kind = node.kind
            if kind == "task":
                tasks.pop(node.id, None)
            elif kind == "host" and node.parent is not None:
                tasks.pop(node.parent.id, None)
            elif kind not in ("play", "playbook"):
                continue  # items, retries, messages: a host run's status moves with its result
            self.stale = True

    def outline(self) -> RunOutline:
        """The run's outline now (immutable: safe to compare on another thread)."""
        self.stale = False
        return outline(self._tree, self._task)

    def _task(self, node: Node) -> TaskOutline:
        cached = self._tasks.get(node.id)
        if cached is None:
            cached = self._tasks[node.id] = task_outline(node)
        return cached
