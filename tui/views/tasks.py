"""TasksView (`1`): playbook → play → task → host runs, the tree the app started with.

All of the tree's behaviour (lazy hosts, follow mode, the line cache, filters) is
`RunTree`'s; this module makes it a view: it takes frames and speaks the view protocol,
and adds a comparison's marks to the lines (`n`/`N` then step through the differences).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Tree

from jobevents.core.nodes import Node
from jobevents.core.state import RunState

from ..marks import node_marks
from ..widgets.run_tree import RunTree
from .base import Frame, RunView

if TYPE_CHECKING:
    from jobevents.core.diff_marks import DiffMarks


class TasksView(RunTree, RunView):
    """The run as its playbook reads: plays, their tasks, each task's host runs."""

    VIEW_ID = "tasks"
    VIEW_NAME = "Tasks"

    # While a comparison is on, n and N step through its differences instead of failures
    # (`check_action` makes one pair of these live at a time; the footer shows that one).
    # A class's bindings of a key replace its bases', so RunTree's are repeated here.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_problem", "Next failed", id="next_failed"),
        Binding("N", "previous_problem", "Prev failed", show=False, id="previous_failed"),
        Binding("n", "next_difference", "Next diff", id="next_difference"),
        Binding("N", "previous_difference", "Prev diff", show=False, id="previous_difference"),
    ]

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        super().__init__(state.tree, lock=state.lock, id=id)
        #: the comparison shown, if any
        self.marks: DiffMarks | None = None

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

    # ------------------------------------------------------------ comparison

    def label_of(self, node: Node) -> Text:
        label = super().label_of(node)
        marks = getattr(self, "marks", None)  # asked by RunTree's __init__, before ours
        extra = node_marks(marks, node.id)
        if extra is None:
            return label
        return Text.assemble(label, "  ", extra)

    def show_marks(self, marks: DiffMarks | None) -> None:
        old, self.marks = self.marks, marks
        ids = _marked_ids(old) ^ _marked_ids(marks)
        # A mark that changed kind or delta keeps its id: relabel what either marks differently.
        for node_id in _marked_ids(old) & _marked_ids(marks):
            if _marks_of(old, node_id) != _marks_of(marks, node_id):
                ids.add(node_id)
        relabeled = False
        for node_id in ids:
            tree_node = self._shown_nodes.get(node_id)
            if tree_node is not None and tree_node.data is not None:
                self._relabel(tree_node, tree_node.data)
                relabeled = True
        if relabeled:
            self.refresh()
        if bool(old) != bool(marks):
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        comparing = bool(self.marks)
        if action in ("next_difference", "previous_difference"):
            return comparing
        if action in ("next_problem", "previous_problem"):
            return not comparing
        return True

    def action_next_difference(self) -> None:
        """Go to the next difference from the run compared with (expands the way; wraps)."""
        self._step(backwards=False)

    def action_previous_difference(self) -> None:
        """Go to the previous difference from the run compared with."""
        self._step(backwards=True)

    def _step(self, *, backwards: bool) -> None:
        marks = self.marks
        if not marks:
            return
        self._user_moved()
        here = self.cursor_node.data if self.cursor_node is not None else None
        from jobevents.core.diff_marks import next_difference  # comparing only

        target = next_difference(self.core.root, marks, here, backwards=backwards)
        if target is None:
            self.notify("No differences in this run's tree.", title="Compare")
            return
        if not self.select_core_node(target):
            self.notify("That difference is hidden by the filter.", title="Compare")

    # ------------------------------------------------------------ messages

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Node]) -> None:
        self.post_message(RunView.Highlighted(self, event.node.data, following=self.follow))

    @on(RunTree.FollowChanged)
    def _follow_changed(self, event: RunTree.FollowChanged) -> None:
        event.stop()
        self.post_message(RunView.FollowChanged(self, event.follow))


def _marked_ids(marks: DiffMarks | None) -> set[int]:
    if not marks:
        return set()
    return set(marks.nodes) | set(marks.tasks)


def _marks_of(marks: DiffMarks | None, node_id: int) -> tuple[object, object]:
    if marks is None:
        return None, None
    return marks.nodes.get(node_id), marks.tasks.get(node_id)
