"""The nodes of a run's tree: what each level shows, and nothing of the payloads."""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from msgspec import Struct

Kind = Literal["playbook", "play", "task", "host", "item", "retry", "async", "message"]

#: Levels whose status rolls up from their children and that count their host runs.
STRUCTURAL: frozenset[str] = frozenset({"playbook", "play", "task"})

#: How a node sorts among siblings of its counter and kind; task nodes of an include
#: executed under `free` sort after that include (see `EventTree`), others keep this.
PLAIN_ORDER: tuple[int, ...] = (1,)

#: A host run's result event, kept so the run can be re-split if its start arrives late.
#: (counter, uuid, status, start, end, duration, detail)
Final = tuple[int, str, str, str | None, str | None, float | None, str | None]


class Node:
    """One line of the tree.

    Nodes are created and mutated only by `EventTree`; readers treat them as read-only.
    `ref` names the event file holding the node's payload (`<counter>-<uuid>.json`).
    Playbook, play and task nodes are `Branch`es: what only those keep is read as its
    default on the others, which are most nodes (host runs, items, ...).
    """

    __slots__ = (
        "id",
        "kind",
        "name",
        "status",
        "counter",
        "uuid",
        "parent",
        "children",
        "_ref",
        "action",
        "host",
        "detail",
        "start",
        "end",
        "duration",
        "start_counter",
        "_finals",
        "owner",
    )

    # What only a `Branch` (playbook, play, task) keeps; read-only defaults on the rest.
    role: str | None = None
    handler: bool = False
    path: str | None = None
    #: play: how many play starts (serial batches) ran
    batches: int = 0
    #: structural nodes: host runs below by status (for "✔ 97 ~ 2 ✘ 1")
    counts: dict[str, int] | None = None
    #: structural nodes: children by roll-up status (the parent's status is the worst)
    tally: dict[str, int] | None = None
    #: built from another event's event_data; its own start event has not arrived
    placeholder: bool = False
    #: breaks ties of counter and kind among siblings (`PLAIN_ORDER` but for folded tasks)
    order: tuple[int, ...] = PLAIN_ORDER

    def __init__(self, node_id: int, kind: Kind, name: str, counter: int) -> None:
        self.id = node_id
        self.kind: Kind = kind
        self.name = name
        self.status = "running"
        self.counter = counter
        self.uuid: str | None = None
        self.parent: Node | None = None
        #: a shared empty tuple until the first child comes (most nodes never get one)
        self.children: Sequence[Node] = ()
        self._ref: tuple[int, str] | None = None
        self.action: str | None = None
        self.host: str | None = None
        #: one line of why: a failure's message, a warning's text, an include's file
        self.detail: str | None = None
        self.start: str | None = None
        self.end: str | None = None
        self.duration: float | None = None
        #: host runs: counter of runner_on_start, None while it has not arrived
        self.start_counter: int | None = None
        self._finals: Final | list[Final] | None = None
        #: host runs and messages: the uuid (without `_N`) of the task they belong to
        self.owner: str | None = None

    @property
    def ref(self) -> tuple[int, str] | None:
        """The event file of its payload; a host run's is its last result's (made from
        its result, not kept twice)."""
        kept = self._finals
        if kept is None:
            return self._ref
        last = kept[-1] if isinstance(kept, list) else kept
        return (last[0], last[1])

    @ref.setter
    def ref(self, ref: tuple[int, str] | None) -> None:
        self._ref = ref

    def pin_ref(self) -> None:
        """Keep the ref it reads now (its last result's) in its own slot: its results are
        about to move to another run."""
        self._ref = self.ref

    def __repr__(self) -> str:
        return f"<Node {self.kind} {self.name!r} {self.status} #{self.counter}>"

    @property
    def finals(self) -> list[Final] | None:
        """A host run's result events by counter, kept so a late start can re-split it."""
        kept = self._finals
        if kept is None or isinstance(kept, list):
            return kept
        return [kept]

    @finals.setter
    def finals(self, finals: list[Final] | None) -> None:
        # One result (nearly every run) is kept without a list around it.
        self._finals = finals[0] if finals is not None and len(finals) == 1 else finals

    def add_final(self, final: Final) -> None:
        """Keep one more result event, in counter order (a first one without a list)."""
        kept = self._finals
        if kept is None:
            self._finals = final
            return
        finals = kept if isinstance(kept, list) else [kept]
        insort(finals, final, key=_final_counter)
        self._finals = finals

    def final_ends(self) -> tuple[Final, Final] | None:
        """Its first and last result events (None: none yet), without building a list."""
        kept = self._finals
        if kept is None:
            return None
        if isinstance(kept, list):
            return (kept[0], kept[-1]) if kept else None
        return kept, kept

    @property
    def is_structural(self) -> bool:
        return self.kind in STRUCTURAL

    @property
    def elapsed(self) -> float | None:
        """Seconds from start to end, where both are known."""
        if self.duration is not None:
            return self.duration
        if self.start is None or self.end is None:
            return None
        try:
            return (_parse_time(self.end) - _parse_time(self.start)).total_seconds()
        except ValueError:
            return None

    def child_list(self) -> list[Node]:
        """Its children as a list the tree may change (for `TreeBase`, which owns them)."""
        children = self.children
        if isinstance(children, list):
            return children
        kids: list[Node] = list(children)
        self.children = kids
        return kids

    def ancestors(self) -> list[Node]:
        """Parent, grandparent, … up to the root."""
        chain: list[Node] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def walk(self) -> list[Node]:
        """This node and all below it, depth first, in tree order."""
        out: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out


class Branch(Node):
    """A playbook, play or task node: what sums up its children, and a task's facts."""

    __slots__ = ("batches", "counts", "handler", "order", "path", "placeholder", "role", "tally")

    def __init__(self, node_id: int, kind: Kind, name: str, counter: int) -> None:
        super().__init__(node_id, kind, name, counter)
        self.role: str | None = None
        self.handler = False
        self.path: str | None = None
        self.batches = 0
        self.counts: dict[str, int] | None = None
        self.tally: dict[str, int] | None = None
        self.placeholder = False
        self.order: tuple[int, ...] = PLAIN_ORDER


def _final_counter(final: Final) -> int:
    return final[0]


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Changes(Struct):
    """What one or more `EventTree.add` calls did, so a view repaints only that.

    A node in `moved` has a new parent or a new place among its siblings (a late event
    can move host runs from one task node to another); a node in `removed` has left the
    tree (a task node whose host runs joined another, an emptied host run).
    """

    added: list[Node] = []
    changed: set[Node] = set()
    moved: list[Node] = []
    removed: list[Node] = []
    #: the recap arrived or changed
    recap: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.moved or self.removed or self.recap)

    def clear(self) -> None:
        self.added.clear()
        self.changed.clear()
        self.moved.clear()
        self.removed.clear()
        self.recap = False
