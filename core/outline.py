"""A run reduced to what comparing it with another needs: its plays and tasks in order, each
host's status on each task, and each task's wall time.

Small, and msgspec Structs: `diff` builds it in the process that loaded the run and sends
only this across, as msgpack (a tenth of pickle's time). Node ids point back into the tree
it came from, for marks on that tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import msgspec

from .nodes import Node
from .timing import task_wall
from .tree import EventTree

#: a host's status on a task it has no run of (it dropped out, or was not in the play)
ABSENT: Final = "absent"

#: which status a host's several runs of one task count as together: the first here
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


class HostResult(msgspec.Struct, frozen=True, array_like=True):
    """A host's status on a task, and the host run that stands for it."""

    status: str
    node_id: int


class TaskOutline(msgspec.Struct, frozen=True, array_like=True):
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


class PlayOutline(msgspec.Struct, frozen=True, array_like=True):
    name: str
    node_id: int
    tasks: tuple[TaskOutline, ...]


class RunOutline(msgspec.Struct, frozen=True, array_like=True):
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


def _rank(status: str) -> int:
    return _RANK.get(status, _UNKNOWN_RANK)


def outline(tree: EventTree, task_of: Callable[[Node], TaskOutline] | None = None) -> RunOutline:
    """The outline of `tree`, in one pass over it. Tasks outside any play (an ad hoc run's)
    go in a play named "" that stands where the first of them is. `task_of` outlines a
    task (`task_outline` by default; a live outline keeps those of unchanged tasks)."""
    task = task_of or task_outline
    plays: list[PlayOutline] = []
    loose: list[TaskOutline] = []
    loose_at: int | None = None
    for node in _plays_and_tasks(tree.root):
        if node.kind == "play":
            tasks = tuple(task(child) for child in node.children if child.kind == "task")
            plays.append(PlayOutline(node.name, node.id, tasks))
        else:
            if loose_at is None:
                loose_at = len(plays)
            loose.append(task(node))
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


def task_outline(node: Node) -> TaskOutline:
    """One task: each host's status on it (the worst of its runs) and its wall time."""
    hosts: dict[str, HostResult] = {}
    for child in node.children:
        if child.kind != "host":
            continue
        host = child.host or child.name
        held = hosts.get(host)
        if held is None or _rank(child.status) < _rank(held.status):
            # several runs of one task on one host: the worst stands for them all
            hosts[host] = HostResult(child.status, child.id)
    return TaskOutline(
        name=node.name,
        role=node.role,
        action=node.action,
        handler=node.handler,
        node_id=node.id,
        wall=task_wall(node),
        hosts=hosts,
    )
