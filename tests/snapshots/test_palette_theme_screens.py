"""The command palette open on a run, and a light theme: SVG snapshots (fixed size, no clock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from jobevents.tui.app import JobEventsApp
from jobevents.tui.theme import apply_theme, theme_variables
from jobevents.tui.widgets.detail_pane import DetailPane

from ..fixtures.paths import committed_run
from ..tui.helpers import halt, press, rendered_text, settle, wait_for
from .test_screens import PROJECT, SIZE, SnapCompare, after, detail_shows_cursor


@pytest.fixture(autouse=True)
def _dark_again() -> Iterator[None]:
    """The styles are the process's: put textual-dark back for the tests that follow."""
    yield
    apply_theme(theme_variables("textual-dark"))


def test_palette_going_to_a_host(snap_compare: SnapCompare) -> None:
    app = JobEventsApp(
        committed_run("features"), watch=False, clock=lambda: 0.0, projects=[PROJECT]
    )
    app.animation_level = "none"

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        # In follow mode the detail pane catches up with the cursor on the frame clock.
        await wait_for(pilot, lambda: detail_shows_cursor(app), what="the detail to catch up")
        body = app.query_one(DetailPane).query_one(Static)
        await wait_for(pilot, lambda: "loading" not in rendered_text(body.content), what="load")
        await press(pilot, "ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.press(*"tower")

        def listed() -> bool:
            """The hits of the whole word: under load, those of "t" or "to" show first."""
            screen = app.screen
            if screen.query_one(Input).value != "tower":
                return False
            options = screen.query_one("CommandList").options  # type: ignore[attr-defined]
            prompts = [str(option.prompt) for option in options]
            return len(prompts) == 2 and all("tower" in prompt for prompt in prompts)

        await wait_for(pilot, listed, what="the hits")
        await pilot.pause(0.3)
        halt(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_a_failed_host_in_a_light_theme(snap_compare: SnapCompare) -> None:
    app = JobEventsApp(
        committed_run("features"),
        watch=False,
        clock=lambda: 0.0,
        projects=[PROJECT],
        theme="textual-light",
    )
    app.animation_level = "none"
    run_before = after("e", "n", detail="tower2 fails for real")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
