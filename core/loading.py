"""Reading a whole run at once, for the commands that do not watch (`dump`, `profile`, `diff`).

`load_path` is the one way from a command line's PATH (and `--ident`) to a built tree;
a new kind of source (a saved stream, say) is added here and every command gets it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .folder import EventReader, RunFolder, open_run
from .nodes import Changes
from .tree import EventTree

#: files read before they are applied and let go: bounds memory on huge runs
LOAD_CHUNK = 2000


@dataclass
class LoadedRun:
    """A run read whole: its tree and what the dump document says beside it."""

    tree: EventTree
    #: runner's ident, None for a bare job_events folder
    ident: str | None
    #: the run's final (or current) state: successful, failed, running, ...
    status: str | None
    #: event files (or records) read, unreadable ones included
    events: int
    #: unreadable files: name -> one-line reason
    errors: dict[str, str] = field(default_factory=dict)
    #: how to name the run in a message: its folder
    label: str = ""
    #: the folder it came from, when it came from one
    folder: RunFolder | None = None


def load_path(path: Path, ident: str | None = None) -> LoadedRun:
    """The run at PATH (any form `open_run` takes), read whole. Raises NoRunError."""
    run = open_run(path, ident)
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


def load_run(run: RunFolder) -> tuple[EventTree, EventReader]:
    """Read every event file of a run into a tree, a chunk of files at a time."""
    tree = EventTree()
    reader = EventReader(run)
    names = reader.list_names()
    changes = Changes()  # nobody repaints: one scratch record, emptied as we go
    with bulk_load():
        for start in range(0, len(names), LOAD_CHUNK):
            for event in reader.read(names[start : start + LOAD_CHUNK]).events:
                tree.add(event, changes)
            changes.clear()
    return tree, reader


@contextmanager
def bulk_load() -> Iterator[None]:
    """Build a big tree without the cyclic garbage collector rescanning it again and again.

    Nodes link to parents and children, so every collection walks the whole growing
    tree: a third of the load time. Collection is paused while building, and what was
    built is then frozen out of future collections (the tree lives as long as the run).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
