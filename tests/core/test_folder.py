"""The artifacts reader: which paths name a run, which files are events, what failed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from jobevents.core.folder import EventReader, NoRunError, event_file_key, find_runs, open_run

from ..fixtures.paths import committed_run


def _copy_run(name: str, dest: Path, ident: str | None = None) -> Path:
    """A committed run copied to `dest/artifacts/<ident>/`, returns the ident dir."""
    src = committed_run(name)
    target = dest / "artifacts" / (ident or src.name)
    shutil.copytree(src, target)
    return target


def test_event_file_names() -> None:
    assert event_file_key("12-abc-def.json") == (12, "abc-def")
    assert event_file_key("3-02fc0000-0001_2.json") == (3, "02fc0000-0001_2")
    assert event_file_key("12-abc.json.tmp") is None
    assert event_file_key("abc-partial.json") is None
    assert event_file_key("12-abc-partial.json") is None
    assert event_file_key("status") is None
    assert event_file_key("x-abc.json") is None


def test_every_path_form_finds_the_run(tmp_path: Path) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    for path in (tmp_path, tmp_path / "artifacts", ident_dir, ident_dir / "job_events"):
        run = open_run(path)
        assert run.job_events == ident_dir / "job_events"
        assert run.ident == ident_dir.name
        assert run.status() == "successful"
        assert run.rc() == 0


def test_newest_ident_is_default_and_ident_picks(tmp_path: Path) -> None:
    old = _copy_run("seed_linear", tmp_path, "old")
    new = _copy_run("seed_free", tmp_path, "new")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(old / "job_events", (1_000_000, 1_000_000))
    assert [r.ident for r in find_runs(tmp_path)] == ["new", "old"]
    assert open_run(tmp_path).ident_dir == new
    assert open_run(tmp_path, "old").ident_dir == old
    with pytest.raises(NoRunError, match="no run with ident 'nope'"):
        open_run(tmp_path, "nope")


def test_no_run_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NoRunError, match="no ansible-runner run"):
        open_run(tmp_path)
    with pytest.raises(NoRunError):
        open_run(tmp_path / "missing")


def test_only_event_files_are_read(tmp_path: Path) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    events = ident_dir / "job_events"
    count = len(list(events.glob("*.json")))
    (events / "999-half.json.tmp").write_text("{")
    (events / "abc-partial.json").write_text("{}")
    (events / "notes.txt").write_text("x")
    result = EventReader(open_run(ident_dir)).read()
    assert len(result.events) == count
    assert result.errors == {}
    assert [e.counter for e in result.events] == sorted(e.counter for e in result.events)


def test_unparsable_file_is_reported_not_fatal(tmp_path: Path) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    events = ident_dir / "job_events"
    count = len(list(events.glob("*.json")))
    (events / "500-broken.json").write_text('{"uuid": "broken", "counter": 5')
    (events / "501-list.json").write_text("[1, 2]")
    reader = EventReader(open_run(ident_dir))
    result = reader.read()
    assert len(result.events) == count
    assert set(result.errors) == {"500-broken.json", "501-list.json"}
    assert "array" in result.errors["501-list.json"]
    assert reader.read_count == count + 2


@pytest.mark.parametrize("once", [False, True])
def test_batches_read_every_file_once_and_a_load_lists_once(tmp_path: Path, once: bool) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    events = ident_dir / "job_events"
    names = sorted(p.name for p in events.glob("*.json"))
    (events / "500-broken.json").write_text("{")
    reader = EventReader(open_run(ident_dir), once=once)
    read: list[tuple[int, str]] = []
    while True:
        result = reader.next_batch(7)
        read += [e.key for e in result.events]
        if not result.more:
            break
    assert sorted(read) == sorted(event_file_key(name) for name in names)  # type: ignore[type-var]
    assert [k[0] for k in read] == sorted(k[0] for k in read)
    assert reader.read_count == len(names) + 1
    # A file that turns up after the listing: a watch lists again and reads it, a load
    # (`once`) has ended and reads nothing more.
    late = json.loads((events / names[0]).read_text())
    late.update(counter=900, uuid="late")
    (events / "900-late.json").write_text(json.dumps(late))
    again = reader.next_batch(7)
    assert [e.key for e in again.events] == ([] if once else [(900, "late")])
    assert not again.more
    assert reader.read_count == len(names) + (1 if once else 2)


@pytest.mark.parametrize("once", [False, True])
def test_files_taken_from_a_frame_are_read_as_files(tmp_path: Path, once: bool) -> None:
    """`take`: files another process read, as views into its frame of them, give what
    `read` gives; for a watch (kept while shown) each event holds its own bytes, not a view
    keeping the whole frame alive, and each file is noted as read."""
    ident_dir = _copy_run("features", tmp_path)
    names = EventReader(open_run(ident_dir)).list_names()
    frame = bytearray()
    spans = []
    for name in names:
        data = (ident_dir / "job_events" / name).read_bytes()
        spans.append((name, len(frame), len(data)))
        frame += data
    view = memoryview(frame)
    reader = EventReader(open_run(ident_dir), once=once)
    taken = reader.take([(name, view[at : at + size]) for name, at, size in spans]).events
    expected = EventReader(open_run(ident_dir)).read(names).events
    taken.sort(key=lambda e: e.key)
    expected.sort(key=lambda e: e.key)
    assert [e.key for e in taken] == [e.key for e in expected]
    assert reader.read_count == len(names)
    assert all(reader.was_read(name) for name in names) is not once
    if once:
        return  # a load applies its events and lets them go with the frame
    frame[:] = bytes(len(frame))  # the frame reused: the events keep what they said
    assert [e.stdout for e in taken] == [e.stdout for e in expected]
    assert [e.data.res.msg if e.data.res else None for e in taken] == [
        e.data.res.msg if e.data.res else None for e in expected
    ]


def test_half_written_file_is_retried_then_reported(tmp_path: Path) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    events = ident_dir / "job_events"
    now = [100.0]
    reader = EventReader(open_run(ident_dir), retry_for=5.0, clock=lambda: now[0])
    reader.read()
    good = json.loads(next(events.glob("1-*.json")).read_text())
    good.update(counter=900, uuid="late")
    whole = json.dumps(good)
    (events / "900-late.json").write_text(whole[:40])
    assert reader.read().events == []
    assert reader.pending() and reader.errors == {}
    now[0] += 6
    result = reader.read([])
    assert "900-late.json" in result.errors
    # The writer finishes after all: the file is read and its error withdrawn.
    (events / "900-late.json").write_text(whole)
    result = reader.read(["900-late.json"])
    assert [e.key for e in result.events] == [(900, "late")]
    assert result.recovered == ["900-late.json"]
    assert reader.errors == {}


def test_identity_falls_back_to_the_file_name(tmp_path: Path) -> None:
    events = tmp_path / "job_events"
    events.mkdir()
    (events / "7-abc.json").write_text(json.dumps({"event": "verbose", "stdout": "hi"}))
    [event] = EventReader(open_run(events)).read().events
    assert event.key == (7, "abc")


def test_payload_is_read_on_demand(tmp_path: Path) -> None:
    ident_dir = _copy_run("seed_linear", tmp_path)
    run = open_run(ident_dir)
    first = EventReader(run).read().events[0]
    payload = run.read_payload(first.key)
    assert payload["uuid"] == first.uuid and payload["counter"] == first.counter
