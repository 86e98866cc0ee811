"""A load read by a forked child and this process together gives what an in-process load
gives: the same tree, errors, count and payload paths, or it starts again in-process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

import jobevents.core.child_reader as child_reader
from jobevents.core.child_reader import ChildReader, ChildReadError, can_fork
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
    source = ChildReader(reader, reader.list_names(), chunk)
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


def test_a_number_json_cannot_carry_sends_the_load_back_here(tmp_path: Path) -> None:
    """Malformed input, made by hand: a result's rc of 1e400, valid JSON that decodes to
    infinity, which JSON cannot carry back. The child stops; `load_run` reads the run here
    and gets the same tree."""
    path = _copy("seed_linear", tmp_path)
    final = next(
        p
        for p in sorted((path / "job_events").glob("*.json"))
        if '"runner_on_ok"' in (text := p.read_text()) and '"rc": 0' in text
    )
    final.write_text(final.read_text().replace('"rc": 0', '"rc": 1e400'))
    reader = EventReader(open_run(path), once=True)
    source = ChildReader(reader, reader.list_names(), 1)
    source._claim_back = lambda: None  # type: ignore[method-assign]
    with pytest.raises(ChildReadError):
        load_source(source)
    source.close()
    monkey = pytest.MonkeyPatch()
    monkey.setattr(child_reader, "CHILD_FROM", 1)
    try:
        tree, reader = load_run(open_run(path))
    finally:
        monkey.undo()
    expected, errors, count = _in_process(path)
    assert (tree.to_dict(), dict(reader.errors), reader.read_count) == (expected, errors, count)


def test_a_child_that_dies_sends_the_load_back_here(monkeypatch: pytest.MonkeyPatch) -> None:
    path = committed_run("seed_free")
    killed: list[int] = []
    real_init = ChildReader.__init__

    def init(self: ChildReader, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        assert self._pid is not None
        os.kill(self._pid, signal.SIGKILL)
        killed.append(self._pid)

    monkeypatch.setattr(ChildReader, "__init__", init)
    monkeypatch.setattr(child_reader, "CHILD_FROM", 1)
    tree, reader = load_run(open_run(path))
    assert killed
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
