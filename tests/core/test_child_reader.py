"""A load read by a forked child and this process together gives what an in-process load
gives: the same tree, errors, count and payload paths, also when the child dies."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import jobevents.core.child_reader as child_reader
from jobevents.core.child_reader import ChildReader, can_fork
from jobevents.core.folder import EventReader, open_run
from jobevents.core.loading import load_run, load_source

from ..fixtures.paths import committed_run

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")

RUNS = ["seed_linear", "seed_free", "seed_serial", "features", "includes", "killed"]


def _copy(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(committed_run(name), target)
    return target


def _in_process(path: Path) -> tuple[dict[str, object], dict[str, str], int]:
    tree, reader = load_run(open_run(path), child=False)
    return tree.to_dict(), dict(reader.errors), reader.read_count


def _with_child(
    path: Path, chunk: int, *, here: bool = True
) -> tuple[dict[str, object], dict[str, str], int]:
    """Loaded with a child; `here=False`: this side reads no chunk (the child does all)."""
    reader = EventReader(open_run(path), once=True)
    return _loaded(reader, ChildReader(reader, reader.list_names(), chunk), here=here)


def _loaded(
    reader: EventReader, source: ChildReader, *, here: bool = True
) -> tuple[dict[str, object], dict[str, str], int]:
    """`source` loaded to its end (`here=False`: the child reads every chunk), and closed."""
    if not here:
        source._claim_back = lambda: None  # type: ignore[method-assign]
    try:
        tree = load_source(source)
    finally:
        source.close()
    return tree.to_dict(), dict(reader.errors), reader.read_count


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize("chunk", [1, 7, 50])
@pytest.mark.parametrize("here", [True, False])
def test_a_load_shared_with_a_child_is_the_load_done_here(
    name: str, chunk: int, here: bool
) -> None:
    path = committed_run(name)
    assert _with_child(path, chunk, here=here) == _in_process(path)


def test_unreadable_and_renamed_files_are_reported_and_found_as_here(tmp_path: Path) -> None:
    """Malformed input, made by hand: a broken file, an array, and an event whose file
    name is not its identity."""
    path = _copy("features", tmp_path)
    events = path / "job_events"
    (events / "500-broken.json").write_text('{"uuid": "broken", "counter": 5')
    (events / "501-list.json").write_text("[1, 2]")
    first = sorted(events.glob("2-*.json"))[0]
    moved = events / "9999-elsewhere.json"
    first.rename(moved)
    tree, errors, count = _with_child(path, 4, here=False)
    assert (tree, errors, count) == _in_process(path)
    assert set(errors) == {"500-broken.json", "501-list.json"}
    reader = EventReader(open_run(path), once=True)
    source = ChildReader(reader, reader.list_names(), 4)
    source._claim_back = lambda: None  # type: ignore[method-assign]
    try:
        load_source(source)
    finally:
        source.close()
    key = tuple(json.loads(moved.read_text())[k] for k in ("counter", "uuid"))
    assert reader.path_of(key) == moved  # type: ignore[arg-type]


def test_a_number_json_cannot_carry_is_read_as_here(tmp_path: Path) -> None:
    """Malformed input, made by hand: a result's rc of 1e400, valid JSON that decodes to
    infinity. The child sends the file's bytes, not a re-encoding: the tree is the same."""
    path = _copy("seed_linear", tmp_path)
    final = next(
        p
        for p in sorted((path / "job_events").glob("*.json"))
        if '"runner_on_ok"' in (text := p.read_text()) and '"rc": 0' in text
    )
    final.write_text(final.read_text().replace('"rc": 0', '"rc": 1e400'))
    assert _with_child(path, 1, here=False) == _in_process(path)


def test_files_the_typed_decode_refuses_are_taken_in_as_here(tmp_path: Path) -> None:
    """Malformed input, made by hand: a lone surrogate, a byte that is not UTF-8 and a
    counter written as text, each in a file the child sends. They take the lenient way
    from a view of the child's frame, as their bytes do in-process."""
    path = _copy("seed_linear", tmp_path)
    files = [
        p for p in sorted((path / "job_events").glob("*.json")) if '"runner_on_ok"' in p.read_text()
    ]
    first, second, third = files[:3]
    first.write_text(
        first.read_text().replace('"event_data": {', '"event_data": {"host": "\\ud800x", ', 1)
    )
    second.write_bytes(second.read_bytes().replace(b'"stdout": "', b'"stdout": "\xff', 1))
    event = json.loads(third.read_text())
    third.write_text(
        third.read_text().replace(
            f'"counter": {event["counter"]}', f'"counter": "{event["counter"]}"', 1
        )
    )
    assert _with_child(path, 1, here=False) == _in_process(path)


