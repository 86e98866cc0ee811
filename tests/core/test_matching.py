"""The pairing rules of `diff`: renamed, moved and duplicated tasks, on keys and on real runs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jobevents.core.loading import load_path
from jobevents.core.matching import pair_by_key
from jobevents.core.outline import normal_action, outline

from ..fixtures.paths import committed_run


def test_same_lists_pair_in_place() -> None:
    pairing = pair_by_key("abc", "abc")
    assert pairing.pairs == [(0, 0), (1, 1), (2, 2)]
    assert not (pairing.moved or pairing.added or pairing.removed)


def test_a_renamed_item_is_removed_and_added() -> None:
    pairing = pair_by_key(["prepare", "old name", "deploy"], ["prepare", "new name", "deploy"])
    assert pairing.pairs == [(0, 0), (2, 2)]
    assert (pairing.removed, pairing.added, pairing.moved) == ([1], [1], frozenset())


def test_a_moved_item_pairs_and_is_reported_moved() -> None:
    pairing = pair_by_key(["a", "b", "c", "d", "moved"], ["moved", "a", "b", "c", "d"])
    assert pairing.b_to_a() == {0: 4, 1: 0, 2: 1, 3: 2, 4: 3}
    assert pairing.moved == {0}
    assert not (pairing.added or pairing.removed)


def test_duplicates_pair_by_their_place_among_the_others() -> None:
    """Removing the first of two `restart` pairs the one left with the second."""
    pairing = pair_by_key(["restart", "deploy", "restart"], ["deploy", "restart"])
    assert pairing.b_to_a() == {0: 1, 1: 2}
    assert pairing.removed == [0]
    pairing = pair_by_key(["restart", "deploy", "restart"], ["restart", "deploy"])
    assert pairing.b_to_a() == {0: 0, 1: 1}
    assert pairing.removed == [2]


def test_leftover_duplicates_pair_in_order_of_appearance() -> None:
    pairing = pair_by_key(["x", "r", "y", "r"], ["r", "r", "x", "y"])
    assert sorted(pairing.pairs) == [(0, 2), (1, 0), (2, 3), (3, 1)]
    assert not (pairing.added or pairing.removed)


@given(
    st.lists(st.sampled_from("abcde"), max_size=12),
    st.lists(st.sampled_from("abcdef"), max_size=12),
)
def test_every_item_is_paired_once_or_reported(a: list[str], b: list[str]) -> None:
    pairing = pair_by_key(a, b)
    a_side = [i for i, _ in pairing.pairs]
    b_side = [j for _, j in pairing.pairs]
    assert sorted(a_side + pairing.removed) == list(range(len(a)))
    assert sorted(b_side + pairing.added) == list(range(len(b)))
    assert b_side == sorted(b_side)
    assert all(a[i] == b[j] for i, j in pairing.pairs)
    assert pairing.moved <= set(b_side)
    # nothing left unpaired that could have paired
    assert not {a[i] for i in pairing.removed} & {b[j] for j in pairing.added}
    # items in the same order on both sides are never reported moved
    kept = [i for i, j in pairing.pairs if j not in pairing.moved]
    assert kept == sorted(kept)


def test_builtin_modules_match_written_short_or_in_full() -> None:
    assert normal_action("ansible.builtin.command") == normal_action("command") == "command"
    assert normal_action("ansible.legacy.shell") == "shell"
    assert normal_action("community.general.ufw") == "community.general.ufw"


def test_the_edited_playbook_pairs_as_edited() -> None:
    """drift_b.yml: "moved" moved to the top, "rename me" renamed, a task removed and one
    added, two tasks both named "restart service"."""
    a = outline(load_path(committed_run("drift_a")).tree)
    b = outline(load_path(committed_run("drift_b")).tree)
    assert [p.name for p in a.plays] == [p.name for p in b.plays] == ["deploy", "verify"]
    a_tasks = [t.name for t in a.plays[0].tasks]
    b_tasks = [t.name for t in b.plays[0].tasks]
    assert a_tasks.count("restart service") == b_tasks.count("restart service") == 2
    pairing = pair_by_key([t.key for t in a.plays[0].tasks], [t.key for t in b.plays[0].tasks])
    paired = {b_tasks[j]: a_tasks[i] for i, j in pairing.pairs}
    assert all(name == paired[name] for name in paired)
    assert [b_tasks[j] for j in pairing.added] == ["renamed", "migrate"]
    assert [a_tasks[i] for i in pairing.removed] == ["old cleanup", "rename me"]
    assert [b_tasks[j] for j in sorted(pairing.moved)] == ["moved"]
    restarts_a = [i for i, name in enumerate(a_tasks) if name == "restart service"]
    restarts_b = [j for j, name in enumerate(b_tasks) if name == "restart service"]
    assert [pairing.b_to_a()[j] for j in restarts_b] == restarts_a
