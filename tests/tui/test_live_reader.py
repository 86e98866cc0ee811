"""A child watching a live folder and sending its new files (tui/live_reader.py): what it
gives is what reading the files here gives."""

from __future__ import annotations

import os
import random
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from jobevents.core.folder import EventReader, RunFolder
from jobevents.core.source import ReadResult
from jobevents.tui.live_reader import LiveReader

from ..fixtures.paths import committed_run


def _reader(job_events: Path, retry_for: float = 0.0) -> EventReader:
    return EventReader(RunFolder(job_events, None), retry_for=retry_for)


def _until(
    child: LiveReader, done: Callable[[ReadResult], bool], timeout: float = 20.0
) -> ReadResult:
    """The child's batches gathered until `done` says enough."""
    gathered = ReadResult()
    deadline = time.monotonic() + timeout
    while not done(gathered):
        assert time.monotonic() < deadline, "timed out"
        got = child.next_batch(0.05)
        assert got is not None, "the child ended"
        gathered.events += got.events
        gathered.errors.update(got.errors)
        gathered.recovered += got.recovered
    return gathered


def _watching(child: LiveReader) -> None:
    _until(child, lambda _r: child.watching)


def _write(job_events: Path, name: str, data: bytes) -> None:
    tmp = job_events / f"{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, job_events / name)  # as runner writes them


def test_new_files_come_as_they_would_be_read_here(tmp_path: Path) -> None:
    source = committed_run("includes") / "job_events"
    files = sorted(p for p in source.iterdir() if p.suffix == ".json")
    random.Random(5).shuffle(files)
    live = tmp_path / "job_events"
    live.mkdir()
    reader = _reader(live)
    child = LiveReader.start(reader)
    assert child is not None
    try:
        _watching(child)
        for path in files:
            _write(live, path.name, path.read_bytes())
        got = _until(child, lambda r: len(r.events) >= len(files))
    finally:
        child.close()
    here = _reader(source).read()
    assert len(got.events) == len(files) == len(here.events)
    encode = msgspec.json.encode
    assert sorted(map(encode, got.events)) == sorted(map(encode, here.events))
    assert reader.read_count == len(files)
    assert not got.errors
    # every file is known as read: a rescan of the folder reads nothing again
    assert not reader.read().events


def test_unreadable_and_half_written_files_are_reported_as_here(tmp_path: Path) -> None:
    first, second = sorted((committed_run("seed_linear") / "job_events").glob("*.json"))[:2]
    live = tmp_path / "job_events"
    live.mkdir()
    reader = _reader(live, retry_for=60.0)
    child = LiveReader.start(reader)
    assert child is not None
    try:
        _watching(child)
        os.mkfifo(live / "7-fifo.json")  # never blocks the child: reported, as here
        got = _until(child, lambda r: bool(r.errors))
        assert got.errors == {"7-fifo.json": "not a regular file"}
        data = second.read_bytes()
        (live / second.name).write_bytes(data[: len(data) // 2])  # written in place
        time.sleep(0.2)
        assert not _until(child, lambda _r: True).events  # half an event: retried, not shown
        (live / second.name).write_bytes(data)
        got = _until(child, lambda r: bool(r.events))
        assert [e.counter for e in got.events] == [msgspec.json.decode(data)["counter"]]
        _write(live, first.name, first.read_bytes())
        assert len(_until(child, lambda r: bool(r.events)).events) == 1
    finally:
        child.close()


def test_the_child_ends_with_its_folder_and_is_reaped_when_closed(tmp_path: Path) -> None:
    live = tmp_path / "job_events"
    live.mkdir()
    child = LiveReader.start(_reader(live))
    assert child is not None and child.pid is not None
    pid = child.pid
    _watching(child)
    shutil.rmtree(live)
    deadline = time.monotonic() + 20
    while child.next_batch(0.05) is not None:
        assert time.monotonic() < deadline, "the child did not end with its folder"
    assert child.pid is None
    assert not Path(f"/proc/{pid}").exists()  # reaped, not a zombie


def test_closing_kills_and_reaps_a_watching_child(tmp_path: Path) -> None:
    live = tmp_path / "job_events"
    live.mkdir()
    child = LiveReader.start(_reader(live))
    assert child is not None and child.pid is not None
    pid = child.pid
    _watching(child)
    child.close()
    assert not Path(f"/proc/{pid}").exists()
    assert child.next_batch(0.0) is None


def test_stop_from_another_thread_ends_the_wait_for_a_batch(tmp_path: Path) -> None:
    live = tmp_path / "job_events"
    live.mkdir()
    child = LiveReader.start(_reader(live))
    assert child is not None and child.pid is not None
    pid = child.pid
    _watching(child)
    threading.Timer(0.1, child.stop).start()  # as `RunFeed.stop` does from the UI thread
    assert child.next_batch(30.0) is None  # its end, not an empty batch after the wait
    assert not Path(f"/proc/{pid}").exists()
