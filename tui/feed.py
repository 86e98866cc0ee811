"""RunFeed: reads a run on a thread and builds its tree; the UI takes changes in batches.

The run comes from a `RunSource`: its artifacts folder (tailed with watchfiles) or a
worker stream (read as it arrives, and saved as it goes). Reading and decoding happen
off the UI thread. Every change to the tree is made under `lock`, and the UI, which reads
the tree only under the same lock, takes the accumulated `Changes` on a timer: one
repaint per frame however fast events come.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from jobevents.core.folder import EventReader, RunFolder
from jobevents.core.loading import bulk_load
from jobevents.core.nodes import Changes
from jobevents.core.source import ReadResult, RunSource
from jobevents.core.state import RunState

if TYPE_CHECKING:
    from jobevents.core.child_reader import ChildReader
    from jobevents.core.stream import StreamState
    from jobevents.core.stream_source import StreamSource
    from jobevents.tui.live_reader import LiveReader

log = logging.getLogger(__name__)

Severity = Literal["information", "warning", "error"]

#: files read and applied per locked step of the first load
CHUNK = 2000
#: events applied per locked step of a first load a child reads ahead (a few of its
#: frames): each batch's events and frames are let go while still in the CPU's cache, and
#: their memory is used again for the next (the navigator run's take-in: 24.7 -> 23.3 ms
#: of CPU and a third fewer page faults than in batches of CHUNK)
AHEAD_BATCH = 256
#: the pause between steps of making the hosts index after the first load
HOSTS_STEP_GAP = 0.002
#: how often the whole folder is listed again, as a safety net under the watcher
#: (lost inotify events); at least this often, and never more than 1% of the time:
#: listing 40k names took 60-90 ms of CPU (100-200 ms wall beside a painting UI), and
#: every event that arrives meanwhile waits for it
RESCAN_EVERY = 5.0
RESCAN_SHARE = 0.01
#: how often the `status` file is read
STATUS_EVERY = 0.5
#: while events arrive live, what they built is frozen out of the collector this often
FREEZE_EVERY = 2000
#: a stream is waited on this long at a time (how soon `stop` is noticed)
STREAM_WAIT = 0.25
#: a stream's first load waits this long for its first bytes, then ends at a pause this long
FIRST_WAIT = 0.5
BURST_QUIET = 0.05
#: seconds of saving a received stream after each read: short while more waits, longer idle
SAVE_BUSY = 0.02
SAVE_IDLE = 0.2
#: the watcher hands over what changed this many ms after it sees a change, at most
#: (its "debounce"), looking every WATCH_STEP ms: a file is read a step or two after it
#: appears, and what came while the last batch was applied is taken at once
WATCH_DEBOUNCE = 0
WATCH_STEP = 5
#: the GIL's switch interval (seconds) while a folder is watched. The feed thread gives
#: the GIL up at every open, read and close of a file; while the UI thread paints, each
#: wait to get it back lasted up to Python's default of 5 ms (a convoy: a read of 50
#: files could wait 150 of them). Set for the process, once a folder is watched.
SWITCH_INTERVAL = 0.001
#: this many files arriving within a second make a watched folder busy: from then on a
#: child process watches it and reads its files (`tui/live_reader.py`)
LIVE_CHILD_FILES = 400


class RunFeed:
    """One run, read into an `EventTree` by a background thread."""

    def __init__(
        self,
        source: RunSource | RunFolder,
        *,
        force_polling: bool = False,
        retry_for: float = 5.0,
        watch: bool = True,
        ahead: ChildReader | None = None,
    ) -> None:
        if isinstance(source, RunFolder):
            source = EventReader(source, retry_for=retry_for)
        self.source: RunSource = source
        #: the source under its old name: read counts, `path_of` of a folder
        self.reader: Any = source
        #: the folder, for a run read from one (None for a stream)
        self.run: RunFolder | None = source.run if isinstance(source, EventReader) else None
        #: the source as a worker stream (None for a folder), and what the stream says
        self._stream_source = as_stream(source)
        self.stream: StreamState | None = (
            self._stream_source.state if self._stream_source is not None else None
        )
        self.state = RunState()
        self.tree = self.state.tree
        self.lock = self.state.lock
        self.force_polling = force_polling
        self.watch = watch
        self.status: str | None = source.status()
        #: set when what was there at start has been read
        self.loaded = threading.Event()
        #: how the run is being read: "inotify", "polling", "waiting", "stream", "stopped"
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
        self._end_noted = False
        #: a child reading the folder's files for the first load (forked by `watch` before
        #: the app was imported: `early_feed.py`), its `reader` the source's; reaped after it
        self._ahead = ahead
        #: the watched folder is busy (a child reads it), and a child may be tried
        self._busy = False
        self._child_ok = True
        #: the child reading the watched folder, while one does
        self._child: LiveReader | None = None
        self._last_scan = self._last_status = 0.0
        self._rescan_every = RESCAN_EVERY
        #: set when the hosts index and the watch may start after the first load (see
        #: `hold_until_shown`)
        self._shown = threading.Event()
        self._shown.set()
        #: nobody reads the tree before the first load ends (see `load_unseen`)
        self._unseen = False

    def hold_until_shown(self) -> None:
        """After its first load, wait for `shown` before the hosts index and the watch.

        `watch`'s first run is loaded before the app's first frame, and the work that
        followed on this thread (the hosts index, importing watchfiles: 7-9 ms of CPU)
        took the interpreter lock from that frame. The watch lists the folder again when
        it starts, so what arrives meanwhile is read then. Call before `start`.
        """
        self._shown.clear()

    def load_unseen(self) -> None:
        """Nobody reads the tree before the first load ends: its host-run counts are summed
        once at its end (`EventTree.defer_counts`: a small run's counts walked up to the root
        at each host run's start and end, 1.3 ms of its 25 ms take-in). `watch` waits for a
        small run's load before the app exists. Call before `start`; `seen` ends it sooner.
        """
        self._unseen = True

    def seen(self) -> None:
        """Something reads the tree from now on (the first load may still be going on): its
        counts are summed now and kept event by event after."""
        with self.lock:
            self._unseen = False
            self.tree.settle_counts()
            self._changes.changed.add(self.tree.root)

    def shown(self) -> None:
        """The app painted its first frame of this run: the feed carries on."""
        self._shown.set()

    @property
    def ident(self) -> str | None:
        return self.source.ident

    def read_payload(self, ref: tuple[int, str], limit: int | None = None) -> dict[str, Any]:
        """The whole event behind a node (any thread): from its file, or a stream's memory."""
        return self.source.read_payload(ref, limit)

    def take_end_note(self) -> tuple[str, str, Severity] | None:
        """Once, after a stream has been read to its end: (title, message, severity)."""
        source = self._stream_source
        if source is None or self._end_noted or self.mode != "stopped":
            return None
        self._end_noted = True
        with self.lock:
            state, status = source.state, self.status
        where = f" Saved in {source.saved_to}." if source.saved_to is not None else ""
        if source.save_failure:
            where = f" Not saved: {source.save_failure}."
        if state.lost:
            message = f"It ended without its end record: what came is shown.{where}"
            return ("Stream lost", message, "warning")
        rc = f", rc {state.rc}" if state.rc is not None else ""
        severity: Severity = "information" if status == "successful" else "error"
        return ("Stream ended", f"{status}{rc}.{where}", severity)

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
        self._shown.set()
        ahead = self._ahead
        if ahead is not None and self._thread is None:
            ahead.close()
        elif ahead is not None:
            ahead.stop()  # ended now; reaped by the thread reading from it
        child = self._child
        if child is not None:
            child.stop()  # likewise: the thread is not left waiting for its next batch
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
                try:
                    self._first_load()
                finally:
                    if self._unseen:  # the counts it left to its end
                        self.seen()
            reader = self.source
            if not self.watch and isinstance(reader, EventReader) and reader.pending():
                # Nobody will come back for half-written files: say now what did not parse.
                reader.retry_for = 0.0
                self._read([])
            self.loaded.set()
            with self.lock:  # changes or not, the frame after the load catches follow up
                self._told = False
                self._tell()
            self._shown.wait()  # `stop` sets it too
            if not self._stop.is_set():
                with self.lock:  # the log the first load kept aside (unless made since)
                    self.state.make_log()
            self._index_hosts()
            if self._stream_source is not None:
                self._follow_stream(self._stream_source)
            elif self.watch:
                self._follow()
        except Exception as exc:  # never let a reader bug kill the app silently
            log.exception("feed failed")
            self.failure = f"{type(exc).__name__}: {exc}"
        finally:
            self.loaded.set()
            self.mode = "stopped"

    def _index_hosts(self) -> None:
        """Make the hosts index now the first load is on screen, a slice of runs per
        locked step: the load did not pay for it, and the Hosts view opens at once."""
        while not self._stop.is_set():
            with self.lock:
                if not self.state.index_hosts_step():
                    return
            self._stop.wait(HOSTS_STEP_GAP)  # the UI may take the lock between steps

    def _first_load(self) -> None:
        """What is there now, in bounded locked steps.

        A stream's backlog is what comes without a pause: a pipe can be empty for a moment
        before its writer starts or while it is descheduled, and a load cut short there
        would build the rest of a big backlog at the live pace, frame by frame.
        The log waits for the first frame (`RunState.defer_log`).
        """
        self.state.defer_log()
        with self.lock:
            if self._unseen:
                self.tree.defer_counts()
        if self._ahead is not None:
            self._take_ahead(self._ahead)
            return
        source, stream = self.source, self._stream_source
        wait = FIRST_WAIT if stream is not None else 0.0
        while not self._stop.is_set():
            result = source.next_batch(CHUNK, wait=wait)
            self._apply(result)
            if not result.more and (stream is None or stream.exhausted or not result.events):
                return
            wait = BURST_QUIET

    def _take_ahead(self, ahead: ChildReader) -> None:
        """The first load from the child reading ahead: its listing, its files as it sends
        them, and what it has not read when this thread wants more, read here."""
        try:
            while not self._stop.is_set():
                result = ahead.next_batch(AHEAD_BATCH)
                self._apply(result)
                if not result.more:
                    return
        finally:
            ahead.close()
            self._ahead = None  # its listing goes with it

    def _read(self, names: Iterable[str] | None) -> None:
        """Read files (all present when None) and apply them in bounded locked steps."""
        reader = self.source
        assert isinstance(reader, EventReader)
        if names is None:
            names = reader.list_names()
        batch = list(names)
        if not batch and not reader.pending():
            return
        for i in range(0, max(len(batch), 1), CHUNK):
            if self._stop.is_set():
                return
            self._apply(reader.read(batch[i : i + CHUNK]))

    def _apply(self, result: ReadResult) -> None:
        """One read's events and errors into the tree, under the lock."""
        if not (result.events or result.errors or result.recovered or result.changed):
            return
        with self.lock:
            self.state.add_all(result.events, self._changes)
            self._errors.update(result.errors)
            for name in result.recovered:
                self._errors.pop(name, None)
            if result.changed:
                self.status = self.source.status()
                self._changes.recap = True  # the header shows the run's state
            self._tell()

    def _follow_stream(self, source: StreamSource) -> None:
        """Read a worker stream as it arrives until its end, saving it as it goes."""
        self.mode = "stream"
        while not self._stop.is_set():
            result = source.next_batch(CHUNK, wait=STREAM_WAIT)
            self._apply(result)
            self._freeze_new()
            source.flush(SAVE_BUSY if result.more else SAVE_IDLE)
            if source.exhausted and not result.more:
                break
        while source.unsaved and not self._stop.is_set():
            source.flush(SAVE_IDLE)
        source.flush(0.0)  # the status and artifacts, once the events are written
        self._apply(ReadResult(changed=True))

    def _follow(self) -> None:
        """Watch the folder until stopped, surviving its removal and re-creation: here
        while it is quiet, with a child reading its files once it is busy."""
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        self._last_scan = self._last_status = time.monotonic()
        self._rescan_every = RESCAN_EVERY
        assert self.run is not None
        while not self._stop.is_set():
            folder = self.run.job_events
            if not folder.is_dir():
                self.mode = "waiting"
                self._refresh_status()
                self._stop.wait(0.5)
                continue
            if self._busy and not self.force_polling:
                self._watch_with_child(folder)
            else:
                self._watch_here(folder)

    def _watch_here(self, folder: Path) -> None:
        """Watch `folder` with watchfiles on this thread and read what it names, until the
        folder goes or `LIVE_CHILD_FILES` arrive within a second (then a child reads)."""
        import watchfiles

        deleted = watchfiles.Change.deleted
        # The watcher reports only what changes after it starts: list the folder once
        # more when it is live (its first yield), not before, when the first frame
        # of a big run still wants the CPU.
        live = False
        self.mode = "polling" if self.force_polling else "inotify"
        window, arrived = time.monotonic(), 0
        try:
            for changes in watchfiles.watch(
                folder,
                recursive=False,  # runner writes no subfolders; walking 100k files is not free
                watch_filter=None,
                debounce=WATCH_DEBOUNCE,
                step=WATCH_STEP,
                rust_timeout=400,
                yield_on_timeout=True,
                stop_event=self._stop,
                force_polling=self.force_polling,
                poll_delay_ms=100,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                names = sorted(
                    {path.rpartition(os.sep)[2] for change, path in changes if change != deleted}
                )
                self._read(names)
                if not live:
                    live = True
                    self._read(None)
                self._keep_up()
                if not folder.is_dir():
                    break
                now = time.monotonic()
                if now - window >= 1.0:
                    window, arrived = now, 0
                arrived += len(names)
                if arrived >= LIVE_CHILD_FILES and self._child_ok and not self.force_polling:
                    self._busy = True
                if self._busy and self._child_watching():
                    break  # the child watches: it reads from here on
        except (OSError, RuntimeError) as exc:
            # No inotify here (NFS, some containers) or too many watches: poll instead.
            if not self.force_polling:
                log.warning("watching %s failed (%s); polling instead", folder, exc)
                self.force_polling = True
            else:
                self._stop.wait(0.5)

    def _child_watching(self) -> bool:
        """Start a child to watch the busy folder, if none is started; whether it watches
        yet. This thread reads on meanwhile: a child takes a few hundred ms to start (more
        on a busy machine), and the files of that time would wait for its first listing."""
        child = self._child
        if child is None:
            reader = self.source
            assert isinstance(reader, EventReader)
            from jobevents.tui.live_reader import LiveReader

            child = self._child = LiveReader.start(reader)
            if child is None:
                self._child_ok = self._busy = False
                return False
        result = child.next_batch(0.0)
        if result is None:  # it ended before it watched: this thread watches on
            self._child = None
            self._give_up_child()
            return False
        self._apply(result)  # what it sent after its watch began
        return child.watching

    def _give_up_child(self) -> None:
        """A child ended before it watched: this thread watches, and if the folder is
        still there (it could not watch it), no child is tried again."""
        self._busy = False
        if self.run is not None and self.run.job_events.is_dir():
            self._child_ok = False

    def _watch_with_child(self, folder: Path) -> None:
        """A child watches `folder` and reads its new files (`LiveReader`): this thread
        takes them in, a pipe read a batch, until the folder goes or the child ends."""
        child = self._child
        if child is None:
            while self._busy and not self._child_watching() and not self._stop.is_set():
                self._stop.wait(0.02)
            child = self._child
            if child is None:
                return
        self.mode = "inotify"
        try:
            while not self._stop.is_set():
                result = child.next_batch(STREAM_WAIT)
                if result is None:  # it ended: the folder went, or it could not watch
                    if not child.watching:
                        self._give_up_child()
                    return
                self._apply(result)
                if child.relist:
                    child.relist = False
                    self._read(None)  # what came before its watch ran, or was lost
                self._keep_up()
                if not folder.is_dir():
                    return
        finally:
            self._child = None
            child.close()

    def _keep_up(self) -> None:
        """After each batch of a watch: freeze what was built, list the folder again now
        and then (lost inotify events), and read the `status` file."""
        self._freeze_new()
        now = time.monotonic()
        if now - self._last_scan >= self._rescan_every:
            self._read(None)
            # Listing 100k files takes a while: rescan no more than 1% of the time.
            took = time.monotonic() - now
            self._rescan_every = max(RESCAN_EVERY, took / RESCAN_SHARE)
            self._last_scan = time.monotonic()
        if now - self._last_status >= STATUS_EVERY:
            self._last_status = now
            self._refresh_status()

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
        status = self.source.status()
        if status != self.status:
            with self.lock:
                self.status = status
                self._changes.recap = True
                self._tell()


def as_stream(source: RunSource) -> StreamSource | None:
    """`source` if it is a worker stream, else None (a folder).

    The stream's modules are imported by whoever opens a stream, not by the app before
    its first frame: a source can only be a `StreamSource` once that module is loaded.
    """
    module = sys.modules.get("jobevents.core.stream_source")
    if module is not None and isinstance(source, module.StreamSource):
        return cast("StreamSource", source)
    return None
