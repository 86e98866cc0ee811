"""Runs of the same playbook under one `artifacts/`: which one came before a given run.

Cheap on purpose: a run's playbook is read from its first event file alone (the
`playbook_on_start` at counter 1), found by scanning names in `job_events/` until it
turns up, and runs are ordered as `find_runs` orders them (newest first, by when their
folder last changed). No run is loaded whole.
"""

from __future__ import annotations

import os
from pathlib import Path

from .folder import RunFolder, event_file_key, find_runs, read_event_file

#: the first event is a few kB; anything bigger is not a playbook_on_start worth reading
_FIRST_EVENT_LIMIT = 1 << 20


def playbook_of(run: RunFolder) -> str | None:
    """The playbook file a run played, as ansible-playbook was given it; None if unknown."""
    name = _first_event_name(run.job_events)
    if name is None:
        return None
    try:
        event = read_event_file(run.job_events / name, limit=_FIRST_EVENT_LIMIT)
    except (OSError, ValueError):
        return None
    data = event.get("event_data")
    playbook = data.get("playbook") if isinstance(data, dict) else None
    return playbook if isinstance(playbook, str) and playbook else None


def previous_run(run: RunFolder, playbook: str | None = None) -> RunFolder | None:
    """The newest run older than `run` in the same `artifacts/` that played the same playbook.

    `playbook` saves reading `run`'s own first event when the caller knows it already.
    """
    if run.ident_dir is None:
        return None
    wanted = playbook if playbook is not None else playbook_of(run)
    if wanted is None:
        return None
    runs = find_runs(run.ident_dir.parent)
    here = next((i for i, other in enumerate(runs) if _same(other, run)), None)
    if here is None:
        return None
    for other in runs[here + 1 :]:
        if playbook_of(other) == wanted:
            return other
    return None


def _same(a: RunFolder, b: RunFolder) -> bool:
    if a.ident_dir is None or b.ident_dir is None:
        return a.job_events == b.job_events
    try:
        return os.path.samefile(a.ident_dir, b.ident_dir)
    except OSError:
        return a.ident_dir == b.ident_dir


def _first_event_name(job_events: Path) -> str | None:
    """The file of the lowest counter, stopping at counter 1 (the usual case) when seen."""
    best: tuple[int, str] | None = None
    try:
        with os.scandir(job_events) as entries:
            for entry in entries:
                key = event_file_key(entry.name)
                if key is None:
                    continue
                if best is None or key[0] < best[0]:
                    best = (key[0], entry.name)
                    if key[0] <= 1:
                        break
    except OSError:
        return None
    return best[1] if best is not None else None
