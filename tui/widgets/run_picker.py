"""RunPicker: every run under artifacts/, newest first; type to filter, enter picks one.

A screen of its own, not a dialog over the run: a dialog repaints the screen under it,
dimmed, which costs more than the whole list. A row shows what `core.run_summary` reads
of a run (its small files and its first and last events, never the whole run).
Summaries are read on a thread and come in as they are read; the app keeps them between
openings, so a folder of a thousand finished runs lists at once. One picker serves every
opening (`RunPicker.open`): installed in the app, its widgets, styles and drawn rows stay,
so opening it again lays nothing out and draws only what changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen, ScreenResultCallbackType
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from jobevents.core.ansi import safe_line
from jobevents.core.folder import RunFolder
from jobevents.core.render import duration_text
from jobevents.core.run_summary import RunSummaries, RunSummary
from jobevents.core.status import OK, STATUSES

from ..theme import RUN_STATE_STYLE, STATUS_GLYPH, STATUS_STYLE
from .run_list import RunList

#: column widths of a row, in cells (the hosts column takes the rest)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("", 2),
    ("run", 38),
    ("playbook", 14),
    ("status", 11),
    ("started", 17),
    ("took", 8),
    ("hosts", 0),
)
#: summaries read on the thread reach the list at most this often
BATCH_EVERY = 0.1
#: the name the picker is installed under in the app
SCREEN_NAME = "run-picker"


class RunPicker(Screen[RunFolder | None]):
    """A list of runs, newest first: typing filters it (ident, playbook, status)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "cursor('cursor_down')", "Down", show=False),
        Binding("up", "cursor('cursor_up')", "Up", show=False),
        Binding("pagedown", "cursor('page_down')", "Page down", show=False),
        Binding("pageup", "cursor('page_up')", "Page up", show=False),
    ]

    DEFAULT_CSS = """
    RunPicker > Vertical { border: round $accent; background: $surface; }
    RunPicker Input, RunPicker Input:focus {
        border: none; height: 1; padding: 0 1; margin-bottom: 1; background: $boost;
    }
    RunPicker #columns { padding: 0 1; color: $text-muted; text-style: bold; }
    RunPicker RunList { padding: 0 1; }
    """

    def __init__(
        self,
        runs: Sequence[RunFolder],
        current: RunFolder | None,
        summaries: RunSummaries | None = None,
    ) -> None:
        super().__init__()
        self.summaries = summaries if summaries is not None else RunSummaries()
        #: what is known of each run so far (from the cache, then as read)
        self.known: dict[RunFolder, RunSummary] = {}
        #: the runs the list shows (those the filter keeps), in its order
        self.shown: list[RunFolder] = []
        self._set_runs(runs, current)

    @classmethod
    def open(
        cls,
        app: App[object],
        runs: Sequence[RunFolder],
        current: RunFolder | None,
        summaries: RunSummaries,
        callback: ScreenResultCallbackType[RunFolder | None],
    ) -> RunPicker:
        """Show the app's picker (made and installed the first time) listing `runs`."""
        if app.is_screen_installed(SCREEN_NAME):
            picker = app.get_screen(SCREEN_NAME)
            assert isinstance(picker, cls)
            if picker in app.screen_stack:
                return picker  # open already (asked for again from the palette, say)
            picker.reopen(runs, current)
        else:
            picker = cls(runs, current, summaries)
            app.install_screen(picker, SCREEN_NAME)
        app.push_screen(picker, callback)
        return picker

    def reopen(self, runs: Sequence[RunFolder], current: RunFolder | None) -> None:
        """List `runs` again, as a new picker would: no filter, `current` highlighted."""
        self._set_runs(runs, current)
        if not self.is_mounted:
            return  # on_mount shows them
        self.workers.cancel_group(self, "run-summaries")
        self.query_one("#frame").border_title = self._title()
        search = self.query_one("#filter", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self._show(keep=current)
        self.call_after_refresh(self._read_summaries)

    def _set_runs(self, runs: Sequence[RunFolder], current: RunFolder | None) -> None:
        self.runs = list(runs)
        self.current = current
        self.known = self.summaries.cached_of(self.runs)
        #: every run's summary has been read (or found unchanged) since the picker opened
        self.complete = False

    def _title(self) -> str:
        return f"Runs ({len(self.runs):,}, newest first)"

    def compose(self) -> ComposeResult:
        with Vertical(id="frame") as frame:
            frame.border_title = self._title()
            frame.border_subtitle = "type to filter · enter opens · escape closes"
            yield Input(placeholder="filter by run, playbook or status", id="filter")
            yield Static(_columns_line(), id="columns")
            runs = RunList(id="runs")
            runs.can_focus = False  # the filter keeps the keyboard; up, down, enter reach it
            yield runs

    def on_mount(self) -> None:
        self._show(keep=self.current)
        # what the cache holds is on screen first; checking it against the files can wait
        self.call_after_refresh(self._read_summaries)

    # ------------------------------------------------------------ the list

    @property
    def run_list(self) -> RunList:
        return self.query_one("#runs", RunList)

    def row_texts(self) -> list[str]:
        """The rows shown, as plain text."""
        run_list = self.run_list
        return [run_list.row_text(i).plain.rstrip() for i in range(run_list.count)]

    def _show(self, keep: RunFolder | None = None) -> None:
        """Fill the list with the runs the filter keeps; keep `keep` highlighted."""
        text = self.query_one("#filter", Input).value
        shown = [run for run in self.runs if self._matches(run, text)]
        self.shown = shown
        known, current = self.known, self.current

        def row(index: int) -> Text:
            run = shown[index]
            return row_text(run, known.get(run), run == current)

        self.run_list.set_rows(len(shown), row, shown.index(keep) if keep in shown else 0)

    def _matches(self, run: RunFolder, text: str) -> bool:
        summary = self.known.get(run)
        if summary is not None:
            return summary.matches(text)
        needle = text.strip().casefold()
        return not needle or needle in (run.ident or str(run.job_events)).casefold()

    def _highlighted_run(self) -> RunFolder | None:
        index = self.run_list.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    @work(thread=True, exclusive=True, group="run-summaries")
    def _read_summaries(self) -> None:
        """Read (or find unchanged) every run's summary, handing them over in batches."""
        worker = get_current_worker()
        runs, known = self.runs, self.known
        batch: dict[RunFolder, RunSummary] = {}
        last = time.monotonic()
        for run in runs:
            if worker.is_cancelled:
                return
            summary = self.summaries.get(run)
            if known.get(run) != summary:
                batch[run] = summary
            if batch and time.monotonic() - last >= BATCH_EVERY:
                self.app.call_from_thread(self._got, runs, batch, False)
                batch, last = {}, time.monotonic()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._got, runs, batch, True)

    def _got(
        self, runs: list[RunFolder], batch: dict[RunFolder, RunSummary], complete: bool
    ) -> None:
        if runs is not self.runs:
            return  # read for an earlier opening
        self.known.update(batch)
        self.complete = complete
        if batch:
            self._show(keep=self._highlighted_run())

    # ------------------------------------------------------------- actions

    @on(Input.Changed, "#filter")
    def _filter_changed(self, _event: Input.Changed) -> None:
        self._show(keep=self._highlighted_run())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, _event: Input.Submitted) -> None:
        run = self._highlighted_run()
        if run is not None:
            self.dismiss(run)

    @on(RunList.Selected, "#runs")
    def _selected(self, event: RunList.Selected) -> None:
        self.dismiss(self.shown[event.index])

    def action_cursor(self, where: str) -> None:
        """Move the highlight while the filter keeps the keyboard."""
        getattr(self.run_list, f"action_{where}")()

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)


