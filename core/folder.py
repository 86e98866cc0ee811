"""Finding runs in an ansible-runner folder and reading their event files.

A user may point at a private data dir, at `artifacts/` (one ident per run), at one
`artifacts/<ident>/`, or straight at `job_events/`. Only `<counter>-<uuid>.json` files
are events: `.tmp` files are half-written and `-partial.json` files are the display
callback's halves, which runner merges.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

from msgspec import Struct

from .events import decode_event, decode_typed, detached
from .read_names import ReadNames
from .source import ReadResult

RUN_STATES = ("starting", "running", "successful", "failed", "canceled", "timeout", "error")
#: where ansible's fact cache writes under `artifacts/<ident>/` (runner points it there)
FACT_CACHE = "fact_cache"
#: `lost`: a run received as a worker stream that was cut before its end (not runner's)
FINISHED_STATES = frozenset({"successful", "failed", "canceled", "timeout", "error", "lost"})


class NoRunError(Exception):
    """PATH holds no ansible-runner run."""


def event_file_key(name: str) -> tuple[int, str] | None:
    """`(counter, uuid)` of an event file's name, None for any other file."""
    # String methods, not a regex: this runs for every file of 100k-event folders.
    if not name.endswith(".json") or name.endswith("-partial.json"):
        return None
    counter, dash, rest = name.partition("-")
    if not dash or len(rest) <= 5 or not (counter.isdigit() and counter.isascii()):
        return None
    return (int(counter), rest[:-5])


class RunFolder(Struct, frozen=True):
    """One run: `artifacts/<ident>/` and its `job_events/`."""

    job_events: Path
    #: `artifacts/<ident>/`, where `status` and `rc` live; None for a bare job_events dir
    ident_dir: Path | None

    @property
    def ident(self) -> str | None:
        return self.ident_dir.name if self.ident_dir is not None else None

    def status(self) -> str | None:
        """The `status` file: starting, running, successful, failed, canceled, timeout."""
        text = self._small_file("status")
        return text.split()[0][:40] if text and text.split() else None

    def rc(self) -> int | None:
        text = self._small_file("rc")
        try:
            return int(text.strip()) if text else None
        except ValueError:
            return None

    def event_path(self, ref: tuple[int, str]) -> Path:
        return self.job_events / f"{ref[0]}-{ref[1]}.json"

    def read_payload(self, ref: tuple[int, str] | Path) -> dict[str, Any]:
        """The whole event behind a node, read when someone asks to see it."""
        return read_event_file(ref if isinstance(ref, Path) else self.event_path(ref))

    def _small_file(self, name: str) -> str | None:
        if self.ident_dir is None:
            return None
        try:
            with open(self.ident_dir / name, "rb") as fh:
                return fh.read(256).decode("utf-8", "replace")
        except OSError:
            return None


