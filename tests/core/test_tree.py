"""The tree of real runs: one node per play and task under every strategy, and every feature."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobevents.core import EventTree, Node
from jobevents.core.folder import open_run
from jobevents.core.loading import load_run

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run

SEED = [
    (
        "preflight",
        [
            ("check_space_requirements", False, {"tower1": "ok", "tower2": "ok", "pg1": "ok"}),
            ("check_ram", False, {"tower1": "ok", "tower2": "ok", "pg1": "ok"}),
            ("check_umask", False, {"tower1": "ok", "tower2": "ok", "pg1": "ok"}),
        ],
    ),
    (
        "install",
        [
            ("install_tower", False, {"tower1": "changed", "tower2": "changed", "pg1": "skipped"}),
            (
                "install_postgres",
                False,
                {"tower1": "skipped", "tower2": "skipped", "pg1": "changed"},
            ),
            ("restart_tower", True, {"tower1": "changed", "tower2": "changed"}),
        ],
    ),
]


def _tree(ident_dir: Path) -> EventTree:
    tree, reader = load_run(open_run(ident_dir))
    assert reader.errors == {}
    return tree


def _children(node: Node, kind: str) -> list[Node]:
    return [c for c in node.children if c.kind == kind]


def _shape(tree: EventTree) -> list[tuple[str, list[tuple[str, bool, dict[str, str]]]]]:
    """Plays, their tasks and each task's hosts: a host twice under a task fails the test."""
    plays = []
    for play in _children(tree.root, "play"):
        tasks = []
        for task in _children(play, "task"):
            hosts = [h.name for h in _children(task, "host")]
            assert len(hosts) == len(set(hosts)), f"{task.name}: a host twice: {hosts}"
            tasks.append(
                (task.name, task.handler, {h.name: h.status for h in _children(task, "host")})
            )
        plays.append((play.name, tasks))
    return plays


def _find(tree: EventTree, kind: str, name: str) -> Node:
    found = [n for n in tree.nodes() if n.kind == kind and n.name == name]
    assert len(found) == 1, f"{kind} {name!r}: {len(found)} nodes"
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["seed_linear", "seed_free", "seed_serial"])
def test_seed_gives_the_seed_tree_under_every_strategy(live_runs: LiveRuns, strategy: str) -> None:
    tree = _tree(live_runs[strategy])
    assert tree.root.name == "seed.yml"
    assert _shape(tree) == SEED
    assert tree.root.status == "changed"
    assert tree.finished and tree.recap is not None
    assert set(tree.recap) == {"tower1", "tower2", "pg1"}
    batches = [play.batches for play in _children(tree.root, "play")]
    assert batches == ([2, 2] if strategy == "seed_serial" else [1, 1])


@pytest.mark.parametrize("strategy", ["seed_linear", "seed_free", "seed_serial"])
def test_committed_seed_runs_give_the_seed_tree(strategy: str) -> None:
    assert _shape(_tree(committed_run(strategy))) == SEED


def test_free_results_arrive_after_the_next_task_started() -> None:
    """The committed free run really interleaves: the fixture proves the case it stands for."""
    tree = _tree(committed_run("seed_free"))
    preflight = _children(tree.root, "play")[0]
    first, second = _children(preflight, "task")[:2]
    last_result = max(h.finals[-1][0] for h in _children(first, "host") if h.finals)
    assert last_result > second.counter


@pytest.fixture(params=["committed", pytest.param("live", marks=pytest.mark.slow)])
def features(request: pytest.FixtureRequest) -> EventTree:
    if request.param == "committed":
        return _tree(committed_run("features"))
    live: LiveRuns = request.getfixturevalue("live_runs")
    return _tree(live["features"])


def test_roles_loops_and_ignored_item_failures(features: EventTree) -> None:
    role_task = _find(features, "task", "role_task")
    assert role_task.role == "sample_role"
    loop = _find(features, "task", "loop_items")
    for host in _children(loop, "host"):
        assert host.status == "ignored"
        assert [(i.name, i.status) for i in _children(host, "item")] == [
            ("good", "ok"),
            ("bad", "failed"),
            ("fine", "ok"),
        ]
    assert loop.status == "ok"  # ignored counts as ok in a parent


