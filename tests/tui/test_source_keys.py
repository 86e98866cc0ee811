"""The playbook beside a task, `x` through the raw views, `E` to the editor, `s` to warnings."""

from __future__ import annotations

import json
import os
import random
import shlex
import stat
import sys
from pathlib import Path

import pytest
import yaml
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static

from jobevents.core.nodes import Node
from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.hostile import MARKUP_HOST, WIDE_TASK, build_hostile_run
from ..fixtures.paths import committed_run
from ..fixtures.runners import PLAYBOOKS_DIR
from .helpers import (
    add_events,
    copy_run,
    frames_pass,
    header_text,
    press,
    rendered_text,
    running,
    settle,
    tree_state,
    wait_for,
)
from .test_hostile_tui import ESCAPE_MARKS

#: tower2's failure in features.yml, and the line of its task
FAILED_TASK, FAILED_LINE = "fail_one_host", 95


def features_app(**kwargs: object) -> JobEventsApp:
    """The committed features run, made elsewhere: its task_paths name another machine's /tmp."""
    return JobEventsApp(committed_run("features"), watch=False, **kwargs)  # type: ignore[arg-type]


def detail_text(app: JobEventsApp, width: int = 100) -> str:
    body = app.query_one(DetailPane).query_one(Static)
    return rendered_text(body.content, width=width)


def cursor_node(app: JobEventsApp) -> Node:
    assert app.run_tree is not None and app.run_tree.cursor_node is not None
    node = app.run_tree.cursor_node.data
    assert node is not None
    return node


def toasts(app: JobEventsApp) -> list[str]:
    return [n.message for n in app._notifications]


async def on_failed_host(pilot: object, app: JobEventsApp) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "N", "N")  # type: ignore[arg-type]
    node = cursor_node(app)
    assert (node.name, node.parent.name if node.parent else None) == ("tower2", FAILED_TASK)


# ----------------------------------------------------------------------------- source


async def test_the_playbook_around_a_host_run_and_its_task() -> None:
    app = features_app(projects=[PLAYBOOKS_DIR])
    async with running(app) as pilot:
        await on_failed_host(pilot, app)
        marked = f"❱  {FAILED_LINE}     - name: {FAILED_TASK}"
        await wait_for(pilot, lambda: marked in detail_text(app), what="the marked task line")
        text = detail_text(app)
        assert f"{PLAYBOOKS_DIR / 'features.yml'}:{FAILED_LINE}" in text
        assert "found via --project" in text
        assert f"  {FAILED_LINE - 3} " in text and f"  {FAILED_LINE + 6} " in text
        assert f"  {FAILED_LINE - 4} " not in text and f"  {FAILED_LINE + 7} " not in text
        # after the why box, before the output
        assert text.index("tower2 fails for real") < text.index(marked) < text.index("output")

        await press(pilot, "h")  # up to the task
        assert cursor_node(app).name == FAILED_TASK
        await wait_for(pilot, lambda: marked in detail_text(app), what="the task's source")
        text = detail_text(app)
        assert text.index("task ") < text.index(marked) < text.index("tower1")  # before hosts


async def test_a_file_found_nowhere_is_one_line_saying_where(tmp_path: Path) -> None:
    hostile = build_hostile_run(tmp_path / "run", big_event_mb=0)
    app = JobEventsApp(hostile.ident_dir, watch=False, projects=[tmp_path / "empty"])
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None and app.run_tree is not None
        task = next(n for n in app.feed.tree.nodes() if n.kind == "task" and n.name == WIDE_TASK)
        assert app.run_tree.select_core_node(task)
        await wait_for(pilot, lambda: "evil.yml not found" in detail_text(app, 2000), what="it")
        line = next(x for x in detail_text(app, 2000).splitlines() if "evil.yml not found" in x)
        assert f"under {tmp_path / 'empty'} (--project)" in line
        assert f"at /nonexistent/{MARKUP_HOST}/" in line  # markup as typed
        assert "(as written)" in line
        assert not any(mark in app.export_screenshot() for mark in ESCAPE_MARKS)


# ---------------------------------------------------------------------------------- x


async def test_x_cycles_summary_json_yaml_and_the_footer_names_the_mode() -> None:
    app = features_app(projects=[PLAYBOOKS_DIR])
    async with running(app) as pilot:
        await on_failed_host(pilot, app)
        node = cursor_node(app)
        assert node.ref is not None and app.feed is not None
        event = json.loads(app.feed.reader.path_of(node.ref).read_text())
        pane = app.query_one(DetailPane)

        def footer_says() -> str:
            return app.screen.active_bindings["x"].binding.description

        await wait_for(pilot, lambda: "fails for real" in detail_text(app), what="the summary")
        assert (pane.mode, footer_says()) == ("summary", "Summary")

        await press(pilot, "x")
        await wait_for(pilot, lambda: '"event": "runner_on_failed"' in detail_text(app))
        assert (pane.mode, footer_says()) == ("json", "JSON")
        assert "event JSON" in detail_text(app) and "❱" not in detail_text(app)

        await press(pilot, "x")
        await wait_for(pilot, lambda: "event: runner_on_failed" in detail_text(app))
        assert (pane.mode, footer_says()) == ("yaml", "YAML")
        lines = detail_text(app, width=5000).splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("event YAML"))
        assert yaml.safe_load("\n".join(lines[at + 1 :])) == event

        await press(pilot, "k")  # the mode stays while the cursor moves
        assert cursor_node(app) is not node
        await wait_for(pilot, lambda: f"counter: {node.ref[0]}" not in detail_text(app))
        assert "event YAML" in detail_text(app)
        await press(pilot, "j")

        await press(pilot, "x")
        await wait_for(pilot, lambda: "event YAML" not in detail_text(app), what="the summary")
        assert (pane.mode, footer_says()) == ("summary", "Summary")
        assert "tower2 fails for real" in detail_text(app)


