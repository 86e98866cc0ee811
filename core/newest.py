"""The newest node of some kinds in a tree: where a view built on a run already under way
starts to follow from (a view built early learns it from the frames' changes instead)."""

from __future__ import annotations

from collections.abc import Collection

from .nodes import Node


def newest_of(root: Node, kinds: Collection[str]) -> Node | None:
    """The node of one of `kinds` with the highest counter under `root` (root included).

    Host runs are not looked into (what is below one is its items, retries and polls), nor
    tasks unless host runs are asked for: this visits the plays and tasks, and the host
    runs only for `("host",)`, once each. Cheap enough to ask again when the newest a view
    follows leaves the tree.
    """
    newest: Node | None = None
    leaves = {"host", "task"} if "host" not in kinds else {"host"}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.kind in kinds and (newest is None or node.counter >= newest.counter):
            newest = node
        if node.kind not in leaves:
            stack.extend(node.children)
    return newest
