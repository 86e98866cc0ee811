"""`EventTree`: the run's tree, built one job event at a time in any arrival order.

Structure comes from identities, not from arrival order: plays and tasks are keyed by
their uuid (without the `_N` suffix of free/serial repeats), host runs by task, host
and the counter of their `runner_on_start`. An event whose parent has not arrived is
placed under a placeholder built from its own `event_data`, or parked under the root
until a node with its `parent_uuid` appears. So every permutation of the same events
ends in the same tree, and each `add` costs the same at any size of run.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Mapping
from typing import Any

from .ansi import strip_ansi
from .copies import FoldKey, TaskCopy, TaskGroup
from .events import (
    Event,
    EventData,
    base_uuid,
    coerce_event,
    host_from_stdout,
    raw_text,
    safe_text,
)
from .includes import IncludeIndex
from .nodes import Changes, Final, Kind, Node
from .rescue import RescueIndex
from .status import (
    CHANGED,
    FAILED,
    IGNORED,
    OK,
    RESCUED,
    ROLLUP_BUCKET,
    RUNNING,
    SKIPPED,
    STATUSES,
    UNREACHABLE,
    worst,
)

_NO_DATA = EventData()

#: what a child's status counts as in its parent's tally (`ignored`, `rescued`: `ok`)
_BUCKET = ROLLUP_BUCKET

#: roll-up severity: a parent takes the status of highest rank among its children
_RANK = {SKIPPED: 0, OK: 1, CHANGED: 2, RUNNING: 3, UNREACHABLE: 4, FAILED: 5}

_KIND_ORDER = {"playbook": 0, "play": 1, "task": 2, "host": 3, "item": 4, "retry": 5, "async": 6}
_MESSAGE_ORDER = 7

RECAP_FIELDS = ("ok", "changed", "failures", "dark", "skipped", "rescued", "ignored")

_TASK_STARTS = frozenset(
    {"playbook_on_task_start", "playbook_on_handler_task_start", "playbook_on_cleanup_task_start"}
)
_FINALS = {
    "runner_on_ok": OK,
    "runner_on_failed": FAILED,
    "runner_on_skipped": SKIPPED,
    "runner_on_unreachable": UNREACHABLE,
}
_ITEMS = {
    "runner_item_on_ok": OK,
    "runner_item_on_failed": FAILED,
    "runner_item_on_skipped": SKIPPED,
}
_ASYNC = {
    "runner_on_async_poll": "poll",
    "runner_on_async_ok": "done",
    "runner_on_async_failed": "failed",
}


def sibling_order(node: Node) -> tuple[int, int, tuple[int, ...], str]:
    """Children are ordered by counter; kind, `order` and name only break ties, never
    by arrival."""
    return (node.counter, _KIND_ORDER.get(node.kind, _MESSAGE_ORDER), node.order, node.name)


class EventTree:
    """The tree of one run: playbook → play → task → host run → item / retry / async.

    Not thread-safe: one writer, and readers that do not overlap with `add`.
    """

    def __init__(self) -> None:
        self._next_id = 0
        self.root = self._new("playbook", "", 0)
        self.root.counts = {}
        self.root.tally = {}
        #: structural nodes by uuid without `_N`: the playbook, plays and tasks
        self._by_uuid: dict[str, Node] = {}
        #: host runs of one task and host, ordered by their start counter
        self._runs: dict[tuple[str, str], list[Node]] = {}
        #: parked nodes by the parent uuid they wait for
        self._pending: dict[str, list[Node]] = {}
        #: async jobs: (host, job id) -> the host run whose async_ok/failed names it
        self._jobs: dict[tuple[str, str], Node] = {}
        #: async polls by (host, job id), until their owner is known
        self._polls: dict[tuple[str, str], list[Node]] = {}
        #: each host's most recently started run, where its polls go meanwhile
        self._last_started: dict[str, Node] = {}
        self._seen: set[tuple[int, str]] = set()
        self._changes = Changes()
        #: every task uuid (without `_N`), static or a copy of an included task
        self._copies: dict[str, TaskCopy] = {}
        #: task node -> the copies it shows
        self._groups: dict[Node, TaskGroup] = {}
        #: the task node of each execution of an included task
        self._folds: dict[FoldKey, Node] = {}
        #: static task uuid -> folded task nodes of the includes that follow it
        self._anchored: dict[str, set[Node]] = {}
        #: a node's task children by `order` (see `_place_task`)
        self._tasks: dict[Node, list[Node]] = {}
        #: copies whose execution may have changed, refolded at the end of `add`
        self._dirty: set[TaskCopy] = set()
        self._includes = IncludeIndex(self._copies, self._runs)
        self._rescue = RescueIndex()
        #: events applied (duplicates are not counted)
        self.events = 0
        #: `playbook_on_stats` arrived: the run ended normally
        self.finished = False
        #: host -> {ok, changed, failures, dark, skipped, rescued, ignored}
        self.recap: dict[str, dict[str, int]] | None = None
        #: host -> its host runs by status, for "hosts: 3 running, 1 failed"
        self.hosts: dict[str, dict[str, int]] = {}
        self._dispatch: dict[str, Callable[[Event, EventData], None]] = {
            "playbook_on_start": self._on_playbook_start,
            "playbook_on_play_start": self._on_play_start,
            "playbook_on_stats": self._on_stats,
            "runner_on_start": self._on_runner_event,
            "runner_retry": self._on_runner_event,
        }
        for name in _TASK_STARTS:
            self._dispatch[name] = self._on_task_start
        for name in (*_FINALS, *_ITEMS, *_ASYNC):
            self._dispatch[name] = self._on_runner_event

    # ------------------------------------------------------------------ public

    def add(self, event: Mapping[str, Any] | Event, changes: Changes | None = None) -> Changes:
        """Apply one event as runner writes it; return (or extend `changes` with) what changed.

        Raises ValueError for an event that is not a JSON object.
        """
        ev = event if isinstance(event, Event) else coerce_event(event)
        ch = changes if changes is not None else Changes()
        key = (ev.counter, ev.uuid)
        if key in self._seen:
            return ch
        self._seen.add(key)
        self.events += 1
        self._changes = ch
        data = ev.event_data
        self._dispatch.get(ev.event, self._on_message)(ev, data if data is not None else _NO_DATA)
        if self._dirty:
            self._refold()
        return ch

    def __contains__(self, key: tuple[int, str]) -> bool:
        """Whether the event `(counter, uuid)` has been applied."""
        return key in self._seen

    def host_states(self) -> dict[str, int]:
        """Distinct hosts by their worst status so far (a host that failed once is failed)."""
        out: dict[str, int] = {}
        for tally in self.hosts.values():
            status = worst(tally)
            if status is not None:
                out[status] = out.get(status, 0) + 1
        return out

    def nodes(self) -> list[Node]:
        """Every node, in tree order."""
        return self.root.walk()

    def to_dict(self) -> dict[str, Any]:
        """The tree as the JSON of tree-json.md."""
        return _node_dict(self.root)

    # ------------------------------------------------------------ event kinds

    def _on_playbook_start(self, ev: Event, data: EventData) -> None:
        root = self.root
        uuid = data.playbook_uuid or ev.uuid
        if root.uuid is not None and root.uuid != uuid:
            # Another run's playbook in a reused ident: shown whole, beside this one.
            node = self._by_uuid.get(uuid)
            if node is None:
                node = self._structural("playbook", uuid, data.playbook or "", ev.counter, root)
            node.placeholder = False
            node.ref = ev.key
            self._bump_time(node, ev.created, None)
            return
        root.uuid = uuid
        root.name = data.playbook or root.name
        root.counter = ev.counter
        root.ref = ev.key
        root.placeholder = False
        self._changes.changed.add(root)
        self._bump_time(root, ev.created, None)
        if uuid not in self._by_uuid:
            self._by_uuid[uuid] = root
            self._adopt(uuid, root)

    def _on_play_start(self, ev: Event, data: EventData) -> None:
        uuid = base_uuid(data.play_uuid or ev.uuid)
        name = data.play if data.play is not None else (data.name or "")
        playbook = self._playbook_of(ev, data)
        play = self._structural("play", uuid, name, ev.counter, playbook)
        self._make_real(play, name, playbook, ev.counter)
        play.batches += 1
        if play.ref is None or ev.counter < play.ref[0]:
            play.ref = ev.key
        if data.play_pattern is not None:
            play.detail = data.play_pattern
        self._changes.changed.add(play)
        self._bump_time(play, ev.created, None)

    def _on_task_start(self, ev: Event, data: EventData) -> None:
        uuid = base_uuid(data.task_uuid or ev.uuid)
        name = _task_name(data.task if data.task is not None else (data.name or ""), data.role)
        parent, awaited = self._play_of(ev, data, uuid)
        copy = self._task(uuid, name, ev.counter, parent, awaited, data)
        copy.started(ev.counter, name, ev.key, ev.created)
        if ev.event == "playbook_on_handler_task_start" or data.is_conditional is True:
            copy.handler = True
        self._note_task(copy, data)
        task = copy.node
        self._lead(copy)
        if awaited is None and task.parent is not parent:
            self._move(task, parent)
        self._changes.changed.add(task)
        self._bump_time(task, ev.created, None)

    def _on_runner_event(self, ev: Event, data: EventData) -> None:
        task_uuid = data.task_uuid or ev.parent_uuid
        task_uuid = base_uuid(task_uuid) if task_uuid else None
        host = data.host or host_from_stdout(ev.stdout)
        if task_uuid is None or host is None:
            if ev.event == "runner_on_start":
                return  # no host and no stdout: nothing to show
            self._on_message(ev, data)
            return
        kind = ev.event
        job = _job_id(data) if kind in _ASYNC else None
        if kind == "runner_on_async_poll" and job is not None:
            self._on_poll(ev, data, host, job)
            return
        play = base_uuid(data.play_uuid) if data.play_uuid else None
        for rescued in self._rescue.seen((play, host), ev.counter):
            self._set_run_status(rescued, RESCUED)
        parent, awaited = self._task_of(ev, data, task_uuid)
        if kind == "runner_on_start":
            run = self._start_run(task_uuid, host, parent, awaited, ev)
            if run.finals is None:
                run.start = ev.created
            self._bump_time(run.parent, ev.created, None)
            return
        run = self._run_at(task_uuid, host, parent, awaited, ev)
        res = data.res
        if kind in _FINALS:
            status = _result_status(_FINALS[kind], data)
            detail = _why(res, status)
            final: Final = (
                ev.counter,
                ev.uuid,
                status,
                data.start,
                data.end,
                data.duration,
                detail,
            )
            if run.finals is None:
                run.finals = [final]
            else:
                insort(run.finals, final, key=_final_order)
            self._apply_finals(run)
            return
        if kind in _ITEMS:
            status = _result_status(_ITEMS[kind], data)
            label = None
            if res is not None:
                label = raw_text(res.item_label) or raw_text(res.item)
            child = self._leaf("item", label or "item", ev, run, status)
            child.detail = _why(res, status)
        elif kind == "runner_retry":
            attempts = res.attempts if res is not None else None
            retries = res.retries if res is not None else None
            name = f"attempt {attempts}" if isinstance(attempts, int) else "retry"
            if isinstance(attempts, int) and isinstance(retries, int):
                name = f"attempt {attempts} of {retries}"
            child = self._leaf("retry", name, ev, run, FAILED)
            child.detail = _why(res, FAILED)
        else:
            what = _ASYNC[kind]
            status = FAILED if what == "failed" else OK
            if status == OK and res is not None and what == "done" and _truthy(res.changed):
                status = CHANGED
            child = self._leaf("async", f"async {what}", ev, run, status)
            child.detail = _why(res, status) if status == FAILED else job
            if job is not None and what != "poll":
                self._claim_job(run, host, job)
        self._bump_time(run, None, None)

    def _on_poll(self, ev: Event, data: EventData, host: str, job: str) -> None:
        """An async poll: Ansible files it under an internal `async_status` task that
        never starts, so it is tied to its host run by job id instead."""
        key = (host, job)
        owner = self._jobs.get(key)
        if owner is None:
            latest = self._last_started.get(host)
            started = latest.start_counter if latest is not None else None
            if latest is not None and started is not None and started < ev.counter:
                owner = None if latest.finals else latest
        node = self._new("async", "async poll", ev.counter)
        node.uuid = ev.uuid or None
        node.ref = ev.key
        node.status = OK
        node.host = host
        node.detail = job
        self._attach(node, owner if owner is not None else self.root)
        self._changes.added.append(node)
        if key not in self._jobs:
            self._polls.setdefault(key, []).append(node)

    def _claim_job(self, run: Node, host: str, job: str) -> None:
        """`run` owns async job `job`: its polls, wherever they wait, move under it."""
        key = (host, job)
        self._jobs[key] = run
        for poll in self._polls.pop(key, ()):
            if poll.parent is not run:
                self._move(poll, run)

    def _on_stats(self, ev: Event, data: EventData) -> None:
        recap: dict[str, dict[str, int]] = {}
        for field in RECAP_FIELDS:
            per_host = getattr(data, field)
            if not isinstance(per_host, Mapping):
                continue
            for host, count in per_host.items():
                if not isinstance(host, str):
                    continue
                host = safe_text(host)
                entry = recap.setdefault(host, dict.fromkeys(RECAP_FIELDS, 0))
                entry[field] = (
                    count if isinstance(count, int) and not isinstance(count, bool) else 0
                )
        self.recap = dict(sorted(recap.items()))
        self._changes.recap = True
        rescue = self._rescue
        for run in rescue.set_recap({host: c["rescued"] for host, c in self.recap.items()}):
            self._set_run_status(run, RESCUED if run in rescue.rescued else FAILED)
        self._bump_time(self.root, None, ev.created)
        if not self.finished:
            self.finished = True
            for node in (self.root, *self._by_uuid.values()):
                self._refresh(node)

    def _on_message(self, ev: Event, data: EventData) -> None:
        parent, awaited = self._message_parent(ev, data)
        node = self._new("message", ev.event, ev.counter)
        node.uuid = ev.uuid or None
        node.ref = ev.key
        node.status = FAILED if ev.event == "error" else OK
        node.host = data.host
        node.detail = _message_detail(ev, data)
        node.owner = base_uuid(ev.parent_uuid) if ev.parent_uuid else None
        self._attach(node, parent)
        self._park(node, awaited)
        self._changes.added.append(node)
        included = data.included_file
        if ev.event == "playbook_on_include" and isinstance(included, str) and data.play_uuid:
            self._dirty |= self._includes.add_included(base_uuid(data.play_uuid), included)

    # ------------------------------------------------------- resolving levels

    def _playbook_of(self, ev: Event, data: EventData) -> Node:
        if data.playbook_uuid is not None:
            node = self._by_uuid.get(data.playbook_uuid)
            if node is not None and node.kind == "playbook":
                return node
        if not self.root.name and data.playbook:
            self.root.name = data.playbook
            self._changes.changed.add(self.root)
        return self.root

    def _play_of(self, ev: Event, data: EventData, task_uuid: str) -> tuple[Node, str | None]:
        """The play a task belongs to, from event_data, else from its parent_uuid.

        Returns the parent and, when that is the root standing in for a parent that has
        not arrived, the uuid it waits for.
        """
        if data.play_uuid is not None:
            playbook = self._playbook_of(ev, data)
            play_uuid = base_uuid(data.play_uuid)
            return self._structural("play", play_uuid, data.play or "", ev.counter, playbook), None
        parent = base_uuid(ev.parent_uuid) if ev.parent_uuid else None
        if parent is None:
            return self._playbook_of(ev, data), None
        if parent == task_uuid:  # a free/serial repeat names the first start as its parent
            known = self._by_uuid.get(task_uuid)
            return (known.parent or self.root, None) if known is not None else (self.root, None)
        return self._lookup(parent)

    def _task_of(self, ev: Event, data: EventData, task_uuid: str) -> tuple[Node, str | None]:
        """The task a host result belongs to, built from event_data if it has not started."""
        other = self._by_uuid.get(task_uuid)
        if other is not None and other.kind != "task":
            return other, None  # a play's uuid named as a task's: hostile, but shown
        copy = self._copies.get(task_uuid)
        if copy is not None:
            if copy.placeholder and ev.counter < copy.counter:
                copy.named(ev.counter)
                self._lead(copy)
            if copy.play is None and data.play_uuid is not None:
                self._note_task(copy, data)
            return copy.node, None
        if data.task_uuid is None:
            return self.root, task_uuid
        parent, awaited = self._play_of(ev, data, task_uuid)
        name = _task_name(data.task or "", data.role)
        copy = self._task(task_uuid, name, ev.counter, parent, awaited, data)
        return copy.node, None

    def _message_parent(self, ev: Event, data: EventData) -> tuple[Node, str | None]:
        if not ev.parent_uuid:
            return self._playbook_of(ev, data), None
        parent = base_uuid(ev.parent_uuid)
        node = self._by_uuid.get(parent)
        if node is not None:
            return node, None
        if data.task_uuid is not None and base_uuid(data.task_uuid) == parent:
            return self._task_of(ev, data, parent)
        if data.play_uuid is not None and base_uuid(data.play_uuid) == parent:
            return self._play_of(ev, data, "")
        return self.root, parent

    def _lookup(self, uuid: str) -> tuple[Node, str | None]:
        node = self._by_uuid.get(uuid)
        return (node, None) if node is not None else (self.root, uuid)

    # ------------------------------------------------------------ host runs

    def _start_run(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        runs = self._runs.get((task_uuid, host))
        if runs is None:
            runs = self._runs[(task_uuid, host)] = []
        at = ev.counter
        prev = _run_containing(runs, at) if runs else None
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
        run.ref = ev.key
        self._note_started(host, run)
        insort(runs, run, key=_start_order)
        self._dirty |= self._includes.add_run(run)
        if prev is not None:
            self._split(prev, run, at, runs)
        return run

    def _note_started(self, host: str, run: Node) -> None:
        latest = self._last_started.get(host)
        at = run.start_counter
        if latest is None or (at is not None and (latest.start_counter or -1) < at):
            self._last_started[host] = run

    def _run_at(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        runs = self._runs.get((task_uuid, host))
        if runs is None:
            runs = self._runs[(task_uuid, host)] = []
        run = _run_containing(runs, ev.counter)
        if run is None:
            run = self._new_run(task_uuid, host, parent, awaited, ev)
            run.ref = ev.key
            runs.insert(0, run)
            self._dirty |= self._includes.add_run(run)
        elif run.start_counter is None and ev.counter < run.counter:
            run.uuid = ev.uuid
            self._set_counter(run, ev.counter)
        return run

    def _new_run(
        self, task_uuid: str, host: str, parent: Node, awaited: str | None, ev: Event
    ) -> Node:
        run = self._new("host", host, ev.counter)
        run.host = host
        run.uuid = ev.uuid
        run.owner = task_uuid
        copy = self._copies.get(task_uuid)
        if copy is not None:
            copy.hosts.add(host)
        run.action = ev.data.task_action
        self._attach(run, parent)
        self._park(run, awaited)
        self._host_tally(host, None, run.status)
        self._changes.added.append(run)
        return run

    def _split(self, prev: Node, run: Node, at: int, runs: list[Node]) -> None:
        """A start arrived inside `prev`: what came after it belongs to the new run."""
        moving = [child for child in prev.children if child.counter > at]
        for child in moving:
            self._move(child, run)
        if prev.finals:
            later = [f for f in prev.finals if f[0] > at]
            if later:
                prev.finals = [f for f in prev.finals if f[0] <= at] or None
                run.finals = later
                self._apply_finals(prev)
                self._apply_finals(run)
        if prev.start_counter is None and not prev.children and not prev.finals:
            self._remove(prev)
            runs.remove(prev)
            self._dirty |= self._includes.remove_run(prev)

    def _apply_finals(self, run: Node) -> None:
        if run.finals:
            counter, uuid, status, start, end, duration, detail = run.finals[-1]
            run.ref = (counter, uuid)
            run.detail = detail
            run.duration = duration
            self._set_time(run, start, end)
            if run.start_counter is None:
                first = run.finals[0]
                if first[0] < run.counter:
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
        copy = self._copies.get(run.owner or "")
        where = (copy.play if copy is not None else None, run.host or run.name)
        failed_at = run.finals[-1][0] if status == FAILED and run.finals else None
        rescue = self._rescue
        for other in rescue.set_failed(run, where, failed_at):
            if other is not run:
                self._set_run_status(other, RESCUED if other in rescue.rescued else FAILED)
        return RESCUED if run in rescue.rescued else status

    def _leaf(self, kind: Kind, name: str, ev: Event, run: Node, status: str) -> Node:
        node = self._new(kind, name, ev.counter)
        node.uuid = ev.uuid or None
        node.ref = ev.key
        node.status = status
        node.host = run.host
        self._attach(node, run)
        self._changes.added.append(node)
        if run.start_counter is None and ev.counter < run.counter:
            run.uuid = ev.uuid
            self._set_counter(run, ev.counter)
        return node

    # ------------------------------------------------------------ task nodes

    def _task(
        self,
        uuid: str,
        name: str,
        counter: int,
        parent: Node,
        awaited: str | None,
        data: EventData,
    ) -> TaskCopy:
        """The task copy `uuid`, with a placeholder node of its own the first time."""
        copy = self._copies.get(uuid)
        if copy is not None:
            node = copy.node
            if node.placeholder and node.parent is self.root and parent is not self.root:
                self._move(node, parent)
            if copy.placeholder and counter < copy.counter:
                copy.named(counter)
                self._lead(copy)
            return copy
        other = self._by_uuid.get(uuid)
        node = self._new("task", name, counter)
        node.uuid = uuid
        node.placeholder = True
        node.counts = {}
        node.tally = {}
        node.order = (counter, 0, 0)
        copy = TaskCopy(uuid, node)
        self._copies[uuid] = copy
        self._groups[node] = TaskGroup(copy)
        self._attach(node, parent)
        self._park(node, awaited)
        self._changes.added.append(node)
        self._refresh(node)
        if other is None:  # a play's uuid named as a task's (hostile) stays the play's
            self._by_uuid[uuid] = node
            for adopted in self._adopt(uuid, node):
                if adopted.kind == "host" and adopted.host is not None:
                    copy.hosts.add(adopted.host)
                    self._dirty |= self._includes.add_run(adopted)
        self._note_task(copy, data)
        self._show(node)
        return copy

    def _note_task(self, copy: TaskCopy, data: EventData) -> None:
        """What its events say of a task: role, action, path, play (as a start says)."""
        if data.role is not None:
            copy.role = data.role
        if data.task_action is not None:
            copy.action = data.task_action
        was_play = copy.play
        learnt = False
        if copy.path is None and data.task_path is not None:
            copy.path = data.task_path
            learnt = True
        if was_play is None and data.play_uuid is not None:
            copy.play = base_uuid(data.play_uuid)
            learnt = True
        if learnt:
            self._dirty |= self._includes.note_copy(copy, was_play)
        if self._groups[copy.node].leader is copy:
            self._show(copy.node)

    def _lead(self, copy: TaskCopy) -> None:
        """`copy` started or was named earlier: its node shows it if it now leads."""
        node = copy.node
        if self._groups[node].improved(copy):
            self._show(node)

    def _show(self, node: Node) -> None:
        """A task node shows its leading copy: uuid, name, start, and its place."""
        lead = self._groups[node].leader
        node.uuid = lead.uuid
        node.placeholder = lead.placeholder
        node.ref = lead.ref
        node.role = lead.role
        node.action = lead.action
        node.path = lead.path
        node.handler = lead.handler
        renamed = bool(lead.name) and node.name != lead.name
        if renamed:
            node.name = lead.name
        self._changes.changed.add(node)
        self._place_task(node, renamed)

    def _place_task(self, node: Node, moved: bool = False) -> None:
        """Give a task node its counter and its place among its siblings.

        Task nodes keep an `order`: a static task its own counter; a folded one the
        counter of the static task its include followed, then its leader's. A static
        task's counter is its own; a folded one's is its leader's, or the counter of
        the task after it in `order` when that is lower (a host that skipped the include
        ran ahead). So children stay ordered by counter, in the order `linear` runs them.
        """
        group = self._groups[node]
        own = group.leader.counter
        if group.key is None:
            order: tuple[int, ...] = (own, 0, 0)
        else:
            anchor = self._copies.get(group.anchor) if group.anchor is not None else None
            order = (anchor.node.counter if anchor is not None else -1, 1, own)
        parent = node.parent
        if parent is None:
            node.order, node.counter = order, own
            return
        tasks = self._tasks[parent]
        old_before = None
        reordered = order != node.order
        if reordered:
            old_before = _neighbour(tasks, node, -1)
            _drop_task(tasks, node)
            node.order = order
            insort(tasks, node, key=_order)
        counter = own if group.key is None else _clamped(own, _neighbour(tasks, node, 1))
        changed = counter != node.counter
        if changed or reordered or moved:
            self._resort(parent.children, node, counter, moved)
        self._settle_at(_neighbour(tasks, node, -1))
        if old_before is not None:
            self._settle_at(old_before)
        if group.key is None and (changed or reordered):
            for folded in sorted(self._anchored.get(group.leader.uuid, ()), key=_node_id):
                self._place_task(folded)

    def _settle_at(self, task: Node | None) -> None:
        """From `task` back, folded tasks take a lower counter where the task after them
        has one (see `_place_task`), until nothing changes."""
        if task is None or task.parent is None:
            return
        tasks = self._tasks[task.parent]
        current: Node | None = task
        while current is not None and current.parent is not None:
            group = self._groups.get(current)
            if group is None or group.key is None:
                return
            counter = _clamped(group.leader.counter, _neighbour(tasks, current, 1))
            if counter == current.counter:
                return
            self._resort(current.parent.children, current, counter)
            current = _neighbour(tasks, current, -1)

    def _resort(self, siblings: list[Node], node: Node, counter: int, moved: bool = False) -> None:
        """Set a task's counter and put it back in its siblings' order."""
        old = siblings.index(node)
        del siblings[old]
        node.counter = counter
        insort(siblings, node, key=sibling_order)
        if moved or old >= len(siblings) or siblings[old] is not node:
            self._changes.moved.append(node)
        self._changes.changed.add(node)

    def _refold(self) -> None:
        """Copies whose execution may have changed join the task node of the one they
        are in now; a node left without copies leaves the tree."""
        while self._dirty:
            dirty = sorted(self._dirty, key=_copy_order)
            self._dirty.clear()
            for copy in dirty:
                self._refold_copy(copy)

    def _refold_copy(self, copy: TaskCopy) -> None:
        key = self._includes.key(copy)
        if key == copy.key:
            return
        old = copy.node
        group = self._groups[old]
        target = self._folds.get(key) if key is not None else None
        copy.key = key
        if target is None and len(group.members) == 1:
            self._register(old, group, key)  # alone: its node takes the new key
            self._place_task(old)
            return
        if target is None:
            target = self._new("task", copy.name, copy.counter)
            target.counts = {}
            target.tally = {}
            target.order = (copy.counter, 0, 0)
            parent = old.parent if old.parent is not None else self.root
            self._groups[target] = TaskGroup(copy)
            self._attach(target, parent)
            self._changes.added.append(target)
            self._refresh(target)
            self._register(target, self._groups[target], key)
        else:
            self._groups[target].join(copy)
        group.leave(copy)
        copy.node = target
        if self._by_uuid.get(copy.uuid) is old:
            self._by_uuid[copy.uuid] = target
        for child in [c for c in old.children if c.owner == copy.uuid]:
            self._move(child, target)
        if group.members:
            self._respan(old)
            self._show(old)
        else:
            for child in list(old.children):
                self._move(child, target)
            self._register(old, group, None)
            del self._groups[old]
            self._remove(old)
        self._bump_time(target, copy.created, None)
        self._show(target)

    def _respan(self, task: Node) -> None:
        """A task node lost host runs: its span is again that of what it still holds."""
        starts = [c.created for c in self._groups[task].members if c.created is not None]
        starts += [child.start for child in task.children if child.start is not None]
        ends = [child.end for child in task.children if child.end is not None]
        task.start = min(starts, default=None)
        task.end = max(ends, default=None)
        self._changes.changed.add(task)

    def _register(self, node: Node, group: TaskGroup, key: FoldKey | None) -> None:
        """`node` now shows execution `key` (None: it shows no fold)."""
        if group.key is not None:
            if self._folds.get(group.key) is node:
                del self._folds[group.key]
            if group.anchor is not None:
                self._anchored.get(group.anchor, set()).discard(node)
        group.key = key
        group.anchor = key[1] if key is not None else None
        if key is not None:
            self._folds[key] = node
            if group.anchor is not None:
                self._anchored.setdefault(group.anchor, set()).add(node)

    # -------------------------------------------------------- tree mechanics

    def _new(self, kind: Kind, name: str, counter: int) -> Node:
        node = Node(self._next_id, kind, name, counter)
        self._next_id += 1
        return node

    def _structural(
        self,
        kind: Kind,
        uuid: str,
        name: str,
        counter: int,
        parent: Node,
        awaited: str | None = None,
    ) -> Node:
        """The play or task `uuid`, made as a placeholder the first time it is named."""
        node = self._by_uuid.get(uuid)
        if node is not None:
            if node.placeholder and node.parent is self.root and parent is not self.root:
                self._move(node, parent)
            if node.placeholder and counter < node.counter:
                self._set_counter(node, counter)
            return node
        node = self._new(kind, name, counter)
        node.uuid = uuid
        node.placeholder = True
        node.counts = {}
        node.tally = {}
        self._attach(node, parent)
        self._park(node, awaited)
        self._changes.added.append(node)
        self._by_uuid[uuid] = node
        self._refresh(node)
        self._adopt(uuid, node)
        return node

    def _make_real(self, node: Node, name: str, parent: Node | None, counter: int) -> None:
        """Its own start event arrived: its name and (when known) parent are authoritative.

        A placeholder's counter is the lowest of the events that named it; once started,
        a node's counter is the lowest of its own start events, whatever came before.
        """
        if counter < node.counter or (node.placeholder and counter != node.counter):
            self._set_counter(node, counter)
        if node.placeholder or node.name != name:
            node.placeholder = False
            if name and node.name != name:
                node.name = name
                self._reorder(node)
            self._changes.changed.add(node)
        if parent is not None and node.parent is not parent:
            self._move(node, parent)

    def _park(self, node: Node, awaited: str | None) -> None:
        """`node` stands under the root until a node with uuid `awaited` arrives."""
        if awaited is not None:
            self._pending.setdefault(awaited, []).append(node)

    def _adopt(self, uuid: str, parent: Node) -> list[Node]:
        """Nodes parked while waiting for `uuid` move under it; returns them."""
        adopted = []
        for node in self._pending.pop(uuid, ()):
            if node.parent is self.root and node is not parent:
                self._move(node, parent)
                adopted.append(node)
        return adopted

    def _attach(self, node: Node, parent: Node) -> None:
        node.parent = parent
        siblings = parent.children
        if not siblings or sibling_order(siblings[-1]) <= sibling_order(node):
            siblings.append(node)
        else:
            insort(siblings, node, key=sibling_order)
        if node.kind == "task":
            tasks = self._tasks.setdefault(parent, [])
            insort(tasks, node, key=_order)
            self._settle_at(_neighbour(tasks, node, -1))
        if node.kind == "message":
            return
        if parent.tally is not None:
            self._tally(parent, None, node.status)
        counts = node.counts if node.counts is not None else None
        if node.kind == "host":
            self._count(parent, None, node.status)
        elif counts:
            for status, n in counts.items():
                self._count(parent, None, status, n)
        self._bump_time(parent, node.start, node.end)

    def _detach(self, node: Node) -> None:
        parent = node.parent
        if parent is None:
            return
        parent.children.remove(node)
        if node.kind == "task":
            tasks = self._tasks[parent]
            before = _neighbour(tasks, node, -1)
            _drop_task(tasks, node)
            node.parent = None
            self._settle_at(before)
        node.parent = None
        if node.kind == "message":
            return
        if parent.tally is not None:
            self._tally(parent, node.status, None)
        if node.kind == "host":
            self._count(parent, node.status, None)
        elif node.counts:
            for status, n in node.counts.items():
                self._count(parent, status, None, n)

    def _move(self, node: Node, parent: Node) -> None:
        if node.parent is parent or node is parent or parent in node.walk():
            return
        old = node.parent
        self._detach(node)
        self._attach(node, parent)
        self._changes.moved.append(node)
        if old is not None:
            self._changes.changed.add(old)
        self._changes.changed.add(parent)

    def _remove(self, node: Node) -> None:
        self._detach(node)
        if node.kind == "host":
            self._host_tally(node.host or node.name, node.status, None)
        self._changes.removed.append(node)

    def _reorder(self, node: Node) -> None:
        """Its counter or name changed: put it back in its siblings' order."""
        parent = node.parent
        if parent is None:
            return
        siblings = parent.children
        siblings.remove(node)
        insort(siblings, node, key=sibling_order)
        self._changes.moved.append(node)

    def _set_counter(self, node: Node, counter: int) -> None:
        if node.kind == "host":
            self._dirty |= self._includes.move_run(node, counter)
        node.counter = counter
        self._reorder(node)
        self._changes.changed.add(node)

    def _tally(self, node: Node, old: str | None, new: str | None) -> None:
        """A child's roll-up status went from `old` to `new` (None: it came or went)."""
        tally = node.tally
        assert tally is not None
        if old is not None:
            tally[_BUCKET.get(old, old)] -= 1
        if new is not None:
            came = _BUCKET.get(new, new)
            tally[came] = tally.get(came, 0) + 1
            # Fast path: a child as bad as the parent, or better, while the parent's own
            # status is still held by another child, changes nothing.
            current = node.status
            if _RANK[came] <= _RANK.get(current, -1) and tally.get(current, 0) > 0:
                return
        self._refresh(node)

    def _refresh(self, node: Node) -> None:
        """Recompute a structural node's status from its tally and pass a change up."""
        if node.tally is None:
            return
        status = worst(node.tally) or (SKIPPED if self.finished else RUNNING)
        old = node.status
        if status == old:
            return
        node.status = status
        self._changes.changed.add(node)
        parent = node.parent
        if parent is not None and parent.tally is not None:
            self._tally(parent, old, status)

    def _count(self, start: Node, old: str | None, new: str | None, n: int = 1) -> None:
        """Host-run counts by status on `start` and every structural node above it."""
        node: Node | None = start
        changed = self._changes.changed
        while node is not None:
            counts = node.counts
            if counts is not None:
                if old is not None:
                    left = counts[old] - n
                    if left:
                        counts[old] = left
                    else:
                        del counts[old]
                if new is not None:
                    counts[new] = counts.get(new, 0) + n
                changed.add(node)
            node = node.parent

    def _host_tally(self, host: str, old: str | None, new: str | None) -> None:
        tally = self.hosts.get(host)
        if tally is None:
            tally = self.hosts[host] = {}
        if old is not None:
            tally[_BUCKET.get(old, old)] -= 1
        if new is not None:
            bucket = _BUCKET.get(new, new)
            tally[bucket] = tally.get(bucket, 0) + 1

    def _set_run_status(self, run: Node, status: str) -> None:
        old = run.status
        if old == status:
            return
        run.status = status
        self._host_tally(run.host or run.name, old, status)
        parent = run.parent
        if parent is not None:
            if parent.tally is not None:
                self._tally(parent, old, status)
            self._count(parent, old, status)

    def _set_time(self, node: Node, start: str | None, end: str | None) -> None:
        if start is not None:
            node.start = start
        node.end = end if end is not None else node.end
        self._bump_time(node.parent, start, end)

    def _bump_time(self, node: Node | None, start: str | None, end: str | None) -> None:
        """Widen the span of structural ancestors to cover [start, end]."""
        while node is not None and (start is not None or end is not None):
            grew = False
            if start is not None and (node.start is None or start < node.start):
                node.start = start
                grew = True
            if end is not None and node.is_structural and (node.end is None or end > node.end):
                node.end = end
                grew = True
            if not grew:
                return
            self._changes.changed.add(node)
            node = node.parent


