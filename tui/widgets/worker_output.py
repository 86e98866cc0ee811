"""WorkerOutput: a worker stream's own output lines and its error, on `o`.

Lines that are not stream records (`--debug`, stderr merged by Receptor) are the worker's
text: shown as data, colours kept and every other escape dropped. The starting record's
`env` is never kept, and runner's `--debug` dump of the environment shows names only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from jobevents.core.ansi import safe_line, strip_ansi

if TYPE_CHECKING:
    from jobevents.core.stream import StreamState


class WorkerOutput(ModalScreen[None]):
    """The last lines the worker printed besides its records, newest at the bottom."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,o", "dismiss", "Close"),
    ]

    DEFAULT_CSS = """
    WorkerOutput { align: center middle; }
    WorkerOutput > Vertical {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    WorkerOutput Log { height: 1fr; }
    WorkerOutput .error { color: $error; }
    """

    def __init__(self, stream: StreamState) -> None:
        """Copy what to show now (call with the feed's lock held): the screen does not follow."""
        super().__init__()
        self.lines = [strip_ansi(line) for line in stream.output]
        self.count = stream.output_count
        self.explanation = stream.explanation
        self.traceback = stream.traceback

    def compose(self) -> ComposeResult:
        kept = len(self.lines)
        title = f"Worker output: {self.count:,} lines"
        if kept < self.count:
            title += f" (the last {kept:,} shown)"
        with Vertical():
            yield Static(Text(title, style="bold"))
            if self.explanation:
                yield Static(Text(f"error: {safe_line(self.explanation, 2000)}"), classes="error")
            yield Log(highlight=False)
            yield Static(Text("escape closes", style="dim"))

    def on_mount(self) -> None:
        log = self.query_one(Log)
        if self.traceback:
            log.write_lines(strip_ansi(self.traceback).splitlines())
        if not self.lines and not self.traceback:
            log.write_line("(the worker printed nothing besides its records)")
        log.write_lines(self.lines)
        log.focus()

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        """Close the output."""
        self.dismiss(result)
