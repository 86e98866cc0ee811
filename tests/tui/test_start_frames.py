"""The start: the first frame paints the screen as it settles, and nothing paints it all
again right after (each such frame was CPU on the way to the screen, and held the GIL
from Textual's writer thread while it wrote the first)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Input, Static, Tree

from jobevents.tui.app import JobEventsApp
from jobevents.tui.cold_start import START_SWITCH_INTERVAL
from jobevents.tui.feed import SWITCH_INTERVAL
from jobevents.tui.views.tasks import TasksView
from jobevents.tui.widgets.line_cache import CachedTreeLines
from jobevents.tui.widgets.run_screen import RunScreen

from .helpers import finished, running, settle


class OnRunScreen(App[None]):
    def get_default_screen(self) -> RunScreen:
        return RunScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Static("text")


async def test_a_resize_to_the_screens_own_size_lays_nothing_out() -> None:
    # At start the app, the terminal driver and the screen's first layout each send the
    # screen a Resize of the size it has: Textual laid all of it out and painted it for each.
    app = OnRunScreen()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen)
        layouts: list[Any] = []
        real = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(args)
            real(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        screen.post_message(events.Resize(Size(60, 20), Size(60, 20)))
        await pilot.pause()
        assert layouts == []
        await pilot.resize_terminal(50, 20)  # another size is laid out, as Textual does
        await pilot.pause()
        assert layouts
        assert app.query_one(Static).size.width == 50


async def test_the_run_screen_is_not_styled_again_at_its_first_resume(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each widget is styled as it is mounted; Textual styled all of them again when the
    # screen first resumed, right after the start's mounts (2-4 ms before the first frame).
    restyled: list[object] = []
    monkeypatch.setattr(
        RunScreen, "update_node_styles", lambda self, animate=True: restyled.append(self)
    )
    app = OnRunScreen()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.query_one(Static).styles.height  # styled, as mounted
    assert restyled == []


async def test_the_first_frame_paints_the_tree_focused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tree is focused when the run is shown, not when the focus's turn comes: it came
    # after the first frame, whose tree (unfocused: another background) the next frame
    # rendered again, all of its rows.
    focused_at_paint: list[bool] = []
    render_lines = CachedTreeLines.render_lines

    def recorded(self: CachedTreeLines[Any], crop: Any) -> list[Strip]:
        focused_at_paint.append(self.has_focus)
        return render_lines(self, crop)

    monkeypatch.setattr(CachedTreeLines, "render_lines", recorded)
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        assert focused_at_paint and all(focused_at_paint)


async def test_no_line_build_runs_inside_another(monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual starts `show_root` at its first read, made by the first line build; its
    # watcher asked for the lines again, so the start's first build (its first follow,
    # before the first frame) built every line twice.
    build = Tree._build
    depth: list[int] = []
    nested: list[int] = []

    def counted(self: Tree[Any]) -> None:
        if depth:
            nested.append(len(depth))
        depth.append(1)
        try:
            build(self)
        finally:
            depth.pop()

    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        assert app.feed is not None
        monkeypatch.setattr(Tree, "_build", counted)
        tree = TasksView(app.feed.state)  # as the start makes it: followed before mounted
        assert tree.is_following and tree._tree_lines_cached
    assert nested == []


async def test_the_gil_changes_hands_within_1ms_from_the_mount_on() -> None:
    # Textual's writer thread writes the first frame while the UI thread goes on: each
    # wait for the GIL lasted up to Python's 5 ms. A run read once (no folder watched: the
    # feed would set it too) has it from the mount on.
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        app = finished("seed_linear")
        async with running(app) as pilot:
            await pilot.pause()
            assert sys.getswitchinterval() <= START_SWITCH_INTERVAL < 0.005
        assert START_SWITCH_INTERVAL == SWITCH_INTERVAL
    finally:
        sys.setswitchinterval(before)


async def test_the_search_box_is_mounted_by_the_first_slash() -> None:
    # Not at start: the first frame does not show it, and its CSS, styles and mount were
    # part of the start. The search's own tests (test_keys.py) run on a box mounted so.
    app = finished("seed_linear")
    async with running(app) as pilot:
        await settle(pilot)
        assert not app.query(Input)
        await pilot.press("slash")
        await pilot.pause()
        search = app.query_one("#search", Input)
        assert search.has_focus and search.display
        assert app.screen.children.index(search) == app.screen.children.index(app.footer) - 1


class FocusableOnRunScreen(OnRunScreen):
    def compose(self) -> ComposeResult:
        yield Input()


async def test_the_run_screen_focuses_nothing_by_itself(tmp_path: Path) -> None:
    # Textual focused the first widget that takes focus (the detail pane in a terminal),
    # then the view took the focus from it: two restylings of the pane at start. The app
    # focuses the view of the run it opens, or the detail pane while it waits for one.
    app = FocusableOnRunScreen()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.focused is None
    waiting = JobEventsApp(tmp_path)  # no run yet: the detail pane, as before
    async with running(waiting) as pilot:
        await pilot.pause()
        assert waiting.feed is None and waiting.detail.has_focus
