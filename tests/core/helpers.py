"""What the core tests share: a committed run's events, and the arrival orders hypothesis
draws from them (runner's files can be read in any order, and read again)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from hypothesis import strategies as st

from jobevents.core import Event
from jobevents.core.folder import EventReader, open_run

from ..fixtures.paths import committed_run


@cache
def committed_events(name: str) -> tuple[Event, ...]:
    """The events of the committed run `name`, in the order its folder lists them (read once)."""
    return tuple(EventReader(open_run(committed_run(name))).read().events)


@st.composite
def arrival_orders(draw: st.DrawFn, events: Sequence[Event], max_repeats: int = 10) -> list[Event]:
    """`events` in any order, with up to `max_repeats` of them arriving a second time
    anywhere in it: what a result that depends on arrival order must not notice."""
    shuffled = draw(st.permutations(events))
    repeats = draw(st.lists(st.sampled_from(events), max_size=max_repeats))
    at = draw(st.lists(st.integers(0, len(events)), min_size=len(repeats), max_size=len(repeats)))
    mixed = list(shuffled)
    for position, event in zip(at, repeats, strict=True):
        mixed.insert(position, event)
    return mixed