def _clamped(own: int, after: Node | None) -> int:
    """A folded task's counter: its own, or the next task's when that is lower."""
    return own if after is None or after.counter > own else after.counter


def _order(node: Node) -> tuple[int, ...]:
    return node.order


def _index_of(tasks: list[Node], node: Node) -> int:
    """Where task `node` is in a list of tasks by `order`."""
    i = bisect_left(tasks, node.order, key=_order)
    while tasks[i] is not node:
        i += 1
    return i


def _neighbour(tasks: list[Node], node: Node, step: int) -> Node | None:
    """The task before (`step` -1) or after (1) `node` in `order`."""
    i = _index_of(tasks, node) + step
    return tasks[i] if 0 <= i < len(tasks) else None


def _drop_task(tasks: list[Node], node: Node) -> None:
    del tasks[_index_of(tasks, node)]


def _copy_order(copy: TaskCopy) -> str:
    return copy.uuid


def _node_id(node: Node) -> int:
    return node.id


def _run_containing(runs: list[Node], counter: int) -> Node | None:
    """The host run an event at `counter` belongs to: the last one started before it."""
    for run in reversed(runs):
        start = run.start_counter
        if start is None or start < counter:
            return run
    return None


def _start_order(run: Node) -> int:
    return -1 if run.start_counter is None else run.start_counter


