"""Warnings and deprecations Ansible printed: which messages they are, counted as they arrive."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Changes, Event
from jobevents.core.ansible_warnings import is_warning, is_warning_node
from jobevents.core.query import STATUS_FILTERS, WARNINGS, Query, find_matches
from jobevents.core.state import RunState

from ..fixtures.paths import committed_names
from .helpers import arrival_orders, committed_events


def _state(events: list[Event] | tuple[Event, ...]) -> RunState:
    state = RunState()
    changes = Changes()
    for event in events:
        state.add(event, changes)
        if len(changes.added) > 50:  # a frame takes them now and then
            changes.clear()
    return state


def test_the_features_run_has_its_three_warnings() -> None:
    state = _state(committed_events("features"))
    found = [n for n in state.tree.nodes() if is_warning_node(n)]
    assert state.warnings == len(found) == 3
    assert sorted((n.name, n.detail) for n in found) == [
        ("verbose", "[WARNING]: module warning from tower1"),
        ("verbose", "[WARNING]: module warning from tower2"),
        ("warning", "[WARNING]: Could not match supplied host pattern, ignoring: no_such_group"),
    ]


def test_an_error_printed_as_verbose_is_no_warning() -> None:
    state = _state(committed_events("early_failure"))
    messages = [n for n in state.tree.nodes() if n.kind == "message"]
    assert messages and (messages[0].detail or "").startswith("[ERROR]")
    assert state.warnings == 0


@pytest.mark.parametrize(
    ("kind", "text", "warning"),
    [
        ("warning", None, True),
        ("deprecated", "anything", True),
        ("system_warning", "", True),
        ("verbose", "[DEPRECATION WARNING]: x is deprecated", True),
        ("verbose", "[WARNING]: y", True),
        ("verbose", "[ERROR]: z", False),
        ("verbose", "ok: [WARNING]", False),
        ("verbose", None, False),
        ("runner_on_ok", "[WARNING]: in a result's stdout", False),
    ],
)
def test_is_warning(kind: str, text: str | None, warning: bool) -> None:
    assert is_warning(kind, text) is warning


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_count_is_the_same_in_any_order_with_repeats(name: str, data: st.DataObject) -> None:
    events = list(committed_events(name))
    state = _state(data.draw(arrival_orders(events), label="arrivals"))
    assert state.warnings == sum(1 for n in state.tree.nodes() if is_warning_node(n))
    assert state.warnings == _state(sorted(events, key=lambda e: e.counter)).warnings


def test_the_status_filter_cycle_ends_with_warnings_and_finds_them() -> None:
    assert STATUS_FILTERS[-1] == WARNINGS
    state = _state(committed_events("features"))
    hits = find_matches(state.tree.root, Query(status=WARNINGS)).hits
    assert [n.detail for n in hits] == [
        "[WARNING]: module warning from tower1",
        "[WARNING]: module warning from tower2",
        "[WARNING]: Could not match supplied host pattern, ignoring: no_such_group",
    ]
    narrowed = find_matches(state.tree.root, Query(text="TOWER2", status=WARNINGS)).hits
    assert [n.detail for n in narrowed] == ["[WARNING]: module warning from tower2"]
    hosts = find_matches(state.tree.root, Query(status="failed")).hits
    assert hosts and not any(n.kind == "message" for n in hosts)
