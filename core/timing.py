"""Where a run's time went: per task, per host, and the run's span, under every strategy.

Every host run carries its own start and end (from its final `runner_on_*` event, or the
`runner_on_start` while it runs), so nothing here depends on the order tasks started in,
which is what `profile_tasks` gets wrong under `free` and `serial`. The definitions (also
in the README):

- a task's **wall** time: last end minus first start over the task's host runs;
- its **busy** time: how long at least one host was running it (the union of its host
  runs), less than the wall time where its hosts ran it apart (`serial` batches, `free`);
- its slowest host: the host whose runs of it took longest, and that time;
- a host's **total**: the sum of its host runs' durations; its slowest task: the task its
  runs took longest on;
- the run's **span**: from its first event to its last; a share is a time over the span.

`RunTimes` is incremental: `update(changes)` notes the tasks whose host runs an
`EventTree.add` touched, and the next query (or `settle()`) recomputes those, each in
O(its host runs), moving host totals by difference (in integer microseconds, so they
never drift): a live run whose times nobody looks at costs a note per change. Building it
is one O(tree) pass. Queries sort what they return. Pass `now` (epoch seconds) to count
running host runs up to then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import chain

from msgspec import Struct

from .nodes import Changes, Node
from .tree import EventTree

_US = 1_000_000
#: a host run's duration past this (a year) is not a time but a broken event
_LONGEST = 366 * 24 * 3600.0


def epoch(text: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 time as runner writes it; None if unreadable."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except (ValueError, TypeError, OverflowError):
        return None


def run_bounds(run: Node) -> tuple[float | None, float | None]:
    """A host run's start, and its end once it has ended (epoch seconds)."""
    start = epoch(run.start)
    end = epoch(run.end) if run.status != "running" else None
    return start, end


def task_wall(task: Node) -> float | None:
    """A task's wall time alone (what `RunTimes` says of it, without the rest): last end
    minus first start over its host runs, None until one has ended."""
    first: float | None = None
    last: float | None = None
    for run in task.children:
        if run.kind != "host":
            continue
        start, end = run_bounds(run)
        if start is not None and (first is None or start < first):
            first = start
        if end is not None and (last is None or end > last):
            last = end
    return _between(first, last)


class TaskTime(Struct, frozen=True):
    """The times of one task's host runs (or of host runs parked under another node)."""

    node: Node
    #: first start and last end of its host runs (epoch seconds)
    start: float | None
    end: float | None
    wall: float | None
    busy: float | None
    slowest_host: str | None
    slowest_host_s: float | None
    #: host runs, and how many of them have not ended
    runs: int
    running: int


class HostTime(Struct, frozen=True):
    """The times of one host over the run."""

    host: str
    total: float
    runs: int
    running: int
    slowest_task: Node | None
    slowest_task_s: float | None


class _Group:
    """What the host runs under one node add up to; runs still going are kept apart."""

    __slots__ = ("end", "hosts", "intervals", "node", "open", "per_host", "run_ids", "start")

    def __init__(self, node: Node) -> None:
        self.node = node
        self.start: float | None = None
        self.end: float | None = None
        #: finished runs' [start, end], merged and sorted
        self.intervals: list[tuple[float, float]] = []
        #: finished runs' durations per host, in microseconds
        self.per_host: dict[str, int] = {}
        #: runs not ended yet: (host, start), start None when unknown
        self.open: list[tuple[str, float | None]] = []
        #: every run counted here, and its host
        self.run_ids: list[int] = []
        self.hosts: list[str] = []


