"""TasksView (`1`): playbook → play → task → host runs, the tree the app started with.

All of the tree's behaviour (lazy hosts, follow mode, the line cache, filters) is
`RunTree`'s; this module makes it a view: it takes frames and speaks the view protocol.
"""

from __future__ import annotations

from textual import on
from textual.widgets import Tree

from jobevents.core.nodes import Node
from jobevents.core.query import Query
from jobevents.core.state import RunState

from ..widgets.run_tree import RunTree
from .base import Frame, RunView


class TasksView(RunTree, RunView):
    """The run as its playbook reads: plays, their tasks, each task's host runs."""

    VIEW_ID = "tasks"
    VIEW_NAME = "Tasks"

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        super().__init__(state.tree, id=id)

    def apply_frame(self, frame: Frame) -> None:
        if self.hold_follow != frame.loading:
            self.hold_follow = frame.loading
            if not frame.loading:
                self.catch_up()
        if frame.changes:
            self.apply(frame.changes)

    def selected_node(self) -> Node | None:
        cursor = self.cursor_node
        return cursor.data if cursor is not None else None

    def select_node(self, node: Node) -> bool:
        self.follow = False
        return self.select_core_node(node)

    def set_query(self, query: Query) -> None:
        if query != self.query_filter:
            super().set_query(query)

    def filter_summary(self) -> str:
        matches = self.matches
        if matches is None:
            return ""
        text = f"{matches.total:,} matches"
        if matches.truncated:
            text += f"  first {len(matches.hits):,} shown"
        return text

    @property
    def is_following(self) -> bool:
        return self.follow

    def start_following(self) -> None:
        self.follow = True

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        self.post_message(RunView.Highlighted(self, event.node.data, following=self.follow))

    @on(RunTree.FollowChanged)
    def _follow_changed(self, event: RunTree.FollowChanged) -> None:
        event.stop()
        self.post_message(RunView.FollowChanged(self, event.follow))
