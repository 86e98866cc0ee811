"""A cold load of a big run on two cores: a forked child reads and decodes event files
while this process builds the tree, and reads some itself when the child is behind.

With 2 cores the GIL is the ceiling: opening, reading and decoding 100k small files is
about half of a cold load, building the tree the other half. The listing is cut in
chunks; the child takes them from the front with the same `EventReader` (same errors,
same fixes of a file's identity) and sends each chunk's events re-encoded as compact
JSON: only the fields the tree reads, which the typed decoder here takes in a fraction of
what the files would cost. Whenever no chunk from the child is waiting, this process
takes the last chunk nobody has taken and reads it itself, so the two meet in the middle
whatever the machine's load (a starved child costs little). The tree is the same in any
arrival order, so the chunks' order does not matter; each is applied once.

The result must be the tree an in-process load builds, so anything that would not come
back the same makes the load start again in-process (`ChildReadError`): a number JSON
cannot carry (NaN, infinity: a hostile file), a value that does not encode, a child that
dies, a frame that does not decode. Forking is safe only in a process running one
thread: `can_fork()`.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import select
import signal
import struct
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec

from .events import Event, EventData, Res
from .fd_io import read_exactly, write_all
from .folder import EventReader
from .source import ReadResult

#: a backlog this big is read with a child; a smaller one is not worth a process
CHILD_FROM = 4000

#: frame: its kind, its chunk, its body's length
_HEAD = struct.Struct("<BII")
_BATCH, _END, _ABORT = 1, 2, 3
#: the shared claims, two of these: the child's next chunk (front, at 0), the lowest chunk
#: this side took (back, at 8); each side writes its own, reads both
_CLAIM = struct.Struct("<q")
_FRONT, _BACK = 0, 8
#: how much the pipe holds, so the child can run a chunk or so ahead
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031


class ChildReadError(Exception):
    """The child could not give what an in-process load would: load in-process."""


class _Batch(msgspec.Struct, array_like=True):
    """One chunk of files as the child read them."""

    events: list[Event]
    #: unreadable files: name -> reason
    errors: dict[str, str]
    #: events whose content names another identity than their file: (counter, uuid, name)
    renamed: list[tuple[int, str, str]]
    #: files read (parsed or reported)
    read: int


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(_Batch)


def can_fork() -> bool:
    """Whether this process may fork a reader: it has `fork` and runs one thread (a fork
    copies only the calling thread; a lock another thread held would stay held)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class ChildReader:
    """The `next_batch` of a load whose chunks a forked child and this process share.

    `reader` is this side's `EventReader` (`once`): it reads this side's chunks and is
    given the errors, renamed files and counts of the child's, so it answers `errors`,
    `read_count` and payload reads as if it had read every file. `close()` (or reaching
    the end) reaps the child.
    """

    def __init__(self, reader: EventReader, names: Sequence[str], chunk: int) -> None:
        self.reader = reader
        self._names = names
        self._chunk = max(chunk, 1)
        self._chunks = -(-len(names) // self._chunk)
        self._claims = mmap.mmap(-1, 2 * _CLAIM.size)  # anonymous: shared with the child
        _CLAIM.pack_into(self._claims, _FRONT, 0)
        _CLAIM.pack_into(self._claims, _BACK, self._chunks)
        #: chunks applied (from either side)
        self._applied: set[int] = set()
        rfd, wfd = os.pipe()
        with contextlib.suppress(OSError):
            import fcntl

            fcntl.fcntl(wfd, _F_SETPIPE_SZ, _PIPE_SIZE)
        pid = os.fork()
        if pid == 0:  # the child: read, send, and leave without the parent's cleanup
            code = 1
            try:
                os.close(rfd)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # ctrl-c: gone, no traceback
                self._serve(wfd)
                code = 0
            finally:
                os._exit(code)
        os.close(wfd)
        self._pid: int | None = pid
        self._fd: int | None = rfd
        self._batches = self._take()

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """The next chunk, the child's or this side's (its size is the chunk's)."""
        try:
            return next(self._batches)
        except StopIteration:
            self.close()
            return ReadResult()

    def close(self) -> None:
        """Stop the child (if it still runs) and reap it."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)

    def __del__(self) -> None:
        self.close()

    # ------------------------------------------------------------ this side

    def _take(self) -> Iterator[ReadResult]:
        """Chunks as they come: the child's when one waits, else one read here from the
        back; when the child has ended, any chunk still missing is read here."""
        while True:
            if not self._frame_waiting():
                mine = self._claim_back()
                if mine is not None:
                    yield self._read_here(mine)
                    continue
            kind, index, body = self._frame()
            if kind == _END:
                break
            if kind != _BATCH:
                raise ChildReadError("the child met a file an in-process load reads differently")
            elif index not in self._applied:
                self._applied.add(index)
                yield self._absorb(body)
        self.close()
        for index in range(self._chunks):
            if index not in self._applied:  # the two sides' claims crossed: read it here
                yield self._read_here(index)

    def _claim_back(self) -> int | None:
        index: int = _claim(self._claims, _BACK) - 1
        if index < _claim(self._claims, _FRONT) or index < 0:
            return None
        _CLAIM.pack_into(self._claims, _BACK, index)
        return index

    def _read_here(self, index: int) -> ReadResult:
        self._applied.add(index)
        start = index * self._chunk
        result = self.reader.read(self._names[start : start + self._chunk])
        result.more = True
        return result

    def _absorb(self, body: bytes) -> ReadResult:
        try:
            batch = _DECODER.decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise ChildReadError(f"a chunk from the child does not decode: {exc}") from None
        self.reader.absorb(batch.read, batch.errors, batch.renamed)
        return ReadResult(events=batch.events, errors=batch.errors, more=True)

    def _frame_waiting(self) -> bool:
        if self._fd is None:
            return False
        ready, _, _ = select.select([self._fd], [], [], 0)
        return bool(ready)

    def _frame(self) -> tuple[int, int, bytes]:
        if self._fd is None:
            raise ChildReadError("the child's pipe is closed")
        head = read_exactly(self._fd, _HEAD.size, _PIPE_SIZE)
        if head is None:
            raise ChildReadError("the child ended before the last file")
        kind, index, size = _HEAD.unpack(head)
        body = read_exactly(self._fd, size, _PIPE_SIZE)
        if body is None:
            raise ChildReadError("the child ended in the middle of a chunk")
        return kind, index, body

    # ------------------------------------------------------------ the child

    def _serve(self, fd: int) -> None:
        """Take chunks from the front until they meet this side's; send each as a frame;
        stop at the first event that would not come back the same."""
        reader = EventReader(self.reader.run, once=True)
        renamed_sent = 0
        while True:
            index = _claim(self._claims, _FRONT)
            if index >= _claim(self._claims, _BACK) or index >= self._chunks:
                break
            _CLAIM.pack_into(self._claims, _FRONT, index + 1)
            before = reader.read_count
            start = index * self._chunk
            result = reader.read(self._names[start : start + self._chunk])
            renamed: list[tuple[int, str, str]] = []
            if len(reader.renamed) > renamed_sent:
                items = list(reader.renamed.items())
                renamed = [(key[0], key[1], name) for key, name in items[renamed_sent:]]
                renamed_sent = len(items)
            batch = _Batch(result.events, result.errors, renamed, reader.read_count - before)
            try:
                if not all(map(_travels, result.events)):
                    raise ValueError("a number JSON cannot carry")
                body = _ENCODER.encode(batch)
            except (ValueError, TypeError, OverflowError, msgspec.EncodeError):
                write_all(fd, _HEAD.pack(_ABORT, index, 0))
                return
            write_all(fd, _HEAD.pack(_BATCH, index, len(body)) + body)
        write_all(fd, _HEAD.pack(_END, 0, 0))


def _claim(claims: mmap.mmap, at: int) -> int:
    value: int = _CLAIM.unpack_from(claims, at)[0]
    return value


def _may_hold_a_float(struct_type: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in msgspec.structs.fields(struct_type)
        if f.type is Any or f.type == (float | None)
    )


#: the fields whose values may hold a float: JSON carries no NaN or infinity
_DATA_ANY = _may_hold_a_float(EventData)
_RES_ANY = _may_hold_a_float(Res)


def _travels(event: Event) -> bool:
    """Whether the event comes back the same through JSON (no NaN or infinity in it)."""
    data = event.event_data
    if data is None:
        return True
    for name in _DATA_ANY:
        if not _finite(getattr(data, name)):
            return False
    res = data.res
    if res is not None:
        for name in _RES_ANY:
            if not _finite(getattr(res, name)):
                return False
    return True


def _finite(value: Any) -> bool:
    if value is None or value.__class__ in (bool, int, str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(map(_finite, value.values()))
    if isinstance(value, list):
        return all(map(_finite, value))
    return True
