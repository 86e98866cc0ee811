"""Included tasks under `linear` and `free`, and rescued failures, on the real `includes` run.

The run (tests/fixtures/playbooks/includes.yml) plays the same tasks under `linear`, then
under `free`: a per-host include pg1 skips, a looped include, a nested include and an
`include_role`, behind a static `import_tasks`; then block/rescue/always under each.
"""

from __future__ import annotations

import json
import random
from functools import cache

import pytest

from jobevents.core import Changes, Event, EventTree, Node
from jobevents.core.folder import EventReader, open_run
from jobevents.core.loading import LoadedRun
from jobevents.core.query import Query, find_matches, next_problem
from jobevents.core.render import dump_document, recap_text, render_text

from ..conftest import LiveRuns
from ..fixtures.paths import committed_run

#: (task, hosts) of each include play, as `linear` runs it
INCLUDES = [
    ("per_host_include", ["pg1", "tower1", "tower2"]),
    ("step_one", ["tower1", "tower2"]),  # pg1 skipped the include: not in its tasks
    ("step_two", ["tower1", "tower2"]),
    ("before", ["pg1", "tower1", "tower2"]),
    ("looped_include", ["pg1", "tower1", "tower2"]),
    ("step_one", ["pg1", "tower1", "tower2"]),  # item 1
    ("step_two", ["pg1", "tower1", "tower2"]),
    ("step_one", ["pg1", "tower1", "tower2"]),  # item 2
    ("step_two", ["pg1", "tower1", "tower2"]),
    ("nested_include", ["pg1", "tower1", "tower2"]),
    ("outer_step", ["pg1", "tower1", "tower2"]),
    ("inner_include", ["pg1", "tower1", "tower2"]),
    ("inner_step", ["pg1", "tower1", "tower2"]),
    ("outer_last", ["pg1", "tower1", "tower2"]),
    ("role_include", ["pg1", "tower1", "tower2"]),
    ("role_task", ["pg1", "tower1", "tower2"]),
    ("after", ["pg1", "tower1", "tower2"]),
]


@cache
def _events() -> tuple[Event, ...]:
    return tuple(EventReader(open_run(committed_run("includes"))).read().events)


def _build(events: list[Event]) -> EventTree:
    tree = EventTree()
    for event in events:
        tree.add(event)
    return tree


@cache
def _committed() -> EventTree:
    return _build(sorted(_events(), key=lambda e: e.counter))


def _play(tree: EventTree, name: str) -> Node:
    [play] = [n for n in tree.root.children if n.kind == "play" and n.name == name]
    return play


def _tasks(play: Node) -> list[Node]:
    return [n for n in play.children if n.kind == "task"]


def _shape(play: Node) -> list[tuple[str, list[str]]]:
    """(task, its hosts) in order; a host twice under one task fails the test."""
    out = []
    for task in _tasks(play):
        hosts = [h.name for h in task.children if h.kind == "host"]
        assert len(hosts) == len(set(hosts)), f"{task.name}: a host twice: {hosts}"
        out.append((task.name, sorted(hosts)))
    return out


@pytest.fixture(params=["committed", pytest.param("live", marks=pytest.mark.slow)])
def includes(request: pytest.FixtureRequest) -> EventTree:
    if request.param == "committed":
        return _committed()
    live: LiveRuns = request.getfixturevalue("live_runs")
    events = EventReader(open_run(live["includes"])).read().events
    return _build(sorted(events, key=lambda e: e.counter))


# ------------------------------------------------------------------- included tasks


def test_free_gives_the_tasks_linear_gives_in_the_same_order_with_the_same_hosts(
    includes: EventTree,
) -> None:
    assert _shape(_play(includes, "includes linear")) == INCLUDES
    assert _shape(_play(includes, "includes free")) == INCLUDES


def test_free_copies_had_uuids_of_their_own_and_fold_into_one_node_each() -> None:
    """Under free the included tasks came in more uuids than there are nodes for them;
    each folded node reports the copy that started first."""
    first_start: dict[str, int] = {}
    for event in _events():
        data = event.event_data
        if event.event == "playbook_on_task_start" and data and data.play == "includes free":
            uuid = data.task_uuid or ""
            first_start[uuid] = min(first_start.get(uuid, event.counter), event.counter)
    free = _play(_committed(), "includes free")
    folded = 0
    for task in _tasks(free):
        copies = {h.owner for h in task.children if h.kind == "host"}
        assert copies <= set(first_start), task.name
        earliest = min(copies, key=lambda uuid: first_start[uuid or ""])
        assert task.uuid == earliest
        assert task.ref is not None and task.ref[0] == first_start[earliest or ""]
        folded += len(copies) > 1
    assert folded >= 5  # most included tasks came in several copies
    assert len(first_start) > len(INCLUDES)


def test_folded_counters_stay_ordered_when_a_host_ran_ahead() -> None:
    """pg1 skipped the first include and started `before` while the others were still in
    it: the include's step_two takes `before`'s counter, and sorts first."""
    free = _play(_committed(), "includes free")
    tasks = _tasks(free)
    counters = [t.counter for t in free.children]
    assert counters == sorted(counters)
    step_two, before = tasks[2], tasks[3]
    assert (step_two.name, before.name) == ("step_two", "before")
    assert step_two.counter == before.counter
    assert step_two.ref is not None and step_two.ref[0] > before.counter  # it started later


def test_static_imports_roles_and_linear_are_one_node_per_uuid() -> None:
    linear = _play(_committed(), "includes linear")
    uuids = [t.uuid for t in _tasks(linear)]
    assert len(set(uuids)) == len(uuids)
    role_task = next(t for t in _tasks(linear) if t.name == "role_task")
    assert role_task.role == "sample_role"