def test_a_huge_file_is_sent_in_a_frame_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frames are cut at `_FRAME_BYTES`: a chunk of big files arrives in several."""
    monkeypatch.setattr(child_reader, "_FRAME_BYTES", 4096)
    path = committed_run("features")
    assert _with_child(path, 50, here=False) == _in_process(path)


@pytest.mark.parametrize("after", [0, 5, 200])
def test_a_child_that_dies_leaves_its_files_to_this_side(
    after: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child dies at its file `after` (in small frames, so some were sent): what it
    sent is kept, the rest is read here, and the load is the in-process one."""
    path = committed_run("includes")  # 355 files
    monkeypatch.setattr(child_reader, "_FRAME_BYTES", 2048)
    real_read = child_reader.read_in_folder
    calls = [0]

    def read_then_die(folder: str, name: str, dir_fd: int | None) -> bytes:  # in the child only
        calls[0] += 1
        if calls[0] > after:
            os._exit(3)
        return real_read(folder, name, dir_fd)

    monkeypatch.setattr(child_reader, "read_in_folder", read_then_die)
    taken: list[int] = []
    real_take_in = ChildReader._take_in

    def take_in(self: ChildReader, index: int, first: int, body: bytes) -> object:
        taken.append(index)
        return real_take_in(self, index, first, body)

    monkeypatch.setattr(ChildReader, "_take_in", take_in)
    reader = EventReader(open_run(path), once=True)
    source = ChildReader(reader, reader.list_names(), 50)
    source._claim_back = lambda: None  # type: ignore[method-assign]
    try:
        tree = load_source(source)
    finally:
        source.close()
    assert bool(taken) == (after > 0)  # frames came from the child before it died
    assert (tree.to_dict(), dict(reader.errors), reader.read_count) == _in_process(path)


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        monkeypatch.setattr(child_reader, "CHILD_FROM", 1)
        monkeypatch.setattr(ChildReader, "__init__", _never)
        tree, _reader = load_run(open_run(committed_run("seed_linear")))
        assert tree.events
    finally:
        stop.set()
        thread.join()


def _never(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("forked while another thread ran")


# ------------------------------------------------------------ read ahead (`watch`)


def _ahead(
    path: Path, chunk: int, *, here: bool = True
) -> tuple[dict[str, object], dict[str, str], int]:
    """Loaded as `watch` loads: a child forked before the listing lists the run itself."""
    reader = EventReader(open_run(path), retry_for=0.0)
    return _loaded(reader, ChildReader.ahead(reader, chunk), here=here)


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize("chunk", [1, 50])
@pytest.mark.parametrize("here", [True, False])
def test_a_load_read_ahead_by_a_child_is_the_load_done_here(
    name: str, chunk: int, here: bool
) -> None:
    path = committed_run(name)
    assert _ahead(path, chunk, here=here) == _in_process(path)


def test_a_held_child_reads_nothing_until_this_side_asks_and_then_the_whole_run() -> None:
    """`watch` on a big run holds its child until the feed's first load: beside the
    app's imports it slowed them. Released by the first batch asked for, it loads all."""
    path = committed_run("includes")
    reader = EventReader(open_run(path), retry_for=0.0)
    source = ChildReader.ahead(reader, 10, held=True)
    try:
        time.sleep(0.3)  # a child not held has listed and claimed chunks by now
        assert child_reader._claim(source._claims, child_reader._FRONT) == 0
        assert not source._frame_waiting()
    except AssertionError:
        source.close()
        raise
    assert _loaded(reader, source, here=False) == _in_process(path)


def test_a_held_child_never_asked_for_is_reaped_on_close() -> None:
    reader = EventReader(open_run(committed_run("includes")), retry_for=0.0)
    source = ChildReader.ahead(reader, 10, held=True)
    pid = source.pid
    assert pid is not None
    source.close()
    assert source.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped already: no such child


def test_a_child_that_dies_before_its_listing_leaves_the_load_to_this_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def die(self: ChildReader, fd: int, listed: bool) -> None:  # runs in the child only
        os._exit(3)

    monkeypatch.setattr(ChildReader, "_serve", die)
    path = committed_run("includes")
    assert _ahead(path, 50, here=False) == _in_process(path)


def test_a_child_reading_ahead_reads_on_while_this_side_takes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a pipe of one page, a child that only wrote what the pipe holds would stop
    after a frame or two; reading ahead, it reads every chunk meanwhile."""
    monkeypatch.setattr(child_reader, "_PIPE_SIZE", 4096)
    monkeypatch.setattr(child_reader, "_FRAME_BYTES", 2048)
    path = committed_run("includes")  # 355 files, 400 KB
    reader = EventReader(open_run(path), retry_for=0.0)
    source = ChildReader.ahead(reader, 10)
    try:
        chunks = -(-len(reader.list_names()) // 10)
        deadline = time.monotonic() + 20
        while child_reader._claim(source._claims, child_reader._FRONT) < chunks:
            assert time.monotonic() < deadline, "the child stopped reading"
            time.sleep(0.01)
        source._claim_back = lambda: None  # type: ignore[method-assign]
        tree = load_source(source)
    finally:
        source.close()
    assert (tree.to_dict(), dict(reader.errors), reader.read_count) == _in_process(path)


def test_a_child_stopped_from_another_thread_is_reaped_by_its_reader() -> None:
    path = committed_run("includes")
    reader = EventReader(open_run(path), retry_for=0.0)
    source = ChildReader.ahead(reader, 10)
    pid = source.pid
    assert pid is not None
    source.stop()
    tree = load_source(source)  # what the child did not send, read here
    assert (tree.to_dict(), dict(reader.errors), reader.read_count) == _in_process(path)
    assert source.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left
