"""`watch`'s first load from a child forked before the app is imported (`early_feed.py`,
`core/child_reader.py`): the run a feed reading it here shows, with its errors and
half-written files as here, the watch after it, and no child left behind: at the load's
end, when the child dies, when the user leaves mid-load."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import jobevents.core.child_reader as child_reader
from jobevents.core.child_reader import ChildReader
from jobevents.core.folder import EventReader, open_run
from jobevents.core.loading import load_run
from jobevents.tui import early_feed
from jobevents.tui.app import JobEventsApp
from jobevents.tui.early_feed import EarlyFeed, start_feed
from jobevents.tui.feed import RunFeed

from .helpers import add_events, copy_run, finish, header_text, write_event

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


@pytest.fixture(autouse=True)
def _child_for_any_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child for these small runs, also in a test worker where an earlier test left a
    thread running (`watch` forks before any thread starts: `can_fork()` is tested in
    test_child_reader.py). Forking beside a thread is safe here: the child only makes
    system calls on what it was given."""
    monkeypatch.setattr(early_feed, "AHEAD_FROM", 1)
    monkeypatch.setattr(child_reader, "can_fork", lambda: True)


def _child_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """This side reads no chunk while the child runs (it would, on a busy machine)."""
    monkeypatch.setattr(ChildReader, "_claim_back", lambda self: None)


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _reaped(pid: int) -> bool:
    """Whether `pid`, a child of this process, is gone and reaped (no zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _start(pdd: Path) -> tuple[EarlyFeed, int]:
    early = start_feed(pdd, None)
    assert early is not None
    ahead = early.feed._ahead
    assert ahead is not None and ahead.pid is not None, "no child reads the run"
    return early, ahead.pid


def _as_here(feed: RunFeed, path: Path) -> None:
    """The feed shows what a load done here gives: tree, errors and count."""
    tree, reader = load_run(open_run(path), child=False)
    with feed.lock:
        assert feed.tree.to_dict() == tree.to_dict()
        assert feed.errors == reader.errors
        assert feed.reader.read_count == reader.read_count


def test_the_first_load_is_the_files_the_child_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _child_alone(monkeypatch)
    ident_dir, _ = copy_run("includes", tmp_path)
    early, pid = _start(tmp_path)
    loaded = early.feed.loaded
    loads_here: list[object] = []
    real_read = EventReader.read

    def read(self: EventReader, names: object = None) -> object:
        if not loaded.is_set():
            loads_here.append(names)
        return real_read(self, names)  # type: ignore[arg-type]

    monkeypatch.setattr(EventReader, "read", read)
    feed = early.ready()
    try:
        assert loaded.is_set() and feed.failure is None
        assert loads_here == []  # not one file read here: every one came from the child
        assert _reaped(pid)
        _as_here(feed, ident_dir)
    finally:
        feed.stop()


@pytest.mark.parametrize("after", [0, 40])
def test_a_child_killed_mid_load_still_ends_on_the_whole_run(
    after: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _child_alone(monkeypatch)
    monkeypatch.setattr(child_reader, "_FRAME_BYTES", 2048)  # frames sent before it dies
    real_read = child_reader.read_in_folder
    calls = [0]

    def read_then_die(folder: str, name: str, dir_fd: int | None) -> bytes:  # in the child only
        calls[0] += 1
        if calls[0] > after:
            os.kill(os.getpid(), 9)
        return real_read(folder, name, dir_fd)

    monkeypatch.setattr(child_reader, "read_in_folder", read_then_die)
    taken: list[int] = []
    real_take = EventReader.take

    def take(self: EventReader, files: list[tuple[str, bytes | OSError]]) -> object:
        taken.append(len(files))
        return real_take(self, files)

    monkeypatch.setattr(EventReader, "take", take)
    ident_dir, _ = copy_run("includes", tmp_path)
    early, pid = _start(tmp_path)
    feed = early.ready()
    try:
        assert feed.loaded.is_set() and feed.failure is None
        assert bool(taken) == (after > 0)  # some files came from the child before it died
        assert _reaped(pid)
        _as_here(feed, ident_dir)
    finally:
        feed.stop()


def test_errors_half_written_files_and_the_watch_after_as_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Malformed input, made by hand: a folder named like an event file (unreadable) and
    a real event file half written when the load reads it. Both feeds report and retry
    them alike; files written after the child's listing are read by the watch."""
    monkeypatch.setattr(early_feed, "RETRY_FOR", 0.5)
    ident_dir, rest = copy_run("includes", tmp_path, fraction=0.7)
    job_events = ident_dir / "job_events"
    (job_events / "900000-a-folder.json").mkdir()
    half, *later = rest
    whole = half.read_bytes()
    write_event(job_events, half.name, whole[: len(whole) // 2])
    early, pid = _start(tmp_path)
    here = start_feed(tmp_path, None, child=False)
    assert here is not None and here.feed._ahead is None
    feed = early.ready()
    try:
        assert here.feed.loaded.is_set() and feed.loaded.is_set()
        assert _reaped(pid)
        with feed.lock, here.feed.lock:
            assert feed.tree.to_dict() == here.feed.tree.to_dict()
            assert feed.errors == here.feed.errors
            assert set(feed.errors) == {"900000-a-folder.json"}
        feed.shown()  # as the app does at its first frame: the watches start
        here.feed.shown()
        write_event(job_events, half.name, whole)
        add_events(ident_dir, later)
        finish(ident_dir, "includes")
        total = len(list(job_events.glob("*.json"))) - 1  # the folder is no event
        _wait(lambda: feed.tree.events == here.feed.tree.events == total)
        _as_here(feed, ident_dir)
        _as_here(here.feed, ident_dir)
        assert feed.failure is None
    finally:
        feed.stop()
        here.feed.stop()


def _slow_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child takes a while over each file: a load to leave in the middle of."""
    _child_alone(monkeypatch)
    monkeypatch.setattr(child_reader, "_FRAME_BYTES", 2048)
    real_read = child_reader.read_in_folder

    def read_slowly(folder: str, name: str, dir_fd: int | None) -> bytes:  # in the child only
        time.sleep(0.02)
        return real_read(folder, name, dir_fd)

    monkeypatch.setattr(child_reader, "read_in_folder", read_slowly)


def test_leaving_mid_load_ends_and_reaps_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_child(monkeypatch)
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", 1)  # a big run: not waited for
    copy_run("includes", tmp_path)
    early, pid = _start(tmp_path)
    feed = early.ready()
    feed.start()
    _wait(lambda: feed.tree.events > 0)
    assert not feed.loaded.is_set()
    feed.stop()
    assert feed._thread is not None and not feed._thread.is_alive()
    assert _reaped(pid)


def test_a_feed_never_started_reaps_its_child(tmp_path: Path) -> None:
    """The app left (or opened another run) before it started the feed made early."""
    copy_run("includes", tmp_path)
    early, pid = _start(tmp_path)
    early.feed.stop()
    assert _reaped(pid)


async def test_quitting_the_app_mid_load_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow_child(monkeypatch)
    monkeypatch.setattr(early_feed, "WHOLE_BELOW", 1)
    copy_run("includes", tmp_path)
    early, pid = _start(tmp_path)
    app = JobEventsApp(tmp_path, early_feed=early.ready())
    async with app.run_test() as pilot:
        while early.feed.tree.events == 0:
            await pilot.pause(0.02)
        assert app.feed is early.feed and not early.feed.loaded.is_set()
        await pilot.press("q")
    assert _reaped(pid)


async def test_the_app_shows_the_run_the_child_read(tmp_path: Path) -> None:
    ident_dir, _ = copy_run("includes", tmp_path)
    early, _pid = _start(tmp_path)
    app = JobEventsApp(tmp_path, early_feed=early.ready())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.feed is early.feed
        events = len(list((ident_dir / "job_events").glob("*.json")))
        assert f"{events:,} events" in header_text(app)
        await pilot.press("q")
