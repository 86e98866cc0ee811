"""`RunState`: everything the live views know of one run, built from the same events.

The tree is the run's structure; the views need more beside it (the log's lines, say).
Whatever reads events (the folder feed, a stream) applies each one here, once, and every
part sees it; the parts never read files themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import msgspec

from .ansible_warnings import is_warning_node
from .events import Event, raw_string
from .holders import HolderIndex, find_holder, held_events, holder_among, holds, is_attached
from .hosts import HostIndex
from .log import RunLog
from .name_index import NameIndex
from .nodes import Changes, Node
from .timing import RunTimes
from .tree import EventTree

#: host runs filed in one locked step of making the hosts index after a load (~10 ms)
HOSTS_STEP = 2000
#: events whose lines a first load keeps aside for the log at most (see `defer_log`): a
#: small run's all (the navigator run's 1,753: 207 KB of raw stdout); a big run's log is
#: made at this point of its load and kept event by event from then on
LOG_DEFERRED = 5000

#: an event's lines kept aside: (counter, uuid, raw stdout, whether it is the recap)
_Aside = tuple[int, str, msgspec.Raw, bool]


class RunState:
    """The tree of a run and the indexes the views keep beside it.

    Not thread-safe, like `EventTree`: one writer, and readers, all holding `lock`.
    """

    def __init__(self) -> None:
        #: held by whoever applies events and by whoever reads what they built
        self.lock = threading.RLock()
        self.tree = EventTree()
        #: the run's stdout in counter order; each event's owner is the node holding it
        self._log: RunLog[Node] = RunLog()
        #: while the log is deferred (`defer_log`): the lines it is still to take
        self._aside: list[_Aside] | None = None
        #: warnings and deprecations Ansible printed (message nodes `is_warning_node` picks)
        self.warnings = 0
        #: where the time went, per task and per host (kept per frame: see `frame_taken`)
        self.times = RunTimes(self.tree)
        #: runs by host and play, for the Hosts view: made when first asked (see `hosts`),
        #: or in steps once a first load is done (`index_hosts_step`)
        self._hosts: HostIndex | None = None
        #: while it is made in steps: the runs to file, and how many are filed
        self._unfiled: list[Node] = []
        self._filed_upto = 0
        #: plays, tasks and hosts by name, for the palette's "go to" (kept per frame)
        self.names = NameIndex()
        #: what the events being applied did, before it joins the caller's changes
        self._step = Changes()
        #: events no node shows (the recap), with the number of events when that was found
        self._unheld: dict[tuple[int, str], int] = {}

    def add(self, event: Event, changes: Changes) -> None:
        """Apply one event to every part (an event seen before changes nothing)."""
        self.add_all((event,), changes)

    def add_all(self, events: Iterable[Event], changes: Changes) -> None:
        """Apply events to every part, and add what they did to `changes`.

        The tree and the log take each event; the hosts index (once made) then sees what
        the batch did, once: it reads each touched run as it is now, so a host run started
        and finished in one batch is filed once, and the cost stays O(1) an event.
        """
        step = self._step
        aside = self._aside
        if aside is not None:
            self._add_aside(events, step, aside)
        else:
            for event in events:
                self._add_one(event, step)
        if not step:
            return
        if self._hosts is not None:
            self._hosts.apply(step)
        changes.added.extend(step.added)
        changes.changed.update(step.changed)
        changes.moved.extend(step.moved)
        changes.removed.extend(step.removed)
        changes.recap = changes.recap or step.recap
        step.clear()

    @property
    def log(self) -> RunLog[Node]:
        """The run's stdout in counter order; each event's owner is the node holding it.

        Made when first asked if it was deferred (`defer_log`) and is not made yet.
        """
        if self._aside is not None:
            with self.lock:  # not while the feed applies a batch
                self.make_log()
        return self._log

    def defer_log(self) -> None:
        """Keep the events' lines aside from now on, for the log to be made later in one go
        (`make_log`, or when `log` is first asked for).

        A first load is the tree, then the first frame: the log's share of it (its lines
        and each event's owner, found from what each event changed) was a third of the
        take-in of a small run. Made later, each line's owner is found in one walk of
        the tree (`HolderIndex`), which `node_at_line` would find anyway.
        """
        if self._aside is None and not self._log.events:
            self._aside = []

    def make_log(self) -> None:
        """Put the lines kept aside into the log (with `lock` held); event by event from
        now on. Each event's owner is the node holding it now, as `holder` finds it."""
        aside = self._aside
        if aside is None:
            return
        self._aside = None
        if not aside:
            return
        root = self.tree.root
        holders = HolderIndex(root)
        add = self._log.add
        for counter, uuid, raw, recap in aside:
            owner = self._task_shown(uuid)
            if owner is None:
                owner = holders.holder(counter, uuid)
                if owner is None and recap:
                    owner = root  # the recap: the run's own lines
            add(counter, uuid, raw_string(raw), owner)  # the log ignores one seen before

    @property
    def hosts(self) -> HostIndex:
        """Runs by host and play, for the Hosts view and "go to" a host.

        Made from the tree when first asked (or finished, when it was being made in
        steps), then kept in step by every batch: a first load of 40k runs need not file
        each one as it starts and again as it ends (about a tenth of its CPU).
        """
        hosts = self._hosts
        if hosts is None or self._unfiled:
            with self.lock:  # not while the feed applies a batch
                self.index_hosts_step(None)
                hosts = self._hosts
                assert hosts is not None
        return hosts

    def index_hosts_step(self, size: int | None = HOSTS_STEP) -> bool:
        """Make the hosts index `size` runs at a time (None: all that are left), with
        `lock` held; True while some are left.

        The feed does this after a first load, between its batches, so the Hosts view
        opens at once and no step holds the lock long. Batches applied between steps
        file what they touch as it is then, and filing a run again changes nothing.
        """
        hosts = self._hosts
        if hosts is None:
            hosts = self._hosts = HostIndex(self.tree)
            self._unfiled = [node for node in self.tree.nodes() if node.kind == "host"]
            self._filed_upto = 0
        elif not self._unfiled:
            return False
        start = self._filed_upto
        end = len(self._unfiled) if size is None else min(start + size, len(self._unfiled))
        hosts.file_runs(self._unfiled[start:end])
        self._filed_upto = end
        if end < len(self._unfiled):
            return True
        self._unfiled = []
        hosts.file_recap()
        return False

    def _add_aside(self, events: Iterable[Event], changes: Changes, aside: list[_Aside]) -> None:
        """The tree takes the events in one call, their lines are kept aside for the log,
        and the warnings are counted: `_add_one`'s work but the log's."""
        batch = events if isinstance(events, list | tuple) else list(events)
        added = changes.added
        first_new = len(added)
        self.tree.add_all(batch, changes)
        aside.extend(
            [
                (e.counter, e.uuid, e.raw_stdout.copy(), e.event == "playbook_on_stats")
                for e in batch
                if len(e.raw_stdout) > 2  # absent or "": no lines
            ]
        )
        self._count_warnings(added, first_new)
        if len(aside) >= LOG_DEFERRED:
            self.make_log()

    def _add_one(self, event: Event, changes: Changes) -> None:
        """The tree, the log and the warnings count take one event."""
        added = changes.added
        first_new = len(added)
        if len(event.raw_stdout) <= 2:  # absent or "": no lines, nothing to place
            self.tree.add(event, changes)  # the tree ignores an event seen before
        else:
            # What this one event changed names the node that shows it, kept with its
            # lines: the new nodes at the end of `added`, the others in a `changed` of its own.
            changed = changes.changed
            own: set[Node] = set()
            changes.changed = own
            try:
                self.tree.add(event, changes)
            finally:
                changed |= own
                changes.changed = changed
            counter, uuid = event.counter, event.uuid
            owner = (
                holder_among(added[first_new:], counter, uuid) if len(added) > first_new else None
            )
            if owner is None:
                owner = holder_among(own, counter, uuid)
            if owner is None and event.event == "playbook_on_stats":
                owner = self.tree.root  # the recap: the run's own lines
            self._log.add(counter, uuid, event.stdout, owner)  # the log ignores one seen before
        self._count_warnings(added, first_new)

    def _count_warnings(self, added: list[Node], first_new: int) -> None:
        """Count the warnings among the nodes added from `first_new` on (not a recount: a
        message event adds one message node)."""
        for at in range(first_new, len(added)):
            node = added[at]
            if node.kind == "message" and is_warning_node(node):  # the kind: no call a node
                self.warnings += 1

    def frame_taken(self, changes: Changes) -> None:
        """Bring the indexes kept per frame up to date with what a frame took.

        `RunTimes` recomputes a task from all its host runs, so it notes the tasks a frame
        touched and recomputes them when asked (the timeline, shown, asks every frame):
        not once per event (a task of 1,000 hosts gets 2,000 events), and not at all while
        nobody looks. The name index takes the frame's new names, so a search never walks.
        """
        self.times.update(changes)
        self.names.update(changes)

    def node_at_line(self, number: int) -> Node:
        """The node showing the event that wrote log line `number` (the root for the recap).

        The owner kept with the event is checked; if the tree has moved the event since
        (a late start split its host run, an include's copies folded), it is looked for
        again and the answer kept.
        """
        entry = self.log.entry(number)
        node = entry.owner
        if node is self.tree.root or (
            node is not None and self._holds(node, entry.counter, entry.uuid)
        ):
            return node
        found = self.holder(entry.counter, entry.uuid)
        if found is not self.tree.root:
            self.log.set_owner(entry.counter, entry.uuid, found)
        return found

    def holder(self, counter: int, uuid: str) -> Node:
        """The node showing the event (counter, uuid) in the tree as it is now: a task's
        start by its uuid, anything else by a walk (the root when no node shows it)."""
        tree = self.tree
        root = tree.root
        key = (counter, uuid)
        if self._unheld.get(key) == tree.events:  # walked already, and nothing came since
            return root
        task = self._task_shown(uuid)
        if task is not None:
            return task
        found = find_holder(root, counter, uuid)
        if found is not None:
            return found
        if len(self._unheld) > 64:
            self._unheld.clear()
        self._unheld[key] = tree.events
        return root

    def _task_shown(self, uuid: str) -> Node | None:
        """The task node in the tree showing task `uuid`'s start (and its copies'), if any."""
        task = self.tree.task_node(uuid) if uuid else None
        return task if task is not None and is_attached(task, self.tree.root) else None

    def _holds(self, node: Node, counter: int, uuid: str) -> bool:
        """`holds`, and a task copy's start shown in its execution's node, in the tree."""
        if not is_attached(node, self.tree.root):
            return False
        if holds(node, counter, uuid):
            return True
        return node.kind == "task" and bool(uuid) and self.tree.task_node(uuid) is node

    def first_line(self, node: Node) -> int | None:
        """The log line where `node` begins: a play's or task's banner, a host's result.

        A play or task begins where its counter falls when that line is its own (under
        `free` a task's banner comes with its first result, after other tasks' lines),
        else at the first line of its host runs; other nodes at the first of their own
        events. Leading blank lines are skipped. None: nothing printed at or after it.
        """
        log = self.log
        if node.is_structural:
            first = log.first_line_from(node.counter)
            if first is not None and _is_within(self.node_at_line(first), node):
                return self._skip_blank(first)
            held = [key for child in node.children for key in held_events(child)]
        else:
            held = list(held_events(node))
        best: int | None = None
        for counter, uuid in held:
            at = log.position(counter, uuid) if uuid is not None else None
            if at is not None and (best is None or at < best):
                best = at
        if best is None:
            best = log.first_line_from(node.counter)
        return None if best is None else self._skip_blank(best)

    def _skip_blank(self, line: int) -> int:
        """The first line from `line` on in the same event that is not blank (if any)."""
        log = self.log
        entry = log.entry(line)
        while line + 1 < log.lines and not log.line(line).strip():
            following = log.entry(line + 1)
            if (following.counter, following.uuid) != (entry.counter, entry.uuid):
                break
            line += 1
        return line


def _is_within(node: Node, ancestor: Node) -> bool:
    current: Node | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False
