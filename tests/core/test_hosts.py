"""The hosts index: runs by host and play, kept in step event by event, in any order."""

from __future__ import annotations

import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Event
from jobevents.core.events import coerce_event
from jobevents.core.host_query import find_host_matches, next_host_problem
from jobevents.core.hosts import HostEntry, HostIndex, natural_key, play_of, run_key
from jobevents.core.nodes import Changes, Node
from jobevents.core.query import Query
from jobevents.core.state import RunState
from jobevents.core.status import PROBLEMS, STATUSES

from ..fixtures.paths import committed_names, committed_run
from .helpers import arrival_orders, committed_events


def _kept(state: RunState) -> RunState:
    """`state` with its hosts index made now, so every event after is filed as it comes
    (the index is made on first use: asked only at the end, it would be made in one go)."""
    assert isinstance(state.hosts, HostIndex)
    return state


def _state(events: list[Event] | tuple[Event, ...]) -> RunState:
    state = _kept(RunState())
    changes = Changes()
    for event in events:
        state.add(event, changes)
    return state


def _index_json(events: list[Event]) -> str:
    return json.dumps(_state(events).hosts.to_dict(), sort_keys=True)


@cache
def _reference(name: str) -> str:
    return _index_json(sorted(committed_events(name), key=lambda e: e.counter))


def _from_scratch(state: RunState) -> list[dict[str, object]]:
    """The index computed in one pass over the finished tree, not event by event."""
    by_host: dict[str, dict[str, list[Node]]] = {}
    plays: dict[str, Node | None] = {}
    for node in state.tree.nodes():
        if node.kind != "host":
            continue
        play = play_of(node)
        play_id = play.uuid or "" if play is not None else ""
        plays[play_id] = play
        by_host.setdefault(node.host or node.name, {}).setdefault(play_id, []).append(node)
    out = []
    for host, groups in by_host.items():
        ordered = sorted(groups.items(), key=lambda item: _play_order(plays[item[0]]))
        out.append(
            {
                "host": host,
                "plays": [
                    [run.counter for run in sorted(runs, key=run_key)] for _, runs in ordered
                ],
                "counts": _counts(run for runs in groups.values() for run in runs),
            }
        )
    return sorted(out, key=lambda h: str(h["host"]))


def _play_order(play: Node | None) -> tuple[int, str, str]:
    return (-1, "", "") if play is None else (play.counter, play.name, play.uuid or "")


def _counts(runs: object) -> dict[str, int]:
    counts: dict[str, int] = {}
    for run in runs:  # type: ignore[attr-defined]
        counts[run.status] = counts.get(run.status, 0) + 1
    return dict(sorted(counts.items()))


def _as_filed(index: HostIndex) -> list[dict[str, object]]:
    out = [
        {
            "host": entry.name,
            "plays": [[run.counter for run in group.runs] for group in entry.plays],
            "counts": dict(sorted(entry.counts.items())),
        }
        for entry in index.ordered()
        if entry.plays
    ]
    return sorted(out, key=lambda h: str(h["host"]))


# ------------------------------------------------------------------ order independence


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_arrival_order_with_repeats_gives_the_same_index(
    name: str, data: st.DataObject
) -> None:
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    assert _index_json(mixed) == _reference(name)


@pytest.mark.parametrize("name", committed_names())
def test_filed_event_by_event_equals_computed_from_the_finished_tree(name: str) -> None:
    for events in (
        sorted(committed_events(name), key=lambda e: e.counter),
        list(committed_events(name))[::-1],
    ):
        state = _state(events)
        assert _as_filed(state.hosts) == _from_scratch(state)


@pytest.mark.parametrize("name", committed_names())
def test_runs_are_the_trees_host_nodes_and_their_counts_add_up(name: str) -> None:
    state = _state(committed_events(name))
    runs = [node for node in state.tree.nodes() if node.kind == "host"]
    filed = [run for entry in state.hosts.ordered() for run in entry.all_runs()]
    assert sorted(id(r) for r in filed) == sorted(id(r) for r in runs)
    totals: dict[str, int] = {}
    for entry in state.hosts.ordered():
        for status, n in entry.counts.items():
            totals[status] = totals.get(status, 0) + n
    assert totals == (state.tree.root.counts or {})


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_index_first_asked_for_late_equals_one_kept_from_the_start(
    name: str, data: st.DataObject
) -> None:
    """The index is made from the tree when first asked (a load need not file every run),
    at any point of a run in any order, and then kept in step like one made at the start."""
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    asked_at = data.draw(st.integers(0, len(mixed)), label="asked after")
    state, kept = RunState(), _kept(RunState())
    changes = Changes()
    for at, event in enumerate(mixed):
        if at == asked_at:
            assert _as_filed(state.hosts) == _as_filed(kept.hosts)
        state.add(event, changes)
        kept.add(event, changes)
    assert json.dumps(state.hosts.to_dict(), sort_keys=True) == _reference(name)
    assert _as_filed(state.hosts) == _from_scratch(state)


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_index_made_in_steps_between_batches_equals_one_kept_from_the_start(
    name: str, data: st.DataObject
) -> None:
    """Made a few runs at a time (as the feed does after a load) while events go on
    arriving, or finished early because someone asked: the index kept from the start."""
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    begin = data.draw(st.integers(0, len(mixed)), label="steps from")
    size = data.draw(st.integers(1, 5), label="runs a step")
    asked_at = data.draw(st.one_of(st.none(), st.integers(0, len(mixed))), label="asked at")
    state, kept = RunState(), _kept(RunState())
    changes = Changes()
    for at, event in enumerate(mixed):
        if at >= begin:
            state.index_hosts_step(size)
        if at == asked_at:
            assert _as_filed(state.hosts) == _as_filed(kept.hosts)
        state.add(event, changes)
        kept.add(event, changes)
    while state.index_hosts_step(size):
        pass
    assert json.dumps(state.hosts.to_dict(), sort_keys=True) == _reference(name)
    assert _as_filed(state.hosts) == _as_filed(kept.hosts) == _from_scratch(state)


