"""What a comparison marks on the live run's tree, and the order `n`/`N` steps through it.

`RunDiff.marks()` marks host runs (new failure, fixed, changed) and tasks (added, slower,
faster). A host that has no run in B (it dropped out, or ran elsewhere) has nothing to
mark, so each task also counts its hosts' changes: a collapsed task says what is inside
it, and a change to `absent` shows somewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .nodes import Node

if TYPE_CHECKING:  # the comparison itself (difflib and all) is loaded when one is made
    from .comparison import Mark, RunDiff


@dataclass(frozen=True, slots=True)
class TaskTally:
    """How many of a task's hosts failed anew, were fixed, or changed otherwise."""

    new_failures: int = 0
    fixed: int = 0
    changed: int = 0

    def __bool__(self) -> bool:
        return bool(self.new_failures or self.fixed or self.changed)


@dataclass(frozen=True, slots=True)
class DiffMarks:
    """A comparison as the live tree shows it: marks by node id of the live run (B)."""

    #: host runs and tasks with a mark of their own
    nodes: Mapping[int, Mark] = field(default_factory=dict)
    #: tasks with host changes below them
    tasks: Mapping[int, TaskTally] = field(default_factory=dict)
    #: how many of each: new_failures, fixed, changed, added, removed, moved, slower, faster,
    #: hosts_only_in_a, hosts_only_in_b
    counts: Mapping[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.tasks)

    def stops(self, node: Node) -> bool:
        """Whether `n`/`N` stop at `node`: it has a mark, or it is a task whose host
        changes have no run to be marked on (a host absent in B)."""
        if node.id in self.nodes:
            return True
        tally = self.tasks.get(node.id)
        if tally is None:
            return False
        marked = sum(1 for child in node.children if child.id in self.nodes)
        return marked < tally.new_failures + tally.fixed + tally.changed


def diff_marks(diff: RunDiff) -> DiffMarks:
    """The marks of `diff` on tree B, with each task's tally of host changes."""
    tallies: dict[int, list[int]] = {}
    lists = (diff.new_failures, diff.fixed, diff.status_changes)
    for slot, changes in enumerate(lists):
        for change in changes:
            tallies.setdefault(change.b_task_id, [0, 0, 0])[slot] += 1
    counts = {
        "new_failures": len(diff.new_failures),
        "fixed": len(diff.fixed),
        "changed": len(diff.status_changes),
        "added": len(diff.added_tasks),
        "removed": len(diff.removed_tasks),
        "moved": len(diff.moved_tasks),
        "slower": len(diff.slower),
        "faster": len(diff.faster),
        "hosts_only_in_a": len(diff.hosts_only_in_a),
        "hosts_only_in_b": len(diff.hosts_only_in_b),
    }
    return DiffMarks(
        nodes=diff.marks(),
        tasks={task: TaskTally(*slots) for task, slots in tallies.items()},
        counts=counts,
    )


def next_difference(
    root: Node, marks: DiffMarks, after: Node | None, *, backwards: bool = False
) -> Node | None:
    """The next node `n` stops at after `after` in tree order (`N`: before), wrapping."""
    order = root.walk()
    stops = [i for i, node in enumerate(order) if marks.stops(node)]
    if not stops:
        return None
    here = next((i for i, node in enumerate(order) if node is after), -1)
    if backwards:
        before = [i for i in stops if i < here] if here >= 0 else []
        return order[before[-1] if before else stops[-1]]
    later = [i for i in stops if i > here]
    return order[later[0] if later else stops[0]]
