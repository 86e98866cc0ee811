"""The run's log, rebuilt from events: what runner printed, in counter order, whatever the arrival.

Every committed run's log is checked against the `stdout` file ansible-runner wrote beside
its events; shuffled arrivals, repeats and small blocks (many splits) must change nothing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobevents.core.log as log_module
from jobevents.core import Event
from jobevents.core.ansi import carry_sgr, sanitize_ansi, strip_ansi
from jobevents.core.folder import EventReader, open_run
from jobevents.core.log import RunLog
from jobevents.core.nodes import Changes, Node
from jobevents.core.state import RunState

from ..fixtures.hostile import ESCAPES, MARKUP_HOST, build_hostile_run
from ..fixtures.paths import committed_names, committed_run
from .helpers import arrival_orders, committed_events

SGR = re.compile(r"\x1b\[[0-9;:]*m")
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _state(events: Sequence[Event]) -> RunState:
    state = RunState()
    changes = Changes()
    for event in events:
        state.add(event, changes)
    return state


def _lines(state: RunState) -> list[str]:
    return state.log.lines_between(0, state.log.lines)


@cache
def _reference(name: str) -> tuple[str, ...]:
    return tuple(_lines(_state(sorted(committed_events(name), key=lambda e: e.counter))))


def _path(node: Node) -> tuple[tuple[str, str, int], ...]:
    """A node by what it is, from the root down: comparable between two trees."""
    return tuple((n.kind, n.name, n.counter) for n in reversed([node, *node.ancestors()]))


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blocks of 3 events and 200 bytes: every run splits blocks again and again."""
    monkeypatch.setattr(log_module, "BLOCK_EVENTS", 3)
    monkeypatch.setattr(log_module, "BLOCK_BYTES", 200)
    yield


# --------------------------------------------------------------------- what runner printed


@pytest.mark.parametrize("name", committed_names())
def test_the_log_is_what_runner_wrote_to_stdout(name: str) -> None:
    printed = (committed_run(name) / "stdout").read_text()
    lines = sanitize_ansi(printed).split("\n")
    assert lines[-1] == ""  # runner ends the file with a newline
    assert list(_reference(name)) == carry_sgr(lines[:-1])


def test_events_without_stdout_add_no_lines() -> None:
    events = committed_events("seed_free")
    state = _state(events)
    printing = [e for e in events if e.stdout]
    assert 0 < len(printing) < len(events)
    assert state.log.events == len(printing)
    assert state.log.lines == sum(e.stdout.count("\n") + 1 for e in printing)


# ------------------------------------------------------------------------ arrival order


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_arrival_order_with_repeats_gives_the_same_lines(
    name: str, data: st.DataObject
) -> None:
    mixed = data.draw(arrival_orders(committed_events(name)), label="arrivals")
    assert _lines(_state(mixed)) == list(_reference(name))


@pytest.mark.parametrize("name", committed_names())
def test_small_blocks_split_and_still_give_the_same_lines(name: str, small_blocks: None) -> None:
    events = list(committed_events(name))
    for seed in range(5):
        random.Random(seed).shuffle(events)
        state = _state(events)
        log = state.log
        assert len(log.blocks) > 1 or log.events <= 3
        assert _lines(state) == list(_reference(name))
        # line by line and by ranges, the same text
        assert [log.line(i) for i in range(log.lines)] == list(_reference(name))
        middle = log.lines // 3
        assert log.lines_between(middle, middle + 7) == list(_reference(name))[middle : middle + 7]


@pytest.mark.parametrize("name", committed_names())
def test_each_line_leads_back_to_its_event_and_each_event_to_its_line(
    name: str, small_blocks: None
) -> None:
    events = list(committed_events(name))
    random.Random(1).shuffle(events)
    log = _state(events).log
    by_key = {e.key: e for e in events}
    seen: set[tuple[int, str]] = set()
    for number in range(log.lines):
        entry = log.entry(number)
        key = (entry.counter, entry.uuid)
        first = log.position(entry.counter, entry.uuid)
        assert first is not None and first + entry.line == number
        lines = sanitize_ansi(by_key[key].stdout).split("\n")
        assert SGR.sub("", log.line(number)) == SGR.sub("", lines[entry.line])
        if key not in seen:
            seen.add(key)
            assert entry.line == 0
            assert log.first_line_from(entry.counter) <= number  # type: ignore[operator]
    assert seen == {e.key for e in events if e.stdout}
    last = max(e.counter for e in events)
    assert log.first_line_from(last + 1) is None
    assert log.position(last + 1, "nothing") is None


# ---------------------------------------------------------------------- which node


