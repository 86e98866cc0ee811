"""The timeline's rows on real runs: every play and task once in tree order, one lane per host
of an opened task (a handler run twice is one lane with two runs), filters as the tree's,
and the rows that show a node, the next failure and the newest task."""

from __future__ import annotations

from functools import cache

import pytest

from jobevents.core import EventTree
from jobevents.core.loading import load_path
from jobevents.core.query import Query
from jobevents.core.timeline import (
    lane_status,
    newest_row,
    next_problem_row,
    plays_and_tasks,
    row_of,
    row_with_key,
    task_above,
    timeline_rows,
)

from ..fixtures.paths import committed_names, committed_run


@cache
def _tree(name: str) -> EventTree:
    return load_path(committed_run(name)).tree


def _shape(rows: list) -> list[tuple[str, str, str | None]]:  # type: ignore[type-arg]
    return [(row.kind, row.node.name, row.host) for row in rows]


@pytest.mark.parametrize("name", committed_names())
def test_every_play_and_task_once_in_tree_order(name: str) -> None:
    tree = _tree(name)
    rows = timeline_rows(tree.root)
    expected = [n for n in tree.nodes() if n.kind in ("play", "task")]
    assert [row.node for row in rows] == expected
    assert all(row.kind == ("play" if row.node.kind == "play" else "task") for row in rows)
    assert [node for _play, node in plays_and_tasks(tree.root)] == expected


def test_serial_run_rows_and_lanes() -> None:
    tree = _tree("seed_serial")
    tasks = {row.node.name: row.node for row in timeline_rows(tree.root) if row.kind == "task"}
    opened = {tasks["check_ram"].id, tasks["restart_tower"].id}
    rows = timeline_rows(tree.root, opened)
    assert _shape(rows) == [
        ("play", "preflight", None),
        ("task", "check_space_requirements", None),
        ("task", "check_ram", None),
        # in the order the hosts first ran it: batch [tower1], then [tower2, pg1]
        ("lane", "check_ram", "tower1"),
        *sorted(
            [("lane", "check_ram", "tower2"), ("lane", "check_ram", "pg1")],
            key=lambda lane: [c.host for c in tasks["check_ram"].children].index(lane[2]),
        ),
        ("task", "check_umask", None),
        ("play", "install", None),
        ("task", "install_tower", None),
        ("task", "install_postgres", None),
        ("task", "restart_tower", None),
        ("lane", "restart_tower", "tower1"),
        ("lane", "restart_tower", "tower2"),
    ]


def test_a_handler_run_twice_on_a_host_is_one_lane_with_both_runs() -> None:
    tree = _tree("features")
    handler = next(n for n in tree.nodes() if n.name == "feature_handler")
    lanes = [r for r in timeline_rows(tree.root, {handler.id}) if r.kind == "lane"]
    assert [lane.host for lane in lanes] == ["tower1", "tower2"]
    assert [len(lane.runs) for lane in lanes] == [2, 1]
    assert lanes[0].target is lanes[0].runs[-1]
    assert all(run.parent is handler for lane in lanes for run in lane.runs)


def test_a_lane_takes_the_worst_status_of_its_runs() -> None:
    tree = _tree("features")
    runs = [n for n in tree.nodes() if n.kind == "host"]
    failed = next(r for r in runs if r.status == "failed")
    ok = next(r for r in runs if r.status == "ok")
    skipped = next(r for r in runs if r.status == "skipped")
    assert lane_status([ok, failed, skipped]) == "failed"
    assert lane_status([skipped, ok]) == "ok"


def test_status_filter_keeps_tasks_with_a_hit_and_only_the_hit_lanes() -> None:
    tree = _tree("features")
    every_task = {row.node.id for row in timeline_rows(tree.root) if row.kind == "task"}
    rows = timeline_rows(tree.root, every_task, Query(status="failed"))
    assert _shape(rows) == [
        ("play", "features", None),
        ("task", "fail_one_host", None),
        ("lane", "fail_one_host", "tower2"),
        ("play", "unreachable", None),
        ("task", "ping_dead_host", None),
        ("lane", "ping_dead_host", "deadhost"),
    ]


