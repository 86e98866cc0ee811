"""Where the playbook file behind a task is on this machine, and the lines around the task.

Ansible writes `task_path` (`/path/file.yml:LINE`) as the controller saw it: inside an
execution environment that is `/runner/...`, and a run copied elsewhere keeps the paths of
the machine it ran on. `candidates` lists, in order, the places the same file may be; the
rules are pure and take the roots to look under, the caller says which paths exist.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Final

from msgspec import Struct

from .ansi import strip_ansi
from .nodes import Node

#: Where runner mounts the private data dir inside an execution environment.
RUNNER_MOUNT: Final = PurePosixPath("/runner")
#: Only YAML files are read: `task_path` comes from event data, and a hostile one must not
#: turn the detail pane into a viewer of any file on the machine (`serve` shows it to others).
SOURCE_SUFFIXES: Final = frozenset({".yml", ".yaml"})
#: Lines shown before and after the task's line (its body follows it, so more after).
LINES_BEFORE: Final = 3
LINES_AFTER: Final = 6
#: A source line is cut at this many characters.
LINE_CHARS: Final = 500
#: Bytes of one line kept (what is shown of it is cut at LINE_CHARS characters).
LINE_BYTES: Final = LINE_CHARS * 4
#: Bytes of a file read at most while looking for the task's line.
READ_LIMIT: Final = 8 * 1024 * 1024
#: Kinds whose task_path is their task's.
_RUN_KINDS: Final = frozenset({"host", "item", "retry", "async"})


class TaskPath(Struct, frozen=True):
    """A parsed `task_path`: the file as written and the task's line in it (1-based)."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


class SourceRoots(Struct, frozen=True):
    """Where to look beside the path as written: `--project` dirs and the run's private data dir."""

    projects: tuple[Path, ...] = ()
    private_data_dir: Path | None = None


class Candidate(Struct, frozen=True):
    """One place the file may be, and which rule put it there (said to the user)."""

    path: Path
    how: str


class SourceExcerpt(Struct, frozen=True):
    """The lines around a task, read from the file found for it."""

    task: TaskPath
    found: Candidate
    #: the number of `lines[0]`
    first: int
    #: sanitised text, no line ends
    lines: tuple[str, ...]
    #: why fewer lines than asked were shown (the file is shorter, unreadable, …)
    problem: str | None = None


class SourceMissing(Struct, frozen=True):
    """The file was found nowhere; `looked` says where, in one line."""

    task: TaskPath
    looked: str


TaskSource = SourceExcerpt | SourceMissing


def parse_task_path(text: str | None) -> TaskPath | None:
    """`/path/file.yml:12` -> the file and line 12; a path without a line keeps it whole."""
    if not text:
        return None
    head, sep, tail = text.rpartition(":")
    if sep and head and tail.isascii() and tail.isdigit() and len(tail) < 10:
        return TaskPath(head, int(tail))
    return TaskPath(text, None)


def task_path_of(node: Node | None) -> str | None:
    """The `task_path` behind a task or a host run (its task's), else None."""
    if node is None:
        return None
    if node.kind == "task":
        return node.path or None
    if node.kind in _RUN_KINDS:
        parent = node.parent
        while parent is not None and parent.kind != "task":
            parent = parent.parent
        return (parent.path or None) if parent is not None else None
    return None


def private_data_dir_of(ident_dir: Path | None) -> Path | None:
    """`<pdd>` of a run in `<pdd>/artifacts/<ident>/`, None for a folder laid out otherwise."""
    if ident_dir is None or ident_dir.parent.name != "artifacts":
        return None
    return ident_dir.parent.parent


def candidates(task: TaskPath, roots: SourceRoots) -> list[Candidate]:
    """Every place the task's file may be, most trusted first.

    A `--project` dir comes first: the user said where the playbooks are. Then the path as
    written; then, for a run in an execution environment, `/runner/X` as `<pdd>/X`; then
    under the run's own `<pdd>/project/` (a private data dir moved with its project).
    Under a root, the longest tail of the path that exists wins: `/old/site/roles/x/
    tasks/main.yml` is `DIR/roles/x/tasks/main.yml` before it is `DIR/main.yml`.
    """
    written = PurePosixPath(task.file)
    if written.suffix.lower() not in SOURCE_SUFFIXES:
        return []
    out = [Candidate(p, "--project") for root in roots.projects for p in _under(root, written)]
    out.append(Candidate(Path(written), "as written"))
    pdd = roots.private_data_dir
    if pdd is not None:
        rebased = _rebased(written, pdd)
        if rebased is not None:
            out.append(Candidate(rebased, "execution environment"))
        out.extend(Candidate(path, "private data dir") for path in _under(pdd / "project", written))
    return out


