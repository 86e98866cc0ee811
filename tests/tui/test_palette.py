"""The command palette (ctrl+p): go to a host or task of a live run, and the app's actions."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot

from jobevents.core.nodes import Node
from jobevents.tui.app import JobEventsApp

from .helpers import add_events, copy_run, finish, header_text, press, running, settle, wait_for


def palette_shown(app: JobEventsApp) -> bool:
    return isinstance(app.screen, CommandPalette)


async def palette_pick(pilot: Pilot, text: str, first: str) -> None:
    """Open the palette, type `text`, wait until the first hit reads `first`, take it."""
    app = pilot.app
    assert isinstance(app, JobEventsApp)
    await press(pilot, "ctrl+p")
    await wait_for(pilot, lambda: palette_shown(app), what="the palette")
    await pilot.press(*text)
    await wait_for(pilot, lambda: first in top_hit(app), what=f"{first!r} first in the palette")
    await press(pilot, "enter")
    await wait_for(pilot, lambda: not palette_shown(app), what="the palette to close")
    await pilot.pause(0.1)


def selected(app: JobEventsApp) -> Node | None:
    assert app.view is not None and app.feed is not None
    with app.feed.lock:
        return app.view.selected_node()


async def test_go_to_a_host_and_a_task_that_arrive_while_the_run_is_live(tmp_path: Path) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        assert app.find_names("install_postgres", 5) == []  # not run yet
        add_events(ident_dir, rest)
        finish(ident_dir, "seed_free")
        await wait_for(pilot, lambda: "57 events" in header_text(app), what="all events")
        await pilot.pause(0.2)

        await palette_pick(pilot, "instpost", "install_postgres")
        node = selected(app)
        assert node is not None and (node.kind, node.name) == ("task", "install_postgres")
        assert app.view_id == "tasks" and not app.view.is_following  # type: ignore[union-attr]

        await press(pilot, "2")  # the Hosts view: a host goes to its row there
        await palette_pick(pilot, "tower2", "host  tower2")
        node = selected(app)
        assert node is not None and (node.kind, node.name) == ("host", "tower2")
        assert node.parent is not None and node.parent.name == "restart_tower"  # its latest
        assert app.view_id == "hosts"


async def test_the_open_palette_shows_a_name_that_arrives_while_it_is_open(
    tmp_path: Path,
) -> None:
    ident_dir, rest = copy_run("seed_free", tmp_path, fraction=0.3)
    app = JobEventsApp(tmp_path)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await wait_for(pilot, lambda: palette_shown(app), what="the palette")
        await pilot.press(*"instpost")
        await pilot.pause(0.5)
        assert "install_postgres" not in top_hit(app)  # not run yet
        add_events(ident_dir, rest)  # no key is pressed from here on
        await wait_for(
            pilot, lambda: "install_postgres" in top_hit(app), what="the new name in the hits"
        )
        await press(pilot, "enter")
        await wait_for(pilot, lambda: not palette_shown(app), what="the palette to close")
        node = selected(app)
        assert node is not None and (node.kind, node.name) == ("task", "install_postgres")


def top_hit(app: JobEventsApp) -> str:
    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return ""
    options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
    return str(options[0].prompt) if options else ""


async def test_a_task_the_log_cannot_show_is_found_in_the_tasks_view() -> None:
    from ..fixtures.paths import committed_run

    app = JobEventsApp(committed_run("seed_linear"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "4")  # the Timeline has no play rows: the Tasks view takes it
        await palette_pick(pilot, "PLAY preflight"[5:], "play  preflight")
        node = selected(app)
        assert node is not None and (node.kind, node.name) == ("play", "preflight")


async def test_a_task_the_filters_hide_is_shown_by_dropping_them() -> None:
    from ..fixtures.paths import committed_run

    app = JobEventsApp(committed_run("seed_linear"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "/")
        await pilot.press(*"zzz-nothing")  # a search that hides every task
        await press(pilot, "enter")
        app.set_status_filter("failed")
        await pilot.pause(0.2)
        await palette_pick(pilot, "PLAY preflight"[5:], "play  preflight")
        node = selected(app)
        assert node is not None and (node.kind, node.name) == ("play", "preflight")
        assert not app.query_filter and app.search.value == ""


async def test_enter_in_the_palette_opened_from_the_search_is_the_palettes() -> None:
    """The search box keeps its focus under the palette: enter there picks, all the same."""
    from ..fixtures.paths import committed_run

    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "/", *"tow")
        await palette_pick(pilot, "fail_one", "fail_one_host")
        node = selected(app)
        assert node is not None and node.name == "fail_one_host"


async def test_a_slash_typed_in_the_palette_is_text() -> None:
    """ "/" opens the search only on the run's screen: in the palette it is part of a path."""
    from ..fixtures.paths import committed_run

    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await wait_for(pilot, lambda: palette_shown(app), what="the palette")
        await press(pilot, *"roles/web")
        assert app.screen.query_one(CommandInput).value == "roles/web"
        assert app._search is None  # never asked for: the search box was not opened


async def test_palette_runs_app_actions_by_name() -> None:
    from ..fixtures.paths import committed_run

    app = JobEventsApp(committed_run("features"), watch=False)
    async with running(app) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "status filter: failed", "Status filter: failed")
        assert app.query_filter.status == "failed"
        assert "status: failed" in header_text(app)
        await palette_pick(pilot, "view: log", "View: Log")
        assert app.view_id == "log"
