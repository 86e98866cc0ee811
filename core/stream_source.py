"""A run read from a worker stream on a file descriptor: stdin, a pipe, or a saved file.

The `RunSource` of a stream. It reads the descriptor on the caller's thread (no threads
of its own), parses it with `StreamParser`, keeps what it says in a `StreamState`, and,
when asked to, saves the run as an artifacts folder (`RunSaver`) or keeps the events in
memory, so the detail pane can show any event's payload.
"""

from __future__ import annotations

import os
import select
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .folder import event_payload, read_event_file
from .saving import LOST, RunSaver, event_file_name, new_run_dir
from .source import ReadResult
from .stream import (
    ArtifactsZip,
    EventRecord,
    Record,
    StatusRecord,
    StreamParser,
    StreamState,
)

#: bytes read at once
READ_SIZE = 1 << 20
#: how often a regular file that is followed is looked at again when it did not grow
FILE_POLL = 0.1
#: what a stream file is sniffed for (its first records may be `--debug` text)
SNIFF_BYTES = 1 << 20


class NotAStreamError(ValueError):
    """A file that is not ansible-runner's worker stream."""


class StreamSource:
    """One run, received as ansible-runner's worker stream."""

    def __init__(
        self,
        fd: int,
        *,
        label: str,
        owns_fd: bool = False,
        follow: bool = False,
        save_to: Path | None = None,
        save_ident: str | None = None,
        keep_payloads: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Read `fd` (closed by `close()` when `owns_fd`). A regular file is read to its end,
        or, with `follow`, watched while it grows until its `eof` record. `save_to` is a
        private data dir to save the run under (`artifacts/<save_ident or its ident>/`)."""
        self.fd = fd
        self.owns_fd = owns_fd
        self._label = label
        self.follow = follow
        self.state = StreamState()
        self.parser = StreamParser()
        self.clock = clock
        self.keep_payloads = keep_payloads
        self.save_to = save_to
        self.save_ident = save_ident
        self.saver: RunSaver | None = None
        #: why saving stopped (a full disk, say): saving is then given up, watching goes on
        self.save_failure: str | None = None
        self._regular = stat.S_ISREG(os.fstat(fd).st_mode)
        #: events parsed and not handed out yet
        self._ready: list[EventRecord] = []
        #: events handed out and not saved yet, and (with keep_payloads) every event
        self._unsaved: dict[tuple[int, str], tuple[str, bytes]] = {}
        self._kept: dict[tuple[int, str], bytes] = {}
        #: saved events whose file name is not `<counter>-<uuid>.json`
        self._renamed: dict[tuple[int, str], str] = {}
        self._status_written: str | None = None
        self._pending_zip: ArtifactsZip | None = None
        self._events = 0
        self._reported: set[str] = set()
        self._changed = False
        #: nothing more will be read: the descriptor ended, or the worker sent `eof`
        self.exhausted = False

    # ------------------------------------------------------------- RunSource

    @property
    def ident(self) -> str | None:
        if self.saver is not None:
            return self.saver.ident
        return self.save_ident or self.state.ident

    @property
    def label(self) -> str:
        return self._label

    @property
    def read_count(self) -> int:
        return self._events

    @property
    def errors(self) -> dict[str, str]:
        return self.state.errors

    def status(self) -> str | None:
        return LOST if self.state.lost else self.state.status

    def rc(self) -> int | None:
        return self.state.rc

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """At most `limit` events; with none there, wait up to `wait` s (None: for `limit`)."""
        self._fill(limit, wait)
        taken, self._ready = self._ready[:limit], self._ready[limit:]
        result = ReadResult(events=[record.event for record in taken])
        for record in taken:
            self._hand_out(record)
        result.more = bool(self._ready) or (
            not self.exhausted and (wait is None or self._readable(0.0))
        )
        fresh = [name for name in self.state.errors if name not in self._reported]
        for name in fresh:
            self._reported.add(name)
            result.errors[name] = self.state.errors[name]
        result.changed, self._changed = self._changed, False
        return result

    def read_payload(self, ref: tuple[int, str], limit: int | None = None) -> dict[str, Any]:
        """From memory while unsaved (or kept), else from the saved event file."""
        held = self._unsaved.get(ref)
        if held is not None:
            return event_payload(held[1], limit)
        raw = self._kept.get(ref)
        if raw is not None:
            return event_payload(raw, limit)
        if self.saver is not None:
            name = self._renamed.get(ref) or event_file_name(*ref)
            return read_event_file(self.saver.job_events / name, limit)
        raise ValueError("events of this stream are not kept (it is not saved)")

    def abandon(self) -> None:
        """Stop reading before the end: the run, as received, ends here ("lost")."""
        self.state.end()
        self.exhausted = True
        self._changed = True

    def close(self) -> None:
        """Stop reading: the descriptor is closed when it is ours."""
        self.exhausted = True
        if self.owns_fd and self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    # ---------------------------------------------------------------- saving

    @property
    def unsaved(self) -> int:
        """Events received and not written to the saved folder yet."""
        return len(self._unsaved)

    def flush(self, budget: float | None = None) -> None:
        """Write what waits to be saved, for at most `budget` seconds (None: all of it)."""
        if self.saver is None or self.save_failure is not None:
            return
        deadline = None if budget is None else time.monotonic() + budget
        try:
            for ref in list(self._unsaved):
                name, raw = self._unsaved[ref]
                self.saver.write_event(name, raw)
                # popped after the write: a payload lookup finds it in memory or on disk
                del self._unsaved[ref]
                if deadline is not None and time.monotonic() >= deadline:
                    return
            zip_record, self._pending_zip = self._pending_zip, None
            if zip_record is not None and zip_record.data and not self.state.artifacts_problem:
                for why in self.saver.write_artifacts(zip_record.data):
                    self.state.errors[f"artifacts {why.partition(':')[0]}"] = why
            status = self.status()
            if status is not None and status != self._status_written:
                self.saver.write_status(status)
                self._status_written = status
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            self.save_failure = f"{type(exc).__name__}: {exc}"
            # payloads stay at hand in memory, as with --no-save
            self._kept.update((ref, raw) for ref, (_name, raw) in self._unsaved.items())
            self._unsaved.clear()

    @property
    def saved_to(self) -> Path | None:
        """The folder the run is saved in, once it exists."""
        return self.saver.ident_dir if self.saver is not None else None

    # -------------------------------------------------------------- reading

    def _fill(self, limit: int, wait: float | None) -> None:
        """Read and parse until `limit` events wait, the wait is over, or the stream ended."""
        deadline = 0.0 if wait is None else time.monotonic() + wait
        while len(self._ready) < limit and not self.exhausted:
            if wait is None:
                timeout: float | None = None
            elif self._ready:
                timeout = 0.0  # something to hand out already: only what is there now
            else:
                timeout = max(0.0, deadline - time.monotonic())
            if not self._readable(timeout):
                return
            data = self._read_some()
            if data is None:  # a followed file that has not grown (yet)
                left = FILE_POLL if timeout is None else min(FILE_POLL, timeout)
                if left <= 0:
                    return
                time.sleep(left)
                continue
            if not data:
                self._end()
                return
            self._take(self.parser.feed(data))

    def _readable(self, timeout: float | None) -> bool:
        if self._regular:
            return True
        try:
            ready, _, _ = select.select([self.fd], [], [], timeout)
        except (OSError, ValueError):
            return True  # let the read say what is wrong
        return bool(ready)

    def _read_some(self) -> bytes | None:
        """Bytes read; b"" at the end; None when a followed file has not grown."""
        try:
            data = os.read(self.fd, READ_SIZE)
        except BlockingIOError:
            return None
        except OSError as exc:
            self.state.errors.setdefault("read", f"reading {self._label}: {exc.strerror or exc}")
            return b""
        if not data and self._regular and self.follow:
            return None
        return data

    def _end(self) -> None:
        self._take(self.parser.close())
        self.state.end()
        self.exhausted = True
        self._changed = True

    def _take(self, records: list[Record]) -> None:
        if records:
            self.state.last_heard = self.clock()
            self._changed = True  # "last heard" moved
        for record in records:
            if isinstance(record, EventRecord):
                self.state.apply(record)
                self._ready.append(record)
                continue
            if isinstance(record, ArtifactsZip):
                self._pending_zip = record
            self.state.apply(record)
            if isinstance(record, StatusRecord) and self.saver is None:
                self._ensure_saver()
        if self.state.ended == "eof":
            self.exhausted = True

    def _hand_out(self, record: EventRecord) -> None:
        """An event goes to the tree: from now on its payload may be asked for."""
        self._events += 1
        event = record.event
        ref = (event.counter, event.uuid)
        if self.keep_payloads or self.save_failure is not None:
            self._kept[ref] = record.raw
        if self.save_to is None or self.save_failure is not None:
            return
        self._ensure_saver()
        name = event_file_name(*ref)
        if name != f"{ref[0]}-{ref[1]}.json":
            self._renamed[ref] = name
        self._unsaved[ref] = (name, record.raw)

    def _ensure_saver(self) -> None:
        if self.saver is not None or self.save_to is None or self.save_failure is not None:
            return
        ident = self.save_ident or self.state.ident or time.strftime("stream-%Y%m%d-%H%M%S")
        try:
            self.saver = RunSaver(new_run_dir(self.save_to, ident))
        except OSError as exc:
            self.save_failure = f"{type(exc).__name__}: {exc}"


def looks_like_stream(path: Path) -> bool:
    """Whether a file holds a worker stream: `.jsonl`, or a stream record in its first MiB."""
    if path.suffix == ".jsonl":
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    parser = StreamParser()
    records = parser.feed(head)
    if len(head) < SNIFF_BYTES:
        records += parser.close()
    return any(isinstance(r, StatusRecord | EventRecord) for r in records)
