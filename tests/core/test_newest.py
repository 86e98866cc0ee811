"""newest_of: where a view built on a run under way starts following."""

from __future__ import annotations

import pytest

from jobevents.core import EventTree, Node
from jobevents.core.newest import newest_of

from ..fixtures.paths import committed_names
from .helpers import committed_events


def every_node(root: Node) -> list[Node]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children)
    return out


@pytest.mark.parametrize("name", committed_names())
@pytest.mark.parametrize("kinds", [("host",), ("play", "task")])
def test_it_is_the_newest_of_those_kinds_anywhere_in_the_tree(
    name: str, kinds: tuple[str, ...]
) -> None:
    events = committed_events(name)
    for cut in (len(events) // 3, len(events)):  # under way, and finished
        tree = EventTree()
        for event in events[:cut]:
            tree.add(event)
        found = newest_of(tree.root, kinds)
        # a full walk (into host runs too) finds nothing newer
        candidates = [node for node in every_node(tree.root) if node.kind in kinds]
        if not candidates:
            assert found is None
            continue
        assert found is not None and found.kind in kinds
        assert found.counter == max(node.counter for node in candidates)


def test_an_empty_tree_has_none() -> None:
    assert newest_of(EventTree().root, ("host",)) is None
