"""The rules of shared/spec/diff-json.md as checks on a document, the way a consumer of the
JSON would rely on them. Task order comes from the two trees, independently of the code
under test."""

from __future__ import annotations

from typing import Any

from jobevents.core import EventTree, Node

REQUIRED = (
    "a",
    "b",
    "new_failures",
    "fixed",
    "status_changes",
    "added_tasks",
    "removed_tasks",
    "slower",
    "faster",
    "hosts_only_in_a",
    "hosts_only_in_b",
)
STATUSES = {"ok", "changed", "failed", "unreachable", "skipped", "ignored", "rescued", "running"}
FAILED = {"failed", "unreachable"}
FIXES = {"ok", "changed", "skipped", "ignored", "rescued"}


def _tasks(tree: EventTree) -> list[Node]:
    return [n for n in tree.nodes() if n.kind == "task"]


def _play(node: Node) -> str:
    parent = node.parent
    while parent is not None and parent.kind != "play":
        parent = parent.parent
    return parent.name if parent is not None else ""


def _hosts(tree: EventTree) -> set[str]:
    return {n.host or n.name for n in tree.nodes() if n.kind == "host"}


def _positions(tree: EventTree) -> dict[tuple[str, str], list[int]]:
    """(play, task) -> its places in tree order (several for duplicated names)."""
    out: dict[tuple[str, str], list[int]] = {}
    for i, task in enumerate(_tasks(tree)):
        out.setdefault((_play(task), task.name), []).append(i)
    return out


def _in_order(entries: list[dict[str, Any]], tree: EventTree, hosts: bool) -> bool:
    """Entries follow the tasks' order in `tree`, hosts by name within a task. A duplicated
    name may stand at any of its places, as long as some choice keeps the order."""
    places = _positions(tree)
    last = (-1, "")
    for entry in entries:
        options = places.get((entry["play"], entry["task"]))
        if not options:
            return False
        host = entry["host"] if hosts else ""
        fitting = [p for p in options if (p, host) >= last]
        if not fitting:
            return False
        last = (min(fitting), host)
    return True


def check_diff_document(doc: dict[str, Any], a: EventTree, b: EventTree) -> None:
    """Raise AssertionError where `doc` breaks a rule of diff-json.md for runs A and B."""
    for key in REQUIRED:
        assert key in doc, f"missing {key}"
    for side in ("a", "b"):
        assert {"ident", "playbook", "status", "events"} <= set(doc[side])
    lists = ("new_failures", "fixed", "status_changes")
    seen: dict[tuple[str, str, str], int] = {}
    for name in lists:
        for entry in doc[name]:
            assert {"play", "task", "host", "a", "b"} <= set(entry), entry
            was, now = entry["a"], entry["b"]
            assert was != now, entry
            assert {was, now} <= STATUSES | {"absent"}, entry
            if name == "new_failures":
                assert was not in FAILED and now in FAILED, entry
            elif name == "fixed":
                assert was in FAILED and now in FIXES, entry
            else:
                assert not (was not in FAILED and now in FAILED), f"a new failure: {entry}"
                assert not (was in FAILED and now in FIXES), f"a fix: {entry}"
            key = (entry["play"], entry["task"], entry["host"])
            seen[key] = seen.get(key, 0) + 1
        assert _in_order(doc[name], b, hosts=True), f"{name} out of B's order"
    places_b = _positions(b)
    for key, count in seen.items():
        assert count <= len(places_b.get(key[:2], [])), f"{key} in {count} lists"
    for name, tree in (("added_tasks", b), ("removed_tasks", a)):
        for entry in doc[name]:
            assert {"play", "task"} <= set(entry)
        assert _in_order(doc[name], tree, hosts=False), f"{name} out of order"
    for name in ("slower", "faster"):
        for entry in doc[name]:
            assert {"play", "task", "a_s", "b_s"} <= set(entry)
            assert isinstance(entry["a_s"], float | int) and isinstance(entry["b_s"], float | int)
            grew = entry["b_s"] > entry["a_s"]
            assert grew == (name == "slower"), entry
        assert _in_order(doc[name], b, hosts=False), f"{name} out of B's order"
    assert doc["hosts_only_in_a"] == sorted(_hosts(a) - _hosts(b))
    assert doc["hosts_only_in_b"] == sorted(_hosts(b) - _hosts(a))