# ------------------------------------------------------------------ what a host says


def test_features_hosts_problems_first_and_unreachable_apart_from_failed() -> None:
    state = _state(committed_events("features"))
    hosts = state.hosts
    statuses = {entry.name: entry.status for entry in hosts.ordered()}
    assert statuses["deadhost"] == "unreachable"
    assert statuses["tower2"] == "failed"
    ordered = [entry.name for entry in hosts.ordered()]
    problems = [name for name in ordered if statuses[name] in PROBLEMS]
    assert ordered[: len(problems)] == problems
    failed = [name for name in problems if statuses[name] == "failed"]
    assert problems == [*failed, "deadhost"], "failed hosts come before unreachable ones"
    assert [entry.name for entry in hosts.ordered(by_name=True)] == sorted(ordered)
    assert hosts.states.get("unreachable") == 1


def test_a_host_has_its_recap_its_time_and_its_failures_with_their_reason() -> None:
    state = _state(committed_events("features"))
    tower2 = state.hosts.get("tower2")
    assert tower2 is not None and tower2.recap is not None
    assert tower2.recap == (state.tree.recap or {})["tower2"]
    assert tower2.recap["failures"] >= 1
    spent = sum(run.elapsed or 0 for run in tower2.all_runs() if run.status != "running")
    assert tower2.spent == pytest.approx(spent, abs=1e-3)
    reasons = [run.detail for run in tower2.problems()]
    assert "tower2 fails for real" in reasons
    # Plays in the order they ran, each with its runs in the order they ran.
    for entry in state.hosts.ordered():
        counters = [group.play.counter for group in entry.plays if group.play is not None]
        assert counters == sorted(counters)
        for group in entry.plays:
            assert [run.counter for run in group.runs] == sorted(r.counter for r in group.runs)
            assert all(run.host == entry.name for run in group.runs)


def test_the_recap_is_only_there_once_playbook_on_stats_arrived() -> None:
    events = sorted(committed_events("seed_linear"), key=lambda e: e.counter)
    before = _state(events[:-1])
    assert all(entry.recap is None for entry in before.hosts.ordered())
    after = _state(events)
    assert all(entry.recap is not None for entry in after.hosts.ordered())


def test_ad_hoc_runs_have_no_play() -> None:
    state = _state(committed_events("adhoc"))
    assert state.hosts.ordered()
    for entry in state.hosts.ordered():
        assert [group.play for group in entry.plays] == [None]


def test_every_status_of_a_run_is_counted_as_itself() -> None:
    state = _state(committed_events("features"))
    seen = {status for entry in state.hosts.ordered() for status in entry.counts}
    assert "ignored" in seen  # not folded into ok
    assert seen <= set(STATUSES)


# ------------------------------------------------------------------ natural order


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["web10", "web2", "web1"], ["web1", "web2", "web10"]),
        (["db10", "Web2", "web1", "db9"], ["db9", "db10", "web1", "Web2"]),
        (["a", "a1", "a01", "a0"], ["a", "a0", "a01", "a1"]),
        (["10.0.0.12", "10.0.0.2", "10.0.1.1"], ["10.0.0.2", "10.0.0.12", "10.0.1.1"]),
        (["x", "", "1"], ["", "1", "x"]),
    ],
)
def test_natural_order_sorts_digits_as_numbers(names: list[str], expected: list[str]) -> None:
    assert sorted(names, key=natural_key) == expected


@given(st.lists(st.text(), max_size=20))
def test_natural_order_is_total_on_any_names(names: list[str]) -> None:
    ordered = sorted(names, key=natural_key)
    assert sorted(ordered, key=natural_key) == ordered
    assert sorted(names[::-1], key=natural_key) == ordered


# ------------------------------------------------------------ moves within the tree


