"""Runs of the same playbook under one `artifacts/`: which one came before a given run.

Cheap on purpose: a run's playbook is read from its first event that names one (the
`playbook_on_start`, or the warnings printed before it and then it), as the run list
reads it, and runs are ordered as `find_runs` orders them (newest first, by when their
folder last changed). No run is loaded whole.
"""

from __future__ import annotations

import os

from .folder import RunFolder, find_runs
from .run_summary import event_names, first_with_playbook, playbook_named


def playbook_of(run: RunFolder) -> str | None:
    """The playbook file a run played, as ansible-playbook was given it; None if unknown."""
    first_names, _last, _count = event_names(run.job_events)
    return playbook_named(first_with_playbook(run.job_events, first_names))


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
