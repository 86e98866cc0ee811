"""The runs under a path, listed again only when `artifacts/` changed.

Watching for new runs used to list and `stat` every run each second: 3,000 system calls
a second on a node that keeps a thousand runs. A run's folder appearing (or going)
changes the mtime of `artifacts/`, so one `stat` says whether to look again. A run's
folder seen before its `job_events/` exists is looked at on each poll until it has one
(runner makes `job_events/` after the folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from .folder import RunFolder, pick_run, scan_runs


class RunListing:
    """`find_runs(path)`, kept until the folder holding the runs changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stamp: int | None = None
        self._runs: list[RunFolder] = []
        #: run folders seen without their `job_events/` yet
        self._pending: list[Path] = []

    def runs(self) -> list[RunFolder]:
        """Every run, newest first, as of the last `poll` (polls first if never done)."""
        if self._stamp is None:
            self.poll()
        return self._runs

    def poll(self) -> bool:
        """Look again if the folder changed; return whether the runs listed changed."""
        if self._stamp is not None and self._single():
            return False  # one run named by its own folder: no other run can appear
        stamp = _mtime(self._artifacts())
        if stamp == self._stamp and not any((p / "job_events").is_dir() for p in self._pending):
            return False
        self._stamp = stamp
        before = [run.job_events for run in self._runs]
        self._runs, self._pending = scan_runs(self.path)
        return [run.job_events for run in self._runs] != before

    def open(self, ident: str | None = None) -> RunFolder:
        """The run named `ident`, else the newest (`pick_run`). Raises NoRunError."""
        return pick_run(self.runs(), ident, self.path)

    def _single(self) -> bool:
        runs = self._runs
        return len(runs) == 1 and runs[0].job_events in (self.path, self.path / "job_events")

    def _artifacts(self) -> Path:
        """The folder whose entries are runs (or the path itself for a single run)."""
        artifacts = self.path / "artifacts"
        return artifacts if artifacts.is_dir() else self.path


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1
