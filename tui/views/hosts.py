"""HostsView (`2`): host → play → the task runs of that host, problems first.

"What happened to web03 in this run": every host of the run, the worst first, each with
its runs grouped by play. The runs are the task tree's own host nodes, so loop items,
retries and async polls hang under them as there, and the selection passes between the
views as the same node. Rows are `LazyTree`'s: a host's plays become TreeNodes only when
it is first opened, and a frame touches only the hosts its changes name, so a thousand
hosts cost what the task tree costs. Where each run is filed is the core's `HostIndex`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from jobevents.core.holders import is_attached
from jobevents.core.host_query import (
    HostMatches,
    find_host_matches,
    next_host_problem,
    row_matches,
)
from jobevents.core.hosts import HostEntry, HostIndex, HostPlay, OrderKey, play_of
from jobevents.core.newest import newest_of
from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Query
from jobevents.core.state import RunState
from jobevents.core.tree import sibling_order

from ..host_labels import host_label, hosts_label, play_label, run_label
from ..labels import node_label
from ..widgets.lazy_tree import LazyTree
from .base import Frame, RunView

#: a line of this view: the root (the index), a host, one of its plays, a run or below
Row = HostIndex | HostEntry | HostPlay | Node

_RUN_PARTS = frozenset({"item", "retry", "async"})
#: a task `_regrouped` has not seen
_UNSEEN = object()
#: line widths are rounded up to this many cells (see `get_label_width`)
_WIDTH_STEP = 16


class HostsView(LazyTree[Row], RunView):
    """Every host of the run, problems first, each with its runs by play."""

    VIEW_ID = "hosts"
    VIEW_NAME = "Hosts"

    BINDINGS: ClassVar[list[BindingType]] = [
        *LazyTree.BINDINGS,
        # S(ort): `o` is the app's (a worker stream's output). Not in the footer, which the
        # views' number keys fill: `?` and the README list it.
        Binding("S", "toggle_order", "Sort", show=False, id="host_order"),
    ]

    matches: HostMatches | None

    def __init__(self, state: RunState, *, id: str | None = None) -> None:
        self.index = state.hosts
        #: by natural name only, instead of failed and unreachable hosts first
        self.by_name = False
        #: host name -> the entry its row shows, and the order key it was placed by
        self._entry_rows: dict[str, HostEntry] = {}
        self._entry_keys: dict[HostEntry, OrderKey] = {}
        #: tasks whose runs have rows, with what of them those rows show
        self._task_marks: dict[Node, tuple[str, str | None, bool]] = {}
        #: the play each task with runs was last seen under
        self._task_play: dict[Node, Node | None] = {}
        #: rows whose line changed since their label was built (see `_relabel`)
        self._stale: set[Row] = set()
        super().__init__(state.hosts, id=id)
        self._root = state.tree.root
        # built on a run under way (first shown late): follow from its newest host run
        self._newest = newest_of(self._root, ("host",))

    # ------------------------------------------------------ what the rows are

    def key_of(self, row: Row) -> Hashable:
        return row

    def parent_of(self, row: Row) -> Row | None:
        if isinstance(row, Node):
            if row.kind == "host":
                return self.index.group_of(row)
            parent = row.parent
            return parent if parent is not None and parent.kind == "host" else None
        if isinstance(row, HostPlay):
            return row.host
        if isinstance(row, HostEntry):
            return self.index
        return None

    def children_of(self, row: Row) -> Sequence[Row]:
        if isinstance(row, Node):
            return row.children
        if isinstance(row, HostPlay):
            return row.runs
        if isinstance(row, HostEntry):
            return row.plays
        return self.index.ordered(by_name=self.by_name)

    def sibling_index(self, parent: Row, row: Row) -> int:
        if isinstance(parent, Node):
            assert isinstance(row, Node)
            return bisect_left(parent.children, sibling_order(row), key=sibling_order)
        if isinstance(parent, HostPlay):
            assert isinstance(row, Node)
            return parent.index_of(row)
        if isinstance(parent, HostEntry):
            assert isinstance(row, HostPlay)
            return parent.plays.index(row) if row in parent.plays else len(parent.plays)
        assert isinstance(row, HostEntry)
        return self.index.position(row, by_name=self.by_name)

    def label_of(self, row: Row) -> Text:
        if isinstance(row, Node):
            return run_label(row) if row.kind == "host" else node_label(row)
        if isinstance(row, HostPlay):
            return play_label(row)
        if isinstance(row, HostEntry):
            return host_label(row)
        return hosts_label(row)

    def get_label_width(self, node: TreeNode[Row]) -> int:
        # Rounded up: a host's line grows by a digit now and then, and the widest line sets
        # the width every line is padded to (part of each kept line's key). Unrounded, a
        # thousand hosts' counts moved it nearly every frame and every line was drawn anew.
        width = super().get_label_width(node)
        return width + (-width % _WIDTH_STEP)

    def _relabel(self, tree_node: TreeNode[Row], row: Row) -> None:
        """Mark the line changed; its label is built when the line is drawn.

        A frame touches a hundred hosts of a thousand, and a screen shows forty lines:
        building only the labels drawn is most of what a frame saves (hidden, it builds
        none). Until then a line keeps its last label, which only its width is read from.
        """
        self._stale.add(row)
        tree_node._updates += 1

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        lines = self._tree_lines
        if self._stale and y < len(lines):
            tree_node = lines[y].node
            row = tree_node.data
            if row in self._stale:
                self._stale.discard(row)
                super()._relabel(tree_node, row)
        return super()._render_line(y, x1, x2, base_style)

    def labels_now(self) -> None:
        """Build every label put off (for readers of labels other than the screen)."""
        stale, self._stale = self._stale, set()
        shown = self._shown_nodes
        for row in stale:
            tree_node = shown.get(row)
            if tree_node is not None:
                super()._relabel(tree_node, row)

    def view_shown(self) -> None:
        if not self.hold_follow:
            self.catch_up()

    def opens_by_default(self, row: Row) -> bool:
        return isinstance(row, HostIndex | HostPlay)

    def _wants_open(self, row: Row) -> bool:
        # A host found by name opens to its plays, as it would unfiltered.
        if (
            self.query_filter
            and isinstance(row, HostPlay)
            and row.host in self._hits
            and row not in self._user_closed
        ):
            return True
        return super()._wants_open(row)

    def expand_cost(self, row: Row) -> int:
        if row in self._loaded:
            return 0
        if isinstance(row, HostEntry):  # its plays open as they are made
            return sum(1 + len(group.runs) for group in row.plays)
        return len(self.children_of(row))

    def stays_open(self, row: Row) -> bool:
        return isinstance(row, HostPlay)

    def find_matches(self, query: Query) -> HostMatches:
        return find_host_matches(self.index, query, by_name=self.by_name)

    def next_problem(self, after: Row | None, *, backwards: bool) -> Row | None:
        return next_host_problem(self.index, after, by_name=self.by_name, backwards=backwards)

    def _make(
        self, row: Row, parent_tn: TreeNode[Row], before: TreeNode[Row] | None = None
    ) -> TreeNode[Row]:
        tree_node = super()._make(row, parent_tn, before)
        if isinstance(row, HostEntry):
            self._entry_rows[row.name] = row
            self._entry_keys[row] = row.order_key(by_name=self.by_name)
        elif isinstance(row, Node) and row.kind == "host" and row.parent is not None:
            task = row.parent
            self._task_marks.setdefault(task, _task_mark(task))
        return tree_node

    def _drop(self, row: Row) -> None:
        if isinstance(row, HostEntry) and self._entry_rows.get(row.name) is row:
            del self._entry_rows[row.name]
            self._entry_keys.pop(row, None)
        super()._drop(row)

    def clear(self) -> HostsView:
        self._stale.clear()
        self._task_play.clear()
        self._entry_rows.clear()
        self._entry_keys.clear()
        self._task_marks.clear()
        super().clear()
        return self

    # --------------------------------------------------- applying changes

    def _apply(self, changes: Changes) -> None:
        regrouped = self._regrouped_tasks(changes)
        touched = self._touched(changes, regrouped)
        shown = self._shown_nodes
        self._rerank(touched)
        for node in changes.removed:
            self._drop(node)
        # All moved rows out first, then in: a row is placed before its next shown sibling,
        # which must not be one still shown where it was (it may move past the row).
        runs: list[Node] = []
        parts: list[Node] = []
        groups: dict[HostEntry, list[HostPlay]] = {}
        for node in changes.moved:
            kind = node.kind
            if kind == "host":
                runs.append(node)
            elif node in regrouped:
                runs.extend(below for below in node.walk() if below.kind == "host")
            elif kind == "play":
                for group in self.index.groups_of_play(node):
                    tree_node = shown.get(group)
                    if tree_node is not None:
                        self._relabel(tree_node, group)
                        groups.setdefault(group.host, []).append(group)
            elif kind in _RUN_PARTS:
                parts.append(node)
        for node in (*runs, *parts):
            self._drop(node)
        for node in runs:
            self._place_row(node)
        for node in parts:
            if node not in shown:  # its run, put back open, may have shown it already
                self._place(node)
        for moved in groups.values():
            self._move(moved)
        for node in changes.added:
            kind = node.kind
            if kind == "host":
                if node.parent is not None and node.parent not in self._task_play:
                    self._task_play[node.parent] = play_of(node)
                if node not in shown:
                    self._place_row(node)
                newest = self._newest
                if not isinstance(newest, Node) or node.counter >= newest.counter:
                    self._newest = node
            elif kind in _RUN_PARTS and node not in shown:
                self._place(node)
        marks = self._task_marks
        for node in changes.changed:
            tree_node = shown.get(node)
            if tree_node is not None:
                self._relabel(tree_node, node)
                if tree_node.allow_expand != bool(node.children):
                    tree_node.allow_expand = bool(node.children)
            elif node in marks:
                self._retask(node)
        self._restate(touched)
        self.refresh()  # unchanged lines come from the line cache
        newest = self._newest
        if isinstance(newest, Node) and not is_attached(newest, self._root):
            # an emptied host run leaves the tree: ask the tree again
            newest = self._newest = newest_of(self._root, ("host",))
        if self.follow and isinstance(newest, Node) and not self.hold_follow and self.display:
            self._follow_to(newest)  # hidden, it catches up when shown (`view_shown`)

    def _apply_filtered(self, changes: Changes) -> None:
        """Under a filter, new hits or lost hits mean a rebuild (at most a few a second)."""
        query = self.query_filter
        shown = self._shown_nodes
        for node in (*changes.removed, *changes.moved):
            if node in shown or row_matches(query, node):
                self._filter_dirty = True
        for node in changes.added:
            if row_matches(query, node):
                self._filter_dirty = True
            elif (node.kind == "host" or node.kind in _RUN_PARTS) and self._shown(node):
                self._place_row(node)  # below a hit: a host found by name shows all its runs
        for node in changes.changed:
            tree_node = shown.get(node)
            if tree_node is not None:
                self._relabel(tree_node, node)
            if row_matches(query, node) != (node in self._hits):
                self._filter_dirty = True
        touched = self._touched(changes, self._regrouped_tasks(changes))
        self._rerank(touched)
        for name in touched:
            entry = self._entry_rows.get(name)
            if entry is not None and entry is not self.index.get(name):
                self._filter_dirty = True
            elif entry is not None:
                self._relabel_host(entry)
        self._relabel(self.root, self.index)
        self.refresh()

    def _touched(self, changes: Changes, regrouped: set[Node]) -> set[str]:
        """The hosts whose runs this frame added, moved, removed or changed (all of them
        when the recap came)."""
        if changes.recap:
            return set(self._entry_rows) | set(self.index.hosts)
        names: set[str] = set()
        for group in (changes.removed, changes.moved, changes.added, changes.changed):
            for node in group:
                if node.kind == "host":
                    names.add(node.host or node.name)
        for task in regrouped:
            names.update(b.host or b.name for b in task.walk() if b.kind == "host")
        return names

    def _regrouped_tasks(self, changes: Changes) -> set[Node]:
        return {node for node in changes.moved if node.kind == "task" and self._regrouped(node)}

    def _regrouped(self, task: Node) -> bool:
        """Whether a task that moved took its runs to another play (or it cannot tell).

        Mostly a task moves within its play (its counter changed) and its runs stay on
        their rows; it is the play each task was last seen under that says so.
        """
        play = play_of(task)
        known = self._task_play.get(task, _UNSEEN)
        self._task_play[task] = play
        return known is not play

    def _retask(self, task: Node) -> None:
        """A task's name, role or handler mark changed: its runs' lines show them."""
        mark = _task_mark(task)
        if self._task_marks.get(task) == mark:
            return
        self._task_marks[task] = mark
        shown = self._shown_nodes
        for run in task.children:
            tree_node = shown.get(run)
            if tree_node is not None:
                self._relabel(tree_node, run)

    def _place_row(self, row: Row) -> None:
        """`_place`, giving the row's host and play a row first if they have none yet."""
        parent = self.parent_of(row)
        if parent is None:
            return
        if parent not in self._shown_nodes:
            self._place_row(parent)  # placing the parent may already create `row`
        if row not in self._shown_nodes:
            self._place(row)

    def _rerank(self, names: set[str]) -> None:
        """Move the rows of the hosts named whose place in the order changed (failed now).

        First, so that every row already shown stands where the order says before new
        rows are placed next to them.
        """
        index = self.index
        moved: list[HostEntry] = []
        for name in names:
            entry = self._entry_rows.get(name)
            if entry is None or entry is not index.get(name):
                continue
            key = entry.order_key(by_name=self.by_name)
            if key != self._entry_keys.get(entry):
                self._entry_keys[entry] = key
                moved.append(entry)
        if moved:
            self._move(moved)

    def _restate(self, names: set[str]) -> None:
        """Relabel the hosts named; drop the rows of hosts the core let go, add new ones."""
        index = self.index
        for name in names:
            shown = self._entry_rows.get(name)
            current = index.get(name)
            if shown is not None and shown is not current:
                self._drop(shown)  # the core let it go (no runs left) or made it anew
                shown = None
            if current is None:
                continue
            if shown is None:
                self._place_row(current)
            else:
                self._relabel_host(current)
        self._relabel(self.root, index)

    def _relabel_host(self, entry: HostEntry) -> None:
        """A host's line, and those of its plays; a play left with no runs goes."""
        tree_node = self._shown_nodes.get(entry)
        if tree_node is None:
            return
        self._relabel(tree_node, entry)
        for child in list(tree_node._children):
            group = child.data
            if isinstance(group, HostPlay):
                if group.runs and group.host is entry:
                    self._relabel(child, group)
                else:
                    self._drop(group)
        if tree_node.allow_expand != bool(entry.plays):
            tree_node.allow_expand = bool(entry.plays)

    def _move(self, rows: Sequence[HostEntry] | Sequence[HostPlay]) -> None:
        """Put existing rows of one parent where the order now says, keeping their TreeNodes
        (and the cursor on them).

        All are taken out first and put back from the last place to the first, so each
        lands before a sibling that already stands where it belongs.
        """
        parent = self.parent_of(rows[0])
        parent_tn = self._shown_nodes.get(parent) if parent is not None else None
        if parent is None or parent_tn is None:
            return
        siblings = parent_tn._children
        taken = []
        for row in rows:
            tree_node = self._shown_nodes.get(row)
            if tree_node is not None and tree_node in siblings:
                siblings.remove(tree_node)
                taken.append((self.sibling_index(parent, row), row, tree_node))
        taken.sort(key=lambda each: each[0], reverse=True)
        for _, row, tree_node in taken:
            before = self._next_shown_sibling(parent, row)
            at = siblings.index(before) if before is not None else len(siblings)
            siblings.insert(at, tree_node)
        self._invalidate()

    # ------------------------------------------------------------- follow

    def _follow_to(self, row: Row) -> None:
        """Put the cursor on the host of the newest run (on the run, if its host is open),
        when that line is on screen.

        Nothing opens, closes or scrolls: runs land on every host in turn, and chasing
        each across a thousand hosts would move every line, every frame. The worst hosts
        are at the top, where the view stays.
        """
        target = self._follow_target(row)
        tree_node = self._shown_nodes.get(target) if target is not None else None
        if tree_node is None:
            return
        self._lines_now()
        top = round(self.scroll_y)
        if top <= tree_node._line < top + self.scrollable_content_region.height:
            self.move_cursor(tree_node, animate=False)

    def catch_up(self) -> None:
        """Once, when follow starts or the view is shown: go to that line wherever it is."""
        newest = self._newest
        if self.follow and newest is not None and not self.query_filter:
            target = self._follow_target(newest)
            if target is not None:
                self.call_after_refresh(self._cursor_to, target)

    def _follow_target(self, row: Row) -> Row | None:
        if not isinstance(row, Node):
            return None
        group = self.index.group_of(row)
        if group is None:
            return None
        return row if self._is_visible(row) else group.host

    def _is_visible(self, row: Row) -> bool:
        tree_node = self._shown_nodes.get(row)
        if tree_node is None:
            return False
        parent = tree_node.parent
        while parent is not None:
            if not parent.is_expanded:
                return False
            parent = parent.parent
        return True

    # -------------------------------------------------------- the view

    def apply_frame(self, frame: Frame) -> None:
        if self.hold_follow != frame.loading:
            self.hold_follow = frame.loading
            if not frame.loading and self.display:
                self.catch_up()
        if frame.changes:
            self.apply(frame.changes)

    def selected_node(self) -> Node | None:
        """The run (or item) under the cursor, the play of a play's row, the playbook of
        the root's; nothing on a host."""
        cursor = self.cursor_node
        return _node_of(cursor.data if cursor is not None else None)

    def selected_shown(self) -> Node | HostEntry | None:
        cursor = self.cursor_node
        row = cursor.data if cursor is not None else None
        return row if isinstance(row, HostEntry) else _node_of(row)

    def select_node(self, node: Node) -> bool:
        run: Node | None = node
        while run is not None and run.kind != "host":
            run = run.parent
        if run is None or self.index.group_of(run) is None:
            return False
        self.follow = False
        return self.select_core_node(node)

    def action_toggle_order(self) -> None:
        """Order hosts by name only, or failed and unreachable ones first."""
        self.by_name = not self.by_name
        if self.query_filter:
            self._rebuild()
        else:
            by_name = self.by_name
            self.root._children.sort(key=self._position)
            for entry in self._entry_keys:
                self._entry_keys[entry] = entry.order_key(by_name=by_name)
            self.root._updates += 1
            self._invalidate()
            cursor = self.cursor_node
            if cursor is not None and cursor.data is not None:
                self.call_after_refresh(self._cursor_to, cursor.data)
        order = "by name" if self.by_name else "failed and unreachable first"
        self.notify(f"Hosts {order}.", title="Order", timeout=2)

    def _position(self, tree_node: TreeNode[Row]) -> int:
        entry = tree_node.data
        assert isinstance(entry, HostEntry)
        return self.index.position(entry, by_name=self.by_name)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Row]) -> None:
        row = event.node.data
        node = _node_of(row)
        shown = row if isinstance(row, HostEntry) else node
        self.post_message(RunView.Highlighted(self, node, following=self.follow, shown=shown))

    @on(LazyTree.FollowChanged)
    def _follow_changed(self, event: LazyTree.FollowChanged) -> None:
        event.stop()
        self.post_message(RunView.FollowChanged(self, event.follow))


def _node_of(row: Row | None) -> Node | None:
    """The core node a row stands for: a run or what is below it, a play for its group,
    the playbook for the root; none for a host."""
    if isinstance(row, Node):
        return row
    if isinstance(row, HostPlay):
        return row.play
    if isinstance(row, HostIndex):
        return row.tree.root
    return None


def _task_mark(task: Node) -> tuple[str, str | None, bool]:
    return task.name, task.role, task.handler
