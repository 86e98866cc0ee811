"""Hostile and broken input: nothing crashes, nothing good is lost, nothing escapes."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobevents.core import EventTree
from jobevents.core.events import decode_event
from jobevents.core.folder import EventReader, open_run
from jobevents.core.loading import load_run
from jobevents.core.render import render_text

from ..fixtures.hostile import ESCAPES, LONG_PLAY, MARKUP_HOST, WIDE_TASK, build_hostile_run
from ..fixtures.paths import committed_names, committed_run

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_hostile_run(tmp_path_factory.mktemp("hostile"))


def _dump(path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", "dump", str(path), *args],
        capture_output=True,
        timeout=120,
    )


def test_dump_json_shows_every_good_event_and_reports_every_bad_file(hostile) -> None:  # type: ignore[no-untyped-def]
    done = _dump(hostile.ident_dir, "--format", "json")
    assert done.returncode == 0
    document = json.loads(done.stdout)
    reported = {e["file"]: e["error"] for e in document["errors"]}
    assert set(reported) == set(hostile.bad)
    for name, word in hostile.bad.items():
        assert "\n" not in reported[name] and len(reported[name]) <= 200
        assert word in reported[name]
    stderr = done.stderr.decode().splitlines()
    assert len(stderr) == len(hostile.bad)
    assert all(any(name in line for line in stderr) for name in hostile.bad)
    assert document["events"] == len(hostile.good) + len(hostile.bad)
    names = set()

    def walk(node: dict[str, Any]) -> None:
        names.add(node["name"])
        for child in node["children"]:
            walk(child)

    walk(document["tree"])
    assert {MARKUP_HOST, WIDE_TASK, LONG_PLAY, "orphan"} <= names
    assert MARKUP_HOST in document["recap"]


def test_every_good_event_is_in_the_tree(hostile) -> None:  # type: ignore[no-untyped-def]
    tree, reader = load_run(open_run(hostile.ident_dir))
    assert [key for key in hostile.good if key not in tree] == []
    assert set(reader.errors) == set(hostile.bad)


def test_dump_text_is_literal_and_holds_no_control_codes(hostile) -> None:  # type: ignore[no-untyped-def]
    done = _dump(hostile.ident_dir)
    assert done.returncode == 0
    text = done.stdout.decode()
    assert MARKUP_HOST in text  # markup shown as written, never interpreted
    assert "全角のタスク" in text and "🔥" in text
    assert not CONTROL.search(text), CONTROL.search(text)
    assert max(len(line) for line in text.splitlines()) < 1000  # the 100k name is cut


def test_escapes_in_output_are_kept_out_of_details(hostile) -> None:  # type: ignore[no-untyped-def]
    tree, _ = load_run(open_run(hostile.ident_dir))
    details = [n.detail for n in tree.nodes() if n.detail]
    assert details and not any("\x1b" in d or "\x07" in d for d in details)
    assert ESCAPES  # the corpus really carries them


def test_broken_file_paths_never_stop_the_reader(tmp_path: Path) -> None:
    """A file vanishing, a dangling link, the folder itself going away."""
    events = tmp_path / "job_events"
    events.mkdir()
    source = committed_run("seed_linear") / "job_events"
    for path in sorted(source.glob("*.json"))[:5]:
        (events / path.name).write_bytes(path.read_bytes())
    (events / "90-dangling.json").symlink_to(tmp_path / "nowhere.json")
    reader = EventReader(open_run(events))
    result = reader.read([*sorted(p.name for p in events.iterdir()), "91-vanished.json"])
    assert len(result.events) == 5
    assert set(result.errors) == {"90-dangling.json"}  # a vanished file is simply not there
    for path in events.iterdir():
        path.unlink()
    events.rmdir()
    assert reader.read().events == []


# ------------------------------------------------------------------ properties


@cache
def _real_events() -> tuple[dict[str, Any], ...]:
    out = []
    for name in committed_names():
        for path in sorted((committed_run(name) / "job_events").glob("*.json")):
            out.append(json.loads(path.read_text()))
    return tuple(out)


JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    | st.sampled_from(["[bold]x[/]", "\x1b]52;c;eA==\x07", "\ud800", "", "0", "_2"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["event", "uuid", "counter", "parent_uuid", "stdout", "created", "event_data"]
DATA_FIELDS = [
    "host",
    "task",
    "task_uuid",
    "play",
    "play_uuid",
    "res",
    "role",
    "start",
    "end",
    "duration",
    "ignore_errors",
    "is_conditional",
    "playbook_uuid",
    "ok",
    "failures",
]


@st.composite
def mutated_event(draw: st.DrawFn) -> dict[str, Any]:
    event = json.loads(json.dumps(draw(st.sampled_from(_real_events()))))
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()) and isinstance(event.get("event_data"), dict):
            event["event_data"][draw(st.sampled_from(DATA_FIELDS))] = draw(JUNK)
        else:
            event[draw(st.sampled_from(FIELDS))] = draw(JUNK)
    return event


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=st.lists(mutated_event(), max_size=12), seed=st.randoms(use_true_random=False))
def test_mutated_events_never_raise_and_never_hide_good_ones(junk, seed) -> None:  # type: ignore[no-untyped-def]
    good = list(_real_events()[:60])
    for i, event in enumerate(junk):
        event["counter"] = 10_000 + i if not isinstance(event.get("counter"), str) else "x"
    mixed = good + junk
    seed.shuffle(mixed)
    tree = EventTree()
    for event in mixed:
        try:
            tree.add(event)
        except ValueError:
            assert not isinstance(event, dict)  # only a non-object may be refused
    for event in good:
        assert (event["counter"], event["uuid"]) in tree
    json.dumps(tree.to_dict())
    render_text(tree)


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=300)
    | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass"))
)
def test_random_bytes_are_an_event_or_a_value_error(raw: bytes) -> None:
    try:
        event = decode_event(raw)
    except ValueError:
        return
    tree = EventTree()
    tree.add(event)
    json.dumps(tree.to_dict())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=400))
def test_the_reader_reports_garbage_files_and_goes_on(tmp_path: Path, raw: bytes) -> None:
    events = tmp_path / "job_events"
    events.mkdir(exist_ok=True)
    for old in events.iterdir():
        old.unlink()
    good = sorted((committed_run("seed_linear") / "job_events").glob("*.json"))[:3]
    for path in good:
        (events / path.name).write_bytes(path.read_bytes())
    (events / "999-garbage.json").write_bytes(raw)
    reader = EventReader(open_run(events))
    result = reader.read()
    assert len([e for e in result.events if e.counter != 999]) == 3
    assert len(result.events) + len(result.errors) == 4


def test_a_reused_ident_shows_both_runs_and_loses_nothing() -> None:
    """Runner never empties a reused ident: the old run's files sit beside the new ones."""
    old = EventReader(open_run(committed_run("seed_linear"))).read().events
    new = EventReader(open_run(committed_run("seed_free"))).read().events
    tree = EventTree()
    for event in [*old, *new]:
        tree.add(event)
    assert all(event.key in tree for event in [*old, *new])
    playbooks = [n for n in tree.nodes() if n.kind == "playbook"]
    assert len(playbooks) == 2
    plays = [n for n in tree.nodes() if n.kind == "play"]
    assert sorted(p.name for p in plays) == ["install", "install", "preflight", "preflight"]
    json.dumps(tree.to_dict())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=st.lists(mutated_event(), max_size=12), seed=st.randoms(use_true_random=False))
