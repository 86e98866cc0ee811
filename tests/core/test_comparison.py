"""Comparing two runs: the edited playbook's differences exactly, the JSON contract's rules
on every pair of real runs, and the marks for tree B."""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from jobevents.core import EventTree
from jobevents.core.comparison import FIXES, RunDiff, Thresholds, compare, compare_trees
from jobevents.core.diff_report import diff_document
from jobevents.core.loading import load_path
from jobevents.core.outline import outline
from jobevents.core.pair_loading import run_info

from ..conftest import LiveRuns
from ..fixtures.paths import committed_names, committed_run
from .diff_spec import check_diff_document


@cache
def _tree(name: str) -> EventTree:
    return load_path(committed_run(name)).tree


def _hosts(changes: list) -> list[tuple[str, str, str, str, str]]:  # type: ignore[type-arg]
    return [(c.play, c.task, c.host, c.a, c.b) for c in changes]


def _tasks(refs: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(r.play, r.task) for r in refs]


def _statuses(diff: RunDiff) -> tuple[object, ...]:
    """Everything but the timings: what two runs of the same playbooks always agree on."""
    return (
        _hosts(diff.new_failures),
        _hosts(diff.fixed),
        _hosts(diff.status_changes),
        _tasks(diff.added_tasks),
        _tasks(diff.removed_tasks),
        _tasks(diff.moved_tasks),
        diff.hosts_only_in_a,
        diff.hosts_only_in_b,
    )


def _check_drift(diff: RunDiff, b: EventTree) -> None:
    assert _hosts(diff.new_failures) == [("deploy", "restart service", "web1", "ok", "failed")]
    second_restart = [t for t in b.nodes() if t.name == "restart service"][1]
    assert diff.new_failures[0].b_task_id == second_restart.id
    assert _hosts(diff.fixed) == [("deploy", "check config", "web2", "failed", "ok")]
    changes = _hosts(diff.status_changes)
    for expected in [
        ("deploy", "configure", "web1", "ok", "changed"),
        ("deploy", "configure", "web2", "ok", "changed"),
        ("deploy", "probe", "web1", "ok", "ignored"),
        ("deploy", "probe", "web2", "ok", "ignored"),
        ("deploy", "probe", "web3", "failed", "absent"),
        ("deploy", "moved", "web2", "absent", "ok"),
        ("verify", "report", "web1", "ok", "absent"),
    ]:
        assert expected in changes
    assert not [c for c in changes if c[3] == c[4]]
    assert _tasks(diff.added_tasks) == [("deploy", "renamed"), ("deploy", "migrate")]
    assert _tasks(diff.removed_tasks) == [("deploy", "old cleanup"), ("deploy", "rename me")]
    assert _tasks(diff.moved_tasks) == [("deploy", "moved")]
    assert (diff.hosts_only_in_a, diff.hosts_only_in_b) == (["web3"], ["web4"])


def test_the_edited_playbook_gives_exactly_its_differences() -> None:
    a, b = _tree("drift_a"), _tree("drift_b")
    diff = compare_trees(a, b)
    _check_drift(diff, b)
    assert _tasks(diff.slower) == [("deploy", "slow step")] and diff.faster == []
    slow = diff.slower[0]
    assert slow.b_s >= 2.5 and slow.b_s >= 1.5 * slow.a_s and slow.b_s - slow.a_s >= 1.0


def test_thresholds_decide_what_is_slower() -> None:
    a, b = _tree("drift_a"), _tree("drift_b")
    slow = compare_trees(a, b).slower[0]
    assert compare_trees(a, b, Thresholds(seconds=slow.b_s - slow.a_s + 0.01)).slower == []
    assert compare_trees(a, b, Thresholds(ratio=slow.b_s / slow.a_s + 0.01)).slower == []
    everything = compare_trees(a, b, Thresholds(ratio=1.0, seconds=0.0))
    moved = everything.slower + everything.faster
    assert len(moved) > 1 and all(t.a_s != t.b_s for t in moved)


def test_marks_for_tree_b() -> None:
    a, b = _tree("drift_a"), _tree("drift_b")
    diff = compare_trees(a, b)
    marks = diff.marks()
    by_id = {node.id: node for node in b.nodes()}
    failed = [(by_id[i], m) for i, m in marks.items() if m.kind == "new_failure"]
    assert [(n.kind, n.name, n.parent.name, m.a, m.b) for n, m in failed] == [  # type: ignore[union-attr]
        ("host", "web1", "restart service", "ok", "failed")
    ]
    fixed = [by_id[i] for i, m in marks.items() if m.kind == "fixed"]
    assert [(n.name, n.status) for n in fixed] == [("web2", "ok")]
    slower = [(by_id[i].name, m.delta_s) for i, m in marks.items() if m.kind == "slower"]
    assert slower == [("slow step", pytest.approx(diff.slower[0].b_s - diff.slower[0].a_s))]
    added = sorted(by_id[i].name for i, m in marks.items() if m.kind == "added")
    assert added == ["migrate", "renamed"]
    changed = {
        (by_id[i].parent.name, by_id[i].name) for i, m in marks.items() if m.kind == "changed"
    }  # type: ignore[union-attr]
    assert ("configure", "web1") in changed and ("probe", "web2") in changed
    assert all(by_id[i].kind in ("host", "task") for i in marks)


PAIRS = list(itertools.product(committed_names(), repeat=2))


@pytest.mark.parametrize(("a_name", "b_name"), PAIRS)
def test_every_pair_of_real_runs_follows_the_json_contract(a_name: str, b_name: str) -> None:
    a, b = load_path(committed_run(a_name)), load_path(committed_run(b_name))
    thresholds = Thresholds()
    diff = compare(outline(a.tree), outline(b.tree), thresholds)
    document = diff_document(run_info(a), run_info(b), diff, thresholds)
    check_diff_document(document, a.tree, b.tree)
    if a_name == b_name:
        assert _statuses(diff) == ([], [], [], [], [], [], [], [])
        assert diff.slower == diff.faster == []


@pytest.mark.parametrize(("a_name", "b_name"), [p for p in PAIRS if p[0] < p[1]])
def test_a_fix_one_way_is_a_new_failure_the_other(a_name: str, b_name: str) -> None:
    forward = compare_trees(_tree(a_name), _tree(b_name))
    back = compare_trees(_tree(b_name), _tree(a_name))
    flipped = sorted((p, t, h, b, a) for p, t, h, a, b in _hosts(forward.fixed))
    assert flipped == sorted(x for x in _hosts(back.new_failures) if x[3] in FIXES)
    assert sorted(_tasks(forward.added_tasks)) == sorted(_tasks(back.removed_tasks))
    assert (forward.hosts_only_in_a, forward.hosts_only_in_b) == (
        back.hosts_only_in_b,
        back.hosts_only_in_a,
    )


@pytest.mark.slow
def test_fresh_runs_of_the_edited_playbook(live_runs: LiveRuns) -> None:
    """Run again now, the two versions differ as the committed runs do; timings aside, and
    the slow step's sleep is a floor whatever the machine's load."""
    a, b = load_path(live_runs["drift_a"]).tree, load_path(live_runs["drift_b"]).tree
    fresh = compare_trees(a, b)
    _check_drift(fresh, b)
    assert _statuses(fresh) == _statuses(compare_trees(_tree("drift_a"), _tree("drift_b")))
    slow = next(t for t in outline(b).plays[0].tasks if t.name == "slow step")
    assert slow.wall is not None and slow.wall >= 2.5
