"""A run received as a worker stream, written as runner's artifacts folder.

What `ansible-runner process` would write, so every command reads it later like any
run: `<private data dir>/artifacts/<ident>/job_events/<counter>-<uuid>.json`, `status`,
and from the artifacts zip `rc`, `stdout`, `stderr`, `command`, `fact_cache/`. The
stream comes from another machine, so none of its names is trusted as a path: event
files are named from counter and a checked uuid, and only those files of the zip are
taken, as regular files, never links. The worker's environment is left out of `command`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import zipfile
from pathlib import Path

from .fd_io import write_all

#: files of the artifacts zip that are written, and the one folder
ARTIFACT_FILES = frozenset({"rc", "status", "stdout", "stderr", "command"})
FACT_CACHE = "fact_cache"
#: a file of the zip is written up to this size
ARTIFACT_LIMIT = 1 << 30
#: `status` of a run whose stream was cut before its end
LOST = "lost"

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def event_file_name(counter: int, uuid: str) -> str:
    """runner's `<counter>-<uuid>.json`; a uuid unfit for a file name is replaced by its hash."""
    if _SAFE_NAME.fullmatch(uuid) and not uuid.endswith("-partial"):
        return f"{counter}-{uuid}.json"
    digest = hashlib.sha1(uuid.encode("utf-8", "replace")).hexdigest()[:20]
    return f"{counter}-unsafe-{digest}.json"


def new_run_dir(private_data_dir: Path, ident: str) -> Path:
    """A new `artifacts/<ident>/` (`<ident>-2`, ... when taken), with its `job_events/`."""
    artifacts = Path(private_data_dir) / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    name = ident if _SAFE_NAME.fullmatch(ident) else "stream"
    for n in range(1, 10_000):
        candidate = artifacts / (name if n == 1 else f"{name}-{n}")
        try:
            candidate.mkdir(mode=0o700)
        except FileExistsError:
            continue
        (candidate / "job_events").mkdir(mode=0o700)
        return candidate
    raise OSError(f"no free name for {name} under {artifacts}")


class RunSaver:
    """Writes one received run into its `artifacts/<ident>/` folder as it arrives."""

    def __init__(self, ident_dir: Path) -> None:
        self.ident_dir = Path(ident_dir)
        self.job_events = self.ident_dir / "job_events"
        self.job_events.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._prefix = os.path.join(self.job_events, "")

    @property
    def ident(self) -> str:
        return self.ident_dir.name

    def write_event(self, name: str, raw: bytes) -> None:
        """One event file, written whole (runner's `process` does the same, without a rename:
        a rename costs six times the write here, and readers retry half-written files)."""
        fd = os.open(self._prefix + name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, raw)
        finally:
            os.close(fd)

    def write_status(self, status: str) -> None:
        self._replace("status", status.encode("utf-8", "replace"))

    def write_artifacts(self, data: bytes) -> list[str]:
        """The artifacts zip's files that belong in the folder; returns what was left out."""
        skipped: list[str] = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = info.filename
                if info.is_dir() or name in ("job_events/", FACT_CACHE + "/"):
                    continue
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind not in (0, stat.S_IFREG):
                    skipped.append(f"{name}: not a regular file")
                    continue
                target = self._artifact_path(name)
                if target is None:
                    skipped.append(f"{name}: not an artifact")
                    continue
                if info.file_size > ARTIFACT_LIMIT:
                    skipped.append(f"{name}: {info.file_size:,} bytes")
                    continue
                with archive.open(info) as fh:
                    content = fh.read(ARTIFACT_LIMIT + 1)[:ARTIFACT_LIMIT]
                if name == "command":
                    scrubbed = _without_env(content)
                    if scrubbed is None:
                        skipped.append("command: not JSON")
                        continue
                    content = scrubbed
                self._replace(target, content)
        return skipped

    def _artifact_path(self, name: str) -> str | None:
        """The folder-relative path of a zip entry we write, or None."""
        if name in ARTIFACT_FILES:
            return name
        head, sep, tail = name.partition("/")
        if head == FACT_CACHE and sep and _SAFE_NAME.fullmatch(tail):
            (self.ident_dir / FACT_CACHE).mkdir(mode=0o700, exist_ok=True)
            return f"{FACT_CACHE}/{tail}"
        return None

    def _replace(self, relative: str, content: bytes) -> None:
        """Write a small file whole under its name (through a temporary name: it is re-read)."""
        path = self.ident_dir / relative
        tmp = path.with_name(f".{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            write_all(fd, content)
        finally:
            os.close(fd)
        os.replace(tmp, path)


def _without_env(content: bytes) -> bytes | None:
    """runner's `command` artifact without the worker's environment (secrets, and no use here)."""
    try:
        data = json.loads(content.decode("utf-8", "replace"))
    except ValueError:
        return None
    if isinstance(data, dict):
        data.pop("env", None)
    return json.dumps(data).encode()
