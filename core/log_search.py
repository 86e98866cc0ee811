"""`LogSearch`: the lines of a `RunLog` that contain a text, kept up to date as lines arrive.

A search looks at what the user sees: the text without its escapes, `\\r` resolved
(`strip_ansi`), case-insensitively. It works block by block and remembers each block's
matching lines with the block's version, so on a live log an update searches only the
blocks that changed, and a first search over a big log can be spread over several
frames (`update(budget)`), its count growing as it goes.
"""

from __future__ import annotations

import re
import time
from array import array
from bisect import bisect_left, bisect_right
from typing import Any

from .ansi import strip_ansi
from .log import LogBlock, RunLog


class LogSearch:
    """Case-insensitive text search over a log's lines, updated incrementally."""

    def __init__(self, log: RunLog[Any], text: str) -> None:
        self.log = log
        self.text = text
        #: what to highlight in a line's plain text (the same rule the search uses)
        self.pattern = re.compile(re.escape(text), re.IGNORECASE)
        #: block -> (its version when searched, its matching lines counted from its start)
        self._hits: dict[LogBlock[Any], tuple[int, array[int]]] = {}
        self._version = -1
        #: matching lines found so far
        self.total = 0

    @property
    def done(self) -> bool:
        """Whether every line of the log as it is now has been searched."""
        return self._version == self.log.version

    def update(self, budget: float | None = None) -> bool:
        """Search the blocks that changed (all of them at first); True if the hits changed.

        With `budget`, stop after about that many seconds (one block at least); the next
        call goes on.
        """
        if self.done:
            return False
        deadline = None if budget is None else time.perf_counter() + budget
        hits = self._hits
        changed = False
        complete = True
        searched = False
        for block in self.log.blocks:
            known = hits.get(block)
            if known is not None and known[0] == block.version:
                continue
            if searched and deadline is not None and time.perf_counter() > deadline:
                complete = False
                break
            searched = True
            found = self._search(block)
            if known is None or known[1] != found:
                changed = True
            hits[block] = (block.version, found)
        if complete:
            self._version = self.log.version
            if len(hits) > len(self.log.blocks):  # blocks were split: forget the old ones
                current = set(self.log.blocks)
                for block in [b for b in hits if b not in current]:
                    del hits[block]
        self.total = sum(len(found) for _version, found in self._fresh_hits())
        return changed

    def _search(self, block: LogBlock[Any]) -> array[int]:
        """The block's lines (from its start) with a match, each once."""
        text = strip_ansi(block.text())
        search = self.pattern.search
        lines = array("I")
        line = 0
        position = 0
        match = search(text)
        while match is not None:
            start = match.start()
            line += text.count("\n", position, start)
            lines.append(line)
            end = text.find("\n", start)
            if end < 0:
                break
            line += 1
            position = end + 1
            match = search(text, position)
        return lines

    def _fresh_hits(self) -> list[tuple[int, array[int]]]:
        """Per block in order: its start line and its hits (none where not searched yet)."""
        starts = self.log.block_starts()
        hits = self._hits
        empty: array[int] = array("I")
        out = []
        for index, block in enumerate(self.log.blocks):
            known = hits.get(block)
            found = known[1] if known is not None and known[0] == block.version else empty
            out.append((starts[index], found))
        return out

    def is_match(self, line: int) -> bool:
        """Whether line `line` has a match (among the blocks searched so far)."""
        if not 0 <= line < self.log.lines:
            return False
        where = bisect_right(self.log.block_starts(), line) - 1
        block = self.log.blocks[where]
        known = self._hits.get(block)
        if known is None or known[0] != block.version:
            return False
        local = line - self.log.block_starts()[where]
        found = known[1]
        index = bisect_left(found, local)
        return index < len(found) and found[index] == local

    def next_match(self, line: int, *, backwards: bool = False) -> int | None:
        """The first matching line after `line` (before it, `backwards`), wrapping around."""
        blocks = self._fresh_hits()
        if backwards:
            for start, found in reversed(blocks):
                index = bisect_left(found, line - start) - 1
                if index >= 0 and start + found[index] < line:
                    return start + found[index]
            for start, found in reversed(blocks):
                if found:
                    return start + found[-1]
            return None
        for start, found in blocks:
            index = bisect_right(found, line - start)
            if index < len(found):
                return start + found[index]
        for start, found in blocks:
            if found:
                return start + found[0]
        return None

    def rank(self, line: int) -> int | None:
        """1 for the first matching line, 2 for the next…; None if `line` has no match."""
        before = 0
        for start, found in self._fresh_hits():
            local = line - start
            index = bisect_left(found, local)
            if index < len(found) and found[index] == local:
                return before + index + 1
            before += len(found)
        return None