def test_search_by_task_keeps_all_its_hosts_and_by_play_all_its_tasks() -> None:
    tree = _tree("features")
    every_task = {row.node.id for row in timeline_rows(tree.root) if row.kind == "task"}
    loop = next(n for n in tree.nodes() if n.name == "loop_items")
    rows = timeline_rows(tree.root, every_task, Query(text="loop_items"))
    hosts = {run.host for run in loop.children if run.kind == "host"}
    assert len(hosts) >= 2
    assert [r.kind for r in rows] == ["play", "task", *["lane"] * len(hosts)]
    wrap_up = timeline_rows(tree.root, (), Query(text="wrap_up"))
    assert _shape(wrap_up) == [("play", "wrap_up", None), ("task", "final_task", None)]
    # a host's name finds its lanes only
    tower2 = timeline_rows(tree.root, every_task, Query(text="tower2"))
    assert {r.host for r in tower2 if r.kind == "lane"} == {"tower2"}
    assert timeline_rows(tree.root, (), Query(text="no such thing at all")) == []


def test_a_play_that_matches_with_no_task_still_shows() -> None:
    tree = _tree("features")
    assert _shape(timeline_rows(tree.root, (), Query(text="no_hosts"))) == [
        ("play", "no_hosts", None)
    ]


def test_row_of_finds_lanes_tasks_and_plays() -> None:
    tree = _tree("features")
    loop = next(n for n in tree.nodes() if n.name == "loop_items")
    closed = timeline_rows(tree.root)
    opened = timeline_rows(tree.root, {loop.id})
    run = next(c for c in loop.children if c.kind == "host")
    item = next(c for c in run.children if c.kind == "item")
    assert closed[row_of(closed, run) or 0].node is loop  # its task, when not opened
    lane = opened[row_of(opened, item) or 0]
    assert lane.kind == "lane" and lane.host == run.host
    assert opened[row_of(opened, loop) or 0].kind == "task"
    play = loop.parent
    assert play is not None and opened[row_of(opened, play) or 0].node is play
    assert row_of(opened, tree.root) is None


def test_a_row_is_found_again_by_its_key_and_a_node_finds_its_task() -> None:
    tree = _tree("features")
    loop = next(n for n in tree.nodes() if n.name == "loop_items")
    run = next(c for c in loop.children if c.kind == "host")
    item = next(c for c in run.children if c.kind == "item")
    opened = timeline_rows(tree.root, {loop.id})
    lane = opened[row_of(opened, item) or 0]
    assert lane.key == ("lane", loop.id, run.host)
    # rebuilt rows are new objects: the key finds the same row in them, and None once gone
    again = timeline_rows(tree.root, {loop.id})
    assert again[row_with_key(again, lane.key) or 0] == lane
    assert row_with_key(timeline_rows(tree.root), lane.key) is None
    assert task_above(item) is loop and task_above(run) is loop and task_above(loop) is loop
    assert loop.parent is not None and task_above(loop.parent) is None
    assert task_above(tree.root) is None


def test_next_problem_wraps_and_newest_is_the_last_task_started() -> None:
    tree = _tree("features")
    every_task = {row.node.id for row in timeline_rows(tree.root) if row.kind == "task"}
    rows = timeline_rows(tree.root, every_task)
    problems = [
        i for i, r in enumerate(rows) if r.kind != "play" and r.status in ("failed", "unreachable")
    ]
    assert [_shape([rows[i]])[0] for i in problems] == [
        ("task", "fail_one_host", None),
        ("lane", "fail_one_host", "tower2"),
        ("task", "ping_dead_host", None),
        ("lane", "ping_dead_host", "deadhost"),
    ]
    assert next_problem_row(rows, None) == problems[0]
    assert next_problem_row(rows, problems[0]) == problems[1]
    assert next_problem_row(rows, problems[-1]) == problems[0]
    assert next_problem_row(rows, problems[0], backwards=True) == problems[-1]
    assert next_problem_row(timeline_rows(_tree("seed_linear").root), 0) is None
    newest = newest_row(rows)
    assert newest is not None and rows[newest].node.name == "final_task"