def read_event_file(path: Path, limit: int | None = None) -> dict[str, Any]:
    """An event file as a dict; past `limit` bytes, a stand-in holding its first bytes.

    Raises OSError or ValueError when the file is gone or not an event.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        raw = fh.read() if limit is None else fh.read(limit + 1)
    return event_payload(raw, limit, size)


def event_payload(raw: bytes, limit: int | None = None, size: int | None = None) -> dict[str, Any]:
    """An event's bytes as a dict; past `limit` bytes, a stand-in holding its first bytes.

    Raises ValueError when they are not an event.
    """
    size = len(raw) if size is None else size
    if limit is not None and size > limit:
        return {
            "event": "(too large to show whole)",
            "stdout": raw[:limit].decode("utf-8", "replace"),
            "event_data": {"res": {"msg": f"event file is {size:,} bytes; first bytes above"}},
        }
    try:
        obj = json.loads(raw.decode("utf-8", "replace"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def find_runs(path: Path) -> list[RunFolder]:
    """Every run under PATH, newest first (by the time its folder last changed)."""
    return scan_runs(path)[0]


def scan_runs(path: Path) -> tuple[list[RunFolder], list[Path]]:
    """`find_runs(path)`, and the folders of runs under it that have no `job_events/` yet
    (runner makes it after the folder): one listing for both (a thousand runs: ~6 ms)."""
    path = Path(path)
    if not path.is_dir():
        return [], []
    if path.name == "job_events" or _has_event_files(path):
        parent = path.parent if path.name == "job_events" else None
        return [RunFolder(path, parent)], []
    if (path / "job_events").is_dir():
        return [RunFolder(path / "job_events", path)], []
    artifacts = path / "artifacts" if (path / "artifacts").is_dir() else path
    # Two stats a run (a node may keep a thousand runs, and this runs at every start):
    # the folder's and its job_events/'s, which also says job_events/ is a directory.
    aged: list[tuple[float, RunFolder]] = []
    pending: list[Path] = []
    try:
        entries = list(os.scandir(artifacts))
    except OSError:
        return [], []
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            events = os.stat(os.path.join(entry.path, "job_events"))
            if not stat.S_ISDIR(events.st_mode):
                continue
            age = max(entry.stat(follow_symlinks=False).st_mtime, events.st_mtime)
        except (FileNotFoundError, NotADirectoryError):
            pending.append(Path(entry.path))  # no job_events/ yet
            continue
        except OSError:
            continue
        ident_dir = Path(entry.path)
        aged.append((age, RunFolder(ident_dir / "job_events", ident_dir)))
    aged.sort(key=itemgetter(0), reverse=True)
    return [run for _age, run in aged], pending


def open_run(path: Path, ident: str | None = None) -> RunFolder:
    """The run to show: the one named `ident`, else the newest. Raises NoRunError."""
    return pick_run(find_runs(path), ident, path)


def pick_run(runs: list[RunFolder], ident: str | None, path: Path) -> RunFolder:
    """Of `runs` (newest first, as listed under `path`), the one named `ident`, else the
    newest. Raises NoRunError, naming the runs there are."""
    if ident is not None:
        for run in runs:
            if run.ident == ident:
                return run
        known = ", ".join(r.ident or "?" for r in runs) or "none"
        raise NoRunError(f"no run with ident {ident!r} under {path} (runs: {known})")
    if not runs:
        raise NoRunError(f"no ansible-runner run under {path}")
    return runs[0]


def _has_event_files(path: Path) -> bool:
    try:
        with os.scandir(path) as entries:
            return any(event_file_key(entry.name) is not None for entry in entries)
    except OSError:
        return False


class EventReader:
    """Reads a run's event files once each, in counter order, and says which failed.

    A file that does not parse yet (a writer without `.tmp`-rename, a copy in
    progress) is retried on later reads until `retry_for` seconds have passed, then
    reported; if it parses after all, it is read and its error withdrawn. It is the
    folder's `RunSource`.

    `once`: a load, not a watch. `next_batch` goes through one listing and then says
    there is no more, and no file's name is remembered: at 100k files the names read
    would be 13 MB held for a question (is this file new?) that a load never asks again.
    """

    def __init__(
        self,
        run: RunFolder,
        *,
        retry_for: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        once: bool = False,
    ) -> None:
        self.run = run
        self.retry_for = retry_for
        self._clock = clock
        self._once = once
        #: names read (none kept when `once`), and how many were read
        self._done = ReadNames()
        self._read = 0
        #: `once`: the listing was taken
        self._listed = False
        self._retry: dict[str, float] = {}
        #: events whose content names another counter or uuid than their file name
        self._renamed: dict[tuple[int, str], str] = {}
        #: unreadable files: name -> one-line reason
        self.errors: dict[str, str] = {}
        #: listed and not read yet, for `next_batch`
        self._backlog: list[str] = []

    @property
    def ident(self) -> str | None:
        return self.run.ident

    @property
    def label(self) -> str:
        return str(self.run.ident_dir or self.run.job_events)

    def status(self) -> str | None:
        return self.run.status()

    def rc(self) -> int | None:
        return self.run.rc()

    @property
    def read_count(self) -> int:
        """Event files read (parsed or reported)."""
        return self._read

    def next_batch(self, limit: int, wait: float | None = 0.0) -> ReadResult:
        """The next `limit` files of the listing (listed again when used up, but `once`);
        never waits."""
        if not self._backlog and not (self._once and self._listed):
            self._backlog = self.list_names()
            self._listed = True
        backlog = self._backlog
        names = backlog[:limit]
        # Names read are let go as the load goes (100k of them are 9 MB): the backlog
        # shrinks while the tree grows.
        del backlog[:limit]
        result = self.read(names)
        result.more = bool(backlog)
        return result

    @property
    def renamed(self) -> dict[tuple[int, str], str]:
        """Events whose content names another counter or uuid than their file: key -> name."""
        return self._renamed

    def absorb(
        self, read: int, errors: dict[str, str], renamed: Iterable[tuple[int, str, str]]
    ) -> None:
        """Take in what another reader read for this one (`child_reader.py`): its count,
        its unreadable files and its renamed events, as if this one had read them."""
        self._read += read
        self.errors.update(errors)
        for counter, uuid, name in renamed:
            self._renamed[(counter, uuid)] = name

    def read_payload(self, ref: tuple[int, str], limit: int | None = None) -> dict[str, Any]:
        """The whole event behind a node, read from its file when someone asks to see it."""
        return read_event_file(self.path_of(ref), limit)

    def pending(self) -> bool:
        """Whether some file is waiting to be retried."""
        return bool(self._retry)

    def was_read(self, name: str) -> bool:
        """Whether `name` was read and parsed (a file that failed gets another chance when
        written again, as `read` gives it)."""
        return name in self._done and name not in self.errors

    def read(self, names: Iterable[str] | None = None) -> ReadResult:
        """Read new event files: the given names, or every file now in the folder."""
        result = ReadResult()
        explicit = names is not None
        done, errors = self._done, self.errors
        todo: dict[str, tuple[int, str]] = {}
        for name in self.list_names() if names is None else names:
            # A named file that failed before was written again: give it another chance.
            if done and name in done and not (explicit and name in errors):
                continue
            key = event_file_key(name)
            if key is not None:
                todo[name] = key
        for name in self._retry:
            if name not in todo:
                key = event_file_key(name)
                if key is not None:
                    todo[name] = key
        folder = self.folder_prefix
        now = self._clock()
        items = list(todo.items())
        if any(items[i][1] > items[i + 1][1] for i in range(len(items) - 1)):
            items.sort(key=itemgetter(1))  # names from list_names() come in order already
        dir_fd = open_folder(folder) if len(items) > 1 else None
        try:
            for name, key in items:
                try:
                    raw = read_in_folder(folder, name, dir_fd)
                except OSError as exc:
                    self._unreadable(name, exc, result)
                else:
                    self._take(name, key, raw, now, result)
        finally:
            if dir_fd is not None:
                os.close(dir_fd)
        return result

    def take(self, files: Iterable[tuple[str, bytes | memoryview | OSError]]) -> ReadResult:
        """What `read` gives for event files another process read (`child_reader.py`):
        each name with its bytes (a view into a frame of them), or the OSError reading
        it raised."""
        result = ReadResult()
        now = self._clock()
        events, retry, errors, once = result.events, self._retry, self.errors, self._once
        decode, taken, done = decode_typed, 0, self._done.add_key
        for name, content in files:
            if isinstance(content, OSError):
                self._unreadable(name, content, result)
                continue
            # The usual file, inline: a typed event spelling its name, not to be retried
            # or withdrawn. Anything else (and its count) goes through `_take`.
            if not (errors and name in errors) and not (retry and name in retry):
                try:
                    event = decode(content)
                except Exception:  # `_take` decodes it again, the lenient way
                    pass
                else:
                    counter, uuid = event.counter, event.uuid
                    if counter > 0 and uuid and name == f"{counter}-{uuid}.json":
                        if not once:  # what `_take` does for a watch
                            detached(event)
                            done(counter, uuid)
                        events.append(event)
                        taken += 1
                        continue
            self._take(name, None, bytes(content), now, result)
        self._read += taken
        return result

    @property
    def folder_prefix(self) -> str:
        """The job_events folder with its separator: `+ name` is a file's path."""
        return os.path.join(self.run.job_events, "")

    def start_from(self, names: list[str]) -> None:
        """Read `names`, a listing taken already (`list_names`), instead of listing again."""
        self._backlog = names
        self._listed = True

    def list_names(self) -> list[str]:
        """The folder's files not read yet, event files in counter order.

        Runner names a file `<counter>-<uuid>.json` with a 36-character uuid, so ordering
        by length and then by text is ordering by counter: two sorts in C instead of
        parsing 100k names (`read` parses each name as it reads it, and puts a chunk
        whose odd names came out of order back in order). Names read already are
        skipped, so a rescan of a big folder costs its listing.
        """
        done = self._done
        names = self._listdir()
        if done:  # a load's reader remembers no name: nothing to skip
            names = [name for name in names if name not in done]
        names.sort()
        names.sort(key=len)
        return names

    def path_of(self, ref: tuple[int, str]) -> Path:
        """The file holding event `ref`."""
        name = self._renamed.get(ref)
        return self.run.job_events / name if name else self.run.event_path(ref)

    def forget(self) -> None:
        """Read every file again from scratch (the folder was replaced)."""
        self._backlog = []
        self._listed = False
        self._read = 0
        self._done.clear()
        self._retry.clear()
        self.errors.clear()

    def _listdir(self) -> list[str]:
        try:
            return os.listdir(self.run.job_events)
        except OSError:
            return []

    def _unreadable(self, name: str, exc: OSError, result: ReadResult) -> None:
        if isinstance(exc, FileNotFoundError):
            if os.path.islink(self.folder_prefix + name):
                self._fail(name, "broken symbolic link", result)
            else:
                self._retry.pop(name, None)  # renamed or deleted before we got to it
        elif isinstance(exc, PermissionError):
            self._fail(name, "permission denied", result)
        else:
            self._fail(name, _one_line(exc.strerror or str(exc)), result)

    def _take(
        self, name: str, key: tuple[int, str] | None, raw: bytes, now: float, result: ReadResult
    ) -> None:
        """One event file's bytes into `result`; `key`: its name's, None when not parsed
        yet (it is only needed when the event does not spell its name exactly)."""
        try:
            event = decode_event(raw)
        except (ValueError, RecursionError) as exc:
            reason = "empty file" if not raw.strip() else _one_line(str(exc) or type(exc).__name__)
            first = self._retry.setdefault(name, now)
            if now - first >= self.retry_for:
                self._fail(name, reason, result)
            return
        counter, uuid = event.counter, event.uuid
        # the name spells the event's key: not parsed (a child's files come by name only)
        spelt = key is None and counter > 0 and uuid != "" and name == f"{counter}-{uuid}.json"
        if not spelt and (
            key is not None or not (counter and uuid and name == f"{counter}-{uuid}.json")
        ):
            key = key if key is not None else event_file_key(name)
            if key is None:
                return  # not an event file's name: never handed here
            if event.counter == 0 and event.uuid == "":
                event.counter, event.uuid = key
            elif event.uuid == "":
                event.uuid = key[1]
            elif event.counter == 0:
                event.counter = key[0]
            if event.key != key:
                self._renamed[event.key] = name
        if not self._once:
            # A watch's chunk of events is kept while it is applied and shown: without
            # this, each kept its whole file's bytes alive (7 MB a chunk of 2,000).
            detached(event)
            if spelt:
                self._done.add_key(counter, uuid)
            else:
                self._done.add(name, event.uuid)
        # (asked only when not empty: this runs for each of 100k files)
        if self._retry:
            self._retry.pop(name, None)
        if self.errors and self.errors.pop(name, None) is not None:
            result.recovered.append(name)
        else:
            self._read += 1
        result.events.append(event)

    def _note_done(self, name: str, uuid: str | None = None) -> None:
        if not self._once:
            self._done.add(name, uuid)

    def _fail(self, name: str, reason: str, result: ReadResult) -> None:
        self._retry.pop(name, None)
        if name not in self.errors:
            self._read += 1
        self._note_done(name)
        self.errors[name] = reason
        result.errors[name] = reason