def test_times_and_comparisons_of_mutated_runs_never_raise(junk, seed) -> None:  # type: ignore[no-untyped-def]
    from jobevents.core.comparison import compare_trees
    from jobevents.core.timing import RunTimes

    mixed = list(_real_events()[:60]) + junk
    seed.shuffle(mixed)
    tree = EventTree()
    for event in mixed:
        with contextlib.suppress(ValueError):
            tree.add(event)
    times = RunTimes(tree)
    for row in times.tasks(now=2e9):
        assert row.wall is None or row.wall >= 0
    for host in times.hosts(now=2e9):
        assert host.total >= 0
    clean = EventTree()
    for event in _real_events()[:60]:
        clean.add(event)
    for a, b in ((tree, clean), (clean, tree), (tree, tree)):
        compare_trees(a, b).marks()


def _command(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "jobevents.tui.cli", *args], capture_output=True, timeout=120
    )


def test_profile_and_diff_text_hold_no_control_codes(hostile) -> None:  # type: ignore[no-untyped-def]
    profile = _command("profile", str(hostile.ident_dir), "--top", "0")
    assert profile.returncode == 0, profile.stderr
    diff = _command("diff", str(committed_run("seed_linear")), str(hostile.ident_dir), "--all")
    assert diff.returncode in (0, 1), diff.stderr
    for done in (profile, diff):
        text = done.stdout.decode()
        assert not CONTROL.search(text), CONTROL.search(text)
        assert max(len(line) for line in text.splitlines()) < 2000
    assert len(profile.stderr.decode().splitlines()) == len(hostile.bad)
    for args in (
        ["profile", str(hostile.ident_dir)],
        ["diff", str(hostile.ident_dir), str(hostile.ident_dir)],
    ):
        document = json.loads(_command(*args, "--format", "json").stdout)
        assert isinstance(document, dict)
