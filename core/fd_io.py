"""Whole reads and writes on a raw file descriptor (a pipe or a file opened with os.open),
where one `os.read`/`os.write` may move fewer bytes than asked."""

from __future__ import annotations

import os


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of `data`."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exactly(fd: int, size: int, step: int = 1 << 20) -> bytes | None:
    """`size` bytes, read `step` at most at a time; None when the input ends first."""
    if size == 0:
        return b""
    parts: list[bytes] = []
    got = 0
    while got < size:
        part = os.read(fd, min(size - got, step))
        if not part:
            return None
        parts.append(part)
        got += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)
