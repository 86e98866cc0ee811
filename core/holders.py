"""Which node of the tree holds an event, and which events a node holds.

A line of the log belongs to an event; the tree shows events as nodes. Leaves (items,
retries, async steps, messages) hold their own event; a host run holds its start and its
results (a late start can split a run and move results to the new one); a play or task
holds its start events, repeats (`<uuid>_N` under `free` and `serial`) included. The
recap holds no node. These rules read only the nodes, so an answer stays exact however
the tree has moved things since; the starts of an included task's other copies, shown in
their execution's node, are the tree's to say (`EventTree.task_node`, see `RunState`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from .events import base_uuid
from .nodes import STRUCTURAL, Node

_STARTS = frozenset({"play", "task"})

_K = TypeVar("_K")


def holds(node: Node, counter: int, uuid: str) -> bool:
    """Whether `node` is where the tree shows the event (counter, uuid)."""
    if node.ref == (counter, uuid):
        return True
    kind = node.kind
    if kind == "host":
        if node.start_counter == counter and node.uuid == uuid:
            return True
        finals = node.finals
        return finals is not None and any(f[0] == counter and f[1] == uuid for f in finals)
    if kind in _STARTS:
        return node.uuid is not None and bool(uuid) and base_uuid(uuid) == node.uuid
    return False


def holder_among(nodes: Iterable[Node], counter: int, uuid: str) -> Node | None:
    """The node of `nodes` holding the event, a host run or leaf before a play or task."""
    found: Node | None = None
    key = (counter, uuid)
    for node in nodes:
        # the ref first: most often a result's run, a step, a message or a start
        if node.ref == key or (found is None and holds(node, counter, uuid)):
            if node.kind not in STRUCTURAL:
                return node
            found = node
    return found


def find_holder(root: Node, counter: int, uuid: str) -> Node | None:
    """The node under `root` holding the event, by walking the tree (exact, not fast)."""
    return holder_among(root.walk(), counter, uuid)


def is_attached(node: Node, root: Node) -> bool:
    """Whether `node` is still in the tree under `root` (a removed node has no parent)."""
    while node.parent is not None:
        node = node.parent
    return node is root


def held_events(node: Node) -> Iterator[tuple[int, str | None]]:
    """The events a node holds that can be found by key: its own and, for a host run,
    its results and steps (a play's or task's repeats are not kept on the node)."""
    if node.ref is not None:
        yield node.ref
    if node.kind != "host":
        return
    if node.start_counter is not None:
        yield node.start_counter, node.uuid
    for final in node.finals or ():
        yield final[0], final[1]
    for child in node.children:
        if child.ref is not None:
            yield child.ref


class HolderIndex:
    """`find_holder` for many events at once: one walk of the tree, then a lookup an event.

    A log built after its events were applied (`RunState`) needs each event's holder; a
    walk an event is O(n^2) for a run. Each node is filed under every event it can hold
    (its ref; a host run's start and results; a play's or task's uuid, which its repeats'
    starts share), so an event's candidates are a few nodes, and `holder_among` of them
    in tree order is what it gives over the whole walk. Good while the tree is unchanged.
    """

    def __init__(self, root: Node) -> None:
        self._nodes = root.walk()
        #: the nodes that may hold an event, by its key and (plays, tasks) by its base uuid;
        #: one node, or a list of them in tree order
        self._by_key: dict[tuple[int, str], Node | list[Node]] = {}
        self._by_uuid: dict[str, Node | list[Node]] = {}
        #: each node's place in tree order, made if two lists have to be merged
        self._order: dict[Node, int] | None = None
        by_key, by_uuid = self._by_key, self._by_uuid
        for node in self._nodes:
            ref = node.ref
            if ref is not None:
                _file(by_key, ref, node)
            kind = node.kind
            if kind == "host":
                if node.start_counter is not None and node.uuid is not None:
                    _file(by_key, (node.start_counter, node.uuid), node)
                for final in node.finals or ():
                    _file(by_key, (final[0], final[1]), node)
            elif kind in _STARTS and node.uuid is not None:
                _file(by_uuid, node.uuid, node)

    def holder(self, counter: int, uuid: str) -> Node | None:
        """The node under the root holding the event, as `find_holder` finds it."""
        by_key = self._by_key.get((counter, uuid))
        by_uuid = self._by_uuid.get(base_uuid(uuid)) if uuid else None
        if by_uuid is None:
            if by_key is None or not isinstance(by_key, list):
                return by_key  # one node filed under the event holds it
            candidates = by_key
        elif by_key is None:
            if not isinstance(by_uuid, list):
                return by_uuid
            candidates = by_uuid
        else:
            candidates = self._in_order(by_key, by_uuid)
        return holder_among(candidates, counter, uuid)

    def _in_order(self, *groups: Node | list[Node]) -> list[Node]:
        order = self._order
        if order is None:
            order = self._order = {node: at for at, node in enumerate(self._nodes)}
        nodes = {n for group in groups for n in (group if isinstance(group, list) else (group,))}
        return sorted(nodes, key=order.__getitem__)


def _file(index: dict[_K, Node | list[Node]], key: _K, node: Node) -> None:
    """File `node` under `key`, after the nodes filed there before (once)."""
    known = index.get(key)
    if known is None:
        index[key] = node
    elif isinstance(known, list):
        if known[-1] is not node:
            known.append(node)
    elif known is not node:
        index[key] = [known, node]