@cache
def _without_parent_fields(name: str) -> tuple[Event, ...]:
    """Real events that lost their play and task fields (hostile input, as a dropped field
    or an older runner would give): tasks and runs then hang under the root until their
    parent arrives, and the tree moves them, whole tasks with their runs included."""
    events = []
    for path in sorted((committed_run(name) / "job_events").glob("*.json")):
        if path.name.endswith("-partial.json"):
            continue
        raw = json.loads(path.read_text())
        data = raw.get("event_data") or {}
        for key in ("play_uuid", "play", "task_uuid"):
            data.pop(key, None)
        events.append(coerce_event(raw))
    return tuple(events)


@pytest.mark.parametrize("name", ["seed_linear", "seed_free", "features"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_runs_follow_the_tasks_and_runs_the_tree_moves(name: str, data: st.DataObject) -> None:
    events = data.draw(st.permutations(_without_parent_fields(name)), label="order")
    state = _kept(RunState())
    changes = Changes()
    for event in events:
        state.add(event, changes)
    assert _as_filed(state.hosts) == _from_scratch(state)


def test_those_events_backwards_do_move_whole_tasks() -> None:
    """So the test above exercises the moves it is about."""
    changes = Changes()
    state = _kept(RunState())
    for event in reversed(_without_parent_fields("seed_linear")):
        state.add(event, changes)
    moved = [node for node in changes.moved if node.kind == "task"]
    assert any(node.kind == "host" for task in moved for node in task.children)
    assert _as_filed(state.hosts) == _from_scratch(state)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(committed_events("seed_linear") + committed_events("seed_free")))
def test_plays_stay_in_order_when_two_runs_share_an_ident(order: list[Event]) -> None:
    """A reused ident: both runs' counters start at 1, so plays of either run are first
    named by a later event and move once their own start arrives."""
    state = _state(order)
    assert _as_filed(state.hosts) == _from_scratch(state)


# ------------------------------------------------------------- search and failures


def test_a_host_name_search_hits_the_host_and_a_task_name_search_its_runs() -> None:
    index = _state(committed_events("hosts")).hosts
    found = find_host_matches(index, Query(text="web1"))
    assert [row.name for row in found.hits if isinstance(row, HostEntry)] == ["web10"]
    assert found.total == 1
    tasks = find_host_matches(index, Query(text="open_port"))
    runs = [row for row in tasks.hits if isinstance(row, Node)]
    assert sorted(run.host or "" for run in runs) == ["db1", "web10", "web2"]
    for run in runs:  # each hit's host and play are on its path
        group = index.group_of(run)
        assert group is not None and {run, group, group.host} <= tasks.shown
    assert find_host_matches(index, Query(text="8080 is already")).total == 1  # its message


def test_the_failed_filter_hits_failed_and_unreachable_runs_only() -> None:
    index = _state(committed_events("hosts")).hosts
    found = find_host_matches(index, Query(status="failed"))
    hits = [(run.host, run.status) for run in found.hits if isinstance(run, Node)]
    assert sorted(hits) == [("deadhost", "unreachable"), ("web10", "failed")]
    assert not find_host_matches(index, Query(status="failed", text="db1")).hits
    assert find_host_matches(index, Query(status="skipped", text="web2")).total == 1


def test_n_goes_through_the_failures_in_the_views_order_and_wraps() -> None:
    index = _state(committed_events("features")).hosts
    expected = [run for entry in index.ordered() for run in entry.problems()]
    assert len(expected) >= 2
    seen: list[Node] = []
    here: object | None = None
    for _ in expected:
        here = next_host_problem(index, here)
        assert isinstance(here, Node)
        seen.append(here)
    assert seen == expected
    assert next_host_problem(index, here) is expected[0]  # wraps
    assert next_host_problem(index, expected[0], backwards=True) is expected[-1]
    assert next_host_problem(index, expected[1], backwards=True) is expected[0]
    # From a host's row, the next failure is that host's first (rows sort before runs).
    entry = index.get(expected[0].host or "")
    assert entry is not None and next_host_problem(index, entry) is expected[0]
    by_name = [run for entry in index.ordered(by_name=True) for run in entry.problems()]
    assert next_host_problem(index, None, by_name=True) is by_name[0]


def test_no_failure_means_nowhere_to_go() -> None:
    assert next_host_problem(_state(committed_events("seed_linear")).hosts, None) is None


@pytest.mark.parametrize("name", ["features", "includes", "seed_free"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_events_given_in_batches_file_the_same_index(name: str, data: st.DataObject) -> None:
    """The feed hands RunState what each read brought: a run may start and end in one."""
    events = data.draw(st.permutations(committed_events(name)), label="order")
    sizes = data.draw(st.lists(st.integers(1, 80), min_size=1, max_size=40), label="batches")
    state = _kept(RunState())
    changes = Changes()
    at = 0
    while at < len(events):
        size = sizes[at % len(sizes)]
        state.add_all(events[at : at + size], changes)
        at += size
    assert json.dumps(state.hosts.to_dict(), sort_keys=True) == _reference(name)
    assert _as_filed(state.hosts) == _from_scratch(state)
