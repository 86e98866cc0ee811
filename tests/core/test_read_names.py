"""`ReadNames` answers as a set of file names would, event file names or not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobevents.core.read_names import ReadNames

names = st.one_of(
    st.builds(
        "{}-{}.json".format,
        st.sampled_from(["1", "01", "0", "00", "12", "012", "x"]),
        st.sampled_from(["a", "b", "a-b", ""]),
    ),
    st.sampled_from(["1-a.json.tmp", "1-a-partial.json", "status", "-a.json", "1a.json"]),
)


@given(st.lists(names, max_size=60), st.lists(names, max_size=20))
def test_answers_as_a_set_of_names(added: list[str], asked: list[str]) -> None:
    read = ReadNames()
    expected: set[str] = set()
    for name in added:
        read.add(name)
        expected.add(name)
    for name in added + asked:
        assert (name in read) == (name in expected), name
    read.clear()
    assert not any(name in read for name in added)


def test_keeps_the_uuid_it_is_given_for_an_event_file() -> None:
    read = ReadNames()
    uuid = "".join(["ab", "cd"])  # a string object of its own, as a decoded event's
    read.add("7-abcd.json", uuid)
    assert "7-abcd.json" in read and "07-abcd.json" not in read
    assert read._keys._uuids[7] is uuid


@given(
    st.lists(st.tuples(st.integers(1, 3000), st.sampled_from(["a", "b", "a-b"])), max_size=30),
    st.lists(names, max_size=20),
)
def test_a_key_noted_is_its_name_noted(keys: list[tuple[int, str]], asked: list[str]) -> None:
    """`add_key` (a name that spells its event's key, not parsed again) is `add` of it."""
    by_key, by_name = ReadNames(), ReadNames()
    for counter, uuid in keys:
        by_key.add_key(counter, uuid)
        by_name.add(f"{counter}-{uuid}.json")
    spelt = [f"{counter}-{uuid}.json" for counter, uuid in keys]
    for name in spelt + asked + ["01-a.json"]:
        assert (name in by_key) == (name in by_name), name
    assert len(by_key) == len(by_name)