def _final_order(final: Final) -> int:
    return final[0]


def _task_name(name: str, role: str | None) -> str:
    if role and name.startswith(f"{role} : "):
        return name[len(role) + 3 :]
    return name


def _result_status(status: str, data: EventData) -> str:
    """ok with `res.changed` is changed; failed with `ignore_errors` is ignored."""
    if status == OK and data.res is not None and _truthy(data.res.changed):
        return CHANGED
    if status == FAILED and _truthy(data.ignore_errors):
        return IGNORED
    return status


def _job_id(data: EventData) -> str | None:
    res = data.res
    job = res.ansible_job_id if res is not None else None
    return job if isinstance(job, str) and job else None


def _truthy(value: object) -> bool:
    """Ansible's loose booleans: `changed: "yes"` from a misbehaving module is still a change."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return isinstance(value, bool | int | float) and bool(value)


def _why(res: Any, status: str) -> str | None:
    """One line of why a result failed: its `msg`, else its return code."""
    if res is None or status not in (FAILED, IGNORED, UNREACHABLE):
        return None
    if res.censored is not None:
        return "censored (no_log)"
    text = raw_text(res.msg)
    if text:
        return strip_ansi(text)
    if res.rc is not None:
        return f"rc={res.rc}"
    return None


def _message_detail(ev: Event, data: EventData) -> str | None:
    if ev.event == "playbook_on_include" and data.included_file is not None:
        return str(data.included_file)[:200]
    if ev.event == "playbook_on_notify" and data.handler is not None:
        host = f" on {data.host}" if data.host else ""
        return f"notified {data.handler}{host}"[:200]
    text = strip_ansi(ev.stdout).strip()
    if not text:
        return None
    first = text.split("\n", 1)[0].strip()
    return first[:200] + ("…" if len(first) > 200 or first != text else "")


def node_dict(node: Node, *, children: bool = True) -> dict[str, Any]:
    """One node as tree-json.md has it; without its children when `children` is False."""
    return _node_dict(node, children=children)


def _node_dict(node: Node, *, children: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": node.kind,
        "name": node.name,
        "status": node.status,
        "counter": node.counter,
        "uuid": node.uuid,
    }
    if node.kind == "task":
        out["role"] = node.role
        out["handler"] = node.handler
    if node.kind == "play":
        out["batches"] = node.batches
    if node.counts is not None:
        out["counts"] = {s: node.counts[s] for s in STATUSES if node.counts.get(s)}
    if node.detail is not None:
        out["detail"] = node.detail
    if node.start is not None:
        out["start"] = node.start
    if node.end is not None:
        out["end"] = node.end
    elapsed = node.elapsed
    if elapsed is not None:
        out["duration"] = round(elapsed, 6)
    if children:
        out["children"] = [_node_dict(child) for child in node.children]
    return out
