"""Reading a whole run at once, for the commands that do not watch (`dump`, `profile`, `diff`).

`load_path` is the one way from a command line's PATH (and `--ident`) to a built tree:
an artifacts folder, a saved worker stream, or `-` for a worker stream on stdin. Every
source goes through `load_source`, so each gives the same tree for the same events.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from . import gc_pause
from .folder import EventReader, NoRunError, RunFolder, open_run
from .nodes import Changes
from .source import Batches
from .tree import EventTree

if TYPE_CHECKING:  # the stream's modules are imported when a stream is opened
    from .stream import StreamState
    from .stream_source import StreamSource

#: PATH meaning the worker stream on standard input
STDIN = "-"

#: files read before they are applied and let go: bounds memory on huge runs
LOAD_CHUNK = 2000
#: events decoded and then applied at a time: about one frame of a child's (a few hundred
#: KB). A batch this small is applied while its events are still in the CPU's cache: a
#: whole chunk at a time cost 12% more CPU at 96k events (and 30% more page faults).
LOAD_BATCH = 256


class LoadedRun(Struct):
    """A run read whole: its tree and what the dump document says beside it."""

    tree: EventTree
    #: runner's ident, None for a bare job_events folder
    ident: str | None
    #: the run's final (or current) state: successful, failed, running, ...
    status: str | None
    #: event files (or records) read, unreadable ones included
    events: int
    #: unreadable files: name -> one-line reason
    errors: dict[str, str] = {}
    #: how to name the run in a message: its folder
    label: str = ""
    #: the folder it came from, when it came from one
    folder: RunFolder | None = None
    #: what the worker stream said (rc, how it ended, its output), when it came from one
    stream: StreamState | None = None


def load_path(path: Path, ident: str | None = None) -> LoadedRun:
    """The run at PATH (any form `open_run` takes, a stream file, or `-`), read whole.

    Raises NoRunError, also for a run folder that cannot be listed (not an empty run).
    """
    if is_stream_path(path):
        if ident is not None:
            raise NoRunError("--ident picks a run under artifacts/; a stream holds one run")
        source = open_stream(path)
        try:
            tree = load_source(source)
        finally:
            source.close()
        state = source.state
        if state.status is None and not source.read_count:
            first = f", the first: {state.output[0][:80]!r}" if state.output else ""
            raise NoRunError(
                f"no worker stream on {source.label} "
                f"({state.output_count} lines of other text{first})"
            )
        return LoadedRun(
            tree=tree,
            ident=source.ident,
            status=source.status(),
            events=source.read_count,
            errors=dict(source.errors),
            label=source.label,
            stream=source.state,
        )
    run = open_run(path, ident)
    try:  # the reader takes a folder it cannot list for one not written yet: empty
        with os.scandir(run.job_events):
            pass
    except OSError as exc:
        raise NoRunError(f"cannot read {run.job_events}: {exc.strerror or exc}") from None
    tree, reader = load_run(run)
    return LoadedRun(
        tree=tree,
        ident=run.ident,
        status=run.status(),
        events=reader.read_count,
        errors=dict(reader.errors),
        label=str(run.ident_dir or run.job_events),
        folder=run,
    )


def load_run(run: RunFolder, *, child: bool = True) -> tuple[EventTree, EventReader]:
    """Read every event file of a run into a tree, a chunk of files at a time.

    A big run (`CHILD_FROM` files) is read by a forked child while this process decodes
    the files and builds the tree (`child_reader.py`), where this process may fork.
    """
    from .child_reader import CHILD_FROM, ChildReader, can_fork

    reader = EventReader(run, once=True)
    names = reader.list_names()
    if child and len(names) >= CHILD_FROM and can_fork():
        source = ChildReader(reader, names, LOAD_CHUNK)
        try:
            return load_source(source), reader
        finally:
            source.close()
    reader.start_from(names)
    return load_source(reader), reader


def load_source(source: Batches) -> EventTree:
    """Every event of a source (a stream: to its end) into a tree, a chunk at a time."""
    tree = EventTree()
    changes = Changes()  # nobody repaints: one scratch record, emptied as we go
    tree.defer_counts()  # nobody reads them before the end either
    with bulk_load():
        while True:
            result = source.next_batch(LOAD_BATCH, wait=None)
            tree.add_all(result.events, changes)
            changes.clear()
            if not result.more:
                break
        tree.settle_counts()
    return tree


def is_stream_path(path: Path) -> bool:
    """Whether PATH names a worker stream: `-`, a pipe, or a file holding one.

    Raises NoRunError for a file that is neither a stream nor a folder.
    """
    if str(path) == STDIN:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # a folder that does not exist yet is waited for by `watch`
    if stat.S_ISDIR(mode):
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode):
        return True
    from .stream_source import looks_like_stream

    if looks_like_stream(path):
        return True
    raise NoRunError(f"{path} is a file, and not an ansible-runner worker stream")


def open_stream(
    path: Path,
    *,
    follow: bool = False,
    save_to: Path | None = None,
    keep_payloads: bool = False,
) -> StreamSource:
    """A `StreamSource` on `-` (stdin) or a stream file; `close()` it. Raises NoRunError."""
    from .stream_source import StreamSource

    options = {"follow": follow, "save_to": save_to, "keep_payloads": keep_payloads}
    if str(path) == STDIN:
        fd = sys.stdin.fileno() if sys.stdin is not None else -1
        if fd < 0:
            raise NoRunError("no standard input to read a worker stream from")
        if os.isatty(fd):
            raise NoRunError("stdin is a terminal: pipe a worker stream into it")
        return StreamSource(fd, label="stdin", **options)  # type: ignore[arg-type]
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise NoRunError(f"cannot read {path}: {exc.strerror or exc}") from None
    return StreamSource(fd, label=str(path), owns_fd=True, **options)  # type: ignore[arg-type]


@contextmanager
def bulk_load() -> Iterator[None]:
    """Build a big tree without the cyclic garbage collector rescanning it again and again.

    Nodes link to parents and children, so every collection walks the whole growing
    tree: a third of the load time. Collection is paused while building, and what was
    built is then frozen out of future collections (the tree lives as long as the run);
    a build that fails is not frozen: what it built is garbage, for the collector. The
    pause may overlap another (`gc_pause`: the app's start).
    """
    resume = gc_pause.pause()
    built = False
    try:
        yield
        built = True
    finally:
        resume(built)
