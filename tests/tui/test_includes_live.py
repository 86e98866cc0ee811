"""The live app on the `includes` run: folded tasks under `free` and rescued failures."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from jobevents.core.folder import event_file_key
from jobevents.core.newest import newest_of
from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.run_tree import RunTree

from .helpers import (
    add_events,
    apply_as_frame,
    copy_run,
    finish,
    finished,
    first_event_then_rest,
    frames_pass,
    header_text,
    press,
    running,
    settle,
    tree_state,
    wait_for,
)
from .test_keys import reference_states

EVENTS = "355 events"


async def test_a_shuffled_live_feed_ends_on_the_tree_of_the_complete_run(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("includes", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        random.Random(11).shuffle(rest)
        moves = [("up", "up"), ("j",), ("down", "k"), ("f",)]
        for batch, keys in zip([rest[i::4] for i in range(4)], moves, strict=True):
            add_events(ident_dir, batch)
            await press(pilot, *keys)
            await frames_pass(pilot, 1)
        finish(ident_dir, "includes")
        await wait_for(pilot, lambda: EVENTS in header_text(app), what="all events")
        await wait_for(pilot, lambda: "failed" in header_text(app), what="the status")
        assert app.feed is not None and not app.feed.errors
        await frames_pass(pilot)
        live = tree_state(app)
        await press(pilot, "e")
        await frames_pass(pilot)
        live_all = tree_state(app)

    opened, everything = await reference_states("includes")
    assert live == opened, str(live)
    assert live_all.lines == everything.lines


async def test_late_include_events_move_host_runs_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held back, the include events leave each host's copies as tasks of their own; when
    they arrive the tree moves host runs and drops the emptied tasks, and the widget
    follows those changes: nothing is rebuilt, and what was open stays open."""
    ident_dir, rest = copy_run("includes", tmp_path)
    job_events = ident_dir / "job_events"
    held = []
    for path in sorted(job_events.iterdir()):
        if b'"playbook_on_include"' in path.read_bytes():
            held.append(path)
            path.unlink()
    assert not rest and held
    rebuilds: list[RunTree] = []
    rebuild = RunTree._rebuild

    def counted(self: RunTree) -> None:
        rebuilds.append(self)
        rebuild(self)

    monkeypatch.setattr(RunTree, "_rebuild", counted)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "e")  # every task open: its host runs are on screen
        await frames_pass(pilot)
        before = tree_state(app)
        assert app.run_tree is not None
        play_line = next(t for t in before.texts if "PLAY includes free" in t)
        play = app.run_tree.get_node_at_line(before.texts.index(play_line))
        assert sum("step_one" in t for t in before.texts) > 6  # one task per copy

        add_events(ident_dir, _committed_files(held))
        await wait_for(pilot, lambda: EVENTS in header_text(app), what="all events")
        await frames_pass(pilot)
        after = tree_state(app)
        assert not rebuilds
        assert app.run_tree.get_node_at_line(after.texts.index(play_line)) is play
        assert sum("step_one" in t for t in after.texts) == 6  # 3 a play, as linear has

    _, everything = await reference_states("includes")
    assert after.lines == everything.lines


def _committed_files(held: list[Path]) -> list[Path]:
    """The committed copies of the event files held back (`add_events` reads them)."""
    from ..fixtures.paths import committed_run

    source = committed_run("includes") / "job_events"
    names = sorted((p.name for p in held), key=lambda n: event_file_key(n) or (0, ""))
    return [source / name for name in names]


async def test_rescued_hosts_are_neither_failed_in_the_header_nor_stops_of_n() -> None:
    app = finished("features")  # block_step fails on both towers; the rescue handles it
    async with running(app) as pilot:
        await settle(pilot)
        header = header_text(app)
        assert "hosts ✘ 1 ⊘ 1 ~ 1 ✔ 1" in header  # tower2 failed for real, deadhost is down
        await press(pilot, "n")
        assert app.run_tree is not None and app.run_tree.cursor_node is not None
        node = app.run_tree.cursor_node.data
        assert node is not None and (node.parent and node.parent.name, node.name) == (
            "fail_one_host",
            "tower2",
        )
        await press(pilot, "e")
        lines = tree_state(app).texts
        [block_step] = [t for t in lines if "block_step" in t]
        assert block_step.startswith("✔ block_step") and "↺ 2" in block_step
        assert sum(t.startswith("↺ tower") for t in lines) == 2


async def test_follow_stays_on_the_newest_task_when_its_node_is_folded(tmp_path: Path) -> None:
    """An included task's start that repeats for another host is a node of its own until
    the core folds it into the task it repeats (`Changes.removed`). Follow went to that
    node, which the tree no longer holds, and stayed there: the cursor stuck on an older
    task and the task it had opened closed. Runner's order, one event a frame."""
    events = first_event_then_rest("includes", tmp_path)
    app = JobEventsApp(tmp_path, watch=False)
    async with running(app) as pilot:
        await wait_for(pilot, lambda: app.feed is not None and app.feed.loaded.is_set())
        feed, view = app.feed, app.views["tasks"]
        assert feed is not None and isinstance(view, RunTree)
        for event in events:
            apply_as_frame(app, [event])
            with feed.lock:
                newest = newest_of(feed.state.tree.root, ("play", "task"))
            assert newest is not None
            cursor = view.cursor_node
            assert cursor is not None and cursor.data is newest, (event.counter, newest.name)
            if newest.children:
                assert cursor.is_expanded, (event.counter, newest.name)