# ---------------------------------------------------------------------------------- E


def fake_editor(tmp_path: Path) -> tuple[Path, Path]:
    """A script that records its arguments; returns it and the file it writes."""
    record = tmp_path / "argv.json"
    script = tmp_path / "fake editor"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, record


@pytest.fixture
def can_suspend(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test driver suspends as a terminal would (it has nothing to hand over)."""
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda _self: True))


@pytest.mark.usefixtures("can_suspend")
async def test_e_opens_the_editor_at_the_task_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, record = fake_editor(tmp_path)
    # split as a shell would: a quoted path with a space, then an option of the editor
    monkeypatch.setenv("EDITOR", f"'{script}' --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    app = features_app(projects=[PLAYBOOKS_DIR])
    async with running(app) as pilot:
        await on_failed_host(pilot, app)
        await press(pilot, "E")
        await wait_for(pilot, record.exists, what="the editor to run")
        assert json.loads(record.read_text()) == [
            "--wait",
            f"+{FAILED_LINE}",
            str(PLAYBOOKS_DIR / "features.yml"),
        ]
        assert toasts(app) == []
        # back in the app, which still answers keys
        before = tree_state(app).cursor
        await press(pilot, "k")
        assert tree_state(app).cursor == before - 1

        record.unlink()
        monkeypatch.setenv("VISUAL", shlex.quote(str(script)))  # VISUAL wins over EDITOR
        monkeypatch.setenv("EDITOR", "/bin/false")
        await press(pilot, "h")  # a task opens its own line
        await press(pilot, "E")
        await wait_for(pilot, record.exists, what="the editor to run again")
        assert json.loads(record.read_text())[0].startswith("+")


@pytest.mark.usefixtures("can_suspend")
async def test_e_says_why_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = features_app(projects=[PLAYBOOKS_DIR])
    async with running(app) as pilot:
        await on_failed_host(pilot, app)
        await press(pilot, "E")
        assert toasts(app)[-1] == "Neither $VISUAL nor $EDITOR is set: set one to open files."

        monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
        await press(pilot, "E")
        assert toasts(app)[-1].startswith(f"Cannot start {tmp_path / 'no-such-editor'}")
        await press(pilot, "k")  # the app came back from the suspension
        assert cursor_node(app).name != "tower2"

        await press(pilot, "home")  # the playbook names no file
        assert cursor_node(app).kind == "playbook"
        await press(pilot, "E")
        assert toasts(app)[-1] == "Pick a task or a host run: this node names no file."

        # where the terminal cannot be handed over (a browser, say)
        monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda _self: False))
        script, record = fake_editor(tmp_path)
        monkeypatch.setenv("EDITOR", shlex.quote(str(script)))
        await press(pilot, "n")
        await press(pilot, "E")
        assert toasts(app)[-1] == "This terminal cannot be lent to an editor."
        assert not record.exists()

    # a task whose file exists nowhere (its path carries markup and escapes)
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda _self: True))
    hostile = build_hostile_run(tmp_path / "run", big_event_mb=0)
    app = JobEventsApp(hostile.ident_dir, watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None and app.run_tree is not None
        task = next(n for n in app.feed.tree.nodes() if n.kind == "task" and n.name == WIDE_TASK)
        assert app.run_tree.select_core_node(task)
        await press(pilot, "E")
        assert not record.exists()
        said = toasts(app)[-1]
        assert said.startswith("evil.yml not found: looked at /nonexistent/")
        assert MARKUP_HOST in said and not any(mark in said for mark in ESCAPE_MARKS)


# ---------------------------------------------------------------------------- warnings


async def test_s_reaches_warnings_and_the_header_counts_them_live(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("features", tmp_path, fraction=0.5)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert "warning" not in header_text(app)
        random.Random(5).shuffle(rest)
        add_events(ident_dir, rest)
        await wait_for(pilot, lambda: "⚠ 3 warnings" in header_text(app), what="3 warnings")

        await press(pilot, *"ssssss")  # failed, rescued, changed, running, skipped, warnings
        await frames_pass(pilot)
        assert "status: warnings  3 matches" in header_text(app)
        shown = [line.text for line in tree_state(app).lines]
        hits = [text for text in shown if "WARNING" in text]
        assert len(hits) == 3 and any("no_such_group" in text for text in hits)
        assert all("ok" not in text.split() for text in shown)  # no host runs
        await press(pilot, "s")
        await frames_pass(pilot)
        assert "status:" not in header_text(app) and "⚠ 3 warnings" in header_text(app)


def test_editor_command_is_never_a_shell(tmp_path: Path) -> None:
    from jobevents.tui.editor import EditorError, editor_command

    target = tmp_path / "a; rm -rf ~.yml"
    env = {"EDITOR": "vim -u NONE"}
    assert editor_command(env, target, 7) == ["vim", "-u", "NONE", "+7", str(target)]
    assert editor_command({"VISUAL": "code -w", **env}, target, None) == ["code", "-w", str(target)]
    assert editor_command(env, Path("-c.yml"), 1)[-1] == os.path.join(os.getcwd(), "-c.yml")
    for bad in ({}, {"EDITOR": "  "}, {"EDITOR": "'unclosed"}, {"VISUAL": "", "EDITOR": ""}):
        with pytest.raises(EditorError):
            editor_command(bad, target, 1)


def test_watch_takes_project_dirs() -> None:
    from jobevents.tui.cli import parse_args

    args = parse_args(["watch", "runs/", "--project", "~/site", "--project", "roles"])
    assert args.project == [Path("~/site"), Path("roles")]
    assert parse_args(["watch"]).project == []
