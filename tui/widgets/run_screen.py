"""RunScreen: the app's own screen, laid out again on a resize only when its size changed.

Textual lays a screen out, and paints all of it, on every `Resize` it gets, also on one
of the size it is laid out at. At start three such come, right after the first frame:
the app's own, the terminal driver's, and the one the screen's first layout sends the
screen itself. Each was a layout and a paint of the whole screen (8-11 ms of the start's
CPU), and each held the GIL from Textual's writer thread while it was writing the first
frame to the terminal. What was asked of the layout meanwhile (`refresh(layout=True)`)
is laid out on the screen's next update, as at any other time.

It also focuses nothing by itself, and is not styled again at its first resume (see
the class).
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.screen import Screen


class RunScreen(Screen[None]):
    """The app's default screen (not its modals): a resize to its own size costs nothing."""

    #: Textual focuses nothing here: the app focuses the view of the run it opens, or the
    #: detail pane while it waits for one (Textual focused the detail pane first, and the
    #: view took the focus from it: two restylings of the pane at start)
    AUTO_FOCUS = ""

    _resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Called before Screen's own handler (Textual calls each class's in the MRO).
        # The first resume comes right after the start's mounts, each widget styled as it
        # was mounted: Textual styled every widget again (2-4 ms before the first frame).
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def _screen_resized(self, size: Size) -> None:
        if size == self._compositor.size:
            return
        super()._screen_resized(size)
