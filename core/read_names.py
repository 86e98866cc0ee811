"""`ReadNames`: the files a watching reader has read, without keeping their names.

A watch asks of every name it lists whether it was read. At 100k event files the names
themselves cost 13 MB; an event file's name says its key, `<counter>-<uuid>.json`, so
those are kept as keys (`SeenEvents`: 8 bytes a file, the uuid shared with the event's),
and only names that do not spell a key exactly (a counter with a leading zero, any
other file) as text.
"""

from __future__ import annotations

from .seen_events import SeenEvents


class ReadNames:
    """A set of file names, compact for runner's event file names."""

    __slots__ = ("_keys", "_other")

    def __init__(self) -> None:
        self._keys = SeenEvents()
        self._other: set[str] = set()

    def __len__(self) -> int:
        return len(self._keys) + len(self._other)

    def __contains__(self, name: str) -> bool:
        key = _exact_key(name)
        return key in self._keys if key is not None else name in self._other

    def add(self, name: str, uuid: str | None = None) -> None:
        """Note `name` as read; `uuid`: the same text as its uuid, to be kept instead."""
        key = _exact_key(name)
        if key is None:
            self._other.add(name)
        else:
            self._keys.add(key[0], uuid if uuid == key[1] and uuid is not None else key[1])

    def add_key(self, counter: int, uuid: str) -> None:
        """Note `<counter>-<uuid>.json` as read (`counter` > 0): its key known, not parsed."""
        self._keys.add(counter, uuid)

    def clear(self) -> None:
        self._keys = SeenEvents()
        self._other.clear()


def _exact_key(name: str) -> tuple[int, str] | None:
    """`(counter, uuid)` of `<counter>-<uuid>.json` when the name is exactly that spelt
    back (no leading zero), else None."""
    if not name.endswith(".json"):
        return None
    counter, dash, rest = name.partition("-")
    if not dash or not counter.isdigit() or not counter.isascii():
        return None
    if counter[0] == "0" and len(counter) > 1:
        return None
    return (int(counter), rest[:-5])
