"""Runs one playbook through ansible-runner in a process of its own.

`jobevents-tui run` and `demo` start this module as a child in a new session, so the
viewer can quit and leave the run going (detach). SIGTERM or SIGINT cancels the run
through runner's cancel callback, which leaves runner's `status` as `canceled`. With a
worker command (`run --worker`), the child runs the playbook through it (`worker_run.py`).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

#: how often runner asks whether to cancel (its default is 5 s)
CANCEL_POLL = 0.2


@dataclass
class LaunchSpec:
    """Everything the child needs to run a playbook; written as JSON for it."""

    private_data_dir: str
    playbook: str
    ident: str
    inventory: list[str] = field(default_factory=list)
    extravars: dict[str, Any] = field(default_factory=dict)
    limit: str | None = None
    cmdline: list[str] = field(default_factory=list)
    envvars: dict[str, str] = field(default_factory=dict)
    forks: int | None = None
    #: a worker command (`ssh host ansible-runner worker`) to run the playbook through
    worker: list[str] = field(default_factory=list)

    @property
    def ident_dir(self) -> Path:
        return Path(self.private_data_dir) / "artifacts" / self.ident


def new_ident() -> str:
    """Sortable and unique: runs under one artifacts/ list newest last by name too."""
    return f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def runner_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """What ansible-playbook needs from us: our interpreter's bin first, a UTF-8 locale."""
    env = dict(base or {})
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != bin_dir:
        env["PATH"] = os.pathsep.join([bin_dir, path]) if path else bin_dir
    locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    if "utf-8" not in locale.lower() and "utf8" not in locale.lower():
        env.setdefault("LC_ALL", "C.UTF-8")
        env.setdefault("LANG", "C.UTF-8")
    env.setdefault("ANSIBLE_FORCE_COLOR", "1")
    return env


class PlaybookProcess:
    """The viewer's handle on a run in its child process."""

    def __init__(self, spec: LaunchSpec) -> None:
        self.spec = spec
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(spec.private_data_dir) / f"jobevents-{spec.ident}.log"

    def start(self) -> None:
        Path(self.spec.private_data_dir).mkdir(parents=True, exist_ok=True)
        spec_path = Path(self.spec.private_data_dir) / f"jobevents-{self.spec.ident}.json"
        spec_path.write_text(json.dumps(asdict(self.spec)))
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jobevents.tui.launch", str(spec_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cancel(self) -> None:
        """Ask the run to stop; runner kills ansible-playbook and records `canceled`."""
        if self.running and self.process is not None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float | None = None) -> int | None:
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def rc(self) -> int:
        """The playbook's return code: runner's `rc` file, else the child's exit status."""
        try:
            return int((self.spec.ident_dir / "rc").read_text().strip())
        except (OSError, ValueError):
            pass
        code = self.process.poll() if self.process is not None else None
        return code if code is not None else 1

    def failure_output(self, limit: int = 4000) -> str:
        """The child's own output (a traceback of runner itself, say), for the user."""
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""


def _run(spec: LaunchSpec) -> int:
    import ansible_runner

    canceled = False

    def cancel(_signum: int, _frame: object) -> None:
        nonlocal canceled
        canceled = True

    signal.signal(signal.SIGTERM, cancel)
    signal.signal(signal.SIGINT, cancel)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the terminal closing is not a cancel
    playbook = Path(spec.playbook)

    def write_status(data: dict[str, Any], **_: Any) -> None:
        """Runner writes `status` only when the run ends; viewers want it live."""
        status = data.get("status")
        if status not in ("starting", "running"):
            return
        spec.ident_dir.mkdir(parents=True, exist_ok=True)
        tmp = spec.ident_dir / ".status.tmp"
        tmp.write_text(str(status))
        tmp.replace(spec.ident_dir / "status")

    result = ansible_runner.run(
        private_data_dir=spec.private_data_dir,
        project_dir=str(playbook.parent),
        playbook=playbook.name,
        ident=spec.ident,
        inventory=spec.inventory or None,
        extravars=spec.extravars or None,
        limit=spec.limit,
        cmdline=" ".join(shlex.quote(a) for a in spec.cmdline) or None,
        envvars=spec.envvars,
        forks=spec.forks,
        quiet=True,
        cancel_callback=lambda: canceled,
        status_handler=write_status,
        settings={"pexpect_timeout": CANCEL_POLL, "suppress_ansible_output": True},
    )
    return result.rc if isinstance(result.rc, int) else 1


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = LaunchSpec(**json.loads(Path(args[0]).read_text()))
    started = time.monotonic()
    if spec.worker:
        from .worker_run import run_through_worker

        rc = run_through_worker(spec)
    else:
        rc = _run(spec)
    print(f"jobevents-tui: run {spec.ident} ended rc={rc} in {time.monotonic() - started:.1f}s")
    return rc


if __name__ == "__main__":
    sys.exit(main())
