"""RunTree: the run as a Textual `Tree`, kept in step with the core's tree by its changes.

Textual rebuilds its line list on every structural change, walking every expanded
line; so a node's children become TreeNodes only when it is first expanded, changes
arrive in one batch per frame, and new counts are set on the labels of that batch
with one repaint for all. Textual's own line cache is emptied by every structural
change, which under a live run is every frame: `RunTree` keeps rendered lines by
what they show instead, so a frame renders only the lines that changed. The widget
holds no tree logic: structure, order, status and matching come from the core.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Matches, Query, find_matches, next_problem
from jobevents.core.tree import EventTree, sibling_order

from ..labels import node_label

#: `e` opens at most this many lines at once, so one key never freezes a huge run
EXPAND_ALL_LIMIT = 20_000
#: rendered lines kept: a few screens' worth, so scrolling back and forth stays cheap
STRIP_CACHE_SIZE = 4096
_OPEN_BY_DEFAULT = frozenset({"playbook", "play"})


class RunTree(Tree[Node]):
    """The live tree of one run."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("left,h", "collapse_or_parent", "Collapse", show=False),
        Binding("right,l", "expand_or_child", "Expand", show=False),
        Binding("e", "expand_all", "Expand all", id="expand_all"),
        Binding("c", "collapse_all", "Collapse all", id="collapse_all"),
        Binding("n", "next_problem", "Next failed", id="next_failed"),
        Binding("N", "previous_problem", "Prev failed", show=False, id="previous_failed"),
        Binding("f", "follow", "Follow", id="follow"),
    ]

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

    def __init__(self, tree: EventTree, *, id: str | None = None) -> None:
        super().__init__(node_label(tree.root), data=tree.root, id=id)
        self.core = tree
        self.guide_depth = 3
        self.auto_expand = True
        #: core node id -> its TreeNode, for nodes that have one
        self._shown_nodes: dict[int, TreeNode[Node]] = {tree.root.id: self.root}
        #: core node ids whose TreeNode children have been created
        self._loaded: set[int] = set()
        #: expanded or collapsed by hand: events never undo these
        self._user_opened: set[int] = set()
        self._user_closed: set[int] = set()
        #: opened by follow mode, closed again when follow moves on
        self._auto: set[int] = set()
        self._newest: Node | None = None
        #: set while a first load streams in: follow jumps once, at the end, not per task
        self.hold_follow = False
        self.query_filter = Query()
        self.matches: Matches | None = None
        self._hits: set[int] = set()
        self._filter_dirty = False
        #: rendered lines by what they show (see `_render_line`)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(STRIP_CACHE_SIZE)
        #: the widget's base style, looked up once a repaint instead of once a line
        self._pass_style: Style | None = None
        self.root.expand()
        self._load(self.root)

    # ------------------------------------------------------------ labels

    def process_label(self, label: str | Text) -> Text:
        """Labels are data: a str is shown as it is, never parsed as markup."""
        return label if isinstance(label, Text) else Text(label)

    def get_label_width(self, node: TreeNode[Node]) -> int:
        """Arithmetic instead of rendering every label on each rebuild."""
        return node._label.cell_len + (2 if node._allow_expand else 0)

    def label_of(self, node: Node) -> Text:
        """A node's line (a view adds to it: a comparison's marks)."""
        return node_label(node)

    def _relabel(self, tree_node: TreeNode[Node], node: Node) -> None:
        """`set_label` without its repaint message: `apply` repaints once for the batch.

        Textual's `set_label` queues one refresh a node; a frame can relabel hundreds.
        Bumping `_updates` is what tells the line caches that the line changed.
        """
        tree_node._label = self.process_label(self.label_of(node))
        tree_node._updates += 1

    # ---------------------------------------------------------- rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = self.rich_style  # walks every ancestor's styles: once a repaint
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        style = self._pass_style or self.rich_style
        return self._render_line(y + scroll_y, scroll_x, scroll_x + self.size.width, style)

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """Textual's line, cached by what it shows rather than by the tree's version.

        Textual keys its cache on a counter that every added or expanded node bumps, so a
        live run re-renders every visible line every frame. A line looks the same while
        its node (label, expansion, cursor and hover: the node's `_updates`), its place
        (`y`, which the click handler reads back), its branch (whether it and each
        ancestor is a last child, for the guides), the ancestors' hover and cursor state,
        and the widget's style and size stay the same; that is this key.
        """
        lines = self._tree_lines
        if y >= len(lines):
            return super()._render_line(y, x1, x2, base_style)
        line = lines[y]
        path = line.path
        node = path[-1]
        width = self.size.width
        pad_width = max(self.virtual_size.width, width)
        key = (
            y,
            node._id,
            node._updates,
            line.last,
            tuple([(p._id, p.is_last, p._hover_, p._selected_) for p in path[:-1]]),
            self.cursor_line == y,
            self.hover_line == y,
            self._pseudo_class_state,
            base_style,
            width,
            pad_width,
            self.guide_depth,
            self.show_root,
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = super()._render_line(y, 0, pad_width, base_style)
            self._strips[key] = strip
        return strip.crop(x1, x2)

    def clear(self) -> RunTree:
        self._strips.clear()  # node ids start again from 0
        return super().clear()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    # --------------------------------------------------- applying changes

    def apply(self, changes: Changes) -> None:
        """Bring the widget in step with what the core did since the last frame."""
        self._deferring = True
        try:
            if self.query_filter:
                self._apply_filtered(changes)
            else:
                self._apply(changes)
        finally:
            self._deferring = False
            self._flush_invalidate()

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

    def _apply(self, changes: Changes) -> None:
        for node in changes.removed:
            self._drop(node)
        for node in changes.moved:
            if node.id in self._shown_nodes:
                self._drop(node)
            self._place(node)
        for node in changes.added:
            if node.id not in self._shown_nodes:
                self._place(node)
            if node.kind in ("play", "task") and (
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
        if self.follow and self._newest is not None and not self.hold_follow:
            self._follow_to(self._newest)

    def _place(self, node: Node) -> None:
        """Give `node` a TreeNode if its parent shows its children."""
        parent = node.parent
        if parent is None or parent.id not in self._loaded:
            return
        parent_tn = self._shown_nodes.get(parent.id)
        if parent_tn is None:
            return
        before = self._next_shown_sibling(parent, node)
        self._make(node, parent_tn, before)
        if not parent_tn.allow_expand:
            parent_tn.allow_expand = True

    def _next_shown_sibling(self, parent: Node, node: Node) -> TreeNode[Node] | None:
        siblings = parent.children
        if siblings and siblings[-1] is node:
            return None
        index = bisect_left(siblings, sibling_order(node), key=sibling_order)
        for sibling in siblings[index + 1 :]:
            tree_node = self._shown_nodes.get(sibling.id)
            if tree_node is not None:
                return tree_node
        return None

    def _make(
        self, node: Node, parent_tn: TreeNode[Node], before: TreeNode[Node] | None = None
    ) -> TreeNode[Node]:
        expand = self._wants_open(node)
        tree_node = parent_tn.add(
            self.label_of(node),
            data=node,
            before=before,
            expand=expand,
            allow_expand=bool(node.children),
        )
        self._shown_nodes[node.id] = tree_node
        if expand:
            self._load(node)
        return tree_node

    def _load(self, node: Node) -> None:
        """Create the TreeNodes of `node`'s children (once)."""
        if node.id in self._loaded:
            return
        self._loaded.add(node.id)
        parent_tn = self._shown_nodes[node.id]
        for child in node.children:
            if child.id not in self._shown_nodes and self._shown(child):
                self._make(child, parent_tn)

    def _drop(self, node: Node) -> None:
        tree_node = self._shown_nodes.pop(node.id, None)
        if tree_node is None:
            return
        # Forget what this TreeNode holds, not what the core node holds now: in one batch
        # a task node can lose its host runs to another and leave the tree, and the runs
        # must then be placed again rather than taken for still shown.
        stack = [tree_node]
        while stack:
            below = stack.pop()
            data = below.data
            if data is not None:
                if self._shown_nodes.get(data.id) is below:
                    del self._shown_nodes[data.id]
                self._loaded.discard(data.id)
            stack.extend(below.children)
        if tree_node is not self.root:
            tree_node.remove()

    def _wants_open(self, node: Node) -> bool:
        if node.id in self._user_opened:
            return True
        if node.id in self._user_closed:
            return False
        if self.query_filter:
            if self.matches is None or node.id not in self.matches.shown:
                return False
            # A hit stays closed unless another hit lies below it (a task and its host).
            shown = self.matches.shown
            return not self._is_hit(node) or any(c.id in shown for c in node.children)
        # What follow mode opened stays open when the tree is rebuilt (a filter cleared).
        return node.kind in _OPEN_BY_DEFAULT or node.id in self._auto

    def _shown(self, node: Node) -> bool:
        if not self.query_filter or self.matches is None:
            return True
        parent = node.parent
        # Below a hit, everything shows: a matching task opens to all its hosts.
        while parent is not None:
            if self._is_hit(parent):
                return True
            parent = parent.parent
        return node.id in self.matches.shown

    def _is_hit(self, node: Node) -> bool:
        return node.id in self._hits

    # ------------------------------------------------------------- follow

    def _follow_to(self, node: Node) -> None:
        """Open the newest play or task and keep it, and what runs under it, in view."""
        for auto_id in list(self._auto):
            if auto_id != node.id and auto_id not in self._user_opened:
                tree_node = self._shown_nodes.get(auto_id)
                if tree_node is not None and tree_node.is_expanded:
                    tree_node.collapse()
                self._auto.discard(auto_id)
        tree_node = self.reveal(node)
        if tree_node is None:
            return
        if not tree_node.is_expanded and node.id not in self._user_closed and node.children:
            self._load(node)
            tree_node.expand()
            self._auto.add(node.id)
        self._scroll_follow(node)

    def catch_up(self) -> None:
        """Jump to the newest activity now (after a first load held follow back)."""
        if self.follow and self._newest is not None and not self.query_filter:
            self._follow_to(self._newest)

    def _scroll_follow(self, node: Node) -> None:
        tree_node = self._shown_nodes.get(node.id)
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
        if follow and self._newest is not None and not self.query_filter:
            self._follow_to(self._newest)

    def _user_moved(self) -> None:
        if self.follow:
            self.follow = False

    # ------------------------------------------------------------ reveal

    def reveal(self, node: Node) -> TreeNode[Node] | None:
        """The TreeNode of `node`, creating and opening its ancestors as needed."""
        path = [node, *node.ancestors()]
        path.reverse()
        for ancestor in path[:-1]:
            tree_node = self._shown_nodes.get(ancestor.id)
            if tree_node is None:
                return None
            self._load(ancestor)
            if not tree_node.is_expanded:
                tree_node.expand()
        return self._shown_nodes.get(node.id)

    def select_core_node(self, node: Node) -> bool:
        """Put the cursor on `node`, opening the way to it."""
        tree_node = self.reveal(node)
        if tree_node is None:
            return False
        self.call_after_refresh(self._cursor_to, node)
        return True

    def _lines_now(self) -> None:
        """Build Textual's line list now: node line numbers are stale until it is built."""
        self._flush_invalidate()
        _ = self._tree_lines

    def _cursor_to(self, node: Node) -> None:
        tree_node = self._shown_nodes.get(node.id)
        if tree_node is not None:
            self._lines_now()
            self.move_cursor(tree_node, animate=False)
            self.scroll_to_node(tree_node, animate=False)

    # ------------------------------------------------------------ filter

    def set_query(self, query: Query) -> None:
        """Show only hits of `query` and their paths (an empty query shows everything)."""
        self.query_filter = query
        self._rebuild()

    def refresh_filter(self) -> None:
        """Recompute hits after events arrived while a filter is on."""
        if self._filter_dirty and self.query_filter:
            self._filter_dirty = False
            self._rebuild()

    def _apply_filtered(self, changes: Changes) -> None:
        """Under a filter, new hits or lost hits mean a rebuild (at most a few a second)."""
        query = self.query_filter
        for node in (*changes.removed, *changes.moved):
            if node.id in self._shown_nodes or query.matches(node):
                self._filter_dirty = True
        for node in changes.added:
            if query.matches(node):
                self._filter_dirty = True
            elif node.parent is not None and node.parent.id in self._loaded and self._shown(node):
                self._place(node)
        for node in changes.changed:
            tree_node = self._shown_nodes.get(node.id)
            if tree_node is not None:
                self._relabel(tree_node, node)
            if query.matches(node) != (node.id in self._hits):
                self._filter_dirty = True
        if changes.changed:
            self.refresh()

    def _rebuild(self) -> None:
        """Recreate every TreeNode from the core tree (filter on, off or changed)."""
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        self.matches = (
            find_matches(self.core.root, self.query_filter) if self.query_filter else None
        )
        self._hits = {n.id for n in self.matches.hits} if self.matches is not None else set()
        self.clear()
        self._shown_nodes = {self.core.root.id: self.root}
        self._loaded = set()
        self.root.set_label(self.label_of(self.core.root))
        self.root.expand()
        self._load(self.core.root)
        if cursor is not None and cursor.id in self._shown_nodes:
            self.call_after_refresh(self._cursor_to, cursor)
        elif self.matches is not None and self.matches.hits:
            self.call_after_refresh(self._cursor_to, self.matches.hits[0])

    # ------------------------------------------------- Textual's hooks

    def _toggle_node(self, node: TreeNode[Node]) -> None:
        """Every toggle by key or mouse comes here: remember it as the user's choice."""
        data = node.data
        if data is not None and node.allow_expand:
            self._remember(data, not node.is_expanded)
            if not node.is_expanded:
                self._load(data)
        super()._toggle_node(node)

    def _remember(self, node: Node, opened: bool) -> None:
        self._auto.discard(node.id)
        if opened:
            self._user_opened.add(node.id)
            self._user_closed.discard(node.id)
        else:
            self._user_closed.add(node.id)
            self._user_opened.discard(node.id)

    async def _on_click(self, event: events.Click) -> None:
        self._user_moved()
        await super()._on_click(event)

    # ------------------------------------------------------------ actions

    def action_cursor_up(self) -> None:
        """Move the cursor up."""
        self._user_moved()
        super().action_cursor_up()

    def action_cursor_down(self) -> None:
        """Move the cursor down."""
        self._user_moved()
        super().action_cursor_down()

    def action_page_up(self) -> None:
        """Move the cursor up a page."""
        self._user_moved()
        super().action_page_up()

    def action_page_down(self) -> None:
        """Move the cursor down a page."""
        self._user_moved()
        super().action_page_down()

    def action_scroll_home(self) -> None:
        """Move the cursor to the top."""
        self._user_moved()
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        """Move the cursor to the bottom."""
        self._user_moved()
        super().action_scroll_end()

    def action_collapse_or_parent(self) -> None:
        """Collapse the node under the cursor, or go to its parent."""
        self._user_moved()
        tree_node = self.cursor_node
        if tree_node is None:
            return
        if tree_node.allow_expand and tree_node.is_expanded:
            self._toggle_node(tree_node)
        elif tree_node.parent is not None:
            self.move_cursor(tree_node.parent, animate=False)

    def action_expand_or_child(self) -> None:
        """Expand the node under the cursor, or go to its first child."""
        self._user_moved()
        tree_node = self.cursor_node
        if tree_node is None:
            return
        if tree_node.allow_expand and not tree_node.is_expanded:
            self._toggle_node(tree_node)
        elif tree_node.children:
            self.move_cursor(tree_node.children[0], animate=False)

    def action_expand_all(self) -> None:
        """Expand every node (plays and tasks first, hosts while lines stay bounded)."""
        self._user_moved()
        budget = EXPAND_ALL_LIMIT
        queue = [self.core.root]
        while queue:
            next_level: list[Node] = []
            for node in queue:
                tree_node = self._shown_nodes.get(node.id)
                if tree_node is None or not node.children:
                    continue
                if budget < len(node.children):
                    budget = -1
                    break
                budget -= len(node.children)
                self._remember(node, True)
                self._load(node)
                if not tree_node.is_expanded:
                    tree_node.expand()
                next_level.extend(node.children)
            if budget < 0:
                self.notify(
                    f"Opened what fits in {EXPAND_ALL_LIMIT:,} lines; open the rest one by one.",
                    title="Expand all",
                )
                break
            queue = next_level

    def action_collapse_all(self) -> None:
        """Collapse everything below the plays."""
        self._user_moved()
        for node_id, tree_node in list(self._shown_nodes.items()):
            data = tree_node.data
            if data is None or tree_node is self.root:
                continue
            if data.kind == "play":
                if not tree_node.is_expanded:
                    tree_node.expand()
                continue
            self._auto.discard(node_id)
            self._user_opened.discard(node_id)
            if tree_node.is_expanded:
                self._user_closed.add(node_id)
                tree_node.collapse()
        cursor = self.cursor_node
        while cursor is not None and cursor.parent is not None and not cursor.parent.is_expanded:
            cursor = cursor.parent
        if cursor is not None:
            self.call_after_refresh(self.move_cursor, cursor)

    def action_next_problem(self) -> None:
        """Go to the next failed or unreachable host (expands the way; wraps)."""
        self._jump(backwards=False)

    def action_previous_problem(self) -> None:
        """Go to the previous failed or unreachable host."""
        self._jump(backwards=True)

    def _jump(self, *, backwards: bool) -> None:
        self._user_moved()
        here = self.cursor_node.data if self.cursor_node is not None else None
        target = next_problem(self.core.root, here, backwards=backwards)
        if target is None:
            self.notify("No failed or unreachable hosts.", title="Failures")
            return
        if not self.select_core_node(target):
            self.notify("That failure is hidden by the filter.", title="Failures")

    def action_follow(self) -> None:
        """Follow the newest activity."""
        self.follow = True
