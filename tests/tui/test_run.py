"""`run` and `demo`: real playbooks through ansible-runner, watched live, driven by keys."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from jobevents.tui.app import JobEventsApp
from jobevents.tui.cli import main, parse_args
from jobevents.tui.commands.run import UsageError, run_spec
from jobevents.tui.demo_run import prepare_demo
from jobevents.tui.launch import LaunchSpec, PlaybookProcess
from jobevents.tui.widgets.quit_dialog import QuitDialog

PLAYBOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "playbooks"
INVENTORY = PLAYBOOKS / "inventory.ini"

pytestmark = pytest.mark.slow


def _spec(tmp_path: Path, playbook: Path, *extra: str) -> LaunchSpec:
    argv = ["run", str(playbook), "-i", str(INVENTORY), "--private-data-dir", str(tmp_path)]
    argv += ["-e", f"ansible_python_interpreter={sys.executable}", *extra]
    return run_spec(parse_args(argv))


async def _until(pilot, condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.2)
    await pilot.pause(0.3)  # one more frame


def _names(node) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in node.children if c.kind != "message"]


async def test_run_shows_the_run_and_exits_with_its_rc(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PLAYBOOKS / "seed.yml", "--limit", "tower1,pg1")
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: not process.running and app.feed is not None)
        await _until(pilot, lambda: app.feed.status == "successful" and app.feed.tree.finished)
        tree = app.feed.tree
        assert _names(tree.root) == ["preflight", "install"]
        [preflight, _install] = [c for c in tree.root.children if c.kind == "play"]
        assert [sorted(_names(t)) for t in preflight.children] == [["pg1", "tower1"]] * 3
        await pilot.press("q")
    assert app.return_code == 0
    assert (spec.ident_dir / "job_events").is_dir()  # artifacts stay, to be watched again


async def test_a_failing_playbook_exits_with_ansibles_rc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed reads the status file no more on its clock: what the app says when the run
    # ends must not be what the feed last read ("running").
    monkeypatch.setattr("jobevents.tui.feed.STATUS_EVERY", 3600.0)
    playbook = tmp_path / "fail.yml"
    playbook.write_text(
        "- hosts: tower1\n  gather_facts: false\n  tasks:\n"
        "    - name: break\n      ansible.builtin.fail:\n        msg: broken on purpose\n"
    )
    spec = _spec(tmp_path / "pdd", playbook)
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path / "pdd", ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: not process.running and app.feed is not None)
        await _until(pilot, lambda: app.feed.tree.finished)
        failed = [n for n in app.feed.tree.nodes() if n.kind == "host" and n.status == "failed"]
        assert [n.detail for n in failed] == ["broken on purpose"]
        said = lambda: [f"{n.title}: {n.message}" for n in app._notifications]  # noqa: E731
        await _until(pilot, lambda: any(line.startswith("Run finished") for line in said()))
        assert "Run finished: failed, rc 2. q quits." in said()
        await pilot.press("q")
    assert app.return_code == 2


async def test_a_run_that_ended_before_the_app_opened_it_is_shown_and_said_ended(
    tmp_path: Path,
) -> None:
    """Under load the playbook can end before the app's first check opens its run: the
    run is opened all the same, not taken for one that ended before any event."""
    spec = _spec(tmp_path, PLAYBOOKS / "seed.yml", "--limit", "tower1")
    process = PlaybookProcess(spec)
    process.start()
    deadline = time.monotonic() + 120
    while process.running:
        assert time.monotonic() < deadline, "the playbook did not end"
        await asyncio.sleep(0.2)
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        said = lambda: [f"{n.title}: {n.message}" for n in app._notifications]  # noqa: E731
        await _until(pilot, lambda: any(line.startswith("Run finished") for line in said()))
        assert "Run finished: successful, rc 0. q quits." in said()
        await _until(pilot, lambda: app.feed is not None and app.feed.tree.finished)
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_syntax_error_is_shown_as_the_run_failing(tmp_path: Path) -> None:
    playbook = tmp_path / "broken.yml"
    playbook.write_text("- hosts: all\n  tasks:\n    - name: x\n      no_such_module_here: {}\n")
    spec = _spec(tmp_path / "pdd", playbook)
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path / "pdd", ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: not process.running and app.feed is not None)
        await _until(pilot, lambda: app.feed.status == "failed")
        messages = [n for n in app.feed.tree.root.children if n.kind == "message"]
        assert any("no_such_module_here" in (m.detail or "") for m in messages)
        await pilot.press("q")
    assert app.return_code not in (0, None)


async def test_quitting_a_running_run_can_cancel_it(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PLAYBOOKS / "slow.yml")
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.feed is not None and app.feed.tree.events >= 4)
        assert app.feed.status == "running"  # written live for runs we start
        await pilot.press("q")
        await pilot.pause(0.2)
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("c")
        deadline = time.monotonic() + 60
        while app.is_running and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
    assert not process.running
    assert (spec.ident_dir / "status").read_text().strip() == "canceled"
    assert app.return_code == 254


async def test_quitting_a_running_run_can_detach_or_stay(tmp_path: Path) -> None:
    spec = _spec(tmp_path, PLAYBOOKS / "slow.yml")
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _until(pilot, lambda: app.feed is not None and app.feed.tree.events >= 2)
            await pilot.press("q")
            await pilot.pause(0.2)
            await pilot.press("escape")  # stay
            await pilot.pause(0.2)
            assert not isinstance(app.screen, QuitDialog) and app.is_running
            await pilot.press("q")
            await pilot.pause(0.2)
            await pilot.press("d")
        assert app.left_run == "detach" and app.return_code == 0
        assert process.running  # it goes on without us
    finally:
        process.cancel()
        process.wait(30)


async def test_the_demo_runs_to_the_end(tmp_path: Path) -> None:
    spec = prepare_demo(tmp_path)
    process = PlaybookProcess(spec)
    process.start()
    app = JobEventsApp(tmp_path, ident=spec.ident, process=process)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: not process.running and app.feed is not None, timeout=240)
        await _until(pilot, lambda: app.feed.tree.finished, timeout=10)
        tree = app.feed.tree
        plays = [c for c in tree.root.children if c.kind == "play"]
        assert [p.name for p in plays] == [
            "Prepare the fleet",
            "Rolling restart of the web tier",
            "Nightly maintenance, each host at its own pace",
        ]
        assert plays[1].batches == 3
        hosts = {(n.name, n.status) for n in tree.nodes() if n.kind == "host"}
        assert ("deadhost", "unreachable") in hosts and ("db02", "failed") in hosts
        kinds = {n.kind for n in tree.nodes()}
        assert {"item", "retry"} <= kinds
        assert any(n.kind == "task" and n.handler for n in tree.nodes())
        assert tree.recap is not None and len(tree.recap) == 13
        assert app.feed.state.warnings == 1  # the play naming `canary`, a group nobody is in
        await pilot.press("q")
    assert app.return_code == process.rc() != 0


def test_run_refuses_what_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "missing.yml")]) == 2
    assert "playbook not found" in capsys.readouterr().err
    seed = str(PLAYBOOKS / "seed.yml")
    assert main(["run", seed, "-i", str(tmp_path / "nope")]) == 2
    assert "inventory not found" in capsys.readouterr().err
    assert main(["run", seed, "-e", "{broken"]) == 2
    assert capsys.readouterr().err.count("\n") == 1  # one line, not a traceback
    with pytest.raises(UsageError):
        run_spec(parse_args(["run", seed, "-e", "novalue"]))


def test_extra_vars_forms(tmp_path: Path) -> None:
    varfile = tmp_path / "vars.yml"
    varfile.write_text("a: 1\nb: [x]\n")
    args = parse_args(
        [
            *("run", str(PLAYBOOKS / "seed.yml"), "-e", "k=v 'q=two words'", "-e", '{"j": 2}'),
            *("-e", f"@{varfile}", "--", "--check", "--diff"),
        ]
    )
    spec = run_spec(args)
    assert spec.extravars == {"k": "v", "q": "two words", "j": 2, "a": 1, "b": ["x"]}
    assert spec.cmdline == ["--check", "--diff"]
    assert Path(spec.private_data_dir).name == ".jobevents"
