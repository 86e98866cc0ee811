"""`TreeBase`: the bookkeeping every level of the tree shares.

Attaching, moving and removing nodes, keeping siblings in order, and passing status
roll-ups, host-run counts and time spans up the tree as children come, change and go.
`EventTree` decides where nodes go; this keeps what they sum up to right.
"""

from __future__ import annotations

from bisect import insort

from .nodes import STRUCTURAL, Branch, Changes, Kind, Node
from .status import (
    CHANGED,
    FAILED,
    OK,
    ROLLUP_BUCKET,
    RUNNING,
    SKIPPED,
    STATUSES,
    UNREACHABLE,
    worst,
)

#: what a child's status counts as in its parent's tally (`ignored`, `rescued`: `ok`), for
#: every status (looked up by subscript on the hot paths, not with `.get(s, s)`)
_BUCKET: dict[str, str] = {status: ROLLUP_BUCKET.get(status, status) for status in STATUSES}

#: roll-up severity: a parent takes the status of highest rank among its children
_RANK = {SKIPPED: 0, OK: 1, CHANGED: 2, RUNNING: 3, UNREACHABLE: 4, FAILED: 5}

_KIND_ORDER = {"playbook": 0, "play": 1, "task": 2, "host": 3, "item": 4, "retry": 5, "async": 6}
_MESSAGE_ORDER = 7


def sibling_order(node: Node) -> tuple[int, int, tuple[int, ...], str]:
    """Children are ordered by counter; kind, `order` and name only break ties, never
    by arrival."""
    return (node.counter, _KIND_ORDER.get(node.kind, _MESSAGE_ORDER), node.order, node.name)


