"""What the Timeline view (`4`) and a comparison (`d`) look like, on real runs.

Deterministic as the other screens: the folder is read once, the clock is fixed (a run
still going has its running bars end at that moment), timers stop before the screenshot.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.compare_picker import ComparePicker
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.paths import committed_run
from ..tui.helpers import copy_run, frames_pass, halt, press, rendered_text, settle, wait_for
from .test_screens import SEED_FREE_START, SIZE, SnapCompare, app_on


def timeline_after(*keys: str, compare: bool = False) -> Callable[[Pilot], Awaitable[None]]:
    """A `run_before`: load the run, (compare it with the previous one,) press `keys`, wait
    for the detail pane to show the node under the cursor."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, JobEventsApp)
        await settle(pilot)
        if compare:
            await press(pilot, "d")
            await wait_for(pilot, lambda: isinstance(app.screen, ComparePicker), what="picker")
            await pilot.pause()
            await press(pilot, "enter")
            await wait_for(pilot, lambda: app.comparing.marks is not None, timeout=30)
        await press(pilot, *keys)
        await frames_pass(pilot)
        view = app.view
        assert view is not None

        def detail_caught_up() -> bool:
            detail = app.query_one(DetailPane)
            body = rendered_text(detail.query_one(Static).content)
            return detail.node is view.selected_node() and "loading" not in body

        await wait_for(pilot, detail_caught_up, what="the detail pane")
        await frames_pass(pilot)
        halt(app)

    return run_before


def drift_pair(root: Path) -> Path:
    """drift_a, then drift_b (newer) under `root/artifacts/`."""
    a_dir, _ = copy_run("drift_a", root)
    copy_run("drift_b", root)
    hour_ago = time.time() - 3600
    os.utime(a_dir, (hour_ago, hour_ago))
    return root


def test_timeline_of_a_linear_run(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("seed_linear"))
    assert snap_compare(app, terminal_size=SIZE, run_before=timeline_after("4"))


def test_timeline_of_a_free_run_with_a_task_open_to_its_hosts(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("seed_free"))
    keys = ("4", "home", "down", "down", "right", "down")
    assert snap_compare(app, terminal_size=SIZE, run_before=timeline_after(*keys))


def test_timeline_of_a_free_run_mid_way_bars_growing(
    snap_compare: SnapCompare, tmp_path: Path
) -> None:
    copy_run("seed_free", tmp_path, fraction=0.6)
    app = app_on(tmp_path, now=SEED_FREE_START + 9.5)
    assert snap_compare(app, terminal_size=SIZE, run_before=timeline_after("4"))


def test_timeline_zoomed_on_a_wide_terminal(snap_compare: SnapCompare) -> None:
    """Wide enough for the slowest panel to sit beside the chart."""
    app = app_on(committed_run("seed_serial"))
    keys = ("4", "home", "down", "down", "down", "plus", "plus")
    assert snap_compare(app, terminal_size=(190, 30), run_before=timeline_after(*keys))


def test_compare_marks_in_the_tasks_view(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = app_on(drift_pair(tmp_path))
    run_before = timeline_after("e", "home", "n", "n", compare=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_compare_marks_in_the_timeline(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = app_on(drift_pair(tmp_path))
    run_before = timeline_after("4", compare=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
