"""LazyTree: what the keys and clicks do to a live tree's rows (`LazyRows`).

Moving the cursor by hand stops follow mode; a click selects and only a double click or
the expander toggles; `e` opens a level at a time while the lines stay bounded, `c`
closes all but what must stay open; `n`/`N` go to the next failure, opening the way.
Every open or close by hand is remembered, so the run's own frames never undo it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType

from .lazy_rows import LazyRows, RowT

#: `e` opens at most this many lines at once, so one key never freezes a huge run
EXPAND_ALL_LIMIT = 20_000


class LazyTree(LazyRows[RowT]):
    """A live tree whose rows are created when their parent first opens, with its keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("left,h", "collapse_or_parent", "Collapse", show=False),
        Binding("right,l", "expand_or_child", "Expand", show=False),
        Binding("e", "expand_all", "Expand all", show=False, id="expand_all"),
        Binding("c", "collapse_all", "Collapse all", show=False, id="collapse_all"),
        Binding("n", "next_problem", "Next failed", id="next_failed"),
        Binding("N", "previous_problem", "Prev failed", show=False, id="previous_failed"),
        Binding("f", "follow", "Follow", show=False, id="follow"),
    ]

    async def _on_click(self, event: events.Click) -> None:
        """A click selects the line; a double click, or a click on the expander, toggles it
        (Textual's tree toggles on every click, which makes a click to look a surprise)."""
        event.prevent_default()  # Textual's own handler (the class below) would toggle too
        self._user_moved()
        meta = event.style.meta
        if "line" not in meta:
            return
        line = meta["line"]
        async with self.lock:
            if event.chain == 1:
                self.cursor_line = line
            if meta.get("toggle", False) or event.chain == 2:
                node = self.get_node_at_line(line)
                if node is not None:
                    self._toggle_node(node)

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
        """Expand every node (the upper levels first, the rest while lines stay bounded)."""
        self._user_moved()
        budget = EXPAND_ALL_LIMIT
        root = self.root.data
        assert root is not None
        queue = [root]
        while queue:
            next_level: list[RowT] = []
            for row in queue:
                tree_node = self._shown_nodes.get(self.key_of(row))
                children = self.children_of(row)
                if tree_node is None or not children:
                    continue
                cost = self.expand_cost(row)
                if budget < cost:
                    budget = -1
                    break
                budget -= cost
                self._remember(row, True)
                self._load(row)
                if not tree_node.is_expanded:
                    tree_node.expand()
                next_level.extend(children)
            if budget < 0:
                self.notify(
                    f"Opened what fits in {EXPAND_ALL_LIMIT:,} lines; open the rest one by one.",
                    title="Expand all",
                )
                break
            queue = next_level

    def action_collapse_all(self) -> None:
        """Collapse everything below the top level."""
        self._user_moved()
        for key, tree_node in list(self._shown_nodes.items()):
            data = tree_node.data
            if data is None or tree_node is self.root:
                continue
            if self.stays_open(data):
                if not tree_node.is_expanded:
                    tree_node.expand()
                continue
            self._auto.discard(key)
            self._user_opened.discard(key)
            if tree_node.is_expanded:
                self._user_closed.add(key)
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
        target = self.next_problem(here, backwards=backwards)
        if target is None:
            self.notify("No failed or unreachable hosts.", title="Failures")
            return
        if not self.select_core_node(target):
            self.notify("That failure is hidden by the filter.", title="Failures")

    def action_follow(self) -> None:
        """Follow the newest activity."""
        self.follow = True
