"""Searching the log: the lines a user would find by eye, kept right while lines arrive."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jobevents.core.log as log_module
from jobevents.core import Event
from jobevents.core.ansi import strip_ansi
from jobevents.core.log import RunLog
from jobevents.core.log_search import LogSearch
from jobevents.core.nodes import Changes
from jobevents.core.state import RunState

from ..fixtures.paths import committed_names
from .helpers import committed_events


def _log(events: Sequence[Event]) -> RunLog[object]:
    state = RunState()
    changes = Changes()
    for event in events:
        state.add(event, changes)
    return state.log  # type: ignore[return-value]


def _by_eye(log: RunLog[object], needle: str) -> list[int]:
    """The lines whose plain text contains `needle`, ignoring case (ASCII needles)."""
    wanted = needle.lower()
    return [n for n in range(log.lines) if wanted in strip_ansi(log.line(n)).lower()]


def _hits(search: LogSearch) -> list[int]:
    found = []
    line = -1
    while True:
        following = search.next_match(line)
        if following is None or following <= line:
            return found
        found.append(following)
        line = following


@pytest.mark.parametrize("name", committed_names())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_search_finds_the_lines_with_the_text_in_any_case(
    name: str, data: st.DataObject
) -> None:
    log = _log(committed_events(name))
    plain = [strip_ansi(log.line(n)) for n in range(log.lines)]
    text = data.draw(st.sampled_from([line for line in plain if line.strip()]), label="line")
    start = data.draw(st.integers(0, max(len(text) - 1, 0)))
    needle = text[start : start + data.draw(st.integers(1, 12))].strip() or "ok"
    needle = "".join(c.upper() if data.draw(st.booleans()) else c for c in needle)
    search = LogSearch(log, needle)
    search.update()
    assert search.done
    expected = _by_eye(log, needle)
    assert _hits(search) == expected
    assert search.total == len(expected)
    for rank, line in enumerate(expected, 1):
        assert search.is_match(line) and search.rank(line) == rank
    assert all(not search.is_match(n) for n in range(log.lines) if n not in set(expected))


def test_next_and_previous_wrap_around() -> None:
    log = _log(committed_events("seed_linear"))
    search = LogSearch(log, "TASK [")
    search.update()
    hits = _hits(search)
    assert len(hits) == 5
    assert search.next_match(hits[-1]) == hits[0]
    assert search.next_match(hits[0], backwards=True) == hits[-1]
    assert search.next_match(hits[2], backwards=True) == hits[1]
    assert search.next_match(log.lines, backwards=True) == hits[-1]
    none = LogSearch(log, "no such text")
    none.update()
    assert none.total == 0 and none.next_match(0) is None


@pytest.mark.parametrize("name", ["seed_free", "features"])
def test_a_live_search_keeps_up_with_lines_arriving_in_any_order(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_module, "BLOCK_EVENTS", 4)  # many blocks, splits as lines come
    events = list(committed_events(name))
    random.Random(5).shuffle(events)
    state = RunState()
    search = LogSearch(state.log, "ok: [")
    totals = []
    for start in range(0, len(events), 9):
        for event in events[start : start + 9]:
            state.add(event, Changes())
        search.update()
        assert _hits(search) == _by_eye(state.log, "ok: [")  # type: ignore[arg-type]
        totals.append(search.total)
    assert totals == sorted(totals) and totals[-1] > totals[0]


def test_a_search_spread_over_frames_ends_where_one_pass_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log_module, "BLOCK_EVENTS", 2)
    log = _log(committed_events("features"))
    sliced = LogSearch(log, "changed")
    passes = 0
    while not sliced.done:
        sliced.update(budget=0.0)  # one block a call
        passes += 1
        assert sliced.total <= len(_by_eye(log, "changed"))
    assert passes > 10
    assert _hits(sliced) == _by_eye(log, "changed")