def locate(
    task: TaskPath, roots: SourceRoots, is_file: Callable[[Path], bool] = os.path.isfile
) -> Candidate | None:
    """The first candidate that is a file (`is_file` asks the file system), or None."""
    for candidate in candidates(task, roots):
        if is_file(candidate.path):
            return candidate
    return None


def where_looked(task: TaskPath, roots: SourceRoots) -> str:
    """One line: the file was not found, and where it was looked for."""
    name = PurePosixPath(task.file).name or task.file
    if PurePosixPath(task.file).suffix.lower() not in SOURCE_SUFFIXES:
        return f"{name} is not a .yml or .yaml file: not read"
    places = [f"under {root} (--project)" for root in roots.projects]
    places.append(f"at {task.file} (as written)")
    pdd = roots.private_data_dir
    if pdd is not None:
        rebased = _rebased(PurePosixPath(task.file), pdd)
        if rebased is not None:
            places.append(f"at {rebased} (execution environment)")
        places.append(f"under {pdd / 'project'}")
    hint = "" if roots.projects else "; --project DIR says where the playbooks are"
    return f"{name} not found: looked {', '.join(places)}{hint}"


def load_task_source(
    task_path: str,
    roots: SourceRoots,
    *,
    before: int = LINES_BEFORE,
    after: int = LINES_AFTER,
    is_file: Callable[[Path], bool] = os.path.isfile,
) -> TaskSource | None:
    """Find the task's file and read the lines around its line (reads the file system)."""
    task = parse_task_path(task_path)
    if task is None:
        return None
    found = locate(task, roots, is_file)
    if found is None:
        return SourceMissing(task, where_looked(task, roots))
    line = task.line or 1
    first = max(1, line - before)
    try:
        lines, ended = _read_lines(found.path, first, line + after)
    except OSError as exc:
        return SourceExcerpt(task, found, first, (), f"cannot read it: {exc.strerror or exc}")
    problem = None
    if first + len(lines) <= line:
        problem = (
            f"it ends before line {line}: it changed since the run"
            if ended
            else f"line {line} is past the first {READ_LIMIT // (1024 * 1024)} MB read"
        )
    return SourceExcerpt(task, found, first, lines, problem)


def _rebased(written: PurePosixPath, pdd: Path) -> Path | None:
    """`/runner/X` (a path inside an execution environment) as `<pdd>/X`."""
    if not written.is_relative_to(RUNNER_MOUNT) or ".." in written.parts:
        return None
    return pdd.joinpath(*written.relative_to(RUNNER_MOUNT).parts)


def _under(root: Path, written: PurePosixPath) -> list[Path]:
    """`root/<tail>` for every tail of `written`, longest first; tails never climb with `..`."""
    parts = [part for part in written.parts if part != written.anchor]
    out = []
    for start in range(len(parts)):
        tail = parts[start:]
        if ".." in tail:
            continue
        out.append(root.joinpath(*tail))
    return out


def _read_lines(path: Path, first: int, last: int) -> tuple[tuple[str, ...], bool]:
    """Lines `first`..`last` of a file, sanitised; and whether the file ended before `last`.

    Reads no further than `last`, never more than READ_LIMIT bytes, and keeps at most
    LINE_BYTES of a line: a file of one endless line costs no more than a short one.
    """
    kept: list[str] = []
    read = 0
    number = 0
    with open(path, "rb") as fh:
        while read <= READ_LIMIT:
            raw = fh.readline(LINE_BYTES)
            if not raw:
                return tuple(kept), True
            read += len(raw)
            rest = raw
            while not rest.endswith(b"\n") and read <= READ_LIMIT:
                rest = fh.readline(LINE_BYTES)  # the rest of a long line, skipped
                if not rest:
                    break
                read += len(rest)
            number += 1
            if number >= first:
                kept.append(_clean(raw))
            if number >= last:
                break
    return tuple(kept), False


def _clean(raw: bytes) -> str:
    """One line of a file as text to show: decoded, no line end, no control characters."""
    text = raw.decode("utf-8", "replace").rstrip("\r\n")
    text = strip_ansi(text.replace("\r", ""))
    return text[:LINE_CHARS] + ("…" if len(text) > LINE_CHARS else "")
