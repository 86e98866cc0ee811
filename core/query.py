"""Search, status filters and failure hunting over a tree: what matches, and where next."""

from __future__ import annotations

from msgspec import Struct

from .ansible_warnings import is_warning_node
from .nodes import Node
from .status import FAILED, PROBLEMS, UNREACHABLE

#: The status filter of warnings and deprecations (message nodes, not host runs).
WARNINGS = "warnings"
#: The `s` key's cycle of status filters; None shows everything. `failed` shows real
#: failures (and unreachable hosts); `rescued` ones have their own entry.
STATUS_FILTERS: tuple[str | None, ...] = (
    None,
    "failed",
    "rescued",
    "changed",
    "running",
    "skipped",
    WARNINGS,
)

_RESULT_KINDS = frozenset({"host"})
_FILTER_STATUSES = {"failed": frozenset({FAILED, UNREACHABLE})}


class Query(Struct, frozen=True):
    """A search text and a status filter; empty, it matches nothing and filters nothing."""

    text: str = ""
    status: str | None = None

    def __bool__(self) -> bool:
        return bool(self.text) or self.status is not None

    def matches(self, node: Node) -> bool:
        """Whether `node` itself is a hit (its ancestors are shown as its path)."""
        needle = self.text.casefold()
        if self.status is not None:
            if not self._status_matches(node):
                return False
            # With a status filter, text may name the host, its message or its task/play.
            return not needle or any(_contains(n, needle) for n in (node, *node.ancestors()))
        return bool(needle) and node.parent is not None and _contains(node, needle)

    def _status_matches(self, node: Node) -> bool:
        """Host runs of the filter's statuses; for `warnings`, the warning messages."""
        if self.status == WARNINGS:
            return is_warning_node(node)
        wanted = _FILTER_STATUSES.get(self.status or "", frozenset({self.status}))
        return node.kind in _RESULT_KINDS and node.status in wanted


def _contains(node: Node, needle: str) -> bool:
    if needle in node.name.casefold():
        return True
    return node.detail is not None and needle in node.detail.casefold()


class Matches(Struct):
    """The nodes a query shows: hits, their ancestors, and how many hits were left out."""

    hits: list[Node]
    shown: set[int]
    total: int

    @property
    def truncated(self) -> int:
        return self.total - len(self.hits)


def find_matches(root: Node, query: Query, limit: int = 2000) -> Matches:
    """Hits in tree order, at most `limit` of them, with the ids of every node on their paths."""
    hits: list[Node] = []
    shown: set[int] = {root.id}
    total = 0
    for node in root.walk():
        if not query.matches(node):
            continue
        total += 1
        if len(hits) >= limit:
            continue
        hits.append(node)
        parent: Node | None = node
        while parent is not None and parent.id not in shown:
            shown.add(parent.id)
            parent = parent.parent
    return Matches(hits, shown, total)


def next_problem(root: Node, after: Node | None, *, backwards: bool = False) -> Node | None:
    """The next failed or unreachable host run after `after` in tree order, wrapping around.

    Ignored and rescued failures are not problems: they have their own statuses.
    """
    order = root.walk()
    problems = [i for i, n in enumerate(order) if n.kind == "host" and n.status in PROBLEMS]
    if not problems:
        return None
    here = -1
    if after is not None:
        for i, node in enumerate(order):
            if node is after:
                here = i
                break
    if backwards:
        before = [i for i in problems if i < here] if here >= 0 else []
        return order[before[-1] if before else problems[-1]]
    later = [i for i in problems if i > here]
    return order[later[0] if later else problems[0]]
