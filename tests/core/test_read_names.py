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
