"""QuitDialog: quitting while a run we started is still going."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

QuitChoice = Literal["cancel", "detach", "stay"]


class QuitDialog(ModalScreen[QuitChoice]):
    """Cancel the run, leave it running in the background, or stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "choose('cancel')", "Cancel run"),
        Binding("d", "choose('detach')", "Detach"),
        Binding("escape,s", "choose('stay')", "Stay"),
    ]

    DEFAULT_CSS = """
    QuitDialog { align: center middle; }
    QuitDialog > Vertical {
        width: 64; height: auto; border: round $warning; background: $surface; padding: 1 2;
    }
    QuitDialog Horizontal { height: auto; margin-top: 1; }
    QuitDialog Button { margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("The playbook is still running.", style="bold"))
            yield Static(
                Text(
                    "Cancel it, or detach and let it finish in the background "
                    "(its artifacts stay where they are)."
                )
            )
            with Horizontal():
                yield Button("Cancel run (c)", id="cancel", variant="error")
                yield Button("Detach (d)", id="detach", variant="warning")
                yield Button("Stay (esc)", id="stay", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: QuitChoice) -> None:
        """Close with `choice`."""
        self.dismiss(choice)
