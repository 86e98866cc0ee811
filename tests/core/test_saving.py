"""A stream saved as it arrives: runner's artifacts folder, and nothing outside it."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import zipfile
from pathlib import Path

from jobevents.core.loading import load_path, load_source
from jobevents.core.saving import RunSaver, event_file_name, new_run_dir
from jobevents.core.stream_source import StreamSource

from ..fixtures.paths import committed_stream
from ..fixtures.worker_runs import SECRET, process


def _save(stream: bytes | Path, pdd: Path, **options: object) -> StreamSource:
    path = stream if isinstance(stream, Path) else pdd.parent / "in.jsonl"
    if not isinstance(stream, Path):
        path.write_bytes(stream)
    fd = os.open(path, os.O_RDONLY)
    source = StreamSource(fd, label="test", owns_fd=True, save_to=pdd, **options)  # type: ignore[arg-type]
    load_source(source)
    source.flush(None)
    source.close()
    return source


def _tree(path: Path) -> dict[str, object]:
    loaded = load_path(path)
    return {"tree": loaded.tree.to_dict(), "recap": loaded.tree.recap, "events": loaded.events}


def test_a_saved_stream_is_the_folder_runners_process_writes(tmp_path: Path) -> None:
    source = _save(committed_stream("features"), tmp_path / "pdd")
    saved = tmp_path / "pdd" / "artifacts" / "features"
    assert source.saved_to == saved
    processed = process(committed_stream("features"), tmp_path / "out", ident="features")
    assert _tree(saved) == _tree(processed)
    for name in ("rc", "status", "stdout", "stderr"):
        assert (saved / name).read_bytes() == (processed / name).read_bytes(), name
    assert sorted(os.listdir(saved / "job_events")) == sorted(os.listdir(processed / "job_events"))
    for path in [*saved.rglob("*")]:
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    command = json.loads((saved / "command").read_text())
    assert "env" not in command and command["command"][0] == "ansible-playbook"
    everything = b"".join(p.read_bytes() for p in saved.rglob("*") if p.is_file())
    assert SECRET.encode() not in everything  # the worker's environment stays out


def test_payloads_come_from_memory_until_saved_then_from_the_file(tmp_path: Path) -> None:
    path = committed_stream("seed_linear")
    fd = os.open(path, os.O_RDONLY)
    source = StreamSource(fd, label="t", owns_fd=True, save_to=tmp_path)
    batch = source.next_batch(10_000, wait=None)
    ref = batch.events[-1].key
    assert source.unsaved and source.read_payload(ref)["counter"] == ref[0]
    source.flush(None)
    assert not source.unsaved
    assert source.read_payload(ref) == json.loads(
        (
            tmp_path / "artifacts" / "seed_linear" / "job_events" / f"{ref[0]}-{ref[1]}.json"
        ).read_bytes()
    )
    source.close()


def test_a_second_save_of_one_run_gets_a_name_of_its_own(tmp_path: Path) -> None:
    first = _save(committed_stream("seed_linear"), tmp_path)
    second = _save(committed_stream("seed_linear"), tmp_path)
    assert first.saved_to is not None and second.saved_to is not None
    assert (first.saved_to.name, second.saved_to.name) == ("seed_linear", "seed_linear-2")


def test_a_cut_stream_is_saved_as_lost(tmp_path: Path) -> None:
    data = committed_stream("seed_serial").read_bytes()
    cut = data.index(b'{"status": "successful"')
    source = _save(data[:cut], tmp_path / "pdd")
    assert source.saved_to is not None
    assert (source.saved_to / "status").read_text() == "lost"
    assert not (source.saved_to / "rc").exists()
    assert load_path(source.saved_to).status == "lost"


def test_no_save_keeps_the_payloads_in_memory(tmp_path: Path) -> None:
    fd = os.open(committed_stream("seed_free"), os.O_RDONLY)
    source = StreamSource(fd, label="t", owns_fd=True, keep_payloads=True)
    tree = load_source(source)
    source.close()
    hosts = [n for n in tree.nodes() if n.kind == "host" and n.ref is not None]
    assert hosts and all(source.read_payload(h.ref)["uuid"] == h.ref[1] for h in hosts)  # type: ignore[arg-type]
    assert source.saved_to is None and not list(tmp_path.iterdir())


# ------------------------------------------------------------------- hostile input


def test_hostile_uuids_never_name_a_path(tmp_path: Path) -> None:
    real = committed_stream("seed_linear").read_bytes()
    evil = {"event": "verbose", "counter": 900, "uuid": "../../../escape", "stdout": "x"}
    at = real.index(b'{"status": "successful"')
    source = _save(real[:at] + json.dumps(evil).encode() + b"\n" + real[at:], tmp_path / "pdd")
    assert not (tmp_path / "escape.json").exists() and not list(tmp_path.rglob("*escape*"))
    assert source.read_payload((900, "../../../escape"))["stdout"] == "x"
    assert event_file_name(900, "../../../escape").startswith("900-unsafe-")
    assert event_file_name(3, "02fc0000-0001-54ee-f210-000000000012_2") == (
        "3-02fc0000-0001-54ee-f210-000000000012_2.json"
    )


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buf.getvalue()


def test_only_the_artifacts_of_a_zip_are_written_and_never_through_links(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("stdout")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = _zip(
        [
            ("rc", b"0"),
            ("status", b"successful"),
            (link, b"/etc/passwd"),
            ("../outside", b"x"),
            ("/abs", b"x"),
            ("fact_cache/tower1", b"{}"),
            ("fact_cache/../../x", b"x"),
            ("command", json.dumps({"command": ["x"], "env": {"K": SECRET}}).encode()),
            ("job_events/", b""),
        ]
    )
    saver = RunSaver(new_run_dir(tmp_path / "pdd", "evil"))
    skipped = saver.write_artifacts(data)
    written = sorted(str(p.relative_to(saver.ident_dir)) for p in saver.ident_dir.rglob("*"))
    assert written == ["command", "fact_cache", "fact_cache/tower1", "job_events", "rc", "status"]
    assert {why.split(":")[0] for why in skipped} == {
        "stdout",
        "../outside",
        "/abs",
        "fact_cache/../../x",
    }
    assert SECRET not in (saver.ident_dir / "command").read_text()
    assert not (tmp_path / "outside").exists() and not (tmp_path / "x").exists()


def test_a_zip_in_the_stream_that_is_not_one_is_said(tmp_path: Path) -> None:
    real = committed_stream("seed_linear").read_bytes()
    head = real[: real.index(b'{"zipfile"')]
    junk = base64.b64encode(b"not a zip at all")
    stream = head + b'{"zipfile": 16}\n' + junk + b'{"eof": true}\n'
    source = _save(stream, tmp_path / "pdd")
    assert source.state.ended == "eof" and source.state.rc is None
    assert source.state.artifacts_problem and "zip" in source.state.artifacts_problem
    assert source.saved_to is not None and (source.saved_to / "status").read_text() == "successful"
