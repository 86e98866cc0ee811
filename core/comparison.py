"""Two runs of a playbook compared: what failed anew, what was fixed, what else changed
status, which tasks came, went or moved, which got slower or faster, which hosts are in
one run only. The rules are those of `diff-json.md`; pairing is `matching.py`'s.

Plays pair by name (and place among same-named plays), tasks within a paired play by
name, role and action, hosts by name. `compare` works on outlines (`outline.py`), so the
command can build them where each run is loaded; `compare_trees` is the same for two trees
in hand, and `RunDiff.marks` says what to show on tree B's nodes.

B may still be running (the app compares the run it shows as it goes): with `b_live`, only
what B has settled counts. A host still running a task has not changed yet; a host with
no run of a task may yet run it, and a task or host of A's not seen in B may yet come, so
changes to `absent`, removed tasks and hosts only in A wait for B's end; a task still
running in B can turn out slower (its wall so far already is) but not faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from .matching import Pairing, pair_by_key
from .outline import ABSENT, PlayOutline, RunOutline, TaskOutline, outline
from .tree import EventTree

#: statuses that fail a host; `ignored` and `rescued` failures do not
FAILURES: Final = frozenset({"failed", "unreachable"})
#: what a failed host is fixed by (absent or still running is not a fix)
FIXES: Final = frozenset({"ok", "changed", "skipped", "ignored", "rescued"})
#: B's statuses that say nothing yet while B runs
_UNSETTLED: Final = frozenset({"running", ABSENT})

MarkKind = Literal["new_failure", "fixed", "changed", "slower", "faster", "added"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How much a task's wall time must move to be reported: both at once."""

    ratio: float = 1.5
    seconds: float = 1.0

    def slower(self, a_s: float, b_s: float) -> bool:
        return b_s >= a_s * self.ratio and b_s - a_s >= self.seconds

    def faster(self, a_s: float, b_s: float) -> bool:
        return self.slower(b_s, a_s)


@dataclass(frozen=True, slots=True)
class TaskRef:
    """A task of one run: its play, name and role, and its node there."""

    play: str
    task: str
    role: str | None
    node_id: int


@dataclass(frozen=True, slots=True)
class HostChange:
    """A host whose status on a task differs from A to B."""

    play: str
    task: str
    role: str | None
    host: str
    a: str
    b: str
    #: B's task node, and B's host run (None when the host is absent in B)
    b_task_id: int
    b_node_id: int | None


@dataclass(frozen=True, slots=True)
class TimeChange:
    """A task paired in both runs whose wall time moved beyond the thresholds."""

    play: str
    task: str
    role: str | None
    a_s: float
    b_s: float
    b_task_id: int


@dataclass(frozen=True, slots=True)
class Mark:
    """What to show on one node of tree B."""

    kind: MarkKind
    #: hosts: the status in A and in B
    a: str | None = None
    b: str | None = None
    #: slower/faster tasks: B's wall time minus A's
    delta_s: float | None = None


@dataclass
class RunDiff:
    """Every difference, each list in the order of diff-json.md."""

    new_failures: list[HostChange] = field(default_factory=list)
    fixed: list[HostChange] = field(default_factory=list)
    status_changes: list[HostChange] = field(default_factory=list)
    added_tasks: list[TaskRef] = field(default_factory=list)
    removed_tasks: list[TaskRef] = field(default_factory=list)
    moved_tasks: list[TaskRef] = field(default_factory=list)
    slower: list[TimeChange] = field(default_factory=list)
    faster: list[TimeChange] = field(default_factory=list)
    hosts_only_in_a: list[str] = field(default_factory=list)
    hosts_only_in_b: list[str] = field(default_factory=list)

    def marks(self) -> dict[int, Mark]:
        """Node id of tree B -> what changed there: host runs and tasks."""
        out: dict[int, Mark] = {}
        for ref in self.added_tasks:
            out[ref.node_id] = Mark("added")
        timed: tuple[tuple[MarkKind, list[TimeChange]], ...] = (
            ("slower", self.slower),
            ("faster", self.faster),
        )
        for kind, times in timed:
            for change in times:
                out[change.b_task_id] = Mark(kind, delta_s=change.b_s - change.a_s)
        statuses: tuple[tuple[MarkKind, list[HostChange]], ...] = (
            ("new_failure", self.new_failures),
            ("fixed", self.fixed),
            ("changed", self.status_changes),
        )
        for kind, hosts in statuses:
            for host in hosts:
                if host.b_node_id is not None:
                    out[host.b_node_id] = Mark(kind, host.a, host.b)
        return out


