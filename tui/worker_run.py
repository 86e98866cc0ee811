"""`run --worker CMD`: a playbook run through a worker command, its stream saved as artifacts.

The launch child (see `launch.py`) stages what the worker needs (the playbook's folder as
`project/`, the inventories as `inventory/`), transmits it into CMD with ansible_runner's
transmit streamer (`ansible-runner transmit`'s framing, not ours), and reads CMD's stdout
as a worker stream into `<private data dir>/artifacts/<ident>/`, which the viewer watches
like any run. SIGTERM or SIGINT terminates CMD: a local `ansible-runner worker` cancels the
playbook and still sends its end; `ssh host ansible-runner worker` drops the connection.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .launch import LaunchSpec

#: left out of the copy of the playbook's folder sent to the worker
STAGE_IGNORE = shutil.ignore_patterns(".git", ".jobevents", "__pycache__", "*.pyc", ".venv")
#: runner's rc of a canceled run
CANCELED_RC = 254
#: what of our environment goes to the worker's ansible-playbook (never PATH: not ours there)
SENT_ENV = ("LC_ALL", "LANG", "ANSIBLE_FORCE_COLOR")


def stage(spec: LaunchSpec) -> tuple[Path, dict[str, Any]]:
    """A private data dir for the worker, and runner's arguments for it (relative paths)."""
    playbook = Path(spec.playbook)
    staging = Path(spec.private_data_dir) / "worker-jobs" / spec.ident
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    shutil.copytree(playbook.parent, staging / "project", ignore=STAGE_IGNORE, symlinks=True)
    kwargs: dict[str, Any] = {"playbook": playbook.name}
    inventory = staging / "inventory"
    inventory.mkdir()
    names = []
    for n, given in enumerate(spec.inventory):
        path = Path(given)
        # ansible skips `.ini` names in an inventory folder: keep the name only when alone
        name = path.name if len(spec.inventory) == 1 else f"{n:02d}-{path.stem}"
        if path.is_dir():
            shutil.copytree(path, inventory / name, symlinks=True)
        elif path.exists():
            shutil.copyfile(path, inventory / name)
        else:  # an inline host list, "web1,web2,": one host a line
            name = f"{n:02d}-hosts"
            hosts = [h.strip() for h in given.split(",") if h.strip()]
            (inventory / name).write_text("".join(f"{h}\n" for h in hosts))
        names.append(name)
    if names:
        # absolute inside the staged dir: runner sends it relative, the worker joins it back
        kwargs["inventory"] = str(inventory / names[0] if len(names) == 1 else inventory)
    return staging, kwargs


def run_through_worker(spec: LaunchSpec) -> int:
    """Transmit, read the stream to its end saving it, and return the playbook's rc."""
    import ansible_runner

    from jobevents.core.stream_source import StreamSource

    staging, kwargs = stage(spec)
    env = {**os.environ, **spec.envvars}  # a local worker finds our ansible-playbook
    worker = subprocess.Popen(spec.worker, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    assert worker.stdin is not None and worker.stdout is not None
    canceled = False

    def cancel(_signum: int, _frame: object) -> None:
        nonlocal canceled
        canceled = True
        if worker.poll() is None:
            worker.terminate()  # a local worker cancels; ssh hangs up on the remote one

    signal.signal(signal.SIGTERM, cancel)
    signal.signal(signal.SIGINT, cancel)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # the terminal closing is not a cancel
    try:
        ansible_runner.run(
            private_data_dir=str(staging),
            ident=spec.ident,
            extravars=spec.extravars or None,
            limit=spec.limit,
            cmdline=" ".join(spec.cmdline) or None,
            envvars={k: v for k, v in spec.envvars.items() if k in SENT_ENV},
            forks=spec.forks,
            streamer="transmit",
            _output=worker.stdin,
            quiet=True,
            cancel_callback=lambda: canceled,  # else runner puts its own signal handlers in
            **kwargs,
        )
    except (BrokenPipeError, OSError) as exc:  # the worker is gone; its stream says why
        print(f"jobevents-tui: transmitting to the worker failed: {exc}", file=sys.stderr)
    finally:
        with suppress(OSError):
            worker.stdin.close()
    source = StreamSource(
        worker.stdout.fileno(),
        label=" ".join(spec.worker),
        save_to=Path(spec.private_data_dir),
        save_ident=spec.ident,
    )
    told = 0
    while not source.exhausted:
        source.next_batch(500, wait=1.0)  # whatever came: saved at once, for the viewer
        source.flush(None)
        new = source.state.output_count - told
        if new > 0:  # into the run's log, where the viewer looks when nothing came
            for line in list(source.state.output)[-new:]:
                print(f"worker: {line}", file=sys.stderr)
            told = source.state.output_count
    if canceled and source.state.lost and source.saver is not None:
        source.saver.write_status("canceled")  # we asked; the worker could not say so
    elif source.save_failure is None:
        source.flush(None)
    code = worker.wait()
    shutil.rmtree(staging, ignore_errors=True)
    rc = source.rc()
    if rc is not None:
        return rc
    if canceled:
        return CANCELED_RC
    return code or 1
