"""Overlapping pauses of the garbage collector (`core/gc_pause.py`): the app's start and a
feed's bulk load each pause it, and it runs again only when the last has ended."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from jobevents.core import gc_pause
from jobevents.core.loading import bulk_load


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    assert gc_pause.pauses() == 0
    if not was:
        gc.disable()


def test_the_collector_runs_again_only_when_the_last_pause_ends() -> None:
    start = gc_pause.pause()
    with bulk_load():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the start's pause outlasts the load's
    start(True)
    assert gc.isenabled()


def test_a_load_ending_first_or_last_leaves_the_collector_as_it_found_it() -> None:
    with bulk_load():
        start = gc_pause.pause()
    assert not gc.isenabled()
    start(False)
    assert gc.isenabled()


def test_resuming_twice_ends_one_pause() -> None:
    first, second = gc_pause.pause(), gc_pause.pause()
    first(True)
    first(True)
    assert not gc.isenabled()
    second(True)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    resume = gc_pause.pause()
    resume(True)
    assert not gc.isenabled()
    gc.enable()


def test_what_a_pause_built_is_frozen_out_of_collections() -> None:
    gc.unfreeze()
    resume = gc_pause.pause()
    built = [[i] for i in range(100)]
    resume(True)
    assert gc.get_freeze_count() >= len(built)
    gc.unfreeze()
