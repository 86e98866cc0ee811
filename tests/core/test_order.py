"""Any arrival order of a run's events, with repeats, builds the identical tree."""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Event, EventTree
from jobevents.core.nodes import Changes

from ..fixtures.paths import committed_names, committed_run
from .helpers import arrival_orders, committed_events


def _tree_json(events: list[Event], *, deferred: int = 0) -> str:
    """The tree of `events`; the first `deferred` of them added with counts left to the
    end (`defer_counts`, as a whole load does), the rest one by one as before."""
    tree = EventTree()
    if deferred:
        tree.defer_counts()
    for i, event in enumerate(events):
        if i == deferred:
            tree.settle_counts()
        tree.add(event)
    tree.settle_counts()
    return json.dumps({"tree": tree.to_dict(), "recap": tree.recap}, sort_keys=True)


@cache
def _reference(name: str) -> str:
    return _tree_json(sorted(committed_events(name), key=lambda e: e.counter))


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_permutation_with_duplicates_gives_the_same_tree(
    name: str, data: st.DataObject
) -> None:
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    assert _tree_json(mixed) == _reference(name)


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_counts_summed_at_the_end_are_the_counts_kept_as_events_come(
    name: str, data: st.DataObject
) -> None:
    """A load sums host-run counts once at its end (`defer_counts`): the same tree, also
    when events are added one by one after that."""
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    deferred = data.draw(st.integers(1, len(mixed)), label="deferred")
    assert _tree_json(mixed, deferred=deferred) == _reference(name)


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batches_added_at_once_give_the_tree_of_one_by_one(name: str, data: st.DataObject) -> None:
    """`add_all` (a load's loop) in batches of any size builds what `add` builds, and
    counts the events applied the same (duplicates not counted)."""
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    size = data.draw(st.integers(1, len(mixed)), label="batch")
    tree = EventTree()
    tree.defer_counts()
    changes = Changes()
    for start in range(0, len(mixed), size):
        tree.add_all(mixed[start : start + size], changes)
        changes.clear()
    tree.settle_counts()
    assert json.dumps({"tree": tree.to_dict(), "recap": tree.recap}, sort_keys=True) == (
        _reference(name)
    )
    one_by_one = EventTree()
    for event in mixed:
        one_by_one.add(event)
    assert tree.events == one_by_one.events


@pytest.mark.parametrize("name", committed_names())
def test_reverse_order_and_reading_twice(name: str) -> None:
    events = list(committed_events(name))
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
