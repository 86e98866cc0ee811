"""Included tasks: which execution of an include each copy of an included task belongs to.

What Ansible sends (ansible-core 2.19 through ansible-runner, seen on the `includes`
fixture run):
- An included task's events carry the included file's `task_path` (`<file>:<line>`),
  its name and, from `include_role`, its `role`; `parent_uuid` of its task start is the
  play, not the include.
- Under `linear`, every host that ran an include together (same file, same loop item)
  shares one copy of the included tasks: one uuid each.
- Under `free`, hosts that reach an include in the same pass share a copy (its task
  start repeats as `<uuid>_2`, parent the first start); every other host gets a copy
  with fresh uuids. Under `serial` (seen by hand, serial [1, 2]), each batch gets its
  own copy, its task starts parented to that batch's `<play uuid>_N`.
- `playbook_on_include` names the included file (`included_file`: an absolute path, or
  the role's name for `include_role`) and its play rightly; its task fields (and its
  `parent_uuid`) are of the task the callback saw start last, which under `free` may be
  another host's task, even another include.
- A host's own runs, ordered by counter, follow the order it ran them in.

So a copy is *included* when its `task_path` is in a file (or its role is one) that a
`playbook_on_include` of its play named; every other task is *static*, one node per
uuid as before. An included copy's execution is read from one host's own runs, its
representative (its run of lowest counter): the last static run before it (the include
itself, for the outermost level), which run of that static task it was, the copy's
`task_path`, and how many runs of that path the host made since. Copies of the same
execution (every host's, whatever their uuids) fold into one task node. Limits: a host
that runs only some iterations of a looped include, or only some of a nested include's
executions, is counted by the iterations it ran. A `playbook_on_include` is still shown
under the task it names, which under `free` may be another host's task.

Once a play has an include, every run of it is kept in sorted lists per host, so an
event arriving late changes the key of only the copies whose representative sits after
it, up to the host's next static run; in arrival order nothing is recomputed. A play
without includes keeps no lists at all.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping

from .copies import FoldKey, TaskCopy
from .host_runs import HostRuns
from .nodes import Node

_Entries = list[tuple[int, Node]]


class IncludeIndex:
    """The runs of each host in each play, static and included, in counter order."""

    def __init__(self, copies: Mapping[str, TaskCopy], runs: HostRuns) -> None:
        self._copies = copies
        self._runs = runs
        #: play -> files and role names its includes brought in; a play is in it (and
        #: its runs are kept in the lists below) once it has a first include
        self._included: dict[str, set[str]] = {}
        #: play -> its task copies, for that first include
        self._play_copies: dict[str, list[TaskCopy]] = {}
        #: (play, file or role) -> copies in it not known to be included (yet)
        self._candidates: dict[tuple[str, str], list[TaskCopy]] = {}
        #: (play, host) -> its runs of static tasks
        self._static: dict[tuple[str, str], _Entries] = {}
        #: (play, host) -> its runs of included tasks
        self._copied: dict[tuple[str, str], _Entries] = {}
        #: (play, host, task_path) -> its runs of included tasks at that path
        self._paths: dict[tuple[str, str, str], _Entries] = {}
        #: some play has an include: until then a host run needs no look here
        self.active = False

    # ------------------------------------------------------------ what is included

    def add_included(self, play: str, name: str) -> set[TaskCopy]:
        """A `playbook_on_include` of `play` brought in `name`; returns copies to refold."""
        names = self._included.get(play)
        first = names is None
        if names is None:
            names = self._included[play] = set()
            self.active = True
        if name in names:
            return set()
        names.add(name)
        dirty: set[TaskCopy] = set()
        for copy in self._candidates.pop((play, name), ()):
            if not copy.included:
                dirty |= self._reclassify(copy, index=not first)
        if first:
            # A play's first include: from now on its hosts' runs are kept in order. Plays
            # without includes (most) never pay for that.
            for copy in self._play_copies.get(play, ()):
                dirty |= self._index_copy(copy)
        return dirty

    def note_copy(self, copy: TaskCopy, was_play: str | None) -> set[TaskCopy]:
        """`copy` learnt its play, path or role; returns copies to refold."""
        play = copy.play
        if play is None:
            return set()
        active = play in self._included
        dirty: set[TaskCopy] = set()
        if was_play is None:
            self._play_copies.setdefault(play, []).append(copy)
            if active:
                dirty |= self._index_copy(copy)
        if copy.included:
            return dirty
        names = self._included.get(play, ())
        for name in _names(copy):
            if name in names:
                return dirty | self._reclassify(copy, index=active)
            self._candidates.setdefault((play, name), []).append(copy)
        return dirty

    def _reclassify(self, copy: TaskCopy, *, index: bool) -> set[TaskCopy]:
        """`copy` turns out to be included: its runs move from static to included."""
        if not index:
            copy.included = True
            return set()
        runs = list(self._copy_runs(copy)) if copy.play is not None else []
        dirty: set[TaskCopy] = set()
        for run in runs:
            dirty |= self._unindex(run, copy, run.counter)
        copy.included = True
        for run in runs:
            dirty |= self._index(run, copy, run.counter)
        dirty.add(copy)
        return dirty

    def _index_copy(self, copy: TaskCopy) -> set[TaskCopy]:
        """Keep the runs `copy` has so far in their hosts' lists."""
        runs = list(self._copy_runs(copy))
        dirty: set[TaskCopy] = set()
        for run in runs:
            dirty |= self._index(run, copy, run.counter)
        copy.rep = min(runs, key=_counter, default=None)
        dirty.add(copy)
        return dirty

    def _kept(self, copy: TaskCopy | None) -> bool:
        return copy is not None and copy.play is not None and copy.play in self._included

    # ------------------------------------------------------------ host runs

    def add_run(self, run: Node) -> set[TaskCopy]:
        """A new host run; returns copies to refold."""
        copy = self._copies.get(run.owner or "")
        if copy is None or not self._kept(copy):
            return set()
        dirty = self._index(run, copy, run.counter)
        if copy.rep is None or run.counter < copy.rep.counter:
            copy.rep = run
            dirty.add(copy)
        return dirty

    def move_run(self, run: Node, counter: int) -> set[TaskCopy]:
        """`run`'s counter goes down to `counter` (call before it changes)."""
        copy = self._copies.get(run.owner or "")
        if copy is None or not self._kept(copy):
            return set()
        dirty = self._unindex(run, copy, run.counter)
        dirty |= self._index(run, copy, counter)
        if copy.rep is None or counter < copy.rep.counter:
            copy.rep = run
            dirty.add(copy)
        return dirty

    def remove_run(self, run: Node) -> set[TaskCopy]:
        """`run` left the tree (call after it left its task's run list)."""
        copy = self._copies.get(run.owner or "")
        if copy is None or not self._kept(copy):
            return set()
        dirty = self._unindex(run, copy, run.counter)
        if copy.rep is run:
            copy.rep = min(self._copy_runs(copy), key=_counter, default=None)
            dirty.add(copy)
        return dirty

    def _copy_runs(self, copy: TaskCopy) -> Iterable[Node]:
        """Its host runs: they are in its node, and only they name it as their owner."""
        uuid = copy.uuid
        return [n for n in copy.node.children if n.kind == "host" and n.owner == uuid]

    def _index(self, run: Node, copy: TaskCopy, at: int) -> set[TaskCopy]:
        """Put `run` in its host's lists at counter `at`; returns copies to refold."""
        assert copy.play is not None and run.host is not None
        where = (copy.play, run.host)
        entry = (at, run)
        if copy.included:
            insort(self._copied.setdefault(where, []), entry, key=_first)
            same_path = self._paths.setdefault((*where, copy.path or ""), [])
            insort(same_path, entry, key=_first)
            return self._later(same_path, where, at)
        insort(self._static.setdefault(where, []), entry, key=_first)
        return self._after_static(where, copy, at)

    def _unindex(self, run: Node, copy: TaskCopy, at: int) -> set[TaskCopy]:
        """Take `run` (indexed at counter `at`) out of its host's lists."""
        assert copy.play is not None and run.host is not None
        where = (copy.play, run.host)
        if copy.included:
            _drop(self._copied[where], run, at)
            same_path = self._paths[(*where, copy.path or "")]
            _drop(same_path, run, at)
            return self._later(same_path, where, at)
        _drop(self._static[where], run, at)
        return self._after_static(where, copy, at)

    def _after_static(self, where: tuple[str, str], copy: TaskCopy, at: int) -> set[TaskCopy]:
        """A static run came or went at `at`: the included runs after it, up to the next
        static run, have another anchor; after the host's later runs of the same task,
        another run of it."""
        dirty = self._later(self._copied.get(where, []), where, at)
        for run in self._runs.get(copy.uuid, where[1]):
            if run.counter > at:
                dirty |= self._later(self._copied.get(where, []), where, run.counter)
        return dirty

    def _later(self, entries: _Entries, where: tuple[str, str], at: int) -> set[TaskCopy]:
        """Copies represented by a run in `entries` after `at`, before the next static run."""
        if not entries or entries[-1][0] <= at:
            return set()
        end = self._next_static(where, at)
        dirty: set[TaskCopy] = set()
        for counter, run in entries[bisect_right(entries, at, key=_first) :]:
            if counter >= end:
                break
            copy = self._copies.get(run.owner or "")
            if copy is not None and copy.rep is run:
                dirty.add(copy)
        return dirty

    def _next_static(self, where: tuple[str, str], at: int) -> float:
        static = self._static.get(where, [])
        i = bisect_right(static, at, key=_first)
        return static[i][0] if i < len(static) else float("inf")

    # ------------------------------------------------------------ fold keys

    def key(self, copy: TaskCopy) -> FoldKey | None:
        """The execution `copy` belongs to, read from its representative run's host."""
        rep = copy.rep
        if not copy.included or rep is None or copy.play is None or rep.host is None:
            return None
        where = (copy.play, rep.host)
        static = self._static.get(where, [])
        i = bisect_left(static, rep.counter, key=_first)
        anchor_uuid: str | None = None
        ordinal = 0
        since = -1
        if i:
            since, anchor = static[i - 1]
            anchor_uuid = anchor.owner
            ordinal = sum(
                1 for run in self._runs.get(anchor_uuid or "", rep.host) if run.counter <= since
            )
        path = copy.path or ""
        same_path = self._paths.get((*where, path), [])
        nth = bisect_right(same_path, rep.counter, key=_first) - bisect_right(
            same_path, since, key=_first
        )
        return (copy.play, anchor_uuid, ordinal, path, nth)


def _names(copy: TaskCopy) -> list[str]:
    """What an include would have named to bring `copy` in: its file, its role."""
    names = []
    if copy.path:
        names.append(copy.path.rsplit(":", 1)[0])
    if copy.role:
        names.append(copy.role)
    return names


def _drop(entries: _Entries, run: Node, at: int) -> None:
    i = bisect_left(entries, at, key=_first)
    while entries[i][1] is not run:
        i += 1
    del entries[i]


def _first(entry: tuple[int, Node]) -> int:
    return entry[0]


def _counter(run: Node) -> int:
    return run.counter