class TreeBase:
    """Nodes, their parents and children, and what each structural node sums up."""

    def __init__(self) -> None:
        self._next_id = 0
        self.root = self._new_branch("playbook", "", 0)
        self.root.counts = {}
        self.root.tally = {}
        #: structural nodes by uuid without `_N`: the playbook, plays and tasks
        self._by_uuid: dict[str, Branch] = {}
        #: parked nodes by the parent uuid they wait for
        self._pending: dict[str, list[Node]] = {}
        self._changes = Changes()
        #: `playbook_on_stats` arrived: the run ended normally
        self.finished = False
        #: host -> its host runs by status, for "hosts: 3 running, 1 failed"
        self.hosts: dict[str, dict[str, int]] = {}
        #: structural nodes' `counts` are kept as events come (off: `defer_counts`)
        self._counting = True

    def _new(self, kind: Kind, name: str, counter: int) -> Node:
        node = Node(self._next_id, kind, name, counter)
        self._next_id += 1
        return node

    def _new_branch(self, kind: Kind, name: str, counter: int) -> Branch:
        node = Branch(self._next_id, kind, name, counter)
        self._next_id += 1
        return node

    def _structural(
        self,
        kind: Kind,
        uuid: str,
        name: str,
        counter: int,
        parent: Node,
        awaited: str | None = None,
    ) -> Branch:
        """The play or task `uuid`, made as a placeholder the first time it is named."""
        node = self._by_uuid.get(uuid)
        if node is not None:
            if node.placeholder and node.parent is self.root and parent is not self.root:
                self._move(node, parent)
            if node.placeholder and counter < node.counter:
                self._set_counter(node, counter)
            return node
        node = self._new_branch(kind, name, counter)
        node.uuid = uuid
        node.placeholder = True
        node.counts = {}
        node.tally = {}
        self._attach(node, parent)
        self._park(node, awaited)
        self._changes.added.append(node)
        self._by_uuid[uuid] = node
        self._refresh(node)
        self._adopt(uuid, node)
        return node

    def _make_real(self, node: Branch, name: str, parent: Node | None, counter: int) -> None:
        """Its own start event arrived: its name and (when known) parent are authoritative.

        A placeholder's counter is the lowest of the events that named it; once started,
        a node's counter is the lowest of its own start events, whatever came before.
        """
        if counter < node.counter or (node.placeholder and counter != node.counter):
            self._set_counter(node, counter)
        if node.placeholder or node.name != name:
            node.placeholder = False
            if name and node.name != name:
                node.name = name
                self._reorder(node)
            self._changes.changed.add(node)
        if parent is not None and node.parent is not parent:
            self._move(node, parent)

    def _park(self, node: Node, awaited: str | None) -> None:
        """`node` stands under the root until a node with uuid `awaited` arrives."""
        if awaited is not None:
            self._pending.setdefault(awaited, []).append(node)

    def _adopt(self, uuid: str, parent: Node) -> None:
        """Nodes parked while waiting for `uuid` move under it."""
        for node in self._pending.pop(uuid, ()):
            if node.parent is self.root and node is not parent:
                self._move(node, parent)

    def _attach(self, node: Node, parent: Node) -> None:
        node.parent = parent
        siblings = parent.children
        if not isinstance(siblings, list):
            siblings = parent.child_list()
        if not siblings:
            siblings.append(node)
        else:
            last = siblings[-1]
            # (by counter first, as `sibling_order` does: a later counter needs no tuple)
            if last.counter < node.counter or sibling_order(last) <= sibling_order(node):
                siblings.append(node)
            else:
                insort(siblings, node, key=sibling_order)
        kind = node.kind
        if kind == "message":
            return
        if kind == "task":
            self._task_attached(node, parent)
        status = node.status
        tally = parent.tally
        if tally is not None:
            # `_tally(parent, None, status)`, its fast path inline: a child comes
            came = _BUCKET[status]
            tally[came] = tally.get(came, 0) + 1
            current = parent.status
            if _RANK[came] > _RANK.get(current, -1) or tally.get(current, 0) <= 0:
                self._refresh(parent)
        if self._counting:
            if kind == "host":
                self._count(parent, None, status)
            elif node.counts:
                for counted, n in node.counts.items():
                    self._count(parent, None, counted, n)
        start, end = node.start, node.end
        if start is not None or end is not None:
            self._bump_time(parent, start, end)

    def _detach(self, node: Node) -> None:
        parent = node.parent
        if parent is None:
            return
        if node.kind == "task":
            self._task_detaching(node, parent)
        parent.child_list().remove(node)
        node.parent = None
        if node.kind == "message":
            return
        if parent.tally is not None:
            self._tally(parent, node.status, None)
        if not self._counting:
            return
        if node.kind == "host":
            self._count(parent, node.status, None)
        elif node.counts:
            for status, n in node.counts.items():
                self._count(parent, status, None, n)

    def _move(self, node: Node, parent: Node) -> None:
        if node.parent is parent or node is parent or parent in node.walk():
            return
        old = node.parent
        self._detach(node)
        self._attach(node, parent)
        self._changes.moved.append(node)
        if old is not None:
            self._changes.changed.add(old)
        self._changes.changed.add(parent)

    def _remove(self, node: Node) -> None:
        self._detach(node)
        if node.kind == "host":
            self._host_tally(node.host or node.name, node.status, None)
        self._changes.removed.append(node)

    def _reorder(self, node: Node) -> None:
        """Its counter or name changed: put it back in its siblings' order."""
        parent = node.parent
        if parent is None:
            return
        siblings = parent.child_list()
        siblings.remove(node)
        insort(siblings, node, key=sibling_order)
        self._changes.moved.append(node)

    def _set_counter(self, node: Node, counter: int) -> None:
        if node.kind == "host":
            self._run_counter(node, counter)
        node.counter = counter
        self._reorder(node)
        self._changes.changed.add(node)

    # Hooks for the levels above: a task node came or goes; a host run's counter drops.

    def _task_attached(self, node: Node, parent: Node) -> None:
        pass

    def _task_detaching(self, node: Node, parent: Node) -> None:
        pass

    def _run_counter(self, run: Node, counter: int) -> None:
        pass

    def _tally(self, node: Node, old: str | None, new: str | None) -> None:
        """A child's roll-up status went from `old` to `new` (None: it came or went)."""
        tally = node.tally
        assert tally is not None
        if old is not None:
            tally[_BUCKET[old]] -= 1
        if new is not None:
            came = _BUCKET[new]
            tally[came] = tally.get(came, 0) + 1
            # Fast path: a child as bad as the parent, or better, while the parent's own
            # status is still held by another child, changes nothing.
            current = node.status
            if _RANK[came] <= _RANK.get(current, -1) and tally.get(current, 0) > 0:
                return
        self._refresh(node)

    def _refresh(self, node: Node) -> None:
        """Recompute a structural node's status from its tally and pass a change up."""
        if node.tally is None:
            return
        status = worst(node.tally) or (SKIPPED if self.finished else RUNNING)
        old = node.status
        if status == old:
            return
        node.status = status
        self._changes.changed.add(node)
        parent = node.parent
        if parent is not None and parent.tally is not None:
            self._tally(parent, old, status)

    def _count(self, start: Node, old: str | None, new: str | None, n: int = 1) -> None:
        """Host-run counts by status on `start` and every structural node above it."""
        node: Node | None = start
        changed = self._changes.changed
        while node is not None:
            counts = node.counts
            if counts is not None:
                if old is not None:
                    left = counts[old] - n
                    if left:
                        counts[old] = left
                    else:
                        del counts[old]
                if new is not None:
                    counts[new] = counts.get(new, 0) + n
                changed.add(node)
            node = node.parent

    def defer_counts(self) -> None:
        """Leave the host-run counts of structural nodes to `settle_counts`.

        For a whole load, read by nobody until it ends: a host run's status changes
        once or twice, and each change walked up to the root (~10% of a load's tree
        building). Counts are sums of the host runs below a node, so once at the end
        gives the same.
        """
        self._counting = False

    def settle_counts(self) -> None:
        """Sum every structural node's host-run counts from scratch; keep them from now on."""
        if self._counting:
            return
        for node in reversed(self.root.walk()):  # children before their parent
            counts = node.counts
            if counts is None:
                continue
            counts.clear()
            for child in node.children:
                kind = child.kind
                if kind == "host":
                    status = child.status
                    counts[status] = counts.get(status, 0) + 1
                elif kind != "message" and child.counts:
                    for status, n in child.counts.items():
                        counts[status] = counts.get(status, 0) + n
        self._counting = True

    def _host_tally(self, host: str, old: str | None, new: str | None) -> None:
        tally = self.hosts.get(host)
        if tally is None:
            tally = self.hosts[host] = {}
        if old is not None:
            tally[_BUCKET[old]] -= 1
        if new is not None:
            bucket = _BUCKET[new]
            tally[bucket] = tally.get(bucket, 0) + 1

    def _set_run_status(self, run: Node, status: str) -> None:
        old = run.status
        if old == status:
            return
        run.status = status
        # A run turns `rescued` from another event than its own: say so, or no view (nor
        # the hosts index) hears of it.
        self._changes.changed.add(run)
        self._host_tally(run.host or run.name, old, status)
        parent = run.parent
        if parent is not None:
            tally = parent.tally
            if tally is not None:
                # `_tally(parent, old, status)`, its fast path inline
                tally[_BUCKET[old]] -= 1
                came = _BUCKET[status]
                tally[came] = tally.get(came, 0) + 1
                current = parent.status
                if _RANK[came] > _RANK.get(current, -1) or tally.get(current, 0) <= 0:
                    self._refresh(parent)
            if self._counting:
                self._count(parent, old, status)

    def _set_time(self, node: Node, start: str | None, end: str | None) -> None:
        if start is not None:
            node.start = start
        node.end = end if end is not None else node.end
        self._bump_time(node.parent, start, end)

    def _bump_time(self, node: Node | None, start: str | None, end: str | None) -> None:
        """Widen the span of structural ancestors to cover [start, end]."""
        while node is not None and (start is not None or end is not None):
            grew = False
            if start is not None and (node.start is None or start < node.start):
                node.start = start
                grew = True
            if end is not None and node.kind in STRUCTURAL and (node.end is None or end > node.end):
                node.end = end
                grew = True
            if not grew:
                return
            self._changes.changed.add(node)
            node = node.parent
