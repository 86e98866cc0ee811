"""A busy live folder is read by a child process (tui/live_reader.py): the app shows the
same run, every event, and the child goes with the feed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import jobevents.tui.feed as feed_module
from jobevents.core.loading import load_path
from jobevents.core.render import render_text
from jobevents.tui.app import JobEventsApp

from ..fixtures.paths import committed_run
from .helpers import (
    add_events,
    copy_run,
    event_files,
    finish,
    frames_pass,
    header_text,
    press,
    running,
    settle,
    tree_state,
    wait_for,
)


async def test_a_busy_live_run_is_read_by_a_child_and_shows_the_complete_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "LIVE_CHILD_FILES", 30)  # busy at 30 files a second
    # no rescan of the folder on a clock: what the watchers miss stays missing
    monkeypatch.setattr(feed_module, "RESCAN_EVERY", 1000.0)
    ident_dir, rest = copy_run("includes", tmp_path, fraction=0.1)
    total = len(event_files(committed_run("includes") / "job_events"))
    random.Random(11).shuffle(rest)
    app = JobEventsApp(tmp_path)
    children: set[int] = set()
    async with running(app) as pilot:
        await settle(pilot)
        feed = app.feed
        assert feed is not None
        for i in range(0, len(rest), 40):
            add_events(ident_dir, rest[i : i + 40])
            await frames_pass(pilot, 1)
            if feed._child is not None and feed._child.pid is not None:
                children.add(feed._child.pid)
        finish(ident_dir, "includes")
        await wait_for(pilot, lambda: f"{total} events" in header_text(app), 20, "all events")
        status = (committed_run("includes") / "status").read_text().strip()
        await wait_for(pilot, lambda: status in header_text(app), 5, "the status")
        assert children, "no child read the busy folder"
        assert not feed.errors
        assert feed.reader.read_count == total
        with feed.lock:
            live = render_text(feed.tree)
        await press(pilot, "e")
        await frames_pass(pilot)
        live_all = tree_state(app)
    assert all(not Path(f"/proc/{pid}").exists() for pid in children)  # reaped with the feed
    assert live == render_text(load_path(committed_run("includes")).tree)
    complete = JobEventsApp(committed_run("includes"))
    async with running(complete) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        await frames_pass(pilot)
        assert live_all.lines == tree_state(complete).lines