def _holders(state: RunState) -> list[tuple[tuple[str, str, int], ...]]:
    return [_path(state.node_at_line(n)) for n in range(state.log.lines)]


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_each_line_names_the_node_holding_its_event_in_any_order(
    name: str, data: st.DataObject
) -> None:
    events = list(committed_events(name))
    shuffled = data.draw(st.permutations(events), label="order")
    state = _state(shuffled)
    reference = _state(sorted(events, key=lambda e: e.counter))
    assert _holders(state) == _holders(reference)
    for number in range(state.log.lines):
        entry = state.log.entry(number)
        # the owner kept since the event came, checked, is what a fresh look finds
        assert state.node_at_line(number) is state.holder(entry.counter, entry.uuid)


def test_a_late_start_that_splits_a_host_run_moves_its_lines_to_the_new_run() -> None:
    # Results first, then the starts: the tree first files every result under one host
    # run per task and host, then splits it as the starts come in.
    events = list(committed_events("features"))
    starts = [e for e in events if e.event == "runner_on_start"]
    rest = [e for e in events if e.event != "runner_on_start"]
    state = _state(rest)
    before = {n: state.node_at_line(n) for n in range(state.log.lines)}
    for event in starts:
        state.add(event, Changes())
    after = [_path(state.node_at_line(n)) for n in range(state.log.lines)]
    assert after == _holders(_state(sorted(events, key=lambda e: e.counter)))
    assert any(before[n] is not state.node_at_line(n) for n in before)  # something moved


def test_the_recap_belongs_to_the_playbook_and_a_host_result_to_its_run() -> None:
    state = _state(committed_events("seed_linear"))
    lines = _lines(state)
    recap = next(i for i, line in enumerate(lines) if "PLAY RECAP" in line)
    assert state.node_at_line(recap) is state.tree.root
    ok = next(i for i, line in enumerate(lines) if "ok: [pg1]" in SGR.sub("", line))
    node = state.node_at_line(ok)
    assert node.kind == "host" and node.name == "pg1"


@pytest.mark.parametrize("name", committed_names())
def test_a_play_or_task_opens_the_log_at_its_banner(name: str) -> None:
    state = _state(committed_events(name))
    plain = [SGR.sub("", line) for line in _lines(state)]
    checked = 0
    for node in state.tree.nodes():
        if node.kind not in ("play", "task") or node.placeholder:
            continue
        banners = [t for t in plain if t.endswith("*") and f"{node.name}]" in t]
        line = state.first_line(node)
        if not banners:
            continue
        assert line is not None
        assert plain[line] in banners, (node, plain[line])
        checked += 1
    assert checked or not any(t.startswith("PLAY [") for t in plain)


@pytest.mark.parametrize("name", committed_names())
def test_a_host_or_step_opens_the_log_at_its_own_line(name: str) -> None:
    state = _state(committed_events(name))
    for node in state.tree.nodes():
        if node.is_structural:
            continue
        line = state.first_line(node)
        # its lines, and those of its items, retries and async steps
        own = [n for n in range(state.log.lines) if _below(state.node_at_line(n), node)]
        if own:
            assert line is not None and _below(state.node_at_line(line), node)
            assert line <= min(own) + 1  # its first line, or the one after a blank one


def _below(node: Node, ancestor: Node) -> bool:
    return node is ancestor or ancestor in node.ancestors()


# -------------------------------------------------------------------------- hostile


def test_hostile_output_is_safe_and_cr_overwrites(tmp_path_factory: pytest.TempPathFactory) -> None:
    hostile = build_hostile_run(tmp_path_factory.mktemp("hostile"), big_event_mb=1)
    reader = EventReader(open_run(hostile.ident_dir), retry_for=0.0)
    state = _state(reader.read().events)
    lines = _lines(state)
    assert any(MARKUP_HOST in line for line in lines)  # data, shown as written
    for line in lines:
        rest = SGR.sub("", line)
        assert "\x1b" not in rest and not FORBIDDEN.search(rest), repr(line)
    joined = "\n".join(SGR.sub("", line) for line in lines)
    assert "progress 100%red stays red" in joined and "progress 10%" not in joined
    assert ESCAPES  # the corpus really carries escapes


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "é", "\n", "\r", "\r\n", "\x1b", "[", "31m", "0m", "\x07", "]"]),
        min_size=1,
        max_size=40,
    ).map("".join)
)
def test_an_event_read_line_by_line_is_the_whole_sanitized(text: str) -> None:
    log: RunLog[None] = RunLog()
    assert log.add(1, "u", text)
    lines = log.lines_between(0, log.lines)
    whole = sanitize_ansi(text.replace("\r\n", "\n")).split("\n")
    assert lines == carry_sgr(whole)
    assert [SGR.sub("", line) for line in lines] == strip_ansi(text).split("\n")


def test_counters_beyond_64_bits_are_kept_in_order() -> None:
    log: RunLog[None] = RunLog()
    assert log.add(10**30, "big", "last")
    assert log.add(-(10**30), "small", "first")
    assert log.add(5, "mid", "middle")
    assert log.lines_between(0, 3) == ["first", "middle", "last"]
    assert log.position(10**30, "big") == 2
    assert not log.add(5, "mid", "again")  # the same event twice: nothing changes
    assert log.lines == 3
