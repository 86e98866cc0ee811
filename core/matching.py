"""Pairing the items of two runs that stand for the same thing: plays, tasks.

Uuids differ from run to run and the playbook may have been edited in between, so items
are paired by a key (a play's name; a task's name, role and action). Two passes:

1. the longest run of keys in the same order on both sides pairs first (difflib's
   matching blocks), so among same-named items each pairs with the one in the same place
   among the others: removing the first of two `restart` tasks pairs the second with the
   one left, not the first;
2. what is left pairs by key in order of appearance (the k-th leftover `restart` of A with
   the k-th of B): these are the items that moved.

Anything unpaired was added (B) or removed (A).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True, slots=True)
class Pairing:
    """Which item of A goes with which of B, by index."""

    #: (index in A, index in B), in B's order
    pairs: list[tuple[int, int]]
    #: indexes in B of paired items that changed place (paired in the second pass)
    moved: frozenset[int]
    #: indexes in B paired with nothing, and in A
    added: list[int]
    removed: list[int]

    def b_to_a(self) -> dict[int, int]:
        return {j: i for i, j in self.pairs}


def pair_by_key(a: Sequence[Hashable], b: Sequence[Hashable]) -> Pairing:
    """Pair `a[i]` with `b[j]` when their keys are equal, in the two passes above."""
    matcher = SequenceMatcher(None, list(a), list(b), autojunk=False)
    a_to_b: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            a_to_b[block.a + k] = block.b + k
    taken_b = set(a_to_b.values())
    leftovers: dict[Hashable, deque[int]] = {}
    for i, key in enumerate(a):
        if i not in a_to_b:
            leftovers.setdefault(key, deque()).append(i)
    moved: set[int] = set()
    for j, key in enumerate(b):
        if j in taken_b:
            continue
        waiting = leftovers.get(key)
        if waiting:
            a_to_b[waiting.popleft()] = j
            moved.add(j)
    pairs = sorted(((i, j) for i, j in a_to_b.items()), key=lambda p: p[1])
    paired_b = {j for _, j in pairs}
    return Pairing(
        pairs=pairs,
        moved=frozenset(moved),
        added=[j for j in range(len(b)) if j not in paired_b],
        removed=[i for i in range(len(a)) if i not in a_to_b],
    )
