"""RunPicker: choose one of the runs under artifacts/."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from jobevents.core.ansi import safe_line
from jobevents.core.folder import RunFolder

from ..theme import RUN_STATE_STYLE


class RunPicker(ModalScreen[RunFolder | None]):
    """A list of runs, newest first; enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "cancel", "Close")]

    DEFAULT_CSS = """
    RunPicker { align: center middle; }
    RunPicker > OptionList { width: 80; height: auto; max-height: 80%; border: round $accent; }
    """

    def __init__(self, runs: list[RunFolder], current: RunFolder | None) -> None:
        super().__init__()
        self.runs = runs
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for i, run in enumerate(self.runs):
            status = run.status() or "unknown"
            label = Text()
            label.append("● " if run == self.current else "  ", style="bold")
            label.append(safe_line(run.ident or str(run.job_events), 40), style="bold")
            label.append("  ")
            label.append(status, style=RUN_STATE_STYLE.get(status, ""))
            label.append(f"  {_mtime(run)}", style="dim")
            options.append(Option(label, id=str(i)))
        picker = OptionList(*options)
        picker.border_title = "Runs (newest first)"
        yield picker

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current in self.runs:
            picker.highlighted = self.runs.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.runs[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)


def _mtime(run: RunFolder) -> str:
    try:
        stamp = (run.ident_dir or run.job_events).stat().st_mtime
    except OSError:
        return ""
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S")
