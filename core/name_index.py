"""`NameIndex`: the run's plays, tasks and hosts by name, for "go to" in the command palette.

Built as the run arrives, from each frame's `Changes` (`RunState.frame_taken`), so a
keystroke's search looks at the few thousand names of a run, never at its tree: a run of
1,000 hosts x 100 tasks has some 1,100 names and 200,000 nodes.
"""

from __future__ import annotations

import heapq
import itertools
from typing import Literal

from msgspec import Struct

from .hosts import HostIndex
from .nodes import Changes, Node

NameKind = Literal["play", "task", "host"]

#: scores: a name that starts with the query beats one holding it at a word's start, then
#: anywhere, then as scattered letters (fewer, longer runs of letters first)
_PREFIX = 4000.0
_WORD = 3000.0
_SUBSTRING = 2000.0
#: a score over this is at most 1.0 (where a palette wants a score in [0, 1])
SCORE_SCALE = _PREFIX + 1
_SCATTERED = 1000.0
_WORD_BREAKS = frozenset(" _-./:[]()")


class NameHit(Struct, frozen=True):
    """One name the query matched: what it is, and where in it the query's letters fell."""

    kind: NameKind
    name: str
    #: the play or task node; None for a host (its runs are in the `HostIndex`)
    node: Node | None
    score: float
    #: offsets in `name` of the matched characters (for highlighting)
    positions: tuple[int, ...]


class _Entry:
    __slots__ = ("folded", "kind", "name", "node", "order")

    def __init__(self, kind: NameKind, name: str, node: Node | None, order: int) -> None:
        self.kind: NameKind = kind
        self.name = name
        self.folded = name.casefold()
        self.node = node
        #: arrival order: ties go to what came first
        self.order = order


class NameIndex:
    """Plays and tasks by node, hosts by name; searched with a small fuzzy matcher."""

    def __init__(self) -> None:
        self._nodes: dict[int, _Entry] = {}
        self._hosts: dict[str, _Entry] = {}
        self._arrived = 0

    def __len__(self) -> int:
        return len(self._nodes) + len(self._hosts)

    @property
    def arrived(self) -> int:
        """How many names have come so far: it grows whenever a new one comes."""
        return self._arrived

    def update(self, changes: Changes) -> None:
        """Take in the names a frame added, renamed or removed: O(changes), no walk."""
        for node in changes.added:
            self._note(node)
        for node in changes.changed:
            if node.kind in ("play", "task"):
                entry = self._nodes.get(node.id)
                if entry is None or entry.name != node.name:
                    self._note(node)
        for node in changes.removed:
            self._nodes.pop(node.id, None)

    def _note(self, node: Node) -> None:
        kind = node.kind
        if kind == "host":
            if node.name and node.name not in self._hosts:
                self._hosts[node.name] = _Entry("host", node.name, None, self._next())
        elif kind in ("play", "task") and node.name:
            old = self._nodes.get(node.id)
            order = old.order if old is not None else self._next()
            self._nodes[node.id] = _Entry(kind, node.name, node, order)

    def _next(self) -> int:
        self._arrived += 1
        return self._arrived

    def search(self, query: str, limit: int = 40) -> list[NameHit]:
        """The best `limit` names for `query` (letters in order, case-insensitive)."""
        folded = query.casefold().strip()
        if not folded:
            return []
        scored: list[tuple[float, int, _Entry, tuple[int, ...]]] = []
        for entries in (self._hosts.values(), self._nodes.values()):
            for entry in entries:
                found = match(folded, entry.folded)
                if found is not None:
                    score, positions = found
                    scored.append((score, -entry.order, entry, positions))
        best = heapq.nlargest(limit, scored, key=lambda item: (item[0], item[1]))
        return [
            NameHit(entry.kind, entry.name, entry.node, score, positions)
            for score, _order, entry, positions in best
        ]


def match(query: str, name: str) -> tuple[float, tuple[int, ...]] | None:
    """Score `name` for `query`, both casefolded: None when its letters are not in order.

    Whole-query hits rank by where they fall; scattered ones by how few runs of letters
    they take and how many start a word. Shorter names win ties.
    """
    at = name.find(query)
    length_bonus = 1.0 / (1 + len(name))
    if at >= 0:
        positions = tuple(range(at, at + len(query)))
        if at == 0:
            return _PREFIX + length_bonus, positions
        if name[at - 1] in _WORD_BREAKS:
            return _WORD + length_bonus, positions
        return _SUBSTRING + length_bonus - at / 1000, positions
    found: list[int] = []
    start = 0
    for char in query:
        if char == " ":
            continue
        at = name.find(char, start)
        if at < 0:
            return None
        found.append(at)
        start = at + 1
    runs = 1 + sum(1 for a, b in itertools.pairwise(found) if b != a + 1)
    words = sum(1 for a in found if a == 0 or name[a - 1] in _WORD_BREAKS)
    return _SCATTERED - 10 * runs + 5 * words + length_bonus, tuple(found)


def jump_target(hit: NameHit, hosts: HostIndex) -> Node | None:
    """The node to go to for a hit: the play or task itself; for a host, its first failed
    or unreachable run, else its latest run (None when it has no run in the tree)."""
    if hit.node is not None:
        return hit.node
    entry = hosts.get(hit.name)
    if entry is None:
        return None
    problems = entry.problems()
    if problems:
        return problems[0]
    last: Node | None = None
    for run in entry.all_runs():
        if last is None or run.counter >= last.counter:
            last = run
    return last
