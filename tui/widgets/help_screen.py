"""HelpScreen: every key, on `?`."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..theme import STATUS_GLYPH, STATUS_MEANING, STATUS_STYLE

KEYS: tuple[tuple[str, str], ...] = (
    ("1  2  3  4", "Tasks / Hosts / Log / Timeline view (the selection comes along)"),
    ("↑ ↓  j k", "move"),
    ("← h", "collapse, or go to the parent"),
    ("→ l", "expand, or go to the first child"),
    ("enter  space", "expand or collapse"),
    ("e / c", "expand all / collapse all"),
    ("n / N", "next / previous failed or unreachable host"),
    ("S", "Hosts view: failed and unreachable first, or by name only"),
    ("f", "follow the newest activity"),
    ("/", "search (filters the tree live); escape clears"),
    ("s", "status filter: all, failed, rescued, changed, running, skipped, warnings"),
    ("r", "pick another run under artifacts/"),
    ("d", "compare with another run (the last one of this playbook first); d again ends it"),
    ("  n / N", "while comparing: next / previous difference"),
    ("tab", "focus the detail pane (and back)"),
    ("x", "detail pane: summary → event JSON → event YAML (the footer names the one shown)"),
    ("E", "open the task's file in $VISUAL or $EDITOR at its line"),
    ("o", "a worker stream's own output lines and its error"),
    ("ctrl+p", "command palette: every action, go to a play, task or host, themes"),
    ("y", "copy the selected node (host, task, status, msg, path:line)"),
    ("?", "this help"),
    ("q", "quit"),
    ("", ""),
    ("in the Log view", ""),
    ("enter", "the line's event in the Tasks view"),
    ("n / N", "next / previous line matching the search"),
    ("g G  home end", "first / last line; pgup pgdn space: a page"),
    ("", ""),
    ("in the Timeline", ""),
    ("→ l / ← h  space", "show / hide a task's lanes, one per host"),
    ("+ - / < > / 0", "zoom in / out, pan (also shift+← →), the whole run again"),
    ("enter", "the row's task or host run in the Tasks view"),
    ("", ""),
    ("mouse", ""),
    ("click / double-click", "select / expand or collapse (the ▶ toggles too); wheel scrolls"),
    ("drag in the detail", "select text; ctrl+c copies it"),
)


class HelpScreen(ModalScreen[None]):
    """The keys of the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in KEYS:
            table.add_row(Text(keys), Text(what))
        legend = Table.grid(padding=(0, 2))
        legend.add_column(no_wrap=True)
        legend.add_column()
        for status, glyph in STATUS_GLYPH.items():
            legend.add_row(
                Text(f"{glyph} {status}", style=STATUS_STYLE[status]), Text(STATUS_MEANING[status])
            )
        with VerticalScroll():
            yield Static(Text("jobevents-tui keys", style="bold"))
            yield Static(table)
            yield Static(Text("\nstatus glyphs (colours from the theme)", style="bold"))
            yield Static(legend)
            yield Static(Text("escape closes", style="dim"))

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close the help."""
        self.dismiss(result)
