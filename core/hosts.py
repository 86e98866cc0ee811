"""Runs by host: each host's task runs grouped by play, its worst status, counts and time.

What the Hosts view shows, kept beside the tree. The runs are the tree's own host nodes;
only where each one is filed (host, play) and what it adds to its host's figures is kept
here. `HostIndex.apply` takes the `Changes` of one or more events and re-files just the
runs they name, as they are now, so it costs the same per event at any size of run, and
any arrival order of the same events ends in the same index.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from typing import Final

from .nodes import Changes, Node
from .status import FAILED, PROBLEMS, ROLLUP_ORDER, STATUSES, UNREACHABLE, rollup_bucket
from .tree import EventTree

#: recap field -> the status it counts, for a host known only from the recap
_RECAP_STATUS: Final = (
    ("failures", FAILED),
    ("dark", UNREACHABLE),
    ("changed", "changed"),
    ("ok", "ok"),
    ("skipped", "skipped"),
)

#: problems-first order: failed hosts, then unreachable ones, then the rest
_PROBLEM_RANK: Final = {FAILED: 0, UNREACHABLE: 1}
_OTHER_RANK: Final = 2

_DIGITS = re.compile(r"(\d+)")

NameKey = tuple[tuple[str | int, ...], str]
#: (rank, name): rank 0 failed, 1 unreachable, 2 the rest; always 0 in the by-name order
OrderKey = tuple[int, NameKey]
RunKey = tuple[int, str]
PlayKey = tuple[int, str, str]


def natural_key(name: str) -> NameKey:
    """Sort key of a host name with its digits as numbers: `web2` before `web10`.

    Case is ignored; the name itself breaks ties (`web01` and `web1`), so the order is total.
    """
    parts: list[str | int] = []
    for i, part in enumerate(_DIGITS.split(name.casefold())):
        parts.append(int(part) if i % 2 else part)
    return tuple(parts), name


def run_key(run: Node) -> RunKey:
    """Runs of one host and play in the order they ran (counters are unique per run)."""
    return run.counter, run.uuid or ""


def _play_key(play: Node | None) -> PlayKey:
    if play is None:
        return -1, "", ""
    return play.counter, play.name, play.uuid or ""


def play_of(node: Node) -> Node | None:
    """The play a host run (or anything) sits under, None when it is under none yet."""
    parent = node.parent
    while parent is not None and parent.kind != "play":
        parent = parent.parent
    return parent


#: the recap as ansible prints it: (its name there, the field of playbook_on_stats)
RECAP_NAMES: Final = (
    ("ok", "ok"),
    ("changed", "changed"),
    ("unreachable", "dark"),
    ("failed", "failures"),
    ("skipped", "skipped"),
    ("rescued", "rescued"),
    ("ignored", "ignored"),
)


def recap_items(recap: dict[str, int], *, zeros: bool = True) -> list[tuple[str, int]]:
    """A host's recap line as ansible prints it: `ok=5 changed=2 unreachable=0 ...`."""
    out = []
    for name, field in RECAP_NAMES:
        n = recap.get(field, 0)
        if n or zeros:
            out.append((name, n))
    return out


def _worst(counts: dict[str, int]) -> str | None:
    buckets: dict[str, int] = {}
    for status, n in counts.items():
        if n:
            bucket = rollup_bucket(status)
            buckets[bucket] = buckets.get(bucket, 0) + n
    for status in ROLLUP_ORDER:
        if buckets.get(status):
            return status
    return None


#: each known status's roll-up bucket, looked up rather than computed
_BUCKET: Final[dict[str, str]] = {status: rollup_bucket(status) for status in STATUSES}


def _add(counts: dict[str, int], status: str, n: int) -> None:
    left = counts.get(status, 0) + n
    if left:
        counts[status] = left
    else:
        del counts[status]


