"""What the Log view looks like: the whole output with colours and numbers, and a search.

Deterministic as test_screens.py: the run is read once, the clock is fixed, timers stop
before the screenshot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Input

from jobevents.tui.app import JobEventsApp
from jobevents.tui.views.log import LogView

from ..fixtures.paths import committed_run
from ..tui.helpers import frames_pass, halt, header_text, press, settle, wait_for
from .test_screens import SIZE, SnapCompare, app_on


def in_log(*keys: str, header: str | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """A `run_before`: load the run, open the log, press `keys`, wait for the detail pane.

    The log is painted once before the keys: its horizontal scrollbar spans the widest
    line painted so far, so whether a frame came between "3" and the keys must not be
    left to the machine's speed.
    """

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, JobEventsApp)
        await settle(pilot)
        await press(pilot, "3")
        await frames_pass(pilot)
        await press(pilot, *keys)
        for search in app.query(Input):
            search.cursor_blink = False
        if header is not None:
            await wait_for(pilot, lambda: header in header_text(app), what=header)
        view = app.views["log"]
        assert isinstance(view, LogView)
        await wait_for(
            pilot,
            lambda: app.detail.node is view.selected_node(),
            what="the detail pane to show the cursor's event",
        )
        await frames_pass(pilot)
        halt(app)

    return run_before


def test_log_of_a_finished_run(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    assert snap_compare(app, terminal_size=SIZE, run_before=in_log())


def test_log_with_an_active_search(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))
    run_before = in_log("g", "slash", *"tower2", "enter", "n", "n", header="3/30 lines")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_log_opened_on_a_failed_host_from_the_tree(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("features"))

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, "n", "n", "n")  # tree: tower2's failure in fail_one_host
        await in_log()(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
