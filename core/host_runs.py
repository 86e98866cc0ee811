"""`HostRuns`: the host runs of each task and host, in the order they started.

Nearly every host runs a task once, so a task's hosts map straight to their one run, and
only a host that ran it again gets a list: a (task, host) tuple and a one-run list for
each of 100k host runs cost 150 bytes a run, this 40.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Sequence

from .nodes import Node


class HostRuns:
    """Task uuid -> host -> its runs of the task, by start counter (no start first)."""

    __slots__ = ("_by_task",)

    def __init__(self) -> None:
        self._by_task: dict[str, dict[str, Node | list[Node]]] = {}

    def get(self, task: str, host: str) -> Sequence[Node]:
        """The host's runs of the task, in start order."""
        hosts = self._by_task.get(task)
        runs = hosts.get(host) if hosts is not None else None
        if runs is None:
            return ()
        return (runs,) if isinstance(runs, Node) else runs

    def containing(self, task: str, host: str, counter: int) -> Node | None:
        """The host's run of the task an event at `counter` belongs to: the last one
        started before it (or the one whose start has not arrived)."""
        hosts = self._by_task.get(task)
        runs = hosts.get(host) if hosts is not None else None
        if runs is None:
            return None
        if isinstance(runs, Node):
            start = runs.start_counter
            return runs if start is None or start < counter else None
        for run in reversed(runs):
            start = run.start_counter
            if start is None or start < counter:
                return run
        return None

    def add(self, task: str, host: str, run: Node) -> None:
        """File a new run in start order."""
        hosts = self._by_task.get(task)
        if hosts is None:
            hosts = self._by_task[task] = {}
        runs = hosts.get(host)
        if runs is None:
            hosts[host] = run
            return
        if isinstance(runs, Node):
            runs = hosts[host] = [runs]
        insort(runs, run, key=start_order)

    def remove(self, task: str, host: str, run: Node) -> None:
        hosts = self._by_task[task]
        runs = hosts[host]
        if isinstance(runs, Node):
            del hosts[host]
            return
        runs.remove(run)
        if len(runs) == 1:
            hosts[host] = runs[0]


def start_order(run: Node) -> int:
    """Runs whose start has not arrived first (there is at most one such run)."""
    return -1 if run.start_counter is None else run.start_counter
