"""RunTree: the run as its playbook reads, kept in step with the core's tree by its changes.

Playbook → play → task → host run → item / retry / async: the rows are the core's nodes,
as they are. Lazy rows and follow mode are `LazyTree`'s (its lines are cached by
`CachedTreeLines`); this module says what the core's tree looks like to it and applies
each frame's changes. The widget holds no tree logic: structure, order, status and
matching come from the core.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Sequence

from rich.text import Text

from jobevents.core import query
from jobevents.core.holders import is_attached
from jobevents.core.newest import newest_of
from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Matches, Query
from jobevents.core.tree import EventTree, sibling_order

from ..labels import node_label
from .lazy_tree import EXPAND_ALL_LIMIT, LazyTree
from .line_cache import STRIP_CACHE_SIZE

__all__ = ["EXPAND_ALL_LIMIT", "STRIP_CACHE_SIZE", "RunTree"]

_OPEN_BY_DEFAULT = frozenset({"playbook", "play"})
#: what follow mode keeps the cursor on: the newest play or task
_FOLLOWED = frozenset({"play", "task"})


class RunTree(LazyTree[Node]):
    """The live tree of one run."""

    matches: Matches | None

    def __init__(
        self,
        tree: EventTree,
        *,
        lock: contextlib.AbstractContextManager[object] | None = None,
        id: str | None = None,
    ) -> None:
        self.core = tree
        #: held while the tree is walked here (the feed's lock: it writes the tree)
        self._core_lock = lock if lock is not None else contextlib.nullcontext()
        super().__init__(tree.root, id=id)
        # built on a run under way (a view first shown late): follow from its newest task
        self._newest = newest_of(tree.root, _FOLLOWED)

    def catch_up(self) -> None:
        """Jump to the newest play or task as the tree has it now.

        The frames name the newest as nodes are added; events that come out of order can
        change a counter after that (a task's start arriving after its results), so a
        jump the user asks for (`f`) or a load's end asks the tree.
        """
        if self.follow and not self.query_filter:
            with self._core_lock:
                self._newest = newest_of(self.core.root, _FOLLOWED)
        super().catch_up()

    # ------------------------------------------------------ what the rows are

    def key_of(self, row: Node) -> int:
        return row.id

    def parent_of(self, row: Node) -> Node | None:
        return row.parent

    def children_of(self, row: Node) -> Sequence[Node]:
        return row.children

    def sibling_index(self, parent: Node, row: Node) -> int:
        return bisect_left(parent.children, sibling_order(row), key=sibling_order)

    def label_of(self, row: Node) -> Text:
        return node_label(row)

    def opens_by_default(self, row: Node) -> bool:
        return row.kind in _OPEN_BY_DEFAULT

    def stays_open(self, row: Node) -> bool:
        return row.kind == "play"

    def find_matches(self, query_: Query) -> Matches:
        return query.find_matches(self.core.root, query_)

    def next_problem(self, after: Node | None, *, backwards: bool) -> Node | None:
        return query.next_problem(self.core.root, after, backwards=backwards)

    # --------------------------------------------------- applying changes

    def _apply(self, changes: Changes) -> None:
        for node in changes.removed:
            self._drop(node)
        # All moved rows out first, then in: a row is placed before its next shown sibling,
        # which must not be one still shown where it was (it may move past the row).
        for node in changes.moved:
            if node.id in self._shown_nodes:
                self._drop(node)
        for node in changes.moved:
            if node.id not in self._shown_nodes:
                self._place(node)
        for node in changes.added:
            if node.id not in self._shown_nodes:
                self._place(node)
            if node.kind in _FOLLOWED and (
                self._newest is None or node.counter >= self._newest.counter
            ):
                self._newest = node
        relabeled = False
        for node in changes.changed:
            tree_node = self._shown_nodes.get(node.id)
            if tree_node is None:
                continue
            self._relabel(tree_node, node)
            relabeled = True
            if tree_node.allow_expand != bool(node.children):
                tree_node.allow_expand = bool(node.children)
        if relabeled:
            self.refresh()  # unchanged lines come from the line cache
        newest = self._newest
        if newest is not None and not is_attached(newest, self.core.root):
            # folded into the task it repeats (a repeated start): ask the tree again
            self._newest = newest_of(self.core.root, _FOLLOWED)
        if self.follow and self._newest is not None and not self.hold_follow:
            self._follow_to(self._newest)

    def _apply_filtered(self, changes: Changes) -> None:
        """Under a filter, new hits or lost hits mean a rebuild (at most a few a second)."""
        query_ = self.query_filter
        for node in (*changes.removed, *changes.moved):
            if node.id in self._shown_nodes or query_.matches(node):
                self._filter_dirty = True
        for node in changes.added:
            if query_.matches(node):
                self._filter_dirty = True
            elif node.parent is not None and node.parent.id in self._loaded and self._shown(node):
                self._place(node)
        for node in changes.changed:
            tree_node = self._shown_nodes.get(node.id)
            if tree_node is not None:
                self._relabel(tree_node, node)
            if query_.matches(node) != (node.id in self._hits):
                self._filter_dirty = True
        if changes.changed:
            self.refresh()
