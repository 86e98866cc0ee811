"""A busy live folder watched and read by a child process, so this one pays a pipe read a
batch instead of the GIL hand-offs of three syscalls a file.

Watching in-process, the feed thread gives the GIL up at every open, read and close of
a new file, and at every step of the watcher; while the UI thread paints, each wait to
get it back can last a switch interval. At 2,000 files a second a batch's reads took
3-4 times their CPU time. Here a child (a fresh interpreter: forking a process that runs
threads is not safe) watches the folder with inotify (so this module is the app's: core
watches nothing), reads each new event file and sends its bytes, or the error reading it
raised, in frames; this side takes them in with `EventReader.take`, the code
that takes in the files it reads itself, so the tree, the errors and the renamed files
are as if it had read them.

The child says when its watch runs (`watching`), and again if the kernel's queue of
events overflowed (`relist`): what was written before, or lost, is not reported, so the
feed then lists the folder once more. Where inotify is missing the child ends at once,
and the feed watches the folder itself. It ends when the folder goes,
when this side closes the pipe or goes, or when killed (`close`).
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

from jobevents.core.fd_io import read_exactly, write_all
from jobevents.core.folder import EventReader, event_file_key, read_regular_file
from jobevents.core.source import ReadResult

#: frame: its kind and its body's length
_HEAD = struct.Struct("<BI")
_LIVE, _FILES = 1, 2
#: a file in a frame: its name's length, 0 or the errno reading it raised, its data's length
_ENTRY = struct.Struct("<HiI")
#: a frame is sent when its body reaches this (a burst is handed over as it is read)
_FRAME_BYTES = 1 << 17
#: how much the pipe holds (Linux), so the child reads on while this side applies a batch
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031
#: the child's watch: how long it lets a burst gather once files arrive (s; a batch a
#: step, not a pipe write a file), and how long it waits before it checks that this side
#: is still there (ms)
GATHER = 0.003
_IDLE_MS = 400


class LiveReader:
    """The feed's side: frames of new files from a child watching `reader`'s folder."""

    def __init__(self, reader: EventReader) -> None:
        self.reader = reader
        #: the child's watch runs: files written from now on are reported
        self.watching = False
        #: files may have come unreported (before the watch ran, or lost by the kernel):
        #: the folder wants listing again (the reader of this sets it back)
        self.relist = False
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "jobevents.tui.live_reader", str(reader.run.job_events)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the terminal is the app's
            close_fds=True,
        )
        assert self._proc.stdout is not None
        self._fd: int | None = self._proc.stdout.fileno()
        with contextlib.suppress(OSError):
            import fcntl

            fcntl.fcntl(self._fd, _F_SETPIPE_SZ, _PIPE_SIZE)

    @classmethod
    def start(cls, reader: EventReader) -> LiveReader | None:
        """A child watching `reader`'s folder; None where one cannot be started."""
        try:
            return cls(reader)
        except OSError:
            return None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def next_batch(self, wait: float) -> ReadResult | None:
        """The new files in every frame waiting, after waiting up to `wait` seconds for
        one (an empty result if none came); None once the child has ended."""
        if self._proc is None:
            return None
        result = ReadResult()
        files: list[tuple[str, bytes | OSError]] = []
        patience = wait
        while self._waiting(patience):
            frame = self._frame()
            if frame is None:
                self.close()
                return None
            kind, body = frame
            if kind == _LIVE:
                self.watching = self.relist = True
            else:
                files += _files(body)
            patience = 0.0
        reader = self.reader
        if files:
            result = reader.take([each for each in files if not reader.was_read(each[0])])
        if reader.pending():  # half-written files waiting to be retried: read here
            retried = reader.read([])
            result.events += retried.events
            result.errors.update(retried.errors)
            result.recovered += retried.recovered
        return result

    def stop(self) -> None:
        """End the child now (any thread): whoever reads from it then sees its end."""
        proc = self._proc
        if proc is not None:
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop the child (if it still runs) and reap it."""
        proc, self._proc = self._proc, None
        self._fd = None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(OSError):
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __del__(self) -> None:
        if hasattr(self, "_proc"):
            self.close()

    def _waiting(self, patience: float) -> bool:
        if self._fd is None:
            return False
        ready, _, _ = select.select([self._fd], [], [], patience)
        return bool(ready)

    def _frame(self) -> tuple[int, bytes] | None:
        """The child's next frame; None at its end (or when it died)."""
        if self._fd is None:
            return None
        head = read_exactly(self._fd, _HEAD.size, _PIPE_SIZE)
        if head is None:
            return None
        kind, size = _HEAD.unpack(head)
        body = read_exactly(self._fd, size, _PIPE_SIZE)
        return None if body is None else (kind, body)


