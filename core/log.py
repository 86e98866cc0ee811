"""`RunLog`: the run's stdout as `ansible-playbook` printed it, rebuilt from its events.

Each event's `stdout` is a whole number of lines, and in `counter` order they make the
run's output. Events arrive in any order (a `free` run, a shuffled folder), so an event's
lines go in at its counter's place, not at the end. The text is kept as UTF-8 in blocks
of consecutive events, each block with its line total: finding line N bisects the block
starts, an insert copies one block, and there is no object per line or per event. Text
is made safe to show (`sanitize_ansi`) only when a line is read.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, NamedTuple, TypeVar

from .ansi import carry_sgr, sanitize_ansi

T = TypeVar("T")

#: a block holds at most this many events, and splits in two beyond
BLOCK_EVENTS = 128
#: and at most this many bytes of text (an event bigger than that has a block of its own)
BLOCK_BYTES = 1 << 15
#: events whose display lines are kept ready (a screen shows a few dozen)
EVENT_CACHE = 64

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


class LogEntry(NamedTuple, Generic[T]):
    """Where a line of the log comes from."""

    counter: int
    uuid: str
    #: the line's index within its event's stdout
    line: int
    #: what the writer attached to the event (the tree node that holds it)
    owner: T | None


class LogBlock(Generic[T]):
    """Consecutive events of the log, in order, with their text. Read-only outside `RunLog`."""

    __slots__ = ("counters", "counts", "data", "lines", "owners", "sizes", "uuids", "version")

    def __init__(self) -> None:
        self.counters = array("q")
        self.uuids: list[str] = []
        self.owners: list[T | None] = []
        #: bytes of each event's text, its last newline included
        self.sizes = array("I")
        #: lines of each event
        self.counts = array("I")
        #: the events' stdout, UTF-8, each ending in a newline
        self.data = bytearray()
        self.lines = 0
        #: the log's version when this block last changed
        self.version = 0

    def __len__(self) -> int:
        return len(self.counters)

    def text(self) -> str:
        """The block's raw text (escapes and all), one line per newline."""
        return self.data.decode("utf-8", "surrogatepass")

    def offset(self, index: int) -> int:
        """Where event `index`'s text starts in `data`."""
        if index == len(self.sizes):
            return len(self.data)
        if index > len(self.sizes) // 2:
            return len(self.data) - sum(self.sizes[index:])
        return sum(self.sizes[:index])

    def find(self, counter: int, uuid: str) -> tuple[int, bool]:
        """Where the event (counter, uuid) is or would go, and whether it is there."""
        counters = self.counters
        low = bisect_left(counters, counter)
        high = bisect_right(counters, counter, low)
        uuids = self.uuids
        for index in range(low, high):
            if uuids[index] == uuid:
                return index, True
            if uuids[index] > uuid:
                return index, False
        return high, False

    def _split(self, at: int) -> LogBlock[T]:
        """Move events `at` onwards into a new block, returned."""
        new: LogBlock[T] = LogBlock()
        offset = self.offset(at)
        new.counters = self.counters[at:]
        new.uuids = self.uuids[at:]
        new.owners = self.owners[at:]
        new.sizes = self.sizes[at:]
        new.counts = self.counts[at:]
        new.data = self.data[offset:]
        new.lines = sum(new.counts)
        del self.counters[at:], self.uuids[at:], self.owners[at:]
        del self.sizes[at:], self.counts[at:], self.data[offset:]
        self.lines -= new.lines
        return new


