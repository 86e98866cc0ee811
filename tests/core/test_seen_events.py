"""`SeenEvents` answers as a set of (counter, uuid) would, whatever the counters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobevents.core.seen_events import SeenEvents

keys = st.tuples(
    st.one_of(st.integers(0, 50), st.integers(-5, 10**12)), st.sampled_from(["a", "b", ""])
)


@given(st.lists(keys, max_size=200))
def test_answers_as_a_set_of_keys(events: list[tuple[int, str]]) -> None:
    seen = SeenEvents()
    expected: set[tuple[int, str]] = set()
    for counter, uuid in events:
        assert seen.add(counter, uuid) == ((counter, uuid) not in expected)
        expected.add((counter, uuid))
        assert len(seen) == len(expected)
    for key in events:
        assert key in seen
    for counter in (-1, 0, 7, 51, 10**12 + 1):
        for uuid in ("a", "b", "", "c"):
            assert ((counter, uuid) in seen) == ((counter, uuid) in expected)


def test_a_far_counter_does_not_grow_the_list() -> None:
    seen = SeenEvents()
    assert seen.add(10**12, "x")
    assert seen.add(1, "y")
    assert (10**12, "x") in seen and (1, "y") in seen
    assert len(seen._uuids) == 2