def _files(body: bytes) -> list[tuple[str, bytes | OSError]]:
    """A frame's files: each name with its bytes or the error reading it raised."""
    files: list[tuple[str, bytes | OSError]] = []
    at, end = 0, len(body)
    while at < end:
        name_size, code, size = _ENTRY.unpack_from(body, at)
        at += _ENTRY.size
        name = os.fsdecode(body[at : at + name_size])
        at += name_size
        data = body[at : at + size]
        at += size
        if code == 0:
            files.append((name, data))
        else:
            files.append((name, OSError(code, data.decode("utf-8", "replace"))))
    return files


# ---------------------------------------------------------------- the child


def serve(folder: Path, out: int) -> None:
    """Watch `folder` and send each new event file's bytes to `out` until the folder goes
    or this process's parent does."""
    parent = os.getppid()
    prefix = os.path.join(folder, "")
    watch = _Inotify(folder)
    write_all(out, _HEAD.pack(_LIVE, 0))
    while True:
        if not watch.wait(_IDLE_MS / 1000):
            if os.getppid() != parent:
                return
            continue
        time.sleep(GATHER)  # the rest of a burst joins this batch
        names, lost, gone = watch.take()
        parts: list[bytes] = []
        size = 0
        for name in sorted(names, key=lambda name: (len(name), name)):  # counter order
            encoded = os.fsencode(name)
            try:
                data = read_regular_file(prefix + name)
                code = 0
            except OSError as exc:
                data = (exc.strerror or str(exc)).encode("utf-8", "replace")
                code = exc.errno or 5  # EIO
            parts += (_ENTRY.pack(len(encoded), code, len(data)), encoded, data)
            size += len(encoded) + len(data) + _ENTRY.size
            if size >= _FRAME_BYTES:
                _send(out, parts)
                parts, size = [], 0
        if parts:
            _send(out, parts)
        if lost:  # the kernel's queue overflowed: the feed lists the folder again
            write_all(out, _HEAD.pack(_LIVE, 0))
        if gone:
            return


class _Inotify:
    """The folder's inotify watch (Linux, through libc): the names of event files created
    (a FIFO or a link is reported as it appears), closed after writing, or renamed into
    it. Runner writes `<name>.json.tmp` and renames it, so its file is named once, whole;
    one read takes every event waiting."""

    _EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then the name, NUL-padded
    _CLOSE_WRITE, _MOVED_TO, _CREATE, _DELETE_SELF, _MOVE_SELF = 0x8, 0x80, 0x100, 0x400, 0x800
    _Q_OVERFLOW, _IGNORED, _ONLYDIR = 0x4000, 0x8000, 0x01000000

    def __init__(self, folder: Path) -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        mask = self._CLOSE_WRITE | self._MOVED_TO | self._CREATE
        mask |= self._DELETE_SELF | self._MOVE_SELF
        if libc.inotify_add_watch(fd, os.fsencode(folder), mask | self._ONLYDIR) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder}")
        self._fd: int = fd

    def wait(self, timeout: float) -> bool:
        """Whether events wait, after waiting up to `timeout` seconds for some."""
        ready, _, _ = select.select([self._fd], [], [], timeout)
        return bool(ready)

    def take(self) -> tuple[set[str], bool, bool]:
        """Event files named since the last take; whether events were lost (the
        kernel's queue overflowed); whether the folder went."""
        names: set[str] = set()
        lost = gone = False
        size = self._EVENT.size
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return names, lost, gone
            at = 0
            while at < len(data):
                _wd, mask, _cookie, length = self._EVENT.unpack_from(data, at)
                at += size
                if mask & (self._DELETE_SELF | self._MOVE_SELF | self._IGNORED):
                    gone = True
                elif mask & self._Q_OVERFLOW:
                    lost = True
                elif length:
                    name = os.fsdecode(data[at : at + length].rstrip(b"\0"))
                    if event_file_key(name) is not None:
                        names.add(name)
                at += length


def _send(out: int, parts: list[bytes]) -> None:
    body = b"".join(parts)
    write_all(out, _HEAD.pack(_FILES, len(body)) + body)


def main(argv: list[str]) -> int:
    """The child: `python -m jobevents.tui.live_reader FOLDER`, frames on stdout."""
    with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
        serve(Path(argv[0]), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
