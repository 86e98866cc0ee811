"""Two runs loaded for comparing them, side by side: each through `load_path`, reduced to
its outline (`outline.py`) and what a report says of it (`RunInfo`).

Where the machine allows (a `fork` start method and no other thread in this process), A
is loaded in a child process while B loads here, and only A's small outline comes back:
two big runs take about as long as one. Otherwise, or if the child dies, one after the
other, with the same result.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import msgspec

from .folder import NoRunError, open_run
from .loading import LoadedRun, load_path
from .outline import RunOutline, outline
from .run_history import playbook_of, previous_run


@dataclass(frozen=True, slots=True)
class RunSource:
    """What names a run on a command line: a PATH in any form `load_path` takes, an ident."""

    path: Path
    ident: str | None = None


class RunInfo(msgspec.Struct, frozen=True):
    """What a report says of a run besides its contents."""

    ident: str | None
    playbook: str
    status: str | None
    events: int
    #: the run's folder (or source), to name it in messages
    label: str
    #: unreadable event files: name -> one-line reason
    errors: dict[str, str] = msgspec.field(default_factory=dict)
    #: the folder those files are in, when the run came from one
    events_dir: str | None = None


class OutlinedRun(msgspec.Struct, frozen=True):
    info: RunInfo
    outline: RunOutline


def run_info(loaded: LoadedRun) -> RunInfo:
    return RunInfo(
        ident=loaded.ident,
        playbook=loaded.tree.root.name,
        status=loaded.status,
        events=loaded.events,
        label=loaded.label,
        errors=dict(loaded.errors),
        events_dir=str(loaded.folder.job_events) if loaded.folder is not None else None,
    )


def pick_pair(
    paths: Sequence[Path], a_ident: str | None = None, b_ident: str | None = None
) -> tuple[RunSource, RunSource]:
    """Runs A and B from a command line: `A B` (each any PATH form, `a_ident`/`b_ident`
    choosing among runs in each), or one PATH: B is its run (`b_ident`, else the newest),
    A the run `a_ident` beside it, else the previous run of the same playbook beside it.
    Raises NoRunError.
    """
    if len(paths) == 2:
        return RunSource(paths[0], a_ident), RunSource(paths[1], b_ident)
    if len(paths) != 1:
        raise ValueError(f"one or two paths, not {len(paths)}")
    b_run = open_run(paths[0], b_ident)
    b = RunSource(b_run.ident_dir or b_run.job_events)
    if b_run.ident_dir is None:
        raise NoRunError(f"{b.path} is a lone job_events folder: name run A as well")
    artifacts = b_run.ident_dir.parent
    if a_ident is not None:
        return RunSource(artifacts, a_ident), b
    playbook = playbook_of(b_run)
    a_run = previous_run(b_run, playbook)
    if a_run is None or a_run.ident_dir is None:
        what = f"of {playbook} " if playbook else ""
        raise NoRunError(
            f"no run {what}before {b_run.ident} under {artifacts}: name run A "
            "(diff A B, or --a-ident)"
        )
    return RunSource(a_run.ident_dir), b


def require_readable(loaded: LoadedRun) -> None:
    """Raise NoRunError when the run's folder cannot be listed (a run read as empty)."""
    folder = loaded.folder
    if folder is None:
        return
    try:
        with os.scandir(folder.job_events):
            pass
    except OSError as exc:
        raise NoRunError(f"cannot read {folder.job_events}: {exc.strerror or exc}") from None


def outline_run(source: RunSource) -> OutlinedRun:
    """Load one run and reduce it. Raises NoRunError as `load_path` does, and for a run
    whose folder cannot be read."""
    loaded = load_path(source.path, source.ident)
    require_readable(loaded)
    return OutlinedRun(run_info(loaded), outline(loaded.tree))


def outline_pair(
    a: RunSource, b: RunSource, *, parallel: bool | None = None
) -> tuple[OutlinedRun, OutlinedRun]:
    """Both runs outlined; `parallel` None means: in two processes when it is safe here."""
    if parallel is None:
        parallel = _can_fork()
    if not parallel:
        return outline_run(a), outline_run(b)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_outline_into, args=(a, writer), daemon=True)
    child.start()
    writer.close()
    try:
        b_run = outline_run(b)
    except BaseException:
        child.kill()
        child.join()
        raise
    try:
        ok, payload = reader.recv()
        a_run = msgspec.msgpack.decode(payload, type=OutlinedRun) if ok else None
    except (EOFError, OSError):  # the child died: do it here instead
        ok, a_run = True, outline_run(a)
    finally:
        reader.close()
        child.join()
    if a_run is None:
        raise payload if isinstance(payload, BaseException) else RuntimeError(payload)
    return a_run, b_run


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _outline_into(source: RunSource, writer: Connection) -> None:
    """In the child: outline the run and send it as msgpack, or the exception that stopped it."""
    try:
        result: tuple[bool, object] = (True, msgspec.msgpack.encode(outline_run(source)))
    except Exception as exc:
        result = (False, exc)
    writer.send(result)
    writer.close()