class RunLog(Generic[T]):
    """Lines of stdout in counter order, whatever order their events arrive in.

    Not thread-safe, like `EventTree`: one writer, readers under the same lock.
    """

    def __init__(self) -> None:
        self._blocks: list[LogBlock[T]] = []
        #: (counter, uuid) of each block's first event
        self._firsts: list[tuple[int, str]] = []
        #: the line each block starts at; right for blocks before `_fresh`
        self._starts: list[int] = []
        self._fresh = 0
        #: display lines of recently read events, by (block, version, event index)
        self._cache: OrderedDict[tuple[LogBlock[T], int, int], list[str]] = OrderedDict()
        self._sums: tuple[LogBlock[T] | None, int, list[int]] = (None, -1, [])
        #: lines in the log
        self.lines = 0
        #: events with at least one line
        self.events = 0
        #: bumped by every change
        self.version = 0

    # ----------------------------------------------------------------- writing

    def add(self, counter: int, uuid: str, stdout: str, owner: T | None = None) -> bool:
        """Put an event's lines at its counter's place; False if it has none or is here.

        Events are ordered by counter, then uuid (one counter can be used twice).
        """
        if not stdout:
            return False
        if counter > _INT64_MAX or counter < _INT64_MIN:
            counter = _INT64_MAX if counter > 0 else _INT64_MIN
        data = stdout.encode("utf-8", "surrogatepass")  # CRLF kept: read, CR goes anyway
        blocks = self._blocks
        if blocks:  # blocks are never empty
            where = len(blocks) - 1
            block = blocks[where]
            last = block.counters[-1]
            at_end = counter > last or (counter == last and uuid > block.uuids[-1])
        else:
            blocks.append(LogBlock())
            self._firsts.append((counter, uuid))
            self._starts.append(0)
            at_end = False
        if at_end:
            index = len(block.counters)  # the usual case: after everything so far
        else:
            where = max(bisect_right(self._firsts, (counter, uuid)) - 1, 0)
            block = blocks[where]
            index, present = block.find(counter, uuid)
            if present:
                return False
        size = len(block.counters)
        if size >= BLOCK_EVENTS or (size and len(block.data) + len(data) >= BLOCK_BYTES):
            where, block, index = self._make_room(where, index)
            size = len(block.counters)
        count = data.count(b"\n") + 1
        if index == size:
            block.data += data
            block.data.append(10)  # each event's text ends in a newline
            block.counters.append(counter)
            block.uuids.append(uuid)
            block.owners.append(owner)
            block.sizes.append(len(data) + 1)
            block.counts.append(count)
        else:
            offset = block.offset(index)
            block.data[offset:offset] = data + b"\n"
            block.counters.insert(index, counter)
            block.uuids.insert(index, uuid)
            block.owners.insert(index, owner)
            block.sizes.insert(index, len(data) + 1)
            block.counts.insert(index, count)
        block.lines += count
        if index == 0:
            self._firsts[where] = (counter, uuid)
        self.lines += count
        self.events += 1
        self.version += 1
        block.version = self.version
        if where < self._fresh:
            self._fresh = where + 1
        return True

    def _make_room(self, where: int, index: int) -> tuple[int, LogBlock[T], int]:
        """A full block: start a new one at either end, or split it in two."""
        block = self._blocks[where]
        if index == len(block):
            return self._new_block(where + 1), self._blocks[where + 1], 0
        if index == 0:
            return self._new_block(where), self._blocks[where], 0
        half = len(block) // 2
        new = block._split(half)
        self._blocks.insert(where + 1, new)
        self._firsts.insert(where + 1, (new.counters[0], new.uuids[0]))
        self._starts.insert(where + 1, 0)
        self._changed(where, block)
        self._changed(where + 1, new)
        if index >= half:
            return where + 1, new, index - half
        return where, block, index

    def _new_block(self, where: int) -> int:
        self._blocks.insert(where, LogBlock())
        self._firsts.insert(where, (0, ""))  # set by the insert that follows
        self._starts.insert(where, 0)
        self._fresh = min(self._fresh, where)
        return where

    def _changed(self, where: int, block: LogBlock[T]) -> None:
        self.version += 1
        block.version = self.version
        self._fresh = min(self._fresh, where + 1)

    def set_owner(self, counter: int, uuid: str, owner: T | None) -> None:
        """Attach `owner` to the event (counter, uuid), if it has lines here."""
        found = self._find(counter, uuid)
        if found is not None:
            block, index = found
            block.owners[index] = owner

    # ----------------------------------------------------------------- reading

    @property
    def blocks(self) -> Sequence[LogBlock[T]]:
        """The blocks in order (read-only), for searches."""
        return self._blocks

    def block_starts(self) -> list[int]:
        """The line each block starts at (read-only)."""
        starts = self._starts
        blocks = self._blocks
        fresh = self._fresh
        if fresh < len(blocks):
            line = starts[fresh - 1] + blocks[fresh - 1].lines if fresh else 0
            for index in range(fresh, len(blocks)):
                starts[index] = line
                line += blocks[index].lines
            self._fresh = len(blocks)
        return starts

    def line(self, number: int) -> str:
        """Line `number` as it is shown: only SGR escapes, the colour carried from above."""
        where, index, line = self._locate(number)
        return self._event_lines(self._blocks[where], index)[line]

    def lines_between(self, start: int, stop: int) -> list[str]:
        """Lines `start` up to `stop` (clipped to the log), as `line` shows them."""
        start = max(start, 0)
        stop = min(stop, self.lines)
        if start >= stop:
            return []
        where, index, line = self._locate(start)
        out: list[str] = []
        blocks = self._blocks
        block = blocks[where]
        while len(out) < stop - start:
            lines = self._event_lines(block, index)
            out.extend(lines[line : line + stop - start - len(out)])
            line = 0
            index += 1
            if index == len(block):
                where, index = where + 1, 0
                if where == len(blocks):
                    break
                block = blocks[where]
        return out

    def entry(self, number: int) -> LogEntry[T]:
        """The event that wrote line `number`, and which of its lines it is."""
        where, index, line = self._locate(number)
        block = self._blocks[where]
        return LogEntry(block.counters[index], block.uuids[index], line, block.owners[index])

    def position(self, counter: int, uuid: str) -> int | None:
        """The first line of the event (counter, uuid), or None if it has no lines."""
        counter = _clamp(counter)
        key = (counter, uuid)
        where = bisect_right(self._firsts, key) - 1
        if where < 0:
            return None
        block = self._blocks[where]
        index, present = block.find(counter, uuid)
        if not present:
            return None
        return self.block_starts()[where] + sum(block.counts[:index])

    def first_line_from(self, counter: int) -> int | None:
        """The first line of the first event at `counter` or later, None if there is none."""
        counter = _clamp(counter)
        where = max(bisect_left(self._firsts, (counter, "")) - 1, 0)
        blocks = self._blocks
        while where < len(blocks):
            block = blocks[where]
            index = bisect_left(block.counters, counter)
            if index < len(block):
                return self.block_starts()[where] + sum(block.counts[:index])
            where += 1
        return None

    def _find(self, counter: int, uuid: str) -> tuple[LogBlock[T], int] | None:
        counter = _clamp(counter)
        where = bisect_right(self._firsts, (counter, uuid)) - 1
        if where < 0:
            return None
        block = self._blocks[where]
        index, present = block.find(counter, uuid)
        return (block, index) if present else None

    def _locate(self, number: int) -> tuple[int, int, int]:
        """(block, event in the block, line in the event) of line `number`."""
        if not 0 <= number < self.lines:
            raise IndexError(f"line {number} of {self.lines}")
        where = bisect_right(self.block_starts(), number) - 1
        block = self._blocks[where]
        local = number - self._starts[where]
        cached_block, version, sums = self._sums
        if cached_block is not block or version != block.version:
            sums = list(accumulate(block.counts))
            self._sums = (block, block.version, sums)
        index = bisect_right(sums, local)
        return where, index, local - (sums[index - 1] if index else 0)

    def _event_lines(self, block: LogBlock[T], index: int) -> list[str]:
        """An event's lines, sanitized, each with the colour carried from the line above."""
        key = (block, block.version, index)
        cache = self._cache
        lines = cache.get(key)
        if lines is not None:
            cache.move_to_end(key)
            return lines
        offset = block.offset(index)
        raw = block.data[offset : offset + block.sizes[index] - 1]
        lines = carry_sgr(sanitize_ansi(raw.decode("utf-8", "surrogatepass")).split("\n"))
        cache[key] = lines
        if len(cache) > EVENT_CACHE:
            cache.popitem(last=False)
        return lines


def _clamp(counter: int) -> int:
    """Counters are kept as 64-bit integers: a hostile one beyond is cut to the limit."""
    return min(max(counter, _INT64_MIN), _INT64_MAX)
