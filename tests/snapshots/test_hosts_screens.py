"""The Hosts view's screens: SVG snapshots of a real run (update with --snapshot-update)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Static

from jobevents.tui.app import JobEventsApp
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.paths import committed_run
from ..tui.helpers import frames_pass, halt, press, rendered_text, settle, wait_for
from .test_screens import SIZE, SnapCompare, app_on


def in_hosts_view(*keys: str, detail: str | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """A `run_before`: load the run, press `2` and `keys`, wait for `detail` to show."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, JobEventsApp)
        await settle(pilot)
        await press(pilot, "2", *keys)
        pane = app.query_one(DetailPane)
        view = app.view
        assert view is not None
        await wait_for(pilot, lambda: pane.node is view.selected_shown(), what="the detail")
        if detail is not None:
            body = pane.query_one(Static)
            await wait_for(
                pilot,
                lambda: detail in (text := rendered_text(body.content)) and "loading" not in text,
                what=detail,
            )
        await frames_pass(pilot)
        halt(app)

    return run_before


def test_hosts_problems_first_everything_open(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("hosts"))
    assert snap_compare(app, terminal_size=SIZE, run_before=in_hosts_view("e", "home"))


def test_a_failed_hosts_recap_failure_and_facts(snap_compare: SnapCompare) -> None:
    app = app_on(committed_run("hosts"))
    run_before = in_hosts_view("c", "home", "down", detail="Debian")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
