"""What the screen looks like: SVG snapshots of real runs (update with --snapshot-update).

Deterministic by construction: the feed reads the folder once (no watcher), the header's
clock is fixed, the app's timers are stopped before the screenshot, no toast is raised,
animations are off and the search field's cursor does not blink.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.paths import committed_run
from ..tui.helpers import (
    copy_run,
    frames_pass,
    halt,
    header_text,
    press,
    rendered_text,
    settle,
    wait_for,
)

SIZE = (120, 40)
#: seed_free's first event: the header of a run still going counts from here
SEED_FREE_START = datetime.fromisoformat("2026-11-26T23:03:58.321472+00:00").timestamp()

SnapCompare = Callable[..., bool]
#: The runs were made under /tmp elsewhere: `--project` finds their playbooks here. Relative,
#: so the screens show the same path in every checkout (conftest.py runs from the repository).
PROJECT = Path("tests/fixtures/playbooks")


def app_on(path: Path, now: float = 0.0) -> JobEventsApp:
    """The app on a run read once, with the playbooks under `--project` (see conftest.py)."""
    app = JobEventsApp(path, watch=False, clock=lambda: now, projects=[PROJECT])
    app.animation_level = "none"
    return app


def after(
    *keys: str, detail: str | None = None, header: str | None = None
) -> Callable[[Pilot], Awaitable[None]]:
    """A `run_before`: load the run, press `keys`, wait for `detail` and `header` to show."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        await settle(pilot)
        await press(pilot, *keys)
        for search in app.query(Input):
            search.cursor_blink = False
        if header is not None:
            await wait_for(pilot, lambda: header in header_text(app), what=header)
        # In follow mode the app repaints the detail pane on its frame clock, not at once.
        await wait_for(pilot, lambda: detail_shows_cursor(app), what="the detail to catch up")
        body = app.query_one(DetailPane).query_one(Static)
        # Payloads and source files load on workers.
        await wait_for(pilot, lambda: "loading" not in rendered_text(body.content), what="load")
        if detail is not None:
            await wait_for(
                pilot,
                lambda: detail in (text := rendered_text(body.content)) and "loading" not in text,
                what=detail,
            )
        await frames_pass(pilot)
        halt(app)  # nothing changes any more

    return run_before


def detail_shows_cursor(app: JobEventsApp) -> bool:
    tree = app.run_tree
    cursor = tree.cursor_node if tree is not None else None
    return cursor is not None and app.query_one(DetailPane).node is cursor.data


@pytest.fixture
def mid_way(tmp_path: Path) -> Path:
    """seed_free (strategy free) caught after 60% of its events, its status "running".

    The screen names the run by its ident only, never by the temporary folder holding it.
    """
    copy_run("seed_free", tmp_path, fraction=0.6)
    return tmp_path


def test_finished_run_fully_expanded(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("seed_linear"))
    assert snap_compare(app, terminal_size=SIZE, run_before=after("e"))


def test_free_run_mid_way_with_hosts_running(snap_compare: SnapCompare, mid_way: Path) -> None:
    app = app_on(mid_way, now=SEED_FREE_START + 9.5)
    assert snap_compare(app, terminal_size=SIZE, run_before=after())


def test_failure_detail_of_a_failed_host(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    run_before = after("n", detail="tower2 fails for real")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_active_search(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    run_before = after("slash", *"tower2", header="/tower2")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_status_filter_failed(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    assert snap_compare(app, terminal_size=SIZE, run_before=after("s"))


def test_help_screen(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("seed_linear"))
    assert snap_compare(app, terminal_size=SIZE, run_before=after("question_mark"))


def test_narrow_terminal(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=after())


def test_source_beside_a_task_and_its_hosts(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    run_before = after("n", "h", detail="❱  95     - name: fail_one_host")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_event_yaml_view(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    run_before = after("n", "x", "x", detail="event: runner_on_failed")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_status_filter_warnings(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    assert snap_compare(
        app, terminal_size=SIZE, run_before=after(*"ssssss", header="status: warnings")
    )


def test_run_picker(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three runs, newest first: what each did, read from its first and last events."""
    monkeypatch.setenv("TZ", "UTC")  # the picker shows start times in local time
    time.tzset()
    for name, stamp in (("killed", 1e9), ("features", 1.1e9), ("seed_linear", 1.2e9)):
        ident_dir, _ = copy_run(name, tmp_path)
        for path in (ident_dir / "job_events", ident_dir):
            os.utime(path, (stamp, stamp))
    app = app_on(tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await after()(pilot)
        await press(pilot, "r")
        await wait_for(pilot, lambda: getattr(app.screen, "complete", False), what="summaries")
        for search in app.screen.query(Input):
            search.cursor_blink = False
        await frames_pass(pilot)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        monkeypatch.undo()
        time.tzset()
