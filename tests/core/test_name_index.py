"""`NameIndex`: the run's plays, tasks and hosts by name, kept per frame from `Changes`."""

from __future__ import annotations

import random

import pytest

from jobevents.core.events import decode_event
from jobevents.core.folder import event_file_key
from jobevents.core.name_index import NameIndex, jump_target, match
from jobevents.core.nodes import Changes
from jobevents.core.state import RunState

from ..fixtures.paths import committed_run


def events_of(name: str) -> list:  # type: ignore[type-arg]
    job_events = committed_run(name) / "job_events"
    files = sorted(
        (p for p in job_events.iterdir() if event_file_key(p.name) is not None),
        key=lambda p: event_file_key(p.name) or (0, ""),
    )
    return [decode_event(p.read_bytes()) for p in files]


def fed(events: list, frame: int) -> RunState:  # type: ignore[type-arg]
    """The events applied `frame` at a time, each batch taken by a frame (as the app does)."""
    state = RunState()
    for start in range(0, len(events), frame):
        changes = Changes()
        state.add_all(events[start : start + frame], changes)
        state.frame_taken(changes)
    return state


def names_in_tree(state: RunState) -> set[tuple[str, str]]:
    return {
        (n.kind, n.name)
        for n in state.tree.root.walk()
        if n.kind in ("play", "task", "host") and n.name
    }


def indexed(state: RunState) -> set[tuple[str, str]]:
    """Every name the index finds for some one-character query (each name has one)."""
    return {
        (hit.kind, hit.name)
        for q in "abcdefghijklmnopqrstuvwxyz0123456789_"
        for hit in state.names.search(q, 10_000)
    }


@pytest.mark.parametrize("name", ["features", "includes", "seed_free", "seed_serial"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_index_holds_exactly_the_trees_names_in_any_order_and_frame_size(
    name: str, seed: int
) -> None:
    events = events_of(name)
    random.Random(seed).shuffle(events)
    state = fed(events, frame=1 + seed * 7)
    assert indexed(state) == names_in_tree(state)
    for hit in state.names.search("a", 10_000):
        target = jump_target(hit, state.hosts)
        assert target is not None and target.name == hit.name
        node: object = target
        while getattr(node, "parent", None) is not None:
            node = node.parent  # type: ignore[attr-defined]
        assert node is state.tree.root  # still in the tree (a removed task is dropped)


def test_a_host_goes_to_its_first_problem() -> None:
    state = fed(events_of("features"), frame=50)
    (hit,) = [h for h in state.names.search("tower2", 5) if h.kind == "host"]
    target = jump_target(hit, state.hosts)
    assert target is not None and target.status == "failed"


def test_ranking_prefix_then_word_then_anywhere_then_scattered() -> None:
    assert match("ins", "install_tower") is not None
    order = ["install", "re_install", "reinstall", "i_n_s_t_a_l_l"]
    scores = [match("install", name) for name in order]
    assert all(s is not None for s in scores)
    values = [s[0] for s in scores if s is not None]
    assert values == sorted(values, reverse=True)
    assert match("xyz", "install") is None
    _score, positions = match("itw", "install_tower")  # type: ignore[misc]
    assert [("install_tower")[p] for p in positions] == ["i", "t", "w"]


def test_an_empty_query_finds_nothing_and_limit_holds() -> None:
    state = fed(events_of("features"), frame=50)
    assert state.names.search("  ", 10) == []
    assert len(state.names.search("a", 2)) == 2
    assert isinstance(state.names, NameIndex)
