"""The built-in demo: a real playbook from the package, run into a fresh private data dir."""

from __future__ import annotations

import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from .launch import LaunchSpec, new_ident, runner_env

DEMO_FILES = ("demo.yml", "checks.yml", "inventory.ini")


def prepare_demo(keep: Path | None = None) -> LaunchSpec:
    """Copy the demo playbook into a private data dir and describe its run."""
    base = Path(keep) if keep is not None else Path(tempfile.mkdtemp(prefix="jobevents-demo-"))
    project = base / "project"
    project.mkdir(parents=True, exist_ok=True)
    source = resources.files("jobevents.tui") / "demo"
    for name in DEMO_FILES:
        (project / name).write_text((source / name).read_text())
    work = base / "work"
    shutil.rmtree(work, ignore_errors=True)  # retry markers of an earlier demo
    work.mkdir()
    return LaunchSpec(
        private_data_dir=str(base),
        playbook=str(project / "demo.yml"),
        ident=new_ident(),
        inventory=[str(project / "inventory.ini")],
        extravars={"demo_dir": str(work), "ansible_python_interpreter": sys.executable},
        envvars=runner_env(
            {
                "ANSIBLE_HOST_KEY_CHECKING": "False",
                "ANSIBLE_TIMEOUT": "5",
                "ANSIBLE_SSH_ARGS": "-o ConnectTimeout=3 -o ControlMaster=no",
                "ANSIBLE_LOCALHOST_WARNING": "False",
                "ANSIBLE_DEPRECATION_WARNINGS": "False",
            }
        ),
        forks=12,
    )
