"""RunHeader: one line of what the run is doing now, built from data (never markup)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from jobevents.core.ansi import safe_line
from jobevents.core.folder import FINISHED_STATES
from jobevents.core.render import duration_text
from jobevents.core.status import STATUSES
from jobevents.core.tree import EventTree

from ..theme import PART_STYLE, RUN_STATE_STYLE, STATUS_GLYPH, STATUS_STYLE

if TYPE_CHECKING:
    from jobevents.core.stream import StreamState


class RunHeader(Static):
    """Ident, playbook, runner status, elapsed time, events read, hosts by status, errors and
    the warnings Ansible printed."""

    DEFAULT_CSS = """
    RunHeader { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    _shown: Text | None = None

    def show_waiting(self, message: str) -> None:
        self._show(Text(message, style="italic"))

    def _show(self, text: Text) -> None:
        # Called every frame: an unchanged line must not cost a repaint, and one line of
        # fixed height never needs the screen laid out again.
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)

    def show_run(
        self,
        *,
        ident: str | None,
        status: str | None,
        tree: EventTree,
        errors: int,
        follow: bool,
        unseen: int,
        filter_text: str,
        clock: Callable[[], float],
        view: str = "",
        warnings: int = 0,
        stream: StreamState | None = None,
        compare: Text | None = None,
    ) -> None:
        """Repaint from the run's state. Call with the feed's lock held."""
        text = Text()
        if view:
            text.append(view, style="bold reverse")
            text.append(" ")
        if ident:
            text.append(safe_line(ident, 40), style="bold")
            text.append(" │ ", style="dim")
        text.append(safe_line(tree.root.name, 60) or "…")
        text.append(" │ ", style="dim")
        # Runner writes `status` only at the end: events without it mean a live run.
        state = status or ("finished" if tree.finished else "running" if tree.events else "unknown")
        if state == "lost":
            text.append("stream lost", style="bold yellow")
        else:
            text.append(state, style=RUN_STATE_STYLE.get(state, "bold"))
        elapsed = _elapsed(tree, status, clock)
        if elapsed:
            text.append(f" {elapsed}", style="dim")
        if stream is not None:
            _append_stream(text, stream, clock)
        # What changes the reading of everything else comes first, before narrow screens cut.
        text.append(" │ ", style="dim")
        if follow:
            text.append("following", style=PART_STYLE["faster"])
        else:
            text.append("paused", style=PART_STYLE["differs"])
            if unseen:
                text.append(f" +{unseen:,} new", style="bold yellow")
            text.append(" (f)", style="dim")
        if compare:
            text.append(" │ ", style="dim")
            text.append_text(compare)
        if errors:
            text.append(" │ ", style="dim")
            text.append(f"{errors} unreadable", style=STATUS_STYLE["failed"])
        if warnings:
            text.append(" │ ", style="dim")
            text.append(
                f"⚠ {warnings:,} warning{'s' if warnings != 1 else ''}", style=PART_STYLE["differs"]
            )
        if filter_text:
            text.append(" │ ", style="dim")
            text.append(filter_text, style="bold yellow")
        text.append(" │ ", style="dim")
        text.append(f"{tree.events:,} events")
        hosts = tree.host_states()
        if hosts:
            text.append(" │ hosts", style="dim")
            for state_name in STATUSES:
                n = hosts.get(state_name)
                if n:
                    text.append(f" {STATUS_GLYPH[state_name]} {n}", style=STATUS_STYLE[state_name])
        self._show(text)


#: a live stream silent this long shows when it was last heard
QUIET_AFTER = 2.0
#: and past this, in warning colour
SILENT_AFTER = 30.0


def _append_stream(text: Text, stream: StreamState, clock: Callable[[], float]) -> None:
    """What a worker stream adds: rc, an error's explanation, silence, its output lines."""
    if stream.rc is not None:
        text.append(f" rc {stream.rc}", style="dim")
    if stream.explanation:
        text.append(" ")
        text.append(safe_line(stream.explanation, 80), style=PART_STYLE["slower"])
    if stream.ended is None and stream.last_heard is not None:
        quiet = clock() - stream.last_heard
        if quiet >= QUIET_AFTER:
            style = "bold yellow" if quiet >= SILENT_AFTER else "dim"
            ago = f"{int(quiet)}s" if quiet < 60 else duration_text(quiet)
            text.append(f" heard {ago} ago", style=style)
    if stream.output_count:
        text.append(" │ ", style="dim")
        text.append(f"{stream.output_count:,} output lines (o)", style=PART_STYLE["added"])


def _elapsed(tree: EventTree, status: str | None, clock: Callable[[], float]) -> str:
    root = tree.root
    if root.start is None:
        return ""
    if tree.finished or status in FINISHED_STATES:
        return duration_text(root.elapsed) if root.end else ""
    try:
        started = datetime.fromisoformat(root.start).timestamp()
    except ValueError:
        return ""
    return duration_text(max(0.0, clock() - started))
