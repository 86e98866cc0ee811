"""`jobevents-tui watch -` as a user runs it: the stream on stdin, keys from the terminal.

The command runs in a process of its own with a pseudo-terminal as its controlling
terminal (and stdout, stderr), and a pipe as stdin, as in `worker | jobevents-tui watch -`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

from jobevents.core.loading import load_path

from ..fixtures.paths import committed_stream

REPO = Path(__file__).resolve().parents[2]
_CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A pseudo-terminal the command draws on; what it wrote is kept."""

    def __init__(self) -> None:
        self.leader, self.follower = os.openpty()
        fcntl.ioctl(self.follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def text(self) -> bytes:
        """What it wrote, without the escape sequences between the letters."""
        return _CSI.sub(b"", bytes(self.output))

    def type(self, keys: bytes) -> None:
        os.write(self.leader, keys)

    def close(self) -> None:
        for fd in (self.follower, self.leader):
            with contextlib.suppress(OSError):
                os.close(fd)


def _start(terminal: Terminal, stdin: int, *args: str, cwd: Path) -> subprocess.Popen[bytes]:
    follower = terminal.follower

    def controlling_terminal() -> None:  # after setsid: the pty becomes /dev/tty
        fcntl.ioctl(follower, termios.TIOCSCTTY, 0)

    return subprocess.Popen(
        [sys.executable, "-m", "jobevents.tui.cli", *args],
        stdin=stdin,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(REPO)},
        start_new_session=True,
        preexec_fn=controlling_terminal,
    )


def _wait(condition: Callable[[], bool], timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_watch_stdin_takes_keys_from_the_terminal_and_saves_the_run(tmp_path: Path) -> None:
    data = committed_stream("seed_serial").read_bytes()
    terminal = Terminal()
    read, write = os.pipe()
    process = _start(terminal, read, "watch", "-", cwd=tmp_path)
    os.close(read)
    try:
        os.write(write, data)
        saved = tmp_path / ".jobevents" / "artifacts" / "seed_serial"
        status = saved / "status"
        _wait(lambda: status.is_file() and status.read_text() == "successful", what="the save")
        _wait(lambda: b"Stream ended" in terminal.text(), what="the end toast")
        terminal.type(b"q")  # a key from the terminal, while stdin is the stream
        assert process.wait(20) == 0
    finally:
        os.close(write)
        if process.poll() is None:
            process.kill()
        terminal.close()
    assert b"saved in .jobevents/artifacts/seed_serial" in terminal.text()
    stream_tree = load_path(committed_stream("seed_serial")).tree.to_dict()
    assert load_path(saved).tree.to_dict() == stream_tree


def test_quitting_a_live_stream_saves_the_rest_of_it(tmp_path: Path) -> None:
    data = committed_stream("seed_linear").read_bytes()
    half = data.index(b"\n", len(data) // 2) + 1
    terminal = Terminal()
    read, write = os.pipe()
    process = _start(terminal, read, "watch", "-", "--save", "runs", cwd=tmp_path)
    os.close(read)
    try:
        os.write(write, data[:half])
        saved = tmp_path / "runs" / "artifacts" / "seed_linear"
        _wait(lambda: (saved / "status").is_file(), what="the save to start")
        time.sleep(1.0)  # the app is up
        terminal.type(b"q")
        _wait(lambda: b"saving the rest of the stream" in terminal.text(), what="the note")
        assert process.poll() is None  # still reading: the worker is not cut off
        os.write(write, data[half:])
        assert process.wait(20) == 0
    finally:
        os.close(write)
        if process.poll() is None:
            process.kill()
        terminal.close()
    assert (saved / "status").read_text() == "successful" and (saved / "rc").read_text() == "0"
    whole = load_path(committed_stream("seed_linear"))
    assert load_path(saved).tree.to_dict() == whole.tree.to_dict()


def test_watch_stdin_without_a_terminal_says_to_use_dump(tmp_path: Path) -> None:
    with open(committed_stream("seed_linear"), "rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "jobevents.tui.cli", "watch", "-"],
            stdin=stdin,
            capture_output=True,
            cwd=tmp_path,
            start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
            timeout=60,
        )
    assert done.returncode == 2 and b"dump -" in done.stderr
    assert not (tmp_path / ".jobevents").exists()