class RunTimes:
    """Per-task and per-host times of one tree, kept up to date from `Changes`.

    Not thread-safe: update it where the tree is written, or under the same lock.
    """

    def __init__(self, tree: EventTree) -> None:
        self._tree = tree
        #: node id of a host-run parent -> its group
        self._groups: dict[int, _Group] = {}
        #: host-run node id -> the node it was counted under
        self._owner: dict[int, Node] = {}
        #: host -> group node id -> microseconds of its finished runs there
        self._host_groups: dict[str, dict[int, int]] = {}
        self._host_total: dict[str, int] = {}
        #: host -> (runs, runs still going)
        self._host_runs: dict[str, list[int]] = {}
        #: host -> group node id -> starts of its runs still going there
        self._host_open: dict[str, dict[int, list[float | None]]] = {}
        #: nodes `update` noted and `settle` has yet to recompute
        self._dirty: dict[int, Node] = {}
        for node in tree.nodes():
            if any(child.kind == "host" for child in node.children):
                self._recompute(node)

    # ------------------------------------------------------------------ updates

    def update(self, changes: Changes) -> None:
        """Take in what `EventTree.add` calls did: all of it since the last update.

        The tasks touched are recomputed when next asked (`settle`): a task noted now and
        changed again before then is recomputed once.
        """
        dirty = self._dirty
        for node in chain(changes.added, changes.changed, changes.moved, changes.removed):
            if node.kind == "host":
                owner = self._owner.get(node.id)
                if owner is not None:
                    dirty[owner.id] = owner
                if node.parent is not None:
                    dirty[node.parent.id] = node.parent
            elif node.kind == "task":
                dirty[node.id] = node

    def settle(self) -> None:
        """Recompute the tasks `update` noted (every query does this first). Call it where
        the tree is read safely (under its lock) to have queries elsewhere find it done."""
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, {}
        for node in dirty.values():
            self._recompute(node)

    def _recompute(self, node: Node) -> None:
        old = self._groups.pop(node.id, None)
        if old is not None:
            self._forget(old)
        attached = node.parent is not None or node is self._tree.root
        runs = [c for c in node.children if c.kind == "host"] if attached else []
        if not runs:
            return
        group = _Group(node)
        finished: list[tuple[float, float]] = []
        for run in runs:
            host = run.host or run.name
            group.run_ids.append(run.id)
            group.hosts.append(host)
            self._owner[run.id] = node
            start, end = run_bounds(run)
            if start is not None and (group.start is None or start < group.start):
                group.start = start
            if end is None:
                group.open.append((host, start))
                continue
            if group.end is None or end > group.end:
                group.end = end
            seconds = run.duration if run.duration is not None else _between(start, end)
            if seconds is not None and 0 <= seconds <= _LONGEST:  # also false for NaN
                group.per_host[host] = group.per_host.get(host, 0) + round(seconds * _US)
                if start is not None:
                    finished.append((start, end))
        group.intervals = _merge(finished)
        self._count(group, +1)
        self._groups[node.id] = group

    def _forget(self, group: _Group) -> None:
        for run_id in group.run_ids:
            if self._owner.get(run_id) is group.node:
                del self._owner[run_id]
        self._count(group, -1)

    def _count(self, group: _Group, sign: int) -> None:
        """Add a group's runs to (sign 1) or take them from (sign -1) the hosts' figures."""
        for host in group.hosts:
            counts = self._host_runs.setdefault(host, [0, 0])
            counts[0] += sign
        key = group.node.id
        for host, start in group.open:
            self._host_runs[host][1] += sign
            starts = self._host_open.setdefault(host, {})
            if sign > 0:
                starts.setdefault(key, []).append(start)
            elif starts.pop(key, None) is not None and not starts:
                del self._host_open[host]
        for host, us in group.per_host.items():
            self._host_total[host] = self._host_total.get(host, 0) + sign * us
            per = self._host_groups.setdefault(host, {})
            if sign > 0:
                per[key] = us
            else:
                per.pop(key, None)
        if sign < 0:
            for host in set(group.hosts):
                if self._host_runs[host][0] <= 0:
                    del self._host_runs[host]
                    self._host_total.pop(host, None)
                    self._host_groups.pop(host, None)
                    self._host_open.pop(host, None)

    # ------------------------------------------------------------------ queries

    def task_time(self, node: Node, now: float | None = None) -> TaskTime | None:
        """The times of the host runs under `node` (a task), None if it has none."""
        self.settle()
        group = self._groups.get(node.id)
        return _task_time(group, now) if group is not None else None

    def task_span(
        self, node: Node, now: float | None = None
    ) -> tuple[float | None, float | None, int]:
        """A task's first start, last end (`now` for runs still going) and how many of its
        runs have not ended: `task_time`'s bounds alone, in O(runs not ended)."""
        self.settle()
        group = self._groups.get(node.id)
        if group is None:
            return None, None, 0
        end = group.end
        if now is not None:
            for _host, start in group.open:
                if start is not None and now > start and (end is None or now > end):
                    end = now
        return group.start, end, len(group.open)

    def task_busy(self, node: Node, now: float | None = None) -> tuple[tuple[float, float], ...]:
        """When a task ran: its host runs' [start, end] merged, in order, runs still going
        up to `now`. Where hosts ran it apart (`serial` batches, `free`) there are gaps."""
        self.settle()
        group = self._groups.get(node.id)
        if group is None:
            return ()
        live = [
            (start, now)
            for _host, start in group.open
            if start is not None and now is not None and now > start
        ]
        return tuple(_merge([*group.intervals, *live]) if live else group.intervals)

    def tasks(self, now: float | None = None, top: int | None = None) -> list[TaskTime]:
        """Every task with host runs (the `top` first), slowest by wall time first; ties in
        tree order."""
        self.settle()
        groups = [g for g in self._groups.values() if g.node.kind == "task"]
        if top is not None and top < len(groups):
            # Rank by bounds alone; work out the whole TaskTime of the few shown.
            def rank(group: _Group) -> tuple[bool, float, int, int]:
                start, end, _running = self.task_span(group.node, now)
                wall = _between(start, end)
                return (wall is None, -(wall or 0.0), group.node.counter, group.node.id)

            groups = sorted(groups, key=rank)[: max(0, top)]
        rows = [_task_time(g, now) for g in groups]
        rows.sort(key=_task_rank)
        return rows

    def hosts(self, now: float | None = None, top: int | None = None) -> list[HostTime]:
        """Every host (the `top` first), the one that spent the most time first; ties by name."""
        self.settle()
        names = list(self._host_runs)
        if top is not None and top < len(names):
            names.sort(key=lambda host: (-self._host_total_us(host, now), host))
            names = names[: max(0, top)]
        rows = [self._host_time(host, now) for host in names]
        rows.sort(key=lambda row: (-row.total, row.host))
        return rows

    def _host_total_us(self, host: str, now: float | None) -> int:
        """`_host_time(host, now).total` in microseconds, without finding its slowest task."""
        total = self._host_total.get(host, 0)
        if now is not None and self._host_runs[host][1]:
            for starts in self._host_open.get(host, {}).values():
                for start in starts:
                    if start is not None and now > start:
                        total += round((now - start) * _US)
        return total

    def span(self, now: float | None = None) -> tuple[float | None, float | None]:
        """The run's first and last moment (epoch seconds); `now` extends a live run."""
        root = self._tree.root
        start, end = epoch(root.start), epoch(root.end)
        if now is not None and not self._tree.finished and (end is None or now > end):
            end = now
        return start, end

    def span_seconds(self, now: float | None = None) -> float | None:
        start, end = self.span(now)
        return _between(start, end)

    def _host_time(self, host: str, now: float | None) -> HostTime:
        runs, running = self._host_runs.get(host, (0, 0))
        total_us = self._host_total.get(host, 0)
        per = dict(self._host_groups.get(host, {}))
        if running and now is not None:
            for key, starts in self._host_open.get(host, {}).items():
                for start in starts:
                    if start is not None and now > start:
                        extra = round((now - start) * _US)
                        total_us += extra
                        per[key] = per.get(key, 0) + extra
        slowest: Node | None = None
        slowest_us = -1
        for key, us in per.items():
            node = self._groups[key].node
            if node.kind != "task":
                continue
            if us > slowest_us or (us == slowest_us and slowest and node.counter < slowest.counter):
                slowest, slowest_us = node, us
        return HostTime(
            host=host,
            total=total_us / _US,
            runs=runs,
            running=running,
            slowest_task=slowest,
            slowest_task_s=slowest_us / _US if slowest is not None else None,
        )


