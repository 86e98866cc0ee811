"""DetailPane: what the node under the cursor holds, its payload read from disk on demand."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static

from jobevents.core.folder import read_event_file
from jobevents.core.nodes import Node

from .. import detail

#: payloads larger than this are shown from their first bytes only
PAYLOAD_LIMIT = 8 * 1024 * 1024


class DetailPane(VerticalScroll, can_focus=True):
    """Follows the tree's cursor. Payloads load in a worker, so a 50 MB result never stalls."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.node: Node | None = None
        self.show_json = False
        self._body = Static(Text("Move the cursor to a node to see its details.", style="dim"))
        self._tree_lock: threading.RLock | None = None
        self._path_of: Callable[[tuple[int, str]], Path] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def bind_run(self, lock: threading.RLock, path_of: Callable[[tuple[int, str]], Path]) -> None:
        """Where payloads come from, and the lock that guards the tree's nodes."""
        self._tree_lock = lock
        self._path_of = path_of

    def show(self, node: Node | None, *, force: bool = False) -> None:
        """Show `node` (again, when `force`: its status or counts changed)."""
        if node is self.node and not force:
            return
        moved = node is not self.node
        self.node = node
        if node is None:
            self._body.update(Text(""))
            return
        if node.is_structural:
            with self._locked():
                self._body.update(Group(*detail.structural_detail(node)))
            if moved:
                self.scroll_home(animate=False)
            return
        if moved:
            self._body.update(self._renderable(node, None, loading=True))
            self.scroll_home(animate=False)
        self._load(node, self.show_json)

    def toggle_json(self) -> None:
        self.show_json = not self.show_json
        self.show(self.node, force=True)

    @work(thread=True, exclusive=True, group="payload")
    def _load(self, node: Node, show_json: bool) -> None:
        event: dict[str, Any] | None = None
        problem: str | None = None
        if node.ref is not None and self._path_of is not None:
            try:
                event = read_event_file(self._path_of(node.ref), PAYLOAD_LIMIT)
            except (OSError, ValueError) as exc:
                problem = f"cannot read the event file: {exc}"
        renderable = self._renderable(node, event, problem=problem, show_json=show_json)
        self.app.call_from_thread(self._shown, node, renderable)

    def _shown(self, node: Node, renderable: RenderableType) -> None:
        if node is self.node:
            self._body.update(renderable)

    def _renderable(
        self,
        node: Node,
        event: dict[str, Any] | None,
        *,
        loading: bool = False,
        problem: str | None = None,
        show_json: bool = False,
    ) -> RenderableType:
        with self._locked():
            if node.kind == "message":
                parts = detail.message_detail(node, event)
            else:
                parts = detail.host_detail(node, event, show_json=show_json)
        if loading:
            parts = [*parts, Text("loading…", style="dim italic")]
        if problem:
            parts = [*parts, Text(problem, style="bold red")]
        return Group(*parts)

    def _locked(self) -> threading.RLock | _NoLock:
        return self._tree_lock if self._tree_lock is not None else _NoLock()


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
