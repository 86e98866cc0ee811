"""The rows of a run's timeline: each play, its tasks, and for a task opened, a lane per host.

A row holds nodes, not times: where its bar falls is read from the nodes (and `RunTimes`)
when it is drawn, so a run that grows changes the rows only when plays, tasks or the
host runs of an opened task come and go. A search or status filter keeps the tasks with
a hit in them (a task that matches keeps all its hosts; a play that matches, all its
tasks), as the tree does.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from .nodes import Node
from .query import Query
from .status import PROBLEMS, STATUSES

RowKind = Literal["play", "task", "lane"]
#: what identifies a row across rebuilds: its kind, its node's id and a lane's host
RowKey = tuple[str, int, str | None]

#: a status's rank among several runs of one host: the worst stands for them (STATUSES order)
_RANK: dict[str, int] = {status: rank for rank, status in enumerate(STATUSES)}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One line of the timeline: a play, a task, or one host's lane under an opened task."""

    kind: RowKind
    #: the play or the task (a lane's task)
    node: Node
    #: a lane: its host and that host's runs of the task, in order
    host: str | None = None
    runs: tuple[Node, ...] = ()

    @property
    def status(self) -> str:
        """The row's status: its node's, or for a lane the worst of its host's runs."""
        if self.kind != "lane":
            return self.node.status
        return lane_status(self.runs)

    @property
    def target(self) -> Node:
        """The node the row stands for: a lane's latest run, else the row's node."""
        return self.runs[-1] if self.runs else self.node

    @property
    def key(self) -> RowKey:
        """What identifies the row across rebuilds (its node objects may be replaced)."""
        return (self.kind, self.node.id, self.host)


def row_with_key(rows: Sequence[TimelineRow], key: RowKey) -> int | None:
    """The index of the row with `key`, None when no row has it."""
    return next((i for i, row in enumerate(rows) if row.key == key), None)


def task_above(node: Node) -> Node | None:
    """The task above a host run (or above what is under one); a task is its own; None
    for a play, a playbook or a node outside any task."""
    current: Node | None = node
    while current is not None and current.kind not in ("task", "play", "playbook"):
        current = current.parent
    return current if current is not None and current.kind == "task" else None


def lane_status(runs: Sequence[Node]) -> str:
    """The worst status of a host's runs of one task."""
    return min((run.status for run in runs), key=lambda s: _RANK.get(s, len(_RANK)))


def plays_and_tasks(root: Node) -> Iterator[tuple[Node | None, Node]]:
    """(play, task) in tree order, plays before their tasks as (play, play); tasks outside any
    play (an ad hoc run's) come as (None, task). Nested playbooks are walked through."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.kind == "play":
            yield node, node
            for child in node.children:
                if child.kind == "task":
                    yield node, child
        elif node.kind == "task":
            yield None, node
        elif node.kind == "playbook":
            stack.extend(reversed(node.children))


def lanes(task: Node, only: Collection[int] | None = None) -> list[TimelineRow]:
    """One lane per host of `task`, in the order its hosts first ran it; `only`: just the
    hosts with a run among these node ids."""
    runs_of: dict[str, list[Node]] = {}
    for child in task.children:
        if child.kind == "host":
            runs_of.setdefault(child.host or child.name, []).append(child)
    rows = []
    for host, runs in runs_of.items():
        if only is not None and not any(run.id in only for run in runs):
            continue
        rows.append(TimelineRow("lane", task, host, tuple(runs)))
    return rows


def timeline_rows(
    root: Node, opened: Collection[int] = (), query: Query | None = None
) -> list[TimelineRow]:
    """Every play and task of the tree, and the lanes of the tasks in `opened` (node ids),
    keeping only what `query` finds when one is given."""
    rows: list[TimelineRow] = []
    filtering = query is not None and bool(query)
    #: the play row not yet placed: under a filter, it waits for a task of its to be kept
    waiting: TimelineRow | None = None
    play_hit = False
    for play, node in plays_and_tasks(root):
        if node is play:
            if waiting is not None and play_hit:
                rows.append(waiting)
            play_hit = query is not None and filtering and query.matches(node)
            waiting = TimelineRow("play", node)
            if not filtering:
                rows.append(waiting)
                waiting = None
            continue
        if play is None and waiting is not None:
            if play_hit:
                rows.append(waiting)
            waiting, play_hit = None, False
        only: set[int] | None = None
        if query is not None and filtering and not play_hit:
            only = _hits_in(node, query)
            if only is None:
                continue
        if waiting is not None:
            rows.append(waiting)
            waiting = None
        rows.append(TimelineRow("task", node))
        if node.id in opened:
            rows.extend(lanes(node, only))
    if waiting is not None and play_hit:
        rows.append(waiting)
    return rows


def _hits_in(task: Node, query: Query) -> set[int] | None:
    """The host runs of `task` that hold a hit (all of them when the task is one); None:
    no hit anywhere in the task."""
    if query.matches(task):
        return {child.id for child in task.children}
    found: set[int] = set()
    for child in task.children:
        if any(query.matches(node) for node in child.walk()):
            found.add(child.id)
    return found or None


def row_of(rows: Sequence[TimelineRow], node: Node) -> int | None:
    """The row that shows `node`: its own, its lane (a host run, or what is under one), or
    its task's; None when no row does."""
    host_run: Node | None = None
    current: Node | None = node
    while current is not None and current.kind not in ("task", "play"):
        if current.kind == "host":
            host_run = current
        current = current.parent
    if current is None:
        return None
    fallback: int | None = None
    for index, row in enumerate(rows):
        if row.node is not current:
            continue
        if host_run is None or row.kind != "lane":
            if fallback is None:
                fallback = index
            if host_run is None:
                return index
        elif host_run in row.runs:
            return index
    return fallback


def next_problem_row(
    rows: Sequence[TimelineRow], after: int | None, *, backwards: bool = False
) -> int | None:
    """The next task or lane row that failed or is unreachable after row `after`, wrapping."""
    problems = [i for i, row in enumerate(rows) if row.kind != "play" and row.status in PROBLEMS]
    if not problems:
        return None
    here = -1 if after is None else after
    if backwards:
        before = [i for i in problems if i < here] if after is not None else []
        return before[-1] if before else problems[-1]
    later = [i for i in problems if i > here]
    return later[0] if later else problems[0]


def newest_row(rows: Sequence[TimelineRow]) -> int | None:
    """The row of the task started last (the one follow mode keeps in view)."""
    best: int | None = None
    for index, row in enumerate(rows):
        if row.kind == "task" and (best is None or row.node.counter >= rows[best].node.counter):
            best = index
    return best