def read_regular_file(path: str, dir_fd: int | None = None) -> bytes:
    """The bytes of a file named like an event; never blocks on a FIFO or a device.

    Three syscalls, no stat: O_NONBLOCK makes a FIFO read return at once (reported as
    empty), a directory fails with EISDIR; a regular file is read in 64 KiB steps.
    `dir_fd` (`open_folder`): `path` is a name in that folder.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        data = os.read(fd, _READ_STEP)
        if not data and not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if len(data) < _READ_STEP:
            return data
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except (BlockingIOError, IsADirectoryError):
        raise OSError(errno.EINVAL, "not a regular file") from None
    finally:
        os.close(fd)


_READ_STEP = 1 << 16


def read_in_folder(folder: str, name: str, dir_fd: int | None) -> bytes:
    """`read_regular_file` of file `name` in `folder` (its path, ending in a separator):
    opened by name in `dir_fd` (`open_folder`) where there is one, else by its path."""
    if dir_fd is None:
        return read_regular_file(folder + name)
    return read_regular_file(name, dir_fd)


def open_folder(path: str) -> int | None:
    """A descriptor of folder `path` to open its files by name (`read_regular_file`), or
    None where it cannot be opened (then files are opened by path, and fail as such).

    The kernel then looks up one name a file, not the whole path: a tenth of the system
    time of reading 100k event files.
    """
    try:
        return os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
