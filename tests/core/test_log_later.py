"""A log made after its events were applied (`RunState.defer_log`, as a first load does):
the same lines as the log kept event by event, each naming the same node.

"The same node" is `node_at_line`'s answer, compared by what the node is (two trees). The
owner kept with each line may differ from the one kept event by event where the tree has
moved an event since it came (that one is stale and looked for again); made after the
load, it is the node showing the event now, which `holder` would find by a walk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobevents.core.state as state_module
from jobevents.core import Changes, Event
from jobevents.core.folder import EventReader, open_run
from jobevents.core.holders import HolderIndex, find_holder
from jobevents.core.nodes import Node
from jobevents.core.state import RunState

from ..fixtures.hostile import build_hostile_run
from ..fixtures.paths import committed_names
from .helpers import arrival_orders, committed_events

Line = tuple[int, str, int, str, tuple[tuple[str, str, int], ...]]


def _batches(events: Sequence[Event], cuts: Sequence[int]) -> Iterator[list[Event]]:
    """`events` in batches, cut at `cuts` (as a feed's reads come)."""
    start = 0
    for cut in [*sorted(cuts), len(events)]:
        yield list(events[start:cut])
        start = cut


def _event_by_event(events: Sequence[Event], cuts: Sequence[int]) -> RunState:
    state = RunState()
    changes = Changes()
    for batch in _batches(events, cuts):
        state.add_all(batch, changes)
    return state


def _made_later(events: Sequence[Event], cuts: Sequence[int], ask_at: int | None) -> RunState:
    """The log deferred; asked for before batch `ask_at` (made then, kept event by event
    after), else made after the last batch."""
    state = RunState()
    state.defer_log()
    changes = Changes()
    for at, batch in enumerate(_batches(events, cuts)):
        if at == ask_at:
            assert state.log is state._log  # made when asked, and kept from then on
            assert state._aside is None
        state.add_all(batch, changes)
    state.make_log()
    return state


def _path(node: Node) -> tuple[tuple[str, str, int], ...]:
    return tuple((n.kind, n.name, n.counter) for n in reversed([node, *node.ancestors()]))


def _lines(state: RunState) -> list[Line]:
    log = state.log
    text = log.lines_between(0, log.lines)
    out: list[Line] = []
    for number in range(log.lines):
        entry = log.entry(number)
        node = state.node_at_line(number)
        out.append((entry.counter, entry.uuid, entry.line, text[number], _path(node)))
    return out


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_log_made_after_the_load_is_the_log_kept_event_by_event(
    name: str, data: st.DataObject
) -> None:
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    cuts = data.draw(st.lists(st.integers(0, len(mixed)), max_size=5), label="cuts")
    ask_at = data.draw(st.none() | st.integers(0, len(cuts)), label="log asked before batch")
    limit = data.draw(st.sampled_from([state_module.LOG_DEFERRED, 1, 7]), label="kept aside")
    with mock.patch.object(state_module, "LOG_DEFERRED", limit):
        later = _made_later(mixed, cuts, ask_at)
    if ask_at is None and limit == state_module.LOG_DEFERRED:
        # made after every event: each owner is the node showing its event now
        root = later.tree.root
        for number in range(later.log.lines):
            entry = later.log.entry(number)
            found = later.holder(entry.counter, entry.uuid)
            assert entry.owner is found or (found is root and entry.owner is None)
    now = _event_by_event(mixed, cuts)
    assert _lines(later) == _lines(now)
    assert later.log.events == now.log.events
    assert later.warnings == now.warnings
    assert later.tree.to_dict() == now.tree.to_dict()


def test_a_deferred_log_waits_and_the_warnings_do_not() -> None:
    events = committed_events("features")
    state = RunState()
    state.defer_log()
    state.add_all(list(events), Changes())
    assert state._log.lines == 0  # nothing made yet
    assert state.warnings == 3  # the header's count is exact before the log is made
    lines = state.log.lines  # asked for: made now
    assert lines == _event_by_event(events, []).log.lines > 0


def _index_answers_as_a_walk(tree_events: Sequence[Event], asked: Sequence[Event]) -> int:
    """Check `HolderIndex` against `find_holder` for each event of `asked`; how many of
    them had more than one node filed under them."""
    tree = RunState().tree
    tree.add_all(list(tree_events), Changes())
    index = HolderIndex(tree.root)
    several = 0
    for event in asked:
        counter, uuid = event.counter, event.uuid
        assert index.holder(counter, uuid) is find_holder(tree.root, counter, uuid), event
        several += isinstance(index._by_key.get((counter, uuid)), list)
    return several


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_holder_index_finds_what_a_walk_finds(name: str, data: st.DataObject) -> None:
    """After any part of the events in any order (parked events, split host runs, several
    nodes filed under one event), for every event of the run."""
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    cut = data.draw(st.integers(0, len(mixed)), label="applied")
    _index_answers_as_a_walk(mixed[:cut], mixed)


def test_the_holder_index_finds_what_a_walk_finds_in_hostile_and_partial_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    hostile = build_hostile_run(tmp_path_factory.mktemp("hostile"), big_event_mb=1)
    events = EventReader(open_run(hostile.ident_dir), retry_for=0.0).read().events
    _index_answers_as_a_walk(events, events)
    # items, retries and async steps before their runs' other events: a run made from
    # its first step takes that step's ref, so run and step are filed under one event
    features = committed_events("features")
    steps = [
        e
        for e in features
        if e.event.startswith(("runner_item", "runner_retry", "runner_on_async"))
    ]
    assert _index_answers_as_a_walk(steps, features) > 0
