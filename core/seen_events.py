"""`SeenEvents`: which events (counter, uuid) a tree has applied, in 8 bytes an event.

Runner's counters run from 1 with no gaps, so the uuid seen at each counter sits in a
list indexed by counter (a set of `(counter, uuid)` tuples cost 100 bytes an event: the
tuple, its counter and the set's slot). What does not fit that (a counter far beyond the
events seen, a second uuid at one counter: a reused ident, hostile files) is kept apart.
"""

from __future__ import annotations

#: the list stays within this many slots an event applied (plus `_SLACK`)
_SPREAD = 4
_SLACK = 4096


class SeenEvents:
    """A set of event keys `(counter, uuid)`, dense by counter."""

    __slots__ = ("_count", "_other", "_uuids")

    def __init__(self) -> None:
        #: counter -> the first uuid seen at it (None: none yet)
        self._uuids: list[str | None] = []
        #: keys that do not fit `_uuids`
        self._other: set[tuple[int, str]] = set()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, key: tuple[int, str]) -> bool:
        counter, uuid = key
        uuids = self._uuids
        if 0 <= counter < len(uuids) and uuids[counter] == uuid:
            return True
        return key in self._other

    def add(self, counter: int, uuid: str) -> bool:
        """Note the event; False when it was seen before."""
        uuids = self._uuids
        size = len(uuids)
        if counter == size:  # the next counter: events in order, the usual case
            uuids.append(uuid)
            self._count += 1
            return True
        if 0 <= counter < size:
            known = uuids[counter]
            if known is None:
                uuids[counter] = uuid
                self._count += 1
                return True
            if known == uuid:
                return False
        elif 0 <= counter < _SPREAD * self._count + _SLACK:
            if counter > size:
                uuids.extend([None] * (counter - size))
            uuids.append(uuid)
            self._count += 1
            return True
        key = (counter, uuid)
        if key in self._other:
            return False
        self._other.add(key)
        self._count += 1
        return True
