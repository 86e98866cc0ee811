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

from .events import base_uuid
from .nodes import STRUCTURAL, Node

_STARTS = frozenset({"play", "task"})


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
