"""The worker stream as a source: real `transmit | worker` streams, whole, split, cut, mixed.

The committed streams are real worker output (tests/fixtures/make_streams.py); the only
hand-made input here is malformed: cuts, garbage lines, hostile zips and names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core.folder import NoRunError
from jobevents.core.loading import LoadedRun, is_stream_path, load_path, load_source
from jobevents.core.render import dump_document
from jobevents.core.stream import (
    EventRecord,
    Keepalive,
    OutputLine,
    StatusRecord,
    StreamParser,
    StreamState,
)
from jobevents.core.stream_source import StreamSource
from jobevents.tui.cli import main

from ..fixtures.paths import committed_stream
from ..fixtures.worker_runs import SECRET, process

PLAYBOOK_STREAMS = ("seed_linear", "seed_free", "seed_serial", "features")
REPO = Path(__file__).resolve().parents[2]


@cache
def _bytes(name: str) -> bytes:
    return committed_stream(name).read_bytes()


def _loaded_from(data: bytes, tmp_path: Path, name: str = "s.jsonl") -> LoadedRun:
    path = tmp_path / name
    path.write_bytes(data)
    return load_path(path)


def _view(loaded: LoadedRun) -> dict[str, Any]:
    """What must be equal between two sources of one run: the dump less where it came from."""
    document = dump_document(loaded)
    document.pop("stream", None)
    return json.loads(json.dumps(document))


def _records(data: bytes, step: int | None = None) -> list[Any]:
    parser = StreamParser()
    out: list[Any] = []
    step = step or len(data) or 1
    for i in range(0, len(data), step):
        out += parser.feed(data[i : i + step])
    return out + parser.close()


# ------------------------------------------------------------ the same run, two ways


@pytest.mark.parametrize("name", [*PLAYBOOK_STREAMS, "missing_playbook"])
def test_a_stream_gives_the_tree_of_the_folder_runner_processes_it_into(
    name: str, tmp_path: Path
) -> None:
    folder = process(committed_stream(name), tmp_path / "out", ident=name)
    from_folder = _view(load_path(folder))
    from_stream = _view(load_path(committed_stream(name)))
    assert from_stream == from_folder
    assert from_stream["events"] > 0 and from_stream["status"] == (folder / "status").read_text()


def test_runners_process_gives_up_at_worker_output_and_we_do_not(tmp_path: Path) -> None:
    folder = process(committed_stream("canceled"), tmp_path / "whole", ident="canceled")
    assert not list((folder / "job_events").iterdir())  # `--debug` text came first
    lines = _bytes("canceled").split(b"\n")
    records_only = b"\n".join(
        line
        for i, line in enumerate(lines)
        if line.startswith(b"{") or (i and lines[i - 1].startswith(b'{"zipfile"'))
    )
    folder = process(records_only, tmp_path / "records", ident="canceled")
    loaded = load_path(committed_stream("canceled"))
    assert _view(loaded) == _view(load_path(folder))
    assert loaded.events >= 6 and loaded.status == "canceled"


def test_status_and_rc_come_from_the_status_records_and_the_zip() -> None:
    expected = {
        "seed_linear": ("successful", 0),
        "features": ("failed", 4),  # ansible's rc with an unreachable host
        "canceled": ("canceled", 254),
        "missing_playbook": ("failed", 1),
    }
    for name, (status, rc) in expected.items():
        loaded = load_path(committed_stream(name))
        assert loaded.stream is not None
        assert (loaded.status, loaded.stream.rc, loaded.stream.ended) == (status, rc, "eof"), name
        assert loaded.ident == name  # transmit's ident is the worker's runner_ident


def test_a_missing_playbook_is_a_failed_run_that_says_why() -> None:
    loaded = load_path(committed_stream("missing_playbook"))
    [message] = loaded.tree.root.children
    assert message.kind == "message" and "could not be found" in (message.detail or "")


def test_a_worker_that_cannot_start_says_error_and_why() -> None:
    loaded = load_path(committed_stream("error"))
    assert loaded.stream is not None
    assert loaded.status == "error" and loaded.events == 0 and loaded.stream.ended == "eof"
    assert loaded.stream.explanation == "Failed to JSON parse a line from transmit stream."
    assert loaded.stream.rc is None  # no zip: the worker never ran the job


def test_keepalives_and_debug_output_are_not_events() -> None:
    data = _bytes("canceled")
    records = _records(data)
    keepalives = [r for r in records if isinstance(r, Keepalive)]
    output = [r for r in records if isinstance(r, OutputLine)]
    assert len(keepalives) >= 2 and len(output) > 50  # --keepalive-seconds 1 and --debug
    without = b"\n".join(
        line
        for line in data.split(b"\n")
        if b'"keepalive"' not in line and (line.startswith(b"{") or not line)
    )
    assert without.count(b"\n") < data.count(b"\n")
    state = StreamState()
    for record in records:
        state.apply(record)
    assert state.keepalives == len(keepalives) and state.output_count == len(output)
    events = [r.event.key for r in records if isinstance(r, EventRecord)]
    assert events == [r.event.key for r in _records(without) if isinstance(r, EventRecord)]


# --------------------------------------------------------------------- never shown


@pytest.mark.parametrize("name", ["seed_linear", "canceled", "features"])
def test_the_workers_environment_is_never_shown(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert SECRET.encode() in _bytes(name)  # it is in the stream ...
    for form in ("json", "tree"):
        assert main(["dump", str(committed_stream(name)), "--format", form]) == 0
        shown = capsys.readouterr()
        assert SECRET not in shown.out + shown.err  # ... and never out of it
    state = load_path(committed_stream(name)).stream
    assert state is not None
    assert not any(SECRET in line for line in state.output)
    if name == "canceled":  # runner's --debug prints the environment: names only
        assert any(line == " JOBEVENTS_TEST_SECRET: (hidden)" for line in state.output)


# ------------------------------------------------------- any split, any cut, any noise


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(min_value=0, max_value=len(_bytes("features"))), max_size=30))
def test_any_split_of_the_bytes_gives_the_same_records(cuts: list[int]) -> None:
    data = _bytes("features")
    parser = StreamParser()
    records: list[Any] = []
    last = 0
    for cut in sorted(cuts):
        records += parser.feed(data[last:cut])
        last = cut
    records += parser.feed(data[last:]) + parser.close()
    assert records == _reference_records("features")


@cache
def _reference_records(name: str) -> list[Any]:
    return _records(_bytes(name))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=1, max_value=len(_bytes("features")) - 1))
def test_a_cut_stream_shows_what_came_and_is_lost_never_failed(tmp_path_factory, cut: int) -> None:  # type: ignore[no-untyped-def]
    data = _bytes("features")
    tmp = tmp_path_factory.mktemp("cut")
    loaded = _loaded_from(data[:cut], tmp) if _any_record(data[:cut]) else None
    if loaded is None:
        with pytest.raises(NoRunError):
            _loaded_from(data[:cut], tmp)
        return
    assert loaded.stream is not None
    if b'{"eof": true}' in data[:cut]:
        assert loaded.stream.ended == "eof" and loaded.status == "failed"
        return
    assert loaded.stream.ended == "lost"
    assert loaded.status == "lost"  # never the run's "failed" before the worker said it
    whole = [r.event.key for r in _reference_records("features") if isinstance(r, EventRecord)]
    came = [r.event.key for r in _records(data[:cut]) if isinstance(r, EventRecord)]
    assert came == whole[: len(came)] and loaded.events == len(came)


def _any_record(data: bytes) -> bool:
    return any(isinstance(r, StatusRecord | EventRecord) for r in _records(data))


NOISE = st.one_of(
    st.text(st.characters(exclude_characters="\n\r"), max_size=80).filter(
        lambda t: not t.lstrip().startswith("{")
    ),
    st.sampled_from(
        [
            '{"broken": ',
            '{"foo": 1}',
            "[1, 2, 3]",
            '"just a string"',
            "Traceback (most recent call last):",
            "\x1b]52;c;aGk=\x07 osc 52",
            "\x00\x01\x02",
        ]
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lines_of_other_text_are_worker_output_and_change_nothing(
    tmp_path_factory, data: st.DataObject
) -> None:  # type: ignore[no-untyped-def]
    stream = _bytes("seed_free")
    head, zip_and_rest = stream.split(b'{"zipfile"', 1)  # the zip's base64 has no newline
    lines = head.split(b"\n")[:-1]
    inserted = 0
    mixed: list[bytes] = []
    for line in lines:
        for noise in data.draw(st.lists(NOISE, max_size=2)):
            mixed.append(noise.encode("utf-8", "surrogatepass"))
            inserted += 1
        mixed.append(line)
    tmp = tmp_path_factory.mktemp("noise")
    loaded = _loaded_from(b"\n".join(mixed) + b'\n{"zipfile"' + zip_and_rest, tmp)
    assert loaded.stream is not None
    assert loaded.stream.output_count == inserted and not loaded.errors
    assert _view(loaded) == _view(load_path(committed_stream("seed_free")))


def test_a_line_without_its_end_is_reported_not_taken_for_output(tmp_path: Path) -> None:
    data = _bytes("seed_linear")
    cut = data.index(b'"event": "runner_on_ok"') + 20
    loaded = _loaded_from(data[:cut], tmp_path)
    assert loaded.stream is not None and loaded.stream.output_count == 0
    [(where, why)] = loaded.errors.items()
    assert where.startswith("line ") and "cut off" in why


def test_an_event_without_counter_or_uuid_is_dropped_as_runner_drops_it(tmp_path: Path) -> None:
    data = _bytes("seed_linear")
    bad = b'{"event": "verbose", "stdout": "no counter"}\n{"event": "verbose", "counter": 9}\n'
    at = data.index(b'{"status": "successful"')
    loaded = _loaded_from(data[:at] + bad + data[at:], tmp_path)
    assert _view(loaded)["tree"] == _view(load_path(committed_stream("seed_linear")))["tree"]
    assert sorted(loaded.errors.values()) == ["event without counter or uuid"] * 2


def test_a_huge_zip_size_is_read_past_not_kept() -> None:
    data = _bytes("seed_linear")
    head, rest = data.split(b'{"zipfile": ', 1)
    size = int(rest.split(b"}", 1)[0])
    parser = StreamParser(zip_limit=10)  # the real zip, over a tiny limit
    state = StreamState()
    for record in parser.feed(data) + parser.close():
        state.apply(record)
    assert state.ended == "eof" and state.rc is None and state.artifacts_problem
    assert size > 10 and head


# ------------------------------------------------------------------ paths and stdin


def test_what_is_a_stream_path(tmp_path: Path) -> None:
    assert is_stream_path(Path("-"))
    assert is_stream_path(committed_stream("canceled"))  # starts with --debug text
    renamed = tmp_path / "stream.log"
    renamed.write_bytes(_bytes("seed_linear"))
    assert is_stream_path(renamed)  # the first records say so, whatever the name
    assert not is_stream_path(tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    with pytest.raises(NoRunError, match="not an ansible-runner worker stream"):
        is_stream_path(text)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert is_stream_path(fifo)


def _cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", *args],
        capture_output=True,
        timeout=120,
        cwd=REPO,
        **kwargs,
    )


def test_dump_reads_stdin_to_its_end_and_saves_nothing(tmp_path: Path) -> None:
    with open(committed_stream("features"), "rb") as stdin:
        piped = _cli("dump", "-", "--format", "json", stdin=stdin)
    assert piped.returncode == 0, piped.stderr
    from_file = _cli("dump", str(committed_stream("features")), "--format", "json")
    assert json.loads(piped.stdout) == json.loads(from_file.stdout)
    document = json.loads(piped.stdout)
    assert document["stream"] == {
        "ended": "eof",
        "rc": 4,
        "job_explanation": None,
        "worker_output": 0,
        "keepalives": 0,
    }
    assert not (REPO / ".jobevents").exists() or not any(
        (REPO / ".jobevents").rglob(document["ident"])
    )


def test_dump_of_no_stream_or_a_terminal_says_so(tmp_path: Path) -> None:
    empty = _cli("dump", "-", stdin=subprocess.DEVNULL)
    assert empty.returncode == 2 and b"no worker stream on stdin" in empty.stderr
    leader, follower = os.openpty()
    try:
        tty = _cli("dump", "-", stdin=follower)
    finally:
        os.close(leader)
        os.close(follower)
    assert tty.returncode == 2 and b"stdin is a terminal" in tty.stderr
    ident = _cli("dump", str(committed_stream("seed_linear")), "--ident", "x")
    assert ident.returncode == 2 and b"a stream holds one run" in ident.stderr


def test_a_followed_file_is_read_as_it_grows(tmp_path: Path) -> None:
    data = _bytes("seed_serial")
    path = tmp_path / "growing.jsonl"
    half = data.index(b"\n", len(data) // 2) + 1
    path.write_bytes(data[:half])
    fd = os.open(path, os.O_RDONLY)
    try:
        source = StreamSource(fd, label=str(path), follow=True)
        first = source.next_batch(10_000, wait=0.2)
        assert first.events and not source.exhausted and source.status() == "running"
        with open(path, "ab") as fh:
            fh.write(data[half:])
        tree = load_source(source)  # to the end: the eof record
    finally:
        os.close(fd)
    assert source.exhausted and source.status() == "successful"
    assert len(first.events) + tree.events == load_path(committed_stream("seed_serial")).events
