"""RunFeed: tails a run's folder on a thread and builds its tree; the UI takes changes in batches.

Reading and decoding happen off the UI thread. Every change to the tree is made
under `lock`, and the UI, which reads the tree only under the same lock, takes the
accumulated `Changes` on a timer: one repaint per frame however fast events come.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from jobevents.core.folder import EventReader, RunFolder
from jobevents.core.loading import bulk_load
from jobevents.core.nodes import Changes
from jobevents.core.state import RunState

log = logging.getLogger(__name__)

#: files read and applied per locked step of the first load
CHUNK = 2000
#: how often the whole folder is listed again, as a safety net under the watcher
#: (lost inotify events); at least this often, and never more than 5% of the time
RESCAN_EVERY = 5.0
RESCAN_SHARE = 0.05
#: how often the `status` file is read
STATUS_EVERY = 0.5
#: while events arrive live, what they built is frozen out of the collector this often
FREEZE_EVERY = 2000


class RunFeed:
    """One run, read into an `EventTree` by a background thread."""

    def __init__(
        self,
        run: RunFolder,
        *,
        force_polling: bool = False,
        retry_for: float = 5.0,
        watch: bool = True,
    ) -> None:
        self.run = run
        self.state = RunState()
        self.tree = self.state.tree
        self.reader = EventReader(run, retry_for=retry_for)
        self.lock = threading.RLock()
        self.force_polling = force_polling
        self.watch = watch
        self.status: str | None = run.status()
        #: set when the files present at start have been read
        self.loaded = threading.Event()
        #: how the folder is being watched: "inotify", "polling", "waiting", "stopped"
        self.mode = "starting"
        #: why the feed stopped, if it failed
        self.failure: str | None = None
        self._changes = Changes()
        self._errors: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frozen_at = 0
        #: called on the feed thread when changes wait to be taken (once until `take`);
        #: set by `tell_to`, once the app can take them
        self._on_changes: Callable[[], None] | None = None
        self._told = False

    # ------------------------------------------------------------ UI side

    def start(self) -> None:
        """Start reading (once; a feed started early is handed to the app running)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._main, name="jobevents-feed", daemon=True)
        self._thread.start()

    def has_changes(self) -> bool:
        """Whether changes wait for the next frame."""
        with self.lock:
            return bool(self._changes)

    def tell_to(self, on_changes: Callable[[], None]) -> None:
        """From now on call `on_changes` when changes wait, and now if some already do."""
        with self.lock:
            self._on_changes = on_changes
            self._told = False
            if self._changes or self.loaded.is_set():
                self._tell()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        gc.unfreeze()  # this tree is about to be dropped: let the collector see it again

    def take(self) -> Changes:
        """The changes since the last take. Call with `lock` held."""
        changes, self._changes = self._changes, Changes()
        self._told = False
        return changes

    def _tell(self) -> None:
        """Say that changes wait (with `lock` held): once, however many steps follow."""
        if not self._told and self._on_changes is not None:
            self._told = True
            self._on_changes()

    @property
    def errors(self) -> dict[str, str]:
        """Unreadable files and why. Call with `lock` held."""
        return self._errors

    # -------------------------------------------------------- feed thread

    def _main(self) -> None:
        try:
            with bulk_load():
                self._read(None)
            if not self.watch and self.reader.pending():
                # Nobody will come back for half-written files: say now what did not parse.
                self.reader.retry_for = 0.0
                self._read([])
            self.loaded.set()
            with self.lock:  # changes or not, the frame after the load catches follow up
                self._told = False
                self._tell()
            if self.watch:
                self._follow()
        except Exception as exc:  # never let a reader bug kill the app silently
            log.exception("feed failed")
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self.loaded.set()
            self.mode = "stopped"

    def _read(self, names: Iterable[str] | None) -> None:
        """Read files (all present when None) and apply them in bounded locked steps."""
        if names is None:
            names = self.reader.list_names()
        batch = list(names)
        if not batch and not self.reader.pending():
            return
        for i in range(0, max(len(batch), 1), CHUNK):
            if self._stop.is_set():
                return
            result = self.reader.read(batch[i : i + CHUNK])
            if not (result.events or result.errors or result.recovered):
                continue
            with self.lock:
                for event in result.events:
                    self.state.add(event, self._changes)
                self._errors.update(result.errors)
                for name in result.recovered:
                    self._errors.pop(name, None)
                self._tell()

    def _follow(self) -> None:
        """Watch the folder until stopped, surviving its removal and re-creation."""
        import watchfiles

        deleted = watchfiles.Change.deleted
        last_scan = last_status = time.monotonic()
        rescan_every = RESCAN_EVERY
        while not self._stop.is_set():
            folder = self.run.job_events
            if not folder.is_dir():
                self.mode = "waiting"
                self._refresh_status()
                self._stop.wait(0.5)
                continue
            # The watcher reports only what changes after it starts: list the folder once
            # more when it is live (its first yield), not before, when the first frame
            # of a big run still wants the CPU.
            live = False
            self.mode = "polling" if self.force_polling else "inotify"
            try:
                for changes in watchfiles.watch(
                    folder,
                    recursive=False,  # runner writes no subfolders; walking 100k files is not free
                    watch_filter=None,
                    debounce=60,
                    step=20,
                    rust_timeout=400,
                    yield_on_timeout=True,
                    stop_event=self._stop,
                    force_polling=self.force_polling,
                    poll_delay_ms=100,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                ):
                    names = sorted(
                        {
                            path.rpartition(os.sep)[2]
                            for change, path in changes
                            if change != deleted
                        }
                    )
                    self._read(names)
                    self._freeze_new()
                    if not live:
                        live = True
                        self._read(None)
                    now = time.monotonic()
                    if now - last_scan >= rescan_every:
                        self._read(None)
                        # Listing 100k files takes a while: rescan no more than 5% of the time.
                        took = time.monotonic() - now
                        rescan_every = max(RESCAN_EVERY, took / RESCAN_SHARE)
                        last_scan = time.monotonic()
                    if now - last_status >= STATUS_EVERY:
                        last_status = now
                        self._refresh_status()
                    if not folder.is_dir():
                        break
            except (OSError, RuntimeError) as exc:
                # No inotify here (NFS, some containers) or too many watches: poll instead.
                if not self.force_polling:
                    log.warning("watching %s failed (%s); polling instead", folder, exc)
                    self.force_polling = True
                else:
                    self._stop.wait(0.5)

    def _freeze_new(self) -> None:
        """Keep the collector's full passes short while a big run grows live.

        A full collection walks every tracked object, and the tree only grows: unchecked,
        each pass over a big run stops both threads for a tenth of a second. So, as after
        the first load (`bulk_load`), what was built is frozen out of collection, after a
        collection of the young generations (so the garbage of the moment is not frozen
        with it; a full one would cost what this saves).
        """
        if self.tree.events - self._frozen_at >= FREEZE_EVERY:
            self._frozen_at = self.tree.events
            gc.collect(1)
            gc.freeze()

    def _refresh_status(self) -> None:
        status = self.run.status()
        if status != self.status:
            with self.lock:
                self.status = status
                self._changes.recap = True
                self._tell()