def test_retries_handlers_and_includes(features: EventTree) -> None:
    for host in _children(_find(features, "task", "retry_until"), "host"):
        assert host.status == "ok"
        assert [r.name for r in _children(host, "retry")] == ["attempt 1 of 4"]
    handler = _find(features, "task", "feature_handler")
    assert handler.handler
    # flushed twice: tower1 ran it in both flushes
    assert sorted(h.name for h in _children(handler, "host")) == ["tower1", "tower1", "tower2"]
    include = _find(features, "task", "include_steps")
    [message] = [m for m in _children(include, "message") if m.name == "playbook_on_include"]
    assert message.detail is not None and message.detail.endswith("included.yml")
    _find(features, "task", "included_first")


def test_block_rescue_ignore_errors_skip_and_no_log(features: EventTree) -> None:
    block_step = _find(features, "task", "block_step")
    assert {h.status for h in _children(block_step, "host")} == {"rescued"}
    assert block_step.status == "ok"  # rescued counts as ok in a parent
    assert _find(features, "task", "rescue_step").status == "ok"
    ignored = _find(features, "task", "ignored_failure")
    assert {h.status for h in _children(ignored, "host")} == {"ignored"}
    assert ignored.counts == {"ignored": 2}
    assert _find(features, "task", "skipped_task").status == "skipped"
    assert {h.status for h in _children(_find(features, "task", "secret_task"), "host")} == {"ok"}


def test_async_polls_belong_to_their_host_run(features: EventTree) -> None:
    task = _find(features, "task", "async_task")
    for host in _children(task, "host"):
        assert host.status == "ok"
        kinds = [c.name for c in _children(host, "async")]
        assert kinds[-1] == "async done"
        assert set(kinds[:-1]) <= {"async poll"}
    # Ansible files polls under an internal async_status task that never starts.
    assert not [n for n in features.nodes() if n.kind == "task" and n.name == "async_status"]


def test_unreachable_failure_and_no_hosts(features: EventTree) -> None:
    dead = _find(features, "host", "deadhost")
    assert dead.status == "unreachable"
    assert dead.detail is not None and "port 1" in dead.detail
    assert _find(features, "play", "unreachable").status == "unreachable"
    failing = _find(features, "task", "fail_one_host")
    assert {h.name: h.status for h in _children(failing, "host")} == {
        "tower1": "skipped",
        "tower2": "failed",
    }
    assert _children(failing, "host")[1].detail == "tower2 fails for real"
    no_hosts = _find(features, "play", "no_hosts")
    assert [m.name for m in no_hosts.children] == ["playbook_on_no_hosts_matched"]
    assert no_hosts.status == "skipped"
    assert features.root.status == "failed"
    assert features.recap is not None and features.recap["deadhost"]["dark"] == 1


def test_parent_counts_and_timings(features: EventTree) -> None:
    play = _find(features, "play", "features")
    hosts = [h for t in _children(play, "task") for h in _children(t, "host")]
    expected: dict[str, int] = {}
    for host in hosts:
        expected[host.status] = expected.get(host.status, 0) + 1
    assert play.counts == expected
    assert play.start is not None and play.end is not None and play.elapsed is not None
    assert all(t.start is not None and play.start <= t.start for t in _children(play, "task"))


def test_adhoc_run_shows_under_a_task_built_from_event_data() -> None:
    tree = _tree(committed_run("adhoc"))
    [task] = tree.root.children
    assert (task.kind, task.name, task.placeholder) == ("task", "command", True)
    assert sorted(h.name for h in task.children) == ["pg1", "tower1", "tower2"]


def test_early_failure_keeps_its_message() -> None:
    tree = _tree(committed_run("early_failure"))
    [message] = tree.root.children
    assert message.kind == "message" and message.name == "verbose"
    assert message.detail is not None and "could not be found" in message.detail


def test_killed_run_leaves_hosts_running() -> None:
    tree = _tree(committed_run("killed"))
    assert not tree.finished
    running = [n for n in tree.nodes() if n.kind == "host" and n.status == "running"]
    assert running and tree.root.status == "running"


def test_add_reports_what_changed() -> None:
    run = open_run(committed_run("seed_linear"))
    from jobevents.core.folder import EventReader

    events = EventReader(run).read().events
    tree = EventTree()
    for event in events[:-1]:
        tree.add(event)
    start = next(e for e in events if e.event == "runner_on_start")
    assert not tree.add(start)  # a repeat changes nothing
    last_result = max((e for e in events if e.event == "runner_on_ok"), key=lambda e: e.counter)
    fresh = EventTree()
    changes = None
    for event in events:
        if event is last_result:
            changes = fresh.add(event)
        else:
            fresh.add(event)
    assert changes is not None
    host = next(n for n in changes.changed if n.kind == "host")
    assert {n.kind for n in changes.changed} >= {"host", "task", "play", "playbook"}
    assert host.ref == last_result.key