def test_any_arrival_order_gives_the_same_dump() -> None:
    """25 random arrival orders of the run give the dump of the ordered one."""

    def dump(events: list[Event]) -> str:
        tree = _build(events)
        loaded = LoadedRun(tree=tree, ident="includes", status="failed", events=len(events))
        document = json.dumps(dump_document(loaded), sort_keys=True)
        return document + render_text(tree) + recap_text(tree.recap)

    ordered = sorted(_events(), key=lambda e: e.counter)
    reference = dump(ordered)
    for seed in range(25):
        shuffled = list(ordered)
        random.Random(seed).shuffle(shuffled)
        assert dump(shuffled) == reference, f"seed {seed}"


def test_late_include_events_move_host_runs_and_say_so() -> None:
    """Until a playbook_on_include names their file, copies are tasks of their own; when
    it arrives, their host runs move to the folded node and the emptied nodes leave."""
    events = sorted(_events(), key=lambda e: e.counter)
    includes = [e for e in events if e.event == "playbook_on_include"]
    tree = _build([e for e in events if e.event != "playbook_on_include"])
    free = _play(tree, "includes free")
    assert len(_tasks(free)) > len(INCLUDES)
    changes = Changes()
    for event in includes:
        tree.add(event, changes)
    assert _shape(_play(tree, "includes free")) == INCLUDES
    assert any(n.kind == "host" for n in changes.moved)
    removed = [n for n in changes.removed if n.kind == "task"]
    assert removed and all(n.parent is None for n in removed)
    assert all(n.parent is not None for n in changes.moved if n not in changes.removed)
    assert json.dumps(tree.to_dict()) == json.dumps(_committed().to_dict())


# ------------------------------------------------------------------------- rescue


def _hosts(play: Node, task: str) -> dict[str, str]:
    [node] = [t for t in _tasks(play) if t.name == task]
    return {h.name: h.status for h in node.children if h.kind == "host"}


def test_rescued_failures_and_failures_inside_rescue(includes: EventTree) -> None:
    linear = _play(includes, "rescue linear")
    assert _hosts(linear, "may_fail") == {"tower1": "ok", "tower2": "rescued", "pg1": "rescued"}
    assert _hosts(linear, "rescue_step") == {"tower2": "ok", "pg1": "failed"}
    assert _hosts(linear, "ignored_step") == {"tower1": "ignored", "tower2": "skipped"}
    free = _play(includes, "rescue free")
    assert _hosts(free, "may_fail") == {"tower1": "rescued", "tower2": "rescued"}
    assert _hosts(free, "rescue_step") == {"tower1": "ok", "tower2": "failed"}
    assert _hosts(free, "ignored_step") == {"tower1": "ignored"}
    may_fail = next(t for t in _tasks(free) if t.name == "may_fail")
    assert may_fail.status == "ok" and may_fail.counts == {"rescued": 2}
    assert free.status == "failed"  # tower2's failure inside rescue is a real one


def test_rescued_hosts_are_not_failed_hosts_nor_problems(includes: EventTree) -> None:
    assert includes.host_states() == {"failed": 2, "ok": 1}  # pg1 and tower2 failed for real
    stops = []
    node = next_problem(includes.root, None)
    while node is not None and node not in stops:
        stops.append(node)
        node = next_problem(includes.root, node)
    assert sorted((n.parent.name if n.parent else "", n.name) for n in stops) == [
        ("rescue_step", "pg1"),
        ("rescue_step", "tower2"),
    ]
    failed = find_matches(includes.root, Query(status="failed")).hits
    rescued = find_matches(includes.root, Query(status="rescued")).hits
    assert {n.status for n in failed} == {"failed"} and len(failed) == 2
    assert {n.status for n in rescued} == {"rescued"} and len(rescued) == 4


def test_rescue_is_decided_live_and_settled_by_the_recap() -> None:
    """A failure is rescued once its host goes on; a failure inside `rescue` followed by
    `always` looks rescued too, until the recap says which it was."""
    events = sorted(_events(), key=lambda e: e.counter)

    def is_failure(event: Event, host: str, task: str) -> bool:
        data = event.event_data
        return (
            event.event == "runner_on_failed"
            and data is not None
            and (data.play, data.host, data.task) == ("rescue linear", host, task)
        )

    at = next(i for i, e in enumerate(events) if is_failure(e, "tower2", "may_fail"))
    tree = _build(events[: at + 1])
    linear = _play(tree, "rescue linear")
    assert _hosts(linear, "may_fail")["tower2"] == "failed"  # nothing after it yet
    following = next(
        i
        for i in range(at + 1, len(events))
        if events[i].event_data is not None and events[i].event_data.host == "tower2"
    )
    for event in events[at + 1 : following + 1]:
        tree.add(event)
    assert _hosts(linear, "may_fail")["tower2"] == "rescued"

    for event in events[following + 1 : -1]:
        tree.add(event)
    assert events[-1].event == "playbook_on_stats"
    assert _hosts(linear, "rescue_step")["pg1"] == "rescued"  # always_step ran after it
    tree.add(events[-1])
    assert _hosts(linear, "rescue_step")["pg1"] == "failed"
    assert _hosts(linear, "may_fail")["pg1"] == "rescued"


def test_the_text_dump_shows_rescued(capsys: pytest.CaptureFixture[str]) -> None:
    from jobevents.tui.cli import main

    assert main(["dump", str(committed_run("includes"))]) == 0
    out = capsys.readouterr().out
    assert "task may_fail  [ok]  (1 ok, 2 rescued)" in out
    assert "tower2  [rescued]" in out
    assert "rescued=2" in out
