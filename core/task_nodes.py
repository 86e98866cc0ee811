"""`TaskNodes`: task nodes, each showing one task uuid or the copies of one execution
of an included task (see `copies.py` and `includes.py`), in the order `linear` runs them.
"""

from __future__ import annotations

from bisect import bisect_left, insort

from .copies import FoldKey, TaskCopy, TaskGroup
from .events import EventData, base_uuid
from .host_runs import HostRuns
from .includes import IncludeIndex
from .nodes import Branch, Node
from .tree_base import TreeBase, sibling_order


class TaskNodes(TreeBase):
    """Task copies, the nodes they show in, and the host runs whose order decides them."""

    def __init__(self) -> None:
        super().__init__()
        #: host runs of one task and host, ordered by their start counter
        self._runs = HostRuns()
        #: every task uuid (without `_N`), static or a copy of an included task
        self._copies: dict[str, TaskCopy] = {}
        #: task node -> the copies it shows
        self._groups: dict[Node, TaskGroup] = {}
        #: the task node of each execution of an included task
        self._folds: dict[FoldKey, Branch] = {}
        #: static task uuid -> folded task nodes of the includes that follow it
        self._anchored: dict[str, set[Branch]] = {}
        #: a node's task children by `order` (see `_place_task`)
        self._tasks: dict[Node, list[Node]] = {}
        #: copies whose execution may have changed, refolded at the end of `add`
        self._dirty: set[TaskCopy] = set()
        self._includes = IncludeIndex(self._copies, self._runs)

    def _task(
        self,
        uuid: str,
        name: str,
        counter: int,
        parent: Node,
        awaited: str | None,
        data: EventData,
    ) -> TaskCopy:
        """The task copy `uuid`, with a placeholder node of its own the first time."""
        copy = self._copies.get(uuid)
        if copy is not None:
            node = copy.node
            if node.placeholder and node.parent is self.root and parent is not self.root:
                self._move(node, parent)
            if copy.placeholder and counter < copy.counter:
                copy.named(counter)
                self._lead(copy)
            return copy
        other = self._by_uuid.get(uuid)
        node = self._new_branch("task", name, counter)
        node.uuid = uuid
        node.placeholder = True
        node.counts = {}
        node.tally = {}
        node.order = (counter, 0, 0)
        copy = TaskCopy(uuid, node)
        self._copies[uuid] = copy
        self._groups[node] = TaskGroup(copy)
        self._attach(node, parent)
        self._park(node, awaited)
        self._changes.added.append(node)
        self._refresh(node)
        if other is None:  # a play's uuid named as a task's (hostile) stays the play's
            self._by_uuid[uuid] = node
            self._adopt(uuid, node)
        self._note_task(copy, data)
        self._show(node)
        return copy

    def _note_task(self, copy: TaskCopy, data: EventData) -> bool:
        """What its events say of a task: role, action, path, play (as a start says).

        Returns whether what its node shows changed.
        """
        changed = False
        if data.role is not None and data.role != copy.role:
            copy.role = data.role
            changed = True
        if data.task_action is not None and data.task_action != copy.action:
            copy.action = data.task_action
            changed = True
        was_play = copy.play
        learnt = False
        if copy.path is None and data.task_path is not None:
            copy.path = data.task_path
            learnt = True
        if was_play is None and data.play_uuid is not None:
            copy.play = base_uuid(data.play_uuid)
            learnt = True
        if learnt:
            self._dirty |= self._includes.note_copy(copy, was_play)
        return changed or learnt

    def _lead(self, copy: TaskCopy) -> None:
        """`copy` started or was named earlier: its node shows it if it now leads."""
        node = copy.node
        if self._groups[node].improved(copy):
            self._show(node)

    def _show(self, node: Branch) -> None:
        """A task node shows its leading copy: uuid, name, start, and its place."""
        lead = self._groups[node].leader
        node.uuid = lead.uuid
        node.placeholder = lead.placeholder
        node.ref = lead.ref
        node.role = lead.role
        node.action = lead.action
        node.path = lead.path
        node.handler = lead.handler
        renamed = bool(lead.name) and node.name != lead.name
        if renamed:
            node.name = lead.name
        self._changes.changed.add(node)
        self._place_task(node, renamed)

    def _place_task(self, node: Branch, moved: bool = False) -> None:
        """Give a task node its counter and its place among its siblings.

        Task nodes keep an `order`: a static task its own counter; a folded one the
        counter of the static task its include followed, then its leader's. A static
        task's counter is its own; a folded one's is its leader's, or the counter of
        the task after it in `order` when that is lower (a host that skipped the include
        ran ahead). So children stay ordered by counter, in the order `linear` runs them.
        """
        group = self._groups[node]
        own = group.leader.counter
        if group.key is None:
            order: tuple[int, ...] = (own, 0, 0)
            if node.counter == own and node.order == order and not moved:
                return  # a static task that stays where it is
        else:
            anchor = self._copies.get(group.anchor) if group.anchor is not None else None
            order = (anchor.node.counter if anchor is not None else -1, 1, own)
        parent = node.parent
        if parent is None:
            node.order, node.counter = order, own
            return
        tasks = self._tasks[parent]
        old_before = None
        reordered = order != node.order
        if reordered:
            old_before = _neighbour(tasks, node, -1)
            _drop_task(tasks, node)
            node.order = order
            insort(tasks, node, key=_order)
        counter = own if group.key is None else _clamped(own, _neighbour(tasks, node, 1))
        changed = counter != node.counter
        if changed or reordered or moved:
            self._resort(parent.child_list(), node, counter, moved)
        self._settle_at(_neighbour(tasks, node, -1))
        if old_before is not None:
            self._settle_at(old_before)
        if group.key is None and (changed or reordered):
            for folded in sorted(self._anchored.get(group.leader.uuid, ()), key=_node_id):
                self._place_task(folded)

    def _settle_at(self, task: Node | None) -> None:
        """From `task` back, folded tasks take a lower counter where the task after them
        has one (see `_place_task`), until nothing changes."""
        if task is None or task.parent is None:
            return
        tasks = self._tasks[task.parent]
        current: Node | None = task
        while current is not None and current.parent is not None:
            group = self._groups.get(current)
            if group is None or group.key is None:
                return
            counter = _clamped(group.leader.counter, _neighbour(tasks, current, 1))
            if counter == current.counter:
                return
            self._resort(current.parent.child_list(), current, counter)
            current = _neighbour(tasks, current, -1)

    def _resort(self, siblings: list[Node], node: Node, counter: int, moved: bool = False) -> None:
        """Set a task's counter and put it back in its siblings' order."""
        old = siblings.index(node)
        del siblings[old]
        node.counter = counter
        insort(siblings, node, key=sibling_order)
        if moved or old >= len(siblings) or siblings[old] is not node:
            self._changes.moved.append(node)
        self._changes.changed.add(node)

    def _refold(self) -> None:
        """Copies whose execution may have changed join the task node of the one they
        are in now; a node left without copies leaves the tree."""
        while self._dirty:
            dirty = sorted(self._dirty, key=_copy_order)
            self._dirty.clear()
            for copy in dirty:
                self._refold_copy(copy)

    def _refold_copy(self, copy: TaskCopy) -> None:
        key = self._includes.key(copy)
        if key == copy.key:
            return
        old = copy.node
        group = self._groups[old]
        target = self._folds.get(key) if key is not None else None
        copy.key = key
        if target is None and len(group.members) == 1:
            self._register(old, group, key)  # alone: its node takes the new key
            self._place_task(old)
            return
        if target is None:
            target = self._new_branch("task", copy.name, copy.counter)
            target.counts = {}
            target.tally = {}
            target.order = (copy.counter, 0, 0)
            parent = old.parent if old.parent is not None else self.root
            self._groups[target] = TaskGroup(copy)
            self._attach(target, parent)
            self._changes.added.append(target)
            self._refresh(target)
            self._register(target, self._groups[target], key)
        else:
            self._groups[target].join(copy)
        group.leave(copy)
        copy.node = target
        if self._by_uuid.get(copy.uuid) is old:
            self._by_uuid[copy.uuid] = target
        for child in [c for c in old.children if c.owner == copy.uuid]:
            self._move(child, target)
        if group.members:
            self._respan(old)
            self._show(old)
        else:
            for child in list(old.children):
                self._move(child, target)
            self._register(old, group, None)
            del self._groups[old]
            self._remove(old)
        self._bump_time(target, copy.created, None)
        self._show(target)

    def _respan(self, task: Node) -> None:
        """A task node lost host runs: its span is again that of what it still holds."""
        starts = [c.created for c in self._groups[task].members if c.created is not None]
        starts += [child.start for child in task.children if child.start is not None]
        ends = [child.end for child in task.children if child.end is not None]
        task.start = min(starts, default=None)
        task.end = max(ends, default=None)
        self._changes.changed.add(task)

    def _register(self, node: Branch, group: TaskGroup, key: FoldKey | None) -> None:
        """`node` now shows execution `key` (None: it shows no fold)."""
        if group.key is not None:
            if self._folds.get(group.key) is node:
                del self._folds[group.key]
            if group.anchor is not None:
                self._anchored.get(group.anchor, set()).discard(node)
        group.key = key
        group.anchor = key[1] if key is not None else None
        if key is not None:
            self._folds[key] = node
            if group.anchor is not None:
                self._anchored.setdefault(group.anchor, set()).add(node)

    # ------------------------------------------------- the base's hooks, for tasks

    def _task_attached(self, node: Node, parent: Node) -> None:
        tasks = self._tasks.setdefault(parent, [])
        insort(tasks, node, key=_order)
        self._settle_at(_neighbour(tasks, node, -1))

    def _task_detaching(self, node: Node, parent: Node) -> None:
        tasks = self._tasks[parent]
        before = _neighbour(tasks, node, -1)
        _drop_task(tasks, node)
        self._settle_at(before)

    def _run_counter(self, run: Node, counter: int) -> None:
        if self._includes.active:
            self._dirty |= self._includes.move_run(run, counter)


def _clamped(own: int, after: Node | None) -> int:
    """A folded task's counter: its own, or the next task's when that is lower."""
    return own if after is None or after.counter > own else after.counter


def _order(node: Node) -> tuple[int, ...]:
    return node.order


def _index_of(tasks: list[Node], node: Node) -> int:
    """Where task `node` is in a list of tasks by `order`."""
    i = bisect_left(tasks, node.order, key=_order)
    while tasks[i] is not node:
        i += 1
    return i


def _neighbour(tasks: list[Node], node: Node, step: int) -> Node | None:
    """The task before (`step` -1) or after (1) `node` in `order`."""
    i = _index_of(tasks, node) + step
    return tasks[i] if 0 <= i < len(tasks) else None


def _drop_task(tasks: list[Node], node: Node) -> None:
    del tasks[_index_of(tasks, node)]


def _copy_order(copy: TaskCopy) -> str:
    return copy.uuid


def _node_id(node: Node) -> int:
    return node.id
