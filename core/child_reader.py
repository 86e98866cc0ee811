"""A cold load of a big run on two cores: a forked child reads event files while this
process decodes them and builds the tree, and reads some itself when the child is behind.

With 2 cores the GIL is the ceiling. Opening and reading 100k small files (three syscalls
each) is about a third of a cold load; decoding them and building the tree is the rest,
and has to happen here. So the child does only the syscalls: the listing is cut in
chunks, the child takes them from the front and sends each file's bytes as they are (or
the error reading it raised), and this side takes them in with `EventReader.take`, the
same code that takes in the files it reads itself: the tree, the errors and the renamed
files are an in-process load's by construction, whatever a file holds.

Whenever nothing from the child is waiting, this side takes the last chunk nobody has
taken and reads it itself, so the two meet in the middle whatever the machine's load.
What this side has taken in is counted by chunk and position, so a child that dies
costs only the files it had not sent: they are read here. The tree is the same in any
arrival order, so the chunks' order does not matter; each file is taken in once.
Forking is safe only in a process running one thread: `can_fork()`.

`watch` forks its reader before it has a listing (`ChildReader.ahead`), before Textual is
imported and any thread runs: the child lists the run itself, sends the listing first and
reads on, keeping up to `AHEAD_BYTES` of files it has read beyond what the pipe holds (a
small run while this process imports the app; a big one's child is `held` until the
first batch is asked for). Once its listing is sent it reads at the lowest
priority: on a busy machine what it has not read when this side wants it is read here.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import select
import signal
import struct
import threading
from collections import deque
from collections.abc import Iterator, Sequence

from .fd_io import read_exactly
from .folder import EventReader, event_file_key, open_folder, read_in_folder
from .source import ReadResult

#: a backlog this big is read with a child; a smaller one is not worth a process
CHILD_FROM = 4000

#: frame: its kind, its chunk, the position in the chunk of its first file, its body's length
_HEAD = struct.Struct("<BIII")
_FILES, _END, _LIST = 1, 2, 3
#: a files frame's body: how many files, an entry for each, then their bytes one after another
_COUNT = struct.Struct("<I")
#: a file's entry: its bytes' length (`_OK`) or errno and the reason's length
_ENTRY = struct.Struct("<iI")
_OK, _NOT_EVENT = 0, -1
#: a frame is sent when its body reaches this (a chunk of huge files is not held whole):
#: ~150 files, a few ms of the child's reading
_FRAME_BYTES = 1 << 18
#: how long this side waits for a frame before it reads a chunk itself: a child that
#: keeps up sends one well within this, and this side's own reading costs it twice what
#: taking in the child's does
_PATIENCE = 0.005
#: the shared claims, two of these: the child's next chunk (front, at 0), the lowest chunk
#: this side took (back, at 8); each side writes its own, reads both
_CLAIM = struct.Struct("<q")
_FRONT, _BACK = 0, 8
#: how much the pipe holds, so the child can run a few frames ahead
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031
#: `ahead`: how much a child forked before the app is imported keeps read beyond what the
#: pipe holds (the app takes nothing for half a second or more; a run of a few thousand
#: files is read whole meanwhile)
AHEAD_BYTES = 1 << 25
#: `ahead`: the back claim before this side has the child's listing: none
_UNLISTED = 1 << 62


def can_fork() -> bool:
    """Whether this process may fork a reader: it has `fork` and runs one thread (a fork
    copies only the calling thread; a lock another thread held would stay held)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class ChildReader:
    """The `next_batch` of a load whose chunks a forked child and this process share.

    `reader` is this side's `EventReader`: it reads this side's chunks and takes in the
    child's files, so it answers `errors`, `read_count` and payload reads (and a watch's
    reader knows the files as read) as if it had read every file. `close()` (or reaching
    the end) reaps the child; `stop()` ends it from any thread.
    """

    def __init__(self, reader: EventReader, names: Sequence[str], chunk: int) -> None:
        self._start(reader, names, chunk, keep=0)

    @classmethod
    def ahead(cls, reader: EventReader, chunk: int, *, held: bool = False) -> ChildReader:
        """Fork now a child that lists `reader`'s run itself and reads on ahead of this side
        (`AHEAD_BYTES`), at the lowest priority. Only where `can_fork()`.

        `held`: the child starts when this side first asks for a batch, not now. Its
        listing and reading beside this process's imports slowed them by a third (the
        app's first paint, 0.55 -> 0.75 s), which a big run's first frame does not repay.
        """
        self = cls.__new__(cls)
        self._start(reader, None, chunk, keep=AHEAD_BYTES, held=held)
        return self

    def _start(
        self,
        reader: EventReader,
        names: Sequence[str] | None,
        chunk: int,
        keep: int,
        held: bool = False,
    ) -> None:
        self.reader = reader
        #: the listing shared with the child (`ahead`: the child's, once received); the
        #: names of a chunk taken in are let go
        self._names: list[str] = list(names) if names is not None else []
        self._chunk = max(chunk, 1)
        self._chunks = self._count_chunks()
        self._keep = keep
        self._claims = mmap.mmap(-1, 2 * _CLAIM.size)  # anonymous: shared with the child
        _CLAIM.pack_into(self._claims, _FRONT, 0)
        _CLAIM.pack_into(self._claims, _BACK, self._chunks if names is not None else _UNLISTED)
        #: chunk -> how many of its names (from its first) have been taken in
        self._taken: dict[int, int] = {}
        self._lock = threading.Lock()
        rfd, wfd = os.pipe()
        with contextlib.suppress(OSError):
            import fcntl

            fcntl.fcntl(wfd, _F_SETPIPE_SZ, _PIPE_SIZE)
        go_r, go_w = os.pipe() if held else (-1, -1)
        pid = os.fork()
        if pid == 0:  # the child: read, send, and leave without the parent's cleanup
            code = 1
            try:
                os.close(rfd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # ctrl-c: gone, no traceback
                if held:
                    os.close(go_w)
                    if not os.read(go_r, 1):  # this side closed without a go: it is gone
                        os._exit(0)
                self._serve(wfd, listed=names is not None)
                code = 0
            finally:
                os._exit(code)
        os.close(wfd)
        if held:
            os.close(go_r)
        #: `held`: the pipe that starts the child (a byte), until this side asks
        self._go: int | None = go_w if held else None
        self._pid: int | None = pid
        self._fd: int | None = rfd
        self._batches = self._take(listed=names is not None)

    @property
    def pid(self) -> int | None:
        """The child's process id until it is reaped."""
        return self._pid

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """The child's frames waiting now, up to about `limit` events, or a chunk read
        here; none, `more` false, at the end."""
        if self._go is not None:
            self._release()
        result = ReadResult()
        while len(result.events) < limit:
            try:
                part = next(self._batches)
            except StopIteration:
                self.close()
                return result
            result.events += part.events
            result.errors.update(part.errors)
            result.recovered += part.recovered
            if not self._frame_waiting(0.0):
                break
        result.more = True
        return result

    def stop(self) -> None:
        """End the child now (any thread): whoever reads from it then sees its end."""
        with self._lock:
            if self._pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(self._pid, signal.SIGKILL)

    def _release(self, *, start: bool = True) -> None:
        """Start a held child (`ahead`); `start=False`: let it go unstarted (it exits)."""
        go, self._go = self._go, None
        if go is None:
            return
        if start:
            with contextlib.suppress(OSError):
                os.write(go, b"g")
        os.close(go)

    def close(self) -> None:
        """Stop the child (if it still runs) and reap it."""
        self._release(start=False)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with self._lock:
            pid, self._pid = self._pid, None
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.waitpid(pid, 0)

    def __del__(self) -> None:
        if hasattr(self, "_pid"):
            self.close()

    # ------------------------------------------------------------ this side

    def _take(self, listed: bool) -> Iterator[ReadResult]:
        """Frames as they come: the child's when one waits, else a chunk read here from
        the back; when the child has ended (or died), what is missing is read here."""
        if not listed:
            self._receive_listing()
        while True:
            if not self._frame_waiting():
                mine = self._claim_back()
                if mine is not None:
                    yield self._read_here(mine)
                    continue
            frame = self._frame()
            if frame is None:
                break
            index, first, body = frame
            if first == self._taken.get(index, 0):  # else this side read it meanwhile
                yield self._take_in(index, first, body)
        self.close()
        for index in range(self._chunks):
            if self._taken.get(index, 0) < self._size(index):
                yield self._read_here(index)

    def _receive_listing(self) -> None:
        """`ahead`: the child's listing, which the chunks count in; listed here if the
        child died before sending it (it then reads nothing more)."""
        frame = self._frame(_LIST)
        if frame is None:
            self.close()
            self._names = self.reader.list_names()
        else:
            body = frame[2]
            self._names = os.fsdecode(body).split("\0") if body else []
        self._chunks = self._count_chunks()
        _CLAIM.pack_into(self._claims, _BACK, self._chunks)

    def _count_chunks(self) -> int:
        return -(-len(self._names) // self._chunk)

    def _size(self, index: int) -> int:
        return min(self._chunk, len(self._names) - index * self._chunk)

    def _let_go(self, index: int) -> None:
        """Drop the names of chunk `index` once all are taken in (100k names are 9 MB,
        held beside the growing tree otherwise)."""
        size = self._size(index)
        if self._taken.get(index, 0) == size:
            start = index * self._chunk
            self._names[start : start + size] = [""] * size

    def _claim_back(self) -> int | None:
        index: int = _claim(self._claims, _BACK) - 1
        if index < _claim(self._claims, _FRONT) or index < 0:
            return None
        _CLAIM.pack_into(self._claims, _BACK, index)
        return index

    def _read_here(self, index: int) -> ReadResult:
        """The names of chunk `index` not taken in yet, read here."""
        start = index * self._chunk
        taken, size = self._taken.get(index, 0), self._size(index)
        self._taken[index] = size
        result = self.reader.read(self._names[start + taken : start + size])
        self._let_go(index)
        result.more = True
        return result

    def _take_in(self, index: int, first: int, body: bytes) -> ReadResult:
        """A frame of the child's: its files, from position `first` of chunk `index`."""
        pos = index * self._chunk + first
        (count,) = _COUNT.unpack_from(body)
        at = _COUNT.size + count * _ENTRY.size
        # Each file a view into the frame, not a copy: its events' raw values keep the
        # frame alive only while the batch they are in is applied (the tree keeps none).
        view = memoryview(body)
        files: list[tuple[str, memoryview | OSError]] = []
        entries = _ENTRY.iter_unpack(view[_COUNT.size : at])
        for name, (code, size) in zip(self._names[pos : pos + count], entries, strict=True):
            if code == _OK:
                files.append((name, view[at : at + size]))
            elif code != _NOT_EVENT:
                files.append((name, OSError(code, body[at : at + size].decode("utf-8", "replace"))))
            at += size
        self._taken[index] = first + count
        self._let_go(index)
        result = self.reader.take(files)
        result.more = True
        return result

    def _frame_waiting(self, patience: float = _PATIENCE) -> bool:
        if self._fd is None:
            return False
        ready, _, _ = select.select([self._fd], [], [], patience)
        return bool(ready)

    def _frame(self, kind: int = _FILES) -> tuple[int, int, bytes] | None:
        """The child's next frame (of `kind`); None at its end, or when it died or its
        pipe broke."""
        if self._fd is None:
            return None
        head = read_exactly(self._fd, _HEAD.size, _PIPE_SIZE)
        if head is None:
            return None
        got, index, first, size = _HEAD.unpack(head)
        body = read_exactly(self._fd, size, _PIPE_SIZE)
        if got != kind or body is None or (kind == _FILES and index >= self._chunks):
            return None
        return index, first, body

    # ------------------------------------------------------------ the child

    def _serve(self, fd: int, listed: bool) -> None:
        """Take chunks from the front until they meet this side's; send their files'
        bytes in frames of about `_FRAME_BYTES` (`ahead`: after the listing)."""
        out = _Outbox(fd, self._keep)
        if not listed:
            self._names = self.reader.list_names()
            self._chunks = self._count_chunks()
            body = os.fsencode("\0".join(self._names))
            out.put(_HEAD.pack(_LIST, 0, 0, len(body)) + body)
            # This side waits for the listing; the files it can read itself when the
            # child is behind: from here the child takes only what this side leaves idle.
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, 0, 19)
        names, folder = self._names, self.reader.folder_prefix
        dir_fd = open_folder(folder)  # closed with the child
        while True:
            index = _claim(self._claims, _FRONT)
            if index >= _claim(self._claims, _BACK) or index >= self._chunks:
                break
            _CLAIM.pack_into(self._claims, _FRONT, index + 1)
            start = index * self._chunk
            first, entries, parts, size = 0, [b""], [b""], 0
            for pos in range(self._size(index)):
                name = names[start + pos]
                if event_file_key(name) is None:
                    entries.append(_ENTRY.pack(_NOT_EVENT, 0))
                    continue
                try:
                    data = read_in_folder(folder, name, dir_fd)
                    entries.append(_ENTRY.pack(_OK, len(data)))
                except OSError as exc:
                    data = (exc.strerror or str(exc)).encode("utf-8", "replace")
                    entries.append(_ENTRY.pack(exc.errno or errno.EIO, len(data)))
                parts.append(data)
                size += len(data)
                if size >= _FRAME_BYTES:
                    out.put(_frame(index, first, entries, parts))
                    first, entries, parts, size = pos + 1, [b""], [b""], 0
            if len(entries) > 1:
                out.put(_frame(index, first, entries, parts))
        out.put(_HEAD.pack(_END, 0, 0, 0))
        out.drain()


class _Outbox:
    """The child's frames on their way into the pipe: written as the pipe takes them, and
    up to `keep` bytes held beyond it (reading on while this side takes nothing)."""

    def __init__(self, fd: int, keep: int) -> None:
        self._fd = fd
        self._keep = keep
        self._parts: deque[memoryview] = deque()
        self._size = 0
        os.set_blocking(fd, False)

    def put(self, data: bytes) -> None:
        """Send `data` after what waits; wait for the pipe while more than `keep` waits."""
        self._parts.append(memoryview(data))
        self._size += len(data)
        self._write()
        while self._size > self._keep:
            select.select([], [self._fd], [])
            self._write()

    def drain(self) -> None:
        """Wait until everything is in the pipe."""
        while self._parts:
            select.select([], [self._fd], [])
            self._write()

    def _write(self) -> None:
        """As much as the pipe takes now (a broken pipe raises: this side is gone)."""
        parts = self._parts
        while parts:
            try:
                sent = os.write(self._fd, parts[0])
            except BlockingIOError:
                return
            self._size -= sent
            if sent < len(parts[0]):
                parts[0] = parts[0][sent:]
                return
            parts.popleft()


def _frame(index: int, first: int, entries: list[bytes], parts: list[bytes]) -> bytes:
    """A frame of files: their entries, then their bytes (each list's first item is the
    place of the frame's head, and of the count)."""
    count = len(entries) - 1
    entries[0] = _COUNT.pack(count)
    size = _COUNT.size + count * _ENTRY.size + sum(map(len, parts))
    parts[0] = _HEAD.pack(_FILES, index, first, size) + b"".join(entries)
    return b"".join(parts)


def _claim(claims: mmap.mmap, at: int) -> int:
    value: int = _CLAIM.unpack_from(claims, at)[0]
    return value