class HostPlay:
    """One host's task runs in one play (or in none: ad hoc runs), in the order they ran."""

    __slots__ = ("counters", "counts", "host", "key", "play", "runs", "spent_us", "uuids")

    def __init__(self, host: HostEntry, play: Node | None) -> None:
        self.host = host
        self.play = play
        #: the play's order among the host's plays, as last filed
        self.key = _play_key(play)
        #: the tree's host runs, by `run_key`; `counters` and `uuids` hold each one's key
        #: as filed (two lists of what the runs hold: no key tuple a run)
        self.runs: list[Node] = []
        self.counters: list[int] = []
        self.uuids: list[str] = []
        #: its runs by their exact status (`ignored` apart from `ok`)
        self.counts: dict[str, int] = {}
        self.spent_us = 0

    def __repr__(self) -> str:
        return f"<HostPlay {self.host.name!r} {self.name!r} {len(self.runs)} runs>"

    @property
    def name(self) -> str:
        return self.play.name if self.play is not None else ""

    @property
    def status(self) -> str:
        return _worst(self.counts) or "running"

    @property
    def spent(self) -> float:
        """Seconds its finished runs took, added up."""
        return self.spent_us / 1_000_000

    def index_of(self, run: Node) -> int:
        """Where `run` stands in `runs` (or would, were it filed here)."""
        at = _position(self, run.counter, run.uuid or "")
        if at < len(self.runs) and self.runs[at] is run:
            return at
        for i, each in enumerate(self.runs):
            if each is run:
                return i
        return at


