"""A busy live folder is read by a child process (tui/live_reader.py): the app shows the
same run, every event, and the child goes with the feed."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import jobevents.tui.feed as feed_module
from jobevents.core.folder import RunFolder
from jobevents.core.loading import load_path
from jobevents.core.render import render_text
from jobevents.core.source import ReadResult
from jobevents.tui.app import JobEventsApp
from jobevents.tui.feed import RunFeed
from jobevents.tui.live_reader import LiveReader

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


def test_files_are_read_here_until_the_child_watches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child takes a few hundred ms to start (more on a busy machine): until it watches,
    this thread reads what comes, rather than leaving it for the child's first listing."""
    monkeypatch.setattr(feed_module, "LIVE_CHILD_FILES", 20)
    monkeypatch.setattr(feed_module, "RESCAN_EVERY", 1000.0)
    started = threading.Event()
    real = LiveReader.next_batch

    def not_yet(self: LiveReader, wait: float) -> ReadResult | None:
        if not started.is_set():  # the child is held back: it has not said it watches
            time.sleep(min(wait, 0.02))
            return ReadResult()
        return real(self, wait)

    monkeypatch.setattr(LiveReader, "next_batch", not_yet)
    ident_dir, rest = copy_run("includes", tmp_path, fraction=0.02)
    feed = RunFeed(RunFolder(ident_dir / "job_events", ident_dir))
    feed.start()
    try:
        _wait(lambda: feed.mode == "inotify" and feed.loaded.is_set())
        shown = feed.tree.events
        for part in (rest[:40], rest[40:80]):  # busy: a child is started, and held
            add_events(ident_dir, part)
            shown += len(part)
            _wait(lambda n=shown: feed.tree.events == n)
        child = feed._child
        assert child is not None and not child.watching
        started.set()
        _wait(lambda: child.watching)
        add_events(ident_dir, rest[80:])
        total = len(event_files(committed_run("includes") / "job_events"))
        _wait(lambda: feed.tree.events == total)
    finally:
        feed.stop()
    assert child.pid is None  # reaped with the feed
    assert feed.reader.read_count == feed.tree.events
    assert render_text(feed.tree) == render_text(load_path(committed_run("includes")).tree)


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