def _task_time(group: _Group, now: float | None) -> TaskTime:
    end = group.end
    per_host = group.per_host
    intervals = group.intervals
    if group.open and now is not None:
        per_host = dict(per_host)
        live = []
        for host, start in group.open:
            if start is not None and now > start:
                per_host[host] = per_host.get(host, 0) + round((now - start) * _US)
                live.append((start, now))
        if live:
            end = now if end is None or now > end else end
            intervals = _merge([*intervals, *live])
    slowest_host: str | None = None
    slowest_us = -1
    for host, us in per_host.items():
        if us > slowest_us or (us == slowest_us and slowest_host and host < slowest_host):
            slowest_host, slowest_us = host, us
    return TaskTime(
        node=group.node,
        start=group.start,
        end=end,
        wall=_between(group.start, end),
        busy=sum(b - a for a, b in intervals) if intervals else None,
        slowest_host=slowest_host,
        slowest_host_s=slowest_us / _US if slowest_host is not None else None,
        runs=len(group.run_ids),
        running=len(group.open),
    )


def _task_rank(row: TaskTime) -> tuple[bool, float, int, int]:
    wall = row.wall
    return (wall is None, -(wall or 0.0), row.node.counter, row.node.id)


def _between(start: float | None, end: float | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return end - start


def _merge(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping [start, end] intervals merged, in order."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
