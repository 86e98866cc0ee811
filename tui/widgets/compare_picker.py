"""ComparePicker: which run to compare the one shown with (`d`).

The other runs under the same `artifacts/`, newest first, each with the playbook it
played; the previous run of the same playbook is highlighted, so `d enter` compares with
last time.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from ..theme import PART_STYLE, RUN_STATE_STYLE


@dataclass(frozen=True)
class Candidate:
    """A run that can be compared with: where it is, what it played, its state and age."""

    run: RunFolder
    playbook: str | None
    status: str | None
    changed: float | None
    #: the previous run of the playbook shown: the one highlighted
    previous: bool = False


class ComparePicker(ModalScreen[RunFolder | None]):
    """A list of runs; enter compares with the one highlighted, escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "cancel", "Close")]

    DEFAULT_CSS = """
    ComparePicker { align: center middle; }
    ComparePicker > OptionList {
        width: 100; max-width: 95%; height: auto; max-height: 80%; border: round $accent;
    }
    """

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__()
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        options = [Option(_label(c), id=str(i)) for i, c in enumerate(self.candidates)]
        picker = OptionList(*options)
        picker.border_title = "Compare this run with (newest first)"
        picker.border_subtitle = "enter compares, escape closes"
        yield picker

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        default = next((i for i, c in enumerate(self.candidates) if c.previous), 0)
        picker.highlighted = default

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.candidates[int(event.option.id or 0)].run)

    def action_cancel(self) -> None:
        """Close without comparing."""
        self.dismiss(None)


def _label(candidate: Candidate) -> Text:
    run = candidate.run
    status = candidate.status or "unknown"
    label = Text()
    label.append(safe_line(run.ident or str(run.job_events), 36), style="bold")
    label.append("  ")
    label.append(safe_line(candidate.playbook or "?", 30))
    label.append("  ")
    label.append(status, style=RUN_STATE_STYLE.get(status, ""))
    if candidate.changed is not None:
        label.append(
            "  " + datetime.fromtimestamp(candidate.changed).strftime("%Y-%m-%d %H:%M:%S"),
            style="dim",
        )
    if candidate.previous:
        label.append("  ← the previous run", style=PART_STYLE["added"])
    return label
