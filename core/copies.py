"""The task uuids behind a task node, and which of them the node reports.

A static task is one uuid and one node. An included task is not: under `free` (and in
each `serial` batch) Ansible gives every host, or every group of hosts that reached the
include together, a copy of the included tasks with uuids of their own. The tree shows
the copies of one execution of the include as one node (see `includes.py`); the node
reports its leader: the copy that started first (else the first one named, while none
has started), so its uuid and name do not depend on the order events arrive in.
"""

from __future__ import annotations

from .nodes import Branch, Node

#: one execution of an included task: (play, the static task before it on its hosts
#: and which run of that task it was, the included task's `task_path`, which run of
#: that path since then it is)
FoldKey = tuple[str, str | None, int, str, int]


class TaskCopy:
    """One task uuid (without `_N`): what its own events say of it, as a node would."""

    __slots__ = (
        "uuid",
        "node",
        "counter",
        "placeholder",
        "ref",
        "name",
        "role",
        "action",
        "path",
        "handler",
        "play",
        "included",
        "key",
        "rep",
        "created",
    )

    def __init__(self, uuid: str, node: Branch) -> None:
        self.uuid = uuid
        #: the task node it is shown in (its own, or the one its execution folds into)
        self.node = node
        #: its lowest task-start counter, or while it has none the lowest that named it
        self.counter = node.counter
        self.placeholder = True
        self.ref: tuple[int, str] | None = None
        self.name = node.name
        self.role: str | None = None
        self.action: str | None = None
        self.path: str | None = None
        self.handler = False
        #: its play's uuid (without `_N`), once an event of it says
        self.play: str | None = None
        #: its `task_path` is in a file (or its role is one) that an include brought in
        self.included = False
        #: the execution it belongs to, while it is folded
        self.key: FoldKey | None = None
        #: its host run of lowest counter: the run its fold key is read from
        self.rep: Node | None = None
        #: when its first task start was written
        self.created: str | None = None

    def rank(self) -> tuple[int, int, str]:
        """Lower leads: a started copy before a placeholder, then the lowest counter.

        A copy's rank only ever improves (counters only go down, and a start only makes
        it lead sooner), so a group finds its leader without looking at every member.
        """
        return (1 if self.placeholder else 0, self.counter, self.uuid)

    def started(self, counter: int, name: str, key: tuple[int, str], created: str | None) -> bool:
        """One of its task-start events: the lowest start is its counter, whatever came
        before; the start names it. Returns whether what a node shows of it changed."""
        if created is not None and (self.created is None or created < self.created):
            self.created = created
        changed = self.placeholder or (bool(name) and name != self.name)
        if counter < self.counter or (self.placeholder and counter != self.counter):
            self.counter = counter
            changed = True
        self.placeholder = False
        if name:
            self.name = name
        if self.ref is None or key[0] < self.ref[0]:
            self.ref = key
            changed = True
        return changed

    def named(self, counter: int) -> None:
        """Another event named it: while it has not started, its counter is the lowest."""
        if self.placeholder and counter < self.counter:
            self.counter = counter


class TaskGroup:
    """The copies shown in one task node: a static task's one uuid, or the copies of
    one execution of an included task."""

    __slots__ = ("members", "leader", "key", "anchor")

    def __init__(self, first: TaskCopy) -> None:
        self.members = [first]
        self.leader = first
        #: the execution it shows (None: a task that is not folded)
        self.key: FoldKey | None = None
        #: the static task its execution follows (folded groups only)
        self.anchor: str | None = None

    def join(self, copy: TaskCopy) -> None:
        self.members.append(copy)
        if copy.rank() < self.leader.rank():
            self.leader = copy

    def leave(self, copy: TaskCopy) -> None:
        self.members.remove(copy)
        if self.members and copy is self.leader:
            self.leader = min(self.members, key=TaskCopy.rank)

    def improved(self, copy: TaskCopy) -> bool:
        """`copy`'s rank went down: whether the node now shows something else."""
        if copy is self.leader:
            return True
        if copy.rank() < self.leader.rank():
            self.leader = copy
            return True
        return False
