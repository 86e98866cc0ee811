"""Comparing the run shown (B, live) with another run of the same `artifacts/` (A): `d`.

A is loaded in a process of its own (`outline_process.py`): the app never holds A's
tree and its UI thread never waits. Once A's outline is here, B's outline is kept from
the frames' changes (`LiveOutline`, under the feed's lock: only the tasks that changed are
outlined again) and compared with A's on a worker thread at most every `COMPARE_EVERY`
seconds; the marks go to every view. `d` again, or another run opened, ends it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rich.text import Text

from jobevents.core.folder import FINISHED_STATES, NoRunError, RunFolder, find_runs
from jobevents.core.nodes import Changes

from .marks import compare_header

if TYPE_CHECKING:
    # Loaded when a comparison starts, not with the app: most sessions never compare.
    from jobevents.core.diff_marks import DiffMarks
    from jobevents.core.live_outline import LiveOutline
    from jobevents.core.outline import RunOutline
    from jobevents.core.pair_loading import OutlinedRun
    from jobevents.tui.outline_process import OutlineJob

    from .app import JobEventsApp
    from .widgets.compare_picker import Candidate

#: the live run is compared again at most this often while it changes (seconds)
COMPARE_EVERY = 0.5

Phase = Literal["off", "picking", "loading", "on"]


class Comparing:
    """The app's comparison: which run A is, its outline, and the marks on the run shown."""

    def __init__(self, app: JobEventsApp) -> None:
        self.app = app
        self.phase: Phase = "off"
        #: A's name in the header
        self.against = ""
        self.marks: DiffMarks | None = None
        self._job: OutlineJob | None = None
        self._a: OutlinedRun | None = None
        self._live: LiveOutline | None = None
        self._computing = False
        self._compared = 0.0
        #: whether the run shown was still going when it was last compared
        self._b_live = True
        #: bumped by every start and clear: results of an older comparison are dropped
        self._generation = 0

    # ------------------------------------------------------------ d

    def toggle(self) -> None:
        """`d`: pick a run to compare with, or end the comparison shown."""
        if self.phase != "off":
            was = self.phase
            self.clear()
            if was != "picking":
                self.app.notify("Comparison cleared.", title="Compare")
            return
        feed = self.app.feed
        if feed is None:
            return
        run = feed.run
        if run is None or run.ident_dir is None:
            what = "a stream" if run is None else "a bare job_events folder"
            self.app.notify(f"This run is {what}: no other runs beside it.", title="Compare")
            return
        self.phase = "picking"
        generation = self._generation
        self.app.run_worker(
            lambda: self._gather(generation, run), thread=True, group="compare", exit_on_error=False
        )

    def _gather(self, generation: int, run: RunFolder) -> None:
        """On a worker thread: the other runs beside `run`, and which came before it."""
        try:
            candidates = candidates_beside(run)
        except OSError as exc:
            self.app.call_from_thread(self._failed, generation, exc.strerror or str(exc))
            return
        self.app.call_from_thread(self._offer, generation, candidates)

    def _offer(self, generation: int, candidates: list[Candidate]) -> None:
        if generation != self._generation or self.phase != "picking":
            return
        if not candidates:
            self.phase = "off"
            self.app.notify("No other run under this artifacts/ to compare with.", title="Compare")
            return

        def picked(run: RunFolder | None) -> None:
            if generation != self._generation:
                return
            if run is None:
                self.phase = "off"
                return
            self._load(run)

        from .widgets.compare_picker import ComparePicker  # on `d`, not at start

        self.app.push_screen(ComparePicker(candidates), picked)

    def _load(self, run: RunFolder) -> None:
        from jobevents.core.pair_loading import RunSource
        from jobevents.tui.outline_process import OutlineJob

        self.phase = "loading"
        self.against = run.ident or str(run.job_events)
        generation = self._generation
        job = self._job = OutlineJob(RunSource(run.ident_dir or run.job_events))
        self.app.run_worker(
            lambda: self._wait(generation, job), thread=True, group="compare", exit_on_error=False
        )
        self.app.refresh_header()

    def _wait(self, generation: int, job: OutlineJob) -> None:
        """On a worker thread: wait for A's outline from its process."""
        try:
            outlined = job.result()
        except (NoRunError, RuntimeError, OSError, ValueError) as exc:
            self.app.call_from_thread(self._failed, generation, str(exc))
            return
        self.app.call_from_thread(self._loaded, generation, outlined)

    def _failed(self, generation: int, why: str) -> None:
        if generation != self._generation:
            return
        self.clear()
        self.app.notify(f"Cannot compare: {why}", title="Compare", severity="error", markup=False)

    def _loaded(self, generation: int, outlined: OutlinedRun) -> None:
        from jobevents.core.live_outline import LiveOutline

        feed = self.app.feed
        if generation != self._generation or feed is None:
            return
        self._job = None
        self._a = outlined
        self.phase = "on"
        with feed.lock:
            self._live = LiveOutline(feed.tree)
            self._compare_now(self._live.outline(), self._is_live())

    # ------------------------------------------------------------ frames

    def frame_taken(self, changes: Changes) -> None:
        """A frame's changes (feed lock held): compare again if B changed and it is time."""
        live = self._live
        if live is None:
            return
        if changes:
            live.update(changes)
        b_live = self._is_live()
        due = time.monotonic() - self._compared >= COMPARE_EVERY
        if (live.stale or b_live != self._b_live) and due and not self._computing:
            self._compare_now(live.outline(), b_live)

    def _is_live(self) -> bool:
        """Whether the run shown may still change (what it has not settled is no difference)."""
        feed = self.app.feed
        return feed is not None and not feed.tree.finished and feed.status not in FINISHED_STATES

    def _compare_now(self, b: RunOutline, b_live: bool) -> None:
        from jobevents.core.comparison import compare
        from jobevents.core.diff_marks import diff_marks

        a = self._a
        if a is None:
            return
        self._computing = True
        self._compared = time.monotonic()
        self._b_live = b_live
        generation = self._generation
        a_outline = a.outline

        def work() -> None:
            marks: DiffMarks | None = None
            try:
                marks = diff_marks(compare(a_outline, b, b_live=b_live))
            finally:  # whatever happens, the next frame may compare again
                self.app.call_from_thread(self._marked, generation, marks)

        self.app.run_worker(work, thread=True, group="compare", exit_on_error=False)

    def _marked(self, generation: int, marks: DiffMarks | None) -> None:
        self._computing = False
        if generation != self._generation or marks is None:
            return
        self.marks = marks
        self._show(marks)

    def _show(self, marks: DiffMarks | None) -> None:
        feed = self.app.feed
        if feed is None:
            return
        with feed.lock:
            for view in self.app.views.values():
                view.show_marks(marks)
        self.app.refresh_header()

    # ------------------------------------------------------------ ending

    def clear(self) -> None:
        """End the comparison (and drop whatever is still on its way)."""
        self._generation += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        had_marks = self.marks is not None
        self.phase = "off"
        self._a = None
        self._live = None
        self.marks = None
        self._computing = False
        if had_marks:
            self._show(None)
        else:
            self.app.refresh_header()

    def stop(self) -> None:
        """The app is leaving: stop A's process if it still runs."""
        if self._job is not None:
            self._job.cancel()

    def header(self) -> Text | None:
        """What the header says of the comparison, if one is on."""
        if self.phase in ("loading", "on"):
            return compare_header(self.against, self.marks, loading=self.marks is None)
        return None


def candidates_beside(run: RunFolder) -> list[Candidate]:
    """The other runs under `run`'s `artifacts/`, newest first, the previous one of its
    playbook marked (read from one small file a run)."""
    if run.ident_dir is None:
        return []
    # `d`'s, as the picker: neither is imported before the first frame
    from jobevents.core.run_history import playbook_of, previous_run

    from .widgets.compare_picker import Candidate

    playbook = playbook_of(run)
    before = previous_run(run, playbook)
    out = []
    for other in find_runs(run.ident_dir.parent):
        if other.ident_dir is None or _same_dir(other.ident_dir, run.ident_dir):
            continue
        out.append(
            Candidate(
                run=other,
                playbook=playbook_of(other),
                status=other.status(),
                changed=_changed(other.ident_dir),
                previous=before is not None and before.ident_dir == other.ident_dir,
            )
        )
    return out


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


def _changed(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
