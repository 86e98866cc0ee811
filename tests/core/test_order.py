"""Any arrival order of a run's events, with repeats, builds the identical tree."""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Event, EventTree
from jobevents.core.folder import EventReader, open_run

from ..fixtures.paths import committed_names, committed_run


@cache
def _events(name: str) -> tuple[Event, ...]:
    return tuple(EventReader(open_run(committed_run(name))).read().events)


def _tree_json(events: list[Event]) -> str:
    tree = EventTree()
    for event in events:
        tree.add(event)
    return json.dumps({"tree": tree.to_dict(), "recap": tree.recap}, sort_keys=True)


@cache
def _reference(name: str) -> str:
    return _tree_json(sorted(_events(name), key=lambda e: e.counter))


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_permutation_with_duplicates_gives_the_same_tree(
    name: str, data: st.DataObject
) -> None:
    events = list(_events(name))
    shuffled = data.draw(st.permutations(events), label="order")
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=10), label="repeats")
    at = data.draw(
        st.lists(st.integers(0, len(events)), min_size=len(repeats), max_size=len(repeats))
    )
    mixed = list(shuffled)
    for position, event in zip(at, repeats, strict=True):
        mixed.insert(position, event)
    assert _tree_json(mixed) == _reference(name)


@pytest.mark.parametrize("name", committed_names())
def test_reverse_order_and_reading_twice(name: str) -> None:
    events = list(_events(name))
    assert _tree_json(events[::-1]) == _reference(name)
    assert _tree_json(events + events) == _reference(name)


@pytest.mark.parametrize("name", committed_names())
def test_mapping_and_decoded_events_agree(name: str) -> None:
    """`add` takes the dicts runner writes as well as decoded events."""
    run = committed_run(name)
    tree = EventTree()
    for path in sorted((run / "job_events").glob("*.json")):
        tree.add(json.loads(path.read_text()))
    assert json.dumps({"tree": tree.to_dict(), "recap": tree.recap}, sort_keys=True) == _reference(
        name
    )
