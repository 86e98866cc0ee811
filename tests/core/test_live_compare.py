"""Comparing a run that is still arriving: the outline kept from changes equals the outline
made at once after every step, in any arrival order; the marks and the differences `n`
steps through; `RunState` keeps the run's times per frame."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Changes, EventTree
from jobevents.core.comparison import compare, compare_trees
from jobevents.core.diff_marks import DiffMarks, diff_marks, next_difference
from jobevents.core.live_outline import LiveOutline
from jobevents.core.loading import load_path
from jobevents.core.outline import outline
from jobevents.core.state import RunState
from jobevents.core.timing import RunTimes

from ..fixtures.paths import committed_run
from .helpers import committed_events

LIVE_RUNS = ["drift_b", "seed_free", "seed_serial", "includes", "features"]


@cache
def _tree(name: str) -> EventTree:
    return load_path(committed_run(name)).tree


@pytest.mark.parametrize("name", LIVE_RUNS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_live_outline_equals_a_fresh_outline_after_every_frame(
    name: str, data: st.DataObject
) -> None:
    events = data.draw(st.permutations(committed_events(name)), label="order")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=6), label="frames"))
    tree = EventTree()
    live = LiveOutline(tree)
    changes = Changes()
    done = 0
    for cut in [*cuts, len(events)]:
        for event in events[done:cut]:
            tree.add(event, changes)
        done = max(done, cut)
        live.update(changes)
        changes = Changes()
        assert live.outline() == outline(tree)
        assert not live.stale


def test_an_unchanged_run_is_not_stale_and_reuses_its_tasks() -> None:
    tree = EventTree()
    changes = Changes()
    for event in committed_events("seed_linear"):
        tree.add(event, changes)
    live = LiveOutline(tree)
    first = live.outline()
    live.update(Changes())
    assert not live.stale
    again = live.outline()
    assert again == first
    assert all(a is b for a, b in zip(first.plays[0].tasks, again.plays[0].tasks, strict=True))


def test_compare_on_a_live_outline_is_compare_on_the_trees() -> None:
    a, b = _tree("drift_a"), _tree("drift_b")
    live = LiveOutline(b)
    assert compare(outline(a), live.outline()) == compare_trees(a, b)


def test_marks_of_the_drift_pair() -> None:
    b = _tree("drift_b")
    diff = compare_trees(_tree("drift_a"), b)
    marks = diff_marks(diff)
    by_id = {n.id: n for n in b.nodes()}
    assert dict(marks.counts) == {
        "new_failures": 1,
        "fixed": 1,
        "changed": len(diff.status_changes),
        "added": 2,
        "removed": 2,
        "moved": 1,
        "slower": 1,
        "faster": 0,
        "hosts_only_in_a": 1,
        "hosts_only_in_b": 1,
    }
    kinds = {(by_id[i].kind, by_id[i].name, m.kind) for i, m in marks.nodes.items() if i in by_id}
    assert ("task", "slow step", "slower") in kinds
    assert ("task", "migrate", "added") in kinds
    assert ("host", "web1", "new_failure") in kinds
    assert ("host", "web2", "fixed") in kinds
    # every host change counts on its task, marked or not
    tallied = sum(t.new_failures + t.fixed + t.changed for t in marks.tasks.values())
    assert tallied == len(diff.new_failures) + len(diff.fixed) + len(diff.status_changes)
    report = next(n for n in b.nodes() if n.name == "report")
    # web1 ran `report` in A only: a change with no run in B to mark, so the task is a stop
    assert marks.tasks[report.id].changed == 3
    assert marks.stops(report)
    # a task stops only for changes none of its host runs shows (web3 ran in A only)
    for task in (n for n in b.nodes() if n.kind == "task"):
        tally = marks.tasks.get(task.id)
        shown = sum(1 for c in task.children if c.id in marks.nodes)
        hidden = (tally.new_failures + tally.fixed + tally.changed - shown) if tally else 0
        assert marks.stops(task) == (task.id in marks.nodes or hidden > 0), task
    last = b.root.children[-1]
    assert not marks.stops(last) and not marks.stops(b.root)


def test_n_steps_through_every_difference_in_tree_order_and_wraps() -> None:
    b = _tree("drift_b")
    marks = diff_marks(compare_trees(_tree("drift_a"), b))
    stops = [n for n in b.root.walk() if marks.stops(n)]
    assert len(stops) >= 10
    seen = []
    here = None
    for _ in stops:
        here = next_difference(b.root, marks, here)
        assert here is not None
        seen.append(here)
    assert seen == stops
    assert next_difference(b.root, marks, here) is stops[0]
    assert next_difference(b.root, marks, stops[0], backwards=True) is stops[-1]
    assert next_difference(b.root, marks, stops[3], backwards=True) is stops[2]
    assert next_difference(b.root, DiffMarks(), None) is None


def test_same_run_compared_with_itself_marks_nothing() -> None:
    tree = _tree("seed_free")
    marks = diff_marks(compare_trees(tree, tree))
    assert not marks and not any(marks.counts.values())


@pytest.mark.parametrize("name", ["seed_free", "features"])
def test_run_state_keeps_its_times_per_frame(name: str) -> None:
    state = RunState()
    changes = Changes()
    events = committed_events(name)
    for i, event in enumerate(events):
        state.add(event, changes)
        if i % 7 == 6:
            state.frame_taken(changes)
            changes = Changes()
    state.frame_taken(changes)
    fresh = RunTimes(state.tree)
    assert [(t.node.id, t.wall, t.busy) for t in state.times.tasks()] == [
        (t.node.id, t.wall, t.busy) for t in fresh.tasks()
    ]
    assert [(h.host, h.total, h.runs) for h in state.times.hosts()] == [
        (h.host, h.total, h.runs) for h in fresh.hosts()
    ]


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.8, 1.0])
def test_a_live_run_is_compared_on_what_it_has_settled(fraction: float) -> None:
    a = outline(_tree("drift_a"))
    events = sorted(committed_events("drift_b"), key=lambda e: e.counter)
    tree = EventTree()
    for event in events[: round(len(events) * fraction)]:
        tree.add(event)
    b = outline(tree)
    live = compare(a, b, b_live=True)
    settled = compare(a, b)
    assert live.removed_tasks == [] and live.hosts_only_in_a == []
    changes = [*live.new_failures, *live.fixed, *live.status_changes]
    assert all(c.b not in ("running", "absent") for c in changes)
    # everything else is what the plain comparison says, minus what is not settled
    assert changes == [
        c
        for c in (*settled.new_failures, *settled.fixed, *settled.status_changes)
        if c.b not in ("running", "absent")
    ]
    running = {
        t.node_id
        for p in b.plays
        for t in p.tasks
        if "running" in {r.status for r in t.hosts.values()}
    }
    assert not any(change.b_task_id in running for change in live.faster)
    assert live.slower == settled.slower and live.added_tasks == settled.added_tasks
    if fraction < 1.0:
        assert settled.removed_tasks  # A's later tasks look removed to the plain comparison