def row_text(run: RunFolder, summary: RunSummary | None, current: bool) -> Text:
    """One run as a row of fixed columns (what came from files is data, never markup)."""
    widths = [width for _name, width in COLUMNS]
    row = Text(no_wrap=True, overflow="ellipsis")
    row.append("● " if current else "  ", style="bold")
    _cell(row, safe_line(run.ident or str(run.job_events), widths[1] - 1), widths[1], "bold")
    if summary is None:
        _cell(row, "…", widths[2], "dim")
        return row
    _cell(row, safe_line(summary.playbook or "-", widths[2] - 1), widths[2], "")
    status = summary.status or "unknown"
    _cell(row, safe_line(status, widths[3] - 1), widths[3], RUN_STATE_STYLE.get(status, ""))
    started = (
        datetime.fromtimestamp(summary.started).strftime("%Y-%m-%d %H:%M")
        if summary.started is not None
        else "-"
    )
    _cell(row, started, widths[4], "dim")
    _cell(row, duration_text(summary.duration) or "-", widths[5], "")
    if summary.hosts is None:
        row.append("-", style="dim")
        return row
    row.append(f"{sum(summary.hosts.values()):,}")
    for status_name in STATUSES:
        count = summary.hosts.get(status_name)
        if count and status_name != OK:
            row.append(f" {STATUS_GLYPH[status_name]}{count:,}", style=STATUS_STYLE[status_name])
    return row


def _cell(row: Text, text: str, width: int, style: str) -> None:
    row.append(text, style=style)
    row.append(" " * max(1, width - cell_len(text)))


def _columns_line() -> Text:
    line = Text(no_wrap=True)
    for name, width in COLUMNS:
        line.append(name.ljust(width) if width else name)
    return line
