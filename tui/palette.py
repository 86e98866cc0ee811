"""The command palette's own providers: every app action by name, and "go to" a play,
task or host of the run (`ctrl+p`). Textual's system commands (the theme switcher) stay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from msgspec import Struct
from rich.text import Text
from textual.command import (
    CommandInput,
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
)
from textual.screen import Screen
from textual.widgets import Input

from jobevents.core.ansi import safe_line
from jobevents.core.name_index import SCORE_SCALE, NameHit
from jobevents.core.query import STATUS_FILTERS

if TYPE_CHECKING:
    from .app import JobEventsApp

#: how many names a keystroke offers at most
GO_TO_LIMIT = 40
_KIND_WORD = {"play": "play", "task": "task", "host": "host"}


class Command(Struct, frozen=True):
    """One palette entry: its title, a line of help, and what it does."""

    title: str
    help: str
    run: Callable[[], object]


def app_commands(app: JobEventsApp) -> Iterator[Command]:
    """The app's actions as palette commands (those that make sense now)."""
    for key, view_id, name in app.view_keys():
        yield Command(
            f"View: {name}", f"Show the {name} view ({key})", partial(app.action_show_view, view_id)
        )
    yield Command(
        "Expand all", "Open every node of the view (e)", partial(app.view_action, "expand_all")
    )
    yield Command(
        "Collapse all", "Close every node of the view (c)", partial(app.view_action, "collapse_all")
    )
    yield Command(
        "Follow", "Keep the newest activity in view (f)", partial(app.view_action, "follow")
    )
    yield Command(
        "Next failed",
        "The next failed or unreachable host run (n)",
        partial(app.view_action, "next_problem"),
    )
    for status in STATUS_FILTERS:
        if status is None:
            yield Command(
                "Status filter: all",
                "Show every status again",
                partial(app.set_status_filter, None),
            )
        else:
            yield Command(
                f"Status filter: {status}",
                f"Show only {status} host runs (s cycles)",
                partial(app.set_status_filter, status),
            )
    yield Command("Search", "Filter names and messages as you type (/)", app.action_search)
    yield Command(
        "Compare with another run", "Mark what differs from another run (d)", app.action_compare
    )
    yield Command("Pick a run", "Open another run under artifacts/ (r)", app.action_pick_run)
    yield Command(
        "Copy selected",
        "Copy the selected node's host, task, status, msg, path:line (y)",
        app.action_copy_selected,
    )
    yield Command(
        "Detail: next mode",
        "Summary, event JSON, event YAML (x)",
        partial(app.action_cycle_detail, ""),
    )
    yield Command(
        "Edit the task's file", "Open $EDITOR at the task's line (E)", app.action_edit_source
    )
    yield Command("Help", "Every key and the status glyphs (?)", app.action_help)
    yield Command(
        "Quit jobevents-tui", "Leave (asks first when our run still goes) (q)", app.action_quit
    )


class RunCommands(Provider):
    """Every action of the app, found by its name."""

    async def discover(self) -> Hits:
        for command in app_commands(self._app):
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in app_commands(self._app):
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)

    @property
    def _app(self) -> JobEventsApp:
        from .app import JobEventsApp

        app = self.app
        assert isinstance(app, JobEventsApp)
        return app


class GoTo(Provider):
    """Go to a play, task or host of the run by name: searches the run's name index
    (`RunState.names`), which grows with the run, so names that just arrived are found."""

    async def search(self, query: str) -> Hits:
        from .app import JobEventsApp

        app = self.app
        if not isinstance(app, JobEventsApp):
            return
        for hit in app.find_names(query, GO_TO_LIMIT):
            yield Hit(
                min(hit.score / SCORE_SCALE, 1.0),
                go_to_label(hit),
                partial(app.go_to, hit),
                text=f"{hit.kind} {hit.name}",
                help=f"Go to this {_KIND_WORD[hit.kind]}",
            )


def go_to_label(hit: NameHit) -> Text:
    """`host web-01`, the matched letters underlined: event text, so never markup."""
    name = safe_line(hit.name, 200)
    text = Text.assemble((f"{hit.kind:<5} ", "dim"), name)
    offset = 6
    for at in hit.positions:
        if at < len(name):
            text.stylize("bold underline", offset + at, offset + at + 1)
    return text


class OpenPaletteRefresh:
    """Names that come while the palette is open show in its hits: its search runs again
    when more have come, unless the user is moving through the hits (a new search would
    put the highlight back on the first)."""

    def __init__(self) -> None:
        #: names there were when the open palette last searched; None while it is closed
        self._searched: int | None = None

    def check(self, screen: Screen[object], arrived: int) -> None:
        if not isinstance(screen, CommandPalette):
            self._searched = None
            return
        if self._searched is None:  # just opened: its own search is the current one
            self._searched = arrived
            return
        if arrived == self._searched:
            return
        hits = screen.query_one(CommandList)
        if hits.highlighted not in (None, 0):
            return
        field = screen.query_one(CommandInput)
        self._searched = arrived
        if field.value.strip():
            screen.post_message(Input.Changed(field, field.value))