def compare_trees(a: EventTree, b: EventTree, thresholds: Thresholds | None = None) -> RunDiff:
    """`compare` for two trees in hand (O(both trees)); node ids in the result are B's."""
    return compare(outline(a), outline(b), thresholds)


def compare(
    a: RunOutline, b: RunOutline, thresholds: Thresholds | None = None, *, b_live: bool = False
) -> RunDiff:
    """The differences from run A to run B (`b_live`: B is still running; see above)."""
    limits = thresholds or Thresholds()
    diff = RunDiff(
        hosts_only_in_a=[] if b_live else sorted(a.hosts - b.hosts),
        hosts_only_in_b=sorted(b.hosts - a.hosts),
    )
    plays = pair_by_key([p.name for p in a.plays], [p.name for p in b.plays])
    play_of_b = plays.b_to_a()
    pairings: dict[int, Pairing] = {}
    for j, b_play in enumerate(b.plays):
        i = play_of_b.get(j)
        if i is None:
            for task in b_play.tasks:
                _added(diff, b_play, task)
            continue
        a_play = a.plays[i]
        tasks = pair_by_key([t.key for t in a_play.tasks], [t.key for t in b_play.tasks])
        pairings[i] = tasks
        task_of_b = tasks.b_to_a()
        for k, b_task in enumerate(b_play.tasks):
            at = task_of_b.get(k)
            if at is None:
                _added(diff, b_play, b_task)
                continue
            if k in tasks.moved:
                diff.moved_tasks.append(_ref(b_play, b_task))
            _compare_task(diff, b_play, a_play.tasks[at], b_task, limits, b_live)
    if b_live:
        return diff
    for i, a_play in enumerate(a.plays):
        pairing = pairings.get(i)
        gone = range(len(a_play.tasks)) if pairing is None else pairing.removed
        diff.removed_tasks.extend(_ref(a_play, a_play.tasks[at]) for at in gone)
    return diff


def _added(diff: RunDiff, play: PlayOutline, task: TaskOutline) -> None:
    """A task of B only: listed, and its failed hosts are new failures (from `absent`)."""
    diff.added_tasks.append(_ref(play, task))
    for host in sorted(task.hosts):
        result = task.hosts[host]
        if result.status in FAILURES:
            diff.new_failures.append(
                HostChange(
                    play.name,
                    task.name,
                    task.role,
                    host,
                    ABSENT,
                    result.status,
                    task.node_id,
                    result.node_id,
                )
            )


def _compare_task(
    diff: RunDiff,
    play: PlayOutline,
    a: TaskOutline,
    b: TaskOutline,
    limits: Thresholds,
    b_live: bool = False,
) -> None:
    for host in sorted(a.hosts.keys() | b.hosts.keys()):
        a_result, b_result = a.hosts.get(host), b.hosts.get(host)
        was = a_result.status if a_result is not None else ABSENT
        now = b_result.status if b_result is not None else ABSENT
        if was == now or (b_live and now in _UNSETTLED):
            continue
        change = HostChange(
            play.name,
            b.name,
            b.role,
            host,
            was,
            now,
            b.node_id,
            b_result.node_id if b_result is not None else None,
        )
        if now in FAILURES and was not in FAILURES:
            diff.new_failures.append(change)
        elif was in FAILURES and now in FIXES:
            diff.fixed.append(change)
        else:
            diff.status_changes.append(change)
    if a.wall is None or b.wall is None:
        return
    if limits.slower(a.wall, b.wall):
        diff.slower.append(TimeChange(play.name, b.name, b.role, a.wall, b.wall, b.node_id))
    elif b_live and any(result.status == "running" for result in b.hosts.values()):
        return  # its wall so far is not its wall
    elif limits.faster(a.wall, b.wall):
        diff.faster.append(TimeChange(play.name, b.name, b.role, a.wall, b.wall, b.node_id))


def _ref(play: PlayOutline, task: TaskOutline) -> TaskRef:
    return TaskRef(play.name, task.name, task.role, task.node_id)
