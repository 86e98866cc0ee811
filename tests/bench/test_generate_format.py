"""The benchmark generator writes runner's exact format: checked against real runs.

The committed fixture runs are real ansible-runner runs (linear, free, serial, loops,
handlers, warnings, async, retries). Small generated runs of every shape the harness
uses must have the same keys, in the same order, per event type, and the same
parent and repeat structure (`<uuid>_N` task starts under `free` and `serial`).
"""

from __future__ import annotations

import itertools
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from generate import generate_run  # tests/bench is on sys.path for this module

from tests.fixtures.paths import committed_names, committed_run

Signature = tuple[str, tuple[str, ...]]

SHAPES: dict[str, dict[str, Any]] = {
    "linear": {"strategy": "linear"},
    "free": {"strategy": "free", "plays": 3},
    "serial": {"strategy": "linear", "serial": 3},
    "loops": {"strategy": "linear", "loop_every": 1},
}


def events_of(ident_dir: Path) -> list[dict[str, Any]]:
    job_events = ident_dir / "job_events"
    found = [
        json.loads((job_events / name).read_text())
        for name in os.listdir(job_events)
        if name.endswith(".json") and not name.endswith("-partial.json")
    ]
    return sorted(found, key=lambda e: e["counter"])


def signatures(events: list[dict[str, Any]]) -> dict[str, set[Signature]]:
    """Per event type: the order of its top-level keys and of its event_data keys."""
    found: dict[str, set[Signature]] = defaultdict(set)
    for event in events:
        found[event["event"]].add(("top", tuple(event)))
        found[event["event"]].add(("event_data", tuple(event.get("event_data", {}))))
    return found


@pytest.fixture(scope="module")
def real() -> dict[str, set[Signature]]:
    merged: dict[str, set[Signature]] = defaultdict(set)
    for name in committed_names():
        for kind, sigs in signatures(events_of(committed_run(name))).items():
            merged[kind] |= sigs
    return merged


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("generated")
    runs = {}
    for shape, args in SHAPES.items():
        ident_dir = generate_run(
            out, hosts=9, tasks=24, seed=3, ident=shape, failure_rate=0.03, **args
        )
        runs[shape] = events_of(ident_dir)
    return runs


@pytest.mark.parametrize("shape", SHAPES)
def test_keys_and_their_order_are_runners(
    shape: str, real: dict[str, set[Signature]], generated: dict[str, list[dict[str, Any]]]
) -> None:
    ours = signatures(generated[shape])
    unknown = {kind for kind in ours if kind not in real}
    # the committed runs have no skipped loop item nor a failed async task
    assert unknown <= {"runner_item_on_skipped", "runner_on_async_failed"}
    for kind, sigs in ours.items():
        if kind in real:
            assert sigs <= real[kind], f"{kind}: {sigs - real[kind]}"


@pytest.mark.parametrize("shape", SHAPES)
def test_counters_lines_and_parents_hang_together(
    shape: str, generated: dict[str, list[dict[str, Any]]]
) -> None:
    events = generated[shape]
    assert [e["counter"] for e in events] == list(range(1, len(events) + 1))
    for before, after in itertools.pairwise(events):
        assert after["start_line"] == before["end_line"]
    first = events[0]  # ansible's inventory warning, before the playbook starts
    assert first["event"] == "verbose" and "parent_uuid" not in first
    assert "event_data" not in first and "pid" not in first
    kinds = {e["uuid"]: e["event"] for e in events}
    for event in events[1:]:
        parent = event.get("parent_uuid")
        if event["event"] == "playbook_on_start":
            assert parent is None
        elif event["event"] == "runner_on_async_poll":
            assert parent not in kinds  # an internal async_status task, as in real runs
        else:
            assert parent in kinds, event
            if event["event"].startswith("runner_"):
                assert kinds[parent] == "playbook_on_task_start"
                assert "_" not in parent.rsplit("-", 1)[1]  # the first start, never a repeat


def test_free_task_starts_repeat_per_host(generated: dict[str, list[dict[str, Any]]]) -> None:
    starts = [e for e in generated["free"] if e["event"] == "playbook_on_task_start"]
    repeats = [e for e in starts if "_" in e["uuid"].rsplit("-", 1)[1]]
    assert repeats
    for event in repeats:
        base = event["uuid"].rsplit("_", 1)[0]
        assert event["parent_uuid"] == base == event["event_data"]["task_uuid"]
    hosts = {e["event_data"]["host"] for e in generated["free"] if e["event"] == "runner_on_start"}
    firsts = [e for e in starts if not e["event_data"]["is_conditional"]]
    per_task = defaultdict(int)
    for event in firsts:
        per_task[event["event_data"]["task_uuid"]] += 1
    assert max(per_task.values()) == len(hosts)  # one start per host that reached it


def test_serial_batches_repeat_the_play(generated: dict[str, list[dict[str, Any]]]) -> None:
    events = generated["serial"]
    plays = [e for e in events if e["event"] == "playbook_on_play_start"]
    repeats = [e for e in plays if e["uuid"].endswith(("_2", "_3"))]
    assert repeats
    for event in repeats:
        assert event["event_data"]["play_uuid"] == event["uuid"]
        assert event["parent_uuid"] == event["event_data"]["playbook_uuid"]


def test_a_pattern_warning_comes_before_its_play_in_the_last_tasks_context(
    generated: dict[str, list[dict[str, Any]]],
) -> None:
    events = generated["linear"]
    index = next(i for i, e in enumerate(events) if e["event"] == "warning")
    warning, play = events[index], events[index + 1]
    assert play["event"] == "playbook_on_play_start"
    assert warning["parent_uuid"] == warning["event_data"]["task_uuid"]
