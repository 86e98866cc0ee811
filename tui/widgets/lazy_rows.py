"""LazyRows: a Textual `Tree` of a live run that stays fast at a thousand hosts.

Textual rebuilds its line list on every structural change, walking every expanded
line; so a row's children become TreeNodes only when it is first expanded, changes
arrive in one batch per frame, and new counts are set on the labels of that batch
with one repaint for all. Rendered lines are kept by what they show
(`CachedTreeLines`, line_cache.py), so a frame renders only the lines that changed.

What the rows are and how they hang together is the subclass's: `RunTree` shows the
core's tree as it is, the Hosts view files the same runs under their hosts. Subclasses
answer a few small questions (`key_of`, `parent_of`, `children_of`, `sibling_index`,
`label_of`, ...) and turn each frame's `Changes` into `_place`, `_drop` and `_relabel`.
What the keys and clicks do to the rows is `LazyTree`'s (lazy_tree.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, Protocol, TypeVar

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets.tree import TreeNode

from jobevents.core.nodes import Changes
from jobevents.core.query import Query

from .line_cache import CachedTreeLines
from .own_layout import OwnLayout

RowT = TypeVar("RowT")


class RowMatches(Protocol):
    """What a search found: its hits, the keys of every row on their paths, how many."""

    @property
    def hits(self) -> Sequence[object]: ...

    @property
    def shown(self) -> set[Hashable]: ...

    @property
    def total(self) -> int: ...

    @property
    def truncated(self) -> int: ...


class LazyRows(CachedTreeLines[RowT], OwnLayout, Generic[RowT]):
    """A live tree whose rows are created when their parent first opens."""

    #: while `apply` runs, Textual's invalidations are held back (see `_invalidate`);
    #: class attributes because Textual's `__init__` already invalidates
    _deferring = False
    _invalid = False

    follow: reactive[bool] = reactive(True)
    """Keep the newest activity in view; moving the cursor away turns it off."""

    class FollowChanged(Message):
        """Follow mode turned on or off."""

        def __init__(self, follow: bool) -> None:
            super().__init__()
            self.follow = follow

    def __init__(self, root: RowT, *, id: str | None = None) -> None:
        super().__init__(self.label_of(root), data=root, id=id)
        self.guide_depth = 3
        # Textual starts `show_root` at its first read, which the first line build makes:
        # its watcher asks for the lines again mid-build, so the first build ran twice
        _ = self.show_root
        self.auto_expand = True
        #: row key -> its TreeNode, for rows that have one
        self._shown_nodes: dict[Hashable, TreeNode[RowT]] = {self.key_of(root): self.root}
        #: keys of rows whose TreeNode children have been created
        self._loaded: set[Hashable] = set()
        #: expanded or collapsed by hand: events never undo these
        self._user_opened: set[Hashable] = set()
        self._user_closed: set[Hashable] = set()
        #: opened by follow mode, closed again when follow moves on
        self._auto: set[Hashable] = set()
        self._newest: RowT | None = None
        #: set while a first load streams in: follow jumps once, at the end, not per task
        self.hold_follow = False
        self.query_filter = Query()
        self.matches: RowMatches | None = None
        self._hits: set[Hashable] = set()
        self._filter_dirty = False
        self.root.expand()
        self._load(root)

    # ------------------------------------------------------ what the rows are

    def key_of(self, row: RowT) -> Hashable:
        """A row's identity, stable while the run lasts."""
        raise NotImplementedError

    def parent_of(self, row: RowT) -> RowT | None:
        """The row a row hangs under (None for the root, or one this tree does not show)."""
        raise NotImplementedError

    def children_of(self, row: RowT) -> Sequence[RowT]:
        """A row's children, in the order they are shown."""
        raise NotImplementedError

    def sibling_index(self, parent: RowT, row: RowT) -> int:
        """Where `row` stands in `children_of(parent)`."""
        raise NotImplementedError

    def label_of(self, row: RowT) -> Text:
        """The row's line."""
        raise NotImplementedError

    def opens_by_default(self, row: RowT) -> bool:
        """Whether a row shows its children when it first appears."""
        return False

    def stays_open(self, row: RowT) -> bool:
        """Whether `c` (collapse all) leaves the row open."""
        return False

    def expand_cost(self, row: RowT) -> int:
        """How many lines opening `row` adds (for `e`'s bound on lines)."""
        return len(self.children_of(row))

    def find_matches(self, query: Query) -> RowMatches:
        """The rows `query` shows."""
        raise NotImplementedError

    def next_problem(self, after: RowT | None, *, backwards: bool) -> RowT | None:
        """The failure `n` (or `N`) goes to from `after`."""
        return None

    def apply(self, changes: Changes) -> None:
        """Bring the widget in step with what the core did since the last frame."""
        with self.while_applying():
            self._deferring = True
            try:
                if self.query_filter:
                    self._apply_filtered(changes)
                else:
                    self._apply(changes)
            finally:
                self._deferring = False
                self._flush_invalidate()

    def _apply(self, changes: Changes) -> None:
        raise NotImplementedError

    def _apply_filtered(self, changes: Changes) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ labels

    def process_label(self, label: str | Text) -> Text:
        """Labels are data: a str is shown as it is, never parsed as markup."""
        return label if isinstance(label, Text) else Text(label)

    def get_label_width(self, node: TreeNode[RowT]) -> int:
        """Arithmetic instead of rendering every label on each rebuild."""
        return node._label.cell_len + (2 if node._allow_expand else 0)

    def restyle(self) -> None:
        """Label every node shown again (the theme changed its colours), then repaint."""
        for tree_node in list(self._shown_nodes.values()):
            row = tree_node.data
            if row is not None:
                self._relabel(tree_node, row)
        self._line_cache.clear()
        self.refresh()

    def _relabel(self, tree_node: TreeNode[RowT], row: RowT) -> None:
        """`set_label` without its repaint message: `apply` repaints once for the batch.

        Textual's `set_label` queues one refresh a node; a frame can relabel hundreds.
        Bumping `_updates` is what tells the line caches that the line changed.
        """
        tree_node._label = self.process_label(self.label_of(row))
        tree_node._updates += 1

    # --------------------------------------------------- applying changes

    def _invalidate(self) -> None:
        """Textual calls this for every node added, removed, expanded or collapsed.

        Each call empties the line list and asks for a layout; a frame can add hundreds
        of nodes, so while `apply` runs they count as one, made when the list is needed.
        """
        if self._deferring:
            self._invalid = True
        else:
            super()._invalidate()

    def _flush_invalidate(self) -> None:
        if self._invalid:
            self._invalid = False
            super()._invalidate()

    def _place(self, row: RowT) -> None:
        """Give `row` a TreeNode if its parent shows its children."""
        parent = self.parent_of(row)
        if parent is None:
            return
        parent_key = self.key_of(parent)
        if parent_key not in self._loaded:
            return
        parent_tn = self._shown_nodes.get(parent_key)
        if parent_tn is None:
            return
        before = self._next_shown_sibling(parent, row)
        self._make(row, parent_tn, before)
        if not parent_tn.allow_expand:
            parent_tn.allow_expand = True

    def _next_shown_sibling(self, parent: RowT, row: RowT) -> TreeNode[RowT] | None:
        siblings = self.children_of(parent)
        if siblings and siblings[-1] is row:
            return None
        index = self.sibling_index(parent, row)
        shown = self._shown_nodes
        for sibling in siblings[index + 1 :]:
            tree_node = shown.get(self.key_of(sibling))
            if tree_node is not None:
                return tree_node
        return None

    def _make(
        self, row: RowT, parent_tn: TreeNode[RowT], before: TreeNode[RowT] | None = None
    ) -> TreeNode[RowT]:
        expand = self._wants_open(row)
        tree_node = parent_tn.add(
            self.label_of(row),
            data=row,
            before=before,
            expand=expand,
            allow_expand=bool(self.children_of(row)),
        )
        self._shown_nodes[self.key_of(row)] = tree_node
        if expand:
            self._load(row)
        return tree_node

    def _load(self, row: RowT) -> None:
        """Create the TreeNodes of `row`'s children (once)."""
        key = self.key_of(row)
        if key in self._loaded:
            return
        self._loaded.add(key)
        parent_tn = self._shown_nodes[key]
        for child in self.children_of(row):
            if self.key_of(child) not in self._shown_nodes and self._shown(child):
                self._make(child, parent_tn)

    def _drop(self, row: RowT) -> None:
        """Remove `row`'s TreeNode and everything shown below it."""
        tree_node = self._shown_nodes.pop(self.key_of(row), None)
        if tree_node is None:
            return
        self._loaded.discard(self.key_of(row))
        stack = list(tree_node._children)
        while stack:
            below = stack.pop()
            if below.data is not None:
                key = self.key_of(below.data)
                if self._shown_nodes.get(key) is below:
                    del self._shown_nodes[key]
                    self._loaded.discard(key)
            stack.extend(below._children)
        if tree_node is not self.root:
            tree_node.remove()

    def _wants_open(self, row: RowT) -> bool:
        key = self.key_of(row)
        if key in self._user_opened:
            return True
        if key in self._user_closed:
            return False
        if self.query_filter:
            if self.matches is None or key not in self.matches.shown:
                return False
            # A hit stays closed unless another hit lies below it (a task and its host).
            shown = self.matches.shown
            return not self._is_hit(row) or any(
                self.key_of(c) in shown for c in self.children_of(row)
            )
        # What follow mode opened stays open when the tree is rebuilt (a filter cleared).
        return self.opens_by_default(row) or key in self._auto

    def _shown(self, row: RowT) -> bool:
        if not self.query_filter or self.matches is None:
            return True
        parent = self.parent_of(row)
        # Below a hit, everything shows: a matching task opens to all its hosts.
        while parent is not None:
            if self._is_hit(parent):
                return True
            parent = self.parent_of(parent)
        return self.key_of(row) in self.matches.shown

    def _is_hit(self, row: RowT) -> bool:
        return self.key_of(row) in self._hits

    # ------------------------------------------------------------- follow

    def _follow_to(self, row: RowT) -> None:
        """Open the newest row and keep it, and what runs under it, in view."""
        key = self.key_of(row)
        for auto_key in list(self._auto):
            if auto_key != key and auto_key not in self._user_opened:
                tree_node = self._shown_nodes.get(auto_key)
                if tree_node is not None and tree_node.is_expanded:
                    tree_node.collapse()
                self._auto.discard(auto_key)
        tree_node = self.reveal(row)
        if tree_node is None:
            return
        if not tree_node.is_expanded and key not in self._user_closed and self.children_of(row):
            self._load(row)
            tree_node.expand()
            self._auto.add(key)
        self._scroll_follow(row)

    def catch_up(self) -> None:
        """Jump to the newest activity now (after a first load held follow back)."""
        if self.follow and self._newest is not None and not self.query_filter:
            self._follow_to(self._newest)

    def _scroll_follow(self, row: RowT) -> None:
        tree_node = self._shown_nodes.get(self.key_of(row))
        if tree_node is None or not self.follow:
            return
        self._lines_now()
        last = tree_node
        while last.is_expanded and last.children:
            last = last.children[-1]
        self.scroll_to_node(last, animate=False)
        self.move_cursor(tree_node, animate=False)

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # Textual moves the bar's thumb only while the bar shows: a follow scroll made
        # between building the lines and the layout that shows the bar left it at the top.
        if shown:
            self.vertical_scrollbar.position = self.scroll_y

    def watch_follow(self, follow: bool) -> None:
        self.post_message(self.FollowChanged(follow))
        if follow:
            self.catch_up()

    def _user_moved(self) -> None:
        if self.follow:
            self.follow = False

    # ------------------------------------------------------------ reveal

    def reveal(self, row: RowT) -> TreeNode[RowT] | None:
        """The TreeNode of `row`, creating and opening its ancestors as needed."""
        path = [row]
        parent = self.parent_of(row)
        while parent is not None:
            path.append(parent)
            parent = self.parent_of(parent)
        path.reverse()
        for ancestor in path[:-1]:
            tree_node = self._shown_nodes.get(self.key_of(ancestor))
            if tree_node is None:
                return None
            self._load(ancestor)
            if not tree_node.is_expanded:
                tree_node.expand()
        return self._shown_nodes.get(self.key_of(row))

    def select_core_node(self, row: RowT) -> bool:
        """Put the cursor on `row`, opening the way to it."""
        tree_node = self.reveal(row)
        if tree_node is None:
            return False
        self.call_after_refresh(self._cursor_to, row)
        return True

    def _lines_now(self) -> None:
        """Build Textual's line list now: node line numbers are stale until it is built."""
        self._flush_invalidate()
        _ = self._tree_lines

    def _cursor_to(self, row: RowT) -> None:
        tree_node = self._shown_nodes.get(self.key_of(row))
        if tree_node is not None:
            self._lines_now()
            self.move_cursor(tree_node, animate=False)
            self.scroll_to_node(tree_node, animate=False)

    # ------------------------------------------------------------ filter

    def set_query(self, query: Query) -> None:
        """Show only hits of `query` and their paths (an empty query shows everything)."""
        if query == self.query_filter:
            return  # the same filter again (a view shown anew): the rows stand
        self.query_filter = query
        self._rebuild()

    def filter_summary(self) -> str:
        """What the filter found, for the header: "12 matches"."""
        matches = self.matches
        if matches is None:
            return ""
        text = f"{matches.total:,} {'match' if matches.total == 1 else 'matches'}"
        if matches.truncated:
            text += f"  first {len(matches.hits):,} shown"
        return text

    @property
    def is_following(self) -> bool:
        return self.follow

    def start_following(self) -> None:
        self.follow = True

    def refresh_filter(self) -> None:
        """Recompute hits after events arrived while a filter is on."""
        if self._filter_dirty and self.query_filter:
            self._filter_dirty = False
            self._rebuild()

    def _rebuild(self) -> None:
        """Recreate every TreeNode from the core (filter on, off or changed)."""
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        root = self.root.data
        assert root is not None
        self.matches = self.find_matches(self.query_filter) if self.query_filter else None
        self._hits = (
            {self.key_of(hit) for hit in self.matches.hits} if self.matches is not None else set()
        )
        self.clear()
        self._shown_nodes = {self.key_of(root): self.root}
        self._loaded = set()
        self.root.set_label(self.label_of(root))
        self.root.expand()
        self._load(root)
        if cursor is not None and self.key_of(cursor) in self._shown_nodes:
            self.call_after_refresh(self._cursor_to, cursor)
        elif self.matches is not None and self.matches.hits:
            self.call_after_refresh(self._cursor_to, self.matches.hits[0])

    # ------------------------------------------------- Textual's hooks

    def _toggle_node(self, node: TreeNode[RowT]) -> None:
        """Every toggle by key or mouse comes here: remember it as the user's choice."""
        data = node.data
        if data is not None and node.allow_expand:
            self._remember(data, not node.is_expanded)
            if not node.is_expanded:
                self._load(data)
        super()._toggle_node(node)

    def _remember(self, row: RowT, opened: bool) -> None:
        key = self.key_of(row)
        self._auto.discard(key)
        if opened:
            self._user_opened.add(key)
            self._user_closed.discard(key)
        else:
            self._user_closed.add(key)
            self._user_opened.discard(key)
