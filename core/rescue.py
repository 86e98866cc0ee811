"""Which failed host runs a block's `rescue` handled, from what the run shows.

Ansible sends `runner_on_failed` for a failure that a `rescue` then handles exactly as
for one that stops the host (seen on the `includes` fixture run: same event, same
fields, `ignore_errors` unset); only the recap counts it, under `rescued`. So the
decision is read from the run. Live, a failed run is rescued once its host goes on: a
runner event of the same host with a higher counter (a host that failed for real runs
nothing more, bar its `always` tasks and forced handlers, which look alike until the
recap). Once `playbook_on_stats` has arrived it settles it: of a host's failed runs, in
counter order, the first `rescued` were rescued (a rescued failure never follows a real
one, since a host that failed for real leaves the playbook after its `always` section).
Both rules read only the set of events, so every arrival order decides the same; each
event costs O(1), the recap one look at every failed run.
"""

from __future__ import annotations

from bisect import insort

from .nodes import Node


class RescueIndex:
    """Failed host runs (not ignored) and whether each was rescued."""

    def __init__(self) -> None:
        #: host -> the highest counter of its runner events (`EventTree` keeps it)
        self.last: dict[str, int] = {}
        #: host -> its failed runs not yet followed by more of it (`seen` has work only
        #: for a host with runs here)
        self.waiting: dict[str, list[Node]] = {}
        #: host -> its failed runs as (counter of the failure, run), by counter
        self._by_host: dict[str, list[tuple[int, Node]]] = {}
        #: failed run -> (host, counter of its failure)
        self._failed: dict[Node, tuple[str, int]] = {}
        #: host -> failures rescued, from the recap
        self._recap: dict[str, int] | None = None
        self.rescued: set[Node] = set()

    def seen(self, host: str, counter: int) -> list[Node]:
        """`host` has a runner event at `counter`, its highest yet; returns runs now
        rescued."""
        self.last[host] = counter
        waiting = self.waiting.get(host)
        if not waiting:
            return []
        followed = [run for run in waiting if self._failed[run][1] < counter]
        if followed:
            self.waiting[host] = [run for run in waiting if run not in followed]
        return [run for run in followed if self._decide(run)]

    def set_failed(self, run: Node, host: str, counter: int | None) -> list[Node]:
        """`run` failed at `counter` (None: it is no longer a failure); returns runs whose
        rescued-ness changed."""
        old = self._failed.pop(run, None)
        if old is not None:
            self._forget(run, old)
        changed: list[Node] = []
        if counter is None:
            if run in self.rescued:
                self.rescued.discard(run)
                changed.append(run)
            if old is not None and self._recap is not None and old[0] in self._recap:
                changed.extend(self._settle_host(old[0]))  # the others' ranks moved
            return changed
        self._failed[run] = (host, counter)
        insort(self._by_host.setdefault(host, []), (counter, run), key=_first)
        if self.last.get(host, -1) <= counter:
            self.waiting.setdefault(host, []).append(run)
        if self._recap is not None and host in self._recap:
            return self._settle_host(host)
        return [run] if self._decide(run) else []

    def set_recap(self, rescued: dict[str, int]) -> list[Node]:
        """The recap's `rescued` counts by host arrived; returns runs whose status changed."""
        self._recap = rescued
        changed: list[Node] = []
        for host in self._by_host:
            changed.extend(self._settle_host(host))
        return changed

    def _forget(self, run: Node, old: tuple[str, int]) -> None:
        host, counter = old
        self._by_host[host].remove((counter, run))
        waiting = self.waiting.get(host)
        if waiting and run in waiting:
            waiting.remove(run)

    def _settle_host(self, host: str) -> list[Node]:
        runs = self._by_host.get(host, ())
        return [run for rank, (_, run) in enumerate(runs) if self._decide(run, rank)]

    def _decide(self, run: Node, rank: int | None = None) -> bool:
        """Recompute whether `run` was rescued (`rank`: its place among its host's
        failures, when the recap decides); True when that changed."""
        host, counter = self._failed[run]
        if self._recap is not None and host in self._recap:
            if rank is None:
                rank = next(i for i, (_, r) in enumerate(self._by_host[host]) if r is run)
            rescued = rank < self._recap[host]
        else:
            rescued = self.last.get(host, -1) > counter
        if rescued == (run in self.rescued):
            return False
        if rescued:
            self.rescued.add(run)
        else:
            self.rescued.discard(run)
        return True


def _first(entry: tuple[int, Node]) -> int:
    return entry[0]
