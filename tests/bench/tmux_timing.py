"""Time a terminal program in tmux until its screen shows something: the same way for each.

Used by run_benchmarks.py (`navigator`) to compare `jobevents-tui watch` with
`ansible-navigator replay`, both started in a fresh tmux window of the same size on a
tmux server of their own (started once, before any timing), the screen read with
`capture-pane` every 20 ms.

    with TmuxServer() as tmux:
        seconds = tmux.time_until(["jobevents-tui", "watch", "pdd"], lambda s: "3,294 events" in s)
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

SIZE = (200, 50)
POLL = 0.02


class TmuxServer:
    """A private tmux server (its own socket), killed on exit."""

    def __init__(self) -> None:
        self.socket = f"jobevents-bench-{os.getpid()}"
        self._n = 0

    def __enter__(self) -> TmuxServer:
        # a session that stays: the server is up before the first timing starts
        self._tmux("new-session", "-d", "-s", "keep", "-x", str(SIZE[0]), "-y", str(SIZE[1]))
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def time_until(
        self,
        command: Sequence[str],
        ready: Callable[[str], bool],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | None = None,
        timeout: float = 300.0,
    ) -> tuple[float, str]:
        """Seconds from starting `command` in a new window until `ready(screen)`; the screen.

        Raises TimeoutError (with the last screen) if it never gets there.
        """
        self._n += 1
        name = f"t{self._n}"
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        line = f"cd {shlex.quote(cwd or os.getcwd())} && exec env {prefix} {shlex.join(command)}"
        start = time.perf_counter()
        self._tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]), line)
        screen = ""
        try:
            while True:
                screen = self._tmux("capture-pane", "-p", "-t", name)
                if ready(screen):
                    return time.perf_counter() - start, screen
                if time.perf_counter() - start > timeout:
                    raise TimeoutError(f"{command[0]}: not ready after {timeout:.0f} s:\n{screen}")
                time.sleep(POLL)
        finally:
            self._tmux("kill-session", "-t", name, check=False)

    def _tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout
