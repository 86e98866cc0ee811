"""A run reduced to what comparing it with another needs: its plays and tasks in order, each
host's status on each task, and each task's wall time.

Small and picklable: `diff` builds it in the process that loaded the run and sends only
this across. Node ids point back into the tree it came from, for marks on that tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .nodes import Node
from .timing import RunTimes
from .tree import EventTree

#: a host's status on a task it has no run of (it dropped out, or was not in the play)
ABSENT: Final = "absent"

#: which status a host's several runs of one task count as: the first here among them
_WORST_FIRST: Final = (
    "failed",
    "unreachable",
    "running",
    "changed",
    "rescued",
    "ignored",
    "ok",
    "skipped",
)
_RANK: Final = {status: rank for rank, status in enumerate(_WORST_FIRST)}
_UNKNOWN_RANK: Final = _RANK["running"]

#: the same module, written short or in full
_BUILTIN_PREFIXES: Final = ("ansible.builtin.", "ansible.legacy.")

TaskKey = tuple[str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class HostResult:
    """A host's status on a task, and the host run that stands for it."""

    status: str
    node_id: int


@dataclass(frozen=True, slots=True)
class TaskOutline:
    name: str
    role: str | None
    action: str | None
    handler: bool
    node_id: int
    #: last end minus first start over its host runs (timing.py), None until one ended
    wall: float | None
    hosts: dict[str, HostResult]

    @property
    def key(self) -> TaskKey:
        """What pairs it with a task of another run: name, role and action."""
        return (self.name, self.role, normal_action(self.action))


@dataclass(frozen=True, slots=True)
class PlayOutline:
    name: str
    node_id: int
    tasks: tuple[TaskOutline, ...]


@dataclass(frozen=True, slots=True)
class RunOutline:
    #: the playbook's file name as ansible-playbook was given it
    playbook: str
    plays: tuple[PlayOutline, ...]
    #: every host with a host run anywhere in the run
    hosts: frozenset[str]


def normal_action(action: str | None) -> str | None:
    """`ansible.builtin.command` and `command` are the same module."""
    if action is None:
        return None
    for prefix in _BUILTIN_PREFIXES:
        if action.startswith(prefix):
            return action[len(prefix) :]
    return action


def combined_status(statuses: list[str]) -> str:
    """The status a host's runs of one task count as together: the worst of them."""
    return min(statuses, key=lambda s: _RANK.get(s, _UNKNOWN_RANK))


def outline(tree: EventTree, times: RunTimes | None = None) -> RunOutline:
    """The outline of `tree`, in one pass over it. Tasks outside any play (an ad hoc run's)
    go in a play named "" that stands where the first of them is."""
    times = times if times is not None else RunTimes(tree)
    plays: list[PlayOutline] = []
    loose: list[TaskOutline] = []
    loose_at: int | None = None
    for node in _plays_and_tasks(tree.root):
        if node.kind == "play":
            tasks = tuple(_task(child, times) for child in node.children if child.kind == "task")
            plays.append(PlayOutline(node.name, node.id, tasks))
        else:
            if loose_at is None:
                loose_at = len(plays)
            loose.append(_task(node, times))
    if loose_at is not None:
        plays.insert(loose_at, PlayOutline("", tree.root.id, tuple(loose)))
    hosts = frozenset(host for host, tally in tree.hosts.items() if any(tally.values()))
    return RunOutline(playbook=tree.root.name, plays=tuple(plays), hosts=hosts)


def _plays_and_tasks(root: Node) -> list[Node]:
    """Plays, and tasks that hang outside any play, in tree order (nested playbooks too)."""
    out: list[Node] = []
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.kind in ("play", "task"):
            out.append(node)
        elif node.kind == "playbook":
            stack.extend(reversed(node.children))
    return out


def _task(node: Node, times: RunTimes) -> TaskOutline:
    runs: dict[str, list[Node]] = {}
    for child in node.children:
        if child.kind == "host":
            runs.setdefault(child.host or child.name, []).append(child)
    hosts: dict[str, HostResult] = {}
    for host, nodes in runs.items():
        status = combined_status([n.status for n in nodes])
        stand_in = next(n for n in nodes if n.status == status)
        hosts[host] = HostResult(status, stand_in.id)
    timed = times.task_time(node)
    return TaskOutline(
        name=node.name,
        role=node.role,
        action=node.action,
        handler=node.handler,
        node_id=node.id,
        wall=timed.wall if timed is not None else None,
        hosts=hosts,
    )