class HostEntry:
    """One host: its runs by play, its figures, and its recap line once the run ended."""

    __slots__ = (
        "_buckets",
        "_name_key",
        "_order_key",
        "_status",
        "counts",
        "name",
        "plays",
        "recap",
        "spent_us",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        #: its plays in the order they ran
        self.plays: list[HostPlay] = []
        #: its task runs by their exact status
        self.counts: dict[str, int] = {}
        #: the same by roll-up bucket (`ignored`, `rescued` as `ok`): its status is the worst
        self._buckets: dict[str, int] = {}
        self._status = "running"
        self.spent_us = 0
        #: `{ok, changed, failures, dark, skipped, rescued, ignored}` from playbook_on_stats
        self.recap: dict[str, int] | None = None
        self._name_key = natural_key(name)
        #: its place in the problems-first order, as last sorted
        self._order_key: OrderKey = (_OTHER_RANK, self._name_key)

    def __repr__(self) -> str:
        return f"<HostEntry {self.name!r} {self.status} {self.runs} runs>"

    @property
    def status(self) -> str:
        """The worst status of its runs (unreachable apart from failed); from the recap
        for a host that has no runs."""
        return self._status

    def _worst_now(self) -> str:
        buckets = self._buckets
        for status in ROLLUP_ORDER:
            if status in buckets:
                return status
        if buckets:
            return "running"  # statuses this version does not know
        if self.recap is not None:
            for field, recap_status in _RECAP_STATUS:
                if self.recap.get(field):
                    return recap_status
            return "ok"
        return "running"

    @property
    def runs(self) -> int:
        return sum(self.counts.values())

    @property
    def spent(self) -> float:
        """Seconds its finished task runs took, added up."""
        return self.spent_us / 1_000_000

    def order_key(self, *, by_name: bool = False) -> OrderKey:
        """Where the host goes: problems first (failed, unreachable), or by natural name."""
        if by_name:
            return 0, self._name_key
        return _PROBLEM_RANK.get(self.status, _OTHER_RANK), self._name_key

    def all_runs(self) -> Iterator[Node]:
        """Its task runs, play by play, in the order they ran."""
        for group in self.plays:
            yield from group.runs

    def problems(self) -> list[Node]:
        """Its failed and unreachable runs, in the order they ran."""
        return [run for run in self.all_runs() if run.status in PROBLEMS]


class _Filed:
    """Where a run is filed and what it added there, to take back exactly that."""

    __slots__ = ("counter", "group", "spent_us", "status", "uuid")

    def __init__(
        self, group: HostPlay, counter: int, uuid: str, status: str, spent_us: int
    ) -> None:
        self.group = group
        #: the run's key as filed: `run_key` then
        self.counter = counter
        self.uuid = uuid
        self.status = status
        self.spent_us = spent_us


class HostIndex:
    """Every host of a run, with its runs by play; kept in step by `apply`.

    Not thread-safe, like the tree it follows: one writer, readers under the same lock.
    """

    def __init__(self, tree: EventTree) -> None:
        self.tree = tree
        #: host name -> its entry
        self.hosts: dict[str, HostEntry] = {}
        #: hosts by their worst status (for "13 hosts: 2 failed")
        self.states: dict[str, int] = {}
        self._filed: dict[int, _Filed] = {}
        #: the hosts in each order, each with the key it was sorted by
        self._by_name: list[HostEntry] = []
        self._by_problems: list[HostEntry] = []
        #: play node id -> the hosts' groups of that play
        self._play_groups: dict[int, list[HostPlay]] = {}

    def __len__(self) -> int:
        return len(self.hosts)

    def get(self, name: str) -> HostEntry | None:
        return self.hosts.get(name)

    def ordered(self, *, by_name: bool = False) -> list[HostEntry]:
        """The hosts, problems first (or by name only). The list is live: do not change it."""
        return self._by_name if by_name else self._by_problems

    def position(self, entry: HostEntry, *, by_name: bool = False) -> int:
        """Where `entry` stands in `ordered(by_name=...)`."""
        if by_name:
            return bisect_left(self._by_name, entry._name_key, key=_by_name_key)
        return bisect_left(self._by_problems, entry._order_key, key=_by_problems_key)

    def group_of(self, run: Node) -> HostPlay | None:
        """The host-and-play group a host run is filed in."""
        filed = self._filed.get(run.id)
        return filed.group if filed is not None else None

    def groups_of_play(self, play: Node) -> list[HostPlay]:
        """Every host's group of `play`."""
        return self._play_groups.get(play.id, [])

    # ----------------------------------------------------------------- updates

    def apply(self, changes: Changes) -> None:
        """File what some events did to the tree (call it with their changes only, once).

        Each run named is filed as it is now, so it does not matter how many events the
        changes gather: a run started and finished among them is filed once.
        """
        for node in changes.removed:
            if node.kind == "host":
                self._file(node)
        for node in changes.moved:
            kind = node.kind
            if kind == "host":
                self._file(node)
            elif kind == "play":
                self._reorder_play(node)
            elif kind == "task" and self._left_its_play(node):
                for below in node.walk():
                    if below.kind == "host":
                        self._file(below)
        for node in changes.added:
            if node.kind == "host":
                self._file(node)
        for node in changes.changed:
            if node.kind == "host":
                self._file(node)
        if changes.recap:
            self.file_recap()

    def file_runs(self, runs: Iterable[Node]) -> None:
        """File these runs as they are now: an index made after events (`RunState`
        makes it in steps), which is what `apply` would have filed event by event."""
        for run in runs:
            self._file(run)

    def _left_its_play(self, task: Node) -> bool:
        """Whether a task that moved took its runs to another play (or it cannot tell).

        A task moves far more often within its play (its counter changed) than out of
        it; its runs share its play, so one of them says whether all must be re-filed.
        """
        for child in task.children:
            if child.kind == "host":
                filed = self._filed.get(child.id)
                return filed is None or filed.group.play is not play_of(child)
        return True

    def _file(self, run: Node) -> None:
        """Put `run` where it belongs now, and its status and time where they count.

        Once or twice a run: the common case (the run is where it was filed, its status
        or time changed) is written out rather than called.
        """
        filed = self._filed.get(run.id)
        task = run.parent
        if task is None:  # removed from the tree (a split left it empty)
            if filed is not None:
                del self._filed[run.id]
                self._unfile(run, filed)
            return
        play = task.parent
        if task.kind != "task" or play is None or play.kind != "play":
            play = play_of(run)
        status = run.status
        spent = 0  # microseconds: integers, so sums are exact in any order
        if status != "running":
            elapsed = run.elapsed
            if elapsed is not None and elapsed > 0:
                spent = round(elapsed * 1_000_000)
        if filed is not None and filed.group.play is play:  # a run's host never changes
            group = filed.group
            if status != filed.status or spent != filed.spent_us:
                self._recount(group, filed.status, filed.spent_us, status, spent)
                filed.status, filed.spent_us = status, spent
            counter, uuid = run.counter, run.uuid or ""
            if counter != filed.counter or uuid != filed.uuid:
                _take(group, run, filed.counter, filed.uuid)
                filed.counter, filed.uuid = counter, uuid
                _put(group, run, counter, uuid)
            return
        # Filed anew before it leaves its old group, so its host is never dropped between.
        counter, uuid = run.counter, run.uuid or ""
        group = self._group(run.host or run.name, play)
        self._filed[run.id] = _Filed(group, counter, uuid, status, spent)
        _put(group, run, counter, uuid)
        self._recount(group, None, 0, status, spent)
        if filed is not None:
            self._unfile(run, filed)

    def _unfile(self, run: Node, filed: _Filed) -> None:
        """Take back what `run` added where it was filed; drop what is left empty."""
        group = filed.group
        _take(group, run, filed.counter, filed.uuid)
        self._recount(group, filed.status, filed.spent_us, None, 0)
        if group.runs:
            return
        entry = group.host
        entry.plays.remove(group)
        if group.play is not None:
            groups = self._play_groups[group.play.id]
            groups.remove(group)
            if not groups:
                del self._play_groups[group.play.id]
        if not entry.plays and entry.recap is None:
            self._drop_entry(entry)

    def _group(self, host: str, play: Node | None) -> HostPlay:
        entry = self.hosts.get(host)
        if entry is None:
            entry = self._new_entry(host)
        for group in entry.plays:
            if group.play is play:
                return group
        group = HostPlay(entry, play)
        insort(entry.plays, group, key=_group_key)
        if play is not None:
            self._play_groups.setdefault(play.id, []).append(group)
        return group

    def _reorder_play(self, play: Node) -> None:
        """A play's counter or name changed: its place among each host's plays may too."""
        key = _play_key(play)
        for group in self._play_groups.get(play.id, ()):
            if group.key != key:
                group.key = key
                group.host.plays.sort(key=_group_key)

    def _recount(
        self, group: HostPlay, old: str | None, old_spent: int, new: str | None, new_spent: int
    ) -> None:
        """A run's status and time went from `old` to `new` (None: it came or went).

        Once or twice an event: the dict work is written out rather than called.
        """
        entry = group.host
        buckets = entry._buckets
        restate = False
        if old is not None:
            counts = group.counts
            left = counts[old] - 1
            if left:
                counts[old] = left
            else:
                del counts[old]
            counts = entry.counts
            left = counts[old] - 1
            if left:
                counts[old] = left
            else:
                del counts[old]
            bucket = _BUCKET.get(old) or rollup_bucket(old)
            left = buckets[bucket] - 1
            if left:
                buckets[bucket] = left
            else:
                del buckets[bucket]
                restate = True  # a status went: the worst may have
        if new is not None:
            counts = group.counts
            counts[new] = counts.get(new, 0) + 1
            counts = entry.counts
            counts[new] = counts.get(new, 0) + 1
            bucket = _BUCKET.get(new) or rollup_bucket(new)
            had = buckets.get(bucket, 0)
            buckets[bucket] = had + 1
            restate = restate or not had
        if new_spent != old_spent:
            group.spent_us += new_spent - old_spent
            entry.spent_us += new_spent - old_spent
        if restate:
            self._restate(entry)

    def file_recap(self) -> None:
        """File the recap as it is now, on every host known."""
        recap = self.tree.recap or {}
        for name, line in recap.items():
            entry = self.hosts.get(name) or self._new_entry(name)
            entry.recap = dict(line)
            self._restate(entry)
        for entry in list(self.hosts.values()):
            if entry.name not in recap and entry.recap is not None:
                entry.recap = None
                if not entry.plays:
                    self._drop_entry(entry)
                else:
                    self._restate(entry)

    # ----------------------------------------------------------- host order

    def _new_entry(self, name: str) -> HostEntry:
        entry = HostEntry(name)
        self.hosts[name] = entry
        insort(self._by_name, entry, key=_by_name_key)
        insort(self._by_problems, entry, key=_by_problems_key)
        _add(self.states, entry.status, 1)
        return entry

    def _drop_entry(self, entry: HostEntry) -> None:
        del self.hosts[entry.name]
        del self._by_name[self.position(entry, by_name=True)]
        del self._by_problems[self.position(entry)]
        _add(self.states, entry.status, -1)

    def _restate(self, entry: HostEntry) -> None:
        """Its status may have changed: count it again, and move it if its rank did."""
        status = entry._worst_now()
        old = entry._status
        if old == status:
            return
        entry._status = status
        states = self.states
        left = states[old] - 1
        if left:
            states[old] = left
        else:
            del states[old]
        states[status] = states.get(status, 0) + 1
        rank = _PROBLEM_RANK.get(status, _OTHER_RANK)
        if rank != entry._order_key[0]:  # running <-> ok, most of the time: no move
            del self._by_problems[self.position(entry)]
            entry._order_key = (rank, entry._name_key)
            insort(self._by_problems, entry, key=_by_problems_key)

    # ---------------------------------------------------------------- export

    def to_dict(self) -> list[dict[str, object]]:
        """The index as plain data, in problems-first order (for tests and dumps)."""
        out: list[dict[str, object]] = []
        for entry in self._by_problems:
            out.append(
                {
                    "host": entry.name,
                    "status": entry.status,
                    "counts": dict(sorted(entry.counts.items())),
                    "spent_us": entry.spent_us,
                    "recap": entry.recap,
                    "plays": [
                        {
                            "play": group.play.uuid if group.play is not None else None,
                            "status": group.status,
                            "counts": dict(sorted(group.counts.items())),
                            "spent_us": group.spent_us,
                            "runs": [[run.counter, run.status] for run in group.runs],
                        }
                        for group in entry.plays
                    ],
                }
            )
        return out


def _position(group: HostPlay, counter: int, uuid: str) -> int:
    """Where key (counter, uuid) goes among the group's keys as filed (`bisect_left`)."""
    counters = group.counters
    at = bisect_left(counters, counter)
    uuids = group.uuids
    end = len(counters)
    while at < end and counters[at] == counter and uuids[at] < uuid:
        at += 1
    return at


def _put(group: HostPlay, run: Node, counter: int, uuid: str) -> None:
    at = _position(group, counter, uuid)
    group.counters.insert(at, counter)
    group.uuids.insert(at, uuid)
    group.runs.insert(at, run)


def _take(group: HostPlay, run: Node, counter: int, uuid: str) -> None:
    at = _position(group, counter, uuid)
    if at >= len(group.runs) or group.runs[at] is not run:
        at = next(i for i, each in enumerate(group.runs) if each is run)
    del group.counters[at]
    del group.uuids[at]
    del group.runs[at]


def _group_key(group: HostPlay) -> PlayKey:
    return group.key


def _by_name_key(entry: HostEntry) -> NameKey:
    return entry._name_key


def _by_problems_key(entry: HostEntry) -> OrderKey:
    return entry._order_key
