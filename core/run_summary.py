"""What a list of runs shows of each run, read cheaply: never the whole run.

A run's summary comes from runner's small files (`status`, `rc`) and its first and last
event files: the playbook and start from the first events, the end and, once the run is
over, the hosts by outcome from the recap (`playbook_on_stats`, the last event). Finding
those two files lists `job_events/`; nothing else is opened. `RunSummaries` keeps each
summary until the run's folder, its `job_events/` or its `status` change (mtimes), so
listing a thousand finished runs again costs three `stat` calls each.
"""

from __future__ import annotations

import heapq
import os
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from msgspec import Struct

from .folder import RunFolder, read_event_file
from .status import CHANGED, FAILED, OK, SKIPPED, UNREACHABLE, Status

#: a first event is a few kB and a recap grows with the hosts; bigger files are not read
EVENT_LIMIT = 8 << 20
#: warnings (`verbose` events with no playbook) can come before `playbook_on_start`: an
#: inventory that does not parse prints two dozen lines first (read until one names it)
FIRST_EVENTS = 256

Key = tuple[int, int, int]


class RunSummary(Struct, frozen=True):
    """One run as a list shows it."""

    run: RunFolder
    #: runner's `status` file: starting, running, successful, failed, canceled, timeout
    status: str | None
    rc: int | None
    #: the playbook file as ansible-playbook was given it
    playbook: str | None
    #: POSIX times of the first and the last event
    started: float | None
    ended: float | None
    #: event files in `job_events/`
    events: int
    #: hosts by outcome, from the recap: None while there is none (a live or cut run)
    hosts: Mapping[Status, int] | None

    @property
    def ident(self) -> str | None:
        return self.run.ident

    @property
    def duration(self) -> float | None:
        """Seconds from the first to the last event so far."""
        if self.started is None or self.ended is None:
            return None
        return max(0.0, self.ended - self.started)

    def matches(self, text: str) -> bool:
        """Whether `text` (any case) is part of the ident, the playbook or the status."""
        needle = text.strip().casefold()
        if not needle:
            return True
        return any(
            needle in field.casefold()
            for field in (self.ident or str(self.run.job_events), self.playbook, self.status)
            if field
        )


def read_summary(run: RunFolder) -> RunSummary:
    """Read `run`'s summary from its small files and its first and last events."""
    first_names, last_name, count = event_names(run.job_events)
    first = first_with_playbook(run.job_events, first_names)
    last = _event(run.job_events, last_name) if last_name is not None else None
    playbook = playbook_named(first)
    if first is None and first_names:
        first = _event(run.job_events, first_names[0])
    return RunSummary(
        run=run,
        status=run.status(),
        rc=run.rc(),
        playbook=playbook,
        started=_created(first),
        ended=_created(last),
        events=count,
        hosts=host_outcomes(_data(last)) if _kind(last) == "playbook_on_stats" else None,
    )


def host_outcomes(recap: Mapping[str, Any]) -> dict[Status, int]:
    """Hosts by their worst outcome in a `playbook_on_stats` recap."""
    counts: dict[Status, int] = {}
    for host in _hosts(recap):
        outcome: Status
        if _count(recap, "failures", host):
            outcome = FAILED
        elif _count(recap, "dark", host):
            outcome = UNREACHABLE
        elif _count(recap, "changed", host):
            outcome = CHANGED
        elif _count(recap, "ok", host) or not _count(recap, "skipped", host):
            outcome = OK
        else:
            outcome = SKIPPED
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


