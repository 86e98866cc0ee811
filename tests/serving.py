"""A `jobevents-tui serve` process for the tests, in a process group of its own.

Killing the group at the end also ends the app processes its tabs started.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_URL = re.compile(r"open (http://\S+/)")


@dataclass
class Served:
    """A running server: its process, the URL it printed, and what it logged."""

    process: subprocess.Popen[str]
    url: str
    log: list[str]

    @property
    def base(self) -> str:
        """The URL without the token."""
        return self.url.rstrip("/").rsplit("/", 1)[0] + "/"

    @property
    def token(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[1]

    def apps(self) -> list[int]:
        """Pids of the app processes started for its tabs (children, grandchildren)."""
        return [pid for pid in _descendants(self.process.pid) if _is_app(pid)]


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _is_app(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            words = fh.read().split(b"\0")
    except OSError:
        return False
    return b"jobevents.tui.cli" in words and b"serve" not in words


def cmdline(pid: int) -> list[str]:
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return [w.decode() for w in fh.read().split(b"\0") if w]


@contextmanager
def serving(*args: str, cwd: Path | None = None, timeout: float = 60) -> Iterator[Served]:
    """`jobevents-tui serve --port 0 ARGS`, until the block ends (then the group is killed)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "jobevents.tui.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd or REPO,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
    )
    assert process.stdout is not None
    log: list[str] = []
    deadline = time.monotonic() + timeout
    url = None
    while url is None:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"serve exited: {''.join(log)}")
        log.append(line)
        found = _URL.search(line)
        url = found.group(1) if found else None
        if time.monotonic() > deadline:
            raise AssertionError(f"serve printed no URL: {''.join(log)}")
    stdout = process.stdout

    def keep() -> None:  # the rest of its log, for failure messages
        for line in stdout:
            log.append(line)

    threading.Thread(target=keep, daemon=True).start()
    served = Served(process, url, log)
    try:
        yield served
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
