"""Times per task and host: equal to what the event files say, right under free and serial,
and the same whether built at once or kept up to date event by event in any order."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import Changes, EventTree
from jobevents.core.loading import load_path
from jobevents.core.timing import RunTimes, epoch, task_wall

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run
from .helpers import committed_events
from .timing_oracle import oracle

#: runs with one task node per task uuid, so the oracle applies as is
ORACLE_RUNS = ["seed_linear", "seed_free", "seed_serial", "drift_a", "drift_b"]


def _check_against_oracle(ident_dir: Path) -> RunTimes:
    tree = load_path(ident_dir).tree
    times = RunTimes(tree)
    expected = oracle(ident_dir)
    rows = times.tasks()
    assert {row.node.uuid for row in rows} == set(expected.tasks)
    for row in rows:
        name, wall, host, seconds = expected.tasks[row.node.uuid or ""]
        assert row.node.name == name
        assert row.wall == pytest.approx(wall, abs=1e-6)
        assert (row.slowest_host, row.slowest_host_s) == (host, pytest.approx(seconds, abs=1e-6))
        assert row.busy is not None and row.busy <= row.wall + 1e-9
    walls = [row.wall or 0.0 for row in rows]
    assert walls == sorted(walls, reverse=True)
    hosts = times.hosts()
    assert {h.host: (pytest.approx(h.total, abs=1e-5), h.runs) for h in hosts} == expected.hosts
    assert [h.total for h in hosts] == sorted((h.total for h in hosts), reverse=True)
    for host in hosts:
        assert host.slowest_task is not None
        mine = [r for r in rows if r.node is host.slowest_task]
        assert mine, "a host's slowest task is one of the run's tasks"
    span = times.span_seconds()
    assert span == pytest.approx(expected.span, abs=1e-6)
    return times


@pytest.mark.parametrize("name", ORACLE_RUNS)
def test_committed_runs_agree_with_their_event_files(name: str) -> None:
    _check_against_oracle(committed_run(name))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed_free", "seed_serial"])
def test_fresh_free_and_serial_runs_agree_with_their_event_files(
    live_runs: LiveRuns, name: str
) -> None:
    times = _check_against_oracle(live_runs[name])
    if name == "seed_serial":
        _serial_tasks_are_busy_less_than_their_wall(times)


def _serial_tasks_are_busy_less_than_their_wall(times: RunTimes) -> None:
    """Under serial a task runs once per batch: its wall spans the batches, busy does not."""
    for row in times.tasks():
        if row.node.name.startswith("check_"):
            assert row.busy is not None and row.wall is not None
            assert row.busy < row.wall - 0.5, row


def test_committed_serial_run_busy_is_the_batches_apart() -> None:
    times = RunTimes(load_path(committed_run("seed_serial")).tree)
    _serial_tasks_are_busy_less_than_their_wall(times)
    row = next(r for r in times.tasks() if r.node.name == "check_space_requirements")
    runs = {c.host: c for c in row.node.children if c.kind == "host"}
    first = (epoch(runs["tower1"].start), epoch(runs["tower1"].end))
    second = (
        [epoch(runs[h].start) for h in ("tower2", "pg1")],
        [epoch(runs[h].end) for h in ("tower2", "pg1")],
    )
    expected = (first[1] - first[0]) + (max(second[1]) - min(second[0]))  # type: ignore[operator,type-var]
    assert row.busy == pytest.approx(expected, abs=1e-6)


def test_a_handler_run_in_two_flushes_is_busy_far_less_than_its_wall() -> None:
    """features.yml notifies its handler, flushes, and notifies it again."""
    times = RunTimes(load_path(committed_run("features")).tree)
    row = next(r for r in times.tasks() if r.node.name == "feature_handler")
    hosts = [c.host for c in row.node.children if c.kind == "host"]
    assert row.node.handler and len(hosts) > len(set(hosts)), "a host ran it twice"
    assert row.busy is not None and row.wall is not None and row.busy < row.wall / 5


def test_a_killed_run_counts_its_open_host_runs_only_up_to_now() -> None:
    tree = load_path(committed_run("killed")).tree
    times = RunTimes(tree)
    open_task = next(r for r in times.tasks() if r.running)
    assert open_task.wall is None and open_task.slowest_host is None
    assert open_task.runs == open_task.running == 2
    starts = [epoch(c.start) for c in open_task.node.children if c.kind == "host"]
    now = max(s for s in starts if s is not None) + 10.0
    live = times.task_time(open_task.node, now=now)
    assert live is not None and live.wall == pytest.approx(now - min(starts))  # type: ignore[type-var]
    assert live.slowest_host_s == pytest.approx(now - min(starts))  # type: ignore[type-var]
    before = {h.host: h.total for h in times.hosts()}
    after = {h.host: h.total for h in times.hosts(now=now)}
    for host in before:
        assert after[host] > before[host] + 9.0
    start, end = times.span(now=now)
    assert end == now and start is not None


def test_ad_hoc_and_early_failure_runs() -> None:
    adhoc = RunTimes(load_path(committed_run("adhoc")).tree)
    assert [r.node.name for r in adhoc.tasks()] == ["command"]
    assert sorted(h.host for h in adhoc.hosts()) == ["pg1", "tower1", "tower2"]
    early = RunTimes(load_path(committed_run("early_failure")).tree)
    assert early.tasks() == [] and early.hosts() == []


# ------------------------------------------------------------------ incremental


def _snapshot(times: RunTimes) -> tuple[object, ...]:
    tasks = [
        (
            r.node.id,
            r.start,
            r.end,
            r.wall,
            r.busy,
            r.slowest_host,
            r.slowest_host_s,
            r.runs,
            r.running,
        )
        for r in times.tasks()
    ]
    hosts = [
        (h.host, h.total, h.runs, h.running, h.slowest_task and h.slowest_task.id, h.slowest_task_s)
        for h in times.hosts()
    ]
    return tuple(tasks), tuple(hosts)


@pytest.mark.parametrize("name", ["seed_free", "seed_serial", "features", "drift_b", "killed"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_kept_up_to_date_equals_built_at_once(name: str, data: st.DataObject) -> None:
    """Any arrival order, applied in any chunks: after every chunk, `update` equals a
    fresh `RunTimes` of the same tree."""
    source = committed_events(name)
    order = data.draw(st.permutations(range(len(source))), label="order")
    events = [source[i] for i in order]
    cuts = sorted(data.draw(st.sets(st.integers(1, len(events) - 1), max_size=8), label="cuts"))
    tree = EventTree()
    times = RunTimes(tree)
    changes = Changes()
    for start, stop in zip([0, *cuts], [*cuts, len(events)], strict=True):
        for event in events[start:stop]:
            tree.add(event, changes)
        times.update(changes)
        changes.clear()
        assert _snapshot(times) == _snapshot(RunTimes(tree))


@pytest.mark.parametrize("name", ["seed_serial", "features", "killed", "drift_a"])
def test_one_wall_time_for_profile_and_diff(name: str) -> None:
    """`task_wall`, which diff uses, says what `RunTimes`, which profile uses, says."""
    tree = load_path(committed_run(name)).tree
    times = RunTimes(tree)
    for task in (n for n in tree.nodes() if n.kind == "task"):
        row = times.task_time(task)
        assert task_wall(task) == (row.wall if row is not None else None)


@pytest.mark.parametrize("duration", [float("inf"), float("nan"), -1.0, 1e300])
def test_a_broken_duration_is_no_time(duration: float) -> None:
    """Malformed input, made by hand from a real event: the host run counts, its time not."""
    source = committed_run("seed_linear") / "job_events"
    events = [json.loads(p.read_text()) for p in sorted(source.glob("*.json"))]
    final = next(e for e in events if e["event"] == "runner_on_ok")
    final["event_data"]["duration"] = duration
    tree = EventTree()
    for event in events:
        tree.add(event)
    times = RunTimes(tree)
    host = final["event_data"]["host"]
    row = next(h for h in times.hosts() if h.host == host)
    assert row.total >= 0 and row.total < 3600
    assert all(r.slowest_host_s is None or r.slowest_host_s < 3600 for r in times.tasks())


@pytest.mark.parametrize("name", ["seed_free", "seed_serial", "features", "includes", "killed"])
def test_the_top_tasks_and_hosts_and_a_task_span_agree_with_the_full_lists(name: str) -> None:
    tree = load_path(committed_run(name)).tree
    times = RunTimes(tree)
    start, _end = times.span()
    assert start is not None
    for now in (None, start + 3.0, start + 10_000.0):
        tasks, hosts = times.tasks(now), times.hosts(now)
        for top in (0, 1, 3, len(tasks) + 1):
            assert times.tasks(now, top=top) == tasks[:top]
        for top in (0, 1, 2, len(hosts) + 1):
            assert times.hosts(now, top=top) == hosts[:top]
        for row in tasks:
            first, last, running = times.task_span(row.node, now)
            assert (first, last, running) == (row.start, row.end, row.running)
    assert times.task_span(tree.root) == (None, None, 0)
    if name == "killed":  # host runs that never ended: `now` moves their ends
        assert any(row.running for row in times.tasks())


@pytest.mark.parametrize("name", ["seed_free", "seed_serial", "features", "includes", "killed"])
def test_a_tasks_busy_intervals_sum_to_its_busy_time_inside_its_span(name: str) -> None:
    """What the timeline draws of a task: its busy intervals, in order, apart, within
    its wall span, adding up to its busy time (runs still going counted up to now)."""
    tree = load_path(committed_run(name)).tree
    times = RunTimes(tree)
    start, _end = times.span()
    assert start is not None
    for now in (None, start + 3.0, start + 10_000.0):
        for row in times.tasks(now):
            busy = times.task_busy(row.node, now)
            assert all(a <= b for a, b in busy)
            assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(busy))
            if busy:
                assert row.start is not None and row.end is not None
                assert row.start <= busy[0][0] and busy[-1][1] <= row.end
                assert sum(b - a for a, b in busy) == pytest.approx(row.busy or 0.0)
    assert times.task_busy(tree.root) == ()


def test_a_serial_tasks_busy_intervals_are_its_batches() -> None:
    times = RunTimes(load_path(committed_run("seed_serial")).tree)
    for row in times.tasks():
        if row.node.name.startswith("check_"):
            assert len(times.task_busy(row.node)) == 2, row  # batches of 1 and 2 hosts
