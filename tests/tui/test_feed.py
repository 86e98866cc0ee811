"""The feed thread against a folder that changes under it."""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import jobevents.core.state as state_module
import jobevents.tui.feed as feed_module
from jobevents.core import Changes, Event, EventTree
from jobevents.core.events import EventData
from jobevents.core.folder import RunFolder
from jobevents.core.loading import load_run
from jobevents.core.state import RunState
from jobevents.tui.feed import SWITCH_INTERVAL, RunFeed

from ..fixtures.paths import committed_run


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _copy(files: list[Path], into: Path) -> None:
    into.mkdir(exist_ok=True)
    for path in files:
        tmp = into / (path.name + ".tmp")
        tmp.write_bytes(path.read_bytes())
        tmp.rename(into / path.name)  # as runner writes them


def test_job_events_removed_and_recreated(tmp_path: Path) -> None:
    source = sorted((committed_run("seed_linear") / "job_events").glob("*.json"))
    ident_dir = tmp_path / "artifacts" / "run"
    events = ident_dir / "job_events"
    ident_dir.mkdir(parents=True)
    _copy(source[:10], events)
    feed = RunFeed(RunFolder(events, ident_dir), retry_for=0.5)
    feed.start()
    try:
        _wait(lambda: feed.tree.events == 10)
        shutil.rmtree(events)
        _wait(lambda: feed.mode == "waiting")
        _copy(source, events)  # re-created, with everything
        _wait(lambda: feed.tree.events == len(source))
        assert feed.tree.finished
        # New files keep arriving through the watcher after the re-creation.
        extra = events / "999-late.json"
        extra.write_text('{"event": "verbose", "uuid": "late", "counter": 999, "stdout": "x"}')
        _wait(lambda: feed.tree.events == len(source) + 1)
    finally:
        feed.stop()
    assert feed.failure is None


def test_polling_mode_sees_new_files(tmp_path: Path) -> None:
    source = sorted((committed_run("seed_free") / "job_events").glob("*.json"))
    events = tmp_path / "job_events"
    _copy(source[:5], events)
    feed = RunFeed(RunFolder(events, None), force_polling=True)
    feed.start()
    try:
        _wait(lambda: feed.tree.events == 5)
        _copy(source[5:], events)
        _wait(lambda: feed.tree.events == len(source))
        assert feed.mode == "polling"
    finally:
        feed.stop()


def test_watching_a_folder_shortens_the_gil_switch_interval(tmp_path: Path) -> None:
    # The feed thread's reads give the GIL up at every open/read/close; while the UI
    # paints, each wait to get it back lasts up to the switch interval (5 ms by default).
    source = sorted((committed_run("seed_linear") / "job_events").glob("*.json"))
    events = tmp_path / "job_events"
    _copy(source[:3], events)
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    feed = RunFeed(RunFolder(events, None))
    try:
        feed.start()
        _wait(lambda: feed.mode == "inotify")
        assert sys.getswitchinterval() <= SWITCH_INTERVAL < 0.005
    finally:
        feed.stop()
        sys.setswitchinterval(before)


def test_the_log_waits_for_the_first_frame_and_the_header_does_not() -> None:
    """A first load keeps the lines aside for the log (a third of a small run's take-in,
    on the way to the first frame); the feed makes the log once that frame is painted."""
    run = committed_run("features")
    feed = RunFeed(RunFolder(run / "job_events", None), watch=False)
    feed.hold_until_shown()  # as `watch` does: the app says when its first frame is shown
    feed.start()
    try:
        assert feed.loaded.wait(10)
        with feed.lock:
            assert feed.state._log.lines == 0  # kept aside: nothing made yet
            assert feed.state.warnings == 3 and feed.tree.events == 139  # the header's
        feed.shown()
        _wait(lambda: feed.state._aside is None)
        with feed.lock:
            lines = feed.state._log.lines_between(0, feed.state._log.lines)
        assert len(lines) == len((run / "stdout").read_text().splitlines()) > 0
    finally:
        feed.stop()
    assert feed.failure is None


@pytest.mark.parametrize("seen_after", [None, 2])
def test_a_load_nobody_reads_sums_its_counts_at_its_end(
    monkeypatch: pytest.MonkeyPatch, seen_after: int | None
) -> None:
    """`load_unseen` (a small run `watch` reads before the app exists): host-run counts
    are summed once at the end, not walked up at every change; `seen` mid-load (the app
    came first) sums them then and keeps them from there. The tree is the same."""
    monkeypatch.setattr(feed_module, "CHUNK", 20)  # batches: `seen` comes between two
    run = RunFolder(committed_run("features") / "job_events", None)
    walks: list[bool] = []
    count = EventTree._count

    def counted(tree: EventTree, *args: Any) -> None:
        walks.append(True)
        count(tree, *args)

    monkeypatch.setattr(EventTree, "_count", counted)
    feed = RunFeed(run, watch=False)
    feed.load_unseen()
    batches = 0
    add_all = feed.state.add_all

    def apply(events: Any, changes: Changes) -> None:
        nonlocal batches
        batches += 1
        if batches == seen_after:
            feed.seen()
            walks.clear()
        add_all(events, changes)

    feed.state.add_all = apply  # type: ignore[method-assign]
    feed.start()
    try:
        assert feed.loaded.wait(10)
        assert batches > 2
        assert bool(walks) is (seen_after is not None)  # walked only once seen
        with feed.lock:
            built = feed.tree.to_dict()
        reference, _ = load_run(run, child=False)
        assert built == reference.to_dict()
        walks.clear()
        with feed.lock:  # kept event by event from now on
            feed.state.add(_late_result(feed.tree), Changes())
        assert walks
    finally:
        feed.stop()
    assert feed.failure is None


def _late_result(tree: EventTree) -> Event:
    """A result of a new host run of the run's first task, after every event."""
    task = next(node for node in tree.nodes() if node.kind == "task")
    return Event(
        event="runner_on_ok",
        uuid="late-result",
        counter=10_000,
        parent_uuid=task.uuid,
        event_data=EventData(task_uuid=task.uuid, host="late-host"),
    )


def test_the_hosts_index_is_made_after_the_first_load_without_being_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first load files no host run (`RunState.hosts` is made on demand); once it is
    done the feed makes the index a slice at a time, so the Hosts view opens at once."""
    monkeypatch.setattr(state_module, "HOSTS_STEP", 3)  # several steps on a small run
    steps: list[bool] = []
    real_step = RunState.index_hosts_step

    def step(self: RunState, size: int | None = 3) -> bool:
        more = real_step(self, size)
        steps.append(more)
        return more

    monkeypatch.setattr(RunState, "index_hosts_step", step)
    feed = RunFeed(RunFolder(committed_run("features") / "job_events", None), watch=False)
    feed.start()
    try:
        _wait(lambda: bool(steps) and not steps[-1])
        assert len(steps) > 3  # in steps, not at once
        with feed.lock:
            made = feed.state._hosts
            assert made is not None and not feed.state._unfiled
            runs = sum(1 for node in feed.tree.nodes() if node.kind == "host")
            filed = sum(1 for entry in made.ordered() for _run in entry.all_runs())
        assert filed == runs
    finally:
        feed.stop()
    assert feed.failure is None
