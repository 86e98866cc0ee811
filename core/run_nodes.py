"""`RunNodes`: host runs, the nodes of one host's work on one task, placed by the counter
of their `runner_on_start`.

A host runs a task more than once under `free`, `serial` and loops of includes, and
results can arrive before their start: a run takes the results that follow its start,
and a start that arrives inside a run splits it (`_split`). A run's status is its last
result's, or `rescued` for a failure a rescue handled (`rescue.py`).
"""

from __future__ import annotations

from sys import intern

from .events import Event
from .nodes import Kind, Node
from .rescue import RescueIndex
from .status import FAILED, RESCUED, RUNNING
from .task_nodes import TaskNodes


class RunNodes(TaskNodes):
    """Host runs under their task nodes, and the statuses their results give them."""

    def __init__(self) -> None:
        super().__init__()
        #: each host's most recently started run, where its polls go meanwhile
        self._last_started: dict[str, Node] = {}
        self._rescue = RescueIndex()

    def _start_run(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        at = ev.counter
        prev = self._runs.containing(task_uuid, host, at)
        if prev is not None and prev.start_counter is None and prev.counter > at:
            # Its results came first; this start is the one they belong to.
            prev.start_counter = at
            prev.uuid = ev.uuid
            self._note_started(host, prev)
            self._set_counter(prev, at)
            if prev.finals is None:
                self._set_time(prev, ev.created, None)
            if prev.ref is None or prev.finals is None:
                prev.ref = ev.key
            self._changes.changed.add(prev)
            return prev
        run = self._new_run(task_uuid, host, parent, awaited, ev)
        run.start_counter = at
        run.ref = (at, ev.uuid)
        latest = self._last_started.get(host)  # `_note_started`, for a run just made
        if latest is None or (latest.start_counter or -1) < at:
            self._last_started[host] = run
        self._runs.add(run.owner or task_uuid, run.host or host, run)
        if self._includes.active:
            self._dirty |= self._includes.add_run(run)
        if prev is not None:
            self._split(prev, run, at)
        return run

    def _note_started(self, host: str, run: Node) -> None:
        latest = self._last_started.get(host)
        at = run.start_counter
        if latest is None or (at is not None and (latest.start_counter or -1) < at):
            self._last_started[host] = run

    def _run_at(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        run = self._runs.containing(task_uuid, host, ev.counter)
        if run is None:
            run = self._new_run(task_uuid, host, parent, awaited, ev)
            run.ref = ev.key
            self._runs.add(run.owner or task_uuid, run.host or host, run)
            if self._includes.active:
                self._dirty |= self._includes.add_run(run)
        elif run.start_counter is None and ev.counter < run.counter:
            run.uuid = ev.uuid
            self._set_counter(run, ev.counter)
        return run

    def _new_run(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        # Interned: a run of 100k events holds these few names once each, not per host run.
        host = intern(host)
        run = Node(self._next_id, "host", host, ev.counter)  # `_new`, inline
        self._next_id += 1
        run.host = host
        run.uuid = ev.uuid
        run.owner = intern(task_uuid)
        data = ev.event_data
        action = data.task_action if data is not None else None
        if action is not None:
            run.action = intern(action)
        self._attach(run, parent)
        if awaited is not None:
            self._park(run, awaited)
        self._host_tally(host, None, run.status)
        self._changes.added.append(run)
        return run

    def _split(self, prev: Node, run: Node, at: int) -> None:
        """A start arrived inside `prev`: what came after it belongs to the new run."""
        moving = [child for child in prev.children if child.counter > at]
        for child in moving:
            self._move(child, run)
        if prev.finals:
            later = [f for f in prev.finals if f[0] > at]
            if later:
                prev.pin_ref()  # should no result be left to say it
                prev.finals = [f for f in prev.finals if f[0] <= at] or None
                run.finals = later
                self._apply_finals(prev)
                self._apply_finals(run)
        if prev.start_counter is None and not prev.children and not prev.finals:
            self._remove(prev)
            self._runs.remove(prev.owner or "", prev.host or prev.name, prev)
            self._dirty |= self._includes.remove_run(prev)

    def _apply_finals(self, run: Node) -> None:
        ends = run.final_ends()
        if ends is not None:
            first, last = ends
            _counter, _uuid, status, start, end, duration, detail = last
            # Its ref is now its last result's, which `Node.ref` reads from there: the
            # one kept before (its start's) is not wanted again (see `_split`).
            run.ref = None
            run.detail = detail
            run.duration = duration
            # `_set_time(run, start, end)` inline
            if start is not None:
                run.start = start
            if end is not None:
                run.end = end
            if start is not None or end is not None:
                self._bump_time(run.parent, start, end)
            if run.start_counter is None and first[0] < run.counter:
                run.uuid = first[1]
                self._set_counter(run, first[0])
        else:
            status = RUNNING
            run.detail = None
            run.duration = None
            run.end = None
            if run.start_counter is not None and run.uuid is not None:
                run.ref = (run.start_counter, run.uuid)
        if status == FAILED or run.status in (FAILED, RESCUED):
            status = self._rescue_status(run, status)
        self._set_run_status(run, status)
        self._changes.changed.add(run)

    def _rescue_status(self, run: Node, status: str) -> str:
        """`status` from the run's result, or `rescued` for a failure a rescue handled;
        other runs whose failure the change settles are updated too."""
        failed_at = run.finals[-1][0] if status == FAILED and run.finals else None
        rescue = self._rescue
        for other in rescue.set_failed(run, run.host or run.name, failed_at):
            if other is not run:
                self._set_run_status(other, RESCUED if other in rescue.rescued else FAILED)
        return RESCUED if run in rescue.rescued else status

    def _leaf(self, kind: Kind, name: str, ev: Event, run: Node, status: str) -> Node:
        node = Node(self._next_id, kind, name, ev.counter)  # `_new`, inline
        self._next_id += 1
        node.uuid = ev.uuid or None
        node.ref = (ev.counter, ev.uuid)
        node.status = status
        node.host = run.host
        self._attach(node, run)
        self._changes.added.append(node)
        if run.start_counter is None and ev.counter < run.counter:
            run.uuid = ev.uuid
            self._set_counter(run, ev.counter)
        return node
