"""`run --worker CMD`: a real playbook through a real `ansible-runner worker`, watched live."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from jobevents.core.loading import load_path
from jobevents.tui.app import JobEventsApp
from jobevents.tui.cli import parse_args
from jobevents.tui.commands.run import UsageError, run_spec
from jobevents.tui.launch import LaunchSpec, PlaybookProcess
from jobevents.tui.widgets.quit_dialog import QuitDialog

PLAYBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "playbooks"
INVENTORY = PLAYBOOKS / "inventory.ini"
WORKER = f"{Path(sys.executable).parent / 'ansible-runner'} worker"


def _spec(pdd: Path, playbook: Path, *extra: str) -> LaunchSpec:
    argv = ["run", str(playbook), "-i", str(INVENTORY), "--private-data-dir", str(pdd)]
    argv += ["-e", f"ansible_python_interpreter={sys.executable}", "--worker", WORKER, *extra]
    return run_spec(parse_args(argv))


async def _until(pilot, condition, timeout: float = 180.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.2)
    await pilot.pause(0.3)


@pytest.mark.slow
async def test_run_through_a_worker_shows_the_run_saves_it_and_exits_with_its_rc(
    tmp_path: Path,
) -> None:
    failing = tmp_path / "project" / "fail.yml"
    failing.parent.mkdir()
    failing.write_text(
        "- hosts: tower1,pg1\n  gather_facts: false\n  tasks:\n"
        "    - name: work\n      ansible.builtin.command: sleep 1\n"
        "    - name: break\n      ansible.builtin.fail:\n        msg: broken on purpose\n"
        "      when: inventory_hostname == 'pg1'\n"
    )
    spec = _spec(tmp_path / "pdd", failing)
    assert spec.worker == [str(Path(sys.executable).parent / "ansible-runner"), "worker"]
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path / "pdd", ident=spec.ident, process=process)
    seen_running = False
    async with app.run_test(size=(120, 40)) as pilot:

        def done() -> bool:
            nonlocal seen_running
            feed = app.feed
            if feed is not None and feed.status == "running" and feed.tree.events:
                seen_running = True
            return not process.running and feed is not None and feed.tree.finished

        await _until(pilot, done)
        failed = [n for n in app.feed.tree.nodes() if n.kind == "host" and n.status == "failed"]  # type: ignore[union-attr]
        assert [(n.name, n.detail) for n in failed] == [("pg1", "broken on purpose")]
        await pilot.press("q")
    assert seen_running  # it was shown while it ran, not only at the end
    assert app.return_code == 2 == process.rc()
    saved = spec.ident_dir
    assert (saved / "status").read_text() == "failed" and (saved / "rc").read_text() == "2"
    assert load_path(saved).events == app.feed.tree.events  # type: ignore[union-attr]
    assert not (tmp_path / "pdd" / "worker-jobs" / spec.ident).exists()  # staging cleaned


@pytest.mark.slow
async def test_quitting_can_cancel_the_run_on_the_worker(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PLAYBOOKS / "slow.yml")
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.feed is not None and app.feed.tree.events >= 4)
        await pilot.press("q")
        await pilot.pause(0.2)
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("c")
        deadline = time.monotonic() + 90
        while app.is_running and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    assert not process.running
    assert (spec.ident_dir / "status").read_text().strip() == "canceled"
    assert app.return_code == 254


def test_worker_commands_are_split_not_given_to_a_shell(tmp_path: Path) -> None:
    playbook = PLAYBOOKS / "seed.yml"
    argv = ["run", str(playbook), "--private-data-dir", str(tmp_path)]
    spec = run_spec(parse_args([*argv, "--worker", "ssh 'build host' ansible-runner worker; rm x"]))
    assert spec.worker == ["ssh", "build host", "ansible-runner", "worker;", "rm", "x"]
    with pytest.raises(UsageError, match="--worker"):
        run_spec(parse_args([*argv, "--worker", "ssh 'unclosed"]))
    (tmp_path / "artifacts" / "taken").mkdir(parents=True)
    with pytest.raises(UsageError, match="has it already"):
        run_spec(parse_args([*argv, "--worker", "w", "--ident", "taken"]))
