"""A run outlined in a process of its own, so a program that shows another run (the app)
never holds this one's tree, and its threads never wait for the load.

    python -m jobevents.tui.outline_process PATH [IDENT]

writes the `OutlinedRun` as msgpack on stdout (exit 0), or one line on stderr: exit 2 when
there is no run there (`NoRunError`), 1 on any other error. A fresh interpreter rather
than `multiprocessing`: forking a process with threads is unsafe, and `spawn` would run
the parent's `__main__` again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgspec

# The child imports this module alone: the core, never Textual.
from jobevents.core.folder import NoRunError
from jobevents.core.pair_loading import OutlinedRun, RunSource, outline_run

#: exit codes of the child
NO_RUN, FAILED = 2, 1


class OutlineJob:
    """One child outlining one run; `result()` waits for it, `cancel()` stops it."""

    def __init__(self, source: RunSource) -> None:
        command = [sys.executable, "-m", __name__, str(source.path)]
        if source.ident is not None:
            command.append(source.ident)
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        self.canceled = False

    def result(self) -> OutlinedRun:
        """The outline; raises NoRunError (no run there), RuntimeError (the child failed or
        was canceled)."""
        out, err = self._process.communicate()
        code = self._process.returncode
        if code == 0:
            return msgspec.msgpack.decode(out, type=OutlinedRun)
        why = err.decode("utf-8", "replace").strip().splitlines()
        message = why[-1] if why else f"exit {code}"
        if self.canceled:
            raise RuntimeError("canceled")
        if code == NO_RUN:
            raise NoRunError(message)
        raise RuntimeError(message)

    def cancel(self) -> None:
        self.canceled = True
        if self._process.poll() is None:
            self._process.kill()


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print("usage: python -m jobevents.tui.outline_process PATH [IDENT]", file=sys.stderr)
        return FAILED
    source = RunSource(Path(argv[0]), argv[1] if len(argv) == 2 else None)
    try:
        outlined = outline_run(source)
    except NoRunError as exc:
        print(exc, file=sys.stderr)
        return NO_RUN
    except Exception as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return FAILED
    sys.stdout.buffer.write(msgspec.msgpack.encode(outlined))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
