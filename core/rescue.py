"""Which failed host runs a block's `rescue` handled, from what the run shows.

Ansible sends `runner_on_failed` for a failure that a `rescue` then handles exactly as
for one that stops the host: no field tells them apart, only the recap counts it under
`rescued`. So the decision is made from the run itself. Live, a failed run is rescued
when its host goes on with more of the same play (a host that failed for real stops,
bar its `always` tasks and forced handlers, which look alike until the recap). Once
`playbook_on_stats` has arrived it settles it: of a host's failed runs, in counter order,
the first `rescued` were rescued (a rescued failure never follows a real one: a host
that failed for real runs nothing after its `always` section). Both rules read only the
set of events, so every arrival order decides the same, and each event costs O(1) but
for the recap, which looks once at every failed run.
"""

from __future__ import annotations

from bisect import insort

from .nodes import Node

#: a host in a play: play uuid (without `_N`, None when events do not say) and host name
HostInPlay = tuple[str | None, str]


class RescueIndex:
    """Failed host runs (not ignored) and whether each was rescued."""

    def __init__(self) -> None:
        #: the highest counter of any runner event of a host in a play
        self._last: dict[HostInPlay, int] = {}
        #: failed runs not yet followed by more of their host in their play
        self._waiting: dict[HostInPlay, list[Node]] = {}
        #: every failed run: host -> [(counter of its failure, run)], by counter
        self._by_host: dict[str, list[tuple[int, Node]]] = {}
        #: each failed run's host in play and the counter of its failure
        self._failed: dict[Node, tuple[HostInPlay, int]] = {}
        #: host -> failures rescued, from the recap
        self._recap: dict[str, int] | None = None
        self.rescued: set[Node] = set()

    def seen(self, where: HostInPlay, counter: int) -> list[Node]:
        """A runner event of this host in this play; returns runs now rescued."""
        last = self._last.get(where)
        if last is not None and counter <= last:
            return []
        self._last[where] = counter
        waiting = self._waiting.get(where)
        if not waiting:
            return []
        followed = [run for run in waiting if self._failed[run][1] < counter]
        if followed:
            self._waiting[where] = [run for run in waiting if run not in followed]
        return [run for run in followed if self._decide(run)]

    def set_failed(self, run: Node, where: HostInPlay, counter: int | None) -> list[Node]:
        """`run` failed at `counter` (None: it is no longer a failure); returns runs whose
        rescued-ness changed."""
        old = self._failed.pop(run, None)
        if old is not None:
            self._forget(run, old)
        if counter is None:
            changed: list[Node] = []
            if run in self.rescued:
                self.rescued.discard(run)
                changed.append(run)
            if old is not None and self._recap is not None and old[0][1] in self._recap:
                changed.extend(self._settle_host(old[0][1]))  # the others' ranks moved
            return changed
        self._failed[run] = (where, counter)
        host = where[1]
        insort(self._by_host.setdefault(host, []), (counter, run), key=_first)
        last = self._last.get(where)
        if last is None or last <= counter:
            self._waiting.setdefault(where, []).append(run)
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

    def _forget(self, run: Node, old: tuple[HostInPlay, int]) -> None:
        where, counter = old
        runs = self._by_host[where[1]]
        runs.remove((counter, run))
        waiting = self._waiting.get(where)
        if waiting and run in waiting:
            waiting.remove(run)

    def _settle_host(self, host: str) -> list[Node]:
        runs = self._by_host.get(host, ())
        return [run for rank, (_, run) in enumerate(runs) if self._decide(run, rank)]

    def _decide(self, run: Node, rank: int | None = None) -> bool:
        """Recompute whether `run` was rescued (`rank`: its place among its host's
        failures, when the recap decides); True when that changed."""
        where, counter = self._failed[run]
        host = where[1]
        if self._recap is not None and host in self._recap:
            if rank is None:
                rank = next(i for i, (_, r) in enumerate(self._by_host[host]) if r is run)
            rescued = rank < self._recap[host]
        else:
            last = self._last.get(where)
            rescued = last is not None and last > counter
        if rescued == (run in self.rescued):
            return False
        if rescued:
            self.rescued.add(run)
        else:
            self.rescued.discard(run)
        return True


def _first(entry: tuple[int, Node]) -> int:
    return entry[0]
