"""Where a run's events come from: one small interface for an artifacts folder and a stream.

`folder.EventReader` reads `job_events/*.json`; `stream_source.StreamSource` reads
ansible-runner's worker stream. Both hand out events in batches of the same `Event`
structs, so one `EventTree` builds the same tree from either; commands and the feed
know a source only through `RunSource`.
"""

from __future__ import annotations

from typing import Any, Protocol

from msgspec import Struct

from .events import Event


class ReadResult(Struct):
    """What one read of a source found."""

    events: list[Event] = []
    #: what became unreadable in this read: name ("12-…json", "line 40") -> one-line reason
    errors: dict[str, str] = {}
    #: names reported before that have parsed since
    recovered: list[str] = []
    #: another read now may give more without waiting
    more: bool = False
    #: the run's state (status, rc, the stream's marks) changed
    changed: bool = False


class Batches(Protocol):
    """What a load reads: chunks of events until one says there is no more."""

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """Up to `limit` events; `wait`: seconds to wait for some (None: to the end)."""
        ...


class RunSource(Protocol):
    """One run's events, status and payloads, wherever they come from."""

    @property
    def ident(self) -> str | None:
        """Runner's ident of the run, when known."""
        ...

    @property
    def label(self) -> str:
        """How a message names the source: a folder, `stdin`, a file."""
        ...

    @property
    def read_count(self) -> int:
        """Events read so far (unreadable ones included)."""
        ...

    @property
    def errors(self) -> dict[str, str]:
        """Everything unreadable so far: name -> one-line reason."""
        ...

    def status(self) -> str | None:
        """runner's state of the run: starting, running, successful, failed, ..., lost."""
        ...

    def rc(self) -> int | None:
        """The playbook's return code, once known."""
        ...

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """At most `limit` events of what has arrived.

        With nothing there, a stream waits up to `wait` seconds for more (None: until
        `limit` events came or it ended); a folder never waits (its watcher does).
        """
        ...

    def read_payload(self, ref: tuple[int, str], limit: int | None = None) -> dict[str, Any]:
        """The whole event behind a node; past `limit` bytes, a stand-in with its first bytes.

        Raises OSError or ValueError when it cannot be had.
        """
        ...