class RunSummaries:
    """Summaries of runs, each read again only when its files changed. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[Key, RunSummary]] = {}

    def get(self, run: RunFolder) -> RunSummary:
        """`run`'s summary: from the cache while its folder is as it was, else read now."""
        where = run.ident_dir or run.job_events
        key = _change_key(run)
        with self._lock:
            cached = self._cache.get(where)
        if cached is not None and cached[0] == key and cached[1].run == run:
            return cached[1]
        summary = read_summary(run)
        with self._lock:
            self._cache[where] = (key, summary)
        return summary

    def cached(self, run: RunFolder) -> RunSummary | None:
        """The summary read last for `run`, changed since or not (None if never read)."""
        with self._lock:
            cached = self._cache.get(run.ident_dir or run.job_events)
        return cached[1] if cached is not None and cached[1].run == run else None

    def cached_of(self, runs: Iterable[RunFolder]) -> dict[RunFolder, RunSummary]:
        """The summaries read last for those of `runs` that have one (as `cached`, at once)."""
        known: dict[RunFolder, RunSummary] = {}
        with self._lock:
            cache = self._cache
            for run in runs:
                cached = cache.get(run.ident_dir or run.job_events)
                if cached is not None and cached[1].run == run:
                    known[run] = cached[1]
        return known

    def forget_others(self, runs: Iterable[RunFolder]) -> None:
        """Drop the summaries of runs not in `runs` (their folders are gone)."""
        keep = {run.ident_dir or run.job_events for run in runs}
        with self._lock:
            for where in [w for w in self._cache if w not in keep]:
                del self._cache[where]


def _change_key(run: RunFolder) -> Key:
    """What changes when runner writes: `job_events/` (new files), the folder, `status`."""
    stamps = []
    ident_dir = run.ident_dir
    for path in (
        run.job_events,
        ident_dir,
        os.path.join(ident_dir, "status") if ident_dir is not None else None,
    ):
        try:
            stamps.append(os.stat(path).st_mtime_ns if path is not None else 0)
        except OSError:
            stamps.append(-1)
    return (stamps[0], stamps[1], stamps[2])


def event_names(job_events: Path) -> tuple[list[str], str | None, int]:
    """The first few event files by counter, the last one, and how many there are.

    One pass over the names, parsing only their counters: a run of 100k events is
    listed, not sorted.
    """
    try:
        names = os.listdir(job_events)
    except OSError:
        return [], None, 0
    counted: list[tuple[int, str]] = []
    for name in names:
        if not name.endswith(".json") or name.endswith("-partial.json"):
            continue
        head, dash, rest = name.partition("-")
        if dash and len(rest) > 5 and head.isdigit() and head.isascii():
            counted.append((int(head), name))
    if not counted:
        return [], None, 0
    first = heapq.nsmallest(FIRST_EVENTS, counted)
    return [name for _counter, name in first], max(counted)[1], len(counted)


def first_with_playbook(job_events: Path, names: list[str]) -> dict[str, Any] | None:
    """The first of these events (in counter order) that names the playbook: read one at
    a time, so a run without warnings before its start reads one file."""
    for name in names:
        event = _event(job_events, name)
        if event is not None and _data(event).get("playbook"):
            return event
    return None


def playbook_named(event: Mapping[str, Any] | None) -> str | None:
    """The playbook file an event names (as ansible-playbook was given it), if any."""
    return _text(_data(event).get("playbook"))


def _event(job_events: Path, name: str) -> dict[str, Any] | None:
    try:
        return read_event_file(job_events / name, limit=EVENT_LIMIT)
    except (OSError, ValueError):
        return None


def _data(event: Mapping[str, Any] | None) -> Mapping[str, Any]:
    data = event.get("event_data") if event is not None else None
    return data if isinstance(data, dict) else {}


def _kind(event: Mapping[str, Any] | None) -> str | None:
    return _text(event.get("event")) if event is not None else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _created(event: Mapping[str, Any] | None) -> float | None:
    created = _text(event.get("created")) if event is not None else None
    if created is None:
        return None
    try:
        return datetime.fromisoformat(created).timestamp()
    except ValueError:
        return None


def _hosts(recap: Mapping[str, Any]) -> list[str]:
    hosts: dict[str, None] = {}
    for field in ("processed", "ok", "changed", "failures", "dark", "skipped"):
        counts = recap.get(field)
        if isinstance(counts, dict):
            hosts.update(dict.fromkeys(h for h in counts if isinstance(h, str)))
    return list(hosts)


def _count(recap: Mapping[str, Any], field: str, host: str) -> int:
    counts = recap.get(field)
    value = counts.get(host) if isinstance(counts, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
