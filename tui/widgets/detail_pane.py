"""DetailPane: what the node under the cursor holds; payloads and source files read on workers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static

from jobevents.core.hosts import HostEntry
from jobevents.core.nodes import Changes, Node
from jobevents.core.task_file import SourceRoots, TaskSource, load_task_source, task_path_of

from .. import detail
from ..detail_source import source_block, source_loading
from ..detail_styles import SECONDARY
from ..theme import STATUS_STYLE

if TYPE_CHECKING:
    from jobevents.core.facts import HostFacts

#: payloads larger than this are shown from their first bytes only
PAYLOAD_LIMIT = 8 * 1024 * 1024
#: task_paths whose source (or where it was looked for) is kept, the least recent dropped
SOURCE_CACHE = 64

DetailMode = Literal["summary", "json", "yaml"]
#: what `x` cycles through, in order
DETAIL_MODES: Final[tuple[DetailMode, ...]] = ("summary", "json", "yaml")

#: (counter, uuid), byte limit -> the event's payload; OSError or ValueError when it cannot
PayloadReader = Callable[[tuple[int, str], int | None], dict[str, Any]]


class DetailPane(VerticalScroll, can_focus=True):
    """Follows the view's cursor. Payloads and source files load in workers, so a 50 MB
    result or a slow disk never stalls the keys."""

    #: secondary text, in colours made for text on the theme's background (not `dim`)
    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--key", "detail--note", "detail--rule"}

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > Static { width: 100%; }
    DetailPane > .detail--key { color: $text-muted; }
    DetailPane > .detail--note { color: $text-muted; text-style: italic; }
    DetailPane > .detail--rule { color: $foreground 35%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: what is shown: a node of the tree, or a host of the Hosts view
        self.node: Node | HostEntry | None = None
        #: what the pane shows of a node: the summary, or its event as JSON or YAML
        self.mode: DetailMode = "summary"
        #: where task files are looked for beside their path as written
        self.roots = SourceRoots()
        self._body = Static(
            Text("Move the cursor to a node to see its details.", style=SECONDARY.note)
        )
        self._tree_lock: threading.RLock | None = None
        self._read_payload: PayloadReader | None = None
        self._sources: OrderedDict[str, TaskSource | None] = OrderedDict()
        self._sources_lock = threading.Lock()
        #: runner's fact_cache/ folder of the run, where hosts' facts are
        self._fact_cache: Path | None = None
        #: the facts last read for the host shown, kept while they are read again
        self._facts: tuple[str, HostFacts] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def on_mount(self) -> None:
        self._restyle()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.call_later(self._restyle)  # a new theme: secondary text follows it

    def _restyle(self) -> None:
        """Hand the builders the theme's colours for secondary text; repaint if they changed."""
        try:
            key, note, rule = (
                self.get_component_rich_style(name)
                for name in ("detail--key", "detail--note", "detail--rule")
            )
        except KeyError:  # not styled yet
            return
        changed = SECONDARY.set(
            key=Style(color=key.color),
            note=Style(color=note.color, italic=bool(note.italic)),
            rule=Style(color=rule.color),
        )
        if changed and self.node is not None:
            self.show(self.node, force=True)

    def bind_run(
        self,
        lock: threading.RLock,
        read_payload: PayloadReader,
        roots: SourceRoots | None = None,
        *,
        fact_cache: Path | None = None,
    ) -> None:
        """Where payloads (a folder's files, a stream's) and facts come from, the lock that
        guards the tree's nodes, and where the run's task files may be."""
        self._tree_lock = lock
        self._read_payload = read_payload
        self.roots = roots if roots is not None else SourceRoots()
        with self._sources_lock:
            self._sources.clear()
        self._fact_cache = fact_cache
        self._facts = None

    def is_stale(self, changes: Changes) -> bool:
        """Whether `changes` touched what is shown (a host: any of its runs)."""
        node = self.node
        if node is None:
            return False
        if isinstance(node, HostEntry):
            name = node.name
            return changes.recap or any(
                each.kind == "host" and (each.host or each.name) == name
                for group in (changes.changed, changes.added, changes.removed)
                for each in group
            )
        return node in changes.changed

    def show(self, node: Node | HostEntry | None, *, force: bool = False) -> None:
        """Show `node` (again, when `force`: its status or counts changed)."""
        if node is self.node and not force:
            return
        moved = node is not self.node
        self.node = node
        if node is None:
            self._body.update(Text(""))
            return
        if isinstance(node, HostEntry):
            self._show_host(node, moved)
            return
        if node.is_structural and (self.mode == "summary" or node.ref is None):
            with self._locked():
                source = self._source_parts(node, task_path_of(node))
                self._body.update(Group(*detail.structural_detail(node, source=source)))
            if moved:
                self.scroll_home(animate=False)
            return
        if moved:
            self._body.update(self._renderable(node, None, self.mode, loading=True))
            self.scroll_home(animate=False)
        self._load(node, self.mode)

    def cycle_mode(self) -> DetailMode:
        """Summary → event JSON → event YAML → summary; returns the mode now shown."""
        self.mode = DETAIL_MODES[(DETAIL_MODES.index(self.mode) + 1) % len(DETAIL_MODES)]
        self.show(self.node, force=True)
        return self.mode

    # -------------------------------------------------------------- hosts

    def _show_host(self, entry: HostEntry, moved: bool) -> None:
        """A host's summary now; its facts when the worker has read them."""
        from jobevents.core.facts import HostFacts, holds_facts  # the Hosts view's too

        from ..host_detail import host_detail  # the Hosts view's: not before it is shown

        known = self._facts
        facts = known[1] if known is not None and known[0] == entry.name else None
        # No facts at all in the run (no play gathered them): said now, no read to wait
        # for, and the pane (and with it the screen) laid out once, not again.
        absent = not holds_facts(self._fact_cache)
        if absent:
            facts = HostFacts(None, None)
        with self._locked():
            self._body.update(Group(*host_detail(entry, facts, mode=self.mode)))
        if moved:
            self.scroll_home(animate=False)
        if not absent:
            self._load_facts(entry, self.mode)

    @work(thread=True, exclusive=True, group="facts")
    def _load_facts(self, entry: HostEntry, mode: DetailMode) -> None:
        from jobevents.core.facts import HostFacts, read_facts  # a host's: the Hosts view's

        from ..host_detail import host_detail

        if self._fact_cache is None:
            facts = HostFacts(None, None)
        else:
            facts = read_facts(self._fact_cache, entry.name)
        with self._locked():
            parts = host_detail(entry, facts, mode=mode)
        self.app.call_from_thread(self._facts_read, entry, mode, facts, Group(*parts))

    def _facts_read(
        self, entry: HostEntry, mode: DetailMode, facts: HostFacts, renderable: RenderableType
    ) -> None:
        if entry is self.node:
            self._facts = (entry.name, facts)
            if mode == self.mode:
                self._body.update(renderable)

    # ------------------------------------------------------------- source

    def _source_parts(self, node: Node, task_path: str | None) -> list[RenderableType]:
        """The source section of a task: from the cache, or "reading" while a worker reads."""
        if task_path is None:
            return []
        with self._sources_lock:
            if task_path in self._sources:
                return source_block(self._sources[task_path])
        self._load_source(node, task_path)
        return source_loading(task_path)

    @work(thread=True, exclusive=True, group="source")
    def _load_source(self, node: Node, task_path: str) -> None:
        self._task_source(task_path)
        # After the coming refresh: at the start that is the first frame, which need not
        # wait for Pygments' import and highlighting (10 ms of a small run's start).
        self.app.call_from_thread(self.call_after_refresh, self._source_loaded, node)

    def _source_loaded(self, node: Node) -> None:
        if node is self.node and node.is_structural and self.mode == "summary":
            self.show(node, force=True)

    def _task_source(self, task_path: str) -> TaskSource | None:
        """Find and read a task's file once per run (on a worker: it touches the disk)."""
        with self._sources_lock:
            if task_path in self._sources:
                self._sources.move_to_end(task_path)
                return self._sources[task_path]
        source = load_task_source(task_path, self.roots)
        with self._sources_lock:
            self._sources[task_path] = source
            while len(self._sources) > SOURCE_CACHE:
                self._sources.popitem(last=False)
        return source

    # ------------------------------------------------------------ payload

    @work(thread=True, exclusive=True, group="payload")
    def _load(self, node: Node, mode: DetailMode) -> None:
        event: dict[str, Any] | None = None
        problem: str | None = None
        if node.ref is not None and self._read_payload is not None:
            try:
                event = self._read_payload(node.ref, PAYLOAD_LIMIT)
            except (OSError, ValueError) as exc:
                problem = f"cannot read the event: {exc}"
        source: list[RenderableType] = []
        if mode == "summary" and not node.is_structural:
            with self._locked():
                task_path = task_path_of(node)
            if task_path is not None:
                source = source_block(self._task_source(task_path))
        renderable = self._renderable(node, event, mode, problem=problem, source=source)
        self.app.call_from_thread(self._shown, node, mode, renderable)

    def _shown(self, node: Node, mode: DetailMode, renderable: RenderableType) -> None:
        if node is self.node and mode == self.mode:
            self._body.update(renderable)

    def _renderable(
        self,
        node: Node,
        event: dict[str, Any] | None,
        mode: DetailMode,
        *,
        loading: bool = False,
        problem: str | None = None,
        source: Sequence[RenderableType] = (),
    ) -> RenderableType:
        raw: list[RenderableType] | None = None
        if mode != "summary":
            from ..detail_raw import raw_view  # `x`: JSON or YAML

            raw = raw_view(event, mode) if event is not None else []
        with self._locked():
            if node.is_structural:
                parts = detail.structural_detail(node, raw=raw)
            elif node.kind == "message":
                parts = detail.message_detail(node, event, raw=raw)
            else:
                parts = detail.host_detail(node, event, raw=raw, source=source)
        if loading:
            parts = [*parts, Text("loading…", style=SECONDARY.note)]
        if problem:
            parts = [*parts, Text(problem, style=STATUS_STYLE["failed"])]
        return Group(*parts)

    def _locked(self) -> threading.RLock | _NoLock:
        return self._tree_lock if self._tree_lock is not None else _NoLock()


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
