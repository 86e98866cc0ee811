"""`EventTree`: the run's tree, built one job event at a time in any arrival order.

Structure comes from identities, not from arrival order: plays and tasks are keyed by
their uuid (without the `_N` suffix of free/serial repeats), included tasks by the
execution of their include (`task_nodes.py`), host runs by task, host and the counter
of their `runner_on_start`. An event whose parent has not arrived is placed under a
placeholder built from its own `event_data`, or parked under the root until a node with
its `parent_uuid` appears. Statuses come from results, but for `rescued`, which is read
from what the host did next (`rescue.py`). So every permutation of the same events ends
in the same tree, and each `add` costs the same at any size of run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .ansi import strip_ansi
from .events import (
    Event,
    EventData,
    base_uuid,
    coerce_event,
    host_from_stdout,
    raw_text,
    safe_text,
)
from .nodes import Changes, Node
from .run_nodes import RunNodes
from .seen_events import SeenEvents
from .status import (
    CHANGED,
    FAILED,
    IGNORED,
    OK,
    RESCUED,
    SKIPPED,
    UNREACHABLE,
    worst,
)
from .tree_base import sibling_order
from .tree_json import node_dict

__all__ = ["RECAP_FIELDS", "EventTree", "node_dict", "sibling_order"]

_NO_DATA = EventData()

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
#: statuses a result says why of (`_why`)
_WHY = frozenset({FAILED, IGNORED, UNREACHABLE})
_ASYNC = {
    "runner_on_async_poll": "poll",
    "runner_on_async_ok": "done",
    "runner_on_async_failed": "failed",
}


class EventTree(RunNodes):
    """The tree of one run: playbook → play → task → host run → item / retry / async.

    Not thread-safe: one writer, and readers that do not overlap with `add`.
    """

    def __init__(self) -> None:
        super().__init__()
        #: async jobs: (host, job id) -> the host run whose async_ok/failed names it
        self._jobs: dict[tuple[str, str], Node] = {}
        #: async polls by (host, job id), until their owner is known
        self._polls: dict[tuple[str, str], list[Node]] = {}
        self._seen = SeenEvents()
        #: events applied (duplicates are not counted)
        self.events = 0
        #: host -> {ok, changed, failures, dark, skipped, rescued, ignored}
        self.recap: dict[str, dict[str, int]] | None = None
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
        if not self._seen.add(ev.counter, ev.uuid):
            return ch
        self.events += 1
        self._changes = ch
        data = ev.event_data
        handler = self._dispatch.get(ev.event)
        if handler is None:
            handler = self._on_message
        handler(ev, data if data is not None else _NO_DATA)
        if self._dirty:
            self._refold()
        return ch

    def add_all(self, events: Iterable[Event], changes: Changes) -> None:
        """`add` of each of `events` (typed events) in turn, in one call.

        A cold load's loop: the same steps as `add`, with its per-call set-up taken
        once for a chunk of events (2-3% of a load's tree building).
        """
        self._changes = changes
        seen = self._seen.add
        dispatch = self._dispatch.get
        on_message = self._on_message
        applied = 0
        for ev in events:
            if not seen(ev.counter, ev.uuid):
                continue
            applied += 1
            data = ev.event_data
            handler = dispatch(ev.event)
            if handler is None:
                handler = on_message
            handler(ev, data if data is not None else _NO_DATA)
            if self._dirty:
                self._refold()
        self.events += applied

    def __contains__(self, key: tuple[int, str]) -> bool:
        """Whether the event `(counter, uuid)` has been applied."""
        return key in self._seen

    def task_node(self, uuid: str) -> Node | None:
        """The task node showing task `uuid` (with or without `_N`): the task's own, or
        the one the copies of an included task's execution are shown in."""
        copy = self._copies.get(base_uuid(uuid))
        return copy.node if copy is not None else None

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
        return node_dict(self.root)

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
        changed = copy.started(ev.counter, name, ev.key, ev.created)
        handler = ev.event == "playbook_on_handler_task_start" or data.is_conditional is True
        if handler and not copy.handler:
            copy.handler = changed = True
        if self._note_task(copy, data) or changed:
            self._lead(copy)
        task = copy.node
        if awaited is None and task.parent is not parent:
            self._move(task, parent)
        self._changes.changed.add(task)
        self._bump_time(task, ev.created, None)

    def _on_runner_event(self, ev: Event, data: EventData) -> None:
        # The hot path of a load (nearly every event): the common cases are tested inline
        # and the general methods called only off them, each doing what it would have done.
        task_uuid = data.task_uuid or ev.parent_uuid or None
        if task_uuid is not None and "_" in task_uuid:
            task_uuid = base_uuid(task_uuid)
        host = data.host or host_from_stdout(ev.stdout)
        if task_uuid is None or host is None:
            if ev.event == "runner_on_start":
                return  # no host and no stdout: nothing to show
            self._on_message(ev, data)
            return
        kind = ev.event
        counter = ev.counter
        job = _job_id(data) if kind in _ASYNC else None
        if kind == "runner_on_async_poll" and job is not None:
            self._on_poll(ev, data, host, job)
            return
        rescue = self._rescue
        if counter > rescue.last.get(host, -1):
            if rescue.waiting.get(host):
                for rescued in rescue.seen(host, counter):
                    self._set_run_status(rescued, RESCUED)
            else:
                rescue.last[host] = counter  # what `seen` does when no run waits
        copy = self._copies.get(task_uuid)
        if (
            copy is None
            or (copy.placeholder and counter < copy.counter)
            or (copy.play is None and data.play_uuid is not None)
        ):
            parent, awaited = self._task_of(ev, data, task_uuid)
        else:  # a task seen before, that nothing here teaches more of: `_task_of`'s answer
            other = self._by_uuid.get(task_uuid)
            parent = other if other is not None and other.kind != "task" else copy.node
            awaited = None
        if kind == "runner_on_start":
            run = self._start_run(task_uuid, host, parent, awaited, ev)
            created = ev.created
            if run.final_ends() is None:
                run.start = created
            if created is not None:
                self._bump_time(run.parent, created, None)
            return
        run = self._run_at(task_uuid, host, parent, awaited, ev)
        res = data.res
        final_status = _FINALS.get(kind)
        if final_status is not None:
            status = _result_status(final_status, data)
            run.add_final(
                (
                    counter,
                    ev.uuid,
                    status,
                    data.start,
                    data.end,
                    data.duration,
                    _why(res, status) if status in _WHY else None,
                )
            )
            self._apply_finals(run)
            return
        if kind in _ITEMS:
            status = _result_status(_ITEMS[kind], data)
            label = None
            if res is not None:
                label = raw_text(res.item_label) or raw_text(res.item)
            child = self._leaf("item", label or "item", ev, run, status)
            if status in _WHY:
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
            if copy.play is None and data.play_uuid is not None and self._note_task(copy, data):
                self._lead(copy)
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


def _task_name(name: str, role: str | None) -> str:
    if role and name.startswith(f"{role} : "):
        return name[len(role) + 3 :]
    return name


def _result_status(status: str, data: EventData) -> str:
    """ok with `res.changed` is changed; failed with `ignore_errors` is ignored."""
    if status == OK and data.res is not None:
        changed = data.res.changed
        if changed is True or (changed is not False and _truthy(changed)):
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
    if res is None or status not in _WHY:
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
