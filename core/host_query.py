"""Search, status filters and failure hunting in the Hosts view's order of rows.

The rows are a `HostIndex`'s: hosts, each host's plays, their runs (the tree's host
nodes) and what hangs under a run. A host name search hits the host itself; task names
and messages hit runs; a status filter hits runs of that status, as in the task tree.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from .hosts import HostEntry, HostIndex, HostPlay
from .nodes import Node
from .query import Query
from .status import PROBLEMS

#: a row of the Hosts view below its root
HostRow = HostEntry | HostPlay | Node


@dataclass
class HostMatches:
    """The rows a query shows: hits in view order, every row on their paths, how many."""

    hits: list[HostRow]
    shown: set[Hashable]
    total: int

    @property
    def truncated(self) -> int:
        return self.total - len(self.hits)


def row_matches(query: Query, row: HostRow | HostIndex) -> bool:
    """Whether `row` itself is a hit of `query` in the Hosts view."""
    if isinstance(row, HostIndex | HostPlay):
        return False
    needle = query.text.casefold()
    if isinstance(row, HostEntry):
        return query.status is None and bool(needle) and needle in row.name.casefold()
    if query.status is not None:
        return query.matches(row)  # its status, and the text in its host, task, play, why
    if not needle:
        return False
    if row.kind == "host":
        task = row.parent
        names = (task.name, task.role or "") if task is not None and task.is_structural else ()
        texts = (*names, row.detail or "")
        return any(needle in text.casefold() for text in texts)
    return query.matches(row)


def find_host_matches(
    index: HostIndex, query: Query, *, by_name: bool = False, limit: int = 2000
) -> HostMatches:
    """Hits in the view's order, at most `limit`, with every row on their paths."""
    hits: list[HostRow] = []
    shown: set[Hashable] = {index}
    total = 0

    def hit(row: HostRow, *path: Hashable) -> None:
        nonlocal total
        total += 1
        if len(hits) < limit:
            hits.append(row)
            shown.add(row)
            shown.update(path)

    for entry in index.ordered(by_name=by_name):
        if row_matches(query, entry):
            hit(entry)
            continue
        for group in entry.plays:
            for run in group.runs:
                if row_matches(query, run):
                    hit(run, entry, group)
                if query.status is None:
                    for child in run.children:
                        if row_matches(query, child):
                            hit(child, entry, group, run)
    return HostMatches(hits, shown, total)


def next_host_problem(
    index: HostIndex, after: object | None, *, by_name: bool = False, backwards: bool = False
) -> Node | None:
    """The next failed or unreachable run after the row `after`, in the view's order.

    Wraps around; None when no run failed. Ignored failures are not problems.
    """
    problems: list[Node] = []
    for entry in index.ordered(by_name=by_name):
        if any(entry.counts.get(status) for status in PROBLEMS):
            problems.extend(entry.problems())
    if not problems:
        return None
    here = _place(index, after, by_name) if after is not None else None
    if here is None:
        return problems[-1] if backwards else problems[0]
    placed = [(at, run) for run in problems if (at := _place(index, run, by_name)) is not None]
    if backwards:
        before = [run for at, run in placed if at < here]
        return before[-1] if before else problems[-1]
    later = [run for at, run in placed if at > here]
    return later[0] if later else problems[0]


def _place(index: HostIndex, row: object, by_name: bool) -> tuple[int, ...] | None:
    """A row's place in the view's order, as a tuple that sorts like the rows."""
    if isinstance(row, HostEntry):
        return (index.position(row, by_name=by_name),)
    if isinstance(row, HostPlay):
        return index.position(row.host, by_name=by_name), row.host.plays.index(row)
    if not isinstance(row, Node):
        return None
    run: Node | None = row
    while run is not None and run.kind != "host":
        run = run.parent
    if run is None:
        return None
    group = index.group_of(run)
    if group is None:
        return None
    entry = group.host
    at = (index.position(entry, by_name=by_name), entry.plays.index(group), group.index_of(run))
    if row is run:
        return at
    return (*at, run.children.index(row) + 1 if row in run.children else 0)
